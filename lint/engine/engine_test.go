package engine_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/gentree"
	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
)

// A snippet the main configuration includes is checked once, in the
// include's context; a site nothing includes is checked on its own in the
// context its directives imply, so neither gets a false "not allowed here".
func TestCheckLoadsSetsAndLeftovers(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, filepath.Join(dir, "nginx.conf"), "events {}\nhttp {\n  include snippets/*.conf;\n}\n")
	testfiles.Write(t, filepath.Join(dir, "snippets", "gzip.conf"), "gzip on;\n")
	testfiles.Write(t, filepath.Join(dir, "sites-available", "site"), "server {\n  listen 80;\n  location / { fastcgi_index index.php; fastcgi_index index.php; }\n}\n")
	found, err := discover.Paths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	pass := engine.Check(found, engine.Options{FS: &files.FS{}})
	if len(pass.Nginx) != 2 {
		t.Fatalf("want the main set and the unreached site, got %d sets", len(pass.Nginx))
	}
	ds := pass.Diagnostics()
	if len(ds) != 1 || ds[0].Rule != "nginx-duplicate-directive" || !strings.HasSuffix(ds[0].Location.File, "site") {
		t.Fatalf("want one duplicate in the site, got %v", ds)
	}
	if n := engine.FileCount(pass); n != 3 {
		t.Errorf("FileCount = %d, want 3", n)
	}
}

// BenchmarkCheckTree checks the generated Debian-style tree of 2,000 sites
// and 50 pools that bench/check-vs-nginx.sh compares with nginx -t.
// It holds the whole tree at once, as `fcgilint check --whole` does.
func BenchmarkCheckTree(b *testing.B) { benchmarkCheckTree(b, engine.Options{}) }

// BenchmarkCheckTreeBatched is BenchmarkCheckTree a batch of sites at a
// time, as `fcgilint check` checks (collecting between batches).
func BenchmarkCheckTreeBatched(b *testing.B) {
	benchmarkCheckTree(b, engine.Options{SiteBudget: engine.DefaultSiteBudget, BetweenBatches: runtime.GC})
}

func benchmarkCheckTree(b *testing.B, opts engine.Options) {
	root := b.TempDir()
	if err := gentree.Generate(gentree.Tree{Root: root, Sites: 2000, Pools: 50}); err != nil {
		b.Fatal(err)
	}
	fsys := &files.FS{Root: root}
	found := discover.Host(fsys)
	if len(found) == 0 {
		b.Fatal("the generated tree has no configuration")
	}
	b.ResetTimer()
	var pass *lint.Pass
	for i := 0; i < b.N; i++ {
		opts.FS = fsys
		pass = engine.Check(found, opts)
		if ds := pass.Diagnostics(); len(ds) != 0 {
			b.Fatalf("the generated tree is correct, got %d findings, the first: %v", len(ds), ds[0])
		}
	}
	b.StopTimer()
	// The model's size, which the peak RSS of a check follows.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MiB")
	runtime.KeepAlive(pass)
}

// Checking a machine's nginx files alone still judges them against the
// pools of that machine's php-fpm, found where its distribution keeps them.
func TestNginxAloneFindsTheMachinesPools(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, filepath.Join(root, "etc/os-release"), "ID=debian\n")
	testfiles.Write(t, filepath.Join(root, "etc/passwd"), "root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/sh\n")
	testfiles.Write(t, filepath.Join(root, "etc/group"), "root:x:0:\nwww-data:x:33:\n")
	testfiles.Write(t, filepath.Join(root, "etc/nginx/nginx.conf"), "user www-data;\nevents {}\nhttp {\n  server {\n    location ~ \\.php$ {\n      fastcgi_pass unix:/run/php/php8.1-fpm.sock;\n    }\n  }\n}\n")
	testfiles.Write(t, filepath.Join(root, "etc/php/8.2/fpm/php-fpm.conf"), "[global]\npid = /run/php/php8.2-fpm.pid\nerror_log = /var/log/php8.2-fpm.log\ninclude = /etc/php/8.2/fpm/pool.d/*.conf\n")
	testfiles.Write(t, filepath.Join(root, "etc/php/8.2/fpm/pool.d/www.conf"), "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = static\npm.max_children = 2\n")
	for _, d := range []string{"run/php", "var/log"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fsys := &files.FS{Root: root}
	found := []discover.File{{Path: "/etc/nginx/nginx.conf", Kind: discover.Nginx, Main: true}}
	pass := engine.Check(found, engine.Options{FS: fsys})
	if len(pass.FPM) != 1 {
		t.Fatalf("want the machine's php-fpm loaded, got %d sets", len(pass.FPM))
	}
	var rulesSeen []string
	for _, d := range pass.Diagnostics() {
		rulesSeen = append(rulesSeen, d.Rule)
	}
	if strings.Join(rulesSeen, ",") != "fastcgi-pass-no-listener" {
		t.Fatalf("want the stale socket reported, got %v", pass.Diagnostics())
	}
	// Without a root or a profile, the php-fpm side is unknown: no guess.
	testfiles.Write(t, filepath.Join(root, "plain/nginx.conf"), "events {}\nhttp { server { location / { fastcgi_pass unix:/nowhere.sock; } } }\n")
	plain := engine.Check([]discover.File{{Path: filepath.Join(root, "plain/nginx.conf"), Kind: discover.Nginx, Main: true}}, engine.Options{FS: &files.FS{}})
	if len(plain.FPM) != 0 || len(plain.Diagnostics()) != 0 {
		t.Fatalf("without a machine, no pools may be assumed: %d sets, %v", len(plain.FPM), plain.Diagnostics())
	}
}

// A repository's copy of /etc/php reads its own pools through absolute
// includes, never the pools of the machine fcgilint runs on.
func TestFPMTreeReadsItsOwnPools(t *testing.T) {
	repo := t.TempDir()
	testfiles.Write(t, filepath.Join(repo, "etc/php/8.2/fpm/php-fpm.conf"), "[global]\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n")
	testfiles.Write(t, filepath.Join(repo, "etc/php/8.2/fpm/pool.d/app.conf"), "[app]\nuser = www-data\nlisten = /run/php/app.sock\npm = static\npm.max_children = 1\n")
	found, err := discover.Paths([]string{repo})
	if err != nil {
		t.Fatal(err)
	}
	pass := engine.Check(found, engine.Options{FS: &files.FS{}, Mirror: true})
	var pools []string
	for _, c := range pass.FPM {
		for _, p := range c.Pools {
			pools = append(pools, p.Name)
		}
	}
	if strings.Join(pools, ",") != "app" {
		t.Fatalf("want the tree's pool [app] once, got %v", pools)
	}
}

// A piece of a main configuration (Debian's modules-enabled files hold
// load_module lines only) is neither a main configuration missing its
// events block nor checked twice: it is checked where nginx.conf includes
// it, and on its own in the main context.
func TestMainContextPiecesAreNotMainConfigurations(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, filepath.Join(dir, "nginx.conf"), "include modules-enabled/*.conf;\nevents {}\nhttp {}\n")
	testfiles.Write(t, filepath.Join(dir, "modules-enabled", "50-limits.conf"), "worker_rlimit_nofile 4096;\n")
	for _, target := range []string{dir, filepath.Join(dir, "modules-enabled")} {
		found, err := discover.Paths([]string{target})
		if err != nil {
			t.Fatal(err)
		}
		pass := engine.Check(found, engine.Options{FS: &files.FS{}})
		if ds := pass.Diagnostics(); len(ds) != 0 {
			t.Errorf("check %s: want no findings, got %v", target, ds)
		}
		if len(pass.Nginx) != 1 {
			t.Errorf("check %s: want one configuration set, got %d", target, len(pass.Nginx))
		}
	}
}

// A site kept without its nginx.conf (the conf.d/default.conf of a Docker
// setup) includes nginx's stock files by relative names that resolve in
// nginx's configuration directory, not beside the site: they are read from
// where the packages put them, and when no such directory is there, the
// include is a note, not an error.
func TestStandaloneSiteReadsStockFiles(t *testing.T) {
	root := t.TempDir()
	site := "server {\n  listen 80;\n  location ~ \\.php$ {\n    include fastcgi_params;\n    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    fastcgi_pass 127.0.0.1:9000;\n  }\n}\n"
	testfiles.Write(t, filepath.Join(root, "app/docker/nginx/default.conf"), site)
	found := []discover.File{{Path: "/app/docker/nginx/default.conf", Kind: discover.Nginx}}
	fsys := &files.FS{Root: root}

	ds := engine.Check(found, engine.Options{FS: fsys}).Diagnostics()
	if len(ds) != 1 || ds[0].Rule != "nginx-include-not-found" || ds[0].Severity != diag.Note {
		t.Fatalf("without nginx's directory: want one note about fastcgi_params, got %v", ds)
	}

	testfiles.Write(t, filepath.Join(root, "etc/nginx/fastcgi_params"), "fastcgi_param QUERY_STRING $query_string;\nfastcgi_param REQUEST_METHOD $request_method;\n")
	pass := engine.Check(found, engine.Options{FS: fsys})
	if ds := pass.Diagnostics(); len(ds) != 0 {
		t.Fatalf("with /etc/nginx/fastcgi_params: want no finding, got %v", ds)
	}
	if files := engine.Files(pass); !files["/etc/nginx/fastcgi_params"] {
		t.Errorf("the stock file was not read: %v", files)
	}
}
