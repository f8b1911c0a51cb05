package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// customValueChecks validate the arguments of directives whose module has
// its own handler (the "custom" kind of the directive table), by the
// handler's C name, as the handler does. r.bad reports argument i.
var customValueChecks = map[string]func(n *nginxconf.Node, r valueReporter){
	"ngx_error_log":             checkErrorLog,
	"ngx_http_core_error_log":   checkErrorLog,
	"ngx_stream_core_error_log": checkErrorLog,
	"ngx_mail_core_error_log":   checkErrorLog,
	"ngx_http_core_error_page":  checkErrorPage,
	"ngx_http_rewrite_return":   checkReturn,
	"ngx_http_rewrite":          checkRewrite,
	"ngx_http_headers_add":      checkAddHeader,
	"ngx_http_access_rule":      checkAccessRule,
	"ngx_stream_access_rule":    checkAccessRule,
	"ngx_http_limit_req":        checkLimitReq,
	"ngx_http_upstream_param_set_slot": func(n *nginxconf.Node, r valueReporter) {
		if len(n.Dir.Args) == 3 && n.Dir.Args[2].Value != "if_not_empty" {
			r.bad(2, fmt.Sprintf("invalid parameter \"%s\" (the only parameter after the value is if_not_empty)", n.Dir.Args[2].Value))
		}
	},
	"ngx_http_fastcgi_split_path_info": func(n *nginxconf.Node, r valueReporter) {
		re := n.Dir.Args[0].Value
		if pcreStructureError(re) != "" {
			return // nginx-regex reports it
		}
		if c := pcreCaptures(re); c != 2 {
			r.bad(0, fmt.Sprintf("pattern \"%s\" must have 2 captures (the script name and the path info, as in ^(.+?\\.php)(/.*)$; it has %d)", re, c))
		}
	},
	"ngx_event_connections": func(n *nginxconf.Node, r valueReporter) {
		if _, ok := nginxval.Atoi(n.Dir.Args[0].Value); !ok {
			r.bad(0, fmt.Sprintf("\"%s\" directive invalid number \"%s\"", n.Name(), n.Dir.Args[0].Value))
		}
	},
	"ngx_set_worker_processes": func(n *nginxconf.Node, r valueReporter) {
		if v := n.Dir.Args[0].Value; v != "auto" {
			if _, ok := nginxval.Atoi(v); !ok {
				r.bad(0, fmt.Sprintf("\"%s\" directive invalid value \"%s\" (want a number or auto)", n.Name(), v))
			}
		}
	},
	"ngx_http_core_keepalive": func(n *nginxconf.Node, r valueReporter) {
		for i, a := range n.Dir.Args {
			if _, ok := nginxval.Time(a.Value, i == 1); !ok {
				r.bad(i, fmt.Sprintf("\"%s\" directive invalid value \"%s\" (a time is a number with units such as 75s or 1m)", n.Name(), a.Value))
				return
			}
		}
	},
}

// checkErrorLog is ngx_log_set_levels (src/core/ngx_log.c).
func checkErrorLog(n *nginxconf.Node, r valueReporter) {
	args := n.Args()
	if strings.HasPrefix(args[0], "memory:") {
		return // needs a debug build, which Debian's nginx is
	}
	levels := []string{"emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"}
	debug := []string{"debug_core", "debug_alloc", "debug_mutex", "debug_event", "debug_http", "debug_mail", "debug_stream"}
	level, debugBits := 0, false
	for i := 1; i < len(args); i++ {
		a := args[i]
		found := false
		for k, l := range levels {
			if a == l {
				if level != 0 || debugBits {
					r.bad(i, fmt.Sprintf("duplicate log level \"%s\" (error_log takes one level)", a))
					return
				}
				level, found = k+1, true
				break
			}
		}
		for _, d := range debug {
			if a == d {
				if level != 0 && level != len(levels) {
					r.bad(i, fmt.Sprintf("invalid log level \"%s\"", a))
					return
				}
				debugBits, found = true, true
				break
			}
		}
		if !found {
			r.bad(i, fmt.Sprintf("invalid log level \"%s\" (want one of %s)", a, strings.Join(levels, ", ")))
			return
		}
	}
}

// checkErrorPage is ngx_http_core_error_page.
func checkErrorPage(n *nginxconf.Node, r valueReporter) {
	args := n.Args()
	i := len(args) - 2
	codes := i
	if strings.HasPrefix(args[i], "=") {
		if i == 0 {
			r.bad(i, fmt.Sprintf("invalid value \"%s\" (error_page needs at least one code)", args[i]))
			return
		}
		if len(args[i]) > 1 {
			if _, ok := nginxval.Atoi(args[i][1:]); !ok {
				r.bad(i, fmt.Sprintf("invalid value \"%s\"", args[i]))
				return
			}
		}
	} else {
		codes = i + 1
	}
	for k := 0; k < codes; k++ {
		v, ok := nginxval.Atoi(args[k])
		if !ok || v == 499 {
			r.bad(k, fmt.Sprintf("invalid value \"%s\" (want an HTTP status code)", args[k]))
			return
		}
		if v < 300 || v > 599 {
			r.bad(k, fmt.Sprintf("value \"%s\" must be between 300 and 599", args[k]))
			return
		}
	}
}

// checkReturn is ngx_http_rewrite_return: a code up to 999 and an optional
// text or URL, or a URL alone (http://, https:// or $scheme…).
func checkReturn(n *nginxconf.Node, r valueReporter) {
	args := n.Args()
	code, ok := nginxval.Atoi(args[0])
	if !ok {
		if len(args) == 1 && (strings.HasPrefix(args[0], "http://") || strings.HasPrefix(args[0], "https://") || strings.HasPrefix(args[0], "$scheme")) {
			return
		}
		r.bad(0, fmt.Sprintf("invalid return code \"%s\" (want a status code, or a URL starting with http://, https:// or $scheme)", args[0]))
		return
	}
	if code > 999 {
		r.bad(0, fmt.Sprintf("invalid return code \"%s\"", args[0]))
	}
}

// checkRewrite is ngx_http_rewrite's flag: last, break, redirect or
// permanent.
func checkRewrite(n *nginxconf.Node, r valueReporter) {
	if len(n.Dir.Args) == 3 {
		switch f := n.Dir.Args[2].Value; f {
		case "last", "break", "redirect", "permanent":
		default:
			r.bad(2, fmt.Sprintf("invalid parameter \"%s\" (the flag is last, break, redirect or permanent)", f))
		}
	}
}

// checkAddHeader is ngx_http_headers_add: the only third argument is
// "always".
func checkAddHeader(n *nginxconf.Node, r valueReporter) {
	if len(n.Dir.Args) == 3 && n.Dir.Args[2].Value != "always" {
		r.bad(2, fmt.Sprintf("invalid parameter \"%s\" (the only parameter after the value is always; quote a value with spaces)", n.Dir.Args[2].Value))
	}
}

// checkAccessRule is ngx_http_access_rule: all, unix: or an address or
// network.
func checkAccessRule(n *nginxconf.Node, r valueReporter) {
	v := n.Dir.Args[0].Value
	if v == "all" || v == "unix:" {
		return
	}
	if _, ok := nginxval.PtoCIDR(v); !ok {
		r.bad(0, fmt.Sprintf("invalid parameter \"%s\" (want all, an address or a network such as 10.0.0.0/8)", v))
	}
}

// checkLimitReq is ngx_http_limit_req's parameters.
func checkLimitReq(n *nginxconf.Node, r valueReporter) {
	zone := false
	for i, a := range n.Args() {
		switch {
		case strings.HasPrefix(a, "zone="):
			zone = true
		case strings.HasPrefix(a, "burst="):
			if v, ok := nginxval.Atoi(a[6:]); !ok || v <= 0 {
				r.bad(i, fmt.Sprintf("invalid burst value \"%s\"", a))
				return
			}
		case strings.HasPrefix(a, "delay="):
			if v, ok := nginxval.Atoi(a[6:]); !ok || v <= 0 {
				r.bad(i, fmt.Sprintf("invalid delay value \"%s\"", a))
				return
			}
		case a == "nodelay":
		default:
			r.bad(i, fmt.Sprintf("invalid parameter \"%s\"", a))
			return
		}
	}
	if !zone {
		r.bad(0, fmt.Sprintf("\"%s\" must have \"zone\" parameter", n.Name()))
	}
}

// checkAccessLogs follows ngx_http_log_set_format and ngx_http_log_set_log
// (src/http/modules/ngx_http_log_module.c) through an http block, in
// order: a format must be defined (by log_format, at the http level)
// before an access_log names it, and only once.
func checkAccessLogs(p *lint.Pass, cfg *nginxconf.Config) {
	var formats map[string]bool
nodes:
	for _, n := range cfg.Named("http", "log_format", "access_log") {
		if n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries {
			continue
		}
		if n.Name() == "http" && n.Ctx == nginxconf.CtxMain {
			formats = map[string]bool{"combined": true}
			continue
		}
		if formats == nil || (n.Name() != "log_format" && n.Name() != "access_log") || nginxconf.VarSpace(n.Ctx) != "http" {
			continue
		}
		spec, st := n.Spec(p.NginxVersion)
		if st != nginxconf.Known || !n.Dir.Terminated() || n.Dir.Block != nil || !spec.AcceptsArgCount(len(n.Dir.Args)) {
			continue
		}
		r := valueReporter{p, n}
		args := n.Args()
		if n.Name() == "log_format" {
			if formats[args[0]] {
				r.bad(0, fmt.Sprintf("duplicate \"log_format\" name \"%s\"", args[0]))
			}
			formats[args[0]] = true
			continue
		}
		if args[0] == "off" {
			if len(args) > 1 {
				r.bad(1, fmt.Sprintf("invalid parameter \"%s\" (access_log off takes nothing else)", args[1]))
			}
			continue
		}
		if len(args) >= 2 {
			known := false
			for f := range formats {
				if strings.EqualFold(f, args[1]) {
					known = true
				}
			}
			if !known {
				r.bad(1, fmt.Sprintf("unknown log format \"%s\" (define it with log_format before this access_log, in the http block)", args[1]))
				continue
			}
		}
		var size, flush int64
		for i := 2; i < len(args); i++ {
			a := args[i]
			switch {
			case strings.HasPrefix(a, "buffer="):
				v, ok := nginxval.Size(a[7:])
				if !ok || v == 0 {
					r.bad(i, fmt.Sprintf("invalid buffer size \"%s\"", a[7:]))
					continue nodes
				}
				size = v
			case strings.HasPrefix(a, "flush="):
				v, ok := nginxval.Time(a[6:], false)
				if !ok || v == 0 {
					r.bad(i, fmt.Sprintf("invalid flush time \"%s\"", a[6:]))
					continue nodes
				}
				flush = v
			case a == "gzip":
				if size == 0 {
					size = 64 * 1024
				}
			case strings.HasPrefix(a, "gzip="):
				if size == 0 {
					size = 64 * 1024
				}
				if v, ok := nginxval.Atoi(a[5:]); !ok || v < 1 || v > 9 {
					r.bad(i, fmt.Sprintf("invalid compression level \"%s\"", a[5:]))
					continue nodes
				}
			case strings.HasPrefix(a, "if="):
			default:
				msg := fmt.Sprintf("invalid parameter \"%s\"", a)
				if _, st := nginxconf.Lookup(a, n.Ctx, p.NginxVersion); st == nginxconf.Known {
					msg += fmt.Sprintf(" (a \";\" is probably missing before \"%s\")", a)
				}
				r.bad(i, msg)
				continue nodes
			}
		}
		switch {
		case flush != 0 && size == 0:
			r.bad(0, fmt.Sprintf("no buffer is defined for access_log \"%s\"", args[0]))
		case size != 0 && strings.HasPrefix(args[0], "syslog:"):
			r.bad(0, "logs to syslog cannot be buffered")
		case size != 0 && strings.Contains(args[0], "$"):
			r.bad(0, "buffered logs cannot have variables in name")
		}
	}
}
