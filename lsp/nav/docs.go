package nav

import (
	"strings"
	"sync"

	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// The directive table has no prose: hover and completion documentation is
// made of what it does know (the syntax nginx checks, the contexts, the
// module and the versions) and a link to the module's own documentation.

// NginxSyntax is the directive's syntax line in the style of nginx.org's
// "Syntax:" lines, made from the argument counts nginx checks, e.g.
// "fastcgi_pass address;" or "gzip on | off;".
func NginxSyntax(d *nginxdb.Directive) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(d.Name)
	args := argumentSyntax(d)
	if args != "" {
		b.WriteByte(' ')
		b.WriteString(args)
	}
	if d.IsBlock() {
		b.WriteString(" { ... }")
	} else {
		b.WriteByte(';')
	}
	return b.String()
}

// argumentSyntax spells the arguments a directive takes.
func argumentSyntax(d *nginxdb.Directive) string {
	a := d.Args
	word := placeholder(d)
	switch {
	case a&nginxdb.Flag != 0:
		return "on | off"
	case a&nginxdb.AnyArgs != 0:
		return "[" + word + " ...]"
	case a&nginxdb.OneMore != 0:
		return word + " ..."
	case a&nginxdb.TwoMore != 0:
		return word + " " + word + " ..."
	}
	least, most := -1, -1
	for n := 0; n <= 7; n++ {
		if a&(nginxdb.NoArgs<<n) != 0 {
			if least < 0 {
				least = n
			}
			most = n
		}
	}
	if most <= 0 {
		return ""
	}
	var parts []string
	for n := 1; n <= most; n++ {
		w := word
		if n > 1 && word != "value" && len(d.Values) == 0 {
			w = "value"
		}
		if n > least {
			w = "[" + w + "]"
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

// placeholder names the first argument after the value kind nginx parses.
func placeholder(d *nginxdb.Directive) string {
	switch d.Kind {
	case "enum":
		if len(d.Values) > 0 && len(d.Values) <= 8 {
			return strings.Join(d.Values, " | ")
		}
	case "flag":
		return "on | off"
	case "size", "off", "bufs":
		return "size"
	case "msec", "sec":
		return "time"
	case "num":
		return "number"
	case "path", "access":
		return "path"
	}
	if strings.HasSuffix(d.Name, "_pass") {
		return "address"
	}
	return "value"
}

// contextWords are nginx.org's names of the contexts ("Context:" lines).
var contextWords = []struct {
	bit  nginxdb.Context
	name string
}{
	{nginxdb.CtxMain, "main"},
	{nginxdb.CtxAny, "any"},
	{nginxdb.CtxEvent, "events"},
	{nginxdb.CtxHTTPMain, "http"},
	{nginxdb.CtxHTTPSrv, "server"},
	{nginxdb.CtxHTTPLoc, "location"},
	{nginxdb.CtxHTTPUps, "upstream"},
	{nginxdb.CtxHTTPSif, "if in server"},
	{nginxdb.CtxHTTPLif, "if in location"},
	{nginxdb.CtxHTTPLmt, "limit_except"},
	{nginxdb.CtxStreamMain, "stream"},
	{nginxdb.CtxStreamSrv, "server"},
	{nginxdb.CtxStreamUps, "upstream"},
	{nginxdb.CtxMailMain, "mail"},
	{nginxdb.CtxMailSrv, "server"},
	{nginxdb.CtxRTMPMain, "rtmp"},
	{nginxdb.CtxRTMPSrv, "server"},
	{nginxdb.CtxRTMPApp, "application"},
	{nginxdb.CtxRTMPRec, "recorder"},
}

// NginxContexts lists where the directive may stand, in nginx.org's words
// ("location, if in location").
func NginxContexts(d *nginxdb.Directive) string {
	if d == nil {
		return ""
	}
	var names []string
	for _, c := range contextWords {
		if d.Contexts&c.bit != 0 {
			names = append(names, c.name)
		}
	}
	return strings.Join(names, ", ")
}

// nginxDocPages maps the bundled modules whose documentation page on
// nginx.org is not named after the module, or that are documented on
// another module's page.
var nginxDocPages = map[string]string{
	"ngx_conf_module":                       "ngx_core_module",
	"ngx_errlog_module":                     "ngx_core_module",
	"ngx_events_module":                     "ngx_core_module",
	"ngx_event_core_module":                 "ngx_core_module",
	"ngx_epoll_module":                      "ngx_core_module",
	"ngx_kqueue_module":                     "ngx_core_module",
	"ngx_devpoll_module":                    "ngx_core_module",
	"ngx_eventport_module":                  "ngx_core_module",
	"ngx_iocp_module":                       "ngx_core_module",
	"ngx_regex_module":                      "ngx_core_module",
	"ngx_thread_pool_module":                "ngx_core_module",
	"ngx_openssl_module":                    "ngx_core_module",
	"ngx_openssl_cache_module":              "ngx_core_module",
	"ngx_quic_bpf_module":                   "ngx_core_module",
	"ngx_http_module":                       "http/ngx_http_core_module",
	"ngx_http_copy_filter_module":           "http/ngx_http_core_module",
	"ngx_http_addition_filter_module":       "http/ngx_http_addition_module",
	"ngx_http_charset_filter_module":        "http/ngx_http_charset_module",
	"ngx_http_gunzip_filter_module":         "http/ngx_http_gunzip_module",
	"ngx_http_gzip_filter_module":           "http/ngx_http_gzip_module",
	"ngx_http_headers_filter_module":        "http/ngx_http_headers_module",
	"ngx_http_slice_filter_module":          "http/ngx_http_slice_module",
	"ngx_http_ssi_filter_module":            "http/ngx_http_ssi_module",
	"ngx_http_sub_filter_module":            "http/ngx_http_sub_module",
	"ngx_http_userid_filter_module":         "http/ngx_http_userid_module",
	"ngx_http_xslt_filter_module":           "http/ngx_http_xslt_module",
	"ngx_http_upstream_hash_module":         "http/ngx_http_upstream_module",
	"ngx_http_upstream_ip_hash_module":      "http/ngx_http_upstream_module",
	"ngx_http_upstream_keepalive_module":    "http/ngx_http_upstream_module",
	"ngx_http_upstream_least_conn_module":   "http/ngx_http_upstream_module",
	"ngx_http_upstream_least_time_module":   "http/ngx_http_upstream_module",
	"ngx_http_upstream_random_module":       "http/ngx_http_upstream_module",
	"ngx_http_upstream_sticky_module":       "http/ngx_http_upstream_module",
	"ngx_http_upstream_zone_module":         "http/ngx_http_upstream_module",
	"ngx_http_js_core_module":               "http/ngx_http_js_module",
	"ngx_stream_module":                     "stream/ngx_stream_core_module",
	"ngx_stream_upstream_hash_module":       "stream/ngx_stream_upstream_module",
	"ngx_stream_upstream_least_conn_module": "stream/ngx_stream_upstream_module",
	"ngx_stream_upstream_least_time_module": "stream/ngx_stream_upstream_module",
	"ngx_stream_upstream_random_module":     "stream/ngx_stream_upstream_module",
	"ngx_stream_upstream_zone_module":       "stream/ngx_stream_upstream_module",
	"ngx_stream_js_core_module":             "stream/ngx_stream_js_module",
	"ngx_mail_module":                       "mail/ngx_mail_core_module",
}

// NginxDocURL is the directive's documentation: its anchor on nginx.org for
// modules nginx.org documents (nginx's own and njs), the module's repository
// for other third-party modules, "" when neither is known.
func NginxDocURL(d *nginxdb.Directive) string {
	if d == nil || d.Module == "" {
		return ""
	}
	if d.Repo == "github.com/nginx/nginx" || d.Repo == "github.com/nginx/njs" {
		page, ok := nginxDocPages[d.Module]
		if !ok {
			switch {
			case d.Type == nginxdb.Core || d.Type == nginxdb.Event || d.Type == nginxdb.Conf:
				page = "ngx_core_module"
			case strings.HasPrefix(d.Module, "ngx_http_"):
				page = "http/" + d.Module
			case strings.HasPrefix(d.Module, "ngx_stream_"):
				page = "stream/" + d.Module
			case strings.HasPrefix(d.Module, "ngx_mail_"):
				page = "mail/" + d.Module
			default:
				page = d.Module
			}
		}
		return "https://nginx.org/en/docs/" + page + ".html#" + d.Name
	}
	if d.Repo != "" && strings.HasPrefix(d.Repo, "github.com/") {
		return "https://" + d.Repo
	}
	return ""
}

// nginxDocs keeps the documentation made for each directive entry:
// completion lists hundreds of them on every keystroke.
var nginxDocs sync.Map // *nginxdb.Directive → string

// NginxDoc is the markdown documentation of a directive: syntax, contexts,
// module, the versions that have it and the link.
func NginxDoc(d *nginxdb.Directive) string {
	if d == nil {
		return ""
	}
	if v, ok := nginxDocs.Load(d); ok {
		return v.(string)
	}
	doc := makeNginxDoc(d)
	nginxDocs.Store(d, doc)
	return doc
}

func makeNginxDoc(d *nginxdb.Directive) string {
	var b strings.Builder
	b.WriteString("```nginx\n")
	b.WriteString(NginxSyntax(d))
	b.WriteString("\n```\n\n")
	b.WriteString("**Context:** ")
	b.WriteString(NginxContexts(d))
	b.WriteString("  \n**Module:** `")
	b.WriteString(d.Module)
	b.WriteString("`")
	switch {
	case d.Since != "" && d.Until != "":
		b.WriteString("  \n**nginx:** " + d.Since + " to " + d.Until)
	case d.Since != "":
		b.WriteString("  \n**Since:** nginx " + d.Since)
	case d.Until != "":
		b.WriteString("  \n**Until:** nginx " + d.Until)
	}
	if repl, ok := d.Deprecated(); ok {
		b.WriteString("  \n**Deprecated:** use `" + repl + "`")
	}
	if u := NginxDocURL(d); u != "" {
		b.WriteString("\n\n[Documentation](" + u + ")")
	}
	return b.String()
}

// fpmAnchors are the ids of the directives on php.net's FPM configuration
// page (doc-en install/fpm/configuration.xml); they follow no single rule.
var fpmAnchors = map[string]string{
	"pid": "pid", "error_log": "error-log", "log_level": "log-level", "log_limit": "log-limit",
	"log_buffering": "log-buffering", "syslog.facility": "syslog-facility", "syslog.ident": "syslog-ident",
	"emergency_restart_threshold": "emergency-restart-threshold", "emergency_restart_interval": "emergency-restart-interval",
	"process_control_timeout": "process-control-timeout", "process.max": "process-max",
	"daemonize": "daemonize", "events.mechanism": "events-mechanism", "systemd_interval": "systemd-interval",

	"listen": "listen", "listen.backlog": "listen-backlog", "listen.allowed_clients": "listen-allowed-clients",
	"listen.owner": "listen-owner", "listen.group": "listen-group", "listen.mode": "listen-mode",
	"listen.acl_users": "listen-acl-users", "listen.acl_groups": "listen-acl-groups",
	"user": "user", "group": "group", "pm": "pm", "pm.max_children": "pm.max-children",
	"pm.start_servers": "pm.start-servers", "pm.min_spare_servers": "pm.min-spare-servers",
	"pm.max_spare_servers": "pm.max-spare-servers", "pm.max_spawn_rate": "pm.max-spawn-rate",
	"pm.process_idle_timeout": "pm.process-idle-timeout", "pm.max_requests": "pm.max-requests",
	"pm.status_listen": "pm.status-listen", "pm.status_path": "pm.status-path",
	"ping.path": "ping.path", "ping.response": "ping.response", "process.dumpable": "process-dumpable",
	"prefix": "prefix", "request_terminate_timeout": "request-terminate-timeout",
	"request_terminate_timeout_track_finished": "request-terminate-timeout-track-finished",
	"request_slowlog_timeout":                  "request-slowlog-timeout", "request_slowlog_trace_depth": "request-slowlog-trace-depth",
	"slowlog": "slowlog", "chroot": "chroot", "chdir": "chdir", "catch_workers_output": "catch-workers-output",
	"decorate_workers_output": "decorate-workers-output", "clear_env": "clear-env",
	"security.limit_extensions": "security-limit-extensions", "apparmor_hat": "apparmor-hat",
	"access.log": "access-log", "access.format": "access-format",
}

// Some names mean different settings in [global] and in a pool, and the
// page gives them different ids.
var fpmGlobalAnchors = map[string]string{
	"process.priority": "process-priority", "rlimit_files": "rlimit-files-master", "rlimit_core": "rlimit-core-master",
}

var fpmPoolAnchors = map[string]string{
	"process.priority": "worker-process-priority", "rlimit_files": "rlimit-files", "rlimit_core": "rlimit-core",
}

const fpmDocPage = "https://www.php.net/manual/en/install.fpm.configuration.php"

// FPMDocURL links a php-fpm directive's entry on php.net (the page itself
// for the array directives, which it documents in prose).
func FPMDocURL(name string, global bool) string {
	key := strings.ToLower(name)
	extra := fpmPoolAnchors
	if global {
		extra = fpmGlobalAnchors
	}
	if a, ok := extra[key]; ok {
		return fpmDocPage + "#" + a
	}
	if a, ok := fpmAnchors[key]; ok {
		return fpmDocPage + "#" + a
	}
	return fpmDocPage
}

// FPMDoc is the markdown documentation of a php-fpm directive.
func FPMDoc(d *fpm.Directive, global, array bool) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("```ini\n")
	b.WriteString(FPMSyntax(d, array))
	b.WriteString("\n```\n\n")
	b.WriteString(d.Doc)
	b.WriteString("\n\n**Type:** ")
	b.WriteString(d.Type.String())
	if d.Default != "" {
		b.WriteString("  \n**Default:** `" + d.Default + "`")
	}
	b.WriteString("  \n**Section:** ")
	if global {
		b.WriteString("[global]")
	} else {
		b.WriteString("pool")
	}
	b.WriteString("\n\n[Documentation](" + FPMDocURL(d.Name, global) + ")")
	return b.String()
}

// FPMSyntax is "name = <type>" or, for array directives, "name[key] = <type>".
func FPMSyntax(d *fpm.Directive, array bool) string {
	if d == nil {
		return ""
	}
	if array {
		return d.Name + "[key] = " + d.Type.String()
	}
	return d.Name + " = " + d.Type.String()
}
