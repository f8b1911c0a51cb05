// Package sarife2e validates fcgilint's SARIF output with Microsoft's SARIF
// Multitool, with the rule kinds GitHub code scanning checks on upload
// (`validate --rule-kind "Sarif;Gh"`): a log must draw no error and no
// warning, whether it has findings, findings whose related locations are in
// other files, or no findings at all.
//
// The Multitool comes from npm, pinned by ci/sarif/package-lock.json, and is
// installed with `npm ci` into the user's cache directory
// (fcgilint/sarif-multitool-HASH). Without it the test skips, unless
// FCGILINT_E2E=1, which installs it (and fails when that is impossible).
// FCGILINT_SARIF_MULTITOOL names an installed Sarif.Multitool executable
// instead.
package sarife2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/e2e/internal/harness"
)

func TestMain(m *testing.M) {
	code := m.Run()
	harness.Cleanup()
	os.Exit(code)
}

// sarifCase is one fcgilint run whose log the Multitool validates.
type sarifCase struct {
	name string
	dir  string   // working directory: paths in the log are relative to it
	args []string // after "check -f sarif -o LOG"
	// check says what the log must hold for the case to test what it
	// claims (findings, a cross-file related location, none at all).
	check func(t *testing.T, log sarifLog)
}

func TestMultitoolFindsNoErrorOrWarning(t *testing.T) {
	multitool := findMultitool(t)
	bin := harness.Binary(t)
	root := harness.RepoRoot(t)
	work := t.TempDir()

	clean := filepath.Join(work, "clean")
	harness.WriteTree(t, clean, harness.DebianTree())

	// Cross-file findings: the site repeats a directive its snippet sets
	// (related location in the snippet) and passes PHP to a socket that
	// no pool listens on (related locations in php-fpm's files once the
	// cross-checks report them).
	crossFile := filepath.Join(work, "cross-file")
	tree := harness.DebianTree()
	tree["etc/nginx/sites-enabled/app"] = strings.Replace(harness.SiteApp,
		"fastcgi_pass unix:/run/php/php8.2-fpm.sock;",
		"fastcgi_index index.php;\n\t\tfastcgi_pass unix:/run/php/php8.1-fpm.sock;", 1)
	harness.WriteTree(t, crossFile, tree)

	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}

	cases := []sarifCase{
		{name: "clean", dir: clean, args: []string{"."}, check: wantResults(false, false)},
		{name: "cross-file", dir: crossFile, args: []string{"."}, check: wantResults(true, true)},
		// Under --root the findings name /etc/nginx/…; the log must name
		// the repository's files, examples/debian/etc/nginx/….
		{name: "debian-root", dir: root, args: []string{"--root", "examples/debian"}, check: wantResults(true, true)},
		// Without --root, the tree's absolute includes it lacks are read
		// from the host, whose files lie outside the repository.
		{name: "debian-tree", dir: root, args: []string{"examples/debian"}, check: wantResults(true, false)},
		{name: "no-configuration", dir: empty, args: []string{"."}, check: wantResults(false, false)},
	}
	var logs []string
	for _, c := range cases {
		logPath := filepath.Join(work, c.name+".sarif")
		cmd := exec.Command(bin, append([]string{"check", "-f", "sarif", "-o", logPath}, c.args...)...)
		cmd.Dir = c.dir
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
			t.Fatalf("%s: fcgilint exited %d (%v): %s", c.name, code, err, out)
		}
		raw, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var log sarifLog
		if err := json.Unmarshal(raw, &log); err != nil || len(log.Runs) != 1 {
			t.Fatalf("%s: not a one-run SARIF log (%v):\n%s", c.name, err, raw)
		}
		t.Run(c.name, func(t *testing.T) { c.check(t, log) })
		logs = append(logs, logPath)
	}

	report := filepath.Join(work, "multitool.sarif")
	cmd := exec.Command(multitool, append([]string{"validate", "--rule-kind", "Sarif;Gh", "-o", report}, logs...)...)
	// The Multitool is a .NET program: without ICU it stops unless told
	// to use the invariant culture, which is all validation needs.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	stdout, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Sarif.Multitool validate: %v\n%s", err, stdout)
	}
	// The Multitool exits 0 whatever it finds: its own SARIF report is the
	// verdict.
	errors, warnings, problems := countReport(t, report)
	t.Logf("SARIF Multitool (Sarif;Gh) on %d logs: %d errors, %d warnings", len(logs), errors, warnings)
	if errors+warnings > 0 {
		t.Errorf("SARIF Multitool: %d errors, %d warnings:\n%s\n\nMultitool output:\n%s",
			errors, warnings, strings.Join(problems, "\n"), stdout)
	}
}

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string
					DefaultConfiguration struct{ Level string }
					MessageStrings       map[string]struct{ Text string }
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []struct {
				Level   string
				Message struct{ Text string }
			}
			ToolConfigurationNotifications []struct {
				Level   string
				Message struct{ Text string }
			}
		}
		Results []sarifResult
	}
}

type sarifResult struct {
	RuleID    string
	RuleIndex *int
	Level     string
	Message   struct {
		Text      string
		ID        string
		Arguments []string
	}
	Locations        []sarifLocation
	RelatedLocations []sarifLocation
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct{ URI string }
	}
}

// wantResults checks that a log has findings or none, and, with crossFile,
// that every location is relative to the repository and some finding has a
// related location in a file other than its own.
func wantResults(findings, crossFile bool) func(t *testing.T, log sarifLog) {
	return func(t *testing.T, log sarifLog) {
		results := log.Runs[0].Results
		if findings != (len(results) > 0) {
			t.Fatalf("want findings=%v, got %d results", findings, len(results))
		}
		if !crossFile {
			return
		}
		for _, r := range results {
			for _, l := range append(r.Locations, r.RelatedLocations...) {
				if uri := l.PhysicalLocation.ArtifactLocation.URI; strings.HasPrefix(uri, "file:") || strings.HasPrefix(uri, "/") {
					t.Errorf("%s: location %q is not relative to the repository", r.RuleID, uri)
				}
			}
		}
		for _, r := range results {
			if len(r.Locations) == 0 {
				continue
			}
			own := r.Locations[0].PhysicalLocation.ArtifactLocation.URI
			for _, rl := range r.RelatedLocations {
				if rl.PhysicalLocation.ArtifactLocation.URI != own {
					return
				}
			}
		}
		t.Fatalf("no result has a related location in another file: %+v", results)
	}
}

// countReport reads the Multitool's report: a result's level is its own,
// else its rule's default, else SARIF's default, warning. Failed runs and
// error notifications count as errors, since they mean a log went
// unchecked.
func countReport(t *testing.T, path string) (errors, warnings int, problems []string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the Multitool wrote no report: %v", err)
	}
	var report sarifLog
	if err := json.Unmarshal(raw, &report); err != nil || len(report.Runs) == 0 {
		t.Fatalf("the Multitool's report is not SARIF (%v):\n%s", err, raw)
	}
	for _, run := range report.Runs {
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				errors++
				problems = append(problems, "the Multitool's run failed")
			}
			for _, n := range append(inv.ToolExecutionNotifications, inv.ToolConfigurationNotifications...) {
				if n.Level == "error" {
					errors++
					problems = append(problems, "notification: "+n.Message.Text)
				}
			}
		}
		rules := run.Tool.Driver.Rules
		for _, r := range run.Results {
			level := r.Level
			ruleIdx := -1
			if r.RuleIndex != nil && *r.RuleIndex < len(rules) {
				ruleIdx = *r.RuleIndex
			} else {
				for i, rule := range rules {
					if rule.ID == r.RuleID {
						ruleIdx = i
					}
				}
			}
			if level == "" && ruleIdx >= 0 {
				level = rules[ruleIdx].DefaultConfiguration.Level
			}
			if level == "" {
				level = "warning"
			}
			switch level {
			case "error":
				errors++
			case "warning":
				warnings++
			default:
				continue
			}
			text := r.Message.Text
			if text == "" && ruleIdx >= 0 {
				text = rules[ruleIdx].MessageStrings[r.Message.ID].Text
				for i, a := range r.Message.Arguments {
					text = strings.ReplaceAll(text, "{"+strconv.Itoa(i)+"}", a)
				}
			}
			where := ""
			if len(r.Locations) > 0 {
				where = r.Locations[0].PhysicalLocation.ArtifactLocation.URI + ": "
			}
			problems = append(problems, where+level+" "+r.RuleID+": "+text)
		}
	}
	return errors, warnings, problems
}

// findMultitool returns the Sarif.Multitool executable, installing the
// pinned npm package into the cache when FCGILINT_E2E=1.
func findMultitool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("FCGILINT_SARIF_MULTITOOL"); p != "" {
		return p
	}
	pinDir := filepath.Join(harness.RepoRoot(t), "ci", "sarif")
	manifest, err1 := os.ReadFile(filepath.Join(pinDir, "package.json"))
	lock, err2 := os.ReadFile(filepath.Join(pinDir, "package-lock.json"))
	if err1 != nil || err2 != nil {
		t.Fatalf("the Multitool's pin is missing: %v %v", err1, err2)
	}
	sum := sha256.Sum256(append(manifest, lock...))
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	installDir := filepath.Join(cache, "fcgilint", "sarif-multitool-"+hex.EncodeToString(sum[:6]))
	platform := map[string]string{"linux": "linux", "darwin": "darwin", "windows": "win32"}[runtime.GOOS]
	if platform == "" {
		harness.SkipOrFail(t, "the SARIF Multitool has no build for "+runtime.GOOS)
	}
	exe := "Sarif.Multitool"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	bin := filepath.Join(installDir, "node_modules", "@microsoft", "sarif-multitool-"+platform, exe)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if !harness.Required() {
		t.Skipf("skipping: the SARIF Multitool is not installed in %s (FCGILINT_E2E=1 installs it with npm ci, or set FCGILINT_SARIF_MULTITOOL)", installDir)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("FCGILINT_E2E=1 but npm is not installed: it installs the SARIF Multitool")
	}
	// Install beside the final place and rename, so that a concurrent or
	// interrupted install never leaves a half-filled directory that looks
	// installed.
	if err := os.MkdirAll(filepath.Dir(installDir), 0o755); err != nil {
		t.Fatal(err)
	}
	staging, err := os.MkdirTemp(filepath.Dir(installDir), "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(staging)
	for name, content := range map[string][]byte{"package.json": manifest, "package-lock.json": lock} {
		if err := os.WriteFile(filepath.Join(staging, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// --ignore-scripts: the package's only script makes the executable
	// executable, which is done here whatever npm's policy on scripts.
	cmd := exec.Command(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = staging
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci of the SARIF Multitool: %v\n%s", err, out)
	}
	staged := filepath.Join(staging, "node_modules", "@microsoft", "sarif-multitool-"+platform, exe)
	if err := os.Chmod(staged, 0o755); err != nil {
		t.Fatalf("npm ci installed no Multitool for %s: %v", platform, err)
	}
	if err := os.Rename(staging, installDir); err != nil {
		if _, statErr := os.Stat(bin); statErr != nil {
			t.Fatalf("installing the Multitool into %s: %v", installDir, err)
		}
	}
	return bin
}
