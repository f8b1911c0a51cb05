// Package harness holds what the end-to-end tests of the command line share:
// the repository root, a freshly built fcgilint binary, and the rule that a
// missing external tool skips a test unless FCGILINT_E2E=1 demands it.
package harness

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Required reports whether FCGILINT_E2E=1 asks for every end-to-end test to
// run, so that a missing tool is a failure rather than a skip.
func Required() bool {
	return os.Getenv("FCGILINT_E2E") == "1"
}

// SkipOrFail skips the test because of why, or fails it when FCGILINT_E2E=1.
func SkipOrFail(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("FCGILINT_E2E=1 but %s", why)
	}
	t.Skipf("skipping: %s (FCGILINT_E2E=1 makes this a failure)", why)
}

// RepoRoot is the directory holding the module's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "cmd", "fcgilint")); err == nil {
				return d
			}
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no fcgilint module root above %s", dir)
		}
	}
}

var (
	buildOnce sync.Once
	builtPath string
	buildErr  []byte
	buildDir  string
)

// Binary builds cmd/fcgilint once per test binary and returns its path. The
// directory lives until the process ends: TempDir would vanish with the
// first test that asked.
func Binary(t testing.TB) string {
	t.Helper()
	root := RepoRoot(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fcgilint-e2e-bin-")
		if err != nil {
			buildErr = []byte(err.Error())
			return
		}
		buildDir = dir
		name := "fcgilint"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, "./cmd/fcgilint")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = append(b, []byte(err.Error())...)
			return
		}
		builtPath = out
		noteSources(root)
	})
	if builtPath == "" {
		t.Fatalf("building fcgilint: %s", buildErr)
	}
	return builtPath
}

// noteSources stats every file of the module so that `go test` caches a
// result only while they are unchanged: it cannot see what the `go build`
// it ran read, only what the test itself looked at.
func noteSources(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "dist":
				return filepath.SkipDir
			}
			return nil
		}
		os.Stat(p)
		return nil
	})
}

// Cleanup removes the binary Binary built; call it from TestMain after the
// tests ran.
func Cleanup() {
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}

// WriteTree writes files (slash-separated paths relative to dir) under dir.
func WriteTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CopyWorkingTree copies the files of the repository at src as they are on
// disk (committed or not, ignored files left out) into dst.
func CopyWorkingTree(t testing.TB, src, dst string) {
	t.Helper()
	var names []string
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = src
	if out, err := cmd.Output(); err == nil {
		for _, n := range strings.Split(string(out), "\x00") {
			if n != "" {
				names = append(names, filepath.FromSlash(n))
			}
		}
	} else {
		// Not a git checkout (a source archive): take everything but
		// build output.
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "dist" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				rel, _ := filepath.Rel(src, p)
				names = append(names, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range names {
		from := filepath.Join(src, n)
		st, err := os.Lstat(from)
		if err != nil {
			continue // deleted in the working tree
		}
		to := filepath.Join(dst, n)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(from)
			if err == nil {
				err = os.Symlink(target, to)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !st.Mode().IsRegular() {
			continue
		}
		if err := copyFile(from, to, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, "go.mod")); err != nil {
		t.Fatalf("the copy of %s has no go.mod: %v", src, err)
	}
}

func copyFile(from, to string, perm fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
