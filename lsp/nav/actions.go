package nav

import (
	"strconv"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/suppress"
)

// CodeActionQuickFix is the LSP code action kind of every action offered.
const CodeActionQuickFix = "quickfix"

// SuppressionReasonPlaceholder is the reason written into a new suppression
// comment, for the user to replace: a suppression should say why.
const SuppressionReasonPlaceholder = "TODO: why"

// CodeAction is one change offered for the diagnostics at a range.
type CodeAction struct {
	Title string
	// Kind is CodeActionQuickFix.
	Kind string
	// Diagnostic is the finding the action resolves or silences.
	Diagnostic diag.Diagnostic
	// Edits are applied together; each names its file (a fix may edit the
	// other side of a cross-file finding).
	Edits []diag.TextEdit
	// Preferred marks the single fix of a diagnostic that has one.
	Preferred bool
}

// SuppressionComment is the comment that silences rule where kind's
// daemon reads comments ("#" for nginx, ";" for php-fpm): on the line below
// it, or with wholeFile in the whole file, e.g.
// "# fcgilint: ignore[fastcgi-pass-no-listener] TODO: why". The format is
// lint/suppress's, which reads these comments back.
func SuppressionComment(kind FileKind, rule, reason string, wholeFile bool) string {
	marker := byte('#')
	if kind == FPMFile {
		marker = ';'
	}
	scope := suppress.NextLine
	if wholeFile {
		scope = suppress.File
	}
	return strings.TrimRight(suppress.Format(marker, scope, []string{rule}, reason), " ")
}

// CodeActions offers, for each diagnostic of path overlapping the byte
// range [start, end] (an empty range at the cursor included): every
// suggested fix of the diagnostic as it is, then "Ignore RULE on this line"
// (a suppression comment on the line above, with the same indentation) and
// "Ignore RULE in this file" (a comment at the top). diags are the
// diagnostics to act on, typically the request's context matched back to
// the pass's; nil means the pass's own.
func CodeActions(pass *lint.Pass, path string, start, end int, diags []diag.Diagnostic) []CodeAction {
	if pass == nil {
		return nil
	}
	if start > end {
		start, end = end, start
	}
	if diags == nil {
		diags = pass.Diagnostics()
	}
	src := sourceOf(pass, path)
	var fixes, lineIgnores, fileIgnores []CodeAction
	seen := map[string]bool{}
	once := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	for _, d := range diags {
		if !sameDiagFile(d.Location.File, path, src) {
			continue
		}
		r := d.Location.Range
		if r.Start.Offset > end || r.End.Offset < start {
			continue
		}
		for _, f := range d.Fixes {
			if len(f.Edits) == 0 {
				continue
			}
			fixes = append(fixes, CodeAction{Title: f.Title, Kind: CodeActionQuickFix, Diagnostic: d,
				Edits: f.Edits, Preferred: len(d.Fixes) == 1})
		}
		if d.Rule == "" || src == nil {
			continue
		}
		if lineStart, indent, ok := src.lineStartAndIndent(r.Start.Offset); ok && once("line\x00"+d.Rule+"\x00"+strconv.Itoa(lineStart)) {
			text := indent + SuppressionComment(src.kind, d.Rule, SuppressionReasonPlaceholder, false) + src.newline()
			lineIgnores = append(lineIgnores, CodeAction{Title: "Ignore " + d.Rule + " on this line", Kind: CodeActionQuickFix,
				Diagnostic: d, Edits: []diag.TextEdit{{Location: src.location(lineStart, lineStart), NewText: text}}})
		}
		if once("file\x00" + d.Rule) {
			text := SuppressionComment(src.kind, d.Rule, SuppressionReasonPlaceholder, true) + src.newline()
			fileIgnores = append(fileIgnores, CodeAction{Title: "Ignore " + d.Rule + " in this file", Kind: CodeActionQuickFix,
				Diagnostic: d, Edits: []diag.TextEdit{{Location: src.location(0, 0), NewText: text}}})
		}
	}
	out := append(fixes, lineIgnores...)
	return append(out, fileIgnores...)
}

func sameDiagFile(file, path string, src *source) bool {
	if file == path {
		return true
	}
	return src != nil && file == src.path
}

// lineStartAndIndent returns the offset of the start of the line holding
// offset and the blanks that indent it.
func (s *source) lineStartAndIndent(offset int) (start int, indent string, ok bool) {
	if offset < 0 || offset > len(s.text) {
		return 0, "", false
	}
	start = strings.LastIndexByte(s.text[:offset], '\n') + 1
	i := start
	for i < len(s.text) && (s.text[i] == ' ' || s.text[i] == '\t') {
		i++
	}
	return start, s.text[start:i], true
}

// newline is the file's own line ending.
func (s *source) newline() string {
	if i := strings.IndexByte(s.text, '\n'); i > 0 && s.text[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}
