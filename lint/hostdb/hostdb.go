// Package hostdb reads the account and host databases of the machine the
// daemons run on — /etc/passwd, /etc/group and /etc/hosts under the file
// system's root — the files getpwnam, getgrnam, initgroups and getaddrinfo
// consult with the usual "files" NSS configuration.
package hostdb

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/fcgilint/fcgilint/lint/files"
)

// User is one passwd entry.
type User struct {
	Name string
	UID  int
	GID  int // primary group
}

// Group is one group entry.
type Group struct {
	Name    string
	GID     int
	Members []string
}

// DB holds the three databases. Lookups in a database that could not be
// read answer "not found"; callers check the *Read fields to tell "absent"
// from "unknown".
type DB struct {
	PasswdRead, GroupRead, HostsRead bool

	users     map[string]User
	uids      map[int]User
	groups    map[string]Group
	gids      map[int]Group
	memberOf  map[string][]int // user name -> gids of the groups listing it
	hosts     map[string][]netip.Addr
	hostOrder []string
}

// Load reads the databases under fs's root.
func Load(fs *files.FS) *DB {
	db := &DB{users: map[string]User{}, uids: map[int]User{}, groups: map[string]Group{},
		gids: map[int]Group{}, memberOf: map[string][]int{}, hosts: map[string][]netip.Addr{}}
	if fs == nil {
		fs = &files.FS{}
	}
	if b, err := fs.ReadFile("/etc/passwd"); err == nil {
		db.PasswdRead = true
		db.parsePasswd(string(b))
	}
	if b, err := fs.ReadFile("/etc/group"); err == nil {
		db.GroupRead = true
		db.parseGroup(string(b))
	}
	if b, err := fs.ReadFile("/etc/hosts"); err == nil {
		db.HostsRead = true
		db.parseHosts(string(b))
	}
	return db
}

func (db *DB) parsePasswd(s string) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			continue
		}
		u := User{Name: f[0], UID: uid, GID: gid}
		// getpwnam and getpwuid return the first matching line.
		if _, dup := db.users[u.Name]; !dup {
			db.users[u.Name] = u
		}
		if _, dup := db.uids[uid]; !dup {
			db.uids[uid] = u
		}
	}
}

func (db *DB) parseGroup(s string) {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		f := strings.Split(line, ":")
		if len(f) < 3 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		gid, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		g := Group{Name: f[0], GID: gid}
		if len(f) >= 4 && f[3] != "" {
			g.Members = strings.Split(f[3], ",")
		}
		if _, dup := db.groups[g.Name]; !dup {
			db.groups[g.Name] = g
		}
		if _, dup := db.gids[gid]; !dup {
			db.gids[gid] = g
		}
		// initgroups scans every line, duplicates included.
		for _, m := range g.Members {
			db.memberOf[m] = append(db.memberOf[m], gid)
		}
	}
}

func (db *DB) parseHosts(s string) {
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		addr, err := netip.ParseAddr(f[0])
		if err != nil {
			continue
		}
		for _, name := range f[1:] {
			name = strings.ToLower(name)
			if _, seen := db.hosts[name]; !seen {
				db.hostOrder = append(db.hostOrder, name)
			}
			db.hosts[name] = append(db.hosts[name], addr)
		}
	}
}

// User looks a user up by name.
func (db *DB) User(name string) (User, bool) {
	u, ok := db.users[name]
	return u, ok
}

// UserByUID looks a user up by id.
func (db *DB) UserByUID(uid int) (User, bool) {
	u, ok := db.uids[uid]
	return u, ok
}

// Group looks a group up by name.
func (db *DB) Group(name string) (Group, bool) {
	g, ok := db.groups[name]
	return g, ok
}

// GroupByGID looks a group up by id.
func (db *DB) GroupByGID(gid int) (Group, bool) {
	g, ok := db.gids[gid]
	return g, ok
}

// GroupName is the name of gid, or its number when no group has it.
func (db *DB) GroupName(gid int) string {
	if g, ok := db.gids[gid]; ok {
		return g.Name
	}
	return strconv.Itoa(gid)
}

// UserName is the name of uid, or its number when no user has it.
func (db *DB) UserName(uid int) string {
	if u, ok := db.uids[uid]; ok {
		return u.Name
	}
	return strconv.Itoa(uid)
}

// InitGroups is the group list initgroups(user, gid) gives a process: gid
// plus every group that lists user as a member. The user's primary group
// from passwd is not added unless it is gid or lists the user.
func (db *DB) InitGroups(user string, gid int) []int {
	out := []int{gid}
	for _, g := range db.memberOf[user] {
		if g != gid {
			out = append(out, g)
		}
	}
	return out
}

// Hosts returns the addresses /etc/hosts gives name (case-insensitive), in
// file order.
func (db *DB) Hosts(name string) []netip.Addr {
	return db.hosts[strings.ToLower(name)]
}
