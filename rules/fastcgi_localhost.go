package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
)

// FastCGILocalhost reports host names in fastcgi_pass (localhost above
// all) that nginx resolves to several addresses when php-fpm listens on
// only some of them.
var FastCGILocalhost = Register(&Rule{
	ID:    "fastcgi-localhost",
	Title: "fastcgi_pass names a host whose addresses php-fpm does not all listen on",
	Doc: "nginx resolves the host of `fastcgi_pass localhost:9000` once, at start, and keeps every address: ::1 and 127.0.0.1 with a standard /etc/hosts on a host with IPv6. php-fpm's `listen = 127.0.0.1:9000` takes only one of them. " +
		"nginx tries ::1 first, logs `connect() failed (111: Connection refused)`, takes it out for fail_timeout and retries 127.0.0.1, so requests succeed with noise in the error log — and fail with 502 when `fastcgi_next_upstream off` is set. Whether nginx gets the IPv6 address depends on the host having IPv6 (AI_ADDRCONFIG), hence a warning. " +
		"Write the address php-fpm listens on, or make php-fpm listen on both families (`listen = 9000` with `listen.allowed_clients`).",
	Severity: diag.Warning,
	Tags:     []string{"nginx", "php-fpm", "fastcgi", "cross-file"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, v := range fastcgiVisits(p) {
			peer := v.reach.Peer
			if peer.Unix || len(v.reach.Attempts) < 2 || !v.reach.Alive() {
				continue
			}
			var reached *fastcgi.Attempt
			var refused []string
			for i, a := range v.reach.Attempts {
				switch a.Outcome {
				case fastcgi.Reached:
					if reached == nil {
						reached = &v.reach.Attempts[i]
					}
				case fastcgi.NoListener, fastcgi.PoolDown, fastcgi.ElsewhereMaybe:
					refused = append(refused, fastcgi.AddrPort(a.Addr.String(), peer.Port))
				}
			}
			if reached == nil || len(refused) == 0 {
				continue
			}
			e := reached.Endpoints[0]
			good := fastcgi.AddrPort(reached.Addr.String(), peer.Port)
			msg := fmt.Sprintf("fastcgi_pass %s%s: nginx resolves %s to every address /etc/hosts gives it and tries each in turn, but %s, so connections to %s are refused: nginx logs \"connect() failed (111: Connection refused)\" and retries, and answers 502 when fastcgi_next_upstream is off. Write %s",
				peerText(v), upstreamText(v), peer.Host, e.Describe(), strings.Join(refused, " and "), good)
			d := diag.Diagnostic{Rule: "fastcgi-localhost", Severity: diag.Warning, Message: msg,
				Location: peerLocation(v), Related: append(passRelated(v), poolRelated(e, "listens here")...)}
			if v.dest.Via == nil {
				d.Fixes = []diag.Fix{{Title: "Connect to " + good, Edits: []diag.TextEdit{{Location: peer.Node.ArgLocation(peer.Arg), NewText: good}}}}
			}
			p.Report(d)
		}
	},
})
