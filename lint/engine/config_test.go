package engine_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/config"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/rules"
)

// probeRuns counts the runs of a rule registered for these tests only, to
// tell whether a rule turned off still runs.
var probeRuns atomic.Int32

func init() {
	rules.Register(&rules.Rule{ID: "engine-test-probe", Title: "Counts its runs", Severity: diag.Note, Source: "rule",
		Run: func(*lint.Pass) { probeRuns.Add(1) }})
}

func checkTree(t *testing.T, tree map[string]string, yamlConfig string, opts engine.Options) (*lint.Pass, []string) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range tree {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if yamlConfig != "" {
		cfg, err := config.Parse(filepath.Join(dir, ".fcgilint.yaml"), []byte(yamlConfig))
		if err != nil {
			t.Fatal(err)
		}
		opts.Config = cfg
	}
	found, err := discover.Paths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if opts.FS == nil {
		opts.FS = &files.FS{}
	}
	pass := engine.Check(found, opts)
	var got []string
	for _, d := range pass.Diagnostics() {
		got = append(got, d.Rule+" "+d.Severity.String()+" "+filepath.Base(d.Location.File)+":"+strconv.Itoa(d.Location.Range.Start.Line))
	}
	sort.Strings(got)
	return pass, got
}

// TestConfigDirectives: a third-party directive declared in the
// configuration is no longer unknown, and is held to its declared contexts,
// argument count and block.
func TestConfigDirectives(t *testing.T) {
	site := `server {
    vts_zone main 10m;
    location / {
        vts_filter $host;
        vts_zone x;
        vts_table {
            anything goes here;
        }
        vts_filter;
    }
}
`
	_, got := checkTree(t, map[string]string{"site.conf": site}, "", engine.Options{})
	unknown := 0
	for _, g := range got {
		if strings.HasPrefix(g, "nginx-unknown-directive ") {
			unknown++
		}
	}
	if unknown < 4 {
		t.Fatalf("without declarations, want the vts_* directives unknown, got %v", got)
	}
	_, got = checkTree(t, map[string]string{"site.conf": site}, `
nginx:
  directives:
    - name: vts_zone
      contexts: server
      args: "1-2"
    - name: vts_filter
      contexts: [server, location, if]
      args: "1+"
    - name: vts_table
      contexts: location
      block: true
      body: entries
`, engine.Options{})
	want := []string{
		"nginx-arg-count error site.conf:9",             // vts_filter with no argument
		"nginx-directive-not-allowed error site.conf:5", // vts_zone in a location
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestConfigRules: severities are overridden, rules turned off do not run,
// ignores drop findings.
func TestConfigRules(t *testing.T) {
	tree := map[string]string{"site.conf": "location / {\n    root;\n    foo_bar 1;\n}\n"}
	_, got := checkTree(t, tree, "", engine.Options{})
	if want := "nginx-arg-count error site.conf:2\nnginx-unknown-directive error site.conf:3"; strings.Join(got, "\n") != want {
		t.Fatalf("without a configuration: %v", got)
	}
	before := probeRuns.Load()
	_, got = checkTree(t, tree, "rules:\n  nginx-arg-count: note\n  nginx-unknown-directive: off\n  engine-test-probe: off\n", engine.Options{})
	if want := "nginx-arg-count note site.conf:2"; strings.Join(got, "\n") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if probeRuns.Load() != before {
		t.Error("a rule turned off ran")
	}
	checkTree(t, tree, "rules:\n  nginx-arg-count: note\n", engine.Options{})
	if probeRuns.Load() == before {
		t.Error("the probe rule never runs: the test above proves nothing")
	}
	_, got = checkTree(t, tree, "ignore:\n  - path: site.conf\n    rules: [nginx-arg-count]\n", engine.Options{})
	if want := "nginx-unknown-directive error site.conf:3"; strings.Join(got, "\n") != want {
		t.Errorf("ignore: got %v, want %s", got, want)
	}
}

// TestConfigSettings: the file fills what the options leave empty, and the
// options (the command line's flags) win.
func TestConfigSettings(t *testing.T) {
	tree := map[string]string{"site.conf": "location / {\n    root /srv;\n}\n"}
	yml := "profile: rhel\nnginx:\n  user: nginx\n  version: 1.22.1\n"
	pass, _ := checkTree(t, tree, yml, engine.Options{})
	if pass.Profile != "rhel" || pass.NginxUser != "nginx" || pass.NginxVersion != "1.22.1" {
		t.Errorf("from the file: profile %q, user %q, version %q", pass.Profile, pass.NginxUser, pass.NginxVersion)
	}
	pass, _ = checkTree(t, tree, yml, engine.Options{Profile: "debian", NginxUser: "www-data", NginxVersion: "1.26.0"})
	if pass.Profile != "debian" || pass.NginxUser != "www-data" || pass.NginxVersion != "1.26.0" {
		t.Errorf("flags first: profile %q, user %q, version %q", pass.Profile, pass.NginxUser, pass.NginxVersion)
	}
}

// TestConfigEnv: fpm.env sets ${VAR} for pool files.
func TestConfigEnv(t *testing.T) {
	tree := map[string]string{"www.conf": "[www]\nlisten = /run/php/${POOL_NAME}.sock\npm = static\npm.max_children = 5\n"}
	_, got := checkTree(t, tree, "", engine.Options{Env: map[string]string{}})
	if !containsPrefix(got, "fpm-env-unset ") {
		t.Fatalf("want fpm-env-unset without the variable, got %v", got)
	}
	_, got = checkTree(t, tree, "fpm:\n  env:\n    POOL_NAME: www\n", engine.Options{Env: map[string]string{}})
	if containsPrefix(got, "fpm-env-unset ") {
		t.Errorf("the file's variable is not used: %v", got)
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
