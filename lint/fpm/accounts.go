package fpm

import (
	"strconv"

	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/hostdb"
)

// accounts answers the lookups php-fpm makes with getpwnam, getgrnam and
// getaddrinfo, in php-fpm's own terms (a name or a numeric id), from the
// machine's databases under the FS root.
type accounts struct{ db *hostdb.DB }

type userEntry struct {
	name string
	uid  int
	gid  int
}

func loadAccounts(fs *files.FS) *accounts { return &accounts{db: hostdb.Load(fs)} }

// groupName is the name of gid, or "" when no group has it.
func (a *accounts) groupName(gid int) string {
	if g, ok := a.db.GroupByGID(gid); ok {
		return g.Name
	}
	return ""
}

// hostAddrs are the addresses /etc/hosts gives name, in file order.
func (a *accounts) hostAddrs(name string) []string {
	var out []string
	for _, addr := range a.db.Hosts(name) {
		out = append(out, addr.String())
	}
	return out
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
		if u, ok := a.db.UserByUID(n); ok {
			return userEntry{u.Name, u.UID, u.GID}, true
		}
		return userEntry{name: "", uid: n, gid: -1}, true
	}
	u, ok := a.db.User(s)
	return userEntry{u.Name, u.UID, u.GID}, ok
}

// lookupGroup resolves a group name or id.
func (a *accounts) lookupGroup(s string) (gid int, name string, known bool) {
	if n, ok := isNumericID(s); ok {
		return n, a.groupName(n), true
	}
	g, ok := a.db.Group(s)
	return g.GID, s, ok
}
