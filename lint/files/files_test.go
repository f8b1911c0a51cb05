package files

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
)

// glob(3) without GLOB_PERIOD, which nginx and php-fpm both call, matches a
// leading "." only with a pattern component that starts with "." too.
func TestGlobHidesDotFilesLikeGlob3(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"site.conf", ".default.conf", ".hidden/x.conf", "shown/y.conf"} {
		testfiles.Write(t, filepath.Join(dir, "conf.d", name), "")
	}
	fsys := &FS{Root: dir}
	fsys.SetOverlay("/conf.d/.unsaved.conf", []byte("x"))
	for pattern, want := range map[string][]string{
		"/conf.d/*.conf":   {"/conf.d/site.conf"},
		"/conf.d/.*.conf":  {"/conf.d/.default.conf", "/conf.d/.unsaved.conf"},
		"/conf.d/*/*.conf": {"/conf.d/shown/y.conf"},
		"/conf.d/.h*/*":    {"/conf.d/.hidden/x.conf"},
	} {
		got, err := fsys.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Glob(%q) = %v, want %v", pattern, got, want)
		}
	}
}

func TestLogicalIsTheInverseOfReal(t *testing.T) {
	root := t.TempDir()
	fsys := &FS{Root: root}
	for host, want := range map[string]string{
		filepath.Join(root, "etc/nginx/nginx.conf"): "/etc/nginx/nginx.conf",
		root:                          "/",
		"/elsewhere/nginx.conf":       "/elsewhere/nginx.conf",
		filepath.Dir(root) + "/other": filepath.Dir(root) + "/other",
	} {
		got := fsys.Logical(host)
		if got != want {
			t.Errorf("Logical(%q) = %q, want %q", host, got, want)
		}
		if want != host && fsys.Real(got) != filepath.Clean(host) {
			t.Errorf("Real(Logical(%q)) = %q", host, fsys.Real(got))
		}
	}
	if got := (&FS{}).Logical("rel/x.conf"); got != "rel/x.conf" {
		t.Errorf("without a root, paths stay as given: %q", got)
	}
}

// A scan reads the head of a binary file only, and text files whole.
func TestReadUnlessBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "a.out")
	data := make([]byte, 1<<20)
	data[10] = 0
	if err := os.WriteFile(bin, data, 0o644); err != nil {
		t.Fatal(err)
	}
	head, binary, err := ReadUnlessBinary(bin, 8<<20)
	if err != nil || !binary || len(head) != binaryProbe {
		t.Errorf("binary file: %d bytes, binary %v, err %v; want the %d-byte head", len(head), binary, err, binaryProbe)
	}
	text := filepath.Join(dir, "site.conf")
	src := []byte(strings.Repeat("server { listen 80; }\n", 1000))
	if err := os.WriteFile(text, src, 0o644); err != nil {
		t.Fatal(err)
	}
	got, binary, err := ReadUnlessBinary(text, 8<<20)
	if err != nil || binary || string(got) != string(src) {
		t.Errorf("text file: %d bytes, binary %v, err %v; want all %d", len(got), binary, err, len(src))
	}
	if _, _, err := ReadUnlessBinary(text, 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
}
