// Package fpme2e checks fcgilint's php-fpm verdict against the real
// php-fpm 8.2: for every configuration of the corpus, of testdata/fpm, and
// for several hundred mutants derived from them, "php-fpm will refuse to
// start" must be what php-fpm itself does.
//
// php-fpm's verdict is taken in two steps, because `php-fpm -t` does not
// check everything that stops php-fpm (user = root, ACL names, bind errors):
// `php-fpm8.2 -t`, then, if that passes, a real start in a private network
// namespace (`unshare -n`, so that TCP ports never collide and nothing is
// reachable from outside), which counts as a success once php-fpm logs
// "ready to handle connections". The master runs as root and without
// --allow-to-run-as-root, as distribution services do.
//
// Every configuration is written into its own temporary directory T, and
// its absolute paths (/etc, /run, /var, ...) are rewritten into T, so both
// php-fpm and fcgilint read the same files on this machine; users and
// groups are this machine's (/etc/passwd, /etc/group), which hold Debian's
// standard accounts. php-fpm runs with -p T, fcgilint with Prefix T.
package fpme2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
)

const phpFPM = "php-fpm8.2"

// config is one configuration to judge: files relative to T.
type config struct {
	name      string
	files     map[string]string // relative path -> content (before path rewriting)
	dirs      []string          // relative directories to create
	main      string            // relative path of the main file
	pool      string            // relative path of the file mutants edit
	prefix    string            // relative -p ("" = T itself)
	env       map[string]string
	allowRoot bool
}

func (c *config) clone(name string) *config {
	n := *c
	n.name = name
	n.files = map[string]string{}
	for k, v := range c.files {
		n.files[k] = v
	}
	n.dirs = append([]string{}, c.dirs...)
	return &n
}

// absPathRe finds absolute paths of the directories configurations use, at
// the start of a value or after a separator.
var absPathRe = regexp.MustCompile(`(^|[\s="',:])/(etc|run|var|srv|tmp|usr|opt|home|app)\b`)

func rewrite(content, root string) string {
	return absPathRe.ReplaceAllString(content, "${1}"+root+"/${2}")
}

// materialize writes c into a new directory and returns it.
func (c *config) materialize(t *testing.T, base string, i int) string {
	root := filepath.Join(base, fmt.Sprintf("c%d", i))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "log"), 0o755))
	for _, d := range c.dirs {
		must(os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	for rel, content := range c.files {
		p := filepath.Join(root, rel)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.WriteFile(p, []byte(rewrite(content, root)), 0o644))
	}
	return root
}

type verdict struct {
	fails  bool
	reason string
}

// phpVerdict runs php-fpm -t and, when it passes, a real start.
// main is the file fcgilint read as the main configuration (for a pool file
// given alone, the php-fpm.conf that includes it).
func phpVerdict(root string, c *config, main string) verdict {
	prefix := filepath.Join(root, c.prefix)
	args := []string{"-y", main, "-p", prefix}
	if c.allowRoot {
		args = append(args, "-R")
	}
	env := os.Environ()
	for k, v := range c.env {
		env = append(env, k+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	test := exec.CommandContext(ctx, phpFPM, append([]string{"-t"}, args...)...)
	test.Env = env
	out, err := test.CombinedOutput()
	if err != nil {
		return verdict{true, "-t: " + firstError(string(out))}
	}
	script := `ip link set lo up 2>/dev/null; exec "$@"`
	start := exec.CommandContext(ctx, "unshare", append([]string{"-n", "sh", "-c", script, "sh", phpFPM, "-F", "-O"}, args...)...)
	start.Env = env
	pipe, err := start.StdoutPipe()
	if err != nil {
		return verdict{true, err.Error()}
	}
	start.Stderr = start.Stdout
	// A process group of its own, so that the master and its workers can
	// be stopped together.
	start.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start.Cancel = func() error { return syscall.Kill(-start.Process.Pid, syscall.SIGKILL) }
	start.WaitDelay = 5 * time.Second
	if err := start.Start(); err != nil {
		return verdict{true, err.Error()}
	}
	var lines []string
	ready := false
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		if strings.Contains(line, "ready to handle connections") {
			ready = true
			break
		}
	}
	_ = syscall.Kill(-start.Process.Pid, syscall.SIGKILL)
	_, _ = io.Copy(io.Discard, pipe)
	_ = start.Wait()
	if ready {
		return verdict{false, ""}
	}
	return verdict{true, "start: " + firstError(strings.Join(lines, "\n"))}
}

func firstError(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "ERROR") || strings.Contains(l, "ALERT") || strings.Contains(l, "PHP:") {
			if i := strings.Index(l, "] "); i >= 0 && strings.HasPrefix(l, "[") {
				l = l[i+2:]
			}
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(out)
}

// fcgilintVerdict loads the same files as php-fpm would.
func fcgilintVerdict(root string, c *config) (verdict, []diag.Diagnostic, *fpm.Config) {
	cfg, ds := fpm.Load(filepath.Join(root, c.main), fpm.Options{
		FS:           &files.FS{},
		Prefix:       filepath.Join(root, c.prefix),
		Env:          c.env,
		MasterIsRoot: true,
		AllowRoot:    c.allowRoot,
	})
	if cfg.Starts {
		return verdict{false, ""}, ds, cfg
	}
	for _, d := range ds {
		if d.Severity == diag.Error {
			return verdict{true, d.Rule + ": " + d.Message}, ds, cfg
		}
	}
	return verdict{true, "?"}, ds, cfg
}

func requirePHPFPM(t *testing.T) {
	strict := os.Getenv("FCGILINT_E2E") == "1"
	skip := func(why string) {
		if strict {
			t.Fatalf("FCGILINT_E2E=1 but %s", why)
		}
		t.Skipf("skipping the php-fpm agreement test: %s (set FCGILINT_E2E=1 to make this a failure)", why)
	}
	if _, err := exec.LookPath(phpFPM); err != nil {
		skip(phpFPM + " is not installed (Debian: apt-get install php8.2-fpm)")
	}
	if os.Geteuid() != 0 {
		skip("it must run as root (php-fpm's root-only checks, and unshare -n)")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			skip(tool + " is not installed")
		}
	}
}

func TestAgreementWithPHPFPM(t *testing.T) {
	requirePHPFPM(t)
	bases := baseConfigs(t)
	all := append([]*config{}, bases...)
	all = append(all, testdataConfigs(t)...)
	mutants := makeMutants(bases)
	all = append(all, mutants...)

	base, err := os.MkdirTemp("", "fe")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)

	type result struct {
		php, lint verdict
		ds        []diag.Diagnostic
		// fragment: fcgilint found no main configuration for a pool
		// file and makes no start verdict; such cases are not counted.
		fragment bool
	}
	results := make([]result, len(all))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, c := range all {
		root := c.materialize(t, base, i)
		wg.Add(1)
		go func(i int, c *config, root string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			lint, ds, cfg := fcgilintVerdict(root, c)
			if cfg.Fragment {
				results[i] = result{fragment: true}
				return
			}
			php := phpVerdict(root, c, cfg.Main)
			results[i] = result{php, lint, ds, false}
		}(i, c, root)
	}
	wg.Wait()

	agree, phpFails, nConfigs, fragments := 0, 0, len(all)-len(mutants), 0
	var disagreements []string
	for i, c := range all {
		r := results[i]
		if r.fragment {
			fragments++
			continue
		}
		if r.php.fails {
			phpFails++
		}
		if r.php.fails == r.lint.fails {
			agree++
			continue
		}
		var got []string
		for _, d := range r.ds {
			if d.Severity == diag.Error {
				got = append(got, d.String())
			}
		}
		disagreements = append(disagreements, fmt.Sprintf("%s: php-fpm fails=%v (%s), fcgilint fails=%v (%s)\n    %s",
			c.name, r.php.fails, r.php.reason, r.lint.fails, r.lint.reason, strings.Join(got, "\n    ")))
	}
	sort.Strings(disagreements)
	for _, d := range disagreements {
		t.Error(d)
	}
	judged := len(all) - fragments
	pct := 100 * float64(agree) / float64(judged)
	summary := fmt.Sprintf("php-fpm agreement: %d configurations (%d corpus+testdata, %d mutants; %d pool fragments without a main file not judged), php-fpm refused %d; fcgilint agreed on %d/%d (%.1f%%)",
		len(all), nConfigs, len(mutants), fragments, phpFails, agree, judged, pct)
	t.Log(summary)
	fmt.Println(summary)
	if len(mutants) < 300 {
		t.Errorf("only %d mutants, want at least 300", len(mutants))
	}
}
