package nav

import (
	"strings"

	gfpm "github.com/fcgilint/fcgilint/grammar/fpm"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// Definition returns where the thing under offset is defined:
//   - on an include: the start of every file it matched;
//   - on fastcgi_pass (and proxy_pass, uwsgi_pass, scgi_pass, grpc_pass,
//     memcached_pass) naming an upstream: the upstream block's name;
//   - on fastcgi_pass, or a server line of an upstream: the listen line of
//     every php-fpm pool listening at the address;
//   - on a pool's listen line or section header: the fastcgi_pass lines
//     that connect to the pool (as References does).
//
// The result has no repeats and may be empty.
func Definition(pass *lint.Pass, path string, offset int) []diag.Location {
	switch KindOf(pass, path) {
	case NginxFile:
		return nginxDefinition(pass, path, offset)
	case FPMFile:
		return References(pass, path, offset, false)
	}
	return nil
}

func nginxDefinition(pass *lint.Pass, path string, offset int) []diag.Location {
	var out locationSet
	for _, inst := range nodesAt(pass, path, offset) {
		n := inst.Node
		if n.Ctx == nginxconf.CtxEntries || n.Ctx == nginxconf.CtxRaw {
			continue
		}
		if _, onWord := wordAt(n, offset); !onWord {
			continue
		}
		switch {
		case n.IsInclude():
			for _, f := range n.Included() {
				if f != nil {
					out.add(fileStart(f.Path))
				}
			}
		case n.Name() == "fastcgi_pass":
			m, l := crossCheck(pass)
			t := targetOf(m, n)
			if t == nil {
				break
			}
			for _, d := range t.Dests {
				if d != nil && d.Upstream != nil && len(d.Upstream.Dir.Args) > 0 {
					out.add(d.Upstream.ArgLocation(0))
				}
			}
			addListeners(&out, reachesOf(l, t))
		case passDirectives[n.Name()]:
			if ups := upstreamOf(inst.Config, n); ups != nil && len(ups.Dir.Args) > 0 {
				out.add(ups.ArgLocation(0))
			}
		case n.Name() == "server" && n.Ctx == nginxconf.CtxHTTPUps:
			addListeners(&out, upstreamServerReaches(pass, n))
		}
	}
	return out.list
}

func addListeners(out *locationSet, reaches []peerReach) {
	for _, r := range reaches {
		for _, e := range listeningPools(r.reach) {
			if e != nil && e.Pool != nil && e.Pool.Listen.Location.File != "" {
				out.add(e.Pool.Listen.Location)
			}
		}
	}
}

// References returns what refers to the thing under offset:
//   - on a pool's listen line or section header: every fastcgi_pass
//     argument, and every upstream server address, that connects to it;
//   - on an upstream block's name: every *_pass directive naming it.
//
// includeDeclaration adds the pool's listen value or the upstream's name.
func References(pass *lint.Pass, path string, offset int, includeDeclaration bool) []diag.Location {
	var out locationSet
	switch KindOf(pass, path) {
	case FPMFile:
		e, ok := FPMEntryAt(pass, path, offset)
		if !ok || e.Pool == nil || !isListenEntry(e) && e.Kind != gfpm.SectionHeader {
			return nil
		}
		if includeDeclaration && e.Pool.Listen.Location.File != "" {
			out.add(e.Pool.Listen.Location)
		}
		for _, c := range connectionsTo(pass, e.Pool) {
			if n := c.target.Pass; len(n.Dir.Args) > 0 {
				out.add(n.ArgLocation(0))
			}
			if peer := c.reach.Peer; c.dest.Upstream != nil && peer.Node != nil && len(peer.Node.Dir.Args) > peer.Arg {
				out.add(peer.Node.ArgLocation(peer.Arg))
			}
		}
	case NginxFile:
		for _, inst := range nodesAt(pass, path, offset) {
			n := inst.Node
			if n.Name() != "upstream" || n.Dir.Block == nil || len(n.Dir.Args) == 0 {
				continue
			}
			if _, onWord := wordAt(n, offset); !onWord {
				continue
			}
			if includeDeclaration {
				out.add(n.ArgLocation(0))
			}
			for _, user := range upstreamUsers(pass, n) {
				out.add(user.ArgLocation(0))
			}
		}
	}
	return out.list
}

func isListenEntry(e FPMEntry) bool {
	return e.Kind == gfpm.Entry && strings.EqualFold(e.Name, "listen")
}

// upstreamUsers lists the *_pass directives whose address names ups.
func upstreamUsers(pass *lint.Pass, ups *nginxconf.Node) []*nginxconf.Node {
	var out []*nginxconf.Node
	for _, cfg := range pass.Nginx {
		if cfg == nil || cfg.Root == nil {
			continue
		}
		cfg.Root.Walk(func(n *nginxconf.Node) bool {
			if n.Dir == nil || n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries {
				return false
			}
			if passDirectives[n.Name()] && len(n.Dir.Args) > 0 {
				if u := upstreamOf(cfg, n); u != nil && u.Dir == ups.Dir {
					out = append(out, n)
				}
			}
			return true
		})
	}
	return out
}

// fileStart is the empty range at the start of a file.
func fileStart(path string) diag.Location {
	p := diag.Pos{Offset: 0, Line: 1, Column: 1}
	return diag.Location{File: path, Range: diag.Range{Start: p, End: p}}
}

// locationSet collects locations in order, without repeats (a file
// included from several places yields each of its nodes once per place).
type locationSet struct {
	list []diag.Location
	seen map[locationKey]bool
}

type locationKey struct {
	file       string
	start, end int
}

func (s *locationSet) add(loc diag.Location) {
	k := locationKey{loc.File, loc.Range.Start.Offset, loc.Range.End.Offset}
	if s.seen == nil {
		s.seen = map[locationKey]bool{}
	}
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	s.list = append(s.list, loc)
}
