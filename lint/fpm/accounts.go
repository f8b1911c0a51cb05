package fpm

import (
	"strconv"
	"strings"

	"github.com/fcgilint/fcgilint/lint/files"
)

// accounts is /etc/passwd, /etc/group and /etc/hosts under the FS root, the
// files php-fpm's getpwnam, getgrnam and getaddrinfo read (with the usual
// "files" NSS configuration).
type accounts struct {
	passwdRead, groupRead bool
	users                 map[string]userEntry
	uids                  map[int]userEntry
	groups                map[string]int
	gids                  map[int]string
	hosts                 map[string][]string // name -> addresses, in file order
}

type userEntry struct {
	name string
	uid  int
	gid  int
}

func loadAccounts(fs *files.FS) *accounts {
	a := &accounts{users: map[string]userEntry{}, uids: map[int]userEntry{}, groups: map[string]int{}, gids: map[int]string{}, hosts: map[string][]string{}}
	if b, err := fs.ReadFile("/etc/passwd"); err == nil {
		a.passwdRead = true
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Split(line, ":")
			if len(f) < 4 || f[0] == "" || strings.HasPrefix(f[0], "#") {
				continue
			}
			uid, err1 := strconv.Atoi(f[2])
			gid, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil {
				continue
			}
			e := userEntry{f[0], uid, gid}
			if _, dup := a.users[e.name]; !dup {
				a.users[e.name] = e
			}
			if _, dup := a.uids[uid]; !dup {
				a.uids[uid] = e
			}
		}
	}
	if b, err := fs.ReadFile("/etc/group"); err == nil {
		a.groupRead = true
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Split(line, ":")
			if len(f) < 3 || f[0] == "" || strings.HasPrefix(f[0], "#") {
				continue
			}
			gid, err := strconv.Atoi(f[2])
			if err != nil {
				continue
			}
			if _, dup := a.groups[f[0]]; !dup {
				a.groups[f[0]] = gid
			}
			if _, dup := a.gids[gid]; !dup {
				a.gids[gid] = f[0]
			}
		}
	}
	if b, err := fs.ReadFile("/etc/hosts"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			for _, name := range f[1:] {
				a.hosts[strings.ToLower(name)] = append(a.hosts[strings.ToLower(name)], f[0])
			}
		}
	}
	return a
}

// isNumericID is how php-fpm decides that a user or group is an id: the
// whole string is digits (strtol with nothing left over).
func isNumericID(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return n, true
}

// lookupUser resolves a user name or id. known is false when the name is
// not in passwd (php-fpm: "cannot get uid for user"); a numeric id is always
// accepted, with entry.gid -1 when no passwd line has it.
func (a *accounts) lookupUser(s string) (e userEntry, known bool) {
	if n, ok := isNumericID(s); ok {
		if u, ok := a.uids[n]; ok {
			return u, true
		}
		return userEntry{name: "", uid: n, gid: -1}, true
	}
	u, ok := a.users[s]
	return u, ok
}

// lookupGroup resolves a group name or id.
func (a *accounts) lookupGroup(s string) (gid int, name string, known bool) {
	if n, ok := isNumericID(s); ok {
		return n, a.gids[n], true
	}
	g, ok := a.groups[s]
	return g, s, ok
}
