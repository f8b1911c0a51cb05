#!/bin/sh
# Regenerates constants_php82.tsv: the PHP constants php-fpm 8.2 (Debian 12,
# php8.2-fpm and its default extensions) substitutes for a bare identifier in
# a configuration value (Zend INI "constant_string"). php-fpm loads its
# extensions before reading its configuration, so every scalar constant of
# every loaded extension counts. The CLI's pcntl extension is not in FPM, and
# PHP_SAPI/PHP_BINARY differ per SAPI: both are fixed up here.
set -eu
php -d precision=14 -r '
foreach (get_defined_constants(true) as $ext => $consts) {
    if ($ext === "pcntl" || $ext === "user") continue;
    foreach ($consts as $name => $v) {
        if (!is_scalar($v) && $v !== null) continue;
        if ($name === "PHP_SAPI") $v = "fpm-fcgi";
        if ($name === "PHP_BINARY") $v = "/usr/sbin/php-fpm8.2";
        $s = (string)$v;
        if (strpbrk($s, "\t\n\r") !== false) continue;
        echo $name, "\t", $s, "\n";
    }
}' | LC_ALL=C sort > constants_php82.tsv
