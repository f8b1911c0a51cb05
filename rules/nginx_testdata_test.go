package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/rules"
)

// TestNginxTestdata checks the rules against testdata/nginx/<rule>/: every
// *.conf file directly in a rule's directory is a main configuration
// (files in its subdirectories are only included), and its comments say
// what must be reported:
//
//	listen 80 foo;  # want "invalid parameter"   a finding on this line
//	# want@next "unexpected"                      a finding on the next line
//	                                              that is not a comment (for
//	                                              lines a trailing comment
//	                                              would change: inside Lua,
//	                                              after an open quote, …)
//	# want@12 "no \"events\""                      a finding on line 12
//
// Each quoted argument is a regular expression (in Go's quoted-string
// syntax), matched against "RULE: SEVERITY: MESSAGE" of a diagnostic whose
// range covers that line; a line may carry several. Every want must be
// matched, and every diagnostic must match a want: a testdata file holds
// no problem other than those it announces.
//
// A rule directory may hold a `root` directory, used as --root (the
// target machine's /etc/passwd, /etc/hosts, certificates…); without one,
// the rules run as without --root. The nginx version is 1.22.1 unless
// the directory has a `version` file.
func TestNginxTestdata(t *testing.T) {
	base := filepath.Join("..", "testdata", "nginx")
	dirs, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(base, d.Name())
		confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		if len(confs) == 0 {
			t.Errorf("%s: no *.conf file", dir)
		}
		for _, c := range confs {
			c := c
			t.Run(d.Name()+"/"+filepath.Base(c), func(t *testing.T) {
				checkTestdata(t, dir, c)
			})
		}
		covered[d.Name()] = true
	}
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "nginx-") && !covered[r.ID] {
			t.Errorf("rule %s has no testdata/nginx/%s directory", r.ID, r.ID)
		}
	}
}

type want struct {
	file string
	line int
	re   *regexp.Regexp
	used bool
}

var wantRe = regexp.MustCompile(`#\s*want(@next|@\d+)?((?:\s+"(?:[^"\\]|\\.)*")+)\s*$`)
var quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// parseWants reads the want comments of one file.
func parseWants(t *testing.T, path string) []*want {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var out []*want
	for i, l := range lines {
		m := wantRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		line := i + 1
		switch {
		case m[1] == "@next":
			line = 0
			for j := i + 1; j < len(lines); j++ {
				if s := strings.TrimSpace(lines[j]); s != "" && !strings.HasPrefix(s, "#") {
					line = j + 1
					break
				}
			}
			if line == 0 {
				t.Fatalf("%s:%d: want@next with no line after it", path, i+1)
			}
		case strings.HasPrefix(m[1], "@"):
			line, _ = strconv.Atoi(m[1][1:])
		}
		for _, q := range quotedRe.FindAllString(m[2], -1) {
			s, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			re, err := regexp.Compile(s)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			out = append(out, &want{file: path, line: line, re: re})
		}
	}
	return out
}

func checkTestdata(t *testing.T, dir, path string) {
	fs := &files.FS{}
	if root := filepath.Join(dir, "root"); isDir(root) {
		abs, err := filepath.Abs(root)
		if err != nil {
			t.Fatal(err)
		}
		fs.Root = abs
	}
	version := "1.22.1"
	if b, err := os.ReadFile(filepath.Join(dir, "version")); err == nil {
		version = strings.TrimSpace(string(b))
	}
	cfg, loadDiags := nginxconf.Load(path, nginxconf.Options{FS: fs})
	pass := &lint.Pass{FS: fs, Nginx: []*nginxconf.Config{cfg}, NginxVersion: version}
	rules.Run(pass)
	for _, d := range loadDiags {
		pass.Report(d)
	}
	var wants []*want
	var paths []string
	for p := range cfg.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		wants = append(wants, parseWants(t, p)...)
	}
	for _, d := range pass.Diagnostics() {
		text := fmt.Sprintf("%s: %s: %s", d.Rule, d.Severity, d.Message)
		matched := false
		for _, w := range wants {
			if w.file == d.Location.File && d.Location.Range.Start.Line <= w.line && w.line <= max(d.Location.Range.End.Line, d.Location.Range.Start.Line) && w.re.MatchString(text) {
				w.used, matched = true, true
			}
		}
		if !matched {
			t.Errorf("%s:%d: unexpected %s", d.Location.File, d.Location.Range.Start.Line, text)
		}
	}
	for _, w := range wants {
		if !w.used {
			t.Errorf("%s:%d: no finding matches %q", w.file, w.line, w.re)
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
