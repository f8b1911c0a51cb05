// Package releasee2e checks the ways fcgilint is distributed: the release
// script's archives, `go install …@version` through a module proxy, and a
// build from a git checkout. Each must give a binary whose --version names
// the version and the commit it was built from.
package releasee2e

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fcgilint/fcgilint/e2e/internal/harness"
)

const modulePath = "github.com/fcgilint/fcgilint"

func exe(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

func versionOf(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestReleaseScriptStampsVersionAndCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: builds a release")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		harness.SkipOrFail(t, "bash is not installed")
	}
	root := harness.RepoRoot(t)
	dist := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	const commit = "0123456789abcdef0123456789abcdef01234567"
	cmd := exec.Command(bash, filepath.Join(root, "scripts", "release.sh"), "v9.8.7", target)
	cmd.Env = append(os.Environ(), "DIST="+dist, "COMMIT="+commit, "SOURCE_DATE_EPOCH=1700000000")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}

	name := "fcgilint_9.8.7_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(dist, name+".tar.gz")
	if runtime.GOOS == "windows" {
		archive = filepath.Join(dist, name+".zip")
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatalf("no archive for %s: %v", target, err)
	}
	sum := sha256.Sum256(data)
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(sum[:]) + "  " + filepath.Base(archive); strings.TrimSpace(string(sums)) != want {
		t.Errorf("SHA256SUMS = %q, want %q", sums, want)
	}

	members := unpack(t, archive, data)
	for _, want := range []string{name + "/" + exe("fcgilint"), name + "/README.md"} {
		if _, ok := members[want]; !ok {
			t.Errorf("archive lacks %s (has %v)", want, keys(members))
		}
	}
	bin := filepath.Join(t.TempDir(), exe("fcgilint"))
	if err := os.WriteFile(bin, members[name+"/"+exe("fcgilint")], 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := versionOf(t, bin), "fcgilint 9.8.7 (commit 0123456789ab)"; got != want {
		t.Errorf("--version = %q, want %q", got, want)
	}
	// -trimpath: the build machine's directories stay out of the binary.
	binData := members[name+"/"+exe("fcgilint")]
	if bytes.Contains(binData, []byte(root)) {
		t.Errorf("the binary contains the build directory %s", root)
	}
}

func unpack(t *testing.T, name string, data []byte) map[string][]byte {
	t.Helper()
	members := map[string][]byte{}
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			members[f.Name] = b
		}
		return members
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return members
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		members[h.Name] = b
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// `go install` of a version refuses a module whose go.mod has replace or
// exclude directives, and builds with the go.sum the module ships.
func TestGoModAllowsGoInstall(t *testing.T) {
	cmd := exec.Command("go", "mod", "edit", "-json")
	cmd.Dir = harness.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod edit -json: %v", err)
	}
	var mod struct {
		Module  struct{ Path string }
		Replace []any
		Exclude []any
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	if mod.Module.Path != modulePath || len(mod.Replace) > 0 || len(mod.Exclude) > 0 {
		t.Errorf("go.mod: module %s, %d replace and %d exclude directives; go install %s/cmd/fcgilint@latest needs module %s and none",
			mod.Module.Path, len(mod.Replace), len(mod.Exclude), modulePath, modulePath)
	}
}

// TestGoInstallFromAModuleProxy publishes this working tree as versions of
// the module on a local module proxy (the layout proxy.golang.org serves),
// with the dependencies taken from this machine's module cache, and runs
// `go install …@latest` and `…@PSEUDO-VERSION` against it offline, as a
// user would against proxy.golang.org.
func TestGoInstallFromAModuleProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: builds fcgilint twice")
	}
	root := harness.RepoRoot(t)
	modCache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	// The dependencies must be in the module cache: `go mod download`
	// puts them there (from the proxy this machine uses).
	dl := exec.Command("go", "mod", "download")
	dl.Dir = root
	if out, err := dl.CombinedOutput(); err != nil {
		harness.SkipOrFail(t, "the dependencies cannot be downloaded: "+err.Error()+"\n"+string(out))
	}

	work := t.TempDir()
	// Go makes the module cache read-only; TempDir's removal needs it
	// writable again (cleanups run last registered first).
	t.Cleanup(func() {
		filepath.Walk(filepath.Join(work, "modcache"), func(p string, info os.FileInfo, err error) error {
			if err == nil && info.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	tree := filepath.Join(work, "tree")
	harness.CopyWorkingTree(t, root, tree)
	proxy := filepath.Join(work, "proxy")
	const tagged = "v0.1.0"
	const pseudo = "v0.0.0-20240102150405-0123456789ab"
	publish(t, tree, proxy, tagged, true)
	publish(t, tree, proxy, pseudo, false)

	for _, tc := range []struct{ query, want string }{
		{"latest", "fcgilint 0.1.0 (commit unknown)"},
		{pseudo, "fcgilint 0.0.0-20240102150405-0123456789ab (commit 0123456789ab)"},
	} {
		gobin := filepath.Join(work, "bin-"+tc.query)
		cmd := exec.Command("go", "install", modulePath+"/cmd/fcgilint@"+tc.query)
		cmd.Dir = work
		cmd.Env = append(os.Environ(),
			"GOBIN="+gobin,
			"GOMODCACHE="+filepath.Join(work, "modcache"),
			"GOPROXY="+fileURL(proxy)+","+fileURL(filepath.Join(strings.TrimSpace(string(modCache)), "cache", "download")),
			// This version of fcgilint is in no checksum database (it
			// was published just now, here), and the database is out of
			// reach of a file proxy for the dependencies.
			"GOSUMDB=off", "GOPRIVATE=", "GONOPROXY=",
			"GOFLAGS=", "GOTOOLCHAIN=local", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go install @%s: %v\n%s", tc.query, err, out)
		}
		if got := versionOf(t, filepath.Join(gobin, exe("fcgilint"))); got != tc.want {
			t.Errorf("@%s: --version = %q, want %q", tc.query, got, tc.want)
		}
	}
}

func fileURL(dir string) string {
	return "file://" + filepath.ToSlash(dir)
}

// publish writes version of the module in tree to the proxy directory: the
// .info, .mod and .zip files of the GOPROXY protocol, and the version list
// when tagged. The zip holds what a module zip holds: every file but those
// of nested modules, vendor directories and version control.
func publish(t *testing.T, tree, proxy, version string, tagged bool) {
	t.Helper()
	dir := filepath.Join(proxy, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC).Format(time.RFC3339)})
	gomod, err := os.ReadFile(filepath.Join(tree, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	nested := map[string]bool{}
	err = filepath.Walk(tree, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tree, p)
		rel = filepath.ToSlash(rel)
		if fi.IsDir() {
			if rel != "." {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil || fi.Name() == "vendor" || fi.Name() == ".git" {
					nested[rel] = true
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		w, err := zw.Create(modulePath + "@" + version + "/" + rel)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	if !nested["tools"] {
		t.Errorf("tools/ is not a module of its own: its commands would be part of fcgilint's module")
	}
	files := map[string][]byte{version + ".info": info, version + ".mod": gomod, version + ".zip": zbuf.Bytes()}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if tagged {
		f, err := os.OpenFile(filepath.Join(dir, "list"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		w.WriteString(version + "\n")
		w.Flush()
		f.Close()
	}
}

// A build in a git checkout (go build, go install ./cmd/fcgilint) has no
// -ldflags: the commit comes from the VCS information Go stamps in.
func TestBuildFromGitCheckoutNamesTheCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: builds fcgilint")
	}
	if _, err := exec.LookPath("git"); err != nil {
		harness.SkipOrFail(t, "git is not installed")
	}
	checkout := filepath.Join(t.TempDir(), "fcgilint")
	harness.CopyWorkingTree(t, harness.RepoRoot(t), checkout)
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "GOFLAGS=")
	run := func(name string, args ...string) string {
		cmd := exec.Command(name, args...)
		cmd.Dir = checkout
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("git", "init", "-q")
	run("git", "add", "-A")
	run("git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "build me")
	head := run("git", "rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), exe("fcgilint"))
	run("go", "build", "-buildvcs=true", "-o", bin, "./cmd/fcgilint")
	got := versionOf(t, bin)
	if !strings.HasPrefix(got, "fcgilint ") || !strings.HasSuffix(got, "(commit "+head[:12]+")") {
		t.Errorf("--version = %q, want the commit %s", got, head[:12])
	}
}

// Every target scripts/release.sh builds must compile: the release test
// above packages the host's only.
func TestEveryReleaseTargetBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles five targets")
	}
	script, err := os.ReadFile(filepath.Join(harness.RepoRoot(t), "scripts", "release.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, line := range strings.Split(string(script), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "targets=("); ok && !strings.Contains(rest, "$") {
			targets = strings.Fields(strings.TrimSuffix(rest, ")"))
		}
	}
	if len(targets) == 0 {
		t.Fatal("no default targets found in scripts/release.sh")
	}
	for _, target := range targets {
		goos, goarch, _ := strings.Cut(target, "/")
		cmd := exec.Command("go", "build", "-o", os.DevNull, "./cmd/fcgilint")
		cmd.Dir = harness.RepoRoot(t)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", target, err, out)
		}
	}
}
