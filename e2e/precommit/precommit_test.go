// Package precommite2e runs the repository's pre-commit hooks for real, with
// Debian's pre-commit: `pre-commit try-repo` against a copy of this working
// tree, on a sample repository holding a Debian host's nginx and php-fpm
// configuration. A broken configuration must fail the hook with the finding
// named, a file named alone must be judged within its configuration set, and
// the fixed configuration must pass.
//
// Without pre-commit (or git) the tests skip, unless FCGILINT_E2E=1.
package precommite2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/e2e/internal/harness"
)

func TestMain(m *testing.M) {
	code := m.Run()
	harness.Cleanup()
	os.Exit(code)
}

// pre-commit's golang language builds hooks with `go install ./...` at the
// repository's root: any other command there would be built and installed
// too.
func TestRootModuleHasOneCommand(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{.Name}} {{.ImportPath}}", "./...")
	cmd.Dir = harness.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var mains []string
	for _, line := range strings.Split(string(out), "\n") {
		if name, path, ok := strings.Cut(line, " "); ok && name == "main" {
			mains = append(mains, path)
		}
	}
	if len(mains) != 1 || mains[0] != "github.com/fcgilint/fcgilint/cmd/fcgilint" {
		t.Errorf("main packages in the root module: %v, want only github.com/fcgilint/fcgilint/cmd/fcgilint", mains)
	}
}

func TestSystemHook(t *testing.T) {
	env := newPrecommitEnv(t)
	// The system hook runs the fcgilint on PATH: the one built from this
	// tree.
	env.path = filepath.Dir(harness.Binary(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
	env.checkHook(t, "fcgilint-system")
}

// TestGolangHook lets pre-commit build fcgilint itself, with the module
// cache of this machine so that the modules already downloaded are used.
func TestGolangHook(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: pre-commit builds fcgilint")
	}
	if _, err := exec.LookPath("go"); err != nil {
		harness.SkipOrFail(t, "go is not on PATH for pre-commit's golang hook")
	}
	env := newPrecommitEnv(t)
	modCache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	env.extra = append(env.extra, "GOMODCACHE="+strings.TrimSpace(string(modCache)))
	env.checkHook(t, "fcgilint")
}

type precommitEnv struct {
	hooks  string // the copy of this repository, with its hooks committed
	sample string // the repository whose configuration is checked
	path   string // PATH for pre-commit
	extra  []string
	home   string
}

func newPrecommitEnv(t *testing.T) *precommitEnv {
	t.Helper()
	for _, tool := range []string{"pre-commit", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			harness.SkipOrFail(t, tool+" is not installed (apt-get install pre-commit)")
		}
	}
	work := t.TempDir()
	e := &precommitEnv{
		hooks:  filepath.Join(work, "hooks"),
		sample: filepath.Join(work, "sample"),
		path:   os.Getenv("PATH"),
		home:   filepath.Join(work, "pre-commit-home"),
	}
	// try-repo reads the hooks from a commit: copy the working tree, with
	// its uncommitted changes, into a repository of its own and commit it.
	harness.CopyWorkingTree(t, harness.RepoRoot(t), e.hooks)
	e.git(t, e.hooks, "init", "-q")
	e.git(t, e.hooks, "add", "-A")
	e.git(t, e.hooks, "commit", "-q", "-m", "fcgilint under test")

	tree := harness.DebianTree()
	// Broken: the site sets fastcgi_index a second time after its snippet.
	tree["etc/nginx/sites-enabled/app"] = strings.Replace(harness.SiteApp,
		"fastcgi_pass unix:", "fastcgi_index index.php;\n\t\tfastcgi_pass unix:", 1)
	tree["README.md"] = "Configuration of app.example.com.\n"
	harness.WriteTree(t, e.sample, tree)
	e.git(t, e.sample, "init", "-q")
	e.git(t, e.sample, "add", "-A")
	e.git(t, e.sample, "commit", "-q", "-m", "broken site")
	return e
}

func (e *precommitEnv) environ() []string {
	env := []string{"PATH=" + e.path, "PRE_COMMIT_HOME=" + e.home,
		"GIT_AUTHOR_NAME=fcgilint test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=fcgilint test", "GIT_COMMITTER_EMAIL=test@example.invalid",
		"GIT_CONFIG_NOSYSTEM=1", "NO_COLOR=1"}
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "PATH", "PRE_COMMIT_HOME", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE":
		default:
			env = append(env, kv)
		}
	}
	return append(env, e.extra...)
}

func (e *precommitEnv) git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = e.environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v in %s: %v\n%s", args, dir, err, out)
	}
}

// tryRepo runs `pre-commit try-repo HOOKS HOOK ARGS...` in the sample.
func (e *precommitEnv) tryRepo(t *testing.T, hook string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("pre-commit", append([]string{"try-repo", e.hooks, hook, "--color", "never"}, args...)...)
	cmd.Dir = e.sample
	cmd.Env = e.environ()
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("pre-commit: %v", err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

func (e *precommitEnv) checkHook(t *testing.T, hook string) {
	t.Helper()
	code, out := e.tryRepo(t, hook, "--all-files")
	if code == 0 || !strings.Contains(out, "nginx-duplicate-directive") || !strings.Contains(out, "etc/nginx/sites-enabled/app:9:") {
		t.Fatalf("broken configuration: exit %d, want a failure naming nginx-duplicate-directive in etc/nginx/sites-enabled/app:\n%s", code, out)
	}
	if strings.Contains(out, "README.md") {
		t.Errorf("the hook was given a file that is not configuration:\n%s", out)
	}

	harness.WriteTree(t, e.sample, map[string]string{"etc/nginx/sites-enabled/app": harness.SiteApp})
	e.git(t, e.sample, "commit", "-q", "-a", "-m", "fix the site")
	if code, out := e.tryRepo(t, hook, "--all-files"); code != 0 {
		t.Fatalf("fixed configuration: exit %d, want 0:\n%s", code, out)
	}

	// A commit that touches only a snippet: nginx.conf, which is broken
	// and not among the files pre-commit passes, must still be read,
	// since it is what includes the snippet.
	nginxConf := harness.DebianTree()["etc/nginx/nginx.conf"]
	harness.WriteTree(t, e.sample, map[string]string{
		"etc/nginx/nginx.conf": strings.Replace(nginxConf, "sendfile on;", "sendfile maybe;", 1),
	})
	e.git(t, e.sample, "commit", "-q", "-a", "-m", "break nginx.conf")
	code, out = e.tryRepo(t, hook, "--files", "etc/nginx/snippets/fastcgi-php.conf")
	if code == 0 || !strings.Contains(out, "etc/nginx/nginx.conf:10:") || !strings.Contains(out, "nginx-invalid-value") {
		t.Fatalf("snippet named alone: exit %d, want the error of the nginx.conf that includes it:\n%s", code, out)
	}
}
