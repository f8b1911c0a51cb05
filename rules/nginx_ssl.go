package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxSSLCertificate follows ngx_http_ssl_merge_srv_conf and
// ngx_http_ssl_init (src/http/modules/ngx_http_ssl_module.c), and the lua
// module's check of its ssl_*_by_lua directives.
var NginxSSLCertificate = Register(&Rule{
	ID:       "nginx-ssl-certificate",
	Title:    "nginx TLS server without a certificate or key",
	Doc:      "A server that accepts TLS needs a certificate and its key. nginx refuses the configuration when the default server of an address listened to with `listen … ssl` has no `ssl_certificate` (its own or the http block's; `no \"ssl_certificate\" is defined for the \"listen … ssl\" directive`), when `ssl on` is given without a certificate, when a certificate has no matching `ssl_certificate_key`, and when `ssl_certificate_by_lua*` or `ssl_client_hello_by_lua*` is used in a server without TLS (`no ssl configured for the server`).",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness", "tls"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			cfg.Root.Walk(func(n *nginxconf.Node) bool {
				if n.Name() != "http" || n.Ctx != nginxconf.CtxMain || n.Dir.Block == nil {
					return n.Ctx == nginxconf.CtxMain || n.IsInclude()
				}
				checkHTTPSSL(p, n)
				return false
			})
		}
	},
})

type sslAddr struct {
	ssl           bool
	defaultServer *nginxconf.Node
	first         *nginxconf.Node
}

func checkHTTPSSL(p *lint.Pass, http *nginxconf.Node) {
	report := func(loc diag.Location, msg string) {
		p.Report(diag.Diagnostic{Rule: "nginx-ssl-certificate", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: loc})
	}
	httpLevel := sslSettings(http.Block())
	luaHTTP := luaSSL(http.Block())
	addrs := map[string]*sslAddr{}
	var order []string
	hasCert := map[*nginxconf.Node]bool{}
	for _, s := range http.Block() {
		if s.Name() != "server" || s.Dir.Block == nil {
			continue
		}
		get := serverSSL(httpLevel, s)
		certs, keys := get("ssl_certificate"), get("ssl_certificate_key")
		enable := flagOn(get("ssl"))
		reject := flagOn(get("ssl_reject_handshake"))
		hasCert[s] = len(certs) > 0 || reject
		ctx := len(certs) > 0 || enable || reject
		switch {
		case enable && len(certs) == 0 && !reject:
			on := get("ssl")
			report(on[len(on)-1].Location(), `no "ssl_certificate" is defined for the "ssl" directive`)
		case len(certs) > 0 && len(keys) < len(certs):
			report(certs[len(certs)-1].Location(), fmt.Sprintf("no \"ssl_certificate_key\" is defined for certificate \"%s\" (each ssl_certificate needs an ssl_certificate_key)", certs[len(certs)-1].Dir.Args[0].Value))
		}
		if lua := append(luaSSL(s.Block()), luaHTTP...); len(lua) > 0 && !ctx {
			report(lua[0].Location(), fmt.Sprintf("no ssl configured for the server (%s needs ssl_certificate in the server or the http block)", lua[0].Name()))
		}
		// The addresses the server listens to, with ssl.
		listened := false
		for _, l := range s.Block() {
			if l.Name() != "listen" || l.Ctx != nginxconf.CtxHTTPSrv || len(l.Dir.Args) == 0 {
				continue
			}
			listened = true
			u := nginxval.ParseURL(l.Dir.Args[0].Value, nginxval.URLOptions{Listen: true, DefaultPort: 80})
			if u.Err != "" || (!u.Unix && !u.Addr.IsValid()) {
				continue
			}
			key := listenText(&u)
			a := addrs[key]
			if a == nil {
				a = &sslAddr{first: s}
				addrs[key] = a
				order = append(order, key)
			}
			for _, arg := range l.Args()[1:] {
				switch arg {
				case "ssl":
					a.ssl = true
				case "default_server", "default":
					if a.defaultServer == nil {
						a.defaultServer = s
					}
				}
			}
		}
		if !listened {
			key := "0.0.0.0:80"
			if addrs[key] == nil {
				addrs[key] = &sslAddr{first: s}
				order = append(order, key)
			}
		}
	}
	for _, key := range order {
		a := addrs[key]
		if !a.ssl {
			continue
		}
		def := a.defaultServer
		if def == nil {
			def = a.first
		}
		if !hasCert[def] {
			report(def.Location(), fmt.Sprintf("no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive (this server is the default server of %s, which a listen marks ssl; give it ssl_certificate and ssl_certificate_key)", key))
		}
	}
}

// luaSSL returns the lua directives of a block that need a TLS context.
func luaSSL(body []*nginxconf.Node) []*nginxconf.Node {
	var out []*nginxconf.Node
	for _, n := range body {
		if strings.HasPrefix(n.Name(), "ssl_certificate_by_lua") || strings.HasPrefix(n.Name(), "ssl_client_hello_by_lua") {
			out = append(out, n)
		}
	}
	return out
}
