package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fpm"
)

// FPMWorldWritableSocket reports pools whose unix socket any local user
// may connect to.
var FPMWorldWritableSocket = Register(&Rule{
	ID:    "fpm-world-writable-socket",
	Title: "Any local user may talk to the php-fpm socket",
	Doc: "With `listen.mode = 0666` (or any mode with the other-write bit) every local account can connect to the pool's socket and, through FastCGI's PHP_VALUE/PHP_ADMIN_VALUE, run code as the pool's user: a local privilege escalation on shared hosts. " +
		"Give the socket to nginx's user or group instead: `listen.owner`/`listen.group` = nginx's user, and `listen.mode = 0660`.",
	Severity:         diag.Warning,
	Tags:             []string{"php-fpm", "security", "permissions"},
	SecuritySeverity: "7.8",
	Source:           "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.FPM {
			for _, pool := range cfg.Pools {
				s := pool.Socket
				if pool.Listen.Kind != fpm.ListenUnix || s.Mode&0o002 == 0 || !written(s.ModeLocation) {
					continue
				}
				fixed := fmt.Sprintf("0%o", s.Mode&^0o007)
				d := diag.Diagnostic{Rule: "fpm-world-writable-socket", Severity: diag.Warning, Location: s.ModeLocation,
					Message: fmt.Sprintf("[pool %s] listen.mode = %04o lets every local user connect to %s and run code as %s through FastCGI. Use %s, with listen.owner/listen.group set to nginx's user",
						pool.Name, s.Mode, pool.Listen.Path, poolUser(pool), fixed)}
				// Without an owner, group or ACL for nginx, the other bits
				// may be how nginx gets in: dropping them is not safe.
				if written(s.OwnerLocation) || written(s.GroupLocation) || written(s.ACLLocation) {
					d.Fixes = []diag.Fix{{Title: "Set listen.mode = " + fixed, Edits: []diag.TextEdit{{Location: s.ModeLocation, NewText: fixed}}}}
				}
				p.Report(d)
			}
		}
	},
})
