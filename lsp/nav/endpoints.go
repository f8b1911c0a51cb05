package nav

import (
	"strconv"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// Where a fastcgi_pass connects, and which pool listens there, is the
// cross-check's model (lint/fastcgi), so that hover and definitions agree
// with the diagnostics. Other *_pass directives only need their upstream
// block, found here.

// passDirectives are the directives whose address may name an upstream.
var passDirectives = map[string]bool{
	"fastcgi_pass": true, "proxy_pass": true, "uwsgi_pass": true, "scgi_pass": true,
	"grpc_pass": true, "memcached_pass": true,
}

// upstreamName is the upstream block name an address may refer to: the
// host when no port is written (proxy_pass and grpc_pass drop the scheme
// first).
func upstreamName(directive, arg string) (string, bool) {
	if strings.IndexByte(arg, '$') >= 0 || len(arg) >= 5 && strings.EqualFold(arg[:5], "unix:") {
		return "", false
	}
	if directive == "proxy_pass" || directive == "grpc_pass" {
		if i := strings.Index(arg, "://"); i >= 0 {
			arg = arg[i+3:]
		}
	}
	if i := strings.IndexByte(arg, '/'); i >= 0 {
		arg = arg[:i]
	}
	if arg == "" || strings.IndexByte(arg, ':') >= 0 || strings.HasPrefix(arg, "[") {
		return "", false
	}
	return arg, true
}

// upstreamOf returns the upstream block n's address names, looked up in the
// same kind of block (http or stream) anywhere in the set, since nginx
// resolves upstream names after reading the whole configuration.
func upstreamOf(cfg *nginxconf.Config, n *nginxconf.Node) *nginxconf.Node {
	if cfg == nil || cfg.Root == nil || n == nil || n.Dir == nil || len(n.Dir.Args) == 0 {
		return nil
	}
	name, ok := upstreamName(n.Name(), n.Dir.Args[0].Value)
	if !ok {
		return nil
	}
	want := nginxconf.CtxHTTPMain
	if isStream(n.Ctx) {
		want = nginxconf.CtxStreamMain
	}
	var found *nginxconf.Node
	cfg.Root.Walk(func(c *nginxconf.Node) bool {
		if found != nil || c.Dir == nil || c.Ctx == nginxconf.CtxRaw || c.Ctx == nginxconf.CtxEntries {
			return false
		}
		if c.Name() == "upstream" && c.Ctx == want && c.Dir.Block != nil && len(c.Dir.Args) >= 1 &&
			strings.EqualFold(c.Dir.Args[0].Value, name) {
			found = c
			return false
		}
		return true
	})
	return found
}

func isStream(c nginxconf.Context) bool {
	return c == nginxconf.CtxStreamMain || c == nginxconf.CtxStreamSrv || c == nginxconf.CtxStreamUps
}

// crossCheck is the cross-check model of a pass, nil without one.
func crossCheck(pass *lint.Pass) (*fastcgi.Model, *fastcgi.Listeners) {
	if pass == nil {
		return nil, nil
	}
	return fastcgi.Of(pass), fastcgi.ListenersOf(pass)
}

// targetOf finds the cross-check's reading of the fastcgi_pass n (the same
// directive instance, or another instance of the same directive when the
// file is included from several places).
func targetOf(m *fastcgi.Model, n *nginxconf.Node) *fastcgi.Target {
	if m == nil || n == nil {
		return nil
	}
	var sameDirective *fastcgi.Target
	for _, t := range m.Targets {
		if t == nil || t.Pass == nil {
			continue
		}
		if t.Pass == n {
			return t
		}
		if sameDirective == nil && t.Pass.Dir == n.Dir {
			sameDirective = t
		}
	}
	return sameDirective
}

// peerReach is one address a fastcgi_pass sends to and where it leads.
type peerReach struct {
	target *fastcgi.Target
	dest   *fastcgi.Dest
	reach  fastcgi.PeerReach
}

// reachesOf lists every address of t with where it leads.
func reachesOf(l *fastcgi.Listeners, t *fastcgi.Target) []peerReach {
	if l == nil || t == nil {
		return nil
	}
	var out []peerReach
	for _, d := range t.Dests {
		if d == nil {
			continue
		}
		for _, p := range d.Peers {
			if p != nil {
				out = append(out, peerReach{target: t, dest: d, reach: l.Reach(p)})
			}
		}
	}
	return out
}

// listeningPools are the pools an address reaches (running or not).
func listeningPools(r fastcgi.PeerReach) []*fastcgi.Endpoint {
	var out []*fastcgi.Endpoint
	for _, a := range r.Attempts {
		out = append(out, a.Endpoints...)
	}
	return out
}

// connectionsTo lists every address written in nginx (a fastcgi_pass, or a
// server line of the upstream it names) whose connections reach pool,
// once per directive written (a file included from several places counts
// once).
func connectionsTo(pass *lint.Pass, pool *fpm.Pool) []peerReach {
	m, l := crossCheck(pass)
	if m == nil || pool == nil {
		return nil
	}
	var out []peerReach
	seen := map[string]bool{}
	for _, t := range m.Targets {
		for _, r := range reachesOf(l, t) {
			if r.reach.Peer == nil || r.reach.Peer.Node == nil || t.Pass.File == nil {
				continue
			}
			hit := false
			for _, e := range listeningPools(r.reach) {
				hit = hit || e.Pool == pool
			}
			if !hit {
				continue
			}
			key := t.Pass.File.Path + "\x00" + strconv.Itoa(t.Pass.Location().Range.Start.Offset) + "\x00" +
				r.reach.Peer.Node.Location().File + "\x00" + strconv.Itoa(r.reach.Peer.Node.Location().Range.Start.Offset)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, r)
		}
	}
	return out
}

// upstreamServerReaches lists where the server line n of an upstream block
// leads, as the fastcgi_pass lines using the upstream read it.
func upstreamServerReaches(pass *lint.Pass, n *nginxconf.Node) []peerReach {
	m, l := crossCheck(pass)
	if m == nil || n == nil {
		return nil
	}
	for _, t := range m.Targets {
		for _, r := range reachesOf(l, t) {
			if r.reach.Peer != nil && r.reach.Peer.Node != nil && r.reach.Peer.Node.Dir == n.Dir {
				return []peerReach{r}
			}
		}
	}
	return nil
}
