package nginxconf

import (
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
// that holds server blocks only, and that nothing else reads; what its
// servers show the other servers (the addresses they listen on, whether
// they are the default server of one, their TLS certificates) must be
// written in it, directly inside the server blocks (see siteGhost).
//
// The first load with a Sites meets the sites: it reads in full the first
// Budget bytes of them, and stands every other site as its ghost: its
// server blocks holding only their listen and ssl directives
// (ghostDirectives), at their own places. That first model is whole for
// what one server reads of the others (nginx-listen, nginx-ssl-certificate
// judge it alone); what the rules report in a ghost otherwise is not to be
// trusted (a ghost server has no location) and is dropped (Config.Ghost).
//
// Each later load with the same Sites reads in full the sites Keep accepts
// and leaves the others out: the batches of the check. The variables each
// load defines are gathered in Defined, and a use of a variable
// that no load so far defines is noted (NoteUndefined): a later batch may
// define it.
type Sites struct {
	// Budget is how much text of sites (in bytes) the first load reads in
	// full, in the order it meets them; it always reads the first site.
	Budget int
	// Keep says whether a later load reads the site at path in full; the
	// sites it refuses are left out of that load.
	Keep func(path string) bool
	// Version is the nginx version, which decides some of the directives
	// that define variables.
	Version string

	// Met lists the sites in the order the first load met them.
	Met []Site
	// Defined are the variables the loads so far define: each load with
	// the Sites adds its own.
	Defined Defined
	// Repeated is set when a load read a site twice (or read it where it
	// is not a site): a file read in two places is analysed in each, so
	// its ghost is not all the others see of it, and the set must be
	// loaded whole.
	Repeated bool

	ghosts map[string]*ast.File
	// undefined are the findings of variables that no load had defined
	// when they were judged: a later batch may define them.
	mu        sync.Mutex
	undefined []undefinedUse
	// texts are the sites the first load stood as ghosts, as read, until
	// the load that keeps them: reading two thousand files again costs
	// more than parsing them.
	texts map[string]string
	// kept is how much text of sites the first load read in full.
	kept int
	// globs are the include patterns' matches, read once for every load.
	globs map[string][]string
}

// Site is one site met, with the size of its text.
type Site struct {
	Path string
	Size int
}

// NewSites starts the batching of a set's sites: the first load reads
// budget bytes of sites in full.
func NewSites(budget int, version string) *Sites {
	return &Sites{Budget: budget, Version: version, Defined: NewDefined(), ghosts: map[string]*ast.File{}}
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

// DropGhosts replaces the ghosts by empty files of the same paths, once the
// first load is judged: the later loads leave the sites they do not keep
// out, and what is left to know of a site is that it was read.
func (s *Sites) DropGhosts() {
	for p := range s.ghosts {
		s.ghosts[p] = &ast.File{Path: p}
	}
}

// GhostFile is the ghost of the site at path, nil when path is no site.
func (s *Sites) GhostFile(path string) *ast.File { return s.ghosts[path] }

// Ghost reports whether path stands as a ghost in c: what is reported
// there is reported by the load that keeps the site.
func (c *Config) Ghost(path string) bool { return c.ghosts[path] }

// leftOut reports whether this load, one after the first with Sites,
// leaves out the site at path, included in ctx: a site it does not keep.
func (l *loader) leftOut(path string, ctx Context) bool {
	s := l.opts.Sites
	if s == nil || ctx != CtxHTTPMain {
		return false
	}
	_, site := s.ghosts[path]
	return site && s.Keep != nil && !s.Keep(path)
}

// standIn reads ghost g in place of the site at path.
func (l *loader) standIn(n *Node, path string, g *ast.File, ctx Context, included *[]*ast.File) {
	if _, seen := l.cfg.Files[path]; !seen {
		l.cfg.Order = append(l.cfg.Order, path)
	}
	l.cfg.Files[path] = g
	if l.cfg.ghosts == nil {
		l.cfg.ghosts = map[string]bool{}
	}
	l.cfg.ghosts[path] = true
	*included = append(*included, g)
	l.stmts(g, g.Items, n, ctx)
}

// meetSite records the file just read at path, when it is a site the
// first load meets; when that load does not keep it, its ghost stands in
// its place and meetSite returns true: the file is not read further.
func (l *loader) meetSite(n *Node, path string, f *ast.File, ctx Context, included *[]*ast.File) bool {
	s := l.opts.Sites
	if s == nil || ctx != CtxHTTPMain || s.Keep != nil {
		return false
	}
	if _, met := s.ghosts[path]; met || l.reads[path] > 1 {
		return false
	}
	g := siteGhost(f)
	if g == nil {
		return false
	}
	s.ghosts[path] = g
	s.Met = append(s.Met, Site{Path: path, Size: len(f.Src)})
	if s.kept == 0 || s.kept+len(f.Src) <= s.Budget {
		s.kept += len(f.Src)
		return false
	}
	if l.opts.Cache != nil {
		l.opts.Cache.Forget(path)
	}
	s.mu.Lock()
	if s.texts == nil {
		s.texts = map[string]string{}
	}
	s.texts[path] = f.Src
	s.mu.Unlock()
	*included = (*included)[:len(*included)-1]
	l.standIn(n, path, g, ctx, included)
	return true
}

// ghostDirectives are what a ghost server keeps: what the other servers
// of the host read of it.
var ghostDirectives = map[string]bool{"listen": true, "ssl": true, "ssl_certificate": true,
	"ssl_certificate_key": true, "ssl_reject_handshake": true}

// siteGhost is the ghost of f when f is a site: server blocks only,
// without syntax errors, whose ghostDirectives are written in f directly
// inside them (a server that includes a file at its top level may read
// them from it), and without the TLS handlers of lua
// (ssl_certificate_by_lua*, ssl_client_hello_by_lua*), which a server's
// TLS depends on too. Otherwise nil. It is judged on f's syntax alone, so
// that a site the first load does not keep is never built into nodes.
func siteGhost(f *ast.File) *ast.File {
	if len(f.Errors) > 0 {
		return nil
	}
	servers := 0
	for _, s := range f.Items {
		if s.Stray != nil {
			return nil
		}
		d := s.Directive
		if d == nil {
			continue
		}
		if d.Name.Value != "server" || len(d.Args) > 0 || d.Block == nil || d.Block.Raw != nil || d.Block.Close == nil {
			return nil
		}
		servers++
		for _, in := range d.Block.Stmts {
			x := in.Directive
			if x == nil {
				continue
			}
			name := x.Name.Value
			if name == "include" || ghostDirectives[name] && x.Block != nil ||
				strings.HasPrefix(name, "ssl_certificate_by_lua") || strings.HasPrefix(name, "ssl_client_hello_by_lua") {
				return nil
			}
		}
	}
	if servers == 0 {
		return nil
	}
	return f.Excerpt(func(d *ast.Directive) bool { return ghostDirectives[d.Name.Value] })
}

// checkRepeats sets Repeated when a site was read more than once.
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
