// Package output writes diagnostics as text, JSON, SARIF 2.1.0 or GitHub
// workflow commands. Every format reads the same diag.Diagnostic values and
// converts positions to its own units from the source text.
package output

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/rules"
)

// Sources gives the line index of a file, for snippets and column units;
// nil when the file cannot be read.
type Sources func(path string) *diag.LineIndex

// Meta describes the run.
type Meta struct {
	Version string // fcgilint's version
	Commit  string
	// BaseDir is the directory paths are shown relative to (the repository
	// root or the working directory).
	BaseDir string
	Files   int // files checked
}

// Options for Write.
type Options struct {
	Format  string // text, json, sarif, github
	Color   bool
	Sources Sources
	Meta    Meta
	// DiskPath maps a diagnostic's path to where the file is on disk (under
	// --root, /etc/nginx/x is ROOT/etc/nginx/x): SARIF and GitHub annotations
	// must name the repository's file, not the target machine's. nil keeps
	// paths as they are.
	DiskPath func(string) string
}

// Formats are the accepted -f values.
var Formats = []string{"text", "json", "sarif", "github"}

// Write renders ds in the chosen format.
func Write(w io.Writer, ds []diag.Diagnostic, opts Options) error {
	if opts.Sources == nil {
		opts.Sources = func(string) *diag.LineIndex { return nil }
	}
	if opts.DiskPath == nil {
		opts.DiskPath = func(p string) string { return p }
	}
	switch opts.Format {
	case "", "text":
		return writeText(w, ds, opts)
	case "json":
		return writeJSON(w, ds, opts)
	case "sarif":
		return writeSARIF(w, ds, opts)
	case "github":
		return writeGitHub(w, ds, opts)
	}
	return fmt.Errorf("unknown format %q (want %s)", opts.Format, strings.Join(Formats, ", "))
}

// rel shows path relative to base when it lies under it.
func rel(base, path string) string {
	if base == "" {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	r, err := filepath.Rel(base, abs)
	if err != nil || strings.HasPrefix(r, "..") {
		return path
	}
	return filepath.ToSlash(r)
}

// runeCol is the 1-based character column of a position.
func runeCol(src Sources, file string, p diag.Pos) int {
	if x := src(file); x != nil {
		return x.RuneColumn(p.Line, p.Column)
	}
	return p.Column
}

func helpURI(rule string) string {
	if r := rules.Get(rule); r != nil {
		return r.HelpURI()
	}
	return rules.DocsBase + rule + ".md"
}

// FileSources reads files from disk on demand, for the CLI.
func FileSources(read func(string) ([]byte, error)) Sources {
	cache := map[string]*diag.LineIndex{}
	return func(path string) *diag.LineIndex {
		if x, ok := cache[path]; ok {
			return x
		}
		var x *diag.LineIndex
		if b, err := read(path); err == nil {
			x = diag.NewLineIndex(b)
		}
		cache[path] = x
		return x
	}
}
