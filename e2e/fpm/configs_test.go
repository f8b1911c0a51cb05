package fpme2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusDir is shared/corpus/fpm beside the repository.
func corpusDir() string {
	if d := os.Getenv("FCGILINT_CORPUS"); d != "" {
		return filepath.Join(d, "fpm")
	}
	return filepath.Join("..", "..", "..", "shared", "corpus", "fpm")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// baseConfigs are the corpus configurations, laid out as their distribution
// installs them.
func baseConfigs(t *testing.T) []*config {
	dir := corpusDir()
	deb := &config{
		name: "corpus/debian-12",
		files: map[string]string{
			"etc/php/8.2/fpm/php-fpm.conf":    readFile(t, filepath.Join(dir, "debian-12", "php-fpm.conf")),
			"etc/php/8.2/fpm/pool.d/www.conf": readFile(t, filepath.Join(dir, "debian-12", "pool.d", "www.conf")),
		},
		dirs: []string{"run/php", "var/log"},
		main: "etc/php/8.2/fpm/php-fpm.conf",
		pool: "etc/php/8.2/fpm/pool.d/www.conf",
	}
	// php-src's templates with configure's defaults (prefix /usr,
	// sysconfdir /etc, user and group "nobody"). Debian has no group
	// "nobody", so this one must fail as php-fpm does.
	srcMain := readFile(t, filepath.Join(dir, "php-src", "php-fpm.conf.in"))
	srcWWW := readFile(t, filepath.Join(dir, "php-src", "www.conf.in"))
	subst := func(s, user, group string) string {
		r := strings.NewReplacer("@php_fpm_sysconfdir@", "/etc", "@prefix@", "/usr", "@php_fpm_prefix@", "/usr",
			"@php_fpm_user@", user, "@php_fpm_group@", group, "@php_fpm_localstatedir@", "/var")
		return r.Replace(s)
	}
	src := &config{
		name:  "corpus/php-src (user/group nobody)",
		files: map[string]string{"etc/php-fpm.conf": subst(srcMain, "nobody", "nobody"), "etc/php-fpm.d/www.conf": subst(srcWWW, "nobody", "nobody")},
		// run/php stands for the runtime directory a service manager
		// creates (Debian's tmpfiles line "d /run/php"), which php-fpm
		// needs for a socket there and never creates itself.
		dirs: []string{"var/log", "run/php"},
		main: "etc/php-fpm.conf",
		pool: "etc/php-fpm.d/www.conf",
	}
	srcDeb := src.clone("corpus/php-src (user/group www-data)")
	srcDeb.files["etc/php-fpm.conf"] = subst(srcMain, "www-data", "www-data")
	srcDeb.files["etc/php-fpm.d/www.conf"] = subst(srcWWW, "www-data", "www-data")
	return []*config{deb, src, srcDeb}
}

// testdataConfigs are the cases of testdata/fpm. Cases that need a master
// that is not root are left out (the test runs php-fpm as root).
func testdataConfigs(t *testing.T) []*config {
	dir := filepath.Join("..", "..", "testdata", "fpm")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []*config
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		caseDir := filepath.Join(dir, e.Name())
		c := &config{name: "testdata/" + e.Name(), files: map[string]string{}, main: "php-fpm.conf"}
		opts, _ := os.ReadFile(filepath.Join(caseDir, "options"))
		skip := false
		for _, kv := range strings.Fields(string(opts)) {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "main":
				c.main = strings.TrimPrefix(v, "/")
			case "prefix", "compile-prefix":
				c.prefix = strings.TrimPrefix(v, "/")
			case "allow-root":
				c.allowRoot = v == "yes"
			case "master-root":
				skip = v == "no"
			case "env":
				name, val, _ := strings.Cut(v, "=")
				if c.env == nil {
					c.env = map[string]string{}
				}
				c.env[name] = val
			}
		}
		if skip {
			continue
		}
		if c.prefix != "" {
			c.dirs = append(c.dirs, filepath.Join(c.prefix, "log"))
		}
		err := filepath.Walk(caseDir, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(caseDir, p)
			if info.IsDir() {
				if rel != "." {
					c.dirs = append(c.dirs, rel)
				}
				return nil
			}
			switch rel {
			case "options", "model.txt", "etc/passwd", "etc/group", "etc/hosts":
				return nil
			}
			if filepath.Base(p) == ".keep" {
				return nil
			}
			c.files[rel] = readFile(t, p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

var (
	directiveRe = regexp.MustCompile(`^([A-Za-z_.\[\]]+)\s*=\s*(.*)$`)
	commentedRe = regexp.MustCompile(`^;([a-z_.]+(\[[^\]]*\])?)\s*=`)
)

func (c *config) poolLines() []string { return strings.Split(c.files[c.pool], "\n") }

func (c *config) setPoolLines(lines []string) { c.files[c.pool] = strings.Join(lines, "\n") }

// setDirective replaces every line setting key in the pool file (or adds
// one after the pool header).
func (c *config) setDirective(key, value string) {
	lines := c.poolLines()
	found := false
	for i, l := range lines {
		if m := directiveRe.FindStringSubmatch(l); m != nil && m[1] == key {
			lines[i] = key + " = " + value
			found = true
		}
	}
	if !found {
		for i, l := range lines {
			if strings.HasPrefix(l, "[") {
				lines = append(lines[:i+1], append([]string{key + " = " + value}, lines[i+1:]...)...)
				break
			}
		}
	}
	c.setPoolLines(lines)
}

func (c *config) deleteDirective(key string) {
	var out []string
	for _, l := range c.poolLines() {
		if m := directiveRe.FindStringSubmatch(l); m != nil && m[1] == key {
			continue
		}
		out = append(out, l)
	}
	c.setPoolLines(out)
}

// makeMutants derives configurations from the valid bases, each with one
// change: mistakes php-fpm refuses, and harmless edits it accepts.
func makeMutants(bases []*config) []*config {
	var out []*config
	add := func(c *config) { out = append(out, c) }
	for _, b := range bases {
		if strings.Contains(b.name, "nobody") {
			continue // not a valid base
		}
		lines := b.poolLines()
		n := 0
		name := func(what string) string { n++; return fmt.Sprintf("%s mutant %d: %s", b.name, n, what) }

		// Every directive line: misspelled, without '=', commented with
		// '#', deleted, quoted, squeezed, upper-cased, with a trailing
		// comment.
		for i, l := range lines {
			m := directiveRe.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			key, value := m[1], m[2]
			edit := func(what, repl string) {
				c := b.clone(name(fmt.Sprintf("line %d %s: %q", i+1, what, repl)))
				ls := c.poolLines()
				ls[i] = repl
				c.setPoolLines(ls)
				add(c)
			}
			if len(key) > 3 {
				k := []byte(key)
				k[len(k)-1], k[len(k)-2] = k[len(k)-2], k[len(k)-1]
				edit("misspelled", string(k)+" = "+value)
			}
			edit("no '='", strings.Replace(l, "=", " ", 1))
			edit("'#' comment", "#"+l)
			edit("deleted", "")
			edit("quoted", key+` = "`+value+`"`)
			edit("squeezed", key+"="+value)
			edit("tabs", "\t"+key+"\t=\t"+value+"\t")
			edit("upper-case key", strings.ToUpper(key)+" = "+value)
			edit("trailing comment", l+" ; changed by the agreement test")
		}

		// Every 7th comment line turned into a '#' comment, and every
		// commented-out example directive uncommented.
		for i, l := range lines {
			if strings.HasPrefix(l, ";") && len(l) > 1 && i%7 == 0 {
				c := b.clone(name(fmt.Sprintf("line %d ';' -> '#'", i+1)))
				ls := c.poolLines()
				ls[i] = "#" + l[1:]
				c.setPoolLines(ls)
				add(c)
			}
			if commentedRe.MatchString(l) {
				c := b.clone(name(fmt.Sprintf("line %d uncommented: %q", i+1, l[1:])))
				ls := c.poolLines()
				ls[i] = l[1:]
				c.setPoolLines(ls)
				add(c)
			}
		}

		// Values.
		values := []struct{ key, value string }{
			{"pm.max_children", "0"}, {"pm.max_children", "-1"}, {"pm.max_children", ""}, {"pm.max_children", "abc"},
			{"pm.max_children", "1"}, {"pm.max_children", "E_ALL"}, {"pm.max_children", "5x"}, {"pm.max_children", "1|4"},
			{"pm", "ondemand"}, {"pm", "static"}, {"pm", "Static"}, {"pm", "bogus"}, {"pm", "none"},
			{"pm.start_servers", "0"}, {"pm.start_servers", "4"}, {"pm.start_servers", "3"},
			{"pm.min_spare_servers", "0"}, {"pm.min_spare_servers", "6"}, {"pm.min_spare_servers", "3"},
			{"pm.max_spare_servers", "0"}, {"pm.max_spare_servers", "1"}, {"pm.max_spare_servers", "6"},
			{"pm.max_spawn_rate", "0"}, {"pm.process_idle_timeout", "0"},
			{"user", "nosuchuser"}, {"user", "root"}, {"user", "none"}, {"user", "33"}, {"user", "4242"}, {"user", `"www-data"`},
			{"user", "nobody"}, {"user", "www-data ; the web user"}, {"user", "$pool"},
			{"group", "nosuchgroup"}, {"group", "root"}, {"group", "33"}, {"group", "nogroup"}, {"group", "4242"},
			{"listen.owner", "ghost"}, {"listen.owner", "33"}, {"listen.owner", "nobody"}, {"listen.owner", "yes"},
			{"listen.group", "ghost"}, {"listen.group", "33"}, {"listen.group", "nogroup"},
			{"listen.mode", "0666"}, {"listen.mode", "660"}, {"listen.mode", "rw-rw----"},
			{"listen.acl_users", "www-data, nobody"}, {"listen.acl_users", "www-data,nobody"}, {"listen.acl_users", "ghost"},
			{"listen.acl_groups", "www-data, nogroup"}, {"listen.acl_groups", "www-data"},
			{"listen", "0"}, {"listen", "127.0.0.1:99999"}, {"listen", "127.0.0.1:9000x"}, {"listen", ":9000"},
			{"listen", "9000"}, {"listen", "[::1]:9000"}, {"listen", "127.0.0.1"}, {"listen", "*:9000"},
			{"listen", "[::]:9000"}, {"listen", "0.0.0.0:9000"}, {"listen", "/run/php/$pool.sock"}, {"listen", "${FCGILINT_UNSET_VAR}"},
			{"listen", ""}, {"listen", `"/run/php/x.sock"`}, {"listen", "/run/php/a(b).sock"}, {"listen", "/run/php/~x.sock"},
			{"listen.allowed_clients", "127.0.0.1, ::1"}, {"listen.allowed_clients", "localhost"}, {"listen.backlog", "abc"},
			{"request_terminate_timeout", "30x"}, {"request_terminate_timeout", "30s"}, {"request_terminate_timeout", "5m"},
			{"request_terminate_timeout", "-1"}, {"request_slowlog_timeout", "5"},
			{"process.priority", "30"}, {"process.priority", "-5"}, {"process.dumpable", "maybe"}, {"process.dumpable", "yes"},
			{"pm.status_path", "status"}, {"pm.status_path", "/st atus"}, {"pm.status_path", "/status"}, {"pm.status_path", "/"},
			{"ping.path", "/ping"}, {"ping.path", "ping"}, {"ping.response", ""},
			{"catch_workers_output", "yes"}, {"catch_workers_output", "maybe"}, {"catch_workers_output", "On"},
			{"catch_workers_output", "TRUE"}, {"clear_env", `"no"`}, {"clear_env", "0"},
			{"env[EMPTY]", ""}, {"env[PATH]", "/usr/bin:/bin"}, {"env[HOME]", "$HOME"},
			{"php_admin_value[memory_limit]", "64M"}, {"php_flag[display_errors]", "maybe"}, {"php_flag[display_errors]", "off"},
			{"php_value[]", "1"}, {"php_value[error_reporting]", "E_ALL & ~E_NOTICE"}, {"PHP_VALUE[x]", "1"},
			{"chdir", "/run/php"}, {"chdir", "/var/nowhere"}, {"chroot", "/nonexistent"}, {"prefix", "/srv/nope"},
			{"prefix", "/run"}, {"security.limit_extensions", ""}, {"security.limit_extensions", ".php .php8"},
			{"rlimit_core", "unlimited"}, {"rlimit_core", "-1"}, {"access.suppress_path[]", "/ping"},
			{"access.suppress_path[]", "ping"}, {"access.log", "/var/nowhere/access.log"}, {"access.log", "log/$pool.access.log"},
			{"slowlog", "log/$pool.slow"}, {"pm.status_listen", "127.0.0.1:9001"}, {"listen.setfib", "1"},
			{"apparmor_hat", "x"}, {"decorate_workers_output", "no"},
		}
		for _, v := range values {
			c := b.clone(name(fmt.Sprintf("%s = %q", v.key, v.value)))
			c.setDirective(v.key, v.value)
			add(c)
		}
		for _, key := range []string{"user", "group", "listen", "pm", "pm.max_children", "pm.start_servers", "listen.owner"} {
			c := b.clone(name("without " + key))
			c.deleteDirective(key)
			add(c)
		}
		// slowlog shorter and longer than request_terminate_timeout
		for _, v := range []string{"5", "50"} {
			c := b.clone(name("request_slowlog_timeout = " + v + " with terminate 10"))
			c.setDirective("slowlog", "log/$pool.slow")
			c.setDirective("request_terminate_timeout", "10")
			c.setDirective("request_slowlog_timeout", v)
			add(c)
		}

		// Section headers.
		header := -1
		for i, l := range lines {
			if strings.HasPrefix(l, "[") {
				header = i
				break
			}
		}
		for _, h := range []string{"[www", "[www]]", "www]", " [www] ", "[ www ]", "[WWW]", "", "[www] ; the pool", "[www] user = www-data", "[global]", "[]", `["www"]`} {
			c := b.clone(name(fmt.Sprintf("header %q", h)))
			ls := c.poolLines()
			ls[header] = h
			c.setPoolLines(ls)
			add(c)
		}

		// A second pool: on the same listen address (refused) or another.
		listen := ""
		for _, l := range lines {
			if m := directiveRe.FindStringSubmatch(l); m != nil && m[1] == "listen" {
				listen = m[2]
			}
		}
		second := func(what, l string) {
			c := b.clone(name(what))
			c.files[c.pool] += "\n[second]\nuser = www-data\nlisten = " + l + "\npm = static\npm.max_children = 2\n"
			add(c)
		}
		second("second pool, same listen", listen)
		second("second pool, other listen", "127.0.0.1:9011")
		second("second pool, same TCP port written differently", "0.0.0.0:9000")
		{
			c := b.clone(name("pool re-opened"))
			c.files[c.pool] += "\n[www]\npm.max_children = 7\n"
			add(c)
		}
		{
			c := b.clone(name("pool re-opened with another case"))
			c.files[c.pool] += "\n[WWW]\npm.max_children = 0\n"
			add(c)
		}

		// Whole-file changes.
		{
			c := b.clone(name("CRLF line endings"))
			c.files[c.pool] = strings.ReplaceAll(c.files[c.pool], "\n", "\r\n")
			add(c)
		}
		{
			c := b.clone(name("UTF-8 BOM"))
			c.files[c.pool] = "\xef\xbb\xbf" + c.files[c.pool]
			add(c)
		}
		{
			c := b.clone(name("blank lines and comments"))
			c.files[c.pool] = "; added\n\n   \n;; more\n" + strings.ReplaceAll(c.files[c.pool], "\n[", "\n\n; section\n[")
			add(c)
		}
		{
			c := b.clone(name("NUL byte in a comment"))
			c.files[c.pool] = "; a\x00 b = ( c\n" + c.files[c.pool]
			add(c)
		}

		// The main file.
		mainEdits := []struct{ what, text string }{
			{"include of a missing directory", "include = /etc/nonexistent/*.conf"},
			{"include matching nothing", "include = /etc/*.nomatch"},
			{"include of a missing file", "include = /etc/nonexistent.conf"},
			{"relative include matching nothing", "include = nowhere/*.conf"},
			{"log_level = debug", "log_level = debug"},
			{"log_level = verbose", "log_level = verbose"},
			{"log_limit = 100", "log_limit = 100"},
			{"events.mechanism = kqueue", "events.mechanism = kqueue"},
			{"events.mechanism = epoll", "events.mechanism = epoll"},
			{"process.max = -1", "process.max = -1"},
			{"daemonize = no", "daemonize = no"},
			{"syslog.facility = LOG_LOCAL0", "syslog.facility = LOG_LOCAL0"},
			{"syslog.facility = local0", "syslog.facility = local0"},
			{"error_log in a missing directory", "error_log = /var/nowhere/php-fpm.log"},
			{"pid with $pool", "pid = /run/$pool.pid"},
			{"pool directive in global", "listen = 9999"},
			{"emergency_restart_interval = 1m", "emergency_restart_interval = 1m"},
		}
		for _, e := range mainEdits {
			c := b.clone(name("main: " + e.what))
			c.files[c.main] = strings.Replace(c.files[c.main], "[global]", "[global]\n"+e.text, 1)
			add(c)
		}
		{
			c := b.clone(name("main: directive after the include lands in the pool"))
			c.files[c.main] += "\npm.max_children = 0\n"
			add(c)
		}
		{
			c := b.clone(name("main: global directive after the include"))
			c.files[c.main] += "\nlog_level = debug\n"
			add(c)
		}
	}
	return out
}
