// Package fastcgie2e is the end-to-end oracle of fcgilint's nginx ↔
// php-fpm cross-checks: every scenario of testdata/scenarios (a small
// nginx + php-fpm tree, see its README.md) is run on the real daemons —
// php-fpm 8.2 as a root master in the foreground, as distribution services
// run it, and nginx, both on loopback in a temporary directory with free
// ports — and a PHP page is requested through nginx as a browser would.
//
// Two things are asserted for every scenario:
//
//  1. the daemons do what the scenario says they do (its expect: line, and
//     the php-fpm state and log lines it names), so that a scenario proves
//     what it claims rather than failing for an unrelated reason;
//  2. fcgilint, run on the same rendered files, agrees: it reports an
//     error exactly when the browser does not get the page (any status
//     but 200, or a daemon that refused to start).
//
// The daemons, like fcgilint, read this machine's /etc/passwd, /etc/group
// and /etc/hosts. A scenario that needs another group membership or hosts
// line gets a private copy bind-mounted in a mount namespace of its own
// (unshare), shared by its daemons and by fcgilint; the host's files are
// never modified.
//
// Environment:
//
//	FCGILINT_E2E=1              fail, instead of skipping, when nginx,
//	                            php-fpm8.2, unshare or root are missing
//	FCGILINT_E2E_REPORT_ONLY=1  report fcgilint's disagreements without
//	                            failing (the daemons must still behave as
//	                            the scenarios say)
//	FCGILINT_E2E_SCENARIO=NAME  run that scenario only and keep its
//	                            temporary directory for inspection
package fastcgie2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/fcgilint/fcgilint/e2e/internal/harness"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	// The CLI under test is built by TestMain, out of sight of go test's
	// cache: importing what it is made of makes a change to the rules or
	// the outputs invalidate a cached result of this test.
	_ "github.com/fcgilint/fcgilint/lint/output"
	_ "github.com/fcgilint/fcgilint/rules"
)

const (
	fpmBin   = "php-fpm8.2"
	nginxBin = "nginx"
)

var (
	fcgilintBin string // harness.Binary, built once by the first test
	skipReason  string // why the suite cannot run here, "" when it can
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	switch {
	case os.Geteuid() != 0:
		skipReason = "it must run as root (php-fpm's master runs as root, as distribution services do; nginx switches to its user)"
	default:
		for _, tool := range []string{nginxBin, fpmBin, "unshare", "mount"} {
			if _, err := exec.LookPath(tool); err != nil {
				skipReason = tool + " is not installed (Debian: apt-get install nginx php8.2-fpm util-linux mount)"
				break
			}
		}
	}
	defer harness.Cleanup()
	return m.Run()
}

func moduleRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

func requireEnv(t *testing.T) {
	t.Helper()
	if skipReason == "" {
		return
	}
	if os.Getenv("FCGILINT_E2E") == "1" {
		t.Fatalf("FCGILINT_E2E=1 but the FastCGI oracle suite cannot run: %s", skipReason)
	}
	t.Skipf("skipping the FastCGI oracle suite: %s (set FCGILINT_E2E=1 to make this a failure)", skipReason)
}

// minScenarios is the size of the suite issue 4 asks for.
const minScenarios = 40

// result is one scenario's row of the report.
type result struct {
	sc      *scenario
	skipped string // why the scenario did not run
	run     daemonRun
	lint    lintVerdict
	setup   error // the harness could not run the scenario
}

func (r *result) agrees() bool { return r.run.fails() == r.lint.fails }

func TestOracle(t *testing.T) {
	requireEnv(t)
	fcgilintBin = harness.Binary(t)
	scenarios, err := loadScenarios(filepath.Join(moduleRoot(), "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	only := os.Getenv("FCGILINT_E2E_SCENARIO")
	if only != "" && !hasScenario(scenarios, only) {
		t.Fatalf("FCGILINT_E2E_SCENARIO=%s: no such scenario under testdata/scenarios", only)
	}
	if only == "" && len(scenarios) < minScenarios {
		t.Errorf("only %d scenarios under testdata/scenarios, want at least %d", len(scenarios), minScenarios)
	}
	reportOnly := os.Getenv("FCGILINT_E2E_REPORT_ONLY") == "1"

	base, err := os.MkdirTemp("", "fcgilint-e2e-fastcgi-")
	if err != nil {
		t.Fatal(err)
	}
	if only != "" {
		t.Logf("keeping the scenario's temporary directory: %s", filepath.Join(base, only))
	} else {
		t.Cleanup(func() { os.RemoveAll(base) })
	}
	// MkdirTemp makes base 0700; the nginx worker (www-data) and the pool
	// users must traverse it to reach sockets and scripts. Scenarios that
	// test directory permissions set their own modes below it.
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkTraversable(base); err != nil {
		t.Fatal(err)
	}
	aclReason := aclUnsupported(base)
	ipv6Reason := ""
	if !hasNonLoopbackIPv6() {
		ipv6Reason = "this machine has no IPv6 address besides ::1, so nginx's getaddrinfo (AI_ADDRCONFIG) resolves host names to IPv4 only"
	}

	start := time.Now()
	var results []*result
	for _, sc := range scenarios {
		if only != "" && sc.name != only {
			continue
		}
		r := &result{sc: sc}
		t.Run(sc.name, func(t *testing.T) {
			// Only the subtests -run selects get here and into the report.
			results = append(results, r)
			if sc.needsACL && aclReason != "" {
				r.skipped = aclReason
				t.Skipf("needs POSIX ACLs: %s", aclReason)
			}
			if sc.needsIPv6 && ipv6Reason != "" {
				r.skipped = ipv6Reason
				t.Skipf("needs a non-loopback IPv6 address: %s", ipv6Reason)
			}
			runScenario(t, filepath.Join(base, sc.name), r, reportOnly)
		})
	}
	report(t, results, time.Since(start))
}

func hasScenario(scenarios []*scenario, name string) bool {
	for _, sc := range scenarios {
		if sc.name == name {
			return true
		}
	}
	return false
}

func runScenario(t *testing.T, root string, r *result, reportOnly bool) {
	sc := r.sc
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := newPlaceholders(root)
	if err == nil {
		err = sc.materialize(root, p)
	}
	var mounts [][2]string
	if err == nil {
		mounts, err = sc.overlays(root)
	}
	if err == nil {
		r.run, err = runDaemons(root, sc, p, mounts, t.Cleanup)
	}
	if err != nil {
		r.setup = err
		t.Fatalf("%s: %v", sc.name, err)
	}

	// (1) The daemons must show what the scenario says.
	got := r.run.outcome()
	var wrong []string
	if got != sc.expect {
		wrong = append(wrong, fmt.Sprintf("the browser got %s, the scenario expects %s", got, sc.expect))
	}
	if sc.expectFPM != "" && r.run.fpmState() != sc.expectFPM {
		wrong = append(wrong, fmt.Sprintf("php-fpm %s, the scenario expects it %s", r.run.fpmState(), sc.expectFPM))
	}
	for _, want := range sc.nginxLog {
		if want, _ = p.render(want); !strings.Contains(r.run.nginxLogs, want) {
			wrong = append(wrong, fmt.Sprintf("nginx's logs lack %q", want))
		}
	}
	for _, want := range sc.fpmLog {
		if want, _ = p.render(want); !strings.Contains(r.run.fpmLogs, want) {
			wrong = append(wrong, fmt.Sprintf("php-fpm's logs lack %q", want))
		}
	}
	if len(wrong) > 0 {
		t.Errorf("%s: the daemons do not do what the scenario says (%s):\n  %s\n--- php-fpm:\n%s--- nginx:\n%s",
			sc.name, sc.what, strings.Join(wrong, "\n  "), tail(r.run.fpmLogs), tail(r.run.nginxLogs))
	}

	// (2) fcgilint must agree with the daemons.
	prefix, _ := p.render(sc.fpmPrefix)
	r.lint = runFcgilint(root, sc, prefix, mounts)
	if r.lint.err != nil {
		t.Errorf("%s: fcgilint could not judge the scenario: %v", sc.name, r.lint.err)
		return
	}
	if !r.agrees() {
		msg := fmt.Sprintf("%s: fcgilint disagrees with the daemons: browser %s (php-fpm %s), fcgilint %s\n  scenario: %s\n  nginx log: %s",
			sc.name, got, r.run.fpmState(), r.lint.summary(), sc.what, lastLine(r.run.nginxLogs))
		if reportOnly {
			t.Log(msg)
		} else {
			t.Error(msg)
		}
	}
}

// lintVerdict is fcgilint's judgement of a scenario.
type lintVerdict struct {
	fails  bool
	errors []string // "rule: message" of every error-severity finding
	err    error    // fcgilint could not judge (usage error, crash, bad JSON)
}

func (v lintVerdict) summary() string {
	if v.err != nil {
		return "could not judge"
	}
	if !v.fails {
		return "no error"
	}
	return "error: " + strings.Join(v.errors, "; ")
}

func (v lintVerdict) rules() string {
	if v.err != nil {
		return "(failed)"
	}
	if !v.fails {
		return "ok"
	}
	seen := map[string]bool{}
	var ids []string
	for _, e := range v.errors {
		id, _, _ := strings.Cut(e, ":")
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return "error " + strings.Join(ids, ",")
}

// runFcgilint runs the CLI on the rendered main configurations, in the
// same mount namespace view as the daemons, with the prefixes they got.
//
// --root / tells fcgilint that the machine it runs on is the one the
// daemons run on (they do: same /etc/passwd, /etc/group, /etc/hosts and
// files). Without it, fcgilint takes the configuration to be meant for
// another machine and reports what depends on the machine (unknown users
// and groups, host names) as warnings, not errors.
func runFcgilint(root string, sc *scenario, fpmPrefix string, mounts [][2]string) lintVerdict {
	args := []string{fcgilintBin, "check", "-f", "json", "--root", "/", "--nginx-prefix", root + "/"}
	if fpmPrefix != "" {
		args = append(args, "--fpm-prefix", fpmPrefix)
	}
	args = append(args, filepath.Join(root, sc.nginxMain), filepath.Join(root, sc.fpmMain))
	argv := wrap(mounts, args)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return lintVerdict{err: fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))}
	}
	var report struct {
		Diagnostics []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		return lintVerdict{err: fmt.Errorf("reading fcgilint's JSON: %v", err)}
	}
	var v lintVerdict
	for _, d := range report.Diagnostics {
		if d.Severity == "error" {
			v.fails = true
			v.errors = append(v.errors, d.Rule+": "+d.Message)
		}
	}
	return v
}

// report prints the table of every scenario and the figures.
func report(t *testing.T, results []*result, took time.Duration) {
	var b bytes.Buffer
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "scenario\texpected\tgot\tphp-fpm\tfcgilint\tagree")
	ran, asExpected, agree := 0, 0, 0
	var failing, failingAgree, passing, passingAgree int
	for _, r := range results {
		sc := r.sc
		switch {
		case r.skipped != "":
			fmt.Fprintf(w, "%s\t%s\t(skipped)\t\t\t\n", sc.name, sc.expect)
			continue
		case r.setup != nil:
			fmt.Fprintf(w, "%s\t%s\t(harness error)\t\t\t\n", sc.name, sc.expect)
			continue
		}
		ran++
		got := r.run.outcome()
		if got == sc.expect {
			asExpected++
		}
		mark := "no"
		if r.lint.err == nil && r.agrees() {
			mark = "yes"
			agree++
		}
		if r.run.fails() {
			failing++
			if mark == "yes" {
				failingAgree++
			}
		} else {
			passing++
			if mark == "yes" {
				passingAgree++
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", sc.name, sc.expect, got, r.run.fpmState(), r.lint.rules(), mark)
	}
	w.Flush()
	pct := 0.0
	if ran > 0 {
		pct = 100 * float64(agree) / float64(ran)
	}
	figures := fmt.Sprintf("%d scenarios, %d run (%d skipped), %d as their authors expect; fcgilint agrees on %d/%d (%.1f%%): %d/%d scenarios where the page fails, %d/%d where it loads; %v",
		len(results), ran, len(results)-ran, asExpected, agree, ran, pct, failingAgree, failing, passingAgree, passing, took.Round(time.Second))
	// The table goes to stdout unindented, to be read; the figures to the
	// test log too.
	fmt.Print(b.String() + "\n" + figures + "\n")
	t.Log(figures)
}

// checkTraversable makes sure every directory above dir lets others
// search it, since the nginx worker must reach the scenario's sockets.
func checkTraversable(dir string) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s is not searchable by other users (mode %v): the nginx worker could not reach the scenarios; set TMPDIR to a directory it can traverse", d, st.Mode().Perm())
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// aclUnsupported says why POSIX ACLs cannot be set under dir ("" when
// they can): php-fpm's listen.acl_users/acl_groups call acl_set_file on
// the socket, which fails on filesystems without ACL support (and some
// sandboxes, such as gVisor, have none).
func aclUnsupported(dir string) string {
	if _, err := exec.LookPath("setfacl"); err != nil {
		return "setfacl is not installed (apt-get install acl) to probe ACL support"
	}
	probe := filepath.Join(dir, ".acl-probe")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return err.Error()
	}
	defer os.Remove(probe)
	if out, err := exec.Command("setfacl", "-m", "u:www-data:rw", probe).CombinedOutput(); err != nil {
		return fmt.Sprintf("the filesystem of %s does not take POSIX ACLs: setfacl: %s", dir, strings.TrimSpace(string(out)))
	}
	out, err := exec.Command("getfacl", "-c", probe).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "user:www-data:rw") {
		return fmt.Sprintf("the filesystem of %s accepted an ACL but does not keep it", dir)
	}
	return ""
}

// hasNonLoopbackIPv6 tells whether glibc's getaddrinfo, with the
// AI_ADDRCONFIG nginx passes, returns IPv6 addresses: glibc counts every
// configured IPv6 address but ::1.
func hasNonLoopbackIPv6() bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() == nil && !ipn.IP.IsLoopback() {
			return true
		}
	}
	return false
}

func tail(logs string) string {
	lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n") + "\n"
}

func lastLine(logs string) string {
	lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
	// The last [error]/[crit]/[emerg] line says why the page failed.
	for i := len(lines) - 1; i >= 0; i-- {
		for _, level := range []string{"[emerg]", "[crit]", "[error]"} {
			if strings.Contains(lines[i], level) {
				return lines[i]
			}
		}
	}
	return "(none)"
}
