package output

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// workflowCommand is one line as the GitHub Actions runner reads it
// (ActionCommand.TryParseV2): "::name key=value,key=value::data", where the
// properties end at the first "::" and values and data are %-escaped.
type workflowCommand struct {
	name  string
	props map[string]string
	data  string
}

func parseWorkflowCommand(t *testing.T, line string) workflowCommand {
	t.Helper()
	if !strings.HasPrefix(line, "::") {
		t.Fatalf("not a workflow command: %q", line)
	}
	end := strings.Index(line[2:], "::")
	if end < 0 {
		t.Fatalf("workflow command without data separator: %q", line)
	}
	info, data := line[2:2+end], line[2+end+2:]
	name, propText, _ := strings.Cut(info, " ")
	unescapeProp := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%")
	unescapeData := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%")
	cmd := workflowCommand{name: name, props: map[string]string{}, data: unescapeData.Replace(data)}
	for _, kv := range strings.Split(propText, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("property %q without '=' in %q", kv, line)
		}
		if strings.ContainsAny(v, ":\r\n") {
			t.Errorf("property %s=%q keeps a character GitHub needs escaped", k, v)
		}
		cmd.props[k] = unescapeProp.Replace(v)
	}
	return cmd
}

func TestGitHubAnnotationsSyntaxAndEscaping(t *testing.T) {
	base := filepath.FromSlash("/repo")
	// A file name and message holding every character GitHub requires to
	// be escaped, and a multi-byte character before the flagged range so
	// that columns must be counted in characters, not bytes.
	file := filepath.FromSlash("/repo/etc/nginx/sites,enabled/a:b%20.conf")
	src := "server {\n  set $é \"x\"; gzip yes;\n}\n"
	lines := diag.NewLineIndex([]byte(src))
	gzipCol := strings.Index("  set $é \"x\"; gzip yes;", "gzip") + 1
	ds := []diag.Diagnostic{
		{
			Rule: "nginx-invalid-value", Severity: diag.Error,
			Message: "100% wrong: \"yes\"\r\nwant on, off::really",
			Location: diag.Location{File: file, Range: diag.Range{
				Start: diag.Pos{Line: 2, Column: gzipCol},
				End:   diag.Pos{Line: 2, Column: gzipCol + len("gzip yes;")},
			}},
			Related: []diag.Related{{Message: "set here", Location: diag.Location{File: file, Range: diag.Range{
				Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 7}}}}},
		},
		{
			Rule: "nginx-include-unreadable", Severity: diag.Warning, Message: "whole file",
			Location: diag.Location{File: file},
		},
		{
			Rule: "fpm-note", Severity: diag.Note, Message: "advice",
			Location: diag.Location{File: file, Range: diag.Range{Start: diag.Pos{Line: 3, Column: 1}, End: diag.Pos{Line: 3, Column: 2}}},
		},
	}
	var out bytes.Buffer
	err := Write(&out, ds, Options{Format: "github", Meta: Meta{BaseDir: base},
		Sources: func(p string) *diag.LineIndex {
			if p == file {
				return lines
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(ds) {
		t.Fatalf("want one command line per finding, got %d lines:\n%s", len(got), out.String())
	}

	first := parseWorkflowCommand(t, got[0])
	wantProps := map[string]string{
		"file": "etc/nginx/sites,enabled/a:b%20.conf", "line": "2", "endLine": "2",
		"col":       strconv.Itoa(utf8Col("  set $é \"x\"; gzip yes;", "gzip")),
		"endColumn": strconv.Itoa(utf8Col("  set $é \"x\"; gzip yes;", "gzip") + len("gzip yes;")),
		"title":     "fcgilint nginx-invalid-value",
	}
	if first.name != "error" {
		t.Errorf("command %q, want error", first.name)
	}
	for k, v := range wantProps {
		if first.props[k] != v {
			t.Errorf("%s=%q, want %q (line %q)", k, first.props[k], v, got[0])
		}
	}
	wantData := ds[0].Message + "\netc/nginx/sites,enabled/a:b%20.conf:1:1: set here"
	if first.data != wantData {
		t.Errorf("data decodes to %q, want %q", first.data, wantData)
	}

	whole := parseWorkflowCommand(t, got[1])
	if whole.name != "warning" || whole.props["file"] != wantProps["file"] {
		t.Errorf("file-level finding: %+v", whole)
	}
	if _, ok := whole.props["line"]; ok {
		t.Errorf("file-level finding carries line=%s", whole.props["line"])
	}
	if note := parseWorkflowCommand(t, got[2]); note.name != "notice" {
		t.Errorf("note written as %q, want notice", note.name)
	}
}

func TestGitHubAnnotationsNameTheFileOnDisk(t *testing.T) {
	base := filepath.FromSlash("/work/repo")
	ds := []diag.Diagnostic{{Rule: "nginx-syntax", Severity: diag.Error, Message: "m",
		Location: diag.Location{File: "/etc/nginx/nginx.conf", Range: diag.Range{Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 2}}}}}
	root := filepath.FromSlash("/work/repo/server1")
	var out bytes.Buffer
	err := Write(&out, ds, Options{Format: "github", Meta: Meta{BaseDir: base},
		DiskPath: func(p string) string { return filepath.Join(root, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if cmd := parseWorkflowCommand(t, strings.TrimSpace(out.String())); cmd.props["file"] != "server1/etc/nginx/nginx.conf" {
		t.Errorf("file=%q, want the repository path server1/etc/nginx/nginx.conf", cmd.props["file"])
	}
}

// utf8Col is the 1-based character column of needle in line.
func utf8Col(line, needle string) int {
	return len([]rune(line[:strings.Index(line, needle)])) + 1
}
