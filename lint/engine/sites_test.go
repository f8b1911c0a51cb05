package engine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
)

// checkBoth checks found whole and a site at a time (a budget of one byte
// makes every site a batch of its own), fails the test named name unless
// the reports and the files counted are the same, and returns the report.
func checkBoth(t *testing.T, name string, found []discover.File, opts engine.Options) []diag.Diagnostic {
	t.Helper()
	opts.SiteBudget = 0
	wholePass := engine.Check(found, opts)
	opts.SiteBudget = 1
	batchedPass := engine.Check(found, engine.ExactBatches(opts))
	if w, b := engine.FileCount(wholePass), engine.FileCount(batchedPass); w != b {
		t.Errorf("%s: checked a site at a time, %d files are counted, not %d", name, b, w)
	}
	whole, batched := wholePass.Diagnostics(), batchedPass.Diagnostics()
	a, _ := json.MarshalIndent(whole, "", " ")
	b, _ := json.MarshalIndent(batched, "", " ")
	if string(a) != string(b) {
		t.Errorf("%s: checked a site at a time, the report differs\nwhole:\n%s\nbatched:\n%s", name, a, b)
	}
	return whole
}

// scan is what a check of dir finds there.
func scan(t *testing.T, dir string) []discover.File {
	t.Helper()
	found, _, err := discover.Scan([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// The sites of a host depend on each other: the addresses they listen on
// (duplicate and default servers, TLS) and the variables they define.
// Checked a batch at a time, each site sees the others' ghosts, and the
// report is the whole check's.
func TestSitesBatchedAgreeAcrossSites(t *testing.T) {
	dir := t.TempDir()
	site := func(name, src string) { testfiles.Write(t, filepath.Join(dir, "sites-enabled", name), src) }
	testfiles.Write(t, filepath.Join(dir, "nginx.conf"), "events {}\nhttp {\n  include sites-enabled/*;\n  server { listen 8443 ssl; }\n}\n")
	site("a", "server {\n  include snippets/only-a.conf;\n  listen 80 default_server;\n  listen 8080 backlog=10;\n  server_name ~^(?<sub>[a-z]+)\\.example\\.com$;\n  location / { set $from_a 1; }\n}\n")
	site("b", "server {\n  listen 80 default_server;\n  listen 8080 reuseport;\n  return 200 \"$from_a $from_z $sub $nowhere\";\n  location /b { include snippets/only-b.conf; }\n}\n")
	site("c", "# comment\nserver {\n  listen 443 ssl;\n  ssl_certificate /etc/ssl/c.pem;\n  ssl_certificate_key /etc/ssl/c.key;\n}\nserver {\n  listen 443;\n  listen 127.0.0.1:80;\n  listen 127.0.0.1:80;\n}\n")
	site("d", "server {\n  listen 8443 default_server;\n  # fcgilint: ignore[nginx-unknown-variable] a test of suppression\n  location / { return 200 $undefined_in_d; }\n}\n")
	site("e", "server {\n  include snippets/listen.conf;\n  location / { fastcgi_pass unix:/run/php/none.sock; }\n}\n")
	site("f", "upstream app { server 127.0.0.1:9000; }\nserver { listen 81; location / { proxy_pass http://app:9000; } }\n")
	site("g", "server {\n  listen 82\n  server_name g;\n}\n")
	site("z", "server {\n  listen 83;\n  if ($request_uri ~ (?<zcap>.*)) { set $from_z $zcap; }\n  location /x { return 200 $missing_in_z; }\n}\n")
	site("i", "server {\n  listen 8081 default_server;\n}\n")
	site("j", "server {\n  # fcgilint: ignore[nginx-listen] two default servers, on purpose\n  listen 8081 default_server;\n}\n")
	site("k", "server {\n  listen 9443 ssl;\n  server_name k;\n}\n")
	site("l", "server {\n  listen 9444 ssl default_server;\n  ssl_certificate /etc/ssl/l.pem;\n}\n")
	site("m", "server {\n  listen 9445 ssl;\n  include snippets/cert.conf;\n}\n")
	site("n", "server {\n  listen 9445 ssl;\n}\n")
	// Sites with directives of the http block beside their servers: the
	// zone, maps and upstream of o are every batch's.
	site("o", "limit_req_zone $binary_remote_addr zone=zone_o:10m rate=1r/s;\nmap $host $from_o {\n  default 1;\n}\nupstream app_o {\n  server 127.0.0.1:9000;\n}\nserver {\n  listen 85;\n  # fcgilint: ignore[nginx-unknown-variable] a suppression inside a site with a rest\n  location / { return 200 $undefined_in_o; }\n}\nmap $uri $from_o2 {\n  # fcgilint: ignore[nginx-unknown-variable] a suppression in the rest\n  default $undefined_in_rest;\n}\n")
	site("p", "server {\n  listen 86;\n  limit_req zone=zone_o;\n  location / { proxy_pass http://app_o; return 200 \"$from_o $from_o2\"; }\n}\n")
	testfiles.Write(t, filepath.Join(dir, "snippets/cert.conf"), "ssl_certificate /etc/ssl/m.pem;\nssl_certificate_key /etc/ssl/m.key;\n")
	testfiles.Write(t, filepath.Join(dir, "snippets/listen.conf"), "listen 80;\n")
	testfiles.Write(t, filepath.Join(dir, "snippets/only-a.conf"), "add_header X-Site a;\n")
	testfiles.Write(t, filepath.Join(dir, "snippets/only-b.conf"), "add_header X-Site b;\n")
	whole := checkBoth(t, "sites", scan(t, dir), engine.Options{FS: &files.FS{}})
	var rules []string
	for _, d := range whole {
		rules = append(rules, d.Rule+"@"+filepath.Base(d.Location.File))
	}
	// What the fixture is for: findings in one site that another causes
	// (or that a later batch clears).
	for _, want := range []string{"nginx-listen@b", "nginx-unknown-variable@b", "nginx-unknown-variable@z", "nginx-listen@c", "nginx-upstream-address@f", "nginx-listen@g",
		"nginx-ssl-certificate@k", "nginx-ssl-certificate@l"} {
		if !strings.Contains(strings.Join(rules, " "), want) {
			t.Errorf("want %s among %v", want, rules)
		}
	}
	for _, d := range whole {
		if base := filepath.Base(d.Location.File); base == "j" || base == "m" || base == "n" || base == "o" || base == "p" {
			t.Errorf("want no finding in %s (a suppressed duplicate, a certificate from a snippet), got %s: %s", base, d.Rule, d.Message)
		}
		if strings.Contains(d.Message, "from_") || strings.Contains(d.Message, `"sub"`) || strings.Contains(d.Message, "app_o") || strings.Contains(d.Message, "zone_o") {
			t.Errorf("a variable another site defines is reported: %s", d.Message)
		}
	}
}

// A file two includes read is analysed in each place: such a host is
// checked whole.
func TestSiteReadTwiceIsCheckedWhole(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, filepath.Join(dir, "nginx.conf"), "events {}\nhttp {\n  include sites-enabled/*;\n  include sites-enabled/a;\n}\n")
	testfiles.Write(t, filepath.Join(dir, "sites-enabled/a"), "server {\n  listen 80 default_server;\n}\n")
	testfiles.Write(t, filepath.Join(dir, "sites-enabled/b"), "server {\n  listen 81;\n}\n")
	whole := checkBoth(t, "twice", scan(t, dir), engine.Options{FS: &files.FS{}})
	if len(whole) == 0 || !strings.Contains(whole[0].Message, "duplicate default server") {
		t.Errorf("want the duplicate default server of the site read twice, got %v", whole)
	}
}

// Every configuration of the repository's testdata and examples, and of
// the shared corpus, gets the same report checked a site at a time.
func TestSitesBatchedAgreeOnFixtures(t *testing.T) {
	roots := []string{"../../testdata", "../../examples", "../../../shared/corpus"}
	var dirs []string
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			t.Logf("skipping %s: %v", root, err)
			continue
		}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == "nginx.conf" {
				dirs = append(dirs, filepath.Dir(p))
			}
			return nil
		})
	}
	if len(dirs) < 100 {
		t.Fatalf("found only %d configurations", len(dirs))
	}
	for _, dir := range dirs {
		checkBoth(t, dir, scan(t, dir), engine.Options{FS: &files.FS{}, Mirror: true})
	}
}

// The check calls BetweenBatches before each batch (a budget of one byte
// makes each site a batch), and never when it holds the host whole.
func TestBetweenBatchesIsCalledBeforeEachBatch(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, filepath.Join(dir, "nginx.conf"), "events {}\nhttp {\n  include sites-enabled/*;\n}\n")
	for _, name := range []string{"a", "b", "c"} {
		testfiles.Write(t, filepath.Join(dir, "sites-enabled", name), "server {\n  server_name "+name+";\n}\n")
	}
	testfiles.Write(t, filepath.Join(dir, "sites-enabled/d"), "upstream app {\n  server 127.0.0.1:9000;\n}\n") // no server, no site: read in every load
	found := scan(t, dir)
	for _, tc := range []struct{ budget, calls int }{{0, 0}, {1, 3}, {1 << 20, 1}} {
		calls := 0
		engine.Check(found, engine.ExactBatches(engine.Options{FS: &files.FS{}, SiteBudget: tc.budget, BetweenBatches: func() { calls++ }}))
		if calls != tc.calls {
			t.Errorf("budget %d: BetweenBatches called %d times, want %d", tc.budget, calls, tc.calls)
		}
	}
}

// Every batch reloads what is not a site: a batch holds at least as much
// text of sites as that, so that a host of few sites and many other files
// is not reloaded once per site.
func TestBatchesAreNoSmallerThanTheRest(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, filepath.Join(dir, "nginx.conf"), "events {}\nhttp {\n  include sites-enabled/*;\n}\n")
	for _, name := range []string{"a", "b", "c", "d"} {
		testfiles.Write(t, filepath.Join(dir, "sites-enabled", name), "server {\n  server_name "+name+";\n}\n")
	}
	// Not a site (no server), and larger than the four sites together.
	testfiles.Write(t, filepath.Join(dir, "sites-enabled/e"), "map $host $backend {\n"+strings.Repeat("  padding.example.com 127.0.0.1:9000;\n", 20)+"}\n")
	found := scan(t, dir)
	calls := 0
	engine.Check(found, engine.Options{FS: &files.FS{}, SiteBudget: 1, BetweenBatches: func() { calls++ }})
	if calls != 1 {
		t.Errorf("four small sites beside a larger file that is not one: %d batches, want 1", calls)
	}
}

// FuzzBatchedAgreesWithWhole checks a host of three sites of any content,
// whole and a site at a time: the reports and the files counted are the
// same.
func FuzzBatchedAgreesWithWhole(f *testing.F) {
	seeds := [][]byte{
		[]byte("server {\n  listen 80 default_server;\n  location / { set $v 1; }\n}\n"),
		[]byte("upstream u { server 127.0.0.1:9000; }\nserver {\n  listen 80 default_server;\n  include /fz/snippets/*.conf;\n  return 200 $v;\n}\n"),
		[]byte("map $host $m { default 1; }\nserver {\n  listen 443 ssl;\n  # fcgilint: ignore[nginx-unknown-variable] why\n  return 200 $nowhere;\n}\n"),
	}
	for _, src := range seeds {
		f.Add(src, seeds[1], seeds[2])
	}
	_ = filepath.WalkDir(filepath.Join("..", "..", "..", "shared", "corpus", "nginx"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".conf" {
			if src, err := os.ReadFile(p); err == nil && len(src) < 8<<10 {
				f.Add(src, seeds[0], seeds[2])
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		fsys := &files.FS{Root: t.TempDir()}
		fsys.SetOverlay("/fz/nginx.conf", []byte("events {}\nhttp {\n  include /fz/sites/*;\n}\n"))
		fsys.SetOverlay("/fz/sites/a", a)
		fsys.SetOverlay("/fz/sites/b", b)
		fsys.SetOverlay("/fz/sites/c", c)
		fsys.SetOverlay("/fz/snippets/listen.conf", []byte("listen 81;\n"))
		found := []discover.File{{Path: "/fz/nginx.conf", Kind: discover.Nginx, Main: true}}
		checkBoth(t, "fuzz", found, engine.Options{FS: fsys})
	})
}
