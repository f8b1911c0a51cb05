package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// writeGitHub prints workflow commands (::error file=…::message) that GitHub
// Actions turns into annotations on the pull request.
func writeGitHub(w io.Writer, ds []diag.Diagnostic, opts Options) error {
	for _, d := range ds {
		cmd := "notice"
		switch d.Severity {
		case diag.Error:
			cmd = "error"
		case diag.Warning:
			cmd = "warning"
		}
		s, e := d.Location.Range.Start, d.Location.Range.End
		if e.Line < s.Line || (e.Line == s.Line && e.Column < s.Column) {
			e = s
		}
		props := "file=" + escapeProp(rel(opts.Meta.BaseDir, opts.DiskPath(d.Location.File)))
		// A finding about a whole file (line 0) names no line; without
		// line= GitHub annotates the file itself.
		if s.Line > 0 {
			props += fmt.Sprintf(",line=%d,col=%d,endLine=%d,endColumn=%d", s.Line, runeCol(opts.Sources, d.Location.File, s),
				e.Line, runeCol(opts.Sources, d.Location.File, e))
		}
		props += ",title=" + escapeProp("fcgilint "+d.Rule)
		msg := d.Message
		for _, r := range d.Related {
			rs := r.Location.Range.Start
			msg += fmt.Sprintf("\n%s:%d:%d: %s", rel(opts.Meta.BaseDir, opts.DiskPath(r.Location.File)), rs.Line, runeCol(opts.Sources, r.Location.File, rs), r.Message)
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, escapeData(msg)); err != nil {
			return err
		}
	}
	return nil
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
