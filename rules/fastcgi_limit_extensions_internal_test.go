package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

func TestLocationExtensions(t *testing.T) {
	cases := map[string][]string{
		`~ \.php$`:              {".php"},
		`~ [^/]\.php(/|$)`:      {".php"},
		`~ \.(php|phar)(/.*)?$`: {".php", ".phar"},
		`~ \.(?:php|phtml)$`:    {".php", ".phtml"},
		`~ \.php5?$`:            {".php", ".php5"},
		`~ ^/(index|app)\.php$`: {".php"},
		`~* \.PHP$`:             {".php"},
		`~ ^/status$`:           nil,
		`~ \.php-fpm-status$`:   nil,
		`~ \.php$|\.phtml$`:     {".php", ".phtml"},
	}
	dir := t.TempDir()
	for args, want := range cases {
		path := filepath.Join(dir, "site.conf")
		if err := os.WriteFile(path, []byte("location "+args+" { }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, _ := nginxconf.LoadIn(path, nginxconf.CtxHTTPSrv, nginxconf.Options{FS: &files.FS{}})
		loc := cfg.Root.Block()[0]
		if got := locationExtensions(loc); !reflect.DeepEqual(got, want) {
			t.Errorf("location %s: extensions %q, want %q", args, got, want)
		}
	}
}
