package harness

import "github.com/fcgilint/fcgilint/internal/gentree"

// DebianTree is a small, correct Debian-style host configuration as a
// repository would hold it (etc/nginx, etc/php/8.2/fpm): nginx passes PHP
// to the www pool through the pool's socket. fcgilint finds nothing in it;
// tests break it to get findings.
func DebianTree() map[string]string {
	return map[string]string{
		"etc/nginx/nginx.conf": `user www-data;
worker_processes auto;
pid /run/nginx.pid;

events {
	worker_connections 768;
}

http {
	sendfile on;
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log /var/log/nginx/access.log;
	include /etc/nginx/sites-enabled/*;
}
`,
		"etc/nginx/mime.types": `types {
	text/html html htm;
	text/css css;
	application/javascript js;
}
`,
		"etc/nginx/fastcgi.conf": `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
fastcgi_param QUERY_STRING $query_string;
fastcgi_param REQUEST_METHOD $request_method;
fastcgi_param CONTENT_TYPE $content_type;
fastcgi_param CONTENT_LENGTH $content_length;
fastcgi_param SCRIPT_NAME $fastcgi_script_name;
fastcgi_param REQUEST_URI $request_uri;
fastcgi_param DOCUMENT_ROOT $document_root;
fastcgi_param SERVER_PROTOCOL $server_protocol;
fastcgi_param REMOTE_ADDR $remote_addr;
fastcgi_param SERVER_NAME $server_name;
`,
		"etc/nginx/snippets/fastcgi-php.conf": `fastcgi_split_path_info ^(.+?\.php)(/.*)$;
try_files $fastcgi_script_name =404;
set $path_info $fastcgi_path_info;
fastcgi_param PATH_INFO $path_info;
fastcgi_index index.php;
include fastcgi.conf;
`,
		"etc/nginx/sites-available/app": SiteApp,
		"etc/nginx/sites-enabled/app":   SiteApp,
		"etc/php/8.2/fpm/php-fpm.conf": `[global]
pid = /run/php/php8.2-fpm.pid
error_log = /var/log/php8.2-fpm.log
include=/etc/php/8.2/fpm/pool.d/*.conf
`,
		"etc/php/8.2/fpm/pool.d/www.conf": gentree.Pool("www", "/run/php/php8.2-fpm.sock"),
	}
}

// SiteApp is the site of DebianTree (sites-enabled/app is a copy of
// sites-available/app, as a repository without symbolic links keeps it).
const SiteApp = `server {
	listen 80;
	server_name app.example.com;
	root /var/www/app/public;
	index index.php;

	location ~ \.php$ {
		include snippets/fastcgi-php.conf;
		fastcgi_pass unix:/run/php/php8.2-fpm.sock;
	}
}
`
