package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
	"github.com/fcgilint/fcgilint/lint/fpm"
)

// FastCGIUpstreamDefaultPort reports servers of an upstream used by
// fastcgi_pass that have no port: nginx connects to port 80.
var FastCGIUpstreamDefaultPort = Register(&Rule{
	ID:    "fastcgi-upstream-default-port",
	Title: "An upstream server used for FastCGI has no port, so nginx connects to port 80",
	Doc: "`fastcgi_pass 127.0.0.1;` is refused by nginx, but `server 127.0.0.1;` inside an `upstream` block is accepted with port 80, the default of upstream servers (ngx_http_upstream_server). FastCGI requests then go to port 80: `Connection refused`, or, when a web server listens there, `upstream sent unsupported FastCGI protocol version: 72` — 502 either way. " +
		"It is an error when the php-fpm pools are known and none listens on port 80, a warning when they are not known. Write the port of the pool: `server 127.0.0.1:9000;`.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "fastcgi", "upstream"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		l := fastcgi.ListenersOf(p)
		m := fastcgi.Of(p)
		for _, t := range m.Targets {
			for _, d := range t.Dests {
				if d.Upstream == nil {
					continue
				}
				for _, peer := range d.Peers {
					if !peer.DefaultPort || peer.Down {
						continue
					}
					reportDefaultPort(p, l, t, d, peer)
				}
			}
		}
	},
})

func reportDefaultPort(p *lint.Pass, l *fastcgi.Listeners, t *fastcgi.Target, d *fastcgi.Dest, peer *fastcgi.Peer) {
	sev := diag.Warning
	var pool *fastcgi.Endpoint
	if !l.Empty() {
		if r := l.Reach(peer); r.Alive() {
			return // a pool does listen on port 80 there
		}
		sev = diag.Error
		// The pool on the same address is the one meant.
		for _, e := range l.All {
			if e.Pool.Listen.Kind != fpm.ListenTCP || !e.Pool.Starts {
				continue
			}
			for _, a := range peer.Addrs {
				if ok, _ := e.Accepts(a, e.Pool.Listen.Port); ok {
					if pool == nil {
						pool = e
					} else if pool != e {
						pool = nil
					}
					break
				}
			}
		}
	}
	host := peer.Node.Args()[0]
	msg := fmt.Sprintf("server %s in upstream %s has no port, so nginx connects to port 80 (the default of upstream servers) and FastCGI requests fail with 502: \"connect() failed (111: Connection refused)\", or \"upstream sent unsupported FastCGI protocol version: 72\" when a web server listens there",
		host, d.Upstream.Args()[0])
	diagnostic := diag.Diagnostic{Rule: "fastcgi-upstream-default-port", Severity: sev, Location: peer.Node.ArgSpan(0),
		Related: []diag.Related{{Location: t.Pass.ArgLocation(0), Message: "the fastcgi_pass that uses this upstream"}}}
	if pool != nil {
		fixed := fmt.Sprintf("%s:%d", host, pool.Pool.Listen.Port)
		msg += fmt.Sprintf(". %s: write %s", pool.Describe(), fixed)
		diagnostic.Related = append(diagnostic.Related, poolRelated(pool, "listens here")...)
		diagnostic.Fixes = []diag.Fix{{Title: "Add the pool's port", Edits: []diag.TextEdit{{Location: peer.Node.ArgLocation(0), NewText: fixed}}}}
	} else {
		msg += ". Write the port php-fpm listens on, e.g. " + host + ":9000"
	}
	diagnostic.Message = msg
	p.Report(diagnostic)
}
