package discover

import "testing"

// Files are told apart by name and content: nginx pieces by their
// directives, pools by php-fpm's keys; source code, documents and other INI
// files in the same directories are not configurations.
func TestClassify(t *testing.T) {
	cases := []struct {
		path, src string
		kind      Kind
		main      bool
	}{
		{"/etc/nginx/nginx.conf", "", Nginx, true},
		{"/srv/x/main.cfg", "events {}\nhttp {\n}\n", Nginx, true},
		{"/etc/nginx/conf.d/gzip.conf", "gzip on;\n", Nginx, false},
		{"/etc/nginx/conf.d/empty.conf", "", Nginx, false},
		{"/srv/site.conf", "location / {\n  foo_bar 1;\n  bar_baz 2;\n}\n", Nginx, false},
		{"/etc/nginx/sites-available/example.com", "server {\n  listen 80;\n  root /var/www;\n}\n", Nginx, false},
		{"/srv/app/deploy/web.cfg", "server {\n  listen 80;\n  server_name a;\n  location / { root /x; }\n}\n", Nginx, false},
		{"/etc/nginx/snippets/php.conf", "if ($request_uri ~ x) {\n  return 404;\n}\nfastcgi_pass unix:/run/php.sock;\n", Nginx, false},
		{"/etc/php/8.2/fpm/pool.d/app.conf", "[app]\nuser = www-data\nlisten = /run/php/app.sock\n", FPM, false},
		{"/srv/fpm/app.pool", "[app]\nlisten = 9000\npm = static\n", FPM, false},
		{"/srv/fpm/php-fpm.conf", "[global]\n", FPM, true},

		// Not configurations.
		{"/src/grammar/nginx/parse.go", "func f() {\n\tif x {\n\t\treturn\n\t}\n}\n", Unknown, false},
		{"/src/nginx/index.php", "<?php\necho \"x\";\ninclude \"a.php\";\nreturn 1;\n", Unknown, false},
		{"/src/nginx/README.md", "# nginx\n\nSome text {\n", Unknown, false},
		{"/src/nginx/build", "function build {\n  echo hi;\n}\n", Unknown, false},
		{"/src/nginx/tool", "func main() {\n\tif ok {\n\t\tfmt.Println(x);\n\t}\n}\n", Unknown, false},
		{"/ansible/roles/nginx/templates/nginx.conf.j2", "events {}\nhttp {\n  listen {{ port }};\n}\n", Unknown, false},
		{"/ansible/roles/php/templates/pool.d/www.conf.j2", "[www]\nuser = {{ user }}\nlisten = /run/php.sock\n", Unknown, false},
		{"/puppet/modules/nginx/templates/site.conf.erb", "server {\n  listen <%= @port %>;\n}\n", Unknown, false},
		{"/lib/systemd/system/nginx.service.d/override.conf", "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/sbin/nginx\n", Unknown, false},
	}
	for _, c := range cases {
		kind, main := Classify(c.path, []byte(c.src))
		if kind != c.kind || main != c.main {
			t.Errorf("%s: %v (main %v), want %v (main %v)", c.path, kind, main, c.kind, c.main)
		}
	}
}
