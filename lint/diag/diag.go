// Package diag is the one diagnostic model shared by every stage of fcgilint:
// the grammars and loaders report syntax and include problems with it, rules
// report findings with it, and every output (text, JSON, SARIF, LSP) reads it.
//
// Positions are kept as byte offsets plus 1-based line and byte column; each
// output converts columns to its own unit (runes, UTF-16 units) from the source.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity orders findings: error > warning > note.
type Severity int

const (
	// None is below every real severity; it is used as "no fail level".
	None Severity = iota
	Note
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// ParseSeverity reads "error", "warning" or "note" (and "info" as "note").
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "note", "info":
		return Note, nil
	case "none", "off":
		return None, nil
	}
	return None, fmt.Errorf("unknown severity %q (want error, warning or note)", s)
}

// MarshalText lets severities appear as words in JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Pos is a point in a file.
type Pos struct {
	Offset int `json:"offset"` // 0-based byte offset
	Line   int `json:"line"`   // 1-based
	Column int `json:"column"` // 1-based, counted in bytes
}

// Range is [Start, End): End is the first byte after the range.
type Range struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Location is a range in a named file.
type Location struct {
	File  string `json:"file"`
	Range Range  `json:"range"`
}

// Related points at another place that explains a finding, typically the
// other side of a cross-file problem.
type Related struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// TextEdit replaces the bytes of Location with NewText.
type TextEdit struct {
	Location Location `json:"location"`
	NewText  string   `json:"newText"`
}

// Fix is one suggested change, made of edits applied together.
type Fix struct {
	Title string     `json:"title"`
	Edits []TextEdit `json:"edits"`
}

// Diagnostic is one finding.
type Diagnostic struct {
	Rule     string    `json:"rule"`
	Severity Severity  `json:"severity"`
	Message  string    `json:"message"`
	Location Location  `json:"location"`
	Related  []Related `json:"related,omitempty"`
	Fixes    []Fix     `json:"fixes,omitempty"`
}

func (d Diagnostic) String() string {
	p := d.Location.Range.Start
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", d.Location.File, p.Line, p.Column, d.Severity, d.Message, d.Rule)
}

// Sort orders diagnostics by file, position, rule and message, so that every
// output is deterministic.
func Sort(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Range.Start.Offset != b.Location.Range.Start.Offset {
			return a.Location.Range.Start.Offset < b.Location.Range.Start.Offset
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// Key is what makes a finding the same finding: its rule, place and
// message.
type Key struct {
	rule, file, msg string
	start, end      int
}

// KeyOf is d's Key.
func KeyOf(d Diagnostic) Key {
	return Key{d.Rule, d.Location.File, d.Message, d.Location.Range.Start.Offset, d.Location.Range.End.Offset}
}

// Dedup removes exact repeats (same rule, place and message), which arise when
// a file is analysed in several contexts and finds the same thing in each.
func Dedup(ds []Diagnostic) []Diagnostic {
	seen := make(map[Key]bool, len(ds))
	out := ds[:0]
	for _, d := range ds {
		k := KeyOf(d)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

// Max returns the highest severity among ds, or None.
func Max(ds []Diagnostic) Severity {
	m := None
	for _, d := range ds {
		if d.Severity > m {
			m = d.Severity
		}
	}
	return m
}
