package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
)

// FastCGIAllowedClients compares the address nginx connects from with the
// listen.allowed_clients of the pool it reaches.
var FastCGIAllowedClients = Register(&Rule{
	ID:    "fastcgi-allowed-clients",
	Title: "listen.allowed_clients drops nginx's connections",
	Doc: "php-fpm's workers accept a TCP connection, compare the client's address with `listen.allowed_clients` and close it at once when it is not listed (`Connection disallowed: IP address '127.0.0.1' has been dropped`); nginx logs `recv() failed (104: Connection reset by peer)` and answers 502. " +
		"nginx on the same host connects to 127.0.0.1 from 127.0.0.1 and to ::1 from ::1; on a socket bound to :: (a port alone, [::]:9000) an IPv4 client arrives IPv4-mapped and is compared with the IPv4 entries, and IPv6 clients with the first 12 bytes of the IPv6 entries only (main/fastcgi.c). A connection to an address that is not loopback never comes from loopback, so a list of loopback addresses drops it — the RHEL default `127.0.0.1` behind nginx in another container.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "php-fpm", "fastcgi", "cross-file"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, v := range fastcgiVisits(p) {
			peer := v.reach.Peer
			if peer.Unix {
				continue
			}
			for _, a := range v.reach.Attempts {
				if a.Outcome != fastcgi.Reached || !a.Addr.IsValid() {
					continue
				}
				for _, e := range a.Endpoints {
					if !e.Pool.AllowedClientsSet || !e.Pool.Starts {
						continue
					}
					src, local := fastcgi.SourceAddress(a.Addr)
					if local && !fastcgi.ClientAllowed(e, src) {
						reportDropped(p, v, e, fmt.Sprintf("nginx connects to it from %s", src), src.String())
					} else if !local && allLoopback(e.Pool.AllowedClients) {
						reportDropped(p, v, e, fmt.Sprintf("%s is not a loopback address, so the connection does not come from loopback", a.Addr), "")
					}
				}
			}
		}
	},
})

func allLoopback(entries []string) bool {
	if len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		if !strings.HasPrefix(e, "127.") && e != "::1" {
			return false
		}
	}
	return true
}

func reportDropped(p *lint.Pass, v peerVisit, e *fastcgi.Endpoint, why, add string) {
	allowed := strings.Join(e.Pool.AllowedClients, ",")
	msg := fmt.Sprintf("fastcgi_pass %s%s: %s, and %s, but pool [%s] accepts only listen.allowed_clients = %s: each worker drops the connection (\"Connection disallowed\"), nginx logs \"recv() failed (104: Connection reset by peer)\" and answers 502",
		peerText(v), upstreamText(v), e.Describe(), why, e.Pool.Name, allowed)
	d := diag.Diagnostic{Rule: "fastcgi-allowed-clients", Severity: diag.Error, Location: peerLocation(v),
		Related: append(passRelated(v), settingRelated(e.Pool.AllowedClientsWhere, fmt.Sprintf("pool [%s] accepts only these clients", e.Pool.Name))...)}
	if add != "" && written(e.Pool.AllowedClientsWhere) {
		list := allowed + "," + add
		msg += fmt.Sprintf(". Add %s (listen.allowed_clients = %s, no spaces)", add, list)
		d.Fixes = []diag.Fix{{Title: "Allow " + add, Edits: []diag.TextEdit{{Location: e.Pool.AllowedClientsWhere, NewText: list}}}}
	} else {
		msg += ". List the address nginx connects from (a literal IP, no spaces, no CIDR)"
	}
	d.Message = msg
	p.Report(d)
}
