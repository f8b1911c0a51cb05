package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// customValueChecks validate the arguments of directives whose module has
// its own handler (the "custom" kind of the directive table), by the
// handler's C name, as the handler does. bad reports argument i.
var customValueChecks = map[string]func(n *nginxconf.Node, bad func(i int, msg string)){
	"ngx_error_log":             checkErrorLog,
	"ngx_http_core_error_log":   checkErrorLog,
	"ngx_stream_core_error_log": checkErrorLog,
	"ngx_mail_core_error_log":   checkErrorLog,
	"ngx_http_core_error_page":  checkErrorPage,
}

// checkErrorLog is ngx_log_set_levels (src/core/ngx_log.c).
func checkErrorLog(n *nginxconf.Node, bad func(int, string)) {
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
					bad(i, fmt.Sprintf("duplicate log level %q (error_log takes one level)", a))
					return
				}
				level, found = k+1, true
				break
			}
		}
		for _, d := range debug {
			if a == d {
				if level != 0 && level != len(levels) {
					bad(i, fmt.Sprintf("invalid log level %q", a))
					return
				}
				debugBits, found = true, true
				break
			}
		}
		if !found {
			bad(i, fmt.Sprintf("invalid log level %q (want one of %s)", a, strings.Join(levels, ", ")))
			return
		}
	}
}

// checkErrorPage is ngx_http_core_error_page.
func checkErrorPage(n *nginxconf.Node, bad func(int, string)) {
	args := n.Args()
	i := len(args) - 2
	codes := i
	if strings.HasPrefix(args[i], "=") {
		if i == 0 {
			bad(i, fmt.Sprintf("invalid value %q (error_page needs at least one code)", args[i]))
			return
		}
		if len(args[i]) > 1 {
			if _, ok := nginxval.Atoi(args[i][1:]); !ok {
				bad(i, fmt.Sprintf("invalid value %q", args[i]))
				return
			}
		}
	} else {
		codes = i + 1
	}
	for k := 0; k < codes; k++ {
		v, ok := nginxval.Atoi(args[k])
		if !ok || v == 499 {
			bad(k, fmt.Sprintf("invalid value %q (want an HTTP status code)", args[k]))
			return
		}
		if v < 300 || v > 599 {
			bad(k, fmt.Sprintf("value %q must be between 300 and 599", args[k]))
			return
		}
	}
}
