// Package nginx holds the agreement test between fcgilint and the real
// nginx (Debian's nginx 1.22.1, with every dynamic module Debian ships
// loaded). The cases are:
//
//   - every main configuration of the shared corpus (../shared/corpus/nginx:
//     each file fcgilint takes for a main configuration);
//   - every other nginx file of the corpus that no main configuration
//     includes, in a wrapper main configuration that includes it in the
//     context fcgilint infers for it;
//   - mutants derived deterministically from the main configurations: a
//     ";" dropped, a "}" dropped or added, a directive misspelled, moved to
//     another block, given one argument more or less, a quote broken.
//
// Each case is set up in a directory of its own (a copy of the
// configuration's directory) and given to `nginx -t -p DIR/ -c DIR/MAIN`
// and to `fcgilint check --root / --nginx-version 1.22.1 -f json
// DIR/MAIN`. The main file gets a load_module line for every installed
// module, written on its first line so that line numbers do not move. With
// --root /, fcgilint judges this machine as nginx does: its users, groups
// and files, and the host names nginx resolves at start (through this
// machine's resolver, as nginx's getaddrinfo does — see the
// nginx-host-not-found rule).
//
// The verdicts (any error, or none) must agree on every case, and for at
// least 95% of the cases nginx rejects naming a file and line, an fcgilint
// error must cover that line. The test prints the figures, and lists every
// disagreement.
//
// The test is skipped when nginx is not installed or the test does not run
// as root (nginx -t as root is what checks `user`, log files and the rest as
// the daemon would), unless FCGILINT_E2E=1, which makes a missing
// prerequisite a failure. FCGILINT_E2E_REPORT=FILE writes every case's
// outcome to FILE; FCGILINT_E2E_SEED and FCGILINT_E2E_SCALE derive other
// and more mutants, to look for disagreements beyond the fixed set.
package nginx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/fcgilint/fcgilint/e2e/internal/harness"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"

	// The CLI under test is built by TestMain, out of sight of go test's
	// cache: importing what it is made of makes a change to the rules or
	// the outputs invalidate a cached result of this test.
	_ "github.com/fcgilint/fcgilint/lint/output"
	_ "github.com/fcgilint/fcgilint/rules"
)

const (
	nginxBin     = "/usr/sbin/nginx"
	modulesDir   = "/usr/lib/nginx/modules"
	enabledDir   = "/etc/nginx/modules-enabled"
	nginxVersion = "1.22.1"
	// minLineAgreement is the share of rejected cases (with a line in
	// nginx's message) where an fcgilint error covers nginx's line.
	minLineAgreement = 0.95
	// minMutants is how many mutants the test must derive at least.
	minMutants = 500
)

var (
	fcgilintBin string // harness.Binary, built once by the first test
	skipReason  string // why the test cannot run here, "" when it can
	moduleLines string // the load_module lines prepended to every main config
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "fcgilint-e2e-nginx-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer os.RemoveAll(tmp)
	switch {
	case !exists(nginxBin):
		skipReason = nginxBin + " is not installed (apt-get install nginx and the libnginx-mod-* packages)"
	case os.Geteuid() != 0:
		skipReason = "nginx -t must run as root to check what the daemon checks (user, files)"
	default:
		if moduleLines, err = loadModuleLines(); err != nil {
			skipReason = err.Error()
		}
	}
	defer harness.Cleanup()
	return m.Run()
}

// requireEnv skips the test (or fails it when FCGILINT_E2E=1) when the
// environment cannot run it.
func requireEnv(t *testing.T) {
	t.Helper()
	if skipReason == "" {
		return
	}
	if os.Getenv("FCGILINT_E2E") == "1" {
		t.Fatalf("FCGILINT_E2E=1 but the nginx e2e test cannot run: %s", skipReason)
	}
	t.Skipf("skipping the nginx e2e test: %s (set FCGILINT_E2E=1 to make this a failure)", skipReason)
}

func moduleRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

func corpusDir() string {
	if d := os.Getenv("FCGILINT_CORPUS"); d != "" {
		return filepath.Join(d, "nginx")
	}
	return filepath.Join(moduleRoot(), "..", "shared", "corpus", "nginx")
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// loadModuleLines returns one line of load_module directives, one for every
// module installed in modulesDir, in the order Debian loads them: the
// priority prefix of the file in /etc/nginx/modules-enabled that loads it
// (10 for the NDK, which lua and set-misc need; 50 for most; 70 for stream
// submodules, which need the stream module), the same defaults for modules
// it does not list, then the name.
func loadModuleLines() (string, error) {
	sos, _ := filepath.Glob(filepath.Join(modulesDir, "*.so"))
	if len(sos) == 0 {
		return "", fmt.Errorf("no dynamic module in %s (install the libnginx-mod-* packages)", modulesDir)
	}
	prio := map[string]int{}
	confs, _ := filepath.Glob(filepath.Join(enabledDir, "*.conf"))
	loadRe := regexp.MustCompile(`load_module\s+(\S+?);`)
	for _, c := range confs {
		b, err := os.ReadFile(c)
		if err != nil {
			continue
		}
		p, err := strconv.Atoi(strings.SplitN(filepath.Base(c), "-", 2)[0])
		if err != nil {
			continue
		}
		for _, m := range loadRe.FindAllStringSubmatch(string(b), -1) {
			if _, seen := prio[filepath.Base(m[1])]; !seen {
				prio[filepath.Base(m[1])] = p
			}
		}
	}
	defaultPrio := func(so string) int {
		switch {
		case strings.HasPrefix(so, "ndk_"):
			return 10
		case strings.HasPrefix(so, "ngx_stream_") && so != "ngx_stream_module.so",
			strings.HasPrefix(so, "ngx_mail_") && so != "ngx_mail_module.so":
			return 70
		}
		return 50
	}
	type mod struct {
		so   string
		prio int
	}
	var mods []mod
	for _, s := range sos {
		so := filepath.Base(s)
		p, ok := prio[so]
		if !ok {
			p = defaultPrio(so)
		}
		mods = append(mods, mod{so, p})
	}
	sort.Slice(mods, func(i, j int) bool {
		if mods[i].prio != mods[j].prio {
			return mods[i].prio < mods[j].prio
		}
		return mods[i].so < mods[j].so
	})
	var b strings.Builder
	for _, m := range mods {
		fmt.Fprintf(&b, "load_module %s; ", filepath.Join(modulesDir, m.so))
	}
	return b.String(), nil
}

// A corpusConfig is one main configuration of the corpus, or a wrapper
// main configuration made for a file of the corpus that no main
// configuration includes (a site or snippet kept aside).
type corpusConfig struct {
	rel  string // path under the corpus, e.g. debian-12/nginx.conf
	dir  string // its directory, copied whole into each case
	main string // the main file's path relative to dir
	src  []byte
	// wrapped is set for a wrapper: the corpus file it includes, and the
	// context it includes it in.
	wrapped string
}

func findConfigs(t *testing.T) []corpusConfig {
	root := corpusDir()
	if !exists(root) {
		if os.Getenv("FCGILINT_E2E") == "1" {
			t.Fatalf("no corpus at %s", root)
		}
		t.Skipf("no corpus at %s", root)
	}
	var out []corpusConfig
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
			return nil // compressed archives, binaries
		}
		kind, main := discover.Classify(p, src)
		if kind != discover.Nginx || !main {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, corpusConfig{rel: filepath.ToSlash(rel), dir: filepath.Dir(p), main: filepath.Base(p), src: src})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return append(out, wrapOrphans(t, root, out)...)
}

// wrapperName is the main configuration written next to a file that no
// main configuration of the corpus includes.
const wrapperName = "fcgilint-e2e-wrapper.conf"

// wrapOrphans makes a case of every nginx file of the corpus that no main
// configuration reads: a wrapper main configuration includes it in the
// context its directives imply (fcgilint's inference, the one `fcgilint
// check` uses for a file given on its own), and both tools judge the
// wrapper. The wrapper lives in the nearest directory above the file that
// holds an nginx.conf (where the file's relative includes were written
// for), or in the file's own directory.
func wrapOrphans(t *testing.T, root string, mains []corpusConfig) []corpusConfig {
	covered := map[string]bool{}
	for _, m := range mains {
		cfg, _ := nginxconf.Load(filepath.Join(m.dir, m.main), nginxconf.Options{FS: &files.FS{}})
		for p := range cfg.Files {
			covered[p] = true
		}
	}
	var out []corpusConfig
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() || covered[p] {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
			return nil
		}
		if kind, main := discover.Classify(p, src); kind != discover.Nginx || main {
			return nil
		}
		dir := filepath.Dir(p)
		for d := dir; strings.HasPrefix(d, root) && d != root; d = filepath.Dir(d) {
			if exists(filepath.Join(d, "nginx.conf")) {
				dir = d
				break
			}
		}
		opts := nginxconf.Options{FS: &files.FS{}, ConfPrefix: dir}
		ctx := nginxconf.InferContext(func(c nginxconf.Context) *nginxconf.Config {
			cfg, _ := nginxconf.LoadIn(p, c, opts)
			return cfg
		}, func(nginxconf.Context) {}, nginxVersion)
		inc, _ := filepath.Rel(dir, p)
		rel, _ := filepath.Rel(root, p)
		out = append(out, corpusConfig{rel: filepath.ToSlash(rel) + " (in " + ctx.String() + ")", dir: dir, main: wrapperName,
			src: []byte(wrapperSource(ctx, inc)), wrapped: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wrapperSource is a main configuration that includes file in ctx.
func wrapperSource(ctx nginxconf.Context, file string) string {
	inc := fmt.Sprintf("include %s;", file)
	switch ctx {
	case nginxconf.CtxMain:
		return "events {}\n" + inc + "\n"
	case nginxconf.CtxEvent:
		return "events { " + inc + " }\n"
	case nginxconf.CtxHTTPSrv:
		return "events {}\nhttp { server { " + inc + " } }\n"
	case nginxconf.CtxHTTPLoc:
		return "events {}\nhttp { server { location / { " + inc + " } } }\n"
	case nginxconf.CtxHTTPUps:
		return "events {}\nhttp { upstream fcgilint_e2e { " + inc + " } }\n"
	case nginxconf.CtxStreamMain:
		return "events {}\nstream { " + inc + " }\n"
	case nginxconf.CtxStreamSrv:
		return "events {}\nstream { server { " + inc + " } }\n"
	case nginxconf.CtxStreamUps:
		return "events {}\nstream { upstream fcgilint_e2e { " + inc + " } }\n"
	case nginxconf.CtxMailMain:
		return "events {}\nmail { " + inc + " }\n"
	case nginxconf.CtxMailSrv:
		return "events {}\nmail { server { " + inc + " } }\n"
	}
	return "events {}\nhttp { " + inc + " }\n"
}

// A testCase is one configuration given to both tools: a corpus main
// configuration or a mutant of one.
type testCase struct {
	name   string
	config *corpusConfig
	src    []byte // the main file's content (before the load_module prefix)
	mutant string // what was mutated, "" for a corpus configuration
	// ofAccepted is set for a mutant of a configuration nginx accepts.
	ofAccepted bool
}

type nginxVerdict struct {
	ok      bool
	message string // the first [emerg] (or [alert], [crit]) line's text
	file    string // relative to the case directory (or absolute outside it)
	line    int    // 0 when nginx named no place
	output  string
}

type lintError struct {
	Rule    string
	Message string
	File    string
	Start   int
	End     int
}

type result struct {
	tc     *testCase
	nginx  nginxVerdict
	errors []lintError
	fail   string // a harness or tool failure, "" when both ran
}

var (
	emergRe = regexp.MustCompile(`\[(emerg|alert|crit)\] \d+#\d+: (.*)$`)
	inRe    = regexp.MustCompile(`^(.*) in (\S+):(\d+)$`)
)

// runCase sets the case up in its own directory and runs both tools.
func runCase(tc *testCase, work string) result {
	r := result{tc: tc}
	dir := filepath.Join(work, "case")
	if err := copyDir(tc.config.dir, dir); err != nil {
		r.fail = err.Error()
		return r
	}
	main := filepath.Join(dir, tc.config.main)
	// The modules go on line 1, before the original first line, so that
	// every line keeps its number.
	if err := os.WriteFile(main, append([]byte(moduleLines), tc.src...), 0o644); err != nil {
		r.fail = err.Error()
		return r
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nginxBin, "-t", "-p", dir+"/", "-c", main)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	r.nginx.output = string(out)
	if ctx.Err() != nil {
		r.fail = "nginx -t timed out"
		return r
	}
	r.nginx.ok = err == nil
	if !r.nginx.ok {
		for _, l := range strings.Split(string(out), "\n") {
			m := emergRe.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			r.nginx.message = m[2]
			if im := inRe.FindStringSubmatch(m[2]); im != nil {
				r.nginx.message = im[1]
				r.nginx.file = relTo(dir, im[2])
				r.nginx.line, _ = strconv.Atoi(im[3])
			}
			break
		}
		if r.nginx.message == "" {
			r.nginx.message = strings.TrimSpace(string(out))
		}
	}

	cmd = exec.CommandContext(ctx, fcgilintBin, "check", "--root", "/", "--nginx-version", nginxVersion, "-f", "json", main)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		r.fail = fmt.Sprintf("fcgilint exited with %d (%v): %s", code, err, stderr.String())
		return r
	}
	var rep struct {
		Diagnostics []struct {
			Rule     string
			Severity string
			Message  string
			Location struct {
				File  string
				Start struct{ Line int }
				End   struct{ Line int }
			}
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		r.fail = fmt.Sprintf("fcgilint's JSON: %v", err)
		return r
	}
	for _, d := range rep.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		r.errors = append(r.errors, lintError{Rule: d.Rule, Message: d.Message, File: relTo(dir, d.Location.File),
			Start: d.Location.Start.Line, End: d.Location.End.Line})
	}
	return r
}

// relTo names p relative to dir when it is inside it.
func relTo(dir, p string) string {
	if !filepath.IsAbs(p) {
		return filepath.ToSlash(filepath.Clean(p))
	}
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}

func copyDir(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, b, 0o644)
		}
		return nil
	})
}

// runAll runs the cases on a pool of workers, each with its own directory.
func runAll(t *testing.T, cases []*testCase) []result {
	work := t.TempDir()
	results := make([]result, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	workers := min(runtime.NumCPU(), 16)
	for w := 0; w < workers; w++ {
		wd := filepath.Join(work, strconv.Itoa(w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = runCase(cases[i], wd)
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// covers reports whether some fcgilint error is on nginx's file and line.
func (r *result) covers() bool {
	for _, e := range r.errors {
		if e.File == r.nginx.file && e.Start <= r.nginx.line && r.nginx.line <= e.End {
			return true
		}
	}
	return false
}

func (r *result) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", r.tc.name)
	if r.tc.mutant != "" {
		fmt.Fprintf(&b, " [%s]", r.tc.mutant)
	}
	if r.nginx.ok {
		b.WriteString("\n    nginx: accepted")
	} else {
		fmt.Fprintf(&b, "\n    nginx: %s", r.nginx.message)
		if r.nginx.line > 0 {
			fmt.Fprintf(&b, " (%s:%d)", r.nginx.file, r.nginx.line)
		}
	}
	if len(r.errors) == 0 {
		b.WriteString("\n    fcgilint: no error")
	}
	for _, e := range r.errors {
		fmt.Fprintf(&b, "\n    fcgilint: %s:%d-%d: %s [%s]", e.File, e.Start, e.End, e.Message, e.Rule)
	}
	return b.String()
}

func TestAgreementWithNginx(t *testing.T) {
	requireEnv(t)
	fcgilintBin = harness.Binary(t)
	configs := findConfigs(t)
	if len(configs) == 0 {
		t.Fatal("no nginx main configuration found in the corpus")
	}
	var cases []*testCase
	for i := range configs {
		c := &configs[i]
		cases = append(cases, &testCase{name: c.rel, config: c, src: c.src})
	}
	start := time.Now()
	base := runAll(t, cases)
	accepted := map[string]bool{}
	for _, r := range base {
		accepted[r.tc.config.rel] = r.fail == "" && r.nginx.ok
	}
	mutants := deriveMutants(configs, accepted)
	if len(mutants) < minMutants {
		t.Errorf("only %d mutants derived, want at least %d", len(mutants), minMutants)
	}
	results := append(base, runAll(t, mutants)...)

	// Figures for all cases and for each kind of case.
	type tally struct{ cases, agree, accepted, rejected, withLine, onLine int }
	groups := map[string]*tally{}
	var groupOrder = []string{"corpus main configurations", "corpus files no main configuration includes (wrapped)",
		"mutants of configurations nginx accepts", "mutants of configurations nginx rejects"}
	for _, g := range groupOrder {
		groups[g] = &tally{}
	}
	var all tally
	var disagreements, lineMisses, failures []string
	for i := range results {
		r := &results[i]
		if r.fail != "" {
			failures = append(failures, r.tc.name+": "+r.fail)
			continue
		}
		g := groupOrder[0]
		switch {
		case r.tc.mutant != "" && r.tc.ofAccepted:
			g = groupOrder[2]
		case r.tc.mutant != "":
			g = groupOrder[3]
		case r.tc.config.wrapped != "":
			g = groupOrder[1]
		}
		for _, t := range []*tally{&all, groups[g]} {
			t.cases++
			if (len(r.errors) == 0) == r.nginx.ok {
				t.agree++
			}
			switch {
			case r.nginx.ok:
				t.accepted++
			case r.nginx.line == 0:
				// nginx names no place for some errors (unknown
				// variables, a missing events block, certificates that
				// cannot be loaded): they count for the verdict only.
				t.rejected++
			default:
				t.rejected++
				t.withLine++
				if r.covers() {
					t.onLine++
				}
			}
		}
		if (len(r.errors) == 0) != r.nginx.ok {
			disagreements = append(disagreements, r.describe())
		} else if !r.nginx.ok && r.nginx.line > 0 && !r.covers() {
			lineMisses = append(lineMisses, r.describe())
		}
	}
	pct := func(a, b int) float64 {
		if b == 0 {
			return 100
		}
		return 100 * float64(a) / float64(b)
	}
	line := func(name string, t *tally) string {
		return fmt.Sprintf("%s: %d cases, nginx accepts %d and rejects %d (%d naming a line); verdict agreement %d/%d (%.2f%%); fcgilint error on nginx's line %d/%d (%.2f%%)",
			name, t.cases, t.accepted, t.rejected, t.withLine, t.agree, t.cases, pct(t.agree, t.cases), t.onLine, t.withLine, pct(t.onLine, t.withLine))
	}
	summary := line(fmt.Sprintf("nginx e2e (%s, %d configurations, %d mutants)", time.Since(start).Round(time.Second), len(configs), len(mutants)), &all)
	for _, g := range groupOrder {
		summary += "\n  " + line(g, groups[g])
	}
	fmt.Println(summary)
	t.Log(summary)
	withLine, onLine := all.withLine, all.onLine
	if path := os.Getenv("FCGILINT_E2E_REPORT"); path != "" {
		writeReport(t, path, results)
	}
	for _, f := range failures {
		t.Errorf("case could not run: %s", f)
	}
	if len(disagreements) > 0 {
		t.Errorf("%d verdicts differ from nginx's:\n  %s", len(disagreements), strings.Join(disagreements, "\n  "))
	}
	if pct(onLine, withLine) < 100*minLineAgreement {
		t.Errorf("fcgilint's errors miss nginx's line in %d of %d rejected cases (%.2f%% on the line, want ≥ %.0f%%):\n  %s",
			len(lineMisses), withLine, pct(onLine, withLine), 100*minLineAgreement, strings.Join(lineMisses, "\n  "))
	} else if len(lineMisses) > 0 {
		t.Logf("cases where no fcgilint error is on nginx's line:\n  %s", strings.Join(lineMisses, "\n  "))
	}
}

// writeReport writes every case, agreeing or not, to path (set
// FCGILINT_E2E_REPORT to get it), with the mutated files of the cases that
// disagree, for study.
func writeReport(t *testing.T, path string, results []result) {
	var b strings.Builder
	for i := range results {
		r := &results[i]
		status := "agree"
		switch {
		case r.fail != "":
			status = "FAIL " + r.fail
		case (len(r.errors) == 0) != r.nginx.ok:
			status = "VERDICT"
		case !r.nginx.ok && r.nginx.line > 0 && !r.covers():
			status = "LINE"
		}
		fmt.Fprintf(&b, "== %s: %s\n", status, r.describe())
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}
