package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
)

// A site with one error finding (an unknown directive) on line 2.
const siteWithError = "location / {\n    foo_bar 1;\n}\n"

func TestConfigBadFileExits2(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := testfiles.Tree(t, map[string]string{
		"site.conf":          siteWithError,
		"bad.yaml":           "rules:\n  nginx-syntax: error\nprofle: debian\n",
		"sub/site.conf":      siteWithError,
		"sub/.fcgilint.yaml": "rules:\n  nginx-unknown-directve: off\n",
	})
	bad := filepath.Join(dir, "bad.yaml")
	code, out, errs := runCLI(t, "check", "-c", bad, filepath.Join(dir, "site.conf"))
	if code != exitUsage || out != "" {
		t.Errorf("-c with a bad file: exit %d, stdout %q", code, out)
	}
	if want := "fcgilint: " + bad + `:3:1: unknown key "profle" (did you mean "profile"?)` + "\n"; errs != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, want)
	}
	// Found upward from the first PATH.
	code, _, errs = runCLI(t, "check", filepath.Join(dir, "sub", "site.conf"))
	want := "fcgilint: " + filepath.Join(dir, "sub", ".fcgilint.yaml") + `:2:3: unknown rule "nginx-unknown-directve" in rules (did you mean "nginx-unknown-directive"?)` + "\n"
	if code != exitUsage || errs != want {
		t.Errorf("found upward: exit %d, stderr:\n%s\nwant:\n%s", code, errs, want)
	}
	// --no-config reads none.
	if code, _, errs := runCLI(t, "check", "--no-config", "--color", "never", filepath.Join(dir, "sub")); code != exitFindings {
		t.Errorf("--no-config: exit %d, %s", code, errs)
	}
	if code, _, errs := runCLI(t, "check", "--no-config", "-c", bad, dir); code != exitUsage || !strings.Contains(errs, "contradict") {
		t.Errorf("--no-config with -c: exit %d, %s", code, errs)
	}
	if code, _, errs := runCLI(t, "check", "--config", filepath.Join(dir, "none.yaml"), dir); code != exitUsage || !strings.Contains(errs, "none.yaml: no such file") {
		t.Errorf("missing --config file: exit %d, %s", code, errs)
	}
}

// TestConfigSeverityAndFailLevel: lowering a rule's severity in the file
// changes the exit status, and --fail-level still applies to the result.
func TestConfigSeverityAndFailLevel(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := testfiles.Tree(t, map[string]string{"site.conf": siteWithError})
	site := filepath.Join(dir, "site.conf")
	if code, out, _ := runCLI(t, "check", "--color", "never", site); code != exitFindings || !strings.Contains(out, "error: unknown directive") {
		t.Fatalf("without a configuration: exit %d\n%s", code, out)
	}
	cfg := filepath.Join(dir, ".fcgilint.yaml")
	if err := os.WriteFile(cfg, []byte("rules:\n  nginx-unknown-directive: note\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "check", "--color", "never", site)
	if code != exitOK || !strings.Contains(out, "note: unknown directive") {
		t.Errorf("severity note: exit %d, want %d\n%s", code, exitOK, out)
	}
	if code, _, _ := runCLI(t, "check", "--fail-level", "note", site); code != exitFindings {
		t.Errorf("severity note, --fail-level note: exit %d, want %d", code, exitFindings)
	}
	if err := os.WriteFile(cfg, []byte("rules:\n  nginx-unknown-directive: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCLI(t, "check", "--fail-level", "note", site); code != exitOK || out != "" {
		t.Errorf("rule off: exit %d\n%s", code, out)
	}
}

// TestConfigRoot: the file's root is used without --root (here, checking
// the host's configuration, which the root stands for), and --root wins.
func TestConfigRoot(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := testfiles.Tree(t, map[string]string{
		".fcgilint.yaml":             "root: image\n",
		"image/etc/nginx/nginx.conf": "events {}\nhttp {\n    foo_bar 1;\n}\n",
		"other/etc/nginx/nginx.conf": "events {}\nhttp {\n}\n",
	})
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
	if code, out, errs := runCLI(t, "check", "--color", "never"); code != exitFindings || !strings.Contains(out, "/etc/nginx/nginx.conf:3:5: error: unknown directive") {
		t.Errorf("root from the file: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "check", "--color", "never", "--root", filepath.Join(dir, "other")); code != exitOK {
		t.Errorf("--root over the file: exit %d\n%s%s", code, out, errs)
	}
}

// A scan passes over configuration templates (Ansible, Puppet…), whose text
// is not what nginx reads, and says so; named on the command line, a
// template is checked as asked.
func TestScanPassesOverTemplates(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := testfiles.Tree(t, map[string]string{
		"roles/nginx/templates/site.conf.j2":     "server {\n  listen {{ port }};\n{% for l in locations %}\n}\n",
		"roles/nginx/files/conf.d/gzip.conf":     "gzip on;\n",
		"modules/nginx/templates/nginx.conf.erb": "user <%= @user %>;\n",
	})
	code, _, errs := runCLI(t, "check", "--no-config", dir)
	if code != exitOK || !strings.Contains(errs, "2 configuration template(s) passed over") || !strings.Contains(errs, "1 files checked, no problems found") {
		t.Errorf("scan: exit %d, stderr:\n%s", code, errs)
	}
	code, _, _ = runCLI(t, "check", "--no-config", filepath.Join(dir, "roles/nginx/templates/site.conf.j2"))
	if code != exitFindings {
		t.Errorf("a template named on the command line: exit %d, want %d", code, exitFindings)
	}
}
