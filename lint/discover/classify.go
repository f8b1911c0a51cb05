package discover

import (
	"bufio"
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
)

var (
	fpmSection   = regexp.MustCompile(`(?m)^\s*\[[A-Za-z0-9_.$-]+\]\s*(;.*)?$`)
	fpmKey       = regexp.MustCompile(`(?m)^\s*(listen|pm|pm\.max_children|user|group|listen\.owner|php_admin_value\[[^\]]*\]|php_value\[[^\]]*\]|pid|error_log|include)\s*=`)
	nginxMainBlk = regexp.MustCompile(`(?m)^\s*(http|events|stream|mail)\s*\{`)
	nginxStmt    = regexp.MustCompile(`(?m)^\s*[a-z_][a-z0-9_]*(\s+[^\n]*)?\s*[;{]\s*(#.*)?$`)
)

// Classify tells what kind of configuration src is, and whether it starts a
// configuration set.
func Classify(path string, src []byte) (Kind, bool) {
	base := filepath.Base(path)
	dir := filepath.Base(filepath.Dir(path))
	lower := strings.ToLower(base)
	switch {
	case lower == "php-fpm.conf" || strings.HasSuffix(lower, "php-fpm.conf.in") || lower == "php-fpm.conf.default":
		return FPM, true
	case dir == "pool.d" || dir == "php-fpm.d" || lower == "www.conf" || lower == "www.conf.in" || lower == "www.conf.default":
		return FPM, hasGlobal(src)
	case lower == "nginx.conf":
		return Nginx, true
	}
	fpmScore := len(fpmSection.FindAllIndex(src, 3)) + len(fpmKey.FindAllIndex(src, 5))
	if fpmScore >= 2 && !nginxMainBlk.Match(src) && bytes.Count(src, []byte(";\n")) < 3*fpmScore {
		return FPM, hasGlobal(src)
	}
	ext := strings.ToLower(filepath.Ext(base))
	nginxish := ext == ".conf" || ext == ".nginx" || ext == ".vhost" || strings.Contains(path, "nginx") ||
		strings.Contains(path, "sites-") || dir == "conf.d" || dir == "snippets" || base == "fastcgi_params" ||
		base == "mime.types"
	stmts := len(nginxStmt.FindAllIndex(src, 4))
	if nginxMainBlk.Match(src) {
		return Nginx, true
	}
	if nginxish && (stmts > 0 || len(bytes.TrimSpace(src)) == 0 || onlyComments(src)) {
		// Main-context directives alone (load_module in modules-enabled,
		// worker_processes in a snippet) make a piece of a main
		// configuration, not one: nginx refuses a main file without events.
		return Nginx, false
	}
	if stmts >= 3 && bytes.Contains(src, []byte("server")) {
		return Nginx, false
	}
	return Unknown, false
}

func hasGlobal(src []byte) bool {
	return bytes.Contains(bytes.ToLower(src), []byte("[global]"))
}

func onlyComments(src []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}
