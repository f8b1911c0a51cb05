package sets

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
)

// tree is a repository holding a Debian host's nginx and php-fpm: absolute
// includes are read from the tree (engine.Options.Mirror).
var tree = map[string]string{
	"etc/nginx/nginx.conf":                   "events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n  include /etc/nginx/sites-enabled/*;\n}\n",
	"etc/nginx/conf.d/gzip.conf":             "gzip on;\n",
	"etc/nginx/sites-available/app":          "server {\n  listen 80;\n  location / { include snippets/php.conf; }\n}\n",
	"etc/nginx/sites-available/unused":       "server {\n  listen 81;\n}\n",
	"etc/nginx/snippets/php.conf":            "fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n",
	"etc/nginx/stray.conf":                   "gzip on;\n",
	"etc/php/8.2/fpm/php-fpm.conf":           "[global]\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
	"etc/php/8.2/fpm/pool.d/www.conf":        "[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = static\npm.max_children = 2\n",
	"outside/nginx.conf":                     "events {}\nhttp { include /etc/nginx/snippets/*.conf; }\n",
	"outside/repo/etc/nginx/nginx.conf":      "events {}\nhttp { include /etc/nginx/sites-enabled/*; }\n",
	"outside/repo/etc/nginx/sites-enabled/x": "server { listen 80; }\n",
}

// writeTree writes tree into a temporary repository, links sites-enabled/app
// to sites-available/app as Debian does, and makes it the working directory.
func writeTree(t *testing.T) string {
	t.Helper()
	dir := testfiles.Tree(t, tree)
	enabled := filepath.Join(dir, "etc", "nginx", "sites-enabled")
	if err := os.MkdirAll(enabled, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../sites-available/app", filepath.Join(enabled, "app")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	for _, repo := range []string{dir, filepath.Join(dir, "outside", "repo")} {
		if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
	return dir
}

// options read the tree the two ways the CLI can: as a repository that
// mirrors /etc (no --root), or as the target's / (--root). php-fpm has no
// mirroring, so its sets are whole only under a root.
func options() engine.Options {
	return engine.Options{FS: &files.FS{}, Mirror: true}
}

func rootOptions(dir string) engine.Options {
	return engine.Options{FS: &files.FS{Root: dir}}
}

func named(t *testing.T, paths ...string) []discover.File {
	t.Helper()
	found, err := discover.Paths(paths)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func pathsOf(found []discover.File) []string {
	var out []string
	for _, f := range found {
		out = append(out, filepath.ToSlash(f.Path))
	}
	sort.Strings(out)
	return out
}

func TestExpandPutsNamedFilesInTheSetThatReadsThem(t *testing.T) {
	dir := writeTree(t)
	for _, tc := range []struct {
		name     string
		paths    []string
		want     []string
		rootOnly bool
		// mirrorOnly: the root is the repository at the top, not the
		// one inside it that this case is about.
		mirrorOnly bool
	}{
		{"site through a symbolic link", []string{"etc/nginx/sites-available/app"}, []string{"etc/nginx/nginx.conf"}, false, false},
		{"snippet two includes down", []string{"etc/nginx/snippets/php.conf"}, []string{"etc/nginx/nginx.conf"}, false, false},
		{"conf.d file", []string{"etc/nginx/conf.d/gzip.conf"}, []string{"etc/nginx/nginx.conf"}, false, false},
		{"pool", []string{"etc/php/8.2/fpm/pool.d/www.conf"}, []string{"etc/php/8.2/fpm/php-fpm.conf"}, true, false},
		{"both sides, one set each", []string{"etc/nginx/snippets/php.conf", "etc/php/8.2/fpm/pool.d/www.conf", "etc/nginx/sites-available/app"},
			[]string{"etc/nginx/nginx.conf", "etc/php/8.2/fpm/php-fpm.conf"}, true, false},
		{"main named too, not twice", []string{"etc/nginx/nginx.conf", "etc/nginx/snippets/php.conf"}, []string{"etc/nginx/nginx.conf"}, false, false},
		{"site no main reads", []string{"etc/nginx/sites-available/unused"}, []string{"etc/nginx/sites-available/unused"}, false, false},
		{"beside nginx.conf but not included", []string{"etc/nginx/stray.conf"}, []string{"etc/nginx/stray.conf"}, false, false},
		// outside/nginx.conf would read the snippet, but lies above the
		// repository holding it.
		{"repository boundary", []string{"outside/repo/etc/nginx/sites-enabled/x"}, []string{"outside/repo/etc/nginx/nginx.conf"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes := map[string]engine.Options{}
			if !tc.mirrorOnly {
				modes["root"] = rootOptions(dir)
			}
			if !tc.rootOnly {
				modes["mirror"] = options()
			}
			for mode, opts := range modes {
				got := pathsOf(Expand(named(t, tc.paths...), opts))
				want := tc.want
				if mode == "root" {
					// What Expand adds is named as on the target
					// machine; the files it leaves keep their form.
					want = nil
					for _, w := range tc.want {
						if !contains(tc.paths, w) {
							w = "/" + w
						}
						want = append(want, w)
					}
					sort.Strings(want)
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s: Expand(%v) = %v, want %v", mode, tc.paths, got, want)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestExpandLeavesScannedAndAbsoluteFormsAlone(t *testing.T) {
	dir := writeTree(t)
	// A directory scan finds the main configuration itself; Expand must
	// not add the ones above the directory.
	scanned := named(t, "etc/nginx/snippets")
	if got := pathsOf(Expand(scanned, options())); strings.Join(got, " ") != "etc/nginx/snippets/php.conf" {
		t.Errorf("scanned files expanded: %v", got)
	}
	// Under a root, an absolute path gets the main configuration's path on
	// the target machine, which is how the loaders read absolute paths.
	abs := filepath.Join(dir, "etc", "php", "8.2", "fpm", "pool.d", "www.conf")
	got := Expand(named(t, abs), rootOptions(dir))
	if len(got) != 1 || got[0].Path != "/etc/php/8.2/fpm/php-fpm.conf" || got[0].Kind != discover.FPM || !got[0].Main {
		t.Errorf("Expand(%s) = %+v", abs, got)
	}
}

// The point of expanding: a file named alone is checked with the rest of
// its set, so a finding elsewhere in the set is reported, and the file is
// not checked a second time on its own.
func TestCheckOfANamedFileReportsItsWholeSet(t *testing.T) {
	writeTree(t)
	broken := filepath.Join("etc", "nginx", "nginx.conf")
	if err := os.WriteFile(broken, []byte("events {}\nhttp {\n  gzip maybe;\n  include /etc/nginx/sites-enabled/*;\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join("etc", "nginx", "sites-available", "app")
	ds := engine.Check(Expand(named(t, site), options()), options()).Diagnostics()
	var inMain bool
	for _, d := range ds {
		if filepath.Clean(d.Location.File) == broken && d.Location.Range.Start.Line == 3 {
			inMain = true
		}
	}
	if !inMain {
		t.Errorf("the error in nginx.conf is not reported when the site is named: %v", ds)
	}
	alone := engine.Check(named(t, site), options()).Diagnostics()
	for _, d := range alone {
		if filepath.Clean(d.Location.File) == broken {
			t.Fatalf("the site checked on its own read nginx.conf, so this test shows nothing: %v", alone)
		}
	}
}
