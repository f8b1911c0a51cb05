package output

import (
	"encoding/json"
	"io"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// JSONVersion is the version of the JSON schema described in docs/json.md.
// It changes only when a field is removed or changes meaning.
const JSONVersion = 1

type jsonReport struct {
	Version     int              `json:"version"`
	Tool        jsonTool         `json:"tool"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Summary     jsonSummary      `json:"summary"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
}

type jsonPos struct {
	Line   int `json:"line"`   // 1-based
	Column int `json:"column"` // 1-based, in Unicode code points
	Offset int `json:"offset"` // 0-based, in bytes
}

type jsonLocation struct {
	File  string  `json:"file"`
	Start jsonPos `json:"start"`
	End   jsonPos `json:"end"`
}

type jsonRelated struct {
	Location jsonLocation `json:"location"`
	Message  string       `json:"message"`
}

type jsonEdit struct {
	Location jsonLocation `json:"location"`
	NewText  string       `json:"newText"`
}

type jsonFix struct {
	Title string     `json:"title"`
	Edits []jsonEdit `json:"edits"`
}

type jsonDiagnostic struct {
	Rule     string        `json:"rule"`
	Severity string        `json:"severity"`
	Message  string        `json:"message"`
	Location jsonLocation  `json:"location"`
	Related  []jsonRelated `json:"related"`
	Fixes    []jsonFix     `json:"fixes"`
	Docs     string        `json:"docs"`
}

func writeJSON(w io.Writer, ds []diag.Diagnostic, opts Options) error {
	loc := func(l diag.Location) jsonLocation {
		p := func(p diag.Pos) jsonPos {
			return jsonPos{Line: p.Line, Column: runeCol(opts.Sources, l.File, p), Offset: p.Offset}
		}
		return jsonLocation{File: rel(opts.Meta.BaseDir, l.File), Start: p(l.Range.Start), End: p(l.Range.End)}
	}
	rep := jsonReport{Version: JSONVersion, Tool: jsonTool{Name: "fcgilint", Version: opts.Meta.Version},
		Diagnostics: []jsonDiagnostic{}, Summary: jsonSummary{Files: opts.Meta.Files}}
	for _, d := range ds {
		jd := jsonDiagnostic{Rule: d.Rule, Severity: d.Severity.String(), Message: d.Message, Location: loc(d.Location),
			Related: []jsonRelated{}, Fixes: []jsonFix{}, Docs: helpURI(d.Rule)}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{Location: loc(r.Location), Message: r.Message})
		}
		for _, f := range d.Fixes {
			jf := jsonFix{Title: f.Title, Edits: []jsonEdit{}}
			for _, e := range f.Edits {
				jf.Edits = append(jf.Edits, jsonEdit{Location: loc(e.Location), NewText: e.NewText})
			}
			jd.Fixes = append(jd.Fixes, jf)
		}
		switch d.Severity {
		case diag.Error:
			rep.Summary.Errors++
		case diag.Warning:
			rep.Summary.Warnings++
		default:
			rep.Summary.Notes++
		}
		rep.Diagnostics = append(rep.Diagnostics, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
