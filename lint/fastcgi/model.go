// Package fastcgi is the nginx side of the cross-check with php-fpm: for
// every fastcgi_pass, where nginx connects — unix socket paths, or TCP
// addresses and ports, through upstream blocks and through variables whose
// values can be told statically (set, map) — and as which user and groups
// nginx's workers connect.
package fastcgi

import (
	"net/netip"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/hostdb"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
	"github.com/fcgilint/fcgilint/lint/profile"
)

// Model is the nginx side of every configuration set of a pass.
type Model struct {
	DB      *hostdb.DB
	Profile *profile.Profile // nil when unknown
	// Targets are every fastcgi_pass occurrence nginx accepts, in document
	// order per set (a file included from several places gives one target
	// per place).
	Targets []*Target
	// ByLocation is the effective target of every location and `if` block
	// that passes to FastCGI: its own fastcgi_pass, or for an `if` block
	// without one, the enclosing location's (ngx_http_fastcgi_merge_loc_conf
	// copies the upstream into unnamed locations).
	ByLocation map[*nginxconf.Node]*Target

	workers map[*nginxconf.Config]*Worker
}

// Worker is the identity of cfg's worker processes.
func (m *Model) Worker(cfg *nginxconf.Config) *Worker { return m.workers[cfg] }

// Target is one fastcgi_pass directive and where it sends requests.
type Target struct {
	Config *nginxconf.Config
	Pass   *nginxconf.Node
	// Dests are the possible destinations: one for an address written
	// out; one per value a variable can take otherwise.
	Dests []*Dest
	// Unresolved says why some destinations cannot be told statically
	// ("" when Dests are all of them).
	Unresolved string
}

// Variable reports whether the address is written with variables.
func (t *Target) Variable() bool { return strings.IndexByte(t.Pass.Args()[0], '$') >= 0 }

// Dest is one address a fastcgi_pass sends to.
type Dest struct {
	// Value is the address as nginx reads it, variables substituted.
	Value string
	// Via are the set directives and map entries that gave the variables
	// their values (empty for an address written out).
	Via []*nginxconf.Node
	// Upstream is the upstream block the address names, if any.
	Upstream *nginxconf.Node
	Peers    []*Peer
	// Failure is what nginx does at run time with a variable address it
	// cannot use ("" when it connects): "no resolver", "no port".
	Failure string
}

// Peer is one address nginx connects to: the fastcgi_pass itself or one
// server line of an upstream block.
type Peer struct {
	// Node and Arg are the directive and argument that wrote the address
	// (the fastcgi_pass, a server line, or for variables the fastcgi_pass).
	Node *nginxconf.Node
	Arg  int
	Unix bool
	// Path is the unix socket path exactly as nginx connects to it (a
	// trailing ':' stays part of it: fastcgi_pass has no URI part).
	Path string
	// Host is the host as written; Port the port (80 for an upstream
	// server without one: DefaultPort).
	Host        string
	Port        int
	DefaultPort bool
	// Addrs are every address nginx connects to for Host: the literal
	// address, or every address /etc/hosts gives the name (nginx resolves
	// names with getaddrinfo once, at start, and keeps them all).
	Addrs []netip.Addr
	// Resolved is false for a name /etc/hosts does not have: DNS decides.
	Resolved     bool
	Backup, Down bool
}

type memoKey struct{}

// Of returns the model of p, built once per pass.
func Of(p *lint.Pass) *Model {
	return p.Memo(memoKey{}, func() any { return Build(p) }).(*Model)
}

// Build makes the model of p's nginx sets.
func Build(p *lint.Pass) *Model {
	m := &Model{DB: p.MachineDB(), Profile: profile.Resolve(p.Profile, p.FS),
		ByLocation: map[*nginxconf.Node]*Target{}, workers: map[*nginxconf.Config]*Worker{}}
	for _, cfg := range p.Nginx {
		if cfg == nil || cfg.Root == nil {
			continue
		}
		m.workers[cfg] = worker(cfg, m.DB, m.Profile, p.NginxUser)
		b := &builder{m: m, p: p, cfg: cfg, upstreams: map[string]*nginxconf.Node{}, maps: map[string]*nginxconf.Node{}}
		b.index()
		for _, n := range b.passes {
			b.target(n)
		}
	}
	return m
}

type builder struct {
	m   *Model
	p   *lint.Pass
	cfg *nginxconf.Config
	// upstreams and maps are the http-level upstream blocks (by lower-case
	// name) and map blocks (by the variable they define, lower case).
	upstreams map[string]*nginxconf.Node
	maps      map[string]*nginxconf.Node
	passes    []*nginxconf.Node
}

// index collects the upstream and map blocks and the fastcgi_pass
// directives nginx accepts, in document order; what stands inside an
// upstream or map block is none of them.
func (b *builder) index() {
	for _, n := range b.cfg.Named("upstream", "map", "fastcgi_pass") {
		if n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries || insideUpstreamOrMap(n) {
			continue
		}
		switch n.Name() {
		case "upstream":
			if n.Ctx == nginxconf.CtxHTTPMain && n.Dir.Block != nil && len(n.Dir.Args) == 1 {
				key := strings.ToLower(n.Args()[0])
				if _, dup := b.upstreams[key]; !dup {
					b.upstreams[key] = n
				}
			}
		case "map":
			if n.Ctx == nginxconf.CtxHTTPMain && n.Dir.Block != nil && len(n.Dir.Args) == 2 {
				if v, ok := strings.CutPrefix(n.Args()[1], "$"); ok {
					b.maps[strings.ToLower(v)] = n
				}
			}
		case "fastcgi_pass":
			if (n.Ctx == nginxconf.CtxHTTPLoc || n.Ctx == nginxconf.CtxHTTPLif) && n.Dir.Terminated() &&
				n.Dir.Block == nil && len(n.Dir.Args) == 1 {
				if _, st := n.Spec(b.p.NginxVersion); st == nginxconf.Known {
					b.passes = append(b.passes, n)
				}
			}
		}
	}
}

func insideUpstreamOrMap(n *nginxconf.Node) bool {
	for a := n.Parent; a != nil && a.Dir != nil; a = a.Parent {
		if name := a.Name(); name == "upstream" || name == "map" {
			return true
		}
	}
	return false
}

func (b *builder) target(n *nginxconf.Node) {
	t := &Target{Config: b.cfg, Pass: n}
	arg := n.Args()[0]
	if strings.IndexByte(arg, '$') < 0 {
		d := b.staticDest(n, arg)
		if d == nil {
			return // refused by nginx: nginx-upstream-address says why
		}
		t.Dests = []*Dest{d}
	} else {
		values, unresolved := b.variableValues(n, arg)
		t.Unresolved = unresolved
		for _, v := range values {
			d := b.runtimeDest(n, v.value)
			d.Via = v.via
			t.Dests = append(t.Dests, d)
		}
	}
	b.m.Targets = append(b.m.Targets, t)
	owner := n.Enclosing()
	if owner != nil {
		b.m.ByLocation[owner] = t
		// `if` blocks of the location without a fastcgi_pass of their own
		// inherit this one.
		if owner.Ctx == nginxconf.CtxHTTPLoc || owner.Name() == "location" {
			for _, c := range owner.Block() {
				if c.Name() == "if" && c.Dir.Block != nil {
					if _, own := b.m.ByLocation[c]; !own {
						b.m.ByLocation[c] = t
					}
				}
			}
		}
	}
}

// staticDest reads an address written without variables as
// ngx_http_fastcgi_pass and ngx_http_upstream_add do; nil when nginx
// refuses it.
func (b *builder) staticDest(n *nginxconf.Node, arg string) *Dest {
	u := nginxval.ParseURL(arg, nginxval.URLOptions{})
	if u.Err != "" {
		return nil
	}
	d := &Dest{Value: arg}
	if u.Unix {
		d.Peers = []*Peer{{Node: n, Unix: true, Path: u.Path, Resolved: true}}
		return d
	}
	if u.NoPort {
		ups := b.upstreams[strings.ToLower(u.Host)]
		if ups == nil {
			return nil
		}
		d.Upstream = ups
		d.Peers = b.upstreamPeers(ups)
		return d
	}
	if _, named := b.upstreams[strings.ToLower(u.Host)]; named {
		return nil // "upstream may not have port"
	}
	d.Peers = []*Peer{b.inetPeer(n, 0, u)}
	return d
}

// upstreamPeers reads the server lines of an upstream block; their port
// defaults to 80 (u.default_port in ngx_http_upstream_server).
func (b *builder) upstreamPeers(ups *nginxconf.Node) []*Peer {
	var out []*Peer
	for _, c := range ups.Block() {
		if c.Name() != "server" || !c.Dir.Terminated() || c.Dir.Block != nil || len(c.Dir.Args) == 0 {
			continue
		}
		args := c.Args()
		u := nginxval.ParseURL(args[0], nginxval.URLOptions{DefaultPort: 80})
		if u.Err != "" {
			continue
		}
		var peer *Peer
		if u.Unix {
			peer = &Peer{Node: c, Unix: true, Path: u.Path, Resolved: true}
		} else {
			peer = b.inetPeer(c, 0, u)
			peer.DefaultPort = u.NoPort
		}
		for _, a := range args[1:] {
			switch {
			case a == "backup":
				peer.Backup = true
			case a == "down":
				peer.Down = true
			case a == "resolve":
				// re-resolved at run time (nginx 1.27.3+): DNS decides
				peer.Resolved = false
			}
		}
		out = append(out, peer)
	}
	return out
}

func (b *builder) inetPeer(n *nginxconf.Node, arg int, u nginxval.URL) *Peer {
	p := &Peer{Node: n, Arg: arg, Host: u.Host, Port: u.Port}
	if u.Addr.IsValid() {
		p.Addrs, p.Resolved = []netip.Addr{u.Addr}, true
		return p
	}
	p.Addrs, p.Resolved = ResolveName(b.m.DB, u.Host)
	return p
}

// ResolveName is what nginx's getaddrinfo gives a host name at start: every
// address /etc/hosts has for it. localhost is 127.0.0.1 and ::1 when the
// hosts file does not say (glibc and systemd-resolved synthesise them).
// ok is false for a name only DNS can answer.
func ResolveName(db *hostdb.DB, host string) (addrs []netip.Addr, ok bool) {
	if a := db.Hosts(host); len(a) > 0 {
		return a, true
	}
	if strings.EqualFold(host, "localhost") {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}, true
	}
	return nil, false
}
