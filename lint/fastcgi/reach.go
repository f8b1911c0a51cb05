package fastcgi

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/fcgilint/fcgilint/lint/fpm"
)

// Outcome is what a connect() to one address of a peer meets.
type Outcome int

const (
	// Reached: a pool php-fpm starts listens there.
	Reached Outcome = iota
	// PoolDown: a pool listens there, but php-fpm refuses to start.
	PoolDown
	// NoListener: nothing listens there, for sure (a unix socket, or a
	// loopback address: the same host).
	NoListener
	// ElsewhereMaybe: no checked pool listens there, but the address may
	// belong to another host or container whose php-fpm was not checked.
	ElsewhereMaybe
	// Unknown: DNS decides where it goes and a checked pool may be there.
	Unknown
)

// Attempt is one address of a peer and what it meets.
type Attempt struct {
	Addr    netip.Addr // invalid for unix sockets and names only DNS knows
	Outcome Outcome
	// Endpoints are the pools listening there (Reached, PoolDown).
	Endpoints []*Endpoint
	// Loopback is set for ElsewhereMaybe when pools listen on the port,
	// but on a loopback address only.
	Loopback []*Endpoint
}

// PeerReach is where the addresses of a peer lead.
type PeerReach struct {
	Peer     *Peer
	Attempts []Attempt
	// Alias is set when the path is Debian's /run/php/php-fpm.sock
	// alternative, linked at start to the default pool's socket.
	Alias bool
}

// Alive reports whether some address reaches a running pool, or may.
func (r *PeerReach) Alive() bool {
	for _, a := range r.Attempts {
		if a.Outcome == Reached || a.Outcome == Unknown {
			return true
		}
	}
	return false
}

// Dead reports whether no address can reach a running pool, and whether
// that is certain (nothing at a unix path or a loopback address).
func (r *PeerReach) Dead() (dead, certain bool) {
	if r.Alive() {
		return false, false
	}
	certain = true
	for _, a := range r.Attempts {
		if a.Outcome == ElsewhereMaybe {
			certain = false
		}
	}
	return len(r.Attempts) > 0, certain
}

// Reach finds where peer's connections go among l's pools.
func (l *Listeners) Reach(peer *Peer) PeerReach {
	r := PeerReach{Peer: peer}
	if peer.Unix {
		eps, alias := l.Unix(peer.Path)
		r.Alias = alias
		r.Attempts = []Attempt{classify(eps, NoListener)}
		return r
	}
	if !peer.Resolved || len(peer.Addrs) == 0 {
		r.Attempts = []Attempt{l.byPortOnly(peer.Port)}
		return r
	}
	for _, a := range peer.Addrs {
		var eps []*Endpoint
		unknown := false
		for _, e := range l.Port(peer.Port) {
			ok, known := e.Accepts(a, peer.Port)
			if ok {
				eps = append(eps, e)
			}
			unknown = unknown || !known
		}
		miss := NoListener
		if !isLocal(a) {
			miss = ElsewhereMaybe
		}
		at := classify(eps, miss)
		if at.Outcome == miss && unknown {
			at.Outcome = Unknown
		}
		if at.Outcome == ElsewhereMaybe {
			at.Loopback = loopbackOnly(l.Port(peer.Port))
		}
		at.Addr = a
		r.Attempts = append(r.Attempts, at)
	}
	return r
}

// byPortOnly judges a name only DNS resolves: a pool on the port that
// accepts other hosts may be the one; pools only on loopback cannot be.
func (l *Listeners) byPortOnly(port int) Attempt {
	eps := l.Port(port)
	for _, e := range eps {
		if !e.LoopbackOnly() {
			return Attempt{Outcome: Unknown}
		}
	}
	return Attempt{Outcome: ElsewhereMaybe, Loopback: loopbackOnly(eps)}
}

func loopbackOnly(eps []*Endpoint) []*Endpoint {
	var out []*Endpoint
	for _, e := range eps {
		if e.LoopbackOnly() {
			out = append(out, e)
		}
	}
	return out
}

func classify(eps []*Endpoint, miss Outcome) Attempt {
	if len(eps) == 0 {
		return Attempt{Outcome: miss}
	}
	for _, e := range eps {
		if e.Pool.Starts {
			return Attempt{Outcome: Reached, Endpoints: eps}
		}
	}
	return Attempt{Outcome: PoolDown, Endpoints: eps}
}

// isLocal reports whether addr is surely this host's: loopback, or the
// unspecified address, which connect() takes as loopback.
func isLocal(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsUnspecified()
}

// Describe is how a message names a pool's socket: "pool [www]
// (/etc/php/8.2/fpm/pool.d/www.conf) listens on /run/php/php8.2-fpm.sock".
func (e *Endpoint) Describe() string {
	return fmt.Sprintf("pool [%s] listens on %s", e.Pool.Name, ListenText(e.Pool))
}

// ListenText is a pool's listening socket in words.
func ListenText(p *fpm.Pool) string {
	ls := p.Listen
	switch ls.Kind {
	case fpm.ListenUnix:
		return ls.Path
	case fpm.ListenTCP:
		switch {
		case len(ls.Addresses) == 0:
			return ls.Raw
		case ls.Addresses[0] == "::":
			return fmt.Sprintf("port %d on every IPv4 and IPv6 address", ls.Port)
		case ls.Addresses[0] == "0.0.0.0":
			return fmt.Sprintf("port %d on every IPv4 address (not IPv6)", ls.Port)
		}
		return AddrPort(ls.Addresses[0], ls.Port)
	}
	return ls.Raw
}

// AddrPort writes an address and port as nginx reads them.
func AddrPort(addr string, port int) string {
	if strings.Contains(addr, ":") {
		return fmt.Sprintf("[%s]:%d", addr, port)
	}
	return fmt.Sprintf("%s:%d", addr, port)
}

// PassAddress is the fastcgi_pass argument that reaches e's socket from
// the same host: the socket path, or the bound address (127.0.0.1 for the
// wildcard addresses).
func PassAddress(e *Endpoint) string {
	ls := e.Pool.Listen
	switch ls.Kind {
	case fpm.ListenUnix:
		return "unix:" + ls.Path
	case fpm.ListenTCP:
		if len(ls.Addresses) == 0 {
			return ""
		}
		a := ls.Addresses[0]
		if a == "::" || a == "0.0.0.0" {
			a = "127.0.0.1"
		}
		return AddrPort(a, ls.Port)
	}
	return ""
}
