package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fcgilint/fcgilint/lint/diag"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
)

// writeText prints actionlint-style findings:
//
//	path:line:col: severity: message [rule-id]
//	  |     fastcgi_pass unix:/run/php/php8.1-fpm.sock;
//	  |                  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// followed by the related locations and the rule's documentation link.
func writeText(w io.Writer, ds []diag.Diagnostic, opts Options) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	for _, d := range ds {
		file := rel(opts.Meta.BaseDir, d.Location.File)
		start := d.Location.Range.Start
		sev := d.Severity.String()
		switch d.Severity {
		case diag.Error:
			sev = paint(ansiBold+ansiRed, sev)
		case diag.Warning:
			sev = paint(ansiBold+ansiYellow, sev)
		default:
			sev = paint(ansiBold+ansiCyan, sev)
		}
		fmt.Fprintf(bw, "%s: %s: %s %s\n", paint(ansiBold, fmt.Sprintf("%s:%d:%d", file, start.Line, runeCol(opts.Sources, d.Location.File, start))),
			sev, d.Message, paint(ansiDim, "["+d.Rule+"]"))
		snippet(bw, opts, d.Location, paint)
		for _, r := range d.Related {
			rs := r.Location.Range.Start
			fmt.Fprintf(bw, "  %s %s:%d:%d: %s\n", paint(ansiCyan, "related:"), rel(opts.Meta.BaseDir, r.Location.File), rs.Line, runeCol(opts.Sources, r.Location.File, rs), r.Message)
			snippet(bw, opts, r.Location, paint)
		}
		for _, f := range d.Fixes {
			fmt.Fprintf(bw, "  %s %s\n", paint(ansiGreen, "fix:"), f.Title)
		}
		fmt.Fprintf(bw, "  %s %s\n", paint(ansiDim, "docs:"), paint(ansiDim, helpURI(d.Rule)))
	}
	return bw.Flush()
}

// snippet prints the first line of loc with a caret under its range.
func snippet(w io.Writer, opts Options, loc diag.Location, paint func(string, string) string) {
	x := opts.Sources(loc.File)
	if x == nil {
		return
	}
	s, e := loc.Range.Start, loc.Range.End
	line := x.Line(s.Line)
	if line == nil {
		return
	}
	// A minified or hostile file can have one huge line: show a window of
	// it around the range.
	const window = 160
	startByte, endByte := s.Column-1, len(line)
	if e.Line == s.Line {
		endByte = min(e.Column-1, len(line))
	}
	from := 0
	if startByte > window/2 {
		from = startByte - window/2
	}
	to := min(len(line), max(endByte, startByte+1)+window/2)
	shown := line[from:to]
	text := strings.ReplaceAll(string(shown), "\t", " ")
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "?")
	}
	startCol := utf8.RuneCount(line[from:min(max(startByte, from), to)]) + 1
	endCol := utf8.RuneCount(line[from:min(max(endByte, from), to)]) + 1
	if from > 0 {
		text = "…" + text
		startCol++
		endCol++
	}
	if to < len(line) {
		text += "…"
	}
	width := endCol - startCol
	if width < 1 {
		width = 1
	}
	fmt.Fprintf(w, "  %s %s\n", paint(ansiDim, "|"), text)
	fmt.Fprintf(w, "  %s %s%s\n", paint(ansiDim, "|"), strings.Repeat(" ", startCol-1), paint(ansiGreen, "^"+strings.Repeat("~", width-1)))
}
