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
		props := fmt.Sprintf("file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s",
			escapeProp(rel(opts.Meta.BaseDir, d.Location.File)), s.Line, runeCol(opts.Sources, d.Location.File, s),
			e.Line, runeCol(opts.Sources, d.Location.File, e), escapeProp("fcgilint "+d.Rule))
		msg := d.Message
		for _, r := range d.Related {
			rs := r.Location.Range.Start
			msg += fmt.Sprintf("\n%s:%d:%d: %s", rel(opts.Meta.BaseDir, r.Location.File), rs.Line, runeCol(opts.Sources, r.Location.File, rs), r.Message)
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
