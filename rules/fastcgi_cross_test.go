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
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/rules"
)

// TestCrossTestdata checks the nginx ↔ php-fpm rules against
// testdata/cross/<case>/, a machine's file system used as --root: nginx's
// /etc/nginx/nginx.conf, the php-fpm main configurations found where the
// profile (the options file, else /etc/os-release) puts them, and the
// accounts and hosts of /etc. Expectations are comments on the lines a
// finding covers, each argument a regular expression in Go's
// quoted-string syntax:
//
//	fastcgi_pass unix:/x.sock;  # want "fastcgi-pass-no-listener: error: .*"
//	listen = /x.sock            ; related "fastcgi-pass-no-listener"
//	fastcgi_pass unix:/y.sock:; # fix "unix:/y.sock"
//
// want is matched against "RULE: SEVERITY: MESSAGE" of a finding whose
// range covers the line; related against a finding that has a related
// location on the line; fix against the new text of a fix edit of a
// finding on the line. In php-fpm files a want on a line of its own
// applies to the next line that is not a comment. Every want must be
// matched and every finding wanted.
//
// An options file holds key=value lines: profile, nginx-user, nginx (the
// nginx main, default /etc/nginx/nginx.conf; "none" for none) and fpm
// (php-fpm mains, repeatable; "none" for none).
func TestCrossTestdata(t *testing.T) {
	base := filepath.Join("..", "testdata", "cross")
	dirs, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir, _ := filepath.Abs(filepath.Join(base, d.Name()))
		t.Run(d.Name(), func(t *testing.T) {
			pass := crossPass(t, dir)
			for _, dg := range pass.Diagnostics() {
				covered[dg.Rule] = true
			}
		})
	}
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "fastcgi-") || r.ID == "fpm-open-tcp" || r.ID == "fpm-world-writable-socket" {
			if !covered[r.ID] {
				t.Errorf("rule %s is not exercised by testdata/cross", r.ID)
			}
		}
	}
}

type crossOptions struct {
	profile, nginxUser, nginx string
	fpm                       []string
}

func readCrossOptions(t *testing.T, dir string) crossOptions {
	o := crossOptions{nginx: "/etc/nginx/nginx.conf"}
	b, err := os.ReadFile(filepath.Join(dir, "options"))
	if err != nil {
		return o
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		switch k {
		case "profile":
			o.profile = v
		case "nginx-user":
			o.nginxUser = v
		case "nginx":
			o.nginx = v
		case "fpm":
			o.fpm = append(o.fpm, v)
		default:
			t.Fatalf("options: unknown key %q", k)
		}
	}
	return o
}

func crossPass(t *testing.T, dir string) *lint.Pass {
	o := readCrossOptions(t, dir)
	fs := &files.FS{Root: dir}
	var found []discover.File
	if o.nginx != "none" {
		found = append(found, discover.File{Path: o.nginx, Kind: discover.Nginx, Main: true})
	}
	for _, m := range o.fpm {
		found = append(found, discover.File{Path: m, Kind: discover.FPM, Main: true})
	}
	// Without fpm= lines, the engine finds php-fpm where the profile keeps
	// it, as it does for a machine given with --root.
	pass := engine.Check(found, engine.Options{FS: fs, NginxVersion: "1.22.1", Profile: o.profile, NginxUser: o.nginxUser})
	var sources []string
	for p := range engine.Files(pass) {
		sources = append(sources, p)
	}
	sort.Strings(sources)
	var exps []*expectation
	seen := map[string]bool{}
	for _, p := range sources {
		if !seen[p] {
			seen[p] = true
			exps = append(exps, parseExpectations(t, fs, p)...)
		}
	}
	for _, d := range pass.Diagnostics() {
		text := fmt.Sprintf("%s: %s: %s", d.Rule, d.Severity, d.Message)
		wanted := false
		for _, e := range exps {
			switch e.kind {
			case "want":
				if e.covers(d.Location) && e.re.MatchString(text) {
					e.used, wanted = true, true
				}
			case "related":
				for _, r := range d.Related {
					if e.covers(r.Location) && e.re.MatchString(text) {
						e.used = true
					}
				}
			case "fix":
				if !e.covers(d.Location) {
					continue
				}
				for _, f := range d.Fixes {
					for _, ed := range f.Edits {
						if e.re.MatchString(ed.NewText) {
							e.used = true
						}
					}
				}
			}
		}
		if !wanted {
			t.Errorf("%s:%d: unexpected %s", d.Location.File, d.Location.Range.Start.Line, text)
		}
	}
	for _, e := range exps {
		if !e.used {
			t.Errorf("%s:%d: no finding matches %s %q", e.file, e.line, e.kind, e.re)
		}
	}
	return pass
}

type expectation struct {
	kind string // want, related, fix
	file string
	line int
	re   *regexp.Regexp
	used bool
}

func (e *expectation) covers(loc diag.Location) bool {
	return loc.File == e.file && loc.Range.Start.Line <= e.line && e.line <= max(loc.Range.End.Line, loc.Range.Start.Line)
}

// expectRe finds an expectation comment; kindRe splits it into kinds,
// each followed by its quoted regular expressions.
var (
	expectRe = regexp.MustCompile(`[#;]\s*((?:(?:want|related|fix)(?:\s+"(?:[^"\\]|\\.)*")+\s*)+)$`)
	kindRe   = regexp.MustCompile(`(want|related|fix)((?:\s+"(?:[^"\\]|\\.)*")+)`)
)

func parseExpectations(t *testing.T, fs *files.FS, path string) []*expectation {
	b, err := fs.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var out []*expectation
	for i, l := range lines {
		m := expectRe.FindStringSubmatchIndex(l)
		if m == nil {
			continue
		}
		line := i + 1
		if strings.TrimSpace(l[:m[0]]) == "" {
			// alone on its line: about the next line that is not a comment
			for j := i + 1; j < len(lines); j++ {
				if s := strings.TrimSpace(lines[j]); s != "" && s[0] != ';' && s[0] != '#' {
					line = j + 1
					break
				}
			}
		}
		for _, km := range kindRe.FindAllStringSubmatch(l[m[2]:m[3]], -1) {
			for _, q := range quotedRe.FindAllString(km[2], -1) {
				s, err := strconv.Unquote(q)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, i+1, err)
				}
				re, err := regexp.Compile(s)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, i+1, err)
				}
				out = append(out, &expectation{kind: km[1], file: path, line: line, re: re})
			}
		}
	}
	return out
}

// TestCrossRulesNeverPanic runs every rule over every nginx testdata file,
// broken ones included, with the pools of a cross case known, so that the
// cross-check walks fastcgi_pass, upstream, set and map forms it was not
// written for.
func TestCrossRulesNeverPanic(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", "testdata", "cross", "tcp-families"))
	fs := &files.FS{Root: root}
	fcfg, _ := fpm.Load("/etc/php/8.2/fpm/php-fpm.conf", fpm.Options{FS: fs, MasterIsRoot: true})
	confs, _ := filepath.Glob(filepath.Join("..", "testdata", "nginx*", "*", "*.conf"))
	if len(confs) == 0 {
		t.Fatal("no nginx testdata")
	}
	for _, c := range confs {
		abs, _ := filepath.Abs(c)
		cfg, _ := nginxconf.Load(abs, nginxconf.Options{FS: &files.FS{}})
		pass := &lint.Pass{FS: fs, Nginx: []*nginxconf.Config{cfg}, FPM: []*fpm.Config{fcfg}, NginxVersion: "1.22.1", Profile: "debian"}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", c, r)
				}
			}()
			rules.Run(pass)
		}()
	}
}
