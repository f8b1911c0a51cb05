package nginxconf

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/hostdb"
)

func TestResolver(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, filepath.Join(root, "etc/hosts"), "127.0.0.1 localhost # loopback\n10.0.0.5 php-fpm PHP.internal\nbogus line\n")
	r := &Resolver{DB: hostdb.Load(&files.FS{Root: root})}
	got := r.Resolve([]string{"php-fpm", "php.INTERNAL", "10.1.2.3", "::1", "db"})
	want := map[string]Resolution{"php-fpm": Resolved, "php.INTERNAL": Resolved, "10.1.2.3": Resolved, "::1": Resolved, "db": Unresolved}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve = %v, want %v", got, want)
	}
}

func TestInferPrefix(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "usr/share/nginx/modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	debian := &files.FS{Root: root}
	other := &files.FS{Root: t.TempDir()}
	cases := []struct {
		conf string
		fs   *files.FS
		want string
	}{
		{"/etc/nginx", debian, "/usr/share/nginx"},
		{"/etc/nginx/", other, "/etc/nginx"},
		{"/usr/local/nginx/conf", other, "/usr/local/nginx"},
		{"/srv/site", other, "/srv/site"},
	}
	for _, c := range cases {
		if got := InferPrefix(c.conf, c.fs); got != c.want {
			t.Errorf("InferPrefix(%q) = %q, want %q", c.conf, got, c.want)
		}
	}
}

func TestBuiltinVariable(t *testing.T) {
	cases := []struct {
		name, ctx, version string
		want               bool
	}{
		{"host", "http", "1.22.1", true},
		{"HOST", "http", "1.22.1", true},
		{"http_x_forwarded_proto", "http", "1.22.1", true},
		{"arg_page", "http", "", true},
		{"arg", "http", "", false},
		{"remote_addr", "stream", "1.22.1", true},
		{"request_uri", "stream", "1.22.1", false},
		{"http3", "http", "1.22.1", false},
		{"http3", "http", "1.25.0", true},
		{"echo_request_uri", "http", "1.22.1", true},
		{"geoip_country_code", "http", "1.22.1", true},
		{"nope", "http", "", false},
	}
	for _, c := range cases {
		if got := BuiltinVariable(c.name, c.ctx, c.version); got != c.want {
			t.Errorf("BuiltinVariable(%q, %q, %q) = %v, want %v", c.name, c.ctx, c.version, got, c.want)
		}
	}
}
