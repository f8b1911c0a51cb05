package nav

import (
	"sort"
	"strings"
	"sync"

	ast "github.com/fcgilint/fcgilint/grammar/nginx"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// CompletionKind is an LSP CompletionItemKind (the protocol's numbers).
type CompletionKind int

// The completion item kinds used.
const (
	CompletionProperty CompletionKind = 10
	CompletionKeyword  CompletionKind = 14
)

// CompletionItem is one directive name offered.
type CompletionItem struct {
	Label string
	// Detail is the syntax line; Documentation the hover text (markdown).
	Detail        string
	Documentation string
	Kind          CompletionKind
	// InsertText replaces Completion.Replace when the item is chosen.
	InsertText string
}

// Completion is the answer at one offset.
type Completion struct {
	// Replace is the part of the name already typed, which the chosen
	// item replaces (empty at the start of a statement).
	Replace diag.Location
	Items   []CompletionItem
}

// Complete offers the directive names valid where a statement starts at
// offset, beginning with what is typed there. In nginx files: the
// directives of the enclosing block's context (merged over every place the
// file is included from), as nginx version (or any version for "") has
// them; nothing inside arguments, comments, Lua or map bodies. In php-fpm
// files: the [global] or pool directives of the section, the array
// directives' "name[" prefixes in pools, and include. ok is false where no
// directive name can be written.
func Complete(pass *lint.Pass, path string, offset int, version string) (Completion, bool) {
	src := sourceOf(pass, path)
	if src == nil || offset < 0 || offset > len(src.text) {
		return Completion{}, false
	}
	switch src.kind {
	case NginxFile:
		return completeNginx(pass, src, offset, version)
	case FPMFile:
		return completeFPM(pass, src, offset)
	}
	return Completion{}, false
}

func completeNginx(pass *lint.Pass, src *source, offset int, version string) (Completion, bool) {
	start, ok := nginxNameStart(src.text, offset)
	if !ok {
		return Completion{}, false
	}
	prefix := src.text[start:offset]
	seen := map[string]bool{}
	var items []CompletionItem
	contexts := contextsAt(pass, src.path, offset)
	for _, ctx := range contexts {
		for _, it := range directivesIn(ctx, version) {
			if seen[it.Label] || !strings.HasPrefix(it.Label, prefix) {
				continue
			}
			seen[it.Label] = true
			items = append(items, it)
		}
	}
	if len(contexts) > 1 {
		sort.Slice(items, func(i, j int) bool { return items[i].Label < items[j].Label })
	}
	return Completion{Replace: src.location(start, offset), Items: items}, true
}

// nginxNameStart tells whether offset is where a directive name is written
// (the start of a statement, or inside its first word) and where that word
// starts. It reads the tokens as nginx does, so that '#' inside a word, a
// quoted ';' or a Lua block body are not mistaken for statement ends.
func nginxNameStart(text string, offset int) (int, bool) {
	lx, err := ast.Lexer.LexString("", text)
	if err != nil {
		return 0, false
	}
	atStatementStart := true
	for steps := 0; steps <= len(text)+1; steps++ {
		tok, err := lx.Next()
		if err != nil || tok.EOF() {
			break
		}
		start := tok.Pos.Offset
		end := start + len(tok.Value)
		if start >= offset {
			break
		}
		if offset <= end {
			switch tok.Type {
			case ast.TokenWord:
				return start, atStatementStart && offset > start
			case ast.TokenComment, ast.TokenRaw:
				return 0, false
			}
		}
		switch tok.Type {
		case ast.TokenWord:
			atStatementStart = false
		case ast.TokenSemi, ast.TokenLBrace, ast.TokenRBrace:
			atStatementStart = true
		case ast.TokenRaw:
			atStatementStart = false
		}
	}
	return offset, atStatementStart
}

type directiveKey struct {
	ctx     nginxconf.Context
	version string
}

var directivesCache sync.Map // directiveKey → []CompletionItem

// directivesIn lists the directives nginx accepts in ctx, sorted by name,
// each documented from the entry nginx would use there.
func directivesIn(ctx nginxconf.Context, version string) []CompletionItem {
	key := directiveKey{ctx, version}
	if v, ok := directivesCache.Load(key); ok {
		return v.([]CompletionItem)
	}
	var out []CompletionItem
	seen := map[string]bool{}
	for _, d := range nginxdb.All() {
		if seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		if spec, st := nginxconf.Lookup(d.Name, ctx, version); st == nginxconf.Known && spec != nil {
			out = append(out, CompletionItem{Label: spec.Name, Detail: NginxSyntax(spec), Documentation: NginxDoc(spec),
				Kind: CompletionKeyword, InsertText: spec.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	directivesCache.Store(key, out)
	return out
}

// fpmIncludeDoc documents include, which php-fpm's directive tables leave
// to the file reader.
const fpmIncludeDoc = "```ini\ninclude = pattern\n```\n\nReads the files matching the glob pattern, in order, in the current section; a relative pattern is relative to the prefix.\n\n[Documentation](" + fpmDocPage + ")"

func completeFPM(pass *lint.Pass, src *source, offset int) (Completion, bool) {
	lineStart := strings.LastIndexByte(src.text[:offset], '\n') + 1
	before := src.text[lineStart:offset]
	typed := strings.TrimLeft(before, " \t")
	if strings.ContainsAny(typed, " \t;=[]\"'$") {
		return Completion{}, false
	}
	start := offset - len(typed)
	prefix := strings.ToLower(typed)
	global := isGlobal(src.sectionAt(pass, lineStart))
	var items []CompletionItem
	add := func(label, insert, detail, doc string) {
		if strings.HasPrefix(strings.ToLower(label), prefix) {
			items = append(items, CompletionItem{Label: label, Detail: detail, Documentation: doc, Kind: CompletionProperty, InsertText: insert})
		}
	}
	table := fpm.PoolDirectives
	if global {
		table = fpm.GlobalDirectives
	}
	for i := range table {
		d := &table[i]
		add(d.Name, d.Name, FPMSyntax(d, false), FPMDoc(d, global, false))
	}
	if !global {
		for i := range fpm.ArrayDirectives {
			d := &fpm.ArrayDirectives[i]
			add(d.Name+"[", d.Name+"[", FPMSyntax(d, true), FPMDoc(d, false, true))
		}
	}
	add("include", "include", "include = pattern", fpmIncludeDoc)
	sort.Slice(items, func(i, j int) bool { return items[i].Label < items[j].Label })
	return Completion{Replace: src.location(start, offset), Items: items}, true
}
