package nginxconf

import (
	"sort"
	"strings"
	"sync"

	ast "github.com/fcgilint/fcgilint/grammar/nginx"
	"github.com/fcgilint/fcgilint/lint/diag"
)

// Sites lets the check of a large host hold its sites a batch at a time,
// so that checking two thousand sites does not take the memory of all of
// them at once.
//
// A site is a file that an include directive of the http block reads,
// that holds server blocks, and that nothing else reads; what its servers
// show the other servers (the addresses they listen on, whether they are
// the default server of one, their TLS certificates) must be written in
// it directly inside the server blocks, or in the files those include
// there (see siteGhost). Beside its servers a site may hold other
// directives of the http block (an upstream, a map): they are its rest,
// which every load reads, since every server may use them.
//
// The first load with a Sites meets the sites: it outlines each (without
// parsing it in full), keeps its text, and stands it as its ghost: its
// rest, and its server blocks holding only their listen and ssl
// directives (ghostDirectives) and their includes, at their own places.
// That first model holds every other file in full (the files a ghost
// server includes too), and is whole for what one server reads of the
// others (nginx-listen, nginx-ssl-certificate judge it alone); what the
// rules report in a ghost otherwise is not to be trusted (a ghost server
// has no location) and is dropped (Config.Ghost).
//
// Then the sites are split into batches (Plan), and each later load with
// the same Sites parses the sites of one batch (Hold) from their kept text
// and reads only the rest of the others. The variables each load defines
// are gathered in Defined, and a use of a variable that no load so far
// defines is noted (NoteUndefined): a later batch may define it.
type Sites struct {
	// Version is the nginx version, which decides some of the directives
	// that define variables.
	Version string

	// Met lists the sites in the order the first load met them.
	Met []Site
	// Read are the files some load read: the first load's, and those only
	// the sites of one batch include.
	Read map[string]bool
	// Defined are the variables the loads so far define: each load with
	// the Sites adds its own.
	Defined Defined
	// Repeated is set when a load read a site twice (or read it where it
	// is not a site): a file read in two places is analysed in each, so
	// its ghost is not all the others see of it, and the set must be
	// loaded whole.
	Repeated bool

	// ghosts are the sites the first load met, each as its ghost, until
	// Plan.
	ghosts map[string]*ast.File
	// batchOf is the batch of each site, once planned; holding is the
	// batch the loads hold.
	batchOf map[string]int
	holding int
	mu      sync.Mutex
	// undefined are the findings of variables that no load had defined
	// when they were judged: a later batch may define them.
	undefined []undefinedUse
	// texts are the sites' texts, as the first load read them, until the
	// load that keeps them: reading two thousand files again costs more
	// than holding them.
	texts map[string]string
	// outlined are the ghosts the first load made as it read the files
	// (in parallel), until it meets them in order.
	outlined map[string]*ast.File
	// rests are the rests of the sites that have one (see siteParts).
	rests map[string]*ast.File
	// globs are the include patterns' matches, read once for every load.
	globs map[string][]string
}

// Site is one site met, with the size of its text.
type Site struct {
	Path string
	Size int
}

// NewSites starts the batching of a set's sites.
func NewSites(version string) *Sites {
	return &Sites{Version: version, Defined: NewDefined(), ghosts: map[string]*ast.File{}}
}

type undefinedUse struct {
	space, name string
	finding     diag.Diagnostic
}

// NoteUndefined records finding, about variable name of space, which no
// load so far defines: nginx's variables are global, and a site of a later
// batch may define it (see DefinedLater).
func (s *Sites) NoteUndefined(space, name string, finding diag.Diagnostic) {
	s.mu.Lock()
	s.undefined = append(s.undefined, undefinedUse{space, name, finding})
	s.mu.Unlock()
}

// DefinedLater returns the findings noted whose variable a load defined
// after all.
func (s *Sites) DefinedLater() []diag.Diagnostic {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []diag.Diagnostic
	for _, u := range s.undefined {
		if s.Defined.Has(u.space, u.name) {
			out = append(out, u.finding)
		}
	}
	return out
}

// takeText returns the text the first load kept of the site at path, and
// forgets it: a site is read in full by one load after the first.
func (s *Sites) takeText(path string) (string, bool) {
	if s == nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok := s.texts[path]
	delete(s.texts, path)
	return text, ok
}

// Plan splits the sites met into batches, which the loads after the first
// hold one at a time (Hold). The first load's ghosts are dropped: a later
// load leaves out the sites it does not hold.
func (s *Sites) Plan(batches [][]string) {
	s.batchOf = map[string]int{}
	for i, batch := range batches {
		for _, p := range batch {
			s.batchOf[p] = i
		}
	}
	s.ghosts, s.outlined = nil, nil
}

// Hold makes the next loads hold batch i of the plan.
func (s *Sites) Hold(i int) { s.holding = i }

// Ghost reports whether path stands as a ghost in c: what is reported
// there is reported by the load that holds the site.
func (c *Config) Ghost(path string) bool { return c.ghosts[path] }

// otherBatch reports whether this load, one after the plan, meets the
// site at path, included in ctx, of a batch it does not hold; rest is all
// it reads of that site (nil: nothing).
func (l *loader) otherBatch(path string, ctx Context) (other bool, rest *ast.File) {
	s := l.opts.Sites
	if s == nil || s.batchOf == nil || ctx != CtxHTTPMain {
		return false, nil
	}
	b, site := s.batchOf[path]
	if !site || b == s.holding {
		return false, nil
	}
	return true, s.rests[path]
}

// leftOut reports whether this load leaves the site at path, included in
// ctx, out: a site of another batch, without a rest.
func (l *loader) leftOut(path string, ctx Context) bool {
	other, rest := l.otherBatch(path, ctx)
	return other && rest == nil
}

// Holds reports whether the loads hold the site at path in full: once
// planned, a site of the batch they hold.
func (s *Sites) Holds(path string) bool {
	b, site := s.batchOf[path]
	return site && b == s.holding
}

// meetsSites reports whether this load is the first with Sites and
// reads files in context ctx, where sites are.
func (l *loader) meetsSites(ctx Context) bool {
	s := l.opts.Sites
	return s != nil && s.batchOf == nil && ctx == CtxHTTPMain
}

// outline returns the ghost of the file at path, of text text, when it is
// a site, and keeps the text for the load that will parse it; otherwise
// nil: the file is to be parsed now.
func (s *Sites) outline(path, text string) *ast.File {
	g, rest := siteParts(ast.Outline(path, text, siteOutlineKeeps))
	if g == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.texts == nil {
		s.texts, s.outlined, s.rests = map[string]string{}, map[string]*ast.File{}, map[string]*ast.File{}
	}
	s.texts[path] = text
	s.outlined[path] = g
	if rest != nil {
		s.rests[path] = rest
	}
	return g
}

// meetSite records the site at path, read as f in context ctx, when f is
// the ghost the first load made of it: the ghost's servers are read in
// place of the site's, and meetSite returns true.
func (l *loader) meetSite(n *Node, path string, f *ast.File, ctx Context) bool {
	s := l.opts.Sites
	if !l.meetsSites(ctx) || l.reads[path] > 1 {
		return false
	}
	s.mu.Lock()
	g := s.outlined[path]
	delete(s.outlined, path)
	size := len(s.texts[path])
	s.mu.Unlock()
	if g == nil || g != f {
		return false
	}
	s.ghosts[path] = g
	s.Met = append(s.Met, Site{Path: path, Size: size})
	if l.cfg.ghosts == nil {
		l.cfg.ghosts = map[string]bool{}
	}
	l.cfg.ghosts[path] = true
	l.stmts(g, g.Items, n, ctx)
	return true
}

// ghostDirectives are what a ghost server keeps: what the other servers
// of the host read of it, and the includes that may hold it (the ghost
// reads the files included in full, as every load does).
var ghostDirectives = map[string]bool{"listen": true, "ssl": true, "ssl_certificate": true,
	"ssl_certificate_key": true, "ssl_reject_handshake": true, "include": true}

// siteOutlineKeeps are the directives of a server that siteParts judges
// a site by.
func siteOutlineKeeps(name string) bool {
	return ghostDirectives[name] || sslLuaHandler(name)
}

// sslLuaHandler reports whether name is a TLS handler of lua, which a
// server's TLS depends on.
func sslLuaHandler(name string) bool {
	return strings.HasPrefix(name, "ssl_certificate_by_lua") || strings.HasPrefix(name, "ssl_client_hello_by_lua")
}

// siteParts are the ghost and the rest of the file of outline f
// (ast.Outline, keeping siteOutlineKeeps; nil for a file with syntax
// errors), when the file is a site: server blocks whose ghostDirectives
// are not blocks, without the TLS handlers of lua, and beside them other
// directives or none. Otherwise nil.
//
// The rest is the file with its server blocks blanked out (rest is nil
// when nothing else is left), parsed: its directives stand at their own
// places and lines. The ghost is the outline's servers, which then hold
// only the ghostDirectives, among the rest's statements. A site is judged
// on its outline alone, so that it is never parsed in full nor built into
// nodes but by the load that holds it.
func siteParts(f *ast.File) (ghost, rest *ast.File) {
	if f == nil {
		return nil, nil
	}
	var servers []*ast.Stmt
	others := false
	for _, s := range f.Items {
		d := s.Directive
		if d.Name.Value != "server" || len(d.Args) > 0 || d.Block == nil || d.Block.Raw != nil || d.Block.Close == nil {
			others = true
			continue
		}
		for _, in := range d.Block.Stmts {
			x := in.Directive
			if ghostDirectives[x.Name.Value] && x.Block != nil || sslLuaHandler(x.Name.Value) {
				return nil, nil
			}
		}
		servers = append(servers, s)
	}
	if len(servers) == 0 {
		return nil, nil
	}
	if !others {
		return f, nil
	}
	blanked := []byte(f.Src)
	for _, s := range servers {
		for i := s.Start(); i < s.End(); i++ {
			if blanked[i] != '\n' {
				blanked[i] = ' '
			}
		}
	}
	rest = ast.ParseOwned(f.Path, blanked)
	ghost = &ast.File{Path: f.Path, Src: f.Src, Items: append(append([]*ast.Stmt(nil), rest.Items...), servers...)}
	sort.SliceStable(ghost.Items, func(i, j int) bool { return ghost.Items[i].Start() < ghost.Items[j].Start() })
	return ghost, rest
}

// checkRepeats sets Repeated when the first load read a site more than
// once.
func (l *loader) checkRepeats() {
	for path, n := range l.reads {
		if _, site := l.opts.Sites.ghosts[path]; site && n > 1 {
			l.opts.Sites.Repeated = true
		}
	}
}

// glob expands an include pattern; with Sites, once for every load.
func (l *loader) glob(pattern string) ([]string, error) {
	s := l.opts.Sites
	if s == nil {
		return l.opts.FS.Glob(pattern)
	}
	if m, ok := s.globs[pattern]; ok {
		return m, nil
	}
	m, err := l.opts.FS.Glob(pattern)
	if err == nil {
		if s.globs == nil {
			s.globs = map[string][]string{}
		}
		s.globs[pattern] = m
	}
	return m, err
}
