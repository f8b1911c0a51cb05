package nginxconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint/files"
)

func names(ns []*Node) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name())
	}
	return strings.Join(out, " ")
}

func TestIncludesResolveAgainstMainDirectoryInContext(t *testing.T) {
	dir := t.TempDir()
	testfiles.WriteTree(t, dir, map[string]string{
		"nginx.conf":            "events {}\nhttp {\n include sites/*.conf;\n include nothing/*.conf;\n}\n",
		"sites/b.conf":          "server { location / { include snippets/php.conf; } }\n",
		"sites/a.conf":          "server { listen 81; }\n",
		"snippets/php.conf":     "fastcgi_pass unix:/run/php.sock;\n",
		"sites/snippets/x.conf": "wrong;\n", // not the one: includes resolve against nginx.conf's dir
	})
	cfg, ds := Load(filepath.Join(dir, "nginx.conf"), Options{FS: &files.FS{}})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	http := cfg.Root.Block()[1]
	servers := http.Block()
	if names(servers) != "server server" || servers[0].Dir.Args != nil && len(servers[0].Block()) != 1 {
		t.Fatalf("glob order or splicing wrong: %s", names(servers))
	}
	if servers[0].Block()[0].Name() != "listen" { // a.conf before b.conf
		t.Fatalf("glob not sorted")
	}
	loc := servers[1].Block()[0]
	pass := loc.Block()[0]
	if pass.Name() != "fastcgi_pass" || pass.Ctx != CtxHTTPLoc || pass.File.Path != filepath.Join(dir, "snippets/php.conf") {
		t.Fatalf("snippet not read in location context: %s %v %s", pass.Name(), pass.Ctx, pass.File.Path)
	}
}

func TestIncludeProblems(t *testing.T) {
	dir := t.TempDir()
	testfiles.WriteTree(t, dir, map[string]string{
		"nginx.conf":     "events {}\nhttp {\n include missing.conf;\n include loop/*.conf;\n include twice.conf;\n server { include twice.conf; }\n}\n",
		"loop/self.conf": "include loop/*.conf;\n",
		"twice.conf":     "gzip on;\n",
	})
	cfg, ds := Load(filepath.Join(dir, "nginx.conf"), Options{FS: &files.FS{}})
	byRule := map[string][]string{}
	for _, d := range ds {
		byRule[d.Rule] = append(byRule[d.Rule], d.Message)
		if d.Location.Range.Start.Line == 0 {
			t.Errorf("diagnostic without position: %v", d)
		}
	}
	if len(byRule[RuleIncludeNotFound]) != 1 || !strings.Contains(byRule[RuleIncludeNotFound][0], "No such file") {
		t.Errorf("missing include: %v", byRule)
	}
	if len(byRule[RuleIncludeCycle]) != 1 {
		t.Errorf("self-matching glob should be reported once: %v", byRule)
	}
	// A file included from two places is analysed in each context.
	var ctxs []Context
	cfg.Root.Walk(func(n *Node) bool {
		if n.Name() == "gzip" {
			ctxs = append(ctxs, n.Ctx)
		}
		return true
	})
	if len(ctxs) != 2 || ctxs[0] != CtxHTTPMain || ctxs[1] != CtxHTTPSrv {
		t.Errorf("twice.conf contexts: %v", ctxs)
	}
}

func TestStandaloneContextInference(t *testing.T) {
	dir := t.TempDir()
	testfiles.WriteTree(t, dir, map[string]string{
		"site.conf":    "server { listen 80; location / { try_files $uri =404; } }\n",
		"snippet.conf": "fastcgi_split_path_info ^(.+\\.php)(/.+)$;\nfastcgi_pass 127.0.0.1:9000;\n",
		"params":       "fastcgi_param A b;\n",
		// An unknown name (a typo, a module not known) is unknown in every
		// context: the location around it still says where it stands.
		"typo.conf": "location / {\n  foo_bar 1;\n  root /srv;\n}\n",
	})
	for file, want := range map[string]Context{"site.conf": CtxHTTPMain, "snippet.conf": CtxHTTPLoc, "params": CtxHTTPMain, "typo.conf": CtxHTTPSrv} {
		kept := CtxNone
		got := InferContext(func(c Context) *Config {
			cfg, _ := LoadIn(filepath.Join(dir, file), c, Options{FS: &files.FS{}})
			return cfg
		}, func(c Context) { kept = c }, "")
		if got != want || kept != want {
			t.Errorf("%s: inferred %v (kept %v), want %v", file, got, kept, want)
		}
	}
}

func TestMirrorPrefix(t *testing.T) {
	dir := t.TempDir()
	testfiles.WriteTree(t, dir, map[string]string{
		"etc/nginx/nginx.conf":        "events {}\nhttp { include /etc/nginx/sites-enabled/*; }\n",
		"etc/nginx/sites-enabled/one": "server { listen 80; }\n",
	})
	cfg, ds := Load(filepath.Join(dir, "etc/nginx/nginx.conf"), Options{FS: &files.FS{}, MirrorPrefixes: DefaultMirrorPrefixes})
	if len(ds) != 0 || len(cfg.Files) != 2 {
		t.Fatalf("mirrored include not read from the tree: %v %v", ds, cfg.Order)
	}
}

// A link left in sites-enabled after its site was removed fails nginx's
// include; the finding says it is a dangling link and where it points.
func TestDanglingLinkInclude(t *testing.T) {
	dir := t.TempDir()
	testfiles.WriteTree(t, dir, map[string]string{"nginx.conf": "events {}\nhttp {\n include sites-enabled/*;\n}\n"})
	if err := os.MkdirAll(filepath.Join(dir, "sites-enabled"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "sites-available", "gone")
	if err := os.Symlink(target, filepath.Join(dir, "sites-enabled", "gone")); err != nil {
		t.Skipf("skipping: symlink: %v", err)
	}
	_, ds := Load(filepath.Join(dir, "nginx.conf"), Options{FS: &files.FS{}})
	if len(ds) != 1 || ds[0].Rule != RuleIncludeNotFound || !strings.Contains(ds[0].Message, "is a symbolic link to "+target+", which does not exist") || ds[0].Location.Range.Start.Line != 3 {
		t.Fatalf("want one include-not-found on line 3 naming the dangling link, got %v", ds)
	}
}
