package rules

import "github.com/fcgilint/fcgilint/lint/diag"

// The php-fpm rules: what grammar/fpm and lint/fpm report while reading a
// php-fpm configuration as php-fpm 8.2 does. Errors are what makes php-fpm
// refuse to start (or makes every request fail); the documentation of each
// rule is docs/rules/<id>.md.
func init() {
	for _, r := range fpmRules {
		Register(r)
	}
}

var fpmRules = []*Rule{
	{ID: "fpm-syntax", Title: "php-fpm cannot parse this line", Severity: diag.Error, Tags: []string{"php-fpm", "syntax"}, Source: "fpm-parser",
		Doc: "php-fpm reads its configuration line by line with PHP's INI parser. A '#' comment, an unquoted value containing = ~ ! ( ) & | ^, a line without '=', or an unterminated section or quote makes php-fpm refuse to start."},
	{ID: "fpm-unknown-entry", Title: "php-fpm does not know this directive here", Severity: diag.Error, Tags: []string{"php-fpm"}, Source: "fpm-loader",
		Doc: "A misspelled directive, a pool directive in [global] (or the reverse), or an array such as php_value[] in [global] stops php-fpm with \"unknown entry\"."},
	{ID: "fpm-invalid-value", Title: "php-fpm rejects this value", Severity: diag.Error, Tags: []string{"php-fpm"}, Source: "fpm-loader",
		Doc: "A value php-fpm cannot parse (a number, time, boolean, process manager, log level), $pool outside a pool, an empty env[] value, an invalid status or ping path, or request_slowlog_timeout without slowlog stops php-fpm."},
	{ID: "fpm-include-error", Title: "php-fpm fails on this include", Severity: diag.Error, Tags: []string{"php-fpm", "include"}, Source: "fpm-loader",
		Doc: "An include whose directory does not exist, an included file that cannot be read, more than 5 nested files or an include cycle stops php-fpm."},
	{ID: "fpm-include-nomatch", Title: "Nothing matches this include pattern", Severity: diag.Warning, Tags: []string{"php-fpm", "include"}, Source: "fpm-loader",
		Doc: "php-fpm only warns when an include matches no file, and starts without the pools it was meant to bring in."},
	{ID: "fpm-env-unset", Title: "${VAR} is not set", Severity: diag.Warning, Tags: []string{"php-fpm", "environment"}, Source: "fpm-parser",
		Doc: "php-fpm replaces an unset ${VAR} with an empty string, silently."},
	{ID: "fpm-no-pool", Title: "No pool is defined", Severity: diag.Error, Tags: []string{"php-fpm"}, Source: "fpm-loader",
		Doc: "php-fpm refuses to start without at least one [pool] section."},
	{ID: "fpm-missing-listen", Title: "The pool has no listen address", Severity: diag.Error, Tags: []string{"php-fpm", "listen"}, Source: "fpm-loader",
		Doc: "Every pool needs a non-empty listen; php-fpm refuses to start otherwise."},
	{ID: "fpm-missing-pm", Title: "The pool has no process manager", Severity: diag.Error, Tags: []string{"php-fpm", "pm"}, Source: "fpm-loader",
		Doc: "Every pool needs pm = static, dynamic or ondemand; php-fpm refuses to start otherwise."},
	{ID: "fpm-pm-arithmetic", Title: "The process manager settings do not add up", Severity: diag.Error, Tags: []string{"php-fpm", "pm"}, Source: "fpm-loader",
		Doc: "pm.max_children must be at least 1; with pm = dynamic the spare server numbers must be positive, not above pm.max_children, in order, and pm.start_servers between them; ondemand needs a positive pm.process_idle_timeout."},
	{ID: "fpm-missing-user", Title: "The pool has no user while the master runs as root", Severity: diag.Error, Tags: []string{"php-fpm", "security"}, Source: "fpm-loader",
		Doc: "When the master runs as root (the distribution services), every pool must say which user its workers run as."},
	{ID: "fpm-user-root", Title: "The pool's workers would run as root", Severity: diag.Error, Tags: []string{"php-fpm", "security"}, Source: "fpm-loader", SecuritySeverity: "8.8",
		Doc: "Without --allow-to-run-as-root, php-fpm refuses to start a pool whose user or group resolves to 0: user = root, user = none (an empty user), or a numeric uid with no passwd entry."},
	{ID: "fpm-unknown-user", Title: "The user or group does not exist", Severity: diag.Error, Tags: []string{"php-fpm", "permissions"}, Source: "fpm-loader",
		Doc: "php-fpm looks up user, group, listen.owner, listen.group and the ACL names in /etc/passwd and /etc/group and refuses to start when one is missing."},
	{ID: "fpm-acl-list-space", Title: "A space in an ACL list breaks php-fpm", Severity: diag.Error, Tags: []string{"php-fpm", "permissions"}, Source: "fpm-loader",
		Doc: "listen.acl_users and listen.acl_groups are split on ',' only; 'apache, nginx' looks up the user ' nginx' and php-fpm fails to start."},
	{ID: "fpm-acl-owner-ignored", Title: "listen.owner/listen.group are ignored because an ACL is set", Severity: diag.Warning, Tags: []string{"php-fpm", "permissions"}, Source: "fpm-loader",
		Doc: "With listen.acl_users or listen.acl_groups, php-fpm does not chown the socket: it stays root:root."},
	{ID: "fpm-allowed-clients-invalid", Title: "listen.allowed_clients has entries php-fpm rejects", Severity: diag.Error, Tags: []string{"php-fpm", "listen"}, Source: "fpm-loader",
		Doc: "Entries are split on ',' and must be literal IP addresses: spaces, host names and CIDR ranges are dropped; with no valid entry every TCP connection is refused (502)."},
	{ID: "fpm-listen-mode-not-octal", Title: "listen.mode is not an octal number", Severity: diag.Error, Tags: []string{"php-fpm", "permissions"}, Source: "fpm-loader",
		Doc: "listen.mode is read with strtoul(..., 8); a symbolic or decimal-looking mode becomes 0000 and nginx gets Permission denied (502)."},
	{ID: "fpm-duplicate-listen", Title: "Two pools listen on the same address", Severity: diag.Error, Tags: []string{"php-fpm", "listen"}, Source: "fpm-loader",
		Doc: "php-fpm refuses to start when two pools have the same listen string."},
	{ID: "fpm-path-not-found", Title: "A directory php-fpm needs does not exist", Severity: diag.Error, Tags: []string{"php-fpm", "filesystem"}, Source: "fpm-loader",
		Doc: "prefix, chroot and chdir must be existing directories, and the directories of error_log, access.log and slowlog must exist; php-fpm refuses to start otherwise. Paths are resolved under --root."},
	{ID: "fpm-socket-dir-missing", Title: "The directory of the unix socket does not exist", Severity: diag.Warning, Tags: []string{"php-fpm", "listen", "environment"}, Source: "fpm-loader",
		Doc: "php-fpm never creates the socket's directory; it fails at start unless the service manager creates it (tmpfiles, RuntimeDirectory). On the target machine (a root given), a missing directory outside /run is an error: nothing will create it."},
	{ID: "fpm-listen-invalid", Title: "php-fpm cannot bind this listen address", Severity: diag.Error, Tags: []string{"php-fpm", "listen"}, Source: "fpm-loader",
		Doc: "A port outside 1..65535, a port with trailing characters after a host, or an empty host passes php-fpm -t but fails at start."},
	{ID: "fpm-listen-ambiguous", Title: "The listen address does not mean what it seems", Severity: diag.Warning, Tags: []string{"php-fpm", "listen"}, Source: "fpm-loader",
		Doc: "127.0.0.1 without a port is a unix socket path; localhost:9000 binds one address (often ::1); *:9000 binds loopback only with glibc; socket paths of 108 bytes or more are truncated."},
	{ID: "fpm-array-duplicate", Title: "The same php_value/env key is set twice", Severity: diag.Warning, Tags: []string{"php-fpm"}, Source: "fpm-loader",
		Doc: "For php_value[], php_admin_value[] and env[], php-fpm keeps the first definition of a key, unlike scalar directives where the last one wins."},
	{ID: "fpm-after-include", Title: "A directive after an include lands in another pool", Severity: diag.Warning, Tags: []string{"php-fpm", "include"}, Source: "fpm-loader",
		Doc: "After an include, the current section is the last pool of the included files, so the directives that follow land there."},
}
