package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// repoIndex holds what was scanned from one revision of one repository.
type repoIndex struct {
	Repo     string // owner/name
	Commit   string
	files    []*fileInfo
	byBase   map[string][]*fileInfo
	defines  map[string][]token
	funcs    map[string]funcDef
	arrays   map[string][]*fileInfo
	enums    map[string][]string
	bitmasks map[string][]string
	posts    map[string]postDef
	fallback []*repoIndex
}

type scanCache map[string]*fileInfo

// buildIndex scans the C files of rev that keep() accepts.
func buildIndex(g *gitRepo, repo, rev string, keep func(string) bool, cache scanCache) (*repoIndex, error) {
	commit, err := g.ResolveCommit(rev)
	if err != nil {
		return nil, err
	}
	tree, err := g.Tree(commit)
	if err != nil {
		return nil, err
	}
	ix := &repoIndex{
		Repo:     repo,
		Commit:   commit,
		byBase:   map[string][]*fileInfo{},
		defines:  map[string][]token{},
		funcs:    map[string]funcDef{},
		arrays:   map[string][]*fileInfo{},
		enums:    map[string][]string{},
		bitmasks: map[string][]string{},
		posts:    map[string]postDef{},
	}
	sort.Slice(tree, func(i, j int) bool { return tree[i].path < tree[j].path })
	for _, te := range tree {
		if !(strings.HasSuffix(te.path, ".c") || strings.HasSuffix(te.path, ".h")) || !keep(te.path) {
			continue
		}
		key := te.blob + " " + te.path
		fi := cache[key]
		if fi == nil {
			src, err := g.Blob(te.blob)
			if err != nil {
				return nil, err
			}
			fi = scanFile(te.path, src)
			cache[key] = fi
		}
		ix.files = append(ix.files, fi)
		base := path.Base(te.path)
		ix.byBase[base] = append(ix.byBase[base], fi)
		for k, v := range fi.Defines {
			if _, ok := ix.defines[k]; !ok {
				ix.defines[k] = v
			}
		}
		for k, v := range fi.Funcs {
			if old, ok := ix.funcs[k]; ok {
				// same name in several files (static helpers): merge
				old.Dup = old.Dup || v.Dup
				old.Calls = appendUnique(old.Calls, v.Calls...)
				ix.funcs[k] = old
			} else {
				ix.funcs[k] = v
			}
		}
		for k := range fi.Arrays {
			ix.arrays[k] = append(ix.arrays[k], fi)
		}
		for k, v := range fi.Enums {
			ix.enums[k] = appendUnique(ix.enums[k], v...)
		}
		for k, v := range fi.Bitmasks {
			ix.bitmasks[k] = appendUnique(ix.bitmasks[k], v...)
		}
		for k, v := range fi.Posts {
			ix.posts[k] = v
		}
	}
	return ix, nil
}

// module is a resolved module: its definition and its command entries.
type module struct {
	Def     moduleDef
	File    *fileInfo // the file holding the command array
	Entries []cmdEntry
}

func (ix *repoIndex) modules() ([]module, []string) {
	var warns []string
	seen := map[string]bool{}
	var out []module
	for _, fi := range ix.files {
		for _, m := range fi.Modules {
			if seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			if m.Commands == "" || m.Commands == "NULL" {
				continue
			}
			var af *fileInfo
			if _, ok := fi.Arrays[m.Commands]; ok {
				af = fi
			} else if cands := ix.arrays[m.Commands]; len(cands) > 0 {
				af = cands[0]
				if len(cands) > 1 {
					warns = append(warns, fmt.Sprintf("%s: module %s: command array %s defined in %d files, using %s", ix.Repo, m.Name, m.Commands, len(cands), af.Path))
				}
			} else {
				warns = append(warns, fmt.Sprintf("%s: module %s: command array %s not found", ix.Repo, m.Name, m.Commands))
				continue
			}
			var entries []cmdEntry
			for _, e := range af.Arrays[m.Commands] {
				if !e.IsIncl {
					entries = append(entries, e)
					continue
				}
				for _, inc := range ix.byBase[e.Incl] {
					entries = append(entries, parseEntries(inc.Raw)...)
				}
			}
			out = append(out, module{Def: m, File: af, Entries: entries})
		}
	}
	return out, warns
}

// ---- flags ----

// flagNames maps nginx's macro names to the table's flag names.
var flagNames = map[string]string{
	"NGX_MAIN_CONF":        "MAIN",
	"NGX_DIRECT_CONF":      "DIRECT",
	"NGX_ANY_CONF":         "ANY",
	"NGX_EVENT_CONF":       "EVENT",
	"NGX_HTTP_MAIN_CONF":   "HTTP_MAIN",
	"NGX_HTTP_SRV_CONF":    "HTTP_SRV",
	"NGX_HTTP_LOC_CONF":    "HTTP_LOC",
	"NGX_HTTP_UPS_CONF":    "HTTP_UPS",
	"NGX_HTTP_SIF_CONF":    "HTTP_SIF",
	"NGX_HTTP_LIF_CONF":    "HTTP_LIF",
	"NGX_HTTP_LMT_CONF":    "HTTP_LMT",
	"NGX_STREAM_MAIN_CONF": "STREAM_MAIN",
	"NGX_STREAM_SRV_CONF":  "STREAM_SRV",
	"NGX_STREAM_UPS_CONF":  "STREAM_UPS",
	"NGX_MAIL_MAIN_CONF":   "MAIL_MAIN",
	"NGX_MAIL_SRV_CONF":    "MAIL_SRV",
	"NGX_RTMP_MAIN_CONF":   "RTMP_MAIN",
	"NGX_RTMP_SRV_CONF":    "RTMP_SRV",
	"NGX_RTMP_APP_CONF":    "RTMP_APP",
	"NGX_RTMP_REC_CONF":    "RTMP_REC",
	"NGX_CONF_BLOCK":       "BLOCK",
	"NGX_CONF_NOARGS":      "NOARGS",
	"NGX_CONF_TAKE1":       "TAKE1",
	"NGX_CONF_TAKE2":       "TAKE2",
	"NGX_CONF_TAKE3":       "TAKE3",
	"NGX_CONF_TAKE4":       "TAKE4",
	"NGX_CONF_TAKE5":       "TAKE5",
	"NGX_CONF_TAKE6":       "TAKE6",
	"NGX_CONF_TAKE7":       "TAKE7",
	"NGX_CONF_FLAG":        "FLAG",
	"NGX_CONF_ANY":         "ANYARGS",
	"NGX_CONF_1MORE":       "1MORE",
	"NGX_CONF_2MORE":       "2MORE",
}

// flagOrder is the canonical output order.
var flagOrder = []string{"MAIN", "DIRECT", "ANY", "EVENT",
	"HTTP_MAIN", "HTTP_SRV", "HTTP_LOC", "HTTP_UPS", "HTTP_SIF", "HTTP_LIF", "HTTP_LMT",
	"STREAM_MAIN", "STREAM_SRV", "STREAM_UPS", "MAIL_MAIN", "MAIL_SRV",
	"RTMP_MAIN", "RTMP_SRV", "RTMP_APP", "RTMP_REC",
	"BLOCK", "NOARGS", "TAKE1", "TAKE2", "TAKE3", "TAKE4", "TAKE5", "TAKE6", "TAKE7",
	"FLAG", "ANYARGS", "1MORE", "2MORE"}

func (ix *repoIndex) define(name string) ([]token, bool) {
	if d, ok := ix.defines[name]; ok {
		return d, true
	}
	for _, f := range ix.fallback {
		if d, ok := f.define(name); ok {
			return d, true
		}
	}
	return nil, false
}

// expandFlags resolves a type expression to canonical flag names.
func (ix *repoIndex) expandFlags(idents []string) (string, error) {
	set := map[string]bool{}
	var walk func(id string, depth int) error
	walk = func(id string, depth int) error {
		if n, ok := flagNames[id]; ok {
			set[n] = true
			return nil
		}
		if depth > 10 {
			return fmt.Errorf("macro recursion at %s", id)
		}
		body, ok := ix.define(id)
		if !ok {
			return fmt.Errorf("unknown flag %q", id)
		}
		for _, t := range body {
			switch {
			case t.K == tIdent:
				if err := walk(t.S, depth+1); err != nil {
					return err
				}
			case t.is("|") || t.is("(") || t.is(")"):
			default:
				return fmt.Errorf("cannot expand %s: token %q", id, t.S)
			}
		}
		return nil
	}
	for _, id := range idents {
		if err := walk(id, 0); err != nil {
			return "", err
		}
	}
	var out []string
	for _, f := range flagOrder {
		if set[f] {
			out = append(out, f)
		}
	}
	return strings.Join(out, "|"), nil
}

// ---- values ----

var slotKinds = map[string]string{
	"ngx_conf_set_flag_slot":      "flag",
	"ngx_conf_set_str_slot":       "str",
	"ngx_conf_set_str_array_slot": "str_array",
	"ngx_conf_set_keyval_slot":    "keyval",
	"ngx_conf_set_num_slot":       "num",
	"ngx_conf_set_size_slot":      "size",
	"ngx_conf_set_off_slot":       "off",
	"ngx_conf_set_msec_slot":      "msec",
	"ngx_conf_set_sec_slot":       "sec",
	"ngx_conf_set_bufs_slot":      "bufs",
	"ngx_conf_set_enum_slot":      "enum",
	"ngx_conf_set_bitmask_slot":   "bitmask",
	"ngx_conf_set_path_slot":      "path",
	"ngx_conf_set_access_slot":    "access",
}

func postIdent(post []token) string {
	for _, t := range post {
		if t.K == tIdent && t.S != "NULL" {
			return t.S
		}
	}
	return ""
}

func (ix *repoIndex) lookupNames(fi *fileInfo, name string, bitmask bool) ([]string, bool) {
	pick := func(x *repoIndex, f *fileInfo) ([]string, bool) {
		m, g := x.enums, (map[string][]string)(nil)
		if f != nil {
			g = f.Enums
		}
		if bitmask {
			m = x.bitmasks
			if f != nil {
				g = f.Bitmasks
			}
		}
		if v, ok := g[name]; ok {
			return v, true
		}
		v, ok := m[name]
		return v, ok
	}
	if v, ok := pick(ix, fi); ok {
		return v, true
	}
	for _, f := range ix.fallback {
		if v, ok := pick(f, nil); ok {
			return v, true
		}
	}
	return nil, false
}

func (ix *repoIndex) lookupPost(fi *fileInfo, name string) (postDef, bool) {
	if p, ok := fi.Posts[name]; ok {
		return p, true
	}
	if p, ok := ix.posts[name]; ok {
		return p, true
	}
	for _, f := range ix.fallback {
		if p, ok := f.posts[name]; ok {
			return p, true
		}
	}
	return postDef{}, false
}

// value computes the value column of an entry.
func (ix *repoIndex) value(fi *fileInfo, e cmdEntry) (string, error) {
	kind, ok := slotKinds[e.Set]
	if !ok {
		return "custom:" + e.Set, nil
	}
	pi := postIdent(e.Post)
	switch kind {
	case "enum", "bitmask":
		vals, ok := ix.lookupNames(fi, pi, kind == "bitmask")
		if !ok {
			return "", fmt.Errorf("%s: %s values %q not found", e.Name, kind, pi)
		}
		return kind + ":" + strings.Join(vals, ","), nil
	}
	if pi == "" {
		return kind, nil
	}
	p, ok := ix.lookupPost(fi, pi)
	if !ok {
		return kind + ";post=" + pi, nil
	}
	switch p.Kind {
	case "bounds":
		return kind + ";post=bounds:" + ix.resolveConst(p.Min) + "," + ix.resolveConst(p.Max), nil
	case "deprecated":
		return kind + ";post=deprecated:" + p.New, nil
	default:
		return kind + ";post=" + p.Handler, nil
	}
}

// dup reports whether a handler rejects a repeated directive. Functions
// of the file fi (the command array's) are preferred: static helpers of
// the same name exist in several files.
func (ix *repoIndex) dup(fi *fileInfo, fn string) bool {
	return ix.dupRec(fi, fn, map[string]bool{})
}

func (ix *repoIndex) lookupFuncIn(fi *fileInfo, fn string) (funcDef, bool) {
	if f, ok := fi.Funcs[fn]; ok {
		return f, true
	}
	return ix.lookupFunc(fn)
}

func (ix *repoIndex) lookupFunc(fn string) (funcDef, bool) {
	if f, ok := ix.funcs[fn]; ok {
		return f, true
	}
	for _, fb := range ix.fallback {
		if f, ok := fb.lookupFunc(fn); ok {
			return f, true
		}
	}
	return funcDef{}, false
}

func (ix *repoIndex) dupRec(fi *fileInfo, fn string, seen map[string]bool) bool {
	if seen[fn] || len(seen) > 20 {
		return false
	}
	seen[fn] = true
	f, ok := ix.lookupFuncIn(fi, fn)
	if !ok {
		return false
	}
	if f.Dup {
		return true
	}
	for _, c := range f.Calls {
		if ix.dupRec(fi, c, seen) {
			return true
		}
	}
	return false
}

var moduleTypes = map[string]string{
	"NGX_CORE_MODULE":   "core",
	"NGX_EVENT_MODULE":  "event",
	"NGX_HTTP_MODULE":   "http",
	"NGX_STREAM_MODULE": "stream",
	"NGX_MAIL_MODULE":   "mail",
	"NGX_CONF_MODULE":   "conf",
	"NGX_RTMP_MODULE":   "rtmp",
}

// contextPrefix is the context flag family allowed for each module type.
var contextFamily = map[string][]string{
	"core":   {"MAIN", "DIRECT"},
	"event":  {"EVENT"},
	"http":   {"HTTP_"},
	"stream": {"STREAM_"},
	"mail":   {"MAIL_"},
	"conf":   {"ANY"},
	"rtmp":   {"RTMP_"},
}

func isArgFlag(f string) bool {
	switch f {
	case "BLOCK", "NOARGS", "TAKE1", "TAKE2", "TAKE3", "TAKE4", "TAKE5", "TAKE6", "TAKE7", "FLAG", "ANYARGS", "1MORE", "2MORE":
		return true
	}
	return false
}

// checkContexts returns a warning when flags hold no context of the
// module's family.
func checkContexts(mtype, flags string) string {
	fam := contextFamily[mtype]
	n := 0
	for _, f := range strings.Split(flags, "|") {
		if isArgFlag(f) {
			continue
		}
		ok := false
		for _, p := range fam {
			if strings.HasPrefix(f, p) {
				ok = true
			}
		}
		if !ok {
			return fmt.Sprintf("context %s outside the %s family", f, mtype)
		}
		n++
	}
	if n == 0 {
		return "no context"
	}
	return ""
}

// row is one line of the table.
type row struct {
	Name, Module, MType, Flags, Value, Dup, Since, Until, Source string
	Block                                                        string
	Repo                                                         string
	order                                                        int
}

func (r row) attrs() string {
	return strings.Join([]string{r.MType, r.Flags, r.Value, r.Dup, r.Block}, "\t")
}

// rows produces the rows of every module of the index.
func (ix *repoIndex) rows() ([]row, []string, error) {
	mods, warns := ix.modules()
	var out []row
	var errs []string
	order := 0
	for _, m := range mods {
		mtype, ok := moduleTypes[m.Def.Type]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: module %s: unknown module type %q", ix.Repo, m.Def.Name, m.Def.Type))
			continue
		}
		seen := map[string]int{}
		for _, e := range m.Entries {
			flags, err := ix.expandFlags(e.Type)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s %s: %v", ix.Repo, m.Def.Name, e.Name, err))
				continue
			}
			if w := checkContexts(mtype, flags); w != "" {
				warns = append(warns, fmt.Sprintf("%s: %s %s: %s (%s)", ix.Repo, m.Def.Name, e.Name, w, flags))
			}
			val, err := ix.value(m.File, e)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s: %v", ix.Repo, m.Def.Name, err))
				continue
			}
			block := "-"
			if strings.Contains("|"+flags+"|", "|BLOCK|") {
				block = ix.blockKind(m.File, e.Set)
			}
			dup := "no"
			if ix.dup(m.File, e.Set) {
				dup = "yes"
			}
			r := row{Name: e.Name, Module: m.Def.Name, MType: mtype, Flags: flags, Value: val,
				Dup: dup, Since: "-", Until: "-", Source: m.File.Path, Block: block, Repo: ix.Repo, order: order}
			order++
			if i, ok := seen[e.Name]; ok {
				// the same directive twice in one array (alternative
				// conditional definitions): keep the first
				if prev := out[i]; prev.attrs() != r.attrs() {
					warns = append(warns, fmt.Sprintf("%s: %s %s defined twice: %q vs %q; keeping the first", ix.Repo, m.Def.Name, e.Name, prev.attrs(), r.attrs()))
				}
				continue
			}
			seen[e.Name] = len(out)
			out = append(out, r)
		}
	}
	return out, warns, joinErrs(errs)
}

func joinErrs(errs []string) error {
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(errs, "\n"))
}

// knownConsts are constants of headers outside the scanned trees.
var knownConsts = map[string]string{
	// brotli/c/include/brotli/encode.h (ngx_brotli's deps/brotli submodule)
	"BROTLI_MIN_QUALITY": "0",
	"BROTLI_MAX_QUALITY": "11",
}

var numRe = regexp.MustCompile(`^-?[0-9]+$`)

// resolveConst expands a macro naming an integer constant.
func (ix *repoIndex) resolveConst(s string) string {
	for i := 0; i < 10 && !numRe.MatchString(s); i++ {
		if v, ok := knownConsts[s]; ok {
			return v
		}
		body, ok := ix.define(s)
		if !ok {
			break
		}
		var b strings.Builder
		for _, t := range body {
			if !t.is("(") && !t.is(")") {
				b.WriteString(t.S)
			}
		}
		s = b.String()
	}
	return s
}

// blockKind tells how the contents of a block directive are parsed:
// "directives" (ngx_conf_parse with the table's commands), "lua" (a raw
// Lua chunk read by lua-nginx-module's own lexer) or "handler:F" (each
// line's words go to cf->handler F: map, geo, types, ...).
func (ix *repoIndex) blockKind(fi *fileInfo, fn string) string {
	f, ok := ix.lookupFuncIn(fi, fn)
	if !ok {
		return "directives"
	}
	if f.LuaBlock {
		return "lua"
	}
	if f.CfHandler != "" {
		return "handler:" + f.CfHandler
	}
	return "directives"
}
