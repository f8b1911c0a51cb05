package fpm

import (
	"strings"

	"github.com/fcgilint/fcgilint/internal/textdist"
)

// ValueType is how php-fpm parses a directive's value (the fpm_conf_set_*
// function its table entry names).
type ValueType int

const (
	// TypeString: fpm_conf_set_string. Any text; "$pool" is replaced by the
	// pool name; the last definition wins.
	TypeString ValueType = iota + 1
	// TypeInt: fpm_conf_set_integer. An optional leading "-" and digits only.
	TypeInt
	// TypeTime: fpm_conf_set_time. Digits with an optional s, m, h or d.
	TypeTime
	// TypeBool: fpm_conf_set_boolean. "1"/"" from the INI keywords, or the
	// spelled-out words when the value comes from an environment variable.
	TypeBool
	// TypePM: fpm_conf_set_pm. static, dynamic or ondemand.
	TypePM
	// TypeLogLevel: fpm_conf_set_log_level.
	TypeLogLevel
	// TypeRlimitCore: fpm_conf_set_rlimit_core. A non-negative integer or
	// "unlimited".
	TypeRlimitCore
	// TypeSyslogFacility: fpm_conf_set_syslog_facility.
	TypeSyslogFacility
)

func (t ValueType) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeInt:
		return "integer"
	case TypeTime:
		return "time"
	case TypeBool:
		return "boolean"
	case TypePM:
		return "process manager"
	case TypeLogLevel:
		return "log level"
	case TypeRlimitCore:
		return "integer or 'unlimited'"
	case TypeSyslogFacility:
		return "syslog facility"
	}
	return "?"
}

// Directive is one entry of php-fpm's directive tables.
type Directive struct {
	Name    string
	Type    ValueType
	Default string // what php-fpm uses when the directive is absent ("" = none)
	Doc     string // one line for hover and messages
}

// Sources of the tables: php-src 8.2, sapi/fpm/fpm/fpm_conf.c,
// ini_fpm_global_options[] and ini_fpm_pool_options[] (the names, parsers
// and order), the defaults set in fpm_conf.c (fpm_global_config,
// fpm_worker_pool_config_alloc, fpm_conf_post_process) and
// sapi/fpm/www.conf.in / php-fpm.conf.in (documentation). Entries that exist
// only in some builds are marked: Debian's php8.2-fpm is built with syslog,
// systemd, ACL and AppArmor support, so all of them are accepted.

// GlobalDirectives are the [global] directives of php-fpm 8.2.
var GlobalDirectives = []Directive{
	{"pid", TypeString, "", "PID file; relative to the prefix (-p) or /var"},
	{"error_log", TypeString, "log/php-fpm.log", "error log file, or 'syslog'; relative to the prefix or /var"},
	{"syslog.ident", TypeString, "php-fpm", "syslog identity (syslog builds)"},
	{"syslog.facility", TypeSyslogFacility, "daemon", "syslog facility (syslog builds)"},
	{"log_buffering", TypeBool, "yes", "buffer log lines"},
	{"log_level", TypeLogLevel, "notice", "alert, error, warning, notice or debug"},
	{"log_limit", TypeInt, "1024", "longest log line; at least 1024"},
	{"emergency_restart_threshold", TypeInt, "0", "children dying within emergency_restart_interval that trigger a restart"},
	{"emergency_restart_interval", TypeTime, "0", "window for emergency_restart_threshold"},
	{"process_control_timeout", TypeTime, "0", "time children wait for a signal from the master"},
	{"process.max", TypeInt, "0", "maximum number of processes over all pools; not negative"},
	{"process.priority", TypeInt, "", "master's nice value, -19..20 (root only)"},
	{"daemonize", TypeBool, "yes", "go to the background (-F overrides)"},
	{"rlimit_files", TypeInt, "", "open file descriptor limit of the master"},
	{"rlimit_core", TypeRlimitCore, "", "core size limit of the master"},
	{"events.mechanism", TypeString, "", "epoll, poll, select, ... (auto-detected)"},
	{"systemd_interval", TypeTime, "10", "systemd watchdog interval (systemd builds)"},
}

// PoolDirectives are the pool directives of php-fpm 8.2.
var PoolDirectives = []Directive{
	{"prefix", TypeString, "", "prefix for this pool's relative paths; must be an existing directory"},
	{"user", TypeString, "", "user the workers run as; required when the master runs as root"},
	{"group", TypeString, "", "group the workers run as; default: the user's primary group"},
	{"listen", TypeString, "", "address to accept FastCGI requests on: unix socket path, port, or addr:port"},
	{"listen.backlog", TypeInt, "-1", "listen() backlog; -1 means the kernel's somaxconn"},
	{"listen.acl_users", TypeString, "", "comma-separated users granted rw on the unix socket through a POSIX ACL (ACL builds)"},
	{"listen.acl_groups", TypeString, "", "comma-separated groups granted rw on the unix socket through a POSIX ACL (ACL builds)"},
	{"listen.owner", TypeString, "", "owner of the unix socket; default: the master's user"},
	{"listen.group", TypeString, "", "group of the unix socket; default: listen.owner's primary group or the master's group"},
	{"listen.mode", TypeString, "0660", "mode of the unix socket, read as octal"},
	{"listen.allowed_clients", TypeString, "", "comma-separated IP addresses allowed to connect over TCP"},
	{"process.priority", TypeInt, "", "nice value of the workers, -19..20 (root only)"},
	{"process.dumpable", TypeBool, "no", "set PR_SET_DUMPABLE on the workers"},
	{"pm", TypePM, "", "process manager: static, dynamic or ondemand (required)"},
	{"pm.max_children", TypeInt, "", "maximum number of workers (required, at least 1)"},
	{"pm.start_servers", TypeInt, "", "workers created at start (dynamic)"},
	{"pm.min_spare_servers", TypeInt, "", "minimum idle workers (dynamic)"},
	{"pm.max_spare_servers", TypeInt, "", "maximum idle workers (dynamic)"},
	{"pm.max_spawn_rate", TypeInt, "32", "workers spawned at once (dynamic)"},
	{"pm.process_idle_timeout", TypeTime, "10", "idle time before a worker is killed (ondemand)"},
	{"pm.max_requests", TypeInt, "0", "requests a worker serves before it is respawned"},
	{"pm.status_path", TypeString, "", "URI of the status page"},
	{"pm.status_listen", TypeString, "", "extra address serving only the status page"},
	{"ping.path", TypeString, "", "URI of the ping page"},
	{"ping.response", TypeString, "pong", "body of the ping page"},
	{"access.log", TypeString, "", "access log file"},
	{"access.format", TypeString, `%R - %u %t "%m %r" %s`, "access log format"},
	{"slowlog", TypeString, "", "slow request log; required by request_slowlog_timeout"},
	{"request_slowlog_timeout", TypeTime, "0", "time after which a request's backtrace goes to slowlog"},
	{"request_slowlog_trace_depth", TypeInt, "20", "depth of the slowlog backtrace"},
	{"request_terminate_timeout", TypeTime, "0", "wall-clock time after which a request's worker is killed (0: never)"},
	{"request_terminate_timeout_track_finished", TypeBool, "no", "apply request_terminate_timeout after fastcgi_finish_request"},
	{"rlimit_files", TypeInt, "", "open file descriptor limit of the workers"},
	{"rlimit_core", TypeRlimitCore, "", "core size limit of the workers"},
	{"chroot", TypeString, "", "directory the workers chroot into; absolute, may start with $prefix"},
	{"chdir", TypeString, "", "directory the workers change to"},
	{"catch_workers_output", TypeBool, "no", "send the workers' stdout/stderr to the error log"},
	{"decorate_workers_output", TypeBool, "yes", "prefix caught worker output"},
	{"clear_env", TypeBool, "yes", "clear the environment of the workers"},
	{"security.limit_extensions", TypeString, ".php .phar", "extensions the workers agree to execute; empty means any"},
	{"apparmor_hat", TypeString, "", "AppArmor hat (AppArmor builds)"},
}

// ArrayDirectives are the name[key] directives (fpm_conf_ini_parser_array):
// allowed only in pools, compared case-sensitively.
var ArrayDirectives = []Directive{
	{"php_value", TypeString, "", "php.ini value for the workers; PHP scripts can override it"},
	{"php_flag", TypeBool, "", "php.ini boolean for the workers; PHP scripts can override it"},
	{"php_admin_value", TypeString, "", "php.ini value scripts cannot override"},
	{"php_admin_flag", TypeBool, "", "php.ini boolean scripts cannot override"},
	{"env", TypeString, "", "environment variable of the workers; '$NAME' copies the master's"},
	{"access.suppress_path", TypeString, "", "URI not written to the access log (empty key, value starts with '/')"},
}

var (
	globalByName = indexDirectives(GlobalDirectives)
	poolByName   = indexDirectives(PoolDirectives)
	arrayByName  = func() map[string]*Directive {
		m := map[string]*Directive{}
		for i := range ArrayDirectives {
			m[ArrayDirectives[i].Name] = &ArrayDirectives[i]
		}
		return m
	}()
)

// php-fpm compares directive names with strcasecmp.
func indexDirectives(ds []Directive) map[string]*Directive {
	m := make(map[string]*Directive, len(ds))
	for i := range ds {
		m[strings.ToLower(ds[i].Name)] = &ds[i]
	}
	return m
}

// LookupGlobal finds a [global] directive, case-insensitively.
func LookupGlobal(name string) *Directive { return globalByName[strings.ToLower(name)] }

// LookupPool finds a pool directive, case-insensitively.
func LookupPool(name string) *Directive { return poolByName[strings.ToLower(name)] }

// LookupArray finds an array directive (case-sensitive, as php-fpm compares).
func LookupArray(name string) *Directive { return arrayByName[name] }

// phpIniToExpand are the php_value/php_admin_value keys whose value php-fpm
// makes absolute with the pool prefix when there is no chroot (FPM_PHP_INI_TO_EXPAND
// in sapi/fpm/fpm/fpm_php.h).
var phpIniToExpand = []string{
	"error_log", "extension_dir", "mime_magic.magicfile", "sendmail_path",
	"session.cookie_path", "session_pgsql.sem_file_name", "soap.wsdl_cache_dir",
	"uploadprogress.file.filename_template", "xdebug.output_dir", "xdebug.profiler_output_dir",
	"xdebug.trace_output_dir", "xmms.path", "axis2.client_home", "blenc.key_file",
	"coin_acceptor.device",
}

// syslogFacilities are the names fpm_conf_set_syslog_facility accepts
// (case-insensitively) on Linux.
var syslogFacilities = []string{
	"AUTH", "AUTHPRIV", "CRON", "DAEMON", "FTP", "KERN", "LPR", "MAIL", "NEWS",
	"SYSLOG", "USER", "UUCP", "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4",
	"LOCAL5", "LOCAL6", "LOCAL7",
}

// suggest returns the known name closest to name, for "did you mean"
// hints; php-fpm compares names without regard to case.
func suggest(name string, table []Directive) string {
	names := make([]string, len(table))
	for i, d := range table {
		names[i] = strings.ToLower(d.Name)
	}
	if s := textdist.Suggest(strings.ToLower(name), names, nil); s != "" {
		for _, d := range table {
			if strings.EqualFold(d.Name, s) {
				return d.Name
			}
		}
	}
	return ""
}
