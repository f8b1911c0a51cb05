package fastcgi

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/hostdb"
)

func testDB(t *testing.T) (*hostdb.DB, *files.FS) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, s string) { testfiles.Write(t, filepath.Join(dir, name), s) }
	write("etc/passwd", "root:x:0:0::/:/bin/sh\nwww-data:x:33:33::/:/bin/sh\nshop:x:1001:1001::/:/bin/sh\napache:x:48:48::/:/bin/sh\n")
	write("etc/group", "root:x:0:\nwww-data:x:33:\nshop:x:1001:www-data\napache:x:48:\n")
	fs := &files.FS{Root: dir}
	return hostdb.Load(fs), fs
}

func wwwData(db *hostdb.DB) *Worker {
	return &Worker{Known: true, User: "www-data", UID: 33, Group: "www-data", GID: 33, Groups: db.InitGroups("www-data", 33)}
}

func TestSocketAccess(t *testing.T) {
	db, _ := testDB(t)
	w := wwwData(db)
	cases := []struct {
		name  string
		sock  fpm.SocketPerm
		class string // "" = allowed
	}{
		{"root default", fpm.SocketPerm{Owner: "root", Group: "root", Mode: 0o660}, "other"},
		{"root 0666", fpm.SocketPerm{Owner: "root", Group: "root", Mode: 0o666}, ""},
		{"owner", fpm.SocketPerm{Owner: "www-data", OwnerUID: 33, Group: "root", Mode: 0o600}, ""},
		{"owner bits first", fpm.SocketPerm{Owner: "www-data", OwnerUID: 33, Group: "www-data", GroupGID: 33, Mode: 0o466}, "owner"},
		{"supplementary group", fpm.SocketPerm{Owner: "shop", OwnerUID: 1001, Group: "shop", GroupGID: 1001, Mode: 0o660}, ""},
		{"group lacks write", fpm.SocketPerm{Owner: "shop", OwnerUID: 1001, Group: "shop", GroupGID: 1001, Mode: 0o646}, "group"},
		{"acl user", fpm.SocketPerm{Owner: "root", Group: "root", Mode: 0o660, ACLUsers: []string{"apache", "www-data"}}, ""},
		{"acl user missing", fpm.SocketPerm{Owner: "root", Group: "root", Mode: 0o660, ACLUsers: []string{"apache"}}, "other"},
		{"acl group", fpm.SocketPerm{Owner: "root", Group: "root", Mode: 0o600, ACLGroups: []string{"shop"}}, ""},
		{"acl numeric user", fpm.SocketPerm{Owner: "root", Group: "root", Mode: 0o600, ACLUsers: []string{"33"}}, ""},
	}
	for _, c := range cases {
		d := SocketAccess(w, &c.sock, db)
		got := ""
		if d != nil {
			got = d.Class
		}
		if got != c.class {
			t.Errorf("%s: got %q, want %q (%v)", c.name, got, c.class, d)
		}
	}
	root := &Worker{Known: true, User: "root", UID: 0, Groups: []int{0}}
	if d := SocketAccess(root, &fpm.SocketPerm{Mode: 0}, db); d != nil {
		t.Errorf("root is refused: %v", d)
	}
	if d := SocketAccess(w, &fpm.SocketPerm{OwnerUID: -1, Mode: 0}, db); d != nil {
		t.Errorf("unknown owner judged: %v", d)
	}
}

func TestDirectoryAccess(t *testing.T) {
	db, fs := testDB(t)
	w := wwwData(db)
	dir := fs.Real("/srv/home/php")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if d := DirectoryAccess(fs, w, "/srv/home/php/x.sock", db); d != nil {
		t.Fatalf("0755 directories refused: %v", d)
	}
	if err := os.Chmod(fs.Real("/srv/home"), 0o700); err != nil {
		t.Fatal(err)
	}
	d := DirectoryAccess(fs, w, "/srv/home/php/x.sock", db)
	if os.Getuid() == 33 {
		t.Skip("running as www-data")
	}
	if d == nil || d.Dir != "/srv/home" {
		t.Fatalf("0700 directory: got %v", d)
	}
	if d := DirectoryAccess(fs, w, "/missing/x.sock", db); d != nil {
		t.Errorf("missing directory judged: %v", d)
	}
}

func endpoint(listen string, allowed ...string) *Endpoint {
	p := &fpm.Pool{Name: "p", Starts: true, Listen: fpm.Listen{Kind: fpm.ListenTCP, Port: 9000, Addresses: []string{listen}}}
	if len(allowed) > 0 {
		p.AllowedClientsSet, p.AllowedClients = true, allowed
	}
	return &Endpoint{Pool: p}
}

func TestAccepts(t *testing.T) {
	v4, v6 := netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()
	cases := []struct {
		listen   string
		addr     netip.Addr
		accepts  bool
		portDiff bool
	}{
		{"::", v4, true, false},
		{"::", v6, true, false},
		{"0.0.0.0", v4, true, false},
		{"0.0.0.0", v6, false, false},
		{"127.0.0.1", v6, false, false},
		{"::1", v4, false, false},
		{"127.0.0.1", netip.MustParseAddr("127.0.0.2"), false, false},
		{"127.0.0.1", v4, false, true},
	}
	for _, c := range cases {
		port := 9000
		if c.portDiff {
			port = 9001
		}
		if got, _ := endpoint(c.listen).Accepts(c.addr, port); got != c.accepts {
			t.Errorf("listen %s, connect %s:%d: accepts %v, want %v", c.listen, c.addr, port, got, c.accepts)
		}
	}
}

func TestClientAllowed(t *testing.T) {
	v4, v6 := netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()
	cases := []struct {
		listen  string
		allowed []string
		src     netip.Addr
		want    bool
	}{
		{"::", []string{"127.0.0.1"}, v4, true},  // IPv4-mapped on a :: socket
		{"::", []string{"127.0.0.1"}, v6, false}, // reproduced: "Connection disallowed: IP address '::1'"
		{"::", []string{"::1"}, v6, true},
		{"::", []string{"::2"}, v6, true}, // only 12 bytes are compared
		{"127.0.0.1", []string{"127.0.0.1"}, v4, true},
		{"127.0.0.1", []string{"::ffff:127.0.0.1"}, v4, false}, // an IPv6 entry never matches an IPv4 socket
		{"::", []string{"::ffff:127.0.0.1"}, v4, true},
		{"0.0.0.0", []string{"10.0.0.1"}, v4, false},
	}
	for _, c := range cases {
		if got := ClientAllowed(endpoint(c.listen, c.allowed...), c.src); got != c.want {
			t.Errorf("listen %s, allowed %v, client %s: %v, want %v", c.listen, c.allowed, c.src, got, c.want)
		}
	}
	if !ClientAllowed(endpoint("::"), v6) {
		t.Error("no allowed_clients refuses")
	}
}

func TestCanonicalPath(t *testing.T) {
	_, fs := testDB(t)
	if got := CanonicalPath(fs, "/var/run/php//x.sock"); got != "/run/php/x.sock" {
		t.Errorf("without /var/run under the root: %s", got)
	}
	if err := os.MkdirAll(fs.Real("/srv/sockets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/srv/sockets", fs.Real("/run")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../run", fs.Real("/srv/rel")); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"/run/x.sock":        "/srv/sockets/x.sock",
		"/srv/rel/x.sock":    "/srv/sockets/x.sock",
		"/srv/rel/a/../x.so": "/srv/sockets/x.so",
		"/run/x.sock:":       "/srv/sockets/x.sock:",
		"relative.sock":      "relative.sock",
	} {
		if got := CanonicalPath(fs, in); got != want {
			t.Errorf("CanonicalPath(%s) = %s, want %s", in, got, want)
		}
	}
	// a symlink loop ends
	if err := os.Symlink("/loop", fs.Real("/loop")); err != nil {
		t.Fatal(err)
	}
	_ = CanonicalPath(fs, "/loop/x.sock")
}
