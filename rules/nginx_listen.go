package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxListen follows ngx_http_core_listen (src/http/ngx_http_core_module.c)
// and ngx_http_add_listen (src/http/ngx_http.c): the address, the
// parameters, and the same address given twice.
var NginxListen = Register(&Rule{
	ID:       "nginx-listen",
	Title:    "Invalid nginx listen directive",
	Doc:      "An http `listen` takes an address (`80`, `127.0.0.1:8080`, `[::]:443`, `*:80`, `unix:/path`) and parameters from a fixed list (`default_server`, `ssl`, `http2`, `proxy_protocol`, `reuseport`, `bind`, `backlog=N`, `rcvbuf=`, `sndbuf=`, `deferred`, `ipv6only=on|off`, `so_keepalive=`, `fastopen=N`, `setfib=N`, `accept_filter=`). An unknown word — often the next directive, merged in by a missing \";\" — a bad port, the same address twice in one server, two `default_server` or two sets of socket options for one address make nginx refuse the configuration (`invalid parameter`, `invalid port in … of the \"listen\" directive`, `a duplicate listen`, `a duplicate default server`, `duplicate listen options`).",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			ports := map[string][]*listenAddr{}
			for _, n := range cfg.Named("http", "listen") {
				if n.Name() == "http" && n.Ctx == nginxconf.CtxMain {
					ports = map[string][]*listenAddr{} // one set per http block
				}
				if n.Name() != "listen" || (n.Ctx != nginxconf.CtxHTTPSrv && n.Ctx != nginxconf.CtxStreamSrv && n.Ctx != nginxconf.CtxMailSrv) {
					continue
				}
				spec, st := n.Spec(p.NginxVersion)
				if st != nginxconf.Known || !n.Dir.Terminated() || n.Dir.Block != nil || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					continue
				}
				if n.Ctx != nginxconf.CtxHTTPSrv {
					checkOtherListen(p, n)
					continue
				}
				checkHTTPListen(p, n, ports)
			}
		}
	},
})

type listenAddr struct {
	key           string
	text          string
	servers       []*nginxconf.Node
	set           bool
	defaultServer bool
}

func checkHTTPListen(p *lint.Pass, n *nginxconf.Node, ports map[string][]*listenAddr) {
	report := func(i int, msg string) {
		p.Report(diag.Diagnostic{Rule: "nginx-listen", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: n.ArgSpan(i)})
	}
	args := n.Args()
	u := nginxval.ParseURL(args[0], nginxval.URLOptions{Listen: true, DefaultPort: 80})
	if u.Err != "" {
		report(0, fmt.Sprintf("%s in \"%s\" of the \"listen\" directive", u.Err, args[0]))
		return
	}
	set, defaultServer := false, false
	for i := 1; i < len(args); i++ {
		a := args[i]
		var bad string
		switch {
		case a == "default_server" || a == "default":
			defaultServer = true
		case a == "bind" || a == "deferred" || a == "reuseport":
			set = true
		case a == "ssl" || a == "http2" || a == "proxy_protocol":
		case a == "quic" && versionAtLeast(p.NginxVersion, "1.25.0"):
		case a == "multipath" && versionAtLeast(p.NginxVersion, "1.29.7"):
			set = true
		case strings.HasPrefix(a, "setfib="):
			// NGX_HAVE_SETFIB is FreeBSD only: Linux builds do not know it.
			bad = fmt.Sprintf("invalid parameter \"%s\"", a)
		case strings.HasPrefix(a, "fastopen="):
			set = true
			if _, ok := nginxval.Atoi(a[9:]); !ok {
				bad = fmt.Sprintf("invalid fastopen \"%s\"", a)
			}
		case strings.HasPrefix(a, "backlog="):
			set = true
			if v, ok := nginxval.Atoi(a[8:]); !ok || v == 0 {
				bad = fmt.Sprintf("invalid backlog \"%s\"", a)
			}
		case strings.HasPrefix(a, "rcvbuf=") || strings.HasPrefix(a, "sndbuf="):
			set = true
			if _, ok := nginxval.Size(a[7:]); !ok {
				bad = fmt.Sprintf("invalid %s \"%s\"", a[:6], a)
			}
		case strings.HasPrefix(a, "accept_filter="):
			// FreeBSD only: on Linux nginx warns and ignores it.
		case strings.HasPrefix(a, "ipv6only=o"):
			set = true
			if a[10:] != "n" && a[10:] != "ff" {
				bad = fmt.Sprintf("invalid ipv6only flags \"%s\"", a[9:])
			}
		case strings.HasPrefix(a, "so_keepalive="):
			set = true
			if !validKeepalive(a[13:]) {
				bad = fmt.Sprintf("invalid so_keepalive value: \"%s\"", a[13:])
			}
		default:
			bad = fmt.Sprintf("invalid parameter \"%s\"", a)
			if _, st := nginxconf.Lookup(a, nginxconf.CtxHTTPSrv, p.NginxVersion); st == nginxconf.Known {
				bad += fmt.Sprintf(" (a \";\" is probably missing before \"%s\")", a)
			}
		}
		if bad != "" {
			report(i, bad)
			return
		}
	}
	if !u.Unix && !u.Addr.IsValid() {
		return // a host name: its addresses are known only once resolved
	}
	server := n.Enclosing()
	family, text := "inet", listenText(&u)
	switch {
	case u.Unix:
		family = "unix"
	case u.Addr.Is6():
		family = "inet6"
	}
	portKey := fmt.Sprintf("%s/%d", family, u.Port)
	if u.Unix {
		portKey = "unix"
	}
	addrKey := text
	for _, a := range ports[portKey] {
		if a.key != addrKey {
			continue
		}
		for _, s := range a.servers {
			if s == server {
				report(0, fmt.Sprintf("a duplicate listen %s (this server already listens there)", a.text))
				return
			}
		}
		a.servers = append(a.servers, server)
		if set {
			if a.set {
				report(0, fmt.Sprintf("duplicate listen options for %s (socket options such as backlog, reuseport, bind or so_keepalive may be given in one listen per address)", a.text))
				return
			}
			a.set = true
		}
		if defaultServer {
			if a.defaultServer {
				report(0, fmt.Sprintf("a duplicate default server for %s", a.text))
				return
			}
			a.defaultServer = true
		}
		return
	}
	ports[portKey] = append(ports[portKey], &listenAddr{key: addrKey, text: text, servers: []*nginxconf.Node{server}, set: set, defaultServer: defaultServer})
}

// listenText is the address as nginx prints it (addr_text).
func listenText(u *nginxval.URL) string {
	if u.Unix {
		return "unix:" + u.Path
	}
	a := u.Addr
	if a.Is4() {
		return fmt.Sprintf("%s:%d", a, u.Port)
	}
	return netip.AddrPortFrom(a, uint16(u.Port)).String()
}

// validKeepalive is the so_keepalive=IDLE:INTVL:CNT test of Linux builds.
func validKeepalive(v string) bool {
	if v == "on" || v == "off" {
		return true
	}
	parts := strings.SplitN(v, ":", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	var total int64
	for i, s := range parts {
		if s == "" {
			continue
		}
		var x int64
		var ok bool
		if i < 2 {
			x, ok = nginxval.Time(s, true)
		} else {
			x, ok = nginxval.Atoi(s)
		}
		if !ok {
			return false
		}
		total += x
	}
	return total != 0
}

// versionAtLeast reports whether the targeted nginx version (any version
// when none is given) is v or later.
func versionAtLeast(target, v string) bool {
	if target == "" {
		return true
	}
	c, ok := nginxdb.CompareVersions(target, v)
	return !ok || c >= 0
}

// checkOtherListen checks a stream or mail listen as ngx_stream_core_listen
// and ngx_mail_core_listen do: the address and the parameters.
func checkOtherListen(p *lint.Pass, n *nginxconf.Node) {
	report := func(i int, msg string) {
		p.Report(diag.Diagnostic{Rule: "nginx-listen", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: n.ArgSpan(i)})
	}
	args := n.Args()
	u := nginxval.ParseURL(args[0], nginxval.URLOptions{Listen: true})
	if u.Err != "" {
		report(0, fmt.Sprintf("%s in \"%s\" of the \"listen\" directive", u.Err, args[0]))
		return
	}
	stream := n.Ctx == nginxconf.CtxStreamSrv
	udp := false
	var incompatible []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		bad := ""
		switch {
		case a == "bind" || a == "ssl" || a == "proxy_protocol":
			if a != "bind" {
				incompatible = append(incompatible, a)
			}
		case stream && a == "reuseport":
		case stream && a == "udp":
			udp = true
		case stream && strings.HasPrefix(a, "fastopen="):
			incompatible = append(incompatible, "fastopen")
			if _, ok := nginxval.Atoi(a[9:]); !ok {
				bad = fmt.Sprintf("invalid fastopen \"%s\"", a)
			}
		case strings.HasPrefix(a, "backlog="):
			incompatible = append(incompatible, "backlog")
			if v, ok := nginxval.Atoi(a[8:]); !ok || v == 0 {
				bad = fmt.Sprintf("invalid backlog \"%s\"", a)
			}
		case strings.HasPrefix(a, "rcvbuf=") || strings.HasPrefix(a, "sndbuf="):
			if _, ok := nginxval.Size(a[7:]); !ok {
				bad = fmt.Sprintf("invalid %s \"%s\"", a[:6], a)
			}
		case strings.HasPrefix(a, "ipv6only=o"):
			if a[10:] != "n" && a[10:] != "ff" {
				bad = fmt.Sprintf("invalid ipv6only flags \"%s\"", a[9:])
			}
		case strings.HasPrefix(a, "so_keepalive="):
			incompatible = append(incompatible, "so_keepalive")
			if !validKeepalive(a[13:]) {
				bad = fmt.Sprintf("invalid so_keepalive value: \"%s\"", a[13:])
			}
		default:
			bad = fmt.Sprintf("the invalid \"%s\" parameter", a)
			if _, st := nginxconf.Lookup(a, n.Ctx, p.NginxVersion); st == nginxconf.Known {
				bad += fmt.Sprintf(" (a \";\" is probably missing before \"%s\")", a)
			}
		}
		if bad != "" {
			report(i, bad)
			return
		}
	}
	if udp {
		for _, a := range incompatible {
			report(0, fmt.Sprintf("\"%s\" parameter is incompatible with \"udp\"", a))
			return
		}
	}
}
