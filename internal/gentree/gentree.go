// Package gentree writes a Debian-style configuration tree of N nginx sites
// and M php-fpm pools under a root directory, for benchmarks: the shape of a
// busy shared-hosting server, correct on both sides.
package gentree

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Tree describes what Generate writes.
type Tree struct {
	Root  string
	Sites int
	Pools int
}

// NginxConf is the main nginx configuration's logical path.
const NginxConf = "/etc/nginx/nginx.conf"

// FPMConf is the main php-fpm configuration's logical path.
const FPMConf = "/etc/php/8.2/fpm/php-fpm.conf"

// Generate writes the tree. Site i passes PHP to pool i mod Pools over a
// unix socket the pool creates for www-data, as Debian does.
func Generate(t Tree) error {
	if t.Pools < 1 {
		t.Pools = 1
	}
	w := func(rel, content string) error {
		p := filepath.Join(t.Root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
		"etc/group":  "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n",
		"etc/hosts":  "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
		"etc/nginx/nginx.conf": `user www-data;
worker_processes auto;
pid /run/nginx.pid;

events {
	worker_connections 768;
}

http {
	sendfile on;
	tcp_nopush on;
	types_hash_max_size 2048;
	server_names_hash_max_size 8192;
	server_names_hash_bucket_size 128;
	include mime.types;
	default_type application/octet-stream;
	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_prefer_server_ciphers on;
	access_log /var/log/nginx/access.log;
	error_log /var/log/nginx/error.log;
	gzip on;
	include conf.d/*.conf;
	include sites-enabled/*.conf;
}
`,
		"etc/nginx/mime.types":                "types {\n    text/html html htm shtml;\n    text/css css;\n    application/javascript js;\n    image/png png;\n    image/svg+xml svg svgz;\n    application/json json;\n}\n",
		"etc/nginx/fastcgi.conf":              fastcgiConf,
		"etc/nginx/snippets/fastcgi-php.conf": "fastcgi_split_path_info ^(.+?\\.php)(/.*)$;\ntry_files $fastcgi_script_name =404;\nset $path_info $fastcgi_path_info;\nfastcgi_param PATH_INFO $path_info;\nfastcgi_index index.php;\ninclude fastcgi.conf;\n",
		"etc/php/8.2/fpm/php-fpm.conf":        "[global]\npid = /run/php/php8.2-fpm.pid\nerror_log = /var/log/php8.2-fpm.log\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
	}
	for rel, content := range files {
		if err := w(rel, content); err != nil {
			return err
		}
	}
	// The directories the daemons write to but never create: Debian's
	// packages and tmpfiles make them on a real host.
	for _, dir := range []string{"var/log/nginx", "run/php", "var/www"} {
		if err := os.MkdirAll(filepath.Join(t.Root, dir), 0o755); err != nil {
			return err
		}
	}
	for p := 0; p < t.Pools; p++ {
		name := fmt.Sprintf("pool%d", p)
		if err := w("etc/php/8.2/fpm/pool.d/"+name+".conf", Pool(name, "/run/php/"+name+".sock")+
			"php_admin_value[error_log] = /var/log/fpm-"+name+".log\n"); err != nil {
			return err
		}
	}
	for s := 0; s < t.Sites; s++ {
		if err := w(fmt.Sprintf("etc/nginx/sites-enabled/site%d.conf", s), site(s, s%t.Pools)); err != nil {
			return err
		}
	}
	return nil
}

// Pool is a Debian-style pool: workers and socket owned by www-data, so
// that nginx running as www-data may connect.
func Pool(name, socket string) string {
	return "[" + name + `]
user = www-data
group = www-data
listen = ` + socket + `
listen.owner = www-data
listen.group = www-data
pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
`
}

func site(i, pool int) string {
	return strings.NewReplacer("{i}", fmt.Sprint(i), "{pool}", fmt.Sprint(pool)).Replace(`server {
	listen 80;
	listen [::]:80;
	server_name site{i}.example.com www.site{i}.example.com;
	root /var/www/site{i}/public;
	index index.php index.html;
	access_log /var/log/nginx/site{i}.access.log;
	client_max_body_size 16m;

	location / {
		try_files $uri $uri/ /index.php?$query_string;
	}

	location ~ \.php$ {
		include snippets/fastcgi-php.conf;
		fastcgi_pass unix:/run/php/pool{pool}.sock;
		fastcgi_read_timeout 120s;
	}

	location ~* \.(css|js|png|svg)$ {
		expires 7d;
		access_log off;
	}

	location ~ /\.ht {
		deny all;
	}
}
`)
}

const fastcgiConf = `fastcgi_param  SCRIPT_FILENAME    $document_root$fastcgi_script_name;
fastcgi_param  QUERY_STRING       $query_string;
fastcgi_param  REQUEST_METHOD     $request_method;
fastcgi_param  CONTENT_TYPE       $content_type;
fastcgi_param  CONTENT_LENGTH     $content_length;
fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;
fastcgi_param  REQUEST_URI        $request_uri;
fastcgi_param  DOCUMENT_URI       $document_uri;
fastcgi_param  DOCUMENT_ROOT      $document_root;
fastcgi_param  SERVER_PROTOCOL    $server_protocol;
fastcgi_param  REQUEST_SCHEME     $scheme;
fastcgi_param  HTTPS              $https if_not_empty;
fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;
fastcgi_param  SERVER_SOFTWARE    nginx/$nginx_version;
fastcgi_param  REMOTE_ADDR        $remote_addr;
fastcgi_param  REMOTE_PORT        $remote_port;
fastcgi_param  SERVER_ADDR        $server_addr;
fastcgi_param  SERVER_PORT        $server_port;
fastcgi_param  SERVER_NAME        $server_name;
fastcgi_param  REDIRECT_STATUS    200;
`
