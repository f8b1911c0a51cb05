package rules

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxHostNotFound reports host names nginx resolves once, at start, and
// cannot: the servers of upstream blocks, the hosts of *_pass directives
// without variables that name no upstream block, listen addresses, resolver
// addresses and set_real_ip_from names.
//
// How names are judged depends on what fcgilint is told about the target
// machine:
//   - --root /: this machine is the target, and names are resolved as nginx
//     would resolve them here, from /etc/hosts and then with this machine's
//     DNS resolver (fcgilint makes DNS queries then, nothing else): a name
//     that does not resolve is an error, as nginx refuses to start;
//   - --root DIR: names are looked up in DIR/etc/hosts only; a name that is
//     not there is reported as a warning, since only the target's DNS can
//     tell;
//   - no --root: names are not judged (the configuration may be meant for
//     any machine, and DNS names are the norm).
var NginxHostNotFound = Register(&Rule{
	ID:       "nginx-host-not-found",
	Title:    "nginx cannot resolve a host name at start",
	Doc:      "nginx resolves the host names of `upstream` servers, of `proxy_pass`, `fastcgi_pass` and the other `*_pass` directives written without variables, and of `listen` addresses once, when it reads the configuration; a name that does not resolve makes it refuse to start (`host not found in upstream \"php-fpm\"`) — typical when a container's name is not resolvable yet, or in a copy of a configuration made for another network. With `--root /` fcgilint resolves the names as nginx would on this machine (/etc/hosts, then DNS) and reports an error for those that do not resolve; with `--root DIR` it only reads DIR/etc/hosts and reports a warning for names that are not there; without --root, names are not judged. Use an IP address or a unix socket, add the name to /etc/hosts, or write the address with a variable and a `resolver` to resolve it per request.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "environment"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		if !hostIsTarget(p) {
			return
		}
		type use struct {
			n    *nginxconf.Node
			host string
			msg  string // nginx's message
		}
		var uses []use
		for _, cfg := range p.Nginx {
			for _, r := range upstreamRefs(p, cfg) {
				if r.err != "" || r.url.Unix || r.block != nil || r.url.Port == 0 || !r.url.NeedsResolve() {
					continue
				}
				if cfg.Standalone && r.url.NoPort {
					continue // may name an upstream of the main configuration
				}
				uses = append(uses, use{r.n, r.url.Host, fmt.Sprintf("host not found in upstream \"%s\"", r.url.Host)})
			}
			for _, n := range cfg.Named("server", "resolver", "set_real_ip_from", "listen") {
				if n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries {
					continue
				}
				if !n.Dir.Terminated() || n.Dir.Block != nil || len(n.Dir.Args) == 0 {
					continue
				}
				spec, st := n.Spec(p.NginxVersion)
				if st != nginxconf.Known || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					continue
				}
				args := n.Args()
				switch {
				case n.Name() == "server" && (n.Ctx == nginxconf.CtxHTTPUps || n.Ctx == nginxconf.CtxStreamUps):
					if !validServerParams(args[1:]) {
						continue
					}
					u := nginxval.ParseURL(args[0], nginxval.URLOptions{DefaultPort: 80})
					if u.NeedsResolve() && (n.Ctx == nginxconf.CtxHTTPUps || !u.NoPort) {
						uses = append(uses, use{n, u.Host, fmt.Sprintf("host not found in upstream \"%s\"", args[0])})
					}
				case n.Name() == "resolver" && n.Ctx != nginxconf.CtxHTTPUps && n.Ctx != nginxconf.CtxStreamUps:
					for _, a := range args {
						if strings.Contains(a, "=") {
							continue // valid=, ipv6=, ipv4=, status_zone=
						}
						if u := nginxval.ParseURL(a, nginxval.URLOptions{DefaultPort: 53}); u.NeedsResolve() {
							uses = append(uses, use{n, u.Host, fmt.Sprintf("host not found in resolver \"%s\"", a)})
						}
					}
				case n.Name() == "set_real_ip_from":
					if a := args[0]; a != "unix:" {
						if _, ok := nginxval.PtoCIDR(a); !ok {
							uses = append(uses, use{n, a, fmt.Sprintf("host not found in set_real_ip_from \"%s\"", a)})
						}
					}
				case n.Name() == "listen" && n.Ctx == nginxconf.CtxHTTPSrv:
					u := nginxval.ParseURL(args[0], nginxval.URLOptions{Listen: true, DefaultPort: 80})
					if u.NeedsResolve() {
						uses = append(uses, use{n, u.Host, fmt.Sprintf("host not found in \"%s\" of the \"listen\" directive", args[0])})
					}
				}
			}
		}
		if len(uses) == 0 {
			return
		}
		live := filepath.Clean(p.FS.Root) == "/"
		// One resolver for the pass and its forks, which ask for the same
		// names (a site checked in a batch asks for the upstreams of http).
		res := p.HostMemo(resolverKey{}, func() any { return &nginxconf.Resolver{DB: p.MachineDB(), Live: live} }).(*nginxconf.Resolver)
		var names []string
		for _, u := range uses {
			names = append(names, u.host)
		}
		answers := res.Resolve(names)
		for _, u := range uses {
			var sev diag.Severity
			var why string
			switch answers[u.host] {
			case nginxconf.NotFound:
				sev, why = diag.Error, "nginx refuses the configuration: the name is neither in /etc/hosts nor known to this machine's DNS"
			case nginxconf.Unresolved:
				sev, why = diag.Warning, fmt.Sprintf("the name is not in %s/etc/hosts; unless the target machine's DNS knows it, nginx refuses to start", strings.TrimSuffix(p.FS.Root, "/"))
			default:
				continue
			}
			p.Report(diag.Diagnostic{Rule: "nginx-host-not-found", Severity: sev,
				Message: u.msg + ": " + why, Location: u.n.ArgSpan(0)})
		}
	},
})

type resolverKey struct{}

// validServerParams reports whether an upstream server line's parameters
// are all valid, so that nginx gets to its address (ngx_http_upstream_server
// reads the parameters first).
func validServerParams(params []string) bool {
	for _, a := range params {
		switch {
		case a == "backup" || a == "down":
		case strings.HasPrefix(a, "weight="), strings.HasPrefix(a, "max_conns="), strings.HasPrefix(a, "max_fails="), strings.HasPrefix(a, "fail_timeout="):
		default:
			return false
		}
	}
	return true
}
