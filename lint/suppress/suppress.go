// Package suppress applies the "fcgilint: ignore" comments of the checked
// files to the findings, and reports the comments that are malformed, have
// no reason, name unknown rules or suppress nothing.
//
// The comments are taken from the parsers, never from a regular expression
// over lines: in nginx a '#' starts a comment only at the start of a token
// (`root /a#b;` has none), and in php-fpm a ';' inside quotes is not one.
package suppress

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	fpmgrammar "github.com/fcgilint/fcgilint/grammar/fpm"
	ast "github.com/fcgilint/fcgilint/grammar/nginx"
	"github.com/fcgilint/fcgilint/internal/textdist"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/rules"
)

// Marker starts every suppression, after the comment character.
const Marker = "fcgilint:"

// Scope is what a suppression covers.
type Scope int

const (
	// Line covers the line of the comment (a trailing comment).
	Line Scope = iota + 1
	// NextLine covers the next line that is neither blank nor a comment.
	NextLine
	// File covers the whole file (ignore-file).
	File
)

// Suppression is one "fcgilint:" comment.
type Suppression struct {
	// Location is the comment's, from its '#' or ';' to the end of the line.
	Location diag.Location
	Scope    Scope
	// Line is the line covered (Line and NextLine scopes); 0 when a
	// NextLine suppression has no line after it.
	Line int
	// Rules are the rule IDs in brackets, as written.
	Rules  []string
	Reason string
	// Problem, when set, says why the comment suppresses nothing (no
	// reason, malformed).
	Problem string

	// removal is what removing the comment deletes: the whole line for a
	// comment on its own line, else the comment and the blanks before it.
	removal diag.Range
	marker  byte
	used    map[string]bool
}

// Format writes a suppression comment: marker is '#' for nginx, ';' for
// php-fpm; scope is Line (or NextLine, the same text) or File.
func Format(marker byte, scope Scope, ruleIDs []string, reason string) string {
	verb := "ignore"
	if scope == File {
		verb = "ignore-file"
	}
	return fmt.Sprintf("%c %s %s[%s] %s", marker, Marker, verb, strings.Join(ruleIDs, ","), strings.TrimSpace(reason))
}

// parsed is what a comment's text says.
type parsed struct {
	file    bool
	rules   []string
	reason  string
	problem string
}

const usage = "write it as \"%c fcgilint: ignore[RULE-ID] why this is fine\" (or ignore-file[…] for the whole file)"

// parseText reads the text of a comment after its marker character; ok is
// false when the comment is not a suppression at all.
func parseText(text string, marker byte) (p parsed, ok bool) {
	rest := strings.TrimLeft(text, " \t")
	if !strings.HasPrefix(rest, Marker) {
		return p, false
	}
	rest = strings.TrimLeft(rest[len(Marker):], " \t")
	how := fmt.Sprintf(usage, marker)
	switch {
	case strings.HasPrefix(rest, "ignore-file["):
		p.file = true
		rest = rest[len("ignore-file["):]
	case strings.HasPrefix(rest, "ignore["):
		rest = rest[len("ignore["):]
	default:
		p.problem = "malformed suppression: " + how
		return p, true
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		p.problem = "malformed suppression, the rule list has no closing \"]\": " + how
		return p, true
	}
	for _, id := range strings.Split(rest[:end], ",") {
		if id = strings.TrimSpace(id); id != "" {
			p.rules = append(p.rules, id)
		}
	}
	if len(p.rules) == 0 {
		p.problem = "the suppression names no rule: " + how
		return p, true
	}
	reason := strings.TrimSpace(rest[end+1:])
	// "-- reason" and ": reason" read naturally; the separator is not the reason.
	reason = strings.TrimSpace(strings.TrimLeft(reason, "-—:"))
	p.reason = reason
	if !strings.ContainsFunc(reason, isWordChar) {
		p.problem = "the suppression gives no reason, so it suppresses nothing: " + how
	}
	return p, true
}

func isWordChar(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f
}

// Collect reads the suppression comments of every file pass read, by path
// (files without any are left out).
func Collect(pass *lint.Pass) map[string][]*Suppression {
	out := map[string][]*Suppression{}
	seen := map[string]bool{}
	fsys := pass.FS
	if fsys == nil {
		fsys = &files.FS{}
	}
	for _, cfg := range pass.Nginx {
		for _, path := range cfg.Order {
			f := cfg.Files[path]
			if f == nil {
				continue
			}
			if seen[path] {
				continue
			}
			seen[path] = true
			if list := nginxSuppressions(f); len(list) > 0 {
				out[path] = list
			}
		}
	}
	for _, cfg := range pass.FPM {
		for _, path := range cfg.Files {
			if seen[path] {
				continue
			}
			seen[path] = true
			src, err := fsys.ReadFile(path)
			if err != nil {
				continue // the loader has reported it
			}
			if list := fpmSuppressions(path, src); len(list) > 0 {
				out[path] = list
			}
		}
	}
	return out
}

// NginxComments returns every '#' comment of f, in file order.
func NginxComments(f *ast.File) []*ast.Comment {
	out := append([]*ast.Comment(nil), f.InnerComments...)
	var stmts func([]*ast.Stmt)
	block := func(b *ast.Block) {
		if b != nil && b.Raw == nil {
			stmts(b.Stmts)
		}
	}
	stmts = func(list []*ast.Stmt) {
		for _, s := range list {
			switch {
			case s.Comment != nil:
				out = append(out, s.Comment)
			case s.Directive != nil:
				block(s.Directive.Block)
			case s.Stray != nil:
				block(s.Stray.Block)
			}
		}
	}
	stmts(f.Items)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out
}

func nginxSuppressions(f *ast.File) []*Suppression {
	if !strings.Contains(f.Src, Marker) {
		return nil
	}
	var out []*Suppression
	src := []byte(f.Src)
	for _, c := range NginxComments(f) {
		if !strings.Contains(c.Text, Marker) {
			continue
		}
		text := strings.TrimPrefix(c.Text, "#")
		if s := newSuppression(f.Path, src, f.Lines(), c.Pos, c.Pos+len(c.Text), text, '#'); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func fpmSuppressions(path string, src []byte) []*Suppression {
	if !bytes.Contains(src, []byte(Marker)) {
		return nil
	}
	f := fpmgrammar.Parse(path, src, fpmgrammar.Options{})
	var out []*Suppression
	for _, c := range f.Comments {
		if !strings.Contains(c.Text, Marker) {
			continue
		}
		text := strings.TrimPrefix(c.Text, ";")
		if s := newSuppression(path, src, f.Lines, c.Span.Start, c.Span.End, text, ';'); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// newSuppression reads the comment [start, end) of a file; nil when it is
// not a suppression.
func newSuppression(path string, src []byte, lines *diag.LineIndex, start, end int, text string, marker byte) *Suppression {
	p, ok := parseText(text, marker)
	if !ok {
		return nil
	}
	rng := lines.Range(start, end)
	s := &Suppression{
		Location: diag.Location{File: path, Range: rng},
		Rules:    p.rules,
		Reason:   p.reason,
		Problem:  p.problem,
		marker:   marker,
		used:     map[string]bool{},
	}
	lineStart := start - (rng.Start.Column - 1)
	before := src[lineStart:start]
	ownLine := len(bytes.TrimLeft(before, " \t")) == 0
	if ownLine {
		lineEnd := len(src)
		if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
			lineEnd = end + i + 1
		}
		s.removal = lines.Range(lineStart, lineEnd)
	} else {
		s.removal = lines.Range(lineStart+len(bytes.TrimRight(before, " \t")), end)
	}
	switch {
	case p.file:
		s.Scope = File
	case !ownLine:
		s.Scope, s.Line = Line, rng.Start.Line
	default:
		s.Scope, s.Line = NextLine, nextCodeLine(lines, rng.Start.Line, marker)
	}
	return s
}

// nextCodeLine is the first line after line that is neither blank nor only
// a comment, or 0.
func nextCodeLine(lines *diag.LineIndex, line int, marker byte) int {
	for n := line + 1; n <= lines.Lines(); n++ {
		t := bytes.TrimLeft(lines.Line(n), " \t\r")
		if len(t) > 0 && t[0] != marker {
			return n
		}
	}
	return 0
}

func (s *Suppression) covers(line int) bool {
	switch s.Scope {
	case File:
		return true
	case Line, NextLine:
		return s.Line != 0 && s.Line == line
	}
	return false
}

func (s *Suppression) names(rule string) bool {
	for _, r := range s.Rules {
		if r == rule {
			return true
		}
	}
	return false
}

// isMeta reports whether rule judges suppressions; those findings are not
// themselves suppressible by comments (the configuration turns them off).
func isMeta(rule string) bool {
	return rule == rules.SuppressionRule.ID || rule == rules.UnusedSuppressionRule.ID
}

// Apply drops the findings of ds that a suppression of pass's files covers,
// and adds findings about the suppressions: malformed, without a reason,
// naming unknown rules, or suppressing nothing. enabled tells which rules
// ran (nil: all); a suppression of a rule that did not run is never
// reported as unused.
func Apply(pass *lint.Pass, ds []diag.Diagnostic, enabled func(id string) bool) []diag.Diagnostic {
	return ApplyTo(Collect(pass), ds, enabled)
}

// ApplyTo is Apply with the suppressions already collected.
func ApplyTo(byFile map[string][]*Suppression, ds []diag.Diagnostic, enabled func(id string) bool) []diag.Diagnostic {
	if len(byFile) == 0 {
		return ds
	}
	if enabled == nil {
		enabled = func(string) bool { return true }
	}
	// Indexed by line, so that a file with many suppressions and many
	// findings costs no product of the two.
	type fileIndex struct {
		byLine    map[int][]*Suppression
		wholeFile []*Suppression
	}
	index := make(map[string]*fileIndex, len(byFile))
	for path, list := range byFile {
		x := &fileIndex{byLine: map[int][]*Suppression{}}
		for _, s := range list {
			switch {
			case s.Problem != "":
			case s.Scope == File:
				x.wholeFile = append(x.wholeFile, s)
			case s.Line != 0:
				x.byLine[s.Line] = append(x.byLine[s.Line], s)
			}
		}
		index[path] = x
	}
	out := ds[:0]
	for _, d := range ds {
		x := index[d.Location.File]
		if isMeta(d.Rule) || x == nil {
			out = append(out, d)
			continue
		}
		// Both lists are walked: every covering suppression counts as
		// used, so that none is reported as left over.
		a := suppressed(x.byLine[d.Location.Range.Start.Line], d)
		b := suppressed(x.wholeFile, d)
		if !a && !b {
			out = append(out, d)
		}
	}
	paths := make([]string, 0, len(byFile))
	for p := range byFile {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, s := range byFile[p] {
			out = append(out, s.findings(enabled)...)
		}
	}
	return out
}

// suppressed marks the suppressions of list that name d's rule as used and
// reports whether there was one.
func suppressed(list []*Suppression, d diag.Diagnostic) bool {
	hit := false
	for _, s := range list {
		if s.covers(d.Location.Range.Start.Line) && s.names(d.Rule) {
			s.used[d.Rule] = true
			hit = true
		}
	}
	return hit
}

// findings are what is wrong with the suppression itself.
func (s *Suppression) findings(enabled func(string) bool) []diag.Diagnostic {
	report := func(rule, msg string, fixes []diag.Fix) diag.Diagnostic {
		r := rules.Get(rule)
		return diag.Diagnostic{Rule: rule, Severity: r.Severity, Message: msg, Location: s.Location, Fixes: fixes}
	}
	if s.Problem != "" {
		return []diag.Diagnostic{report(rules.SuppressionRule.ID, s.Problem, nil)}
	}
	var out []diag.Diagnostic
	var unused []string
	for _, id := range s.Rules {
		switch {
		case rules.Get(id) == nil:
			msg := fmt.Sprintf("unknown rule %q in the suppression", id)
			if best := suggestRule(id); best != "" {
				msg += fmt.Sprintf("; did you mean %q?", best)
			} else {
				msg += "; 'fcgilint rules' lists the rule IDs"
			}
			out = append(out, report(rules.SuppressionRule.ID, msg, nil))
		case isMeta(id):
			out = append(out, report(rules.SuppressionRule.ID, fmt.Sprintf("%s findings cannot be suppressed by a comment; turn the rule off in .fcgilint.yaml instead", id), nil))
		case !s.used[id] && enabled(id):
			unused = append(unused, id)
		}
	}
	if len(unused) == 0 {
		return out
	}
	where := "on the line it applies to"
	switch {
	case s.Scope == File:
		where = "in this file"
	case s.Line == 0:
		where = "(no line follows it)"
	case s.Scope == NextLine:
		where = fmt.Sprintf("on line %d", s.Line)
	}
	msg := fmt.Sprintf("unused suppression: no %s finding %s; remove it", strings.Join(unused, " or "), where)
	if len(unused) < len(s.Rules) {
		msg = fmt.Sprintf("unused suppression of %s: no such finding %s; remove it from the list", strings.Join(unused, ", "), where)
	}
	return append(out, report(rules.UnusedSuppressionRule.ID, msg, s.removalFix(unused)))
}

// removalFix removes the unused rule IDs, or the whole comment when none is
// left.
func (s *Suppression) removalFix(unused []string) []diag.Fix {
	var keep []string
	for _, id := range s.Rules {
		if !contains(unused, id) {
			keep = append(keep, id)
		}
	}
	file := s.Location.File
	if len(keep) > 0 {
		text := Format(s.marker, s.Scope, keep, s.Reason)
		return []diag.Fix{{Title: "Remove " + strings.Join(unused, ", ") + " from the suppression",
			Edits: []diag.TextEdit{{Location: s.Location, NewText: text}}}}
	}
	loc := diag.Location{File: file, Range: s.removal}
	return []diag.Fix{{Title: "Remove the unused suppression", Edits: []diag.TextEdit{{Location: loc, NewText: ""}}}}
}

func suggestRule(id string) string {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	return textdist.Suggest(id, ids, nil)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
