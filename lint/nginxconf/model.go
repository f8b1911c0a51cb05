// Package nginxconf loads an nginx configuration set the way nginx reads it:
// from a main file, following include directives in the context where they
// appear, into a tree of directive occurrences, each knowing its context.
// A file included from several places appears once per place.
package nginxconf

import (
	ast "github.com/fcgilint/fcgilint/grammar/nginx"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// Context is where a directive stands, as nginx's cmd_type bits name it.
type Context uint8

// The contexts of nginx's configuration (NGX_*_CONF), plus the bodies whose
// entries are not directives.
const (
	CtxNone Context = iota
	CtxMain
	CtxEvent
	CtxHTTPMain
	CtxHTTPSrv
	CtxHTTPLoc
	CtxHTTPUps
	CtxHTTPSif
	CtxHTTPLif
	CtxHTTPLmt
	CtxStreamMain
	CtxStreamSrv
	CtxStreamUps
	CtxMailMain
	CtxMailSrv
	CtxRTMPMain
	CtxRTMPSrv
	CtxRTMPApp
	CtxRTMPRec
	// CtxEntries is the body of map, geo, types, split_clients, charset_map,
	// match and similar blocks: lines of values, where only include is a
	// directive.
	CtxEntries
	// CtxRaw is the verbatim body of a *_by_lua_block.
	CtxRaw
)

var contextNames = [...]string{"none", "main", "events", "http", "server", "location", "upstream",
	"if in server", "if in location", "limit_except", "stream", "stream server", "stream upstream",
	"mail", "mail server", "rtmp", "rtmp server", "rtmp application", "rtmp recorder", "block entries", "raw"}

func (c Context) String() string {
	if int(c) < len(contextNames) {
		return contextNames[c]
	}
	return "?"
}

// Node is one directive occurrence in the resolved tree. A host of
// thousands of sites has a hundred thousand of them (every site repeats the
// snippets it includes), so a node is kept small: what only blocks and
// includes need is in sub, what a whole load shares is in shared.
type Node struct {
	Dir  *ast.Directive
	File *ast.File
	// Parent is the enclosing block directive or include.
	Parent *Node
	// sub is nil for a directive without a block that includes nothing.
	sub *subtree
	// The database entry for the directive, looked up once, since every
	// rule asks (a Pass targets one nginx version: shared.version).
	specEntry *nginxdb.Directive
	shared    *shared
	// seq is the node's place in document order (Config.Nodes).
	seq int32
	// Ctx is the context the directive stands in.
	Ctx        Context
	specStatus Status
	specDone   bool
}

// subtree is what a block directive or an include holds.
type subtree struct {
	// children are the statements of the directive's block, in order. For
	// an include directive they are the top-level statements of every
	// included file, in glob order.
	children []*Node
	// body is Block's answer, kept once the block is read: rules ask for
	// the body of the same http and server blocks again and again. It is
	// children itself when no child is an include.
	body []*Node
	// included lists the files an include directive read.
	included []*ast.File
}

// shared is what every node of one load has in common.
type shared struct {
	// extra are the directives the configuration file declares.
	extra *Extra
	// version is the nginx version the nodes' cached database entries are
	// for (set by Prepare).
	version string
}

// Children are the statements of the directive's block, in order; for an
// include directive, the top-level statements of every included file, in
// glob order.
func (n *Node) Children() []*Node {
	if n.sub == nil {
		return nil
	}
	return n.sub.children
}

// Included lists the files an include directive read.
func (n *Node) Included() []*ast.File {
	if n.sub == nil {
		return nil
	}
	return n.sub.included
}

// Name is the directive name as nginx sees it.
func (n *Node) Name() string { return n.Dir.Name.Value }

// Args are the argument values.
func (n *Node) Args() []string {
	out := make([]string, len(n.Dir.Args))
	for i, a := range n.Dir.Args {
		out[i] = a.Value
	}
	return out
}

// NArgs is the number of arguments.
func (n *Node) NArgs() int { return len(n.Dir.Args) }

// Arg is the value of argument i; unlike Args it allocates nothing, which
// matters in checks that visit every directive.
func (n *Node) Arg(i int) string { return n.Dir.Args[i].Value }

// IsInclude reports whether n is an include directive (whose children are
// the included files' statements).
func (n *Node) IsInclude() bool {
	return n.Dir != nil && n.Dir.Name.Value == "include" && n.Ctx != CtxRaw
}

// Location is the range of the whole directive header (name to terminator).
func (n *Node) Location() diag.Location { return RangeOf(n.File, n.Dir.Start(), n.Dir.HeaderEnd()) }

// NameLocation is the range of the directive name.
func (n *Node) NameLocation() diag.Location {
	return RangeOf(n.File, n.Dir.Name.Pos, n.Dir.Name.End())
}

// ArgSpan is the range from argument i to the directive's terminator. nginx
// names the line its tokenizer has reached when a directive's handler
// fails, the line of the ";" or "{": a finding about an argument of a
// directive written over several lines spans to it.
func (n *Node) ArgSpan(i int) diag.Location {
	return RangeOf(n.File, n.Dir.Args[i].Pos, max(n.Dir.HeaderEnd(), n.Dir.Args[i].End()))
}

// ArgLocation is the range of argument i.
func (n *Node) ArgLocation(i int) diag.Location {
	a := n.Dir.Args[i]
	return RangeOf(n.File, a.Pos, a.End())
}

// Extent is the range of the whole directive, its block included: what an
// outline or a fold covers.
func (n *Node) Extent() diag.Location { return RangeOf(n.File, n.Dir.Start(), n.Dir.End()) }

// BodyLocation is the inside of the directive's block, from just after "{"
// to the "}"; a block never closed runs to the end of its file, since nginx
// reads it that far. ok is false for a directive without a block.
func (n *Node) BodyLocation() (loc diag.Location, ok bool) {
	if n.Dir == nil || n.Dir.Block == nil {
		return diag.Location{}, false
	}
	b := n.Dir.Block
	end := len(n.File.Src)
	if b.Close != nil {
		end = b.Close.Pos
	}
	return RangeOf(n.File, b.Pos+1, end), true
}

// Walk calls fn for n's descendants in document order, looking through
// include directives (fn sees the include node, then the included nodes).
// Returning false from fn skips that node's children.
func (n *Node) Walk(fn func(*Node) bool) {
	for _, c := range n.Children() {
		if fn(c) {
			c.Walk(fn)
		}
	}
}

// Block returns the directives of n's block with includes spliced in, as
// nginx sees them: the include nodes themselves are left out. The slice
// may be shared: callers must not modify it.
func (n *Node) Block() []*Node {
	if n.sub == nil {
		return nil
	}
	if n.sub.body != nil {
		return n.sub.body
	}
	return n.splice()
}

func (n *Node) splice() []*Node {
	out := make([]*Node, 0, spliceLen(n.Children()))
	var add func([]*Node)
	add = func(ns []*Node) {
		for _, c := range ns {
			if c.IsInclude() {
				add(c.Children())
				continue
			}
			out = append(out, c)
		}
	}
	add(n.Children())
	return out
}

// spliceLen is the length of splice's answer.
func spliceLen(ns []*Node) int {
	k := 0
	for _, c := range ns {
		if c.IsInclude() {
			k += spliceLen(c.Children())
			continue
		}
		k++
	}
	return k
}

// Enclosing returns the nearest ancestor that is a block directive (not an
// include), or nil at the top.
func (n *Node) Enclosing() *Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Dir == nil || !p.IsInclude() {
			return p
		}
	}
	return nil
}

// Config is one loaded configuration set.
type Config struct {
	// Main is the path of the file the set was loaded from.
	Main string
	// Standalone is set when Main was analysed without the main config that
	// includes it, in the context its directives imply.
	Standalone bool
	// Root holds the top-level directives (its Dir is nil, its Ctx the
	// context of the file's top level).
	Root *Node
	// Files are every file read, by path.
	Files map[string]*ast.File
	// Order lists Files' paths in the order first read.
	Order []string
	// ConfPrefix is the directory relative includes resolve against.
	ConfPrefix string
	// Prefix is nginx's prefix (-p), given or inferred (see InferPrefix).
	Prefix string
	// Sites is the batching of the set's sites, when it was loaded with
	// one (Options.Sites); ghosts are the sites standing as ghosts.
	Sites  *Sites
	ghosts map[string]bool

	// all are the nodes of the tree in document order, as the loader made
	// them; index is what Prepare computed, nil before.
	all   []*Node
	index *index
}

// RangeOf is the location [start, end) in f.
func RangeOf(f *ast.File, start, end int) diag.Location {
	return f.Location(start, end)
}
