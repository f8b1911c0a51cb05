package lint

import (
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// Past MaxPerFileRule findings of a rule in a file, one note stands for
// the rest, at the first one left out.
func TestFindingsPerFileAndRuleAreCapped(t *testing.T) {
	p := &Pass{}
	for i := 1; i <= MaxPerFileRule+5; i++ {
		p.Report(diag.Diagnostic{Rule: "r", Severity: diag.Error, Message: "m",
			Location: diag.Location{File: "a.conf", Range: diag.Range{Start: diag.Pos{Line: i, Column: 1, Offset: i * 3}}}})
	}
	p.Report(diag.Diagnostic{Rule: "r", Severity: diag.Error, Message: "m", Location: diag.Location{File: "b.conf"}})
	ds := p.Diagnostics()
	var notes, errs int
	for _, d := range ds {
		switch {
		case d.Severity == diag.Note:
			notes++
			if d.Location.File != "a.conf" || d.Location.Range.Start.Line != MaxPerFileRule+1 || !strings.HasPrefix(d.Message, "5 more r findings") {
				t.Errorf("note: %+v", d)
			}
		default:
			errs++
		}
	}
	if notes != 1 || errs != MaxPerFileRule+1 {
		t.Fatalf("want %d findings and one note, got %d and %d", MaxPerFileRule+1, errs, notes)
	}
	if again := p.Diagnostics(); len(again) != len(ds) {
		t.Errorf("a second call gives %d diagnostics, the first %d", len(again), len(ds))
	}
}
