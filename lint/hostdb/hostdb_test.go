package hostdb

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fcgilint/fcgilint/lint/files"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	etc := filepath.Join(dir, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("passwd", "root:x:0:0::/:/bin/sh\n# comment\nwww-data:x:33:33::/:/bin/sh\nwww-data:x:99:99::/:/bin/sh\nbad:x:y:0::/:/bin/sh\n")
	write("group", "root:x:0:\nwww-data:x:33:\nshop:x:1001:www-data,other\nadm:x:4:syslog,www-data\n")
	write("hosts", "127.0.0.1 localhost\n::1 localhost ip6-localhost # loopback\n172.18.0.3 PHP\n")
	db := Load(&files.FS{Root: dir})
	if u, ok := db.User("www-data"); !ok || u.UID != 33 {
		t.Errorf("www-data: %v %v (the first line wins)", u, ok)
	}
	if _, ok := db.User("bad"); ok {
		t.Error("a line with a bad uid is read")
	}
	if got, want := db.InitGroups("www-data", 33), []int{33, 1001, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("InitGroups: %v, want %v", got, want)
	}
	if got := db.Hosts("localhost"); len(got) != 2 || !got[1].Is6() {
		t.Errorf("localhost: %v", got)
	}
	if got := db.Hosts("php"); len(got) != 1 {
		t.Errorf("names are case-insensitive: %v", got)
	}
	if db2 := Load(&files.FS{Root: filepath.Join(dir, "missing")}); db2.PasswdRead || db2.GroupRead || db2.HostsRead {
		t.Error("missing files read")
	}
}
