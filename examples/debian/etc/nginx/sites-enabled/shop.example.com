# A site moved over from an Ubuntu 22.04 host (PHP 8.1) to Debian 12 (PHP 8.2).
server {
	listen 80;
	listen [::]:80;
	server_name shop.example.com;

	root /var/www/shop/public;
	index index.php index.html;

	location / {
		try_files $uri $uri/ /index.php?$query_string;
	}

	location ~ \.php$ {
		include snippets/fastcgi-php.conf;
		# An old tutorial's line: the snippet already sets it.
		fastcgi_index index.php;
		fastcgi_pass unix:/run/php/php8.1-fpm.sock;
	}

	location ~ /\.ht {
		deny all;
	}
}
