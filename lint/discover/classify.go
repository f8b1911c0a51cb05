package discover

import (
	"bufio"
	"bytes"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

var (
	fpmSection   = regexp.MustCompile(`(?m)^\s*\[[A-Za-z0-9_.$-]+\]\s*(;.*)?$`)
	fpmKey       = regexp.MustCompile(`(?m)^\s*(listen|pm|pm\.max_children|user|group|listen\.owner|php_admin_value\[[^\]]*\]|php_value\[[^\]]*\]|pid|error_log|include)\s*=`)
	nginxMainBlk = regexp.MustCompile(`(?m)^\s*(http|events|stream|mail)\s*\{`)
	nginxStmt    = regexp.MustCompile(`(?m)^\s*([a-z_][a-z0-9_]*)(\s+[^\n]*)?\s*[;{]\s*(#.*)?$`)
)

// Classify tells what kind of configuration src is, and whether it starts a
// configuration set.
func Classify(path string, src []byte) (Kind, bool) {
	if IsTemplate(path) {
		return Unknown, false
	}
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
	if notConfig[strings.ToLower(filepath.Ext(base))] {
		return Unknown, false
	}
	// A pool has php-fpm's keys, not only INI sections ([Unit] and
	// [Service] make a systemd unit).
	fpmKeys := len(fpmKey.FindAllIndex(src, 5))
	fpmScore := len(fpmSection.FindAllIndex(src, 3)) + fpmKeys
	if fpmKeys > 0 && fpmScore >= 2 && !nginxMainBlk.Match(src) && bytes.Count(src, []byte(";\n")) < 3*fpmScore {
		return FPM, hasGlobal(src)
	}
	ext := strings.ToLower(filepath.Ext(base))
	// A configuration's name: a file so named is nginx's when it holds any
	// statement (an unknown directive in it is a finding, not a reason to
	// pass over the file).
	configName := ext == ".conf" || ext == ".nginx" || ext == ".vhost" || strings.Contains(path, "sites-") ||
		dir == "conf.d" || dir == "snippets" || base == "fastcgi_params" || base == "mime.types"
	if nginxMainBlk.Match(src) {
		return Nginx, true
	}
	stmts, known := nginxStatements(src)
	// Elsewhere, source code has lines that end in ";" or "{" too (a script
	// in a directory named nginx): a piece of nginx configuration is then
	// one whose statements are mostly nginx's directives.
	nginxLike := known > 0 && 3*known >= 2*stmts
	blank := len(bytes.TrimSpace(src)) == 0 || onlyComments(src)
	if (configName && (stmts > 0 || blank)) || (strings.Contains(path, "nginx") && (nginxLike || blank)) {
		// Main-context directives alone (load_module in modules-enabled,
		// worker_processes in a snippet) make a piece of a main
		// configuration, not one: nginx refuses a main file without events.
		return Nginx, false
	}
	if known >= 3 && nginxLike && bytes.Contains(src, []byte("server")) {
		return Nginx, false
	}
	return Unknown, false
}

// nginxStatements counts the first lines of src that read like nginx
// statements (a name, words, then ";" or "{"), and those of them whose name
// is a directive of nginx or of a module the database knows.
func nginxStatements(src []byte) (stmts, known int) {
	for _, m := range nginxStmt.FindAllSubmatch(src, 20) {
		stmts++
		name := string(m[1])
		if name == "if" && !bytes.HasPrefix(bytes.TrimSpace(m[2]), []byte("(")) {
			continue // a programming language's if, not nginx's "if (...)"
		}
		if len(nginxdb.Lookup(name)) > 0 {
			known++
		}
	}
	return stmts, known
}

// IsTemplate reports whether path is a template of a configuration
// (Ansible's Jinja, Puppet's ERB and EPP, consul-template, Go templates…):
// its text is not what nginx or php-fpm will read, so a scan passes over it;
// fcgilint checks the rendered files.
func IsTemplate(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".j2", ".jinja", ".jinja2", ".erb", ".epp", ".tmpl", ".tpl", ".ctmpl", ".gotmpl", ".mustache", ".hbs", ".liquid", ".twig":
		return true
	}
	return false
}

// notConfig are extensions of source code, documents and data: a file so
// named in a scanned directory is not taken for a configuration by its
// content (named on the command line, it is still checked).
var notConfig = map[string]bool{}

func init() {
	for _, ext := range strings.Fields(`.go .c .h .cc .cpp .hpp .rs .java .kt .scala .py .pyc .rb .pl .pm .php .phtml
		.js .mjs .cjs .ts .tsx .jsx .vue .lua .sh .bash .zsh .fish .ps1 .bat .cmd .awk .sed .tcl .r .swift .m .cs
		.md .markdown .rst .adoc .txt .html .htm .xhtml .css .scss .less .svg .json .xml .csv .tsv .sql .diff .patch
		.log .lock .sum .mod .toml .yml .yaml .proto .tex .po .pot .mo .1 .5 .8`) {
		notConfig[ext] = true
	}
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
