package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxUpstream follows ngx_http_upstream, ngx_http_upstream_server and
// ngx_http_upstream_add (src/http/ngx_http_upstream.c), their stream twins,
// and the round-robin balancer's start-up check.
var NginxUpstream = Register(&Rule{
	ID:       "nginx-upstream",
	Title:    "Invalid nginx upstream block",
	Doc:      "An `upstream` block needs at least one `server` (`no servers are inside upstream`), and at least one that is not `backup` (`no servers in upstream`); its name may be defined once (`duplicate upstream`). A `server` line takes an address and the parameters `weight=N`, `max_conns=N`, `max_fails=N`, `fail_timeout=TIME`, `backup` and `down`, where `backup` is refused by the `hash`, `ip_hash` and `random` balancers (`balancing method does not support parameter`). A bad address (`invalid port in upstream`), and in stream upstreams an address without a port (`no port in upstream`), are refused too. nginx refuses the configuration in each case.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			names := map[string]*nginxconf.Node{}
			for _, n := range cfg.Named("http", "stream", "upstream") {
				if n.Name() == "http" || n.Name() == "stream" {
					names = map[string]*nginxconf.Node{}
				}
				if n.Name() != "upstream" || n.Dir.Block == nil || (n.Ctx != nginxconf.CtxHTTPMain && n.Ctx != nginxconf.CtxStreamMain) {
					continue
				}
				spec, st := n.Spec(p.NginxVersion)
				if st != nginxconf.Known || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					continue
				}
				checkUpstream(p, n, names)
			}
		}
	},
})

func checkUpstream(p *lint.Pass, n *nginxconf.Node, names map[string]*nginxconf.Node) {
	report := func(loc diag.Location, msg string) {
		p.Report(diag.Diagnostic{Rule: "nginx-upstream", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: loc})
	}
	stream := n.Ctx == nginxconf.CtxStreamMain
	name := n.Dir.Args[0].Value
	key := strings.ToLower(name)
	if prev, dup := names[key]; dup {
		p.Report(diag.Diagnostic{Rule: "nginx-upstream", Severity: diag.Error,
			Message:  fmt.Sprintf("duplicate upstream \"%s\": nginx refuses the configuration; rename one of them", name),
			Location: n.Location(), Related: []diag.Related{{Location: prev.Location(), Message: "first defined here"}}})
		return
	}
	names[key] = n
	backupOK := true
	servers, active := 0, 0
	for _, c := range n.Block() {
		switch c.Name() {
		case "hash", "ip_hash", "random":
			backupOK = false
			continue
		case "least_conn":
			backupOK = true
			continue
		case "server":
		default:
			continue
		}
		spec, st := c.Spec(p.NginxVersion)
		if st != nginxconf.Known || !c.Dir.Terminated() || c.Dir.Block != nil || !spec.AcceptsArgCount(len(c.Dir.Args)) {
			servers++ // reported by the directive checks; do not pile up
			active++
			continue
		}
		servers++
		args := c.Args()
		backup, bad := false, false
		for i := 1; i < len(args) && !bad; i++ {
			a := args[i]
			msg := ""
			switch {
			case strings.HasPrefix(a, "weight="):
				if v, ok := nginxval.Atoi(a[7:]); !ok || v == 0 {
					msg = fmt.Sprintf("invalid parameter \"%s\"", a)
				}
			case strings.HasPrefix(a, "max_conns="):
				if _, ok := nginxval.Atoi(a[10:]); !ok {
					msg = fmt.Sprintf("invalid parameter \"%s\"", a)
				}
			case strings.HasPrefix(a, "max_fails="):
				if _, ok := nginxval.Atoi(a[10:]); !ok {
					msg = fmt.Sprintf("invalid parameter \"%s\"", a)
				}
			case strings.HasPrefix(a, "fail_timeout="):
				if _, ok := nginxval.Time(a[13:], true); !ok {
					msg = fmt.Sprintf("invalid parameter \"%s\"", a)
				}
			case a == "backup":
				if !backupOK {
					msg = fmt.Sprintf("balancing method does not support parameter \"%s\"", a)
				}
				backup = true
			case a == "down":
			default:
				msg = fmt.Sprintf("invalid parameter \"%s\"", a)
			}
			if msg != "" {
				report(c.ArgSpan(i), msg)
				bad = true
			}
		}
		if bad {
			active++
			continue
		}
		defPort := 80
		if stream {
			defPort = 0
		}
		u := nginxval.ParseURL(args[0], nginxval.URLOptions{DefaultPort: defPort})
		switch {
		case u.Err != "":
			report(c.ArgSpan(0), fmt.Sprintf("%s in upstream \"%s\"", u.Err, args[0]))
			active++
			continue
		case stream && u.NoPort && !u.Unix:
			report(c.ArgSpan(0), fmt.Sprintf("no port in upstream \"%s\"", args[0]))
			active++
			continue
		}
		if !backup {
			active++
		}
	}
	b := n.Dir.Block
	if servers == 0 {
		if b.Close != nil {
			report(nginxconf.RangeOf(n.File, b.Close.Pos, b.Close.Pos+1),
				fmt.Sprintf("no servers are inside upstream (upstream \"%s\" has no server line)", name))
		}
		return
	}
	if active == 0 {
		report(n.Location(), fmt.Sprintf("no servers in upstream \"%s\" (every server is a backup)", name))
	}
}

// upstreamRef is a *_pass directive that names its upstream by address:
// nginx makes an implicit upstream of it, or uses the upstream block of
// that name.
type upstreamRef struct {
	n      *nginxconf.Node
	url    nginxval.URL
	block  *nginxconf.Node // the upstream block of that name, if any
	stream bool
	err    string // a parse error, in nginx's words
}

// passSchemes are the prefixes each *_pass directive accepts (required for
// proxy_pass), and the port implied by each.
var passSchemes = map[string][]struct {
	prefix string
	port   int
}{
	"proxy_pass": {{"http://", 80}, {"https://", 443}},
	"uwsgi_pass": {{"uwsgi://", 0}, {"suwsgi://", 0}, {"", 0}},
	"grpc_pass":  {{"grpc://", 0}, {"grpcs://", 0}, {"", 0}},
}

var passDirectives = map[string]bool{"proxy_pass": true, "fastcgi_pass": true, "uwsgi_pass": true,
	"scgi_pass": true, "grpc_pass": true, "memcached_pass": true}

// upstreamRefNames are the directives upstreamRefs reads: the blocks and
// the passDirectives.
var upstreamRefNames = []string{"upstream", "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"}

// upstreamRefs lists the *_pass directives of cfg that name an address
// without variables, as ngx_http_upstream_add and the stream proxy read
// them.
func upstreamRefs(p *lint.Pass, cfg *nginxconf.Config) []upstreamRef {
	blocks := map[string]*nginxconf.Node{}
	candidates := cfg.Named(upstreamRefNames...)
	refs := make([]upstreamRef, 0, len(candidates))
	for _, n := range candidates {
		if n.Ctx == nginxconf.CtxRaw || n.Ctx == nginxconf.CtxEntries {
			continue
		}
		stream := n.Ctx == nginxconf.CtxStreamSrv || n.Ctx == nginxconf.CtxStreamMain
		if n.Name() == "upstream" {
			if n.Dir.Block != nil && len(n.Dir.Args) == 1 {
				key := map[bool]string{false: "http:", true: "stream:"}[stream] + strings.ToLower(n.Dir.Args[0].Value)
				if _, seen := blocks[key]; !seen {
					blocks[key] = n
				}
			}
			continue
		}
		if !n.Dir.Terminated() || n.Dir.Block != nil || len(n.Dir.Args) != 1 {
			continue
		}
		if stream && n.Name() != "proxy_pass" {
			continue
		}
		if _, st := n.Spec(p.NginxVersion); st != nginxconf.Known {
			continue
		}
		raw := n.Dir.Args[0].Value
		if strings.IndexByte(raw, '$') >= 0 {
			continue // resolved per request
		}
		ref := upstreamRef{n: n, stream: stream}
		rest, port := raw, 0
		if schemes, ok := passSchemes[n.Name()]; ok && !stream {
			matched := false
			for _, s := range schemes {
				if len(rest) >= len(s.prefix) && strings.EqualFold(rest[:len(s.prefix)], s.prefix) {
					rest, port, matched = rest[len(s.prefix):], s.port, true
					break
				}
			}
			if !matched {
				ref.err = "invalid URL prefix"
				refs = append(refs, ref)
				continue
			}
		}
		ref.url = nginxval.ParseURL(rest, nginxval.URLOptions{URIPart: n.Name() == "proxy_pass" && !stream, DefaultPort: port})
		if ref.url.Err != "" {
			ref.err = fmt.Sprintf("%s in upstream \"%s\"", ref.url.Err, rest)
		}
		refs = append(refs, ref)
	}
	for i := range refs {
		r := &refs[i]
		if r.err != "" || r.url.Unix {
			continue
		}
		key := map[bool]string{false: "http:", true: "stream:"}[r.stream] + strings.ToLower(r.url.Host)
		r.block = blocks[key]
	}
	return refs
}

// NginxUpstreamRef reports what nginx refuses in the address of a *_pass
// directive: a missing or unknown scheme, a bad port, a port given to an
// upstream block's name, no port where the module implies none.
var NginxUpstreamRef = Register(&Rule{
	ID:       "nginx-upstream-address",
	Title:    "Invalid address in an nginx *_pass directive",
	Doc:      "`proxy_pass` needs `http://` or `https://` (`invalid URL prefix`). `fastcgi_pass`, `scgi_pass`, `uwsgi_pass`, `grpc_pass`, `memcached_pass` and the stream `proxy_pass` have no default port: `fastcgi_pass 127.0.0.1;` or `fastcgi_pass php;` without an `upstream php {}` is refused (`no port in upstream`). The name of an `upstream` block must be used without a port (`upstream \"php\" may not have port 9000`). A bad port is refused too (`invalid port in upstream`). Addresses with variables are resolved per request and not checked.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness", "fastcgi"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			for _, r := range upstreamRefs(p, cfg) {
				msg := r.err
				switch {
				case msg != "":
				case r.url.Unix:
					continue
				case r.block != nil && !r.url.NoPort:
					msg = fmt.Sprintf("upstream \"%s\" may not have port %d (it names the upstream block defined at line %d; remove the port, or give it on the block's server lines)", r.url.Host, r.url.Port, r.block.Location().Range.Start.Line)
				case r.block == nil && r.url.Port == 0 && (!cfg.Standalone || r.url.Addr.IsValid()):
					// (a file checked on its own may name an upstream its
					// main configuration defines)
					msg = fmt.Sprintf("no port in upstream \"%s\" (%s has no default port: write host:port, unix:/path, or define an upstream block of that name)", r.url.Host, r.n.Name())
				default:
					continue
				}
				p.Report(diag.Diagnostic{Rule: "nginx-upstream-address", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: r.n.ArgSpan(0)})
			}
		}
	},
})
