package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
)

// FastCGISocketPermission applies Linux's permission rules for connect()
// on a unix socket to the socket php-fpm creates and the identity of
// nginx's workers.
var FastCGISocketPermission = Register(&Rule{
	ID:    "fastcgi-socket-permission",
	Title: "nginx's workers may not connect to the php-fpm socket",
	Doc: "Connecting to a unix socket needs write permission on it and search permission on its directories. php-fpm's master creates the socket as root: without `listen.owner`, `listen.group` or an ACL it is `root:root 0660`, which nginx's workers (www-data, nginx, http, nobody) may not use. " +
		"A named `listen.owner` brings its primary group; `listen.acl_users`/`listen.acl_groups` leave the owner root:root and grant rw to the names listed; `listen.mode` is octal. The worker's identity is nginx's `user` directive (without a group, the group named like the user), or the compile-time default of the profile, plus the groups of /etc/group that list it. " +
		"The kernel applies the owner bits when the worker owns the socket, then named-user ACL entries, then the group and named-group entries, then the other bits. nginx logs `connect() to unix:… failed (13: Permission denied)` and answers 502. Directories are judged only under --root, where their modes are the target's.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "php-fpm", "fastcgi", "permissions", "cross-file"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		visits := fastcgiVisits(p)
		if visits == nil {
			return
		}
		m := fastcgi.Of(p)
		// Sites share a few sockets and worker identities: judge each pair
		// of them once (directory access stats the file system).
		type access struct {
			w    *fastcgi.Worker
			path string
		}
		dirDenial := map[access]*fastcgi.Denial{}
		for _, v := range visits {
			if !v.reach.Peer.Unix {
				continue
			}
			a := v.reach.Attempts[0]
			if a.Outcome != fastcgi.Reached {
				continue
			}
			w := m.Worker(v.target.Config)
			if w == nil || !w.Known {
				continue
			}
			e := a.Endpoints[0]
			if den := fastcgi.SocketAccess(w, &e.Pool.Socket, m.DB); den != nil {
				reportSocketDenied(p, v, w, e, den)
				continue
			}
			key := access{w, e.Path}
			den, seen := dirDenial[key]
			if !seen {
				den = fastcgi.DirectoryAccess(p.FS, w, e.Path, m.DB)
				dirDenial[key] = den
			}
			if den != nil {
				sev := diag.Warning
				if p.FS.Root == "/" {
					sev = diag.Error
				}
				msg := fmt.Sprintf("fastcgi_pass %s: nginx's workers run as %s (%s), and %s, so nginx gets \"connect() to unix:%s failed (13: Permission denied)\" and answers 502. Give the directory search permission (chmod o+x %s), or put the socket in a directory nginx can reach such as /run/php",
					peerText(v), w.User, w.Source, den.Reason, v.reach.Peer.Path, den.Dir)
				p.Report(diag.Diagnostic{Rule: "fastcgi-socket-permission", Severity: sev, Message: msg, Location: peerLocation(v),
					Related: append(passRelated(v), poolRelated(e, "creates its socket here")...)})
			}
		}
	},
})

func reportSocketDenied(p *lint.Pass, v peerVisit, w *fastcgi.Worker, e *fastcgi.Endpoint, den *fastcgi.Denial) {
	s := &e.Pool.Socket
	msg := fmt.Sprintf("fastcgi_pass %s: nginx's workers run as %s (%s); %s, so nginx gets \"connect() to unix:%s failed (13: Permission denied)\" and answers 502",
		peerText(v), w.User, w.Source, den.Reason, v.reach.Peer.Path)
	if !written(s.OwnerLocation) && !written(s.GroupLocation) && !written(s.ACLLocation) {
		msg += fmt.Sprintf(" (pool [%s] sets no listen.owner, listen.group or ACL, so the socket keeps the owner of php-fpm's master, root)", e.Pool.Name)
	}
	related := append(passRelated(v), poolRelated(e, "creates its socket here")...)
	related = append(related, settingRelated(s.OwnerLocation, "the socket's owner")...)
	if s.GroupLocation != s.OwnerLocation {
		related = append(related, settingRelated(s.GroupLocation, "the socket's group")...)
	}
	related = append(related, settingRelated(s.ModeLocation, "the socket's mode")...)
	related = append(related, settingRelated(s.ACLLocation, "the socket's ACL")...)
	if loc, ok := w.Location(); ok {
		related = append(related, diag.Related{Location: loc, Message: "nginx's workers run as this user"})
	}
	fix, how := socketFix(e, w, den)
	msg += ". " + how
	d := diag.Diagnostic{Rule: "fastcgi-socket-permission", Severity: diag.Error, Message: msg, Location: peerLocation(v), Related: related}
	if fix != nil {
		d.Fixes = []diag.Fix{*fix}
	}
	p.Report(d)
}

// socketFix makes the pool's socket usable by the worker with the smallest
// change: owner and group lines for a pool that has none, the worker in
// the ACL list when there is one, write permission in the mode when the
// bits that apply lack it.
func socketFix(e *fastcgi.Endpoint, w *fastcgi.Worker, den *fastcgi.Denial) (*diag.Fix, string) {
	s := &e.Pool.Socket
	listen := e.Pool.Listen.Location
	switch {
	case den.Class == "owner" || den.Class == "group":
		if !written(s.ModeLocation) {
			return nil, "Give the socket write permission for them (listen.mode = 0660)"
		}
		mode := s.Mode | 0o200
		if den.Class == "group" {
			mode |= 0o020
		}
		text := fmt.Sprintf("0%o", mode)
		return &diag.Fix{Title: "Set listen.mode = " + text, Edits: []diag.TextEdit{{Location: s.ModeLocation, NewText: text}}},
			fmt.Sprintf("Set listen.mode = %s", text)
	case len(s.ACLUsers) > 0 && written(s.ACLLocation):
		list := strings.Join(append(append([]string{}, s.ACLUsers...), w.User), ",")
		return &diag.Fix{Title: "Add " + w.User + " to listen.acl_users", Edits: []diag.TextEdit{{Location: s.ACLLocation, NewText: list}}},
			fmt.Sprintf("Add %s to listen.acl_users (listen.acl_users = %s)", w.User, list)
	case len(s.ACLGroups) > 0:
		return nil, fmt.Sprintf("Add %s to listen.acl_users, or one of its groups to listen.acl_groups", w.User)
	case written(s.GroupLocation) && s.GroupLocation != s.OwnerLocation:
		return &diag.Fix{Title: "Set listen.group = " + w.Group, Edits: []diag.TextEdit{{Location: s.GroupLocation, NewText: w.Group}}},
			fmt.Sprintf("Set listen.group = %s (or add %s to group %s)", w.Group, w.User, s.Group)
	case written(s.OwnerLocation):
		return &diag.Fix{Title: "Set listen.owner = " + w.User, Edits: []diag.TextEdit{{Location: s.OwnerLocation, NewText: w.User}}},
			fmt.Sprintf("Set listen.owner = %s (its group comes along), or add listen.group = %s", w.User, w.Group)
	case written(listen):
		insert := diag.Location{File: listen.File, Range: diag.Range{Start: listen.Range.End, End: listen.Range.End}}
		text := fmt.Sprintf("\nlisten.owner = %s\nlisten.group = %s", w.User, w.Group)
		return &diag.Fix{Title: fmt.Sprintf("Add listen.owner = %s and listen.group = %s", w.User, w.Group), Edits: []diag.TextEdit{{Location: insert, NewText: text}}},
			fmt.Sprintf("Add listen.owner = %s and listen.group = %s to pool [%s]", w.User, w.Group, e.Pool.Name)
	}
	return nil, fmt.Sprintf("Add listen.owner = %s and listen.group = %s to pool [%s]", w.User, w.Group, e.Pool.Name)
}

// written reports whether a location was set: a pool directive never
// written has none.
func written(loc diag.Location) bool { return loc.File != "" }
