package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxFileNotFound reports files that nginx opens while it reads its
// configuration (so `nginx -t` fails without them) and that do not exist:
// GeoIP databases, TLS certificates, keys and their companions.
var NginxFileNotFound = Register(&Rule{
	ID:       "nginx-file-not-found",
	Title:    "A file nginx opens at start does not exist",
	Doc:      "Some directives make nginx open a file while it reads the configuration, not per request: `geoip2` and `geoip_country`/`geoip_city`/`geoip_org` databases, and for each server that has TLS, `ssl_certificate`, `ssl_certificate_key`, `ssl_dhparam`, `ssl_trusted_certificate`, `ssl_client_certificate`, `ssl_crl` and `ssl_password_file`. When the file is missing nginx refuses the configuration (`MMDB_open(…) failed`, `GeoIP_open(…) failed`, `cannot load certificate …`). Certificate paths resolve against the configuration's directory, geoip2 databases against nginx's prefix. The files are looked up under --root: an error with --root, a warning without it (they may exist on the target machine). Paths with variables are resolved per request and not checked.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "environment"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			reported := map[*nginxconf.Node]bool{}
			missing := func(n *nginxconf.Node, path string, conf bool, what string) {
				if reported[n] || path == "" || strings.Contains(path, "$") {
					return
				}
				full := cfg.FullName(path, conf)
				if p.FS.Exists(full) {
					return
				}
				reported[n] = true
				p.Report(diag.Diagnostic{Rule: "nginx-file-not-found", Severity: hostSeverity(p),
					Message:  fmt.Sprintf(what, path) + fmt.Sprintf(": %s does not exist %s, so nginx refuses the configuration", full, hostWhere(p)),
					Location: n.ArgSpan(0)})
			}
			for _, n := range cfg.Named("geoip2", "geoip_country", "geoip_city", "geoip_org") {
				if n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries || len(n.Dir.Args) == 0 {
					continue
				}
				if _, st := n.Spec(p.NginxVersion); st != nginxconf.Known {
					continue
				}
				switch n.Name() {
				case "geoip2":
					if n.Dir.Block != nil {
						missing(n, n.Dir.Args[0].Value, false, "MMDB_open(\"%s\") failed")
					}
				case "geoip_country", "geoip_city", "geoip_org":
					if strings.HasPrefix(n.Dir.Args[0].Value, "/") {
						missing(n, n.Dir.Args[0].Value, false, "GeoIP_open(\"%s\") failed")
					}
				}
			}
			checkSSLFiles(p, cfg, missing)
		}
	},
})

// sslFiles are the ngx_http_ssl_module settings naming files that nginx
// reads when it creates a server's TLS context, with nginx's message.
var sslFiles = []struct{ name, msg string }{
	{"ssl_certificate", "cannot load certificate \"%s\""},
	{"ssl_certificate_key", "cannot load certificate key \"%s\""},
	{"ssl_dhparam", "BIO_new_file(\"%s\") failed"},
	{"ssl_trusted_certificate", "SSL_CTX_load_verify_locations(\"%s\") failed"},
	{"ssl_client_certificate", "SSL_CTX_load_verify_locations(\"%s\") failed"},
	{"ssl_crl", "X509_LOOKUP_load_file(\"%s\") failed"},
	{"ssl_password_file", "open() \"%s\" failed"},
}

// checkSSLFiles follows ngx_http_ssl_merge_srv_conf: a server has a TLS
// context when it has certificates (its own or inherited from http),
// `ssl on` or `ssl_reject_handshake on`; its file settings, own or
// inherited, are read then.
func checkSSLFiles(p *lint.Pass, cfg *nginxconf.Config, missing func(*nginxconf.Node, string, bool, string)) {
	cfg.Root.Walk(func(n *nginxconf.Node) bool {
		if n.Name() != "http" || n.Ctx != nginxconf.CtxMain || n.Dir.Block == nil {
			return n.Ctx == nginxconf.CtxMain || n.IsInclude()
		}
		httpLevel := sslSettings(n.Block())
		for _, s := range n.Block() {
			if s.Name() != "server" || s.Dir.Block == nil {
				continue
			}
			get := serverSSL(httpLevel, s)
			ctx := len(get("ssl_certificate")) > 0 || flagOn(get("ssl")) || flagOn(get("ssl_reject_handshake"))
			if !ctx {
				continue
			}
			for _, f := range sslFiles {
				for _, d := range get(f.name) {
					missing(d, d.Dir.Args[0].Value, true, f.msg)
				}
			}
		}
		return false
	})
}

// sslSettings collects the ssl directives of one block, by name.
func sslSettings(body []*nginxconf.Node) map[string][]*nginxconf.Node {
	out := map[string][]*nginxconf.Node{}
	for _, n := range body {
		if strings.HasPrefix(n.Name(), "ssl") && n.Dir.Terminated() && n.Dir.Block == nil && len(n.Dir.Args) > 0 {
			out[n.Name()] = append(out[n.Name()], n)
		}
	}
	return out
}

// serverSSL returns a server's ssl_* directives by name: its own, or the
// http block's when it sets none (ngx_http_ssl_merge_srv_conf).
func serverSSL(httpLevel map[string][]*nginxconf.Node, server *nginxconf.Node) func(name string) []*nginxconf.Node {
	own := sslSettings(server.Block())
	return func(name string) []*nginxconf.Node {
		if v := own[name]; len(v) > 0 {
			return v
		}
		return httpLevel[name]
	}
}

func flagOn(ns []*nginxconf.Node) bool {
	return len(ns) > 0 && strings.EqualFold(ns[len(ns)-1].Dir.Args[0].Value, "on")
}
