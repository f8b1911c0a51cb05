package fastcgi

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/hostdb"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/profile"
)

// Worker is the identity nginx's worker processes connect with: the uid and
// the groups that setgid, initgroups and setuid give them
// (ngx_worker_process_init, src/os/unix/ngx_process_cycle.c).
type Worker struct {
	// Known is false when the identity cannot be told: no user directive
	// and no profile or --nginx-user, or names missing from passwd/group
	// (nginx then refuses to start, which other rules report).
	Known bool
	User  string
	UID   int
	Group string
	GID   int
	// Groups are every gid of the worker: GID plus the groups of
	// /etc/group that list User.
	Groups []int
	// Source says where the identity comes from, for messages.
	Source string
	// Directive is the user directive, nil when the identity is a default.
	Directive *nginxconf.Node
}

// Describe is "www-data (uid 33, groups www-data, adm)".
func (w *Worker) Describe(db *hostdb.DB) string {
	names := make([]string, len(w.Groups))
	for i, g := range w.Groups {
		names[i] = db.GroupName(g)
	}
	return fmt.Sprintf("%s (uid %d, groups %s)", w.User, w.UID, strings.Join(names, ", "))
}

// Location is where the identity was decided: the user directive, or no
// location for a default.
func (w *Worker) Location() (diag.Location, bool) {
	if w.Directive == nil {
		return diag.Location{}, false
	}
	return w.Directive.Location(), true
}

// worker finds the identity of cfg's workers: the user directive of the
// main context; without one, --nginx-user, else the compile-time default of
// the profile. nginx takes the group named like the user when the
// directive names no group (getgrnam(user), not the user's primary group).
func worker(cfg *nginxconf.Config, db *hostdb.DB, prof *profile.Profile, override string) *Worker {
	w := &Worker{}
	user, group := "", ""
	if !cfg.Standalone {
		for _, n := range cfg.Root.Block() {
			if n.Ctx == nginxconf.CtxMain && n.Name() == "user" && n.Dir.Terminated() && n.Dir.Block == nil {
				args := n.Args()
				if len(args) == 0 || len(args) > 2 {
					return w
				}
				user, group = args[0], args[0]
				if len(args) == 2 {
					group = args[1]
				}
				w.Directive = n
				w.Source = "nginx's user directive"
			}
		}
	}
	if w.Directive == nil {
		switch f := strings.Fields(override); {
		case len(f) > 0:
			user, group = f[0], f[0]
			if len(f) > 1 {
				group = f[1]
			}
			w.Source = "the configured nginx user"
		case prof != nil && !cfg.Standalone:
			// A site checked on its own may belong to a main configuration
			// with a user directive; only a whole configuration without
			// one runs as the compile-time default.
			user, group = prof.NginxUser, prof.NginxGroup
			w.Source = fmt.Sprintf("nginx's compile-time default on %s (nginx.conf has no user directive)", prof.Name)
		default:
			return w
		}
	}
	if !db.PasswdRead || !db.GroupRead {
		return w
	}
	u, ok := db.User(user)
	if !ok {
		return w
	}
	g, ok := db.Group(group)
	if !ok {
		return w
	}
	w.Known = true
	w.User, w.UID, w.Group, w.GID = user, u.UID, group, g.GID
	w.Groups = db.InitGroups(user, g.GID)
	return w
}
