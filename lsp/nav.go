package lsp

import (
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lsp/nav"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// wireNavigation installs the navigation handlers of lsp/nav. They answer
// from the last pass of the unit that read the file, so they cost no lint.
func (s *Server) wireNavigation() {
	s.dispatch.TextDocumentHover = s.hover
	s.dispatch.TextDocumentDefinition = s.definition
	s.dispatch.TextDocumentReferences = s.references
	s.dispatch.TextDocumentDocumentSymbol = s.documentSymbol
	s.dispatch.TextDocumentCompletion = s.completion
	s.dispatch.TextDocumentCodeAction = s.codeAction
}

// navCapabilities advertises the navigation features wired above, and only
// those.
func (s *Server) navCapabilities(caps *protocol.ServerCapabilities) {
	caps.HoverProvider = true
	caps.DefinitionProvider = true
	caps.ReferencesProvider = true
	caps.DocumentSymbolProvider = true
	caps.CompletionProvider = &protocol.CompletionOptions{}
	caps.CodeActionProvider = protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{nav.CodeActionQuickFix}}
}

// navTarget is the pass that read a file and how to speak about the file
// to it.
type navTarget struct {
	ws      *workspace
	u       *unit
	pass    *lint.Pass
	logical string
	lines   *diag.LineIndex // of the file's current text
	indexes map[string]*diag.LineIndex
}

// navTargetFor finds the last pass that read the file at uri: its home
// unit's first, else any unit's that included it.
func (ws *workspace) navTargetFor(uri protocol.DocumentUri) (*navTarget, bool) {
	p, ok := uriToPath(uri)
	if !ok {
		return nil, false
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	candidates := []*unit{ws.homeLocked(p)}
	candidates = append(candidates, ws.units...)
	for _, u := range candidates {
		if u.pass == nil || !u.files[p] {
			continue
		}
		l, ok := u.logical(p)
		if !ok {
			continue
		}
		t := &navTarget{ws: ws, u: u, pass: u.pass, logical: l, indexes: map[string]*diag.LineIndex{}}
		t.lines = t.index(l)
		return t, true
	}
	return nil, false
}

func (t *navTarget) index(logical string) *diag.LineIndex {
	if x, ok := t.indexes[logical]; ok {
		return x
	}
	src, _ := t.u.fsys.ReadFile(logical)
	x := diag.NewLineIndex(src)
	t.indexes[logical] = x
	return x
}

func (t *navTarget) offset(p protocol.Position) int {
	return t.lines.OffsetOfUTF16(int(p.Line), int(p.Character))
}

func (t *navTarget) rangeOf(loc diag.Location) protocol.Range {
	x := t.index(loc.File)
	return protocol.Range{Start: position(x, loc.Range.Start), End: position(x, loc.Range.End)}
}

func (t *navTarget) location(loc diag.Location) protocol.Location {
	return protocol.Location{URI: pathToURI(t.u.real(loc.File)), Range: t.rangeOf(loc)}
}

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	t, ok := s.ws.navTargetFor(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	h, ok := nav.HoverAt(t.pass, t.logical, t.offset(p.Position))
	if !ok {
		return nil, nil
	}
	r := t.rangeOf(h.Range)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: h.Markdown}, Range: &r}, nil
}

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) (any, error) {
	t, ok := s.ws.navTargetFor(p.TextDocument.URI)
	if !ok {
		return []protocol.Location{}, nil
	}
	out := []protocol.Location{}
	for _, loc := range nav.Definition(t.pass, t.logical, t.offset(p.Position)) {
		out = append(out, t.location(loc))
	}
	return out, nil
}

func (s *Server) references(_ *glsp.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	t, ok := s.ws.navTargetFor(p.TextDocument.URI)
	if !ok {
		return []protocol.Location{}, nil
	}
	out := []protocol.Location{}
	for _, loc := range nav.References(t.pass, t.logical, t.offset(p.Position), p.Context.IncludeDeclaration) {
		out = append(out, t.location(loc))
	}
	return out, nil
}

func (s *Server) documentSymbol(_ *glsp.Context, p *protocol.DocumentSymbolParams) (any, error) {
	t, ok := s.ws.navTargetFor(p.TextDocument.URI)
	if !ok {
		return []protocol.DocumentSymbol{}, nil
	}
	var convert func([]nav.Symbol) []protocol.DocumentSymbol
	convert = func(syms []nav.Symbol) []protocol.DocumentSymbol {
		out := make([]protocol.DocumentSymbol, 0, len(syms))
		for _, sym := range syms {
			ds := protocol.DocumentSymbol{Name: sym.Name, Kind: protocol.SymbolKind(sym.Kind),
				Range: t.rangeOf(sym.Range), SelectionRange: t.rangeOf(sym.Selection), Children: convert(sym.Children)}
			if sym.Detail != "" {
				ds.Detail = ptr(sym.Detail)
			}
			if ds.Name == "" {
				ds.Name = "(unnamed)" // clients reject empty names
			}
			out = append(out, ds)
		}
		return out
	}
	return convert(nav.Symbols(t.pass, t.logical)), nil
}

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (any, error) {
	t, ok := s.ws.navTargetFor(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	s.ws.mu.Lock()
	version := s.ws.settings.NginxVersion
	s.ws.mu.Unlock()
	c, ok := nav.Complete(t.pass, t.logical, t.offset(p.Position), version)
	if !ok {
		return nil, nil
	}
	replace := t.rangeOf(c.Replace)
	list := protocol.CompletionList{Items: make([]protocol.CompletionItem, 0, len(c.Items))}
	for _, it := range c.Items {
		kind := protocol.CompletionItemKind(it.Kind)
		text := it.InsertText
		if text == "" {
			text = it.Label
		}
		item := protocol.CompletionItem{Label: it.Label, Kind: &kind,
			TextEdit: protocol.TextEdit{Range: replace, NewText: text}}
		if it.Detail != "" {
			item.Detail = ptr(it.Detail)
		}
		if it.Documentation != "" {
			item.Documentation = protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: it.Documentation}
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

func (s *Server) codeAction(_ *glsp.Context, p *protocol.CodeActionParams) (any, error) {
	t, ok := s.ws.navTargetFor(p.TextDocument.URI)
	if !ok {
		return []protocol.CodeAction{}, nil
	}
	start, end := t.offset(p.Range.Start), t.offset(p.Range.End)
	// Match the request's diagnostics back to the pass's by rule (carried
	// in data: glsp loses code), message and place.
	var matched []diag.Diagnostic
	if len(p.Context.Diagnostics) > 0 {
		all := t.pass.Diagnostics()
		for _, cd := range p.Context.Diagnostics {
			rule := ruleOf(cd.Data)
			for _, d := range all {
				if d.Message == cd.Message && (rule == "" || d.Rule == rule) && d.Location.File == t.logical &&
					t.rangeOf(d.Location) == cd.Range {
					matched = append(matched, d)
				}
			}
		}
		if len(matched) == 0 {
			return []protocol.CodeAction{}, nil
		}
	}
	kind := protocol.CodeActionKind(nav.CodeActionQuickFix)
	out := []protocol.CodeAction{}
	for _, a := range nav.CodeActions(t.pass, t.logical, start, end, matched) {
		edit := &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{}}
		for _, e := range a.Edits {
			uri := pathToURI(t.u.real(e.Location.File))
			if d := t.ws.docURI(t.u.real(e.Location.File)); d != "" {
				uri = d
			}
			edit.Changes[uri] = append(edit.Changes[uri], protocol.TextEdit{Range: t.rangeOf(e.Location), NewText: e.NewText})
		}
		action := protocol.CodeAction{Title: a.Title, Kind: &kind, Edit: edit}
		if a.Preferred {
			action.IsPreferred = ptr(true)
		}
		severity := severityOf(a.Diagnostic.Severity)
		action.Diagnostics = []protocol.Diagnostic{{Range: t.rangeOf(a.Diagnostic.Location), Severity: &severity,
			Message: a.Diagnostic.Message, Source: ptr("fcgilint")}}
		out = append(out, action)
	}
	return out, nil
}

// docURI is the URI the client opened path under, or "".
func (ws *workspace) docURI(path string) protocol.DocumentUri {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if d := ws.docs[path]; d != nil {
		return d.uri
	}
	return ""
}

func ruleOf(data any) string {
	if m, ok := data.(map[string]any); ok {
		if r, ok := m["rule"].(string); ok {
			return r
		}
	}
	return ""
}
