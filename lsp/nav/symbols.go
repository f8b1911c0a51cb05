package nav

import (
	"strings"

	gfpm "github.com/fcgilint/fcgilint/grammar/fpm"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// SymbolKind is an LSP SymbolKind: the values are the protocol's, so the
// server converts with a plain cast.
type SymbolKind int

// The symbol kinds the outline uses.
const (
	SymbolNamespace SymbolKind = 3
	SymbolClass     SymbolKind = 5
	SymbolMethod    SymbolKind = 6
	SymbolInterface SymbolKind = 11
	SymbolFunction  SymbolKind = 12
	SymbolVariable  SymbolKind = 13
	SymbolObject    SymbolKind = 19
)

// Symbol is one entry of a document outline (an LSP DocumentSymbol).
type Symbol struct {
	Name   string
	Detail string
	Kind   SymbolKind
	// Range covers the whole block; Selection the name, inside Range.
	Range     diag.Location
	Selection diag.Location
	Children  []Symbol
}

// Symbols is the outline of a file: for nginx, every block (http, events,
// stream, server named by its server_name with its listen addresses as
// detail, location with its modifier and pattern, upstream, map, ...), nested
// as written; for php-fpm, [global] and each pool section with its listen
// address as detail. A file included from several places is outlined as
// written, once.
func Symbols(pass *lint.Pass, path string) []Symbol {
	src := sourceOf(pass, path)
	if src == nil {
		return nil
	}
	if src.kind == FPMFile {
		return fpmSymbols(src)
	}
	inst := fileInstances(pass, src.path)
	if len(inst) == 0 {
		return nil
	}
	return nginxSymbols(inst[0].nodes, src.path)
}

func nginxSymbols(nodes []*nginxconf.Node, path string) []Symbol {
	var out []Symbol
	for _, n := range nodes {
		if !sameFile(n, path) || n.IsInclude() || n.Dir.Block == nil {
			continue
		}
		s := Symbol{Kind: symbolKind(n), Range: n.Extent(), Selection: n.NameLocation()}
		s.Name, s.Detail = symbolName(n)
		if n.Ctx != nginxconf.CtxRaw && innerContext(n) != nginxconf.CtxEntries && innerContext(n) != nginxconf.CtxRaw {
			s.Children = nginxSymbols(n.Children(), path)
		}
		out = append(out, s)
	}
	return out
}

func symbolKind(n *nginxconf.Node) SymbolKind {
	switch name := n.Name(); {
	case name == "http" || name == "events" || name == "stream" || name == "mail" || name == "rtmp":
		return SymbolNamespace
	case name == "server":
		return SymbolClass
	case name == "location" || name == "if" || name == "limit_except" || name == "application":
		return SymbolMethod
	case name == "upstream":
		return SymbolInterface
	case name == "map" || name == "geo" || name == "split_clients":
		return SymbolVariable
	case strings.HasSuffix(name, "_block"):
		return SymbolFunction
	}
	return SymbolObject
}

// symbolName names a block the way a reader looks for it.
func symbolName(n *nginxconf.Node) (name, detail string) {
	args := n.Args()
	switch n.Name() {
	case "server":
		if n.Ctx == nginxconf.CtxHTTPUps || n.Ctx == nginxconf.CtxStreamUps {
			break
		}
		var names, listens []string
		for _, c := range n.Block() {
			if c.Dir == nil || c.Dir.Block != nil {
				continue
			}
			switch c.Name() {
			case "server_name":
				names = append(names, c.Args()...)
			case "listen":
				listens = append(listens, strings.Join(c.Args(), " "))
			}
		}
		name = "server"
		if len(names) > 0 {
			name += " " + strings.Join(names, " ")
		}
		return name, strings.Join(listens, ", ")
	case "upstream":
		var servers []string
		for _, c := range n.Block() {
			if c.Dir != nil && c.Name() == "server" && len(c.Dir.Args) > 0 {
				servers = append(servers, c.Dir.Args[0].Value)
			}
		}
		return strings.TrimSpace("upstream " + strings.Join(args, " ")), strings.Join(servers, ", ")
	}
	return strings.TrimSpace(n.Name() + " " + strings.Join(args, " ")), ""
}

func fpmSymbols(src *source) []Symbol {
	var out []Symbol
	stmts := src.fpm.Statements
	for i := 0; i < len(stmts); i++ {
		st := stmts[i]
		if st.Kind != gfpm.SectionHeader {
			continue
		}
		end := st.Span.End
		for j := i + 1; j < len(stmts) && stmts[j].Kind != gfpm.SectionHeader; j++ {
			end = max(end, stmts[j].Span.End)
		}
		s := Symbol{Name: "[" + st.Name + "]", Kind: SymbolClass,
			Range: src.location(st.Span.Start, end), Selection: src.location(st.Span.Start, st.Span.End)}
		if isGlobal(st.Name) {
			s.Kind = SymbolNamespace
		} else if p := poolNamed(src.fpmCfg, st.Name); p != nil {
			s.Detail = p.Listen.Raw
		}
		out = append(out, s)
	}
	return out
}
