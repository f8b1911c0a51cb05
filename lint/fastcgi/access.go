package fastcgi

import (
	"fmt"
	"net/netip"
	"os"
	"path"
	"strings"

	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/hostdb"
)

// Denial explains why the kernel refuses a worker's connect() on a socket.
type Denial struct {
	// Reason is a sentence: "the socket is root:root 0660 and www-data
	// (uid 33, groups www-data) is neither its owner nor in its group".
	Reason string
	// Class is the permission class that decided: "owner", "group",
	// "other" (or "directory").
	Class string
	// Dir is the directory without search permission, for Class
	// "directory".
	Dir string
}

// SocketAccess applies Linux's rules for connect() on a unix socket
// (write permission, path_resolution(7) and acl(5)) to the socket php-fpm
// creates: root passes; the owner gets the owner bits even when they are
// stricter than the others; then a named-user ACL entry; then the owning
// group and named-group entries, any of which may grant; then the other
// bits. Named entries always have rw, which the mask php-fpm computes
// keeps. It returns nil when the worker may connect or when the socket's
// owner is unknown.
func SocketAccess(w *Worker, s *fpm.SocketPerm, db *hostdb.DB) *Denial {
	if w == nil || !w.Known || w.UID == 0 || s.OwnerUID < 0 {
		return nil
	}
	const write = 0o2
	desc := fmt.Sprintf("the socket is %s:%s %04o", nameOr(s.Owner, s.OwnerUID), nameOr(s.Group, s.GroupGID), s.Mode)
	if len(s.ACLUsers) > 0 || len(s.ACLGroups) > 0 {
		desc += fmt.Sprintf(" with ACL entries for %s", aclList(s))
	}
	who := w.Describe(db)
	if w.UID == s.OwnerUID {
		if s.Mode>>6&write != 0 {
			return nil
		}
		return &Denial{Class: "owner", Reason: fmt.Sprintf("%s and %s owns it, so the owner bits apply, and they lack write permission", desc, who)}
	}
	for _, name := range s.ACLUsers {
		if u, ok := lookupUser(db, name); ok && u == w.UID {
			return nil
		}
	}
	inGroup := func(gid int) bool {
		for _, g := range w.Groups {
			if g == gid {
				return true
			}
		}
		return false
	}
	groupMatched := false
	if s.GroupGID >= 0 && inGroup(s.GroupGID) {
		groupMatched = true
		if s.Mode>>3&write != 0 {
			return nil
		}
	}
	for _, name := range s.ACLGroups {
		if g, ok := lookupGroup(db, name); ok && inGroup(g) {
			return nil
		}
	}
	if groupMatched {
		return &Denial{Class: "group", Reason: fmt.Sprintf("%s and %s is in its group, whose bits lack write permission", desc, who)}
	}
	if s.Mode&write != 0 {
		return nil
	}
	return &Denial{Class: "other", Reason: fmt.Sprintf("%s and %s is neither its owner nor in its group%s, so the other bits apply, and they lack write permission", desc, who, aclWho(s))}
}

func aclWho(s *fpm.SocketPerm) string {
	if len(s.ACLUsers) > 0 || len(s.ACLGroups) > 0 {
		return " nor named in its ACL"
	}
	return ""
}

func aclList(s *fpm.SocketPerm) string {
	var parts []string
	for _, u := range s.ACLUsers {
		parts = append(parts, "user "+u)
	}
	for _, g := range s.ACLGroups {
		parts = append(parts, "group "+g)
	}
	return strings.Join(parts, ", ")
}

func nameOr(name string, id int) string {
	if name != "" {
		return name
	}
	return fmt.Sprint(id)
}

func lookupUser(db *hostdb.DB, s string) (int, bool) {
	if n, ok := numeric(s); ok {
		return n, true
	}
	u, ok := db.User(s)
	return u.UID, ok
}

func lookupGroup(db *hostdb.DB, s string) (int, bool) {
	if n, ok := numeric(s); ok {
		return n, true
	}
	g, ok := db.Group(s)
	return g.GID, ok
}

func numeric(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DirectoryAccess checks search permission for the worker on the
// directories of a socket path that exist under the root (the root
// directory itself is not judged: a copy's top directory is the copier's).
// It returns nil when every existing directory may be searched.
func DirectoryAccess(fs *files.FS, w *Worker, socket string, db *hostdb.DB) *Denial {
	if fs == nil || fs.Root == "" || w == nil || !w.Known || w.UID == 0 || !strings.HasPrefix(socket, "/") {
		return nil
	}
	var dirs []string
	for d := path.Dir(socket); d != "/" && d != "."; d = path.Dir(d) {
		dirs = append(dirs, d)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		st, err := os.Stat(fs.Real(dirs[i]))
		if err != nil || !st.IsDir() {
			return nil // a directory that is not there is made at run time
		}
		uid, gid, ok := fileOwner(st)
		if !ok {
			return nil
		}
		mode := uint32(st.Mode().Perm())
		var bits uint32
		switch {
		case uid == w.UID:
			bits = mode >> 6
		case containsInt(w.Groups, gid):
			bits = mode >> 3
		default:
			bits = mode
		}
		if bits&0o1 == 0 {
			return &Denial{Class: "directory", Dir: dirs[i], Reason: fmt.Sprintf("the directory %s is %s:%s %04o and %s may not search it", dirs[i], db.UserName(uid), db.GroupName(gid), mode, w.Describe(db))}
		}
	}
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// SourceAddress is the address nginx's connection comes from when it
// connects to addr on the same host: Linux routes 127.0.0.0/8 with the
// preferred source 127.0.0.1, ::1 from ::1, and the host's own addresses
// from themselves. ok is false for an address that may be another host's.
func SourceAddress(addr netip.Addr) (src netip.Addr, ok bool) {
	addr = addr.Unmap()
	switch {
	case addr.Is4() && (addr.IsLoopback() || addr.IsUnspecified()):
		return netip.MustParseAddr("127.0.0.1"), true
	case addr.IsLoopback() || addr.IsUnspecified():
		return netip.IPv6Loopback(), true
	}
	return addr, false
}

// ClientAllowed is fcgi_is_allowed (main/fastcgi.c) for a client address
// src on e's socket: an IPv4 client of an IPv4 socket is compared with the
// IPv4 entries; on an IPv6 socket (a port alone, [::]) an IPv4 client
// arrives IPv4-mapped and is compared with the IPv4 entries, and IPv6
// clients with the first 12 bytes of the IPv6 entries only.
func ClientAllowed(e *Endpoint, src netip.Addr) bool {
	p := e.Pool
	if !p.AllowedClientsSet {
		return true
	}
	v6Socket := false
	if len(p.Listen.Addresses) > 0 {
		if b, err := netip.ParseAddr(p.Listen.Addresses[0]); err == nil {
			v6Socket = b.Is6() && !b.Is4In6()
		}
	}
	src = src.Unmap()
	var client [16]byte
	clientV6 := v6Socket || src.Is6()
	if src.Is4() && v6Socket {
		client = netip.AddrFrom16(src.As16()).As16() // ::ffff:a.b.c.d
	} else if src.Is6() {
		client = src.As16()
	}
	for _, entry := range p.AllowedClients {
		a, err := netip.ParseAddr(entry)
		if err != nil {
			continue
		}
		if a.Is4() {
			if src.Is4() && a == src {
				return true
			}
			continue
		}
		if e16 := a.As16(); clientV6 && string(e16[:12]) == string(client[:12]) {
			return true
		}
	}
	return false
}
