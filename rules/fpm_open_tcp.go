package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/profile"
)

// FPMOpenTCP reports pools that take FastCGI from every address.
var FPMOpenTCP = Register(&Rule{
	ID:    "fpm-open-tcp",
	Title: "A php-fpm pool takes FastCGI connections from anywhere",
	Doc: "`listen = 9000`, `[::]:9000` and `0.0.0.0:9000` listen on every interface, and without `listen.allowed_clients` php-fpm serves every client that reaches the port. FastCGI has no authentication: a client can send `PHP_VALUE`/`PHP_ADMIN_VALUE` (`auto_prepend_file = php://input`) and run any code as the pool's user — remote code execution. " +
		"Listen on 127.0.0.1 or a unix socket, or list nginx's address in `listen.allowed_clients`. The official php:fpm image does this by design and relies on the container network; with the docker profile the finding is a note.",
	Severity:         diag.Warning,
	Tags:             []string{"php-fpm", "security", "listen"},
	SecuritySeverity: "9.8",
	Source:           "rule",
	Run: func(p *lint.Pass) {
		sev := diag.Warning
		if prof := profile.Resolve(p.Profile, p.FS); prof != nil && prof.Containers {
			sev = diag.Note
		}
		for _, cfg := range p.FPM {
			for _, pool := range cfg.Pools {
				ls := pool.Listen
				if ls.Kind != fpm.ListenTCP || pool.AllowedClientsSet || len(ls.Addresses) == 0 || ls.Location.File == "" {
					continue
				}
				var every string
				switch ls.Addresses[0] {
				case "::":
					every = "every IPv4 and IPv6 address"
				case "0.0.0.0":
					every = "every IPv4 address"
				default:
					continue
				}
				p.Report(diag.Diagnostic{Rule: "fpm-open-tcp", Severity: sev, Location: ls.Location,
					Message: fmt.Sprintf("[pool %s] listen = %s takes FastCGI connections on port %d of %s, and no listen.allowed_clients limits who may connect: anyone who reaches the port can set PHP_VALUE/PHP_ADMIN_VALUE and run code as %s (remote code execution). Listen on 127.0.0.1:%d or a unix socket, or set listen.allowed_clients to nginx's address",
						pool.Name, ls.Raw, ls.Port, every, poolUser(pool), ls.Port)})
			}
		}
	},
})

func poolUser(p *fpm.Pool) string {
	if p.User.Value != "" {
		return "the pool's user " + p.User.Value
	}
	return "the pool's user"
}
