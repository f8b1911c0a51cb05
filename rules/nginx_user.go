package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxUserUnknown follows ngx_set_user (src/core/nginx.c): the user of the
// `user` directive is looked up with getpwnam, and its group with getgrnam —
// the group named in the second argument or, without one, the group named
// like the user (not the user's primary group).
var NginxUserUnknown = Register(&Rule{
	ID:       "nginx-user-unknown",
	Title:    "The user or group of nginx's user directive does not exist",
	Doc:      "`user USER [GROUP];` names the account nginx's workers run as. nginx looks USER up with getpwnam and GROUP with getgrnam; without GROUP it looks up the group named like the user, not the user's primary group, so `user sync;` fails where the user sync exists but no group sync does. A name that is missing makes nginx refuse the configuration with `getpwnam(\"nginx\") failed` or `getgrnam(\"nobody\") failed`. The names are looked up in /etc/passwd and /etc/group under --root: an error with --root, a warning without it (the configuration may be meant for another machine).",
	Severity: diag.Error,
	Tags:     []string{"nginx", "environment"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			if n.Name() != "user" || !n.Dir.Terminated() || n.Dir.Block != nil {
				return
			}
			if _, st := n.Spec(p.NginxVersion); st != nginxconf.Known || len(n.Dir.Args) < 1 || len(n.Dir.Args) > 2 {
				return
			}
			db := p.MachineDB()
			user := n.Dir.Args[0].Value
			if _, known := db.User(user); db.PasswdRead && !known {
				p.Report(diag.Diagnostic{Rule: "nginx-user-unknown", Severity: hostSeverity(p),
					Message:  fmt.Sprintf("getpwnam(\"%s\") failed: no user \"%s\" in /etc/passwd %s, so nginx refuses the configuration; create the user or name an existing one", user, user, hostWhere(p)),
					Location: n.ArgSpan(0)})
				return
			}
			group, arg := user, 0
			if len(n.Dir.Args) == 2 {
				group, arg = n.Dir.Args[1].Value, 1
			}
			if _, known := db.Group(group); db.GroupRead && !known {
				msg := fmt.Sprintf("getgrnam(\"%s\") failed: no group \"%s\" in /etc/group %s, so nginx refuses the configuration", group, group, hostWhere(p))
				if arg == 0 {
					msg += fmt.Sprintf("; without a second argument nginx uses the group named like the user, not its primary group: write `user %s GROUP;`", user)
				}
				p.Report(diag.Diagnostic{Rule: "nginx-user-unknown", Severity: hostSeverity(p), Message: msg, Location: n.ArgSpan(arg)})
			}
		})
	},
})
