package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fcgilint/fcgilint/lint/files"
)

func TestDetect(t *testing.T) {
	for release, want := range map[string]string{
		"ID=debian\n":                                    "debian",
		"ID=ubuntu\nID_LIKE=debian\n":                    "debian",
		"ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n": "rhel",
		"ID=alpine\n":                                    "alpine",
		"ID=arch\n":                                      "arch",
		"ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n":      "debian",
		"ID=plan9\n":                                     "",
	} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "etc"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "etc", "os-release"), []byte(release), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := Detect(&files.FS{Root: dir}); got != want {
			t.Errorf("%q: %q, want %q", release, got, want)
		}
	}
	if got := Detect(&files.FS{}); got != "" {
		t.Errorf("without a root: %q", got)
	}
}

func TestFPMMains(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"etc/php/8.2/fpm/php-fpm.conf", "etc/php/8.3/fpm/php-fpm.conf", "usr/local/etc/php-fpm.conf"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("[global]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := &files.FS{Root: dir}
	if got, want := FPMMains(fs, Get("ubuntu")), []string{"/etc/php/8.2/fpm/php-fpm.conf", "/etc/php/8.3/fpm/php-fpm.conf"}; !reflect.DeepEqual(got, want) {
		t.Errorf("debian: %v, want %v", got, want)
	}
	if got := FPMMains(fs, nil); len(got) != 3 {
		t.Errorf("no profile, with a root: %v", got)
	}
	if got := FPMMains(&files.FS{}, nil); got != nil {
		t.Errorf("no profile, no root: %v", got)
	}
}

func TestMirrorRoot(t *testing.T) {
	for path, want := range map[string]string{
		"repo/etc/php/8.2/fpm/php-fpm.conf":    "repo",
		"etc/php/8.2/fpm/php-fpm.conf":         ".",
		"/srv/copy/etc/php-fpm.conf":           "/srv/copy",
		"/srv/img/usr/local/etc/php-fpm.conf":  "/srv/img",
		"/etc/php/8.2/fpm/php-fpm.conf":        "", // the real place
		"repo/php-fpm.conf":                    "",
		"repo/etc/php/8.2/fpm/pool.d/www.conf": "",
	} {
		if got := MirrorRoot(path); got != want {
			t.Errorf("MirrorRoot(%q) = %q, want %q", path, got, want)
		}
	}
}
