package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxUnknownZone reports shared memory zones used but never declared with
// a size: limit_req and limit_conn without the matching limit_req_zone or
// limit_conn_zone, proxy_cache (and fastcgi_cache, scgi_cache, uwsgi_cache)
// without the matching *_cache_path keys_zone. nginx's shared memory zones
// are tagged with the module that declares them, so a zone of
// limit_conn_zone does not serve limit_req.
var NginxUnknownZone = Register(&Rule{
	ID:       "nginx-unknown-zone",
	Title:    "nginx shared memory zone used but not declared",
	Doc:      "`limit_req zone=NAME` needs a `limit_req_zone … zone=NAME:SIZE`, `limit_conn NAME` a `limit_conn_zone … zone=NAME:SIZE`, and `proxy_cache NAME` (likewise `fastcgi_cache`, `scgi_cache`, `uwsgi_cache`) a `proxy_cache_path … keys_zone=NAME:SIZE` of the same module, anywhere in the http (or stream) block. Otherwise nginx refuses the configuration: `zero size shared memory zone \"NAME\"` (a message without a file or line) or `\"proxy_cache\" zone \"NAME\" is unknown`. Usually a typo in the zone's name.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			// A file checked on its own may use zones its main
			// configuration declares.
			if !cfg.Standalone {
				checkZones(p, cfg)
			}
		}
	},
})

// zoneDeclarers: the directive declaring zones, the parameter prefix that
// names them, and the tag (the module) they get.
var zoneDeclarers = map[string]struct{ prefix, tag string }{
	"limit_req_zone":     {"zone=", "limit_req"},
	"limit_conn_zone":    {"zone=", "limit_conn"},
	"proxy_cache_path":   {"keys_zone=", "proxy"},
	"fastcgi_cache_path": {"keys_zone=", "fastcgi"},
	"scgi_cache_path":    {"keys_zone=", "scgi"},
	"uwsgi_cache_path":   {"keys_zone=", "uwsgi"},
}

// zoneDirectives are the directives checkZones reads: the zoneDeclarers
// and the directives that use a zone.
var zoneDirectives = []string{"limit_req_zone", "limit_conn_zone", "proxy_cache_path", "fastcgi_cache_path",
	"scgi_cache_path", "uwsgi_cache_path", "limit_req", "limit_conn", "proxy_cache", "fastcgi_cache", "scgi_cache", "uwsgi_cache"}

func checkZones(p *lint.Pass, cfg *nginxconf.Config) {
	declared := map[string]bool{} // space/tag/name
	type use struct {
		n    *nginxconf.Node
		arg  int
		key  string
		name string
		msg  string
	}
	var uses []use
	for _, n := range cfg.Named(zoneDirectives...) {
		if n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries {
			continue
		}
		space := nginxconf.VarSpace(n.Ctx)
		if space == "" || !n.Dir.Terminated() || n.Dir.Block != nil || len(n.Dir.Args) == 0 {
			continue
		}
		if spec, st := n.Spec(p.NginxVersion); st != nginxconf.Known || !spec.AcceptsArgCount(len(n.Dir.Args)) {
			continue
		}
		args := n.Args()
		if d, ok := zoneDeclarers[n.Name()]; ok {
			for _, a := range args {
				if v, found := strings.CutPrefix(a, d.prefix); found {
					name, _, _ := strings.Cut(v, ":")
					declared[space+"/"+d.tag+"/"+name] = true
				}
			}
			continue
		}
		switch n.Name() {
		case "limit_req":
			for i, a := range args {
				if v, found := strings.CutPrefix(a, "zone="); found {
					uses = append(uses, use{n, i, space + "/limit_req/" + v, v, "zero size shared memory zone \"%s\" (no limit_req_zone declares it)"})
				}
			}
		case "limit_conn":
			uses = append(uses, use{n, 0, space + "/limit_conn/" + args[0], args[0], "zero size shared memory zone \"%s\" (no limit_conn_zone declares it)"})
		case "proxy_cache", "fastcgi_cache", "scgi_cache", "uwsgi_cache":
			if args[0] == "off" || strings.Contains(args[0], "$") {
				continue
			}
			module := strings.TrimSuffix(n.Name(), "_cache")
			uses = append(uses, use{n, 0, space + "/" + module + "/" + args[0], args[0], "\"" + n.Name() + "\" zone \"%s\" is unknown (no " + n.Name() + "_path declares it with keys_zone=)"})
		}
	}
	for _, u := range uses {
		if declared[u.key] {
			continue
		}
		p.Report(diag.Diagnostic{Rule: "nginx-unknown-zone", Severity: diag.Error,
			Message: fmt.Sprintf(u.msg, u.name) + ": nginx refuses the configuration", Location: u.n.ArgSpan(u.arg)})
	}
}
