package fpm_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	. "github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/rules"
)

// testdataDir holds one directory per case; see its README.md for the
// "; want" convention.
const testdataDir = "../../testdata/fpm"

// TestCases loads every case of testdata/fpm and checks that each expected
// diagnostic is reported and nothing else is.
func TestCases(t *testing.T) {
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		n++
		name := e.Name()
		t.Run(name, func(t *testing.T) { runCase(t, filepath.Join(testdataDir, name)) })
	}
	if n == 0 {
		t.Fatal("no test cases")
	}
}

// CaseOptions reads the "; fcgilint-test:" line of a case's main file and
// returns the options and the logical main path. Exported to the e2e test
// through LoadCase.
func caseOptions(dir string) (Options, string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Options{}, "", err
	}
	fs := &files.FS{Root: abs}
	for _, f := range []string{"passwd", "group", "hosts"} {
		if _, err := os.Stat(filepath.Join(abs, "etc", f)); err == nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(testdataDir, "_shared", "etc", f))
		if err != nil {
			return Options{}, "", err
		}
		fs.SetOverlay("/etc/"+f, b)
	}
	opts := Options{FS: fs, MasterIsRoot: true}
	main := "/php-fpm.conf"
	optionsFile, _ := os.ReadFile(filepath.Join(abs, "options"))
	{
		for _, kv := range strings.Fields(string(optionsFile)) {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "prefix":
				opts.Prefix = v
			case "compile-prefix":
				opts.CompilePrefix = v
			case "master-root":
				opts.MasterIsRoot = v == "yes"
			case "allow-root":
				opts.AllowRoot = v == "yes"
			case "env":
				name, val, _ := strings.Cut(v, "=")
				if opts.Env == nil {
					opts.Env = map[string]string{}
				}
				opts.Env[name] = val
			case "main":
				main = v
			default:
				return opts, "", fmt.Errorf("unknown test option %q", k)
			}
		}
	}
	return opts, main, nil
}

type expectation struct {
	file string
	line int // 0: a whole-file finding
	re   *regexp.Regexp
	met  bool
}

var wantRe = regexp.MustCompile(`;\s*want(-file)?\s+((?:"(?:[^"\\]|\\.)*"\s*)+)$`)
var quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// expectations reads the want comments of every file under dir.
func expectations(t *testing.T, dir string) []*expectation {
	var out []*expectation
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".conf") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		logical := "/" + filepath.ToSlash(rel)
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			m := wantRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			target := i + 1
			own := strings.HasPrefix(strings.TrimSpace(line), ";")
			if m[1] == "-file" {
				target = 0
			} else if own {
				// applies to the next line that is not a want comment
				j := i + 1
				for j < len(lines) && wantRe.MatchString(lines[j]) && strings.HasPrefix(strings.TrimSpace(lines[j]), ";") {
					j++
				}
				target = j + 1
			}
			for _, q := range quotedRe.FindAllString(m[2], -1) {
				// The text between the quotes is the regexp, with \" for a
				// quote; other backslashes are the regexp's own.
				s := strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
				re, err := regexp.Compile(s)
				if err != nil {
					t.Fatalf("%s:%d: bad want %s: %v", logical, i+1, q, err)
				}
				out = append(out, &expectation{file: logical, line: target, re: re})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runCase(t *testing.T, dir string) {
	opts, main, err := caseOptions(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, ds := Load(main, opts)
	wants := expectations(t, dir)
	var unexpected []string
	for _, d := range ds {
		if rules.Get(d.Rule) == nil {
			t.Errorf("diagnostic with unregistered rule %q: %s", d.Rule, d)
		}
		checkLocation(t, opts.FS, d)
		text := fmt.Sprintf("%s %s: %s", d.Severity, d.Rule, d.Message)
		line := d.Location.Range.Start.Line
		if r := d.Location.Range; r.Start.Offset == 0 && r.End.Offset == 0 {
			line = 0 // a whole-file finding ("; want-file")
		}
		found := false
		for _, w := range wants {
			if !w.met && w.file == d.Location.File && w.line == line && w.re.MatchString(text) {
				w.met, found = true, true
				break
			}
		}
		if !found {
			unexpected = append(unexpected, fmt.Sprintf("%s:%d: %s", d.Location.File, line, text))
		}
	}
	sort.Strings(unexpected)
	for _, u := range unexpected {
		t.Errorf("unexpected diagnostic: %s", u)
	}
	for _, w := range wants {
		if !w.met {
			t.Errorf("%s:%d: no diagnostic matched %q", w.file, w.line, w.re)
		}
	}
	if t.Failed() {
		for _, d := range ds {
			t.Logf("got: %s", d)
		}
	}
	checkModel(t, dir, cfg)
}

// checkLocation verifies that a diagnostic's range lies inside its file and
// that its fixes apply to real bytes.
func checkLocation(t *testing.T, fs *files.FS, d diag.Diagnostic) {
	t.Helper()
	src, err := fs.ReadFile(d.Location.File)
	if err != nil {
		t.Errorf("%s: location in unreadable file: %v", d, err)
		return
	}
	r := d.Location.Range
	if r.Start.Offset < 0 || r.End.Offset > len(src) || r.Start.Offset > r.End.Offset {
		t.Errorf("%s: range %d..%d outside the file (%d bytes)", d, r.Start.Offset, r.End.Offset, len(src))
	}
	for _, f := range d.Fixes {
		for _, e := range f.Edits {
			if e.Location.Range.End.Offset > len(src) {
				t.Errorf("%s: fix edit outside the file", d)
			}
		}
	}
}

// checkModel compares the effective model with the case's "model.txt",
// when it has one: lines "pool NAME FIELD VALUE".
func checkModel(t *testing.T, dir string, cfg *Config) {
	b, err := os.ReadFile(filepath.Join(dir, "model.txt"))
	if err != nil {
		return
	}
	byName := map[string]*Pool{}
	for _, p := range cfg.Pools {
		byName[p.Name] = p
	}
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] == "starts" {
			if got := strconv.FormatBool(cfg.Starts); got != f[1] {
				t.Errorf("model.txt:%d: starts = %s, want %s", i+1, got, f[1])
			}
			continue
		}
		if len(f) < 3 || f[0] != "pool" {
			t.Errorf("model.txt:%d: bad line", i+1)
			continue
		}
		p := byName[f[1]]
		if p == nil {
			t.Errorf("model.txt:%d: no pool %q", i+1, f[1])
			continue
		}
		want := strings.Join(f[3:], " ")
		if got := poolField(p, f[2]); got != want {
			t.Errorf("model.txt:%d: pool %s %s = %q, want %q", i+1, f[1], f[2], got, want)
		}
	}
}

func poolField(p *Pool, name string) string {
	switch name {
	case "listen.kind":
		return p.Listen.Kind.String()
	case "listen.path":
		return p.Listen.Path
	case "listen.addresses":
		return strings.Join(p.Listen.Addresses, ",")
	case "listen.family":
		return p.Listen.Family
	case "listen.port":
		return strconv.Itoa(p.Listen.Port)
	case "socket":
		return fmt.Sprintf("%s:%s %04o", p.Socket.Owner, p.Socket.Group, p.Socket.Mode)
	case "socket.ids":
		return fmt.Sprintf("%d:%d", p.Socket.OwnerUID, p.Socket.GroupGID)
	case "acl":
		return strings.Join(p.Socket.ACLUsers, ",") + "/" + strings.Join(p.Socket.ACLGroups, ",")
	case "allowed_clients":
		return strings.Join(p.AllowedClients, ",")
	case "user":
		return fmt.Sprintf("%s %d:%d", p.User.Value, p.UID, p.GID)
	case "pm":
		return fmt.Sprintf("%s %d %d %d %d", p.PM.Value, p.MaxChildren.Value, p.StartServers.Value, p.MinSpareServers.Value, p.MaxSpareServers.Value)
	case "timeouts":
		return fmt.Sprintf("%d %d", p.RequestTerminateTimeout.Value, p.RequestSlowlogTimeout.Value)
	case "limit_extensions":
		return strings.Join(p.LimitExtensions, " ")
	case "chroot":
		return p.Chroot.Value
	case "chdir":
		return p.Chdir.Value
	case "php_value":
		var kv []string
		for k, v := range p.PHPValues {
			kv = append(kv, k+"="+v.Value)
		}
		sort.Strings(kv)
		return strings.Join(kv, " ")
	case "env":
		var kv []string
		for k, v := range p.Env {
			kv = append(kv, k+"="+v.Value)
		}
		sort.Strings(kv)
		return strings.Join(kv, " ")
	case "starts":
		return strconv.FormatBool(p.Starts)
	case "fatal":
		return strconv.FormatBool(p.Fatal)
	case "listen.line":
		return strconv.Itoa(p.Listen.Location.Range.Start.Line)
	}
	return "?unknown field " + name
}
