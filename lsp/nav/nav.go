// Package nav answers an editor's questions about a checked configuration:
// hover, go to definition, references, document symbols, code actions and
// completion, for nginx and php-fpm files. It is independent of the
// language server protocol: every function takes a *lint.Pass (the model the
// last check built), a file path as the pass names it and a byte offset into
// that file, and returns byte-offset diag.Locations and small types of its
// own. The server converts LSP positions (0-based line, UTF-16 character)
// to byte offsets with diag.LineIndex.OffsetOfUTF16 before calling, and
// converts every returned diag.Location back with LineIndex.UTF16Column;
// enumerations (SymbolKind, CompletionKind) use the protocol's numbers so
// that a plain conversion is enough.
//
// None of these functions panics, whatever the offset or the file.
package nav

import (
	"bytes"
	"path/filepath"
	"sync"

	ast "github.com/fcgilint/fcgilint/grammar/nginx"

	gfpm "github.com/fcgilint/fcgilint/grammar/fpm"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// FileKind tells which daemon reads a file.
type FileKind int

// The kinds of file a pass holds.
const (
	// UnknownFile is a file the pass did not read.
	UnknownFile FileKind = iota
	NginxFile
	FPMFile
)

// source is one file of the pass with what navigation needs of it.
type source struct {
	kind  FileKind
	path  string
	text  string
	lines *diag.LineIndex
	// For nginx files, the parsed file; for php-fpm files, the file parsed
	// again (the fpm model keeps settings, not statements) and the
	// configuration set that read it.
	nginx  *ast.File
	fpm    *gfpm.File
	fpmCfg *fpm.Config
}

// sourceOf finds path among the files the pass read; nil when it has none.
func sourceOf(pass *lint.Pass, path string) *source {
	if pass == nil || path == "" {
		return nil
	}
	for _, p := range candidatePaths(path) {
		for _, cfg := range pass.Nginx {
			if cfg == nil {
				continue
			}
			if f := cfg.Files[p]; f != nil {
				return &source{kind: NginxFile, path: f.Path, text: f.Src, lines: f.Lines(), nginx: f}
			}
		}
	}
	for _, p := range candidatePaths(path) {
		for _, cfg := range pass.FPM {
			if cfg == nil {
				continue
			}
			for _, name := range cfg.Files {
				if name != p {
					continue
				}
				fsys := pass.FS
				if fsys == nil {
					fsys = &files.FS{}
				}
				src, err := fsys.ReadFile(name)
				if err != nil {
					return nil
				}
				f := parseFPM(name, src)
				return &source{kind: FPMFile, path: name, text: string(f.Src), lines: f.Lines, fpm: f, fpmCfg: cfg}
			}
		}
	}
	return nil
}

// parsedFPM keeps the last parse of each php-fpm file: every request
// needs the statements, and the file rarely changes between requests.
var parsedFPM sync.Map // path → *gfpm.File

func parseFPM(path string, src []byte) *gfpm.File {
	if v, ok := parsedFPM.Load(path); ok {
		if f := v.(*gfpm.File); bytes.Equal(f.Src, src) {
			return f
		}
	}
	f := gfpm.Parse(path, src, gfpm.Options{})
	parsedFPM.Store(path, f)
	return f
}

// candidatePaths are the spellings of path the loaders may have used.
func candidatePaths(path string) []string {
	if clean := filepath.Clean(path); clean != path {
		return []string{path, clean}
	}
	return []string{path}
}

// KindOf tells whether the pass read path as an nginx or a php-fpm file.
func KindOf(pass *lint.Pass, path string) FileKind {
	if s := sourceOf(pass, path); s != nil {
		return s.kind
	}
	return UnknownFile
}

// location is the range [start, end) of the source, clamped to it.
func (s *source) location(start, end int) diag.Location {
	start, end = clamp(start, len(s.text)), clamp(end, len(s.text))
	if end < start {
		end = start
	}
	return diag.Location{File: s.path, Range: s.lines.Range(start, end)}
}

func clamp(off, n int) int {
	if off < 0 {
		return 0
	}
	if off > n {
		return n
	}
	return off
}

// contains reports whether offset falls in loc, end excluded.
func contains(loc diag.Location, offset int) bool {
	return loc.Range.Start.Offset <= offset && offset < loc.Range.End.Offset
}

// touches reports whether offset falls in loc or just after it: a cursor
// right after a word still designates the word.
func touches(loc diag.Location, offset int) bool {
	return loc.Range.Start.Offset <= offset && offset <= loc.Range.End.Offset
}

// ---- nginx ----

// NginxInstance is one occurrence of a directive: the node and the
// configuration set it belongs to. A file included from several places has
// one instance of each directive per place.
type NginxInstance struct {
	Config *nginxconf.Config
	Node   *nginxconf.Node
}

// NodeAt returns the innermost nginx directive of path whose extent (name to
// terminator, block included) holds offset, in the first configuration set
// and place that includes the file; ok is false between directives at the
// top level, in a file the pass did not read as nginx, or at an offset
// outside the file.
func NodeAt(pass *lint.Pass, path string, offset int) (NginxInstance, bool) {
	all := nodesAt(pass, path, offset)
	if len(all) == 0 {
		return NginxInstance{}, false
	}
	return all[0], true
}

// nodesAt returns the innermost directive at offset in every place the
// file is read, the first place first.
func nodesAt(pass *lint.Pass, path string, offset int) []NginxInstance {
	src := sourceOf(pass, path)
	if src == nil || src.kind != NginxFile || offset < 0 || offset > len(src.text) {
		return nil
	}
	var out []NginxInstance
	for _, inst := range fileInstances(pass, src.path) {
		var found *nginxconf.Node
		list := inst.nodes
		for len(list) > 0 {
			var next []*nginxconf.Node
			for _, n := range list {
				if !sameFile(n, src.path) || !contains(n.Extent(), offset) {
					continue
				}
				found, next = n, n.Children()
				if n.IsInclude() {
					next = nil // its children are other files'
				}
				break
			}
			list = next
		}
		if found != nil {
			out = append(out, NginxInstance{Config: inst.cfg, Node: found})
		}
	}
	return out
}

// fileInstance is one place a file is read: its top-level directives there
// and the context they stand in.
type fileInstance struct {
	cfg   *nginxconf.Config
	ctx   nginxconf.Context
	nodes []*nginxconf.Node
}

// fileInstances lists every place path is read, in document order: as the
// main file of a set, and at every include that matched it.
func fileInstances(pass *lint.Pass, path string) []fileInstance {
	if pass == nil {
		return nil
	}
	var out []fileInstance
	for _, cfg := range pass.Nginx {
		if cfg == nil || cfg.Root == nil || cfg.Files[path] == nil {
			continue
		}
		if cfg.Main == path {
			out = append(out, fileInstance{cfg: cfg, ctx: cfg.Root.Ctx, nodes: ownNodes(cfg.Root.Children(), path)})
		}
		cfg.Root.Walk(func(n *nginxconf.Node) bool {
			if n.Dir == nil || !n.IsInclude() {
				return true
			}
			for _, f := range n.Included() {
				if f != nil && f.Path == path {
					out = append(out, fileInstance{cfg: cfg, ctx: n.Ctx, nodes: ownNodes(n.Children(), path)})
					break
				}
			}
			return true
		})
	}
	return out
}

// ownNodes keeps the nodes of nodes that come from path (an include's
// children mix every file it matched).
func ownNodes(nodes []*nginxconf.Node, path string) []*nginxconf.Node {
	var out []*nginxconf.Node
	for _, n := range nodes {
		if sameFile(n, path) {
			out = append(out, n)
		}
	}
	return out
}

func sameFile(n *nginxconf.Node, path string) bool {
	return n != nil && n.Dir != nil && n.File != nil && n.File.Path == path
}

// innerContext is the context of the statements of n's block.
func innerContext(n *nginxconf.Node) nginxconf.Context {
	if n.Dir.Block != nil && n.Dir.Block.Raw != nil {
		return nginxconf.CtxRaw
	}
	if n.Name() == "{" {
		return n.Ctx
	}
	return nginxconf.BlockContext(n.Name(), n.Ctx, len(n.Dir.Args))
}

// contextsAt returns the contexts a statement written at offset would stand
// in, one per place the file is read (without repeats).
func contextsAt(pass *lint.Pass, path string, offset int) []nginxconf.Context {
	var out []nginxconf.Context
	seen := map[nginxconf.Context]bool{}
	for _, inst := range fileInstances(pass, path) {
		ctx := inst.ctx
		list := inst.nodes
		for len(list) > 0 {
			var next []*nginxconf.Node
			for _, n := range list {
				if !sameFile(n, path) || n.IsInclude() {
					continue
				}
				if body, ok := n.BodyLocation(); ok && touches(body, offset) {
					ctx, next = innerContext(n), n.Children()
					break
				}
			}
			list = next
		}
		if !seen[ctx] {
			seen[ctx] = true
			out = append(out, ctx)
		}
	}
	return out
}

// ---- php-fpm ----

// FPMEntry is the php-fpm statement at an offset and the section it is in.
type FPMEntry struct {
	Config *fpm.Config
	// Section is "global" for the [global] section, else the pool name.
	Section string
	// Pool is the pool the statement belongs to (nil in [global]).
	Pool *fpm.Pool
	// Kind is the statement's kind (section header, entry, array entry).
	Kind gfpm.Kind
	// Name is the directive or section name; Key the array key.
	Name, Key string
	// NameLocation and ValueLocation are where they are written.
	NameLocation, ValueLocation diag.Location
	// Location is the whole statement.
	Location diag.Location
}

// FPMEntryAt returns the php-fpm statement whose line holds offset.
func FPMEntryAt(pass *lint.Pass, path string, offset int) (FPMEntry, bool) {
	src := sourceOf(pass, path)
	if src == nil || src.kind != FPMFile || offset < 0 || offset > len(src.text) {
		return FPMEntry{}, false
	}
	line := src.lines.Pos(offset).Line
	for i := range src.fpm.Statements {
		st := &src.fpm.Statements[i]
		if st.Line != line || !touches(src.location(st.Span.Start, st.Span.End), offset) {
			continue
		}
		e := FPMEntry{Config: src.fpmCfg, Kind: st.Kind, Name: st.Name, Key: st.Key,
			NameLocation:  src.location(st.NameSpan.Start, st.NameSpan.End),
			ValueLocation: src.location(st.ValueSpan.Start, st.ValueSpan.End),
			Location:      src.location(st.Span.Start, st.Span.End)}
		if st.Kind == gfpm.SectionHeader {
			e.Section = st.Name
		} else {
			e.Section = src.sectionAt(pass, offset)
		}
		e.Pool = poolNamed(src.fpmCfg, e.Section)
		return e, true
	}
	return FPMEntry{}, false
}

// sectionAt is the section a statement at offset belongs to: the last
// header above it in the file; for a file without one, the section the
// including file was in, which the model tells by where the pools' settings
// were written.
func (s *source) sectionAt(pass *lint.Pass, offset int) string {
	name := ""
	for _, st := range s.fpm.Statements {
		if st.Span.Start > offset {
			break
		}
		if st.Kind == gfpm.SectionHeader {
			name = st.Name
		}
	}
	if name != "" {
		if isGlobal(name) {
			return "global"
		}
		return name
	}
	if s.fpmCfg != nil && s.fpmCfg.Main != s.path {
		for _, p := range s.fpmCfg.Pools {
			for _, v := range p.Values {
				if v.Location.File == s.path {
					return p.Name
				}
			}
		}
	}
	return "global"
}

func isGlobal(section string) bool { return equalFold(section, "global") }

// equalFold compares as php-fpm's strcasecmp does: ASCII letters only.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// poolNamed finds a pool by name as php-fpm compares them (ignoring case).
func poolNamed(cfg *fpm.Config, name string) *fpm.Pool {
	if cfg == nil || isGlobal(name) {
		return nil
	}
	for _, p := range cfg.Pools {
		if p != nil && equalFold(p.Name, name) {
			return p
		}
	}
	return nil
}
