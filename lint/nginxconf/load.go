package nginxconf

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	ast "github.com/fcgilint/fcgilint/grammar/nginx"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
)

// Rule IDs of what the loader itself reports.
const (
	RuleSyntax          = "nginx-syntax"
	RuleIncludeNotFound = "nginx-include-not-found"
	RuleIncludeCycle    = "nginx-include-cycle"
	RuleIncludeError    = "nginx-include-unreadable"
)

// MaxNodes bounds the resolved tree: include globs that fan out recursively
// could otherwise make a small tree of files expand without end.
const MaxNodes = 4_000_000

// Options control loading.
type Options struct {
	FS *files.FS
	// ConfPrefix is the directory relative include paths resolve against;
	// "" means the main file's directory, as nginx does with -c.
	ConfPrefix string
	// MirrorPrefixes are standard nginx configuration directories (such as
	// /etc/nginx) that the checked tree stands in for: an absolute include
	// under one of them is read from the same place under ConfPrefix when it
	// exists there. Used when checking a copy of /etc/nginx kept in a
	// repository, never with an explicit --root.
	MirrorPrefixes []string
	// Cache, when set, keeps parsed files between loads (keyed by path and
	// content), so an editor re-parses only what changed.
	Cache *ParseCache
	// Prefix is nginx's prefix (its -p option), against which relative
	// load_module, log and temporary paths resolve; "" lets InferPrefix
	// choose.
	Prefix string
	// Extra are directives of modules the database does not know, declared
	// in the fcgilint configuration file.
	Extra *Extra
	// Sites, when set, makes the load hold only some of the sites in
	// full: the first load with it stands them all as their ghosts, the
	// later ones hold one batch and leave the others out (see Sites).
	Sites *Sites
	// StockDirs are where nginx's stock files (fastcgi_params, mime.types,
	// …) are looked for when a relative include of one finds nothing under
	// ConfPrefix: a file checked without its nginx.conf does not know
	// nginx's configuration directory, which has them in every package.
	StockDirs []string
}

// stockFiles are the files nginx's packages install in its configuration
// directory, which a site or snippet includes by a relative name.
var stockFiles = map[string]bool{"fastcgi_params": true, "fastcgi.conf": true, "mime.types": true,
	"scgi_params": true, "uwsgi_params": true, "proxy_params": true, "koi-utf": true, "koi-win": true,
	"win-utf": true, "snippets/fastcgi-php.conf": true, "snippets/snakeoil.conf": true}

// DefaultMirrorPrefixes are where distributions and builds keep nginx.conf.
var DefaultMirrorPrefixes = []string{"/etc/nginx", "/usr/local/nginx/conf", "/usr/local/etc/nginx",
	"/opt/nginx/conf", "/usr/local/openresty/nginx/conf", "/etc/openresty"}

type loader struct {
	opts  Options
	cfg   *Config
	diags []diag.Diagnostic
	nodes int
	// stack is the chain of files being included, for cycle detection.
	stack      []string
	cycleSeen  map[string]bool
	reportedAt map[string]bool // include problems already reported, by place

	shared *shared
	// Nodes and the lists of children are taken from arrays made a chunk
	// at a time: a host's hundred thousand nodes are then a few hundred
	// allocations, not a hundred thousand.
	nodeChunk []Node
	listChunk []*Node
	// chunks are every node chunk made, in order: nodes are made in
	// document order, so they list Config.Nodes without a growing slice.
	chunks [][]Node
	made   int
	// pending holds the children of the blocks being read, innermost last,
	// until a block is complete and its list is copied out.
	pending []*Node
	// reads counts the reads of each file, when the load has Sites.
	reads map[string]int
	// ahead are the files prefetch is reading, until read takes them;
	// readers are its goroutines, which the load waits for.
	ahead   map[string]*readAhead
	readers sync.WaitGroup
}

// newNode returns a zeroed node from the current chunk, numbered in
// document order: nodes are made in the order Walk visits them (a
// directive, then what its block and includes hold).
func (l *loader) newNode() *Node {
	if len(l.nodeChunk) == 0 {
		l.nodeChunk = make([]Node, min(max(l.made, 32), 4096))
		l.chunks = append(l.chunks, l.nodeChunk)
	}
	n := &l.nodeChunk[0]
	l.nodeChunk = l.nodeChunk[1:]
	n.shared = l.shared
	n.seq = int32(l.made)
	l.made++
	return n
}

// children moves the nodes pending above base into an exact-size list.
func (l *loader) children(base int) []*Node {
	k := len(l.pending) - base
	if k == 0 {
		return nil
	}
	if len(l.listChunk) < k {
		if k > 256 {
			l.listChunk = make([]*Node, k)
		} else {
			l.listChunk = make([]*Node, min(max(l.made, 256), 8192))
		}
	}
	out := l.listChunk[:k:k]
	l.listChunk = l.listChunk[k:]
	copy(out, l.pending[base:])
	clear(l.pending[base:])
	l.pending = l.pending[:base]
	return out
}

// Load reads the configuration set whose main file is path, in the main
// context. Diagnostics are the syntax and include errors found.
func Load(path string, opts Options) (*Config, []diag.Diagnostic) {
	return load(path, CtxMain, false, opts)
}

// LoadIn reads path as if it were included in context ctx: a site or snippet
// opened without the main configuration that includes it.
func LoadIn(path string, ctx Context, opts Options) (*Config, []diag.Diagnostic) {
	return load(path, ctx, true, opts)
}

func load(path string, ctx Context, standalone bool, opts Options) (*Config, []diag.Diagnostic) {
	if opts.FS == nil {
		opts.FS = &files.FS{}
	}
	if opts.ConfPrefix == "" {
		opts.ConfPrefix = filepath.Dir(path)
	}
	l := &loader{
		opts:       opts,
		cfg:        &Config{Main: path, Standalone: standalone, Files: map[string]*ast.File{}, ConfPrefix: opts.ConfPrefix, Prefix: opts.Prefix},
		cycleSeen:  map[string]bool{},
		reportedAt: map[string]bool{},
	}
	// Files a load prefetched and never read are still being read.
	defer l.readers.Wait()
	if l.cfg.Prefix == "" {
		l.cfg.Prefix = InferPrefix(opts.ConfPrefix, opts.FS)
	}
	if opts.Sites != nil {
		l.cfg.Sites = opts.Sites
		if opts.Sites.batchOf == nil {
			l.reads = map[string]int{}
			defer l.checkRepeats()
		}
	}
	l.shared = &shared{extra: opts.Extra}
	l.cfg.Root = &Node{Ctx: ctx, shared: l.shared, sub: &subtree{}}
	f, err := l.read(path, ctx)
	if err != nil {
		l.diags = append(l.diags, diag.Diagnostic{Rule: RuleIncludeError, Severity: diag.Error,
			Message:  fmt.Sprintf("cannot read %s: %s", path, describe(err)),
			Location: diag.Location{File: path, Range: diag.Range{Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 1}}}})
		return l.cfg, l.diags
	}
	l.stack = append(l.stack, path)
	l.stmts(f, f.Items, l.cfg.Root, ctx)
	l.cfg.Root.sub.children = l.children(0)
	l.cfg.Root.keepBody()
	l.cfg.all = make([]*Node, 0, l.made)
	for _, chunk := range l.chunks {
		for i := range chunk[:min(len(chunk), l.made-len(l.cfg.all))] {
			l.cfg.all = append(l.cfg.all, &chunk[i])
		}
	}
	if s := opts.Sites; s != nil {
		s.Defined.Collect(l.cfg.all, s.Version)
		if s.Read == nil {
			s.Read = map[string]bool{}
		}
		for _, p := range l.cfg.Order {
			s.Read[p] = true
		}
	}
	return l.cfg, l.diags
}

// prefetch starts reading and parsing the files of a large glob in
// parallel, in glob order, and returns at once: read waits for each file
// as the include loop reaches it, so that the loop builds the nodes of the
// first files while the next are read.
func (l *loader) prefetch(paths []string, ctx Context) {
	const minParallel = 16
	var todo []string
	for _, p := range paths {
		if _, read := l.cfg.Files[p]; !read && !l.leftOut(p, ctx) && !l.inStack(p) && l.ahead[p] == nil {
			todo = append(todo, p)
		}
	}
	if len(todo) < minParallel {
		return
	}
	if l.ahead == nil {
		l.ahead = map[string]*readAhead{}
	}
	slots := make([]readAhead, len(todo))
	for i := range slots {
		slots[i].done = make(chan struct{})
		l.ahead[todo[i]] = &slots[i]
	}
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		l.readers.Add(1)
		go func() {
			defer l.readers.Done()
			for i := int(next.Add(1)) - 1; i < len(todo); i = int(next.Add(1)) - 1 {
				slots[i].read(func() (*ast.File, error) { return l.parseFile(todo[i], ctx) })
			}
		}()
	}
}

// readAhead is a file prefetch reads: done is closed once f or err is set,
// or panicked: a panic of the parser is raised again by read, on the
// load's goroutine, where the CLI and the language server recover it.
type readAhead struct {
	done     chan struct{}
	f        *ast.File
	err      error
	panicked any
}

func (ra *readAhead) read(parse func() (*ast.File, error)) {
	defer close(ra.done)
	defer func() { ra.panicked = recover() }()
	ra.f, ra.err = parse()
}

// read parses a file, read in context ctx, once per load (or once per
// content with a cache).
func (l *loader) read(path string, ctx Context) (*ast.File, error) {
	if l.reads != nil {
		l.reads[path]++
	}
	if f, ok := l.cfg.Files[path]; ok {
		return f, nil
	}
	if ra := l.ahead[path]; ra != nil {
		delete(l.ahead, path)
		<-ra.done
		if ra.panicked != nil {
			panic(ra.panicked)
		}
		if ra.err == nil {
			l.register(path, ra.f)
			return ra.f, nil
		}
		// Read again below, for the error in full.
	}
	f, err := l.parseFile(path, ctx)
	if err != nil {
		return nil, err
	}
	l.register(path, f)
	return f, nil
}

// parseFile reads and parses the file at path, read in context ctx. With
// Sites, the first load makes a site's ghost instead (see Sites.outline),
// and a later load parses the text the first kept of a site it holds, and
// of another batch's site reads its rest: its servers are that batch's,
// what else it holds is every server's.
func (l *loader) parseFile(path string, ctx Context) (*ast.File, error) {
	if other, rest := l.otherBatch(path, ctx); other {
		return rest, nil
	}
	if text, ok := l.opts.Sites.takeText(path); ok {
		return ast.ParseString(path, text), nil
	}
	src, err := l.opts.FS.ReadFresh(path)
	if err != nil {
		return nil, err
	}
	if l.meetsSites(ctx) {
		// src is the loader's own: its text needs no copy.
		if g := l.opts.Sites.outline(path, unsafe.String(unsafe.SliceData(src), len(src))); g != nil {
			return g, nil
		}
	}
	if l.opts.Cache != nil {
		return l.opts.Cache.ParseOwned(path, src), nil
	}
	return ast.ParseOwned(path, src), nil
}

// register records a parsed file and its syntax errors.
func (l *loader) register(path string, f *ast.File) {
	l.cfg.Files[path] = f
	l.cfg.Order = append(l.cfg.Order, path)
	for _, e := range f.Errors {
		severity := diag.Error
		if e.Limit {
			severity = diag.Note
		}
		l.diags = append(l.diags, diag.Diagnostic{Rule: RuleSyntax, Severity: severity, Message: e.Message,
			Location: f.Location(e.Start, e.End)})
	}
}

// stmts builds the nodes of a statement list standing in context ctx and
// leaves them pending.
func (l *loader) stmts(f *ast.File, list []*ast.Stmt, parent *Node, ctx Context) {
	for _, s := range list {
		if s.Directive != nil {
			l.pending = append(l.pending, l.directive(f, s.Directive, parent, ctx))
			continue
		}
		if s.Stray != nil && s.Stray.Block != nil {
			// `{ ... }` without a name: already a syntax error; its content
			// is still read so that its own problems show.
			blk := l.newNode()
			blk.Dir = &ast.Directive{Name: ast.NewWord(s.Stray.Pos, "{"), Block: s.Stray.Block}
			blk.File, blk.Ctx, blk.Parent = f, ctx, parent
			l.block(blk, f, s.Stray.Block.Stmts, ctx)
			l.pending = append(l.pending, blk)
		}
	}
}

// block reads the statements of n's block.
func (l *loader) block(n *Node, f *ast.File, list []*ast.Stmt, ctx Context) {
	base := len(l.pending)
	l.stmts(f, list, n, ctx)
	n.sub = &subtree{children: l.children(base)}
	n.keepBody() // its includes are read: the body is final
}

func (l *loader) directive(f *ast.File, d *ast.Directive, parent *Node, ctx Context) *Node {
	n := l.newNode()
	n.Dir, n.File, n.Ctx, n.Parent = d, f, ctx, parent
	l.nodes++
	if l.nodes == MaxNodes {
		l.diags = append(l.diags, diag.Diagnostic{Rule: RuleIncludeCycle, Severity: diag.Error,
			Message:  fmt.Sprintf("the configuration expands to more than %d directives through includes; stopped here", MaxNodes),
			Location: n.Location()})
	}
	if l.nodes >= MaxNodes {
		return n
	}
	if n.IsInclude() && ctx != CtxRaw {
		if ctx != CtxEntries || entriesFollowInclude(parent) {
			l.include(n, ctx)
		}
		return n
	}
	if d.Block == nil {
		return n
	}
	inner := BlockContext(d.Name.Value, ctx, len(d.Args))
	if d.Block.Raw != nil {
		inner = CtxRaw
	} else if l.opts.Extra.holdsEntries(d.Name.Value) {
		inner = CtxEntries
	}
	l.block(n, f, d.Block.Stmts, inner)
	return n
}

// entriesFollowInclude reports whether the entry block of parent reads
// include lines, as the map, geo and types handlers do.
func entriesFollowInclude(parent *Node) bool {
	for p := parent; p != nil && p.Dir != nil; p = p.Parent {
		if p.IsInclude() {
			continue
		}
		switch p.Name() {
		case "map", "geo", "types", "geoip2":
			return true
		}
		return false
	}
	return false
}

// include expands an include directive in place.
func (l *loader) include(n *Node, ctx Context) {
	if len(n.Dir.Args) != 1 {
		return // the argument count is a directive check
	}
	pattern := n.Dir.Args[0].Value
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(l.cfg.ConfPrefix, pattern)
	}
	pattern = l.mirror(pattern)
	var paths []string
	if files.HasMeta(pattern) {
		matches, err := l.glob(pattern)
		if err != nil {
			l.report(n, RuleIncludeError, fmt.Sprintf("invalid include pattern %q: %v", n.Dir.Args[0].Value, err))
			return
		}
		// Directories that match are kept: nginx tries to read them as
		// files and fails, and so does read below.
		paths = matches
	} else {
		paths = []string{pattern}
	}
	var included []*ast.File
	base := len(l.pending)
	defer func() {
		if children := l.children(base); len(children) > 0 || len(included) > 0 {
			n.sub = &subtree{children: children, included: included}
			n.keepBody()
		}
	}()
	l.prefetch(paths, ctx)
	for _, p := range paths {
		if l.inStack(p) {
			if !l.cycleSeen[p] {
				l.cycleSeen[p] = true
				chain := append(append([]string{}, l.stack[indexOf(l.stack, p):]...), p)
				l.report(n, RuleIncludeCycle, fmt.Sprintf("include cycle: %s; nginx would include these files again and again until it runs out of file descriptors", strings.Join(chain, " → ")))
			}
			continue
		}
		if l.leftOut(p, ctx) {
			continue
		}
		f, err := l.read(p, ctx)
		if errors.Is(err, fs.ErrNotExist) && len(l.opts.StockDirs) > 0 && stockFiles[filepath.ToSlash(n.Dir.Args[0].Value)] {
			f, err = l.readStock(n, p)
			if f == nil && err == nil {
				continue
			}
			p = f.Path
		}
		if err != nil {
			rule := RuleIncludeError
			if errors.Is(err, fs.ErrNotExist) {
				rule = RuleIncludeNotFound
			}
			msg := fmt.Sprintf("open() %q failed (%s): nginx refuses the configuration", p, describe(err))
			if target, dangling := l.opts.FS.DanglingLink(p); rule == RuleIncludeNotFound && dangling {
				msg += fmt.Sprintf("; %s is a symbolic link to %s, which does not exist: remove the link, or restore the file it points to", p, target)
			} else if rule == RuleIncludeNotFound {
				msg += fmt.Sprintf("; create the file or fix the path (relative paths resolve against %s)", l.cfg.ConfPrefix)
			}
			l.report(n, rule, msg)
			continue
		}
		included = append(included, f)
		if l.meetSite(n, p, f, ctx) {
			continue
		}
		l.stack = append(l.stack, p)
		l.stmts(f, f.Items, n, ctx)
		l.stack = l.stack[:len(l.stack)-1]
	}
}

// readStock reads a stock file that a configuration checked without its
// nginx.conf includes, from the first of StockDirs that has it. Found
// nowhere, the include is left unread with a note, not an error: nginx's
// configuration directory, where the file would be, is not known.
func (l *loader) readStock(n *Node, missing string) (*ast.File, error) {
	name := n.Dir.Args[0].Value
	for _, dir := range l.opts.StockDirs {
		if f, err := l.read(filepath.Join(dir, name), n.Ctx); err == nil {
			return f, nil
		}
	}
	loc := n.ArgLocation(0)
	l.diags = append(l.diags, diag.Diagnostic{Rule: RuleIncludeNotFound, Severity: diag.Note, Location: loc,
		Message: fmt.Sprintf("%s is one of nginx's stock files, read from nginx's configuration directory; this file is checked without its nginx.conf and there is no %s here (%s) nor in %s, so what it sets is not checked", name, name, missing, strings.Join(l.opts.StockDirs, ", "))})
	return nil, nil
}

// mirror maps an absolute path under a standard conf directory to the
// checked tree, when the tree has it.
func (l *loader) mirror(p string) string {
	for _, pre := range l.opts.MirrorPrefixes {
		rel, ok := strings.CutPrefix(p, pre+"/")
		if !ok || filepath.Clean(pre) == filepath.Clean(l.cfg.ConfPrefix) {
			continue
		}
		cand := filepath.Join(l.cfg.ConfPrefix, rel)
		probe := cand
		if files.HasMeta(cand) {
			probe = filepath.Dir(cand)
			for files.HasMeta(probe) {
				probe = filepath.Dir(probe)
			}
		}
		// A glob enumerates the configuration's own pieces (sites-enabled,
		// conf.d, modules-enabled): the tree's, even when it has none, never
		// the pieces of the machine fcgilint runs on. A single file the
		// tree lacks is a stock file of the package (fastcgi.conf,
		// mime.types), read where the package puts it.
		if files.HasMeta(cand) || l.opts.FS.Exists(probe) {
			return cand
		}
	}
	return p
}

func (l *loader) inStack(p string) bool { return indexOf(l.stack, p) >= 0 }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func (l *loader) report(n *Node, rule, msg string) {
	loc := n.ArgLocation(0)
	key := fmt.Sprintf("%s:%d:%s", loc.File, loc.Range.Start.Offset, msg)
	if l.reportedAt[key] {
		return
	}
	l.reportedAt[key] = true
	l.diags = append(l.diags, diag.Diagnostic{Rule: rule, Severity: diag.Error, Message: msg, Location: loc})
}

// describe renders an error as nginx does: errno and text.
func describe(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("%d: %s", int(errno), capitalize(errno.Error()))
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// InferPrefix chooses nginx's prefix (-p) when it was not given, from where
// the main configuration lives: the compile-time prefix of the usual
// packages for /etc/nginx (Debian, Ubuntu and Fedora build with
// /usr/share/nginx, Alpine with /var/lib/nginx, nginx.org's packages and
// Arch with /etc/nginx: the layout under the root tells them apart), the
// parent of a conf directory (source builds: /usr/local/nginx/conf), and
// otherwise the configuration's own directory, as `nginx -p DIR -c
// DIR/nginx.conf` has it.
func InferPrefix(confPrefix string, fs *files.FS) string {
	dir := filepath.Clean(confPrefix)
	switch {
	case dir == "/etc/nginx":
		for _, p := range []string{"/usr/share/nginx", "/var/lib/nginx"} {
			if fs.IsDir(p + "/modules") {
				return p
			}
		}
		return dir
	case filepath.Base(dir) == "conf":
		return filepath.Dir(dir)
	}
	return dir
}

// FullName resolves a path as ngx_conf_full_name does: relative paths
// against the prefix, or against the conf prefix (the main file's
// directory) when conf is set.
func (c *Config) FullName(p string, conf bool) string {
	if filepath.IsAbs(p) {
		return p
	}
	if conf {
		return filepath.Join(c.ConfPrefix, p)
	}
	return filepath.Join(c.Prefix, p)
}
