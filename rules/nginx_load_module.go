package rules

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxLoadModule follows ngx_load_module (src/core/nginx.c) and
// ngx_add_module (src/core/ngx_module.c).
var NginxLoadModule = Register(&Rule{
	ID:       "nginx-load-module",
	Title:    "nginx load_module names a module nginx cannot load",
	Doc:      "`load_module` loads a dynamic module when the configuration is read. A relative path resolves against nginx's prefix (its `-p`, or the compile-time prefix: /usr/share/nginx on Debian, /etc/nginx for nginx.org's packages), not against the configuration's directory. nginx refuses the configuration when the file does not exist (`dlopen() … failed`), when the same module is loaded twice (`module … is already loaded`), and when `load_module` comes after an `events`, `http`, `stream` or `mail` block (`is specified too late`). A missing file is an error with --root and a warning without it (the file may exist on the target machine).",
	Severity: diag.Error,
	Tags:     []string{"nginx", "environment"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			loaded := map[string]*nginxconf.Node{}
			used := false
			cfg.Root.Walk(func(n *nginxconf.Node) bool {
				if n.IsInclude() {
					return true
				}
				if n.Ctx != nginxconf.CtxMain {
					return false
				}
				switch n.Name() {
				case "events", "http", "stream", "mail":
					if n.Dir.Block != nil {
						used = true
					}
					return false
				case "load_module":
				default:
					return false
				}
				if spec, st := n.Spec(p.NginxVersion); st != nginxconf.Known || !n.Dir.Terminated() || n.Dir.Block != nil || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					return false
				}
				report := func(sev diag.Severity, msg string) {
					p.Report(diag.Diagnostic{Rule: "nginx-load-module", Severity: sev, Message: msg, Location: n.ArgSpan(0)})
				}
				if used {
					report(diag.Error, `"load_module" directive is specified too late: nginx refuses the configuration; load modules before the events, http, stream and mail blocks`)
					return false
				}
				file := cfg.FullName(n.Dir.Args[0].Value, false)
				if !p.FS.Exists(file) {
					report(hostSeverity(p), fmt.Sprintf("dlopen() \"%s\" failed (%s: cannot open shared object file: No such file or directory) %s: nginx refuses the configuration; a relative path resolves against nginx's prefix %s", file, file, hostWhere(p), cfg.Prefix))
					return false
				}
				name := strings.TrimSuffix(filepath.Base(file), ".so")
				if prev, dup := loaded[name]; dup {
					d := diag.Diagnostic{Rule: "nginx-load-module", Severity: diag.Error,
						Message:  fmt.Sprintf("module \"%s\" is already loaded: nginx refuses the configuration; remove one of the load_module lines", name),
						Location: n.ArgSpan(0), Related: []diag.Related{{Location: prev.ArgSpan(0), Message: "loaded here first"}}}
					p.Report(d)
					return false
				}
				loaded[name] = n
				return false
			})
		}
	},
})
