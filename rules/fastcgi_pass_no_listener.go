package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
)

// FastCGIPassNoListener compares every address a fastcgi_pass connects to
// with the sockets php-fpm's pools create.
var FastCGIPassNoListener = Register(&Rule{
	ID:    "fastcgi-pass-no-listener",
	Title: "No php-fpm pool listens where fastcgi_pass connects",
	Doc: "Every address a `fastcgi_pass` connects to — directly, through the servers of an `upstream` block, or through a variable whose values are known (`set`, `map`) — must be a socket a php-fpm pool listens on, or nginx logs `connect() failed (2: No such file or directory)` or `(111: Connection refused)` and answers 502. " +
		"Unix paths are compared exactly (a trailing `:` is part of the path; /var/run is /run), TCP addresses by family and address (`listen = 9000` and `[::]:9000` take IPv4 and IPv6, `0.0.0.0:9000` IPv4 only, `127.0.0.1:9000` itself only). A pool of a php-fpm that refuses to start listens nowhere. " +
		"One dead server of an upstream with live ones is a warning (nginx retries the others); an address that may belong to another host or container whose php-fpm was not checked is a warning. Nothing is said when no php-fpm configuration is known.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "php-fpm", "fastcgi", "cross-file"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		visits := fastcgiVisits(p)
		if visits == nil {
			return
		}
		l := fastcgi.ListenersOf(p)
		for _, v := range visits {
			reportNoListener(p, l, v)
		}
	},
})

func reportNoListener(p *lint.Pass, l *fastcgi.Listeners, v peerVisit) {
	peer := v.reach.Peer
	dead, certain := v.reach.Dead()
	if !dead || (peer.DefaultPort && !anyPoolOnPort(l, 80)) {
		return // the default port is fastcgi-upstream-default-port's finding
	}
	sev := diag.Warning
	if certain && v.alive == 0 {
		sev = diag.Error
	}
	what := fmt.Sprintf("fastcgi_pass %s%s", peerText(v), upstreamText(v))
	var msg string
	var related []diag.Related
	var fixes []diag.Fix
	first := v.reach.Attempts[0]
	switch {
	case first.Outcome == fastcgi.PoolDown:
		e := first.Endpoints[0]
		errno := "(111: Connection refused)"
		if peer.Unix {
			errno = "(2: No such file or directory)"
		}
		msg = fmt.Sprintf("%s: %s, but php-fpm (%s) refuses to start because of the errors reported in its configuration, so nothing listens there: nginx gets connect() failed %s and answers 502. Fix php-fpm's errors", what, e.Describe(), e.Config.Main, errno)
		related = poolRelated(e, "would listen here")
	case peer.Unix:
		msg, related, fixes = unixNoListener(l, v, what)
	default:
		msg, related, fixes = tcpNoListener(l, v, what)
	}
	if v.peers > 1 && v.alive > 0 {
		msg += fmt.Sprintf(". %d of the %d servers of upstream %s reach php-fpm: nginx retries them, takes this one out for fail_timeout and logs the failure", v.alive, v.peers, v.dest.Upstream.Args()[0])
	}
	p.Report(diag.Diagnostic{Rule: "fastcgi-pass-no-listener", Severity: sev, Message: msg,
		Location: peerLocation(v), Related: append(passRelated(v), related...), Fixes: fixes})
}

func anyPoolOnPort(l *fastcgi.Listeners, port int) bool { return len(l.Port(port)) > 0 }

func unixNoListener(l *fastcgi.Listeners, v peerVisit, what string) (string, []diag.Related, []diag.Fix) {
	peer := v.reach.Peer
	canonical := l.Canonical(peer.Path)
	if trimmed := strings.TrimSuffix(peer.Path, ":"); trimmed != peer.Path {
		if eps, _ := l.Unix(trimmed); len(eps) > 0 {
			msg := fmt.Sprintf("%s: the trailing ':' is part of the socket path (fastcgi_pass takes no URI part), so nginx connects to %q, which does not exist, and answers 502 (\"connect() to unix:%s failed (2: No such file or directory)\"); %s. Remove the ':'", what, peer.Path, peer.Path, eps[0].Describe())
			return msg, poolRelated(eps[0], "listens here"), fixPassAddress(v, "unix:"+trimmed, "Remove the trailing ':'")
		}
	}
	msg := fmt.Sprintf("%s: no php-fpm pool listens on %s (%s), so nginx gets \"connect() to unix:%s failed (2: No such file or directory)\" and answers 502", what, canonical, listenersText(l, true), peer.Path)
	if canonical != peer.Path {
		msg = strings.Replace(msg, "listens on "+canonical, fmt.Sprintf("listens on %s (%s)", peer.Path, canonical), 1)
	}
	e := plausiblePool(l, peer)
	if e == nil || v.dest.Via != nil {
		return msg + ". Point fastcgi_pass at a pool's socket, or make a pool listen there", nil, nil
	}
	addr := fastcgi.PassAddress(e)
	msg += fmt.Sprintf(". Point it at %s, where %s", addr, e.Describe())
	return msg, poolRelated(e, "listens here"), fixPassAddress(v, addr, "Connect to pool ["+e.Pool.Name+"]")
}

func tcpNoListener(l *fastcgi.Listeners, v peerVisit, what string) (string, []diag.Related, []diag.Fix) {
	peer := v.reach.Peer
	var missed []string
	var loopback []*fastcgi.Endpoint
	elsewhere := false
	for _, a := range v.reach.Attempts {
		if a.Addr.IsValid() {
			missed = append(missed, fastcgi.AddrPort(a.Addr.String(), peer.Port))
		}
		if a.Outcome == fastcgi.ElsewhereMaybe {
			elsewhere = true
			loopback = append(loopback, a.Loopback...)
		}
	}
	where := strings.Join(missed, " and ")
	if where == "" {
		where = fmt.Sprintf("%s:%d", peer.Host, peer.Port)
	}
	var related []diag.Related
	var msg string
	switch {
	case len(loopback) > 0:
		e := loopback[0]
		msg = fmt.Sprintf("%s: %s, a loopback address, which takes no connection from another host or container (each network namespace has its own loopback); nginx connects to %s and gets Connection refused (502) unless it runs on the same host as php-fpm. Make the pool listen on port %d of every address (listen = %d, with listen.allowed_clients), or use 127.0.0.1:%d when nginx and php-fpm share a host",
			what, e.Describe(), where, peer.Port, peer.Port, peer.Port)
		return msg, poolRelated(e, "listens on loopback only"), nil
	case elsewhere:
		msg = fmt.Sprintf("%s: no checked php-fpm pool listens on %s (%s); unless a php-fpm fcgilint did not check (on another host or container) serves it, nginx gets Connection refused and answers 502", what, where, listenersText(l, false))
	default:
		msg = fmt.Sprintf("%s: nothing listens on %s (%s), so nginx gets \"connect() failed (111: Connection refused)\" and answers 502", what, where, listenersText(l, false))
	}
	// A pool on the same port but another address or family explains the
	// usual mistake: 127.0.0.1 against ::1, or 0.0.0.0 against IPv6.
	for _, e := range l.Port(peer.Port) {
		if e.Pool.Listen.HostDependent {
			msg += fmt.Sprintf("; pool [%s] has listen = %s, and php-fpm binds only the first address getaddrinfo gives that name (%s)", e.Pool.Name, e.Pool.Listen.Raw, fastcgi.ListenText(e.Pool))
		} else {
			msg += fmt.Sprintf("; %s, another address or family", e.Describe())
		}
		related = append(related, poolRelated(e, "listens on this port")...)
		break
	}
	e := plausiblePool(l, peer)
	if e == nil || v.dest.Via != nil || elsewhere {
		return msg + ". Make fastcgi_pass and the pool's listen name the same address", related, nil
	}
	addr := fastcgi.PassAddress(e)
	if addr == "" {
		return msg, related, nil
	}
	msg += fmt.Sprintf(". Point it at %s, where %s", addr, e.Describe())
	if len(related) == 0 {
		related = poolRelated(e, "listens here")
	}
	return msg, related, fixPassAddress(v, addr, "Connect to pool ["+e.Pool.Name+"]")
}

// fixPassAddress rewrites the address of the fastcgi_pass or server line.
func fixPassAddress(v peerVisit, addr, title string) []diag.Fix {
	if v.dest.Via != nil {
		return nil
	}
	peer := v.reach.Peer
	return []diag.Fix{{Title: title, Edits: []diag.TextEdit{{Location: peer.Node.ArgLocation(peer.Arg), NewText: addr}}}}
}
