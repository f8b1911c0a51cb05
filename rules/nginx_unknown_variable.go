package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxUnknownVariable follows ngx_http_variables_init_vars
// (src/http/ngx_http_variables.c) and its stream twin: once the whole
// configuration is read, every variable a directive uses must be one that
// nginx or a module defines (by name or by prefix: $http_*, $arg_*,
// $cookie_*, …) or that the configuration defines anywhere — with set, map,
// geo, split_clients, perl_set, js_set, js_var, auth_request_set,
// set_by_lua*, the set-misc directives, a geoip2 block, or a named capture
// of a regular expression. It also reports what ngx_http_script_compile
// refuses: a "$" without a name, and "${name" without its "}".
//
// Variables are checked in the arguments that nginx compiles as scripts; the
// directives and arguments are listed in scriptArgs. An argument of any
// other directive is not checked, so that a "$" that is text there (a
// regular expression's anchor, Lua or Perl code) is never taken for a
// variable.
var NginxUnknownVariable = Register(&Rule{
	ID:       "nginx-unknown-variable",
	Title:    "nginx variable that nothing defines",
	Doc:      "A directive uses a variable that neither nginx, nor a loaded module, nor the configuration defines: usually a typo (`$remote_adr`), a header variable without its prefix (`$user_agent` for `$http_user_agent`), or a variable set only in a file that is not included. nginx checks every variable once the whole configuration is read and refuses it with `unknown \"name\" variable` (a message without a file or line). A variable defined anywhere — with set, map, geo, split_clients, perl_set, js_set, set_by_lua, a regex named capture — counts, even in another server. A \"$\" not followed by a name is refused too (`invalid variable name`): write `${name}` next to letters, and a literal \"$\" cannot be written in these arguments outside of a variable (use a map or geo value).",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			// A file checked without the main configuration that includes
			// it may use variables the main configuration defines.
			if !cfg.Standalone {
				checkVariables(p, cfg)
			}
		}
	},
})

func checkVariables(p *lint.Pass, cfg *nginxconf.Config) {
	// Pass 1: definitions, anywhere in the configuration. A set checked a
	// batch of sites at a time has them gathered from this batch and the
	// ones before (see nginxconf.Sites).
	var defined nginxconf.Defined
	if cfg.Sites != nil {
		defined = cfg.Sites.Defined
	} else {
		defined = nginxconf.NewDefined()
		defined.Collect(cfg.Nodes(), p.NginxVersion)
	}
	type spaceName struct{ space, name string }
	builtin := map[spaceName]bool{} // whether nginx defines it
	known := func(space, name string) bool {
		name = strings.ToLower(name)
		if defined.Has(space, name) {
			return true
		}
		key := spaceName{space, name}
		b, seen := builtin[key]
		if !seen {
			b = nginxconf.BuiltinVariable(name, space, p.NginxVersion)
			builtin[key] = b
		}
		return b
	}
	report := func(n *nginxconf.Node, i int, msg string) {
		p.Report(diag.Diagnostic{Rule: "nginx-unknown-variable", Severity: diag.Error, Message: msg, Location: n.ArgSpan(i)})
	}
	// A host checked a batch of sites at a time (nginxconf.Sites) may
	// define the variable in a later batch: the finding is noted, and
	// dropped at the end if so.
	reportUnknown := func(n *nginxconf.Node, i int, space, name, msg string) {
		d := diag.Diagnostic{Rule: "nginx-unknown-variable", Severity: diag.Error, Message: msg, Location: n.ArgSpan(i)}
		if cfg.Sites != nil {
			cfg.Sites.NoteUndefined(space, name, d)
		}
		p.Report(d)
	}
	// What a script's text says depends on the text and the space only,
	// and the same texts come back in every site
	// ($document_root$fastcgi_script_name): each is judged once.
	// A verdict is a message, and the variable it finds unknown ("" for a
	// script nginx cannot read).
	type verdict struct{ msg, unknown string }
	judged := map[spaceName][]verdict{}
	checkScript := func(n *nginxconf.Node, space string, i int, text string) {
		verdicts, seen := judged[spaceName{space, text}]
		if !seen {
			names, bad := scriptVariables(text)
			if bad != "" {
				verdicts = append(verdicts, verdict{msg: fmt.Sprintf("%s in \"%s\": nginx refuses the configuration; write ${name} for a variable next to letters", bad, text)})
			} else {
				for _, name := range names {
					if !known(space, name) {
						verdicts = append(verdicts, verdict{fmt.Sprintf("unknown \"%s\" variable: nginx refuses the configuration; nothing defines $%s (a typo, a missing prefix such as $http_, or a set/map that is not included?)", name, name), name})
					}
				}
			}
			judged[spaceName{space, text}] = verdicts
		}
		for _, v := range verdicts {
			if v.unknown != "" {
				reportUnknown(n, i, space, v.unknown, v.msg)
			} else {
				report(n, i, v.msg)
			}
		}
	}
	// Pass 2: uses.
	for _, n := range cfg.Nodes() {
		if n.Ctx == nginxconf.CtxRaw || n.Dir == nil {
			continue
		}
		if n.Ctx == nginxconf.CtxEntries {
			// The result column of a map is a script.
			if o := nginxconf.EntryOwner(n); o != nil && o.Name() == "map" && len(n.Dir.Args) == 1 && n.Dir.Terminated() && n.Dir.Block == nil && n.Name() != "include" {
				checkScript(n, nginxconf.VarSpace(o.Ctx), 0, n.Dir.Args[0].Value)
			}
			continue
		}
		space := nginxconf.VarSpace(n.Ctx)
		if space == "" || !n.Dir.Terminated() {
			continue
		}
		spec, st := n.Spec(p.NginxVersion)
		if st != nginxconf.Known || !spec.AcceptsArgCount(len(n.Dir.Args)) || spec.IsBlock() != (n.Dir.Block != nil) {
			continue
		}
		name := n.Name()
		if name != "if" && name != "geo" && name != "charset" && !compilesScripts(name, space, spec.Handler) {
			continue // spares Args on the thousands of other directives
		}
		args := n.Args()
		switch name {
		case "if":
			if _, msg := ifConditionError(args); msg != "" {
				continue
			}
			if v, ok := ifVariable(args); ok && !known(space, v) {
				reportUnknown(n, 0, space, v, fmt.Sprintf("unknown \"%s\" variable: nginx refuses the configuration; nothing defines $%s", v, v))
			}
			idx, text := ifScripts(args)
			for k, i := range idx {
				if strings.IndexByte(text[k], '$') >= 0 {
					checkScript(n, space, i, text[k])
				}
			}
			continue
		case "geo":
			if len(args) == 2 && strings.HasPrefix(args[0], "$") && !known(space, args[0][1:]) {
				reportUnknown(n, 0, space, args[0][1:], fmt.Sprintf("unknown \"%s\" variable: nginx refuses the configuration; nothing defines %s", args[0][1:], args[0]))
			}
			continue
		case "charset":
			if strings.HasPrefix(args[0], "$") && !known(space, args[0][1:]) {
				reportUnknown(n, 0, space, args[0][1:], fmt.Sprintf("unknown \"%s\" variable: nginx refuses the configuration; nothing defines %s", args[0][1:], args[0]))
			}
			continue
		}
		for _, i := range scriptArgIndexes(name, space, spec.Handler, args) {
			if strings.IndexByte(args[i], '$') >= 0 {
				checkScript(n, space, i, args[i])
			}
		}
	}
}

// ifVariable returns the variable an if condition starts with, as
// ngx_http_rewrite_if_condition takes it (the whole first word after "(").
func ifVariable(args []string) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	first := args[0]
	if first == "(" {
		if len(args) < 2 {
			return "", false
		}
		first = args[1]
	} else {
		first = strings.TrimPrefix(first, "(")
	}
	if len(args) == 1 || (args[0] == "(" && len(args) == 2) {
		first = strings.TrimSuffix(first, ")")
	}
	if len(first) < 2 || first[0] != '$' {
		return "", false
	}
	return first[1:], true
}

// scriptVariables lists the variables of a script as
// ngx_http_script_compile reads it; bad is its error, if any.
func scriptVariables(s string) (names []string, bad string) {
	nameChar := func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	for i := 0; i < len(s); {
		if s[i] != '$' {
			i++
			continue
		}
		i++
		if i == len(s) {
			return names, "invalid variable name"
		}
		if s[i] >= '1' && s[i] <= '9' {
			i++ // a capture: $1 … $9
			continue
		}
		bracket := s[i] == '{'
		if bracket {
			i++
			if i == len(s) {
				return names, "invalid variable name"
			}
		}
		start := i
		for i < len(s) && nameChar(s[i]) {
			i++
		}
		name := s[start:i]
		if bracket {
			if i == len(s) || s[i] != '}' {
				return names, fmt.Sprintf("the closing bracket in \"%s\" variable is missing", name)
			}
			i++
		}
		if name == "" {
			return names, "invalid variable name"
		}
		names = append(names, name)
	}
	return names, ""
}

// ifScripts returns the indexes of the arguments of an if condition that
// nginx compiles as scripts — the value compared with = or !=, the operand
// of a file test — with their text, parentheses removed.
func ifScripts(args []string) (idx []int, text []string) {
	v := ifOperands(args)
	if len(v) == 0 {
		return nil, nil
	}
	switch {
	case len(v) == 3 && strings.HasPrefix(v[0].s, "$") && (v[1].s == "=" || v[1].s == "!="):
		return []int{v[2].i}, []string{v[2].s}
	case len(v) == 2:
		switch v[0].s {
		case "-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x":
			return []int{v[1].i}, []string{v[1].s}
		}
	}
	return nil, nil
}

// scriptArgs lists, by directive, which arguments nginx compiles as
// scripts (complex values): "all", "last", "from:N" or the indexes.
var scriptArgs = map[string]string{
	// http
	"set": "1", "return": "last", "rewrite": "1", "root": "0", "alias": "0", "try_files": "all",
	"index": "all", "error_page": "last", "add_header": "1", "add_trailer": "1", "expires": "all",
	"proxy_pass": "all", "fastcgi_pass": "all", "uwsgi_pass": "all", "scgi_pass": "all", "grpc_pass": "all",
	"proxy_set_header": "1", "grpc_set_header": "1", "fastcgi_param": "1", "scgi_param": "1", "uwsgi_param": "1",
	"proxy_set_body": "0", "proxy_cache_key": "0", "fastcgi_cache_key": "0", "scgi_cache_key": "0", "uwsgi_cache_key": "0",
	"proxy_cache_bypass": "all", "proxy_no_cache": "all", "fastcgi_cache_bypass": "all", "fastcgi_no_cache": "all",
	"scgi_cache_bypass": "all", "scgi_no_cache": "all", "uwsgi_cache_bypass": "all", "uwsgi_no_cache": "all",
	"limit_req_zone": "0", "limit_conn_zone": "0", "auth_basic": "0", "auth_basic_user_file": "0",
	"auth_request_set": "1", "sub_filter": "all", "map": "0", "split_clients": "0", "hash": "0",
	"proxy_bind": "0", "fastcgi_bind": "0", "scgi_bind": "0", "uwsgi_bind": "0", "grpc_bind": "0",
	"proxy_ssl_name": "0", "grpc_ssl_name": "0", "uwsgi_ssl_name": "0",
	"ssl_certificate": "all", "ssl_certificate_key": "all", "secure_link": "all", "secure_link_md5": "all",
	"xslt_param": "1", "xslt_string_param": "1", "js_var": "1",
	// echo, headers-more, srcache, lua
	"echo": "all", "echo_before_body": "all", "echo_after_body": "all", "echo_location": "all",
	"echo_location_async": "all", "echo_subrequest": "all", "echo_subrequest_async": "all", "echo_exec": "all",
	"echo_duplicate": "all", "echo_foreach_split": "all",
	"more_set_headers": "all", "more_clear_headers": "all", "more_set_input_headers": "all", "more_clear_input_headers": "all",
	"srcache_fetch": "from:1", "srcache_store": "from:1", "srcache_fetch_skip": "all", "srcache_store_skip": "all",
	"content_by_lua_file": "0", "access_by_lua_file": "0", "rewrite_by_lua_file": "0",
	"header_filter_by_lua_file": "0", "body_filter_by_lua_file": "0", "log_by_lua_file": "0",
	"set_by_lua": "from:2", "set_by_lua_file": "from:1",
}

// compilesScripts reports whether scriptArgIndexes may return any index
// for directive name.
func compilesScripts(name, space, handler string) bool {
	switch name {
	case "log_format", "access_log", "proxy_redirect", "proxy_cookie_domain", "proxy_cookie_path":
		return true
	}
	_, ok := scriptArgSelector(name, space, handler)
	return ok
}

// scriptArgSelector is the entry of scriptArgs that applies to directive
// name in space ("stream" has few), or what an ndk_set_var directive
// compiles; ok is false when the directive compiles no script.
func scriptArgSelector(name, space, handler string) (sel string, ok bool) {
	sel, ok = scriptArgs[name]
	if space == "stream" {
		switch name {
		case "set", "map", "split_clients", "proxy_pass", "js_var", "hash", "limit_conn_zone", "proxy_bind",
			"proxy_ssl_name", "ssl_certificate", "ssl_certificate_key":
		case "return":
			sel, ok = "0", true
		default:
			ok = false
		}
	}
	if !ok && strings.HasPrefix(handler, "ndk_set_var") {
		sel, ok = "from:1", true
	}
	return sel, ok
}

// scriptArgIndexes returns the indexes of args that nginx compiles as
// scripts for directive name.
func scriptArgIndexes(name, space, handler string, args []string) []int {
	var out []int
	switch name {
	case "log_format":
		for i := 1; i < len(args); i++ {
			if i == 1 && strings.HasPrefix(args[i], "escape=") {
				continue
			}
			out = append(out, i)
		}
		return out
	case "access_log":
		if args[0] != "off" && !strings.HasPrefix(args[0], "syslog:") {
			out = append(out, 0)
		}
		for i := 2; i < len(args); i++ {
			if strings.HasPrefix(args[i], "if=") {
				out = append(out, i)
			}
		}
		return out
	case "proxy_redirect", "proxy_cookie_domain", "proxy_cookie_path":
		for i, a := range args {
			if !strings.HasPrefix(a, "~") && a != "off" && a != "default" {
				out = append(out, i)
			}
		}
		return out
	}
	sel, ok := scriptArgSelector(name, space, handler)
	if !ok {
		return nil
	}
	switch {
	case sel == "all":
		for i := range args {
			out = append(out, i)
		}
	case sel == "last":
		out = append(out, len(args)-1)
	case strings.HasPrefix(sel, "from:"):
		from, _ := strconv.Atoi(sel[5:])
		for i := from; i < len(args); i++ {
			out = append(out, i)
		}
	default:
		if i, _ := strconv.Atoi(sel); i < len(args) {
			out = append(out, i)
		}
	}
	return out
}
