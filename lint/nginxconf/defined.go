package nginxconf

import (
	"regexp"
	"strings"
)

// Defined are the variables a configuration defines, by space ("http" or
// "stream") and lower-case name (nginx's variable names are
// case-insensitive).
type Defined map[string]map[string]bool

// NewDefined is an empty set of both spaces.
func NewDefined() Defined { return Defined{"http": {}, "stream": {}} }

// Has reports whether name is defined in space.
func (d Defined) Has(space, name string) bool { return d[space][strings.ToLower(name)] }

func (d Defined) define(space, token string) {
	if space == "" || !strings.HasPrefix(token, "$") {
		return
	}
	d[space][strings.ToLower(token[1:])] = true
}

// namedCaptureRe finds the names PCRE gives to groups.
var namedCaptureRe = regexp.MustCompile(`\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')`)

func (d Defined) defineCaptures(w string) {
	if !strings.Contains(w, "(?") {
		return
	}
	for _, m := range namedCaptureRe.FindAllStringSubmatch(w, -1) {
		name := strings.ToLower(m[1] + m[2])
		d["http"][name] = true
		d["stream"][name] = true
	}
}

// definers name the directives whose first argument defines a variable.
var definers = map[string]bool{"set": true, "perl_set": true, "js_set": true, "js_var": true,
	"auth_request_set": true, "set_by_lua": true, "set_by_lua_block": true, "set_by_lua_file": true}

// Collect adds what nodes define, wherever they stand: nginx's variables
// are global, so a variable set in one server may be used in another. The
// definers are set, map, geo, split_clients, perl_set, js_set, js_var,
// auth_request_set, set_by_lua*, the set-misc (ndk_set_var) directives, a
// geoip2 block's entries and the named captures of regular expressions.
// Raw Lua is skipped, and so is all it holds, which is raw too.
func (d Defined) Collect(nodes []*Node, version string) {
	for _, n := range nodes {
		if n.Ctx == CtxRaw || n.Dir == nil {
			continue
		}
		d.defineCaptures(n.Name())
		for _, a := range n.Dir.Args {
			d.defineCaptures(a.Value)
		}
		if n.Ctx == CtxEntries {
			if o := EntryOwner(n); o != nil && o.Name() == "geoip2" {
				d.define(VarSpace(o.Ctx), n.Name())
			}
			continue
		}
		space := VarSpace(n.Ctx)
		nargs := n.NArgs()
		if nargs == 0 {
			continue
		}
		switch {
		case definers[n.Name()]:
			d.define(space, n.Arg(0))
		case n.Name() == "map" || n.Name() == "split_clients":
			if nargs == 2 {
				d.define(space, n.Arg(1))
			}
		case n.Name() == "geo":
			d.define(space, n.Arg(nargs-1))
		case strings.HasPrefix(n.Name(), "set_"): // the set-misc directives
			if spec, st := n.Spec(version); st == Known && strings.HasPrefix(spec.Handler, "ndk_set_var") {
				d.define(space, n.Arg(0))
			}
		}
	}
}

// VarSpace is "http" or "stream", the two kinds of variables, for a
// directive standing in ctx; "" elsewhere.
func VarSpace(ctx Context) string {
	switch ctx {
	case CtxHTTPMain, CtxHTTPSrv, CtxHTTPLoc, CtxHTTPUps, CtxHTTPSif, CtxHTTPLif, CtxHTTPLmt:
		return "http"
	case CtxStreamMain, CtxStreamSrv, CtxStreamUps:
		return "stream"
	}
	return ""
}

// EntryOwner returns the block directive an entry line belongs to.
func EntryOwner(n *Node) *Node {
	for p := n.Parent; p != nil && p.Dir != nil; p = p.Parent {
		if p.IsInclude() {
			continue
		}
		if p.Ctx != CtxEntries {
			return p
		}
	}
	return nil
}
