package lsp

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sort"
	"strconv"
	"time"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/rules"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// worker lints u whenever it is kicked. An edit after a quiet period is
// linted at once; a burst of edits is linted once it pauses for the
// debounce interval, so a typist does not queue a lint per keystroke.
func (ws *workspace) worker(u *unit) {
	defer ws.wg.Done()
	debounce := ws.s.opts.Debounce
	for {
		select {
		case <-u.ctx.Done():
			return
		case <-u.kick:
		}
		for {
			ws.mu.Lock()
			last, prev := u.lastChange, u.prevChange
			ws.mu.Unlock()
			wait := time.Until(last.Add(debounce))
			if last.Sub(prev) >= debounce || wait <= 0 {
				break
			}
			t := time.NewTimer(wait)
			select {
			case <-u.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			ws.mu.Lock()
			quiet := u.lastChange.Equal(last)
			ws.mu.Unlock()
			if quiet {
				break
			}
		}
		// Changes made from here on kick again and are linted next time.
		select {
		case <-u.kick:
		default:
		}
		ws.safely("linting "+u.name, func() { ws.lint(u) })
	}
}

// safely runs fn, reporting a panic instead of ending the session: the
// workers run outside any request, where nothing else would recover it.
func (ws *workspace) safely(what string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			ws.s.logger.Printf("panic %s: %v\n%s", what, r, debug.Stack())
			ws.s.logToClient(protocol.MessageTypeError, fmt.Sprintf("fcgilint: internal error %s: %v", what, r))
		}
	}()
	fn()
}

// lint answers the changes that woke u: an early pass over the one edited
// file when the set is large (see quickPassLocked), then a full pass.
func (ws *workspace) lint(u *unit) {
	ws.mu.Lock()
	active := ws.activeLocked(u)
	scan := u.needScan && active
	if scan {
		u.needScan = false
	}
	ws.mu.Unlock()
	if scan {
		disk := ws.scan(u)
		ws.mu.Lock()
		u.disk = disk
		ws.mu.Unlock()
	}

	ws.mu.Lock()
	gen := u.gen
	opts := ws.options(u)
	quick, quickFound := ws.quickPassLocked(u)
	u.edited, u.editedOther = map[string]bool{}, false
	ws.mu.Unlock()
	if quick != "" {
		ws.lintQuick(u, gen, quick, quickFound, opts)
	}
	ws.requestFull(u)
}

// requestFull runs a full pass of u, or, when one is running, one more
// after it: full passes of a large set take longer than edits come, and
// must neither pile up nor hold back the early passes.
func (ws *workspace) requestFull(u *unit) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if u.fullRunning {
		u.fullPending = true
		return
	}
	u.fullRunning = true
	go func() {
		for {
			ws.safely("linting "+u.name, func() { ws.lintFull(u) })
			ws.mu.Lock()
			if u.fullPending && u.ctx.Err() == nil {
				u.fullPending = false
				ws.mu.Unlock()
				continue
			}
			u.fullRunning = false
			ws.mu.Unlock()
			return
		}
	}()
}

// lintFull checks u once and publishes the result, unless a change arrived
// while it ran: that result would be stale, and the change's own pass
// follows.
func (ws *workspace) lintFull(u *unit) {
	ws.mu.Lock()
	gen := u.gen
	found := ws.foundLocked(u)
	opts := ws.options(u)
	ws.mu.Unlock()

	pass, err := check(found, opts)
	if err != nil {
		ws.s.logger.Print(err)
		ws.s.logToClient(protocol.MessageTypeError, "fcgilint: "+err.Error())
		// The last findings stay; the files they cover must not wait for
		// this unit forever (collectLocked).
		ws.mu.Lock()
		if u.gen == gen {
			u.lintedGen = gen
		}
		ws.mu.Unlock()
		return
	}
	byFile, read := ws.convert(u, pass)

	ws.pubMu.Lock()
	defer ws.pubMu.Unlock()
	ws.mu.Lock()
	if u.gen != gen || u.ctx.Err() != nil {
		ws.mu.Unlock()
		return
	}
	targets := map[string]bool{}
	for p := range u.diags {
		targets[p] = true
	}
	for p := range byFile {
		targets[p] = true
	}
	u.diags, u.files, u.lintedGen, u.pass = byFile, read, gen, pass
	for p := range ws.docs {
		if ws.memberLocked(u, p) {
			targets[p] = true
		}
	}
	batch := ws.collectLocked(targets)
	ws.mu.Unlock()
	ws.sendLocked(batch)
}

// quickPassMinFiles is the default size of pass above which an edit to one site is
// first checked on its own, so the editor hears back before the whole set
// is re-linted.
const quickPassMinFiles = 200

// quickPassLocked decides whether the edit that woke u can be answered
// early: one open nginx file that is not a main configuration, in a set
// large enough for its full re-lint to be felt. The early pass checks the
// file on its own (in the context its directives imply, as `check FILE`
// does) with every php-fpm configuration, so fastcgi_pass is still
// cross-checked.
func (ws *workspace) quickPassLocked(u *unit) (string, []discover.File) {
	if u.editedOther || len(u.edited) != 1 || u.pass == nil || len(u.files) < ws.quickMin {
		return "", nil
	}
	var p string
	for p = range u.edited {
	}
	d := ws.docs[p]
	l, ok := u.logical(p)
	if d == nil || !ok {
		return "", nil
	}
	if k, main := discover.Classify(l, d.text); k != discover.Nginx || main {
		return "", nil
	}
	quick := []discover.File{{Path: l, Kind: discover.Nginx}}
	for _, f := range ws.foundLocked(u) {
		if f.Kind == discover.FPM {
			quick = append(quick, f)
		}
	}
	return p, quick
}

// lintQuick publishes the early result for the one edited file. The full
// pass that follows publishes again only if it found something else (the
// rules that need the rest of the set: duplicate server names, variables
// set elsewhere).
func (ws *workspace) lintQuick(u *unit, gen uint64, path string, found []discover.File, opts engine.Options) {
	pass, err := check(found, opts)
	if err != nil {
		return // the full pass reports it
	}
	byFile, _ := ws.convert(u, pass)
	ws.pubMu.Lock()
	defer ws.pubMu.Unlock()
	ws.mu.Lock()
	d := ws.docs[path]
	if u.gen != gen || u.ctx.Err() != nil || d == nil {
		ws.mu.Unlock()
		return
	}
	for _, v := range ws.units {
		if v != u && (v.diags[path] != nil || v.files[path]) {
			ws.mu.Unlock()
			return // other units' findings would be missing from it
		}
	}
	version := protocol.UInteger(d.version)
	diags := byFile[path]
	if diags == nil {
		diags = []protocol.Diagnostic{}
	}
	batch := []publication{{path: path, params: protocol.PublishDiagnosticsParams{URI: d.uri, Version: &version, Diagnostics: diags}}}
	ws.mu.Unlock()
	ws.sendLocked(batch)
}

// check runs the engine, turning a panic into an error: a rule that
// crashes on some input must not take the editor session with it.
func check(found []discover.File, opts engine.Options) (pass *lint.Pass, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error while linting: %v\n%s", r, debug.Stack())
		}
	}()
	return engine.Check(found, opts), nil
}

type publication struct {
	path    string
	params  protocol.PublishDiagnosticsParams
	payload string
}

// collectLocked merges, for each target file, what every unit that covers
// it found. A file some unit has yet to re-lint is left for that unit to
// publish, so a half-updated picture is never shown.
func (ws *workspace) collectLocked(targets map[string]bool) []publication {
	paths := make([]string, 0, len(targets))
	for p := range targets {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []publication
outer:
	for _, p := range paths {
		merged := []protocol.Diagnostic{}
		seen := map[string]bool{}
		for _, v := range ws.units {
			ds, has := v.diags[p]
			if v.gen != v.lintedGen && (has || ws.memberLocked(v, p)) {
				continue outer
			}
			for _, d := range ds {
				key := d.Message + "\x00" + rangeKey(d.Range)
				if seen[key] {
					continue
				}
				seen[key] = true
				merged = append(merged, d)
			}
		}
		params := protocol.PublishDiagnosticsParams{URI: pathToURI(p), Diagnostics: merged}
		if d := ws.docs[p]; d != nil {
			params.URI = d.uri
			v := protocol.UInteger(d.version)
			params.Version = &v
		}
		out = append(out, publication{path: p, params: params})
	}
	return out
}

func rangeKey(r protocol.Range) string {
	return fmt.Sprint(r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

// sendLocked publishes what changed since the last publication of each
// file; an open file is republished for every new version.
func (ws *workspace) sendLocked(batch []publication) {
	for _, b := range batch {
		payload, err := json.Marshal(b.params.Diagnostics)
		if err != nil {
			continue
		}
		key := string(payload)
		if b.params.Version != nil {
			key = strconv.FormatUint(uint64(*b.params.Version), 10) + key
		}
		if prev, ok := ws.published[b.path]; ok && prev == key || !ok && len(b.params.Diagnostics) == 0 && b.params.Version == nil {
			continue
		}
		ws.published[b.path] = key
		ws.s.notify(protocol.ServerTextDocumentPublishDiagnostics, b.params)
	}
}

// diagnosticData travels in Diagnostic.data and comes back with code
// actions: glsp v0.2.2 drops Diagnostic.code when decoding them.
type diagnosticData struct {
	Rule  string       `json:"rule"`
	Fixes []fixPayload `json:"fixes,omitempty"`
}

type fixPayload struct {
	Title string                                       `json:"title"`
	Edits map[protocol.DocumentUri][]protocol.TextEdit `json:"edits"`
}

// convert turns the pass's findings into LSP diagnostics by file on this
// machine, and lists the files the pass read.
func (ws *workspace) convert(u *unit, pass *lint.Pass) (map[string][]protocol.Diagnostic, map[string]bool) {
	read := map[string]bool{}
	for l := range engine.Files(pass) {
		read[u.real(l)] = true
	}
	indexes := map[string]*diag.LineIndex{}
	index := func(logical string) *diag.LineIndex {
		if x, ok := indexes[logical]; ok {
			return x
		}
		src, _ := u.fsys.ReadFile(logical)
		x := diag.NewLineIndex(src)
		indexes[logical] = x
		return x
	}
	rangeOf := func(loc diag.Location) protocol.Range {
		x := index(loc.File)
		return protocol.Range{Start: position(x, loc.Range.Start), End: position(x, loc.Range.End)}
	}
	out := map[string][]protocol.Diagnostic{}
	source := "fcgilint"
	for _, d := range pass.Diagnostics() {
		p := u.real(d.Location.File)
		severity := severityOf(d.Severity)
		ld := protocol.Diagnostic{
			Range:    rangeOf(d.Location),
			Severity: &severity,
			Code:     &protocol.IntegerOrString{Value: d.Rule},
			Source:   &source,
			Message:  d.Message,
		}
		if r := rules.Get(d.Rule); r != nil {
			ld.CodeDescription = &protocol.CodeDescription{HRef: r.HelpURI()}
		}
		for _, rel := range d.Related {
			ld.RelatedInformation = append(ld.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: pathToURI(u.real(rel.Location.File)), Range: rangeOf(rel.Location)},
				Message:  rel.Message,
			})
		}
		data := diagnosticData{Rule: d.Rule}
		for _, f := range d.Fixes {
			fp := fixPayload{Title: f.Title, Edits: map[protocol.DocumentUri][]protocol.TextEdit{}}
			for _, e := range f.Edits {
				uri := pathToURI(u.real(e.Location.File))
				fp.Edits[uri] = append(fp.Edits[uri], protocol.TextEdit{Range: rangeOf(e.Location), NewText: e.NewText})
			}
			data.Fixes = append(data.Fixes, fp)
		}
		ld.Data = data
		out[p] = append(out[p], ld)
	}
	return out, read
}

// position converts a byte position to LSP's 0-based line and UTF-16
// character.
func position(x *diag.LineIndex, p diag.Pos) protocol.Position {
	line := p.Line
	if line < 1 {
		line = 1
	}
	return protocol.Position{Line: protocol.UInteger(line - 1), Character: protocol.UInteger(x.UTF16Column(line, p.Column))}
}

func severityOf(s diag.Severity) protocol.DiagnosticSeverity {
	switch s {
	case diag.Error:
		return protocol.DiagnosticSeverityError
	case diag.Warning:
		return protocol.DiagnosticSeverityWarning
	}
	return protocol.DiagnosticSeverityInformation
}
