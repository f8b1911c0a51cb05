package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
	"github.com/fcgilint/fcgilint/lint/fpm"
)

// What the fastcgi-* rules share: one walk of the nginx model against the
// index of php-fpm's listeners, both built once per pass.

// peerVisit is one peer of one destination of one fastcgi_pass, with where
// its connections go.
type peerVisit struct {
	target *fastcgi.Target
	dest   *fastcgi.Dest
	reach  fastcgi.PeerReach
	// peers counts the destination's peers that take traffic (not down);
	// alive counts those that reach a running pool (or may).
	peers, alive int
}

type visitsKey struct{}

// fastcgiVisits reaches every peer of every fastcgi_pass once per pass.
// It returns nil when no php-fpm pool is known: then where requests go
// cannot be judged, and the cross-checks say nothing rather than guess.
func fastcgiVisits(p *lint.Pass) []peerVisit {
	return p.Memo(visitsKey{}, func() any {
		l := fastcgi.ListenersOf(p)
		if l.Empty() {
			return []peerVisit(nil)
		}
		m := fastcgi.Of(p)
		var out []peerVisit
		for _, t := range m.Targets {
			for _, d := range t.Dests {
				start := len(out)
				peers, alive := 0, 0
				for _, peer := range d.Peers {
					if peer.Down {
						continue
					}
					r := l.Reach(peer)
					peers++
					if r.Alive() {
						alive++
					}
					out = append(out, peerVisit{target: t, dest: d, reach: r})
				}
				for i := start; i < len(out); i++ {
					out[i].peers, out[i].alive = peers, alive
				}
			}
		}
		return out
	}).([]peerVisit)
}

// peerLocation is where a finding about a peer points: the server line's
// or the fastcgi_pass's address.
func peerLocation(v peerVisit) diag.Location {
	return v.reach.Peer.Node.ArgSpan(v.reach.Peer.Arg)
}

// passRelated points at the fastcgi_pass when the finding is on a server
// line of its upstream, and at the set/map lines that gave a variable.
func passRelated(v peerVisit) []diag.Related {
	var out []diag.Related
	if v.reach.Peer.Node != v.target.Pass {
		out = append(out, diag.Related{Location: v.target.Pass.ArgLocation(0), Message: "the fastcgi_pass that uses this upstream"})
	}
	for _, via := range v.dest.Via {
		out = append(out, diag.Related{Location: via.Location(), Message: fmt.Sprintf("gives the address %s", v.dest.Value)})
	}
	return out
}

// poolRelated points at a pool's listen line.
func poolRelated(e *fastcgi.Endpoint, msg string) []diag.Related {
	loc := e.Pool.Listen.Location
	if loc.File == "" {
		return nil
	}
	return []diag.Related{{Location: loc, Message: fmt.Sprintf("pool [%s] %s", e.Pool.Name, msg)}}
}

// settingRelated points at a pool directive when it was written.
func settingRelated(loc diag.Location, msg string) []diag.Related {
	if loc.File == "" {
		return nil
	}
	return []diag.Related{{Location: loc, Message: msg}}
}

// peerText names a peer's address as written, with the upstream it is in.
func peerText(v peerVisit) string {
	p := v.reach.Peer
	addr := v.dest.Value
	if p.Node != v.target.Pass {
		addr = p.Node.Args()[0]
	}
	if p.Unix {
		return fmt.Sprintf("unix:%s", p.Path)
	}
	if p.DefaultPort {
		addr = fmt.Sprintf("%s (port 80)", addr)
	}
	return addr
}

// upstreamText is " (server of upstream php)" for peers of an upstream.
func upstreamText(v peerVisit) string {
	if v.dest.Upstream == nil {
		return ""
	}
	return fmt.Sprintf(" (a server of upstream %s)", v.dest.Upstream.Args()[0])
}

// plausiblePool is the one pool a fastcgi_pass was probably meant for, or
// nil: the only pool, else the only pool of the same kind (unix or TCP),
// else the only unix pool in the same directory.
func plausiblePool(l *fastcgi.Listeners, peer *fastcgi.Peer) *fastcgi.Endpoint {
	var running []*fastcgi.Endpoint
	for _, e := range l.All {
		if e.Pool.Starts {
			running = append(running, e)
		}
	}
	if len(running) == 1 {
		return running[0]
	}
	var same, sameDir []*fastcgi.Endpoint
	for _, e := range running {
		unix := e.Pool.Listen.Kind == fpm.ListenUnix
		if unix != peer.Unix {
			continue
		}
		same = append(same, e)
		if unix && dirOf(e.Path) == dirOf(l.Canonical(peer.Path)) {
			sameDir = append(sameDir, e)
		}
	}
	if len(same) == 1 {
		return same[0]
	}
	if len(sameDir) == 1 {
		return sameDir[0]
	}
	// php7.4-fpm.sock after an upgrade to 8.2: the one socket of the
	// directory whose name differs only in its version.
	var sameName []*fastcgi.Endpoint
	for _, e := range sameDir {
		if withoutVersion(path.Base(e.Path)) == withoutVersion(path.Base(peer.Path)) {
			sameName = append(sameName, e)
		}
	}
	if len(sameName) == 1 {
		return sameName[0]
	}
	return nil
}

func withoutVersion(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '.' {
			return -1
		}
		return r
	}, name)
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// listenersText lists the sockets of the pools, for "pools listen on …".
func listenersText(l *fastcgi.Listeners, unix bool) string {
	var parts []string
	for _, e := range l.All {
		if (e.Pool.Listen.Kind == fpm.ListenUnix) != unix {
			continue
		}
		if len(parts) == 4 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("[%s] %s", e.Pool.Name, fastcgi.ListenText(e.Pool)))
	}
	if len(parts) == 0 {
		kind := "TCP"
		if unix {
			kind = "unix"
		}
		return fmt.Sprintf("no pool listens on a %s socket", kind)
	}
	return "the pools listen on " + strings.Join(parts, ", ")
}
