package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxUpstream follows ngx_http_upstream, ngx_http_upstream_server and
// ngx_http_upstream_add (src/http/ngx_http_upstream.c), their stream twins,
// and the round-robin balancer's start-up check.
var NginxUpstream = Register(&Rule{
	ID:       "nginx-upstream",
	Title:    "Invalid nginx upstream block",
	Doc:      "An `upstream` block needs at least one `server` (`no servers are inside upstream`), and at least one that is not `backup` (`no servers in upstream`); its name may be defined once (`duplicate upstream`). A `server` line takes an address and the parameters `weight=N`, `max_conns=N`, `max_fails=N`, `fail_timeout=TIME`, `backup` and `down`, where `backup` is refused by the `hash`, `ip_hash` and `random` balancers (`balancing method does not support parameter`). A bad address (`invalid port in upstream`), and in stream upstreams an address without a port (`no port in upstream`), are refused too. nginx refuses the configuration in each case.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			names := map[string]*nginxconf.Node{}
			cfg.Root.Walk(func(n *nginxconf.Node) bool {
				if n.Name() == "http" || n.Name() == "stream" {
					names = map[string]*nginxconf.Node{}
				}
				if n.Name() != "upstream" || n.Dir.Block == nil || (n.Ctx != nginxconf.CtxHTTPMain && n.Ctx != nginxconf.CtxStreamMain) {
					return true
				}
				spec, st := n.Spec(p.NginxVersion)
				if st != nginxconf.Known || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					return true
				}
				checkUpstream(p, n, names)
				return true
			})
		}
	},
})

func checkUpstream(p *lint.Pass, n *nginxconf.Node, names map[string]*nginxconf.Node) {
	report := func(loc diag.Location, msg string) {
		p.Report(diag.Diagnostic{Rule: "nginx-upstream", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: loc})
	}
	stream := n.Ctx == nginxconf.CtxStreamMain
	name := n.Dir.Args[0].Value
	key := strings.ToLower(name)
	if prev, dup := names[key]; dup {
		p.Report(diag.Diagnostic{Rule: "nginx-upstream", Severity: diag.Error,
			Message:  fmt.Sprintf("duplicate upstream %q: nginx refuses the configuration; rename one of them", name),
			Location: n.Location(), Related: []diag.Related{{Location: prev.Location(), Message: "first defined here"}}})
		return
	}
	names[key] = n
	backupOK := true
	servers, active := 0, 0
	for _, c := range n.Block() {
		switch c.Name() {
		case "hash", "ip_hash", "random":
			backupOK = false
			continue
		case "least_conn":
			backupOK = true
			continue
		case "server":
		default:
			continue
		}
		spec, st := c.Spec(p.NginxVersion)
		if st != nginxconf.Known || !c.Dir.Terminated() || c.Dir.Block != nil || !spec.AcceptsArgCount(len(c.Dir.Args)) {
			servers++ // reported by the directive checks; do not pile up
			active++
			continue
		}
		servers++
		args := c.Args()
		backup, bad := false, false
		for i := 1; i < len(args) && !bad; i++ {
			a := args[i]
			msg := ""
			switch {
			case strings.HasPrefix(a, "weight="):
				if v, ok := nginxval.Atoi(a[7:]); !ok || v == 0 {
					msg = fmt.Sprintf("invalid parameter %q", a)
				}
			case strings.HasPrefix(a, "max_conns="):
				if _, ok := nginxval.Atoi(a[10:]); !ok {
					msg = fmt.Sprintf("invalid parameter %q", a)
				}
			case strings.HasPrefix(a, "max_fails="):
				if _, ok := nginxval.Atoi(a[10:]); !ok {
					msg = fmt.Sprintf("invalid parameter %q", a)
				}
			case strings.HasPrefix(a, "fail_timeout="):
				if _, ok := nginxval.Time(a[13:], true); !ok {
					msg = fmt.Sprintf("invalid parameter %q", a)
				}
			case a == "backup":
				if !backupOK {
					msg = fmt.Sprintf("balancing method does not support parameter %q", a)
				}
				backup = true
			case a == "down":
			default:
				msg = fmt.Sprintf("invalid parameter %q", a)
			}
			if msg != "" {
				report(c.ArgSpan(i), msg)
				bad = true
			}
		}
		if bad {
			active++
			continue
		}
		defPort := 80
		if stream {
			defPort = 0
		}
		u := nginxval.ParseURL(args[0], nginxval.URLOptions{DefaultPort: defPort})
		switch {
		case u.Err != "":
			report(c.ArgSpan(0), fmt.Sprintf("%s in upstream %q", u.Err, args[0]))
			active++
			continue
		case stream && u.NoPort && !u.Unix:
			report(c.ArgSpan(0), fmt.Sprintf("no port in upstream %q", args[0]))
			active++
			continue
		}
		if !backup {
			active++
		}
	}
	b := n.Dir.Block
	if servers == 0 {
		if b.Close != nil {
			report(nginxconf.RangeOf(n.File, b.Close.Pos.Offset, b.Close.Pos.Offset+1),
				fmt.Sprintf("no servers are inside upstream (upstream %q has no server line)", name))
		}
		return
	}
	if active == 0 {
		report(n.Location(), fmt.Sprintf("no servers in upstream %q (every server is a backup)", name))
	}
}
