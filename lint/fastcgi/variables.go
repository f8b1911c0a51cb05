package fastcgi

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// maxValues bounds the combinations of variable values tried for one
// address: beyond it the address is "not known statically".
const maxValues = 32

type value struct {
	value string
	via   []*nginxconf.Node
}

// variableValues lists the values an address with variables can take, when
// every variable in it is set with constant values by set directives that
// run before the content phase, or by a map whose values are constants.
// unresolved says, in a sentence, what could not be told.
func (b *builder) variableValues(n *nginxconf.Node, arg string) (values []value, unresolved string) {
	parts, names := splitVariables(arg)
	values = []value{{}}
	for i, part := range parts {
		if i%2 == 0 {
			for j := range values {
				values[j].value += part
			}
			continue
		}
		name := names[i/2]
		cands, why := b.variableCandidates(n, name)
		if why != "" {
			return nil, why
		}
		var next []value
		for _, v := range values {
			for _, c := range cands {
				next = append(next, value{v.value + c.value, append(append([]*nginxconf.Node{}, v.via...), c.via...)})
			}
		}
		if len(next) > maxValues {
			return nil, fmt.Sprintf("the variables of %s can take more than %d values", arg, maxValues)
		}
		values = next
	}
	return values, ""
}

// splitVariables cuts "unix:/run/$pool.sock" into literal parts (even
// indexes) and variable places (odd indexes), and returns the names.
func splitVariables(s string) (parts []string, names []string) {
	lit := strings.Builder{}
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			lit.WriteByte(s[i])
			continue
		}
		j, braced := i+1, false
		if j < len(s) && s[j] == '{' {
			braced = true
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= '0' && s[k] <= '9' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z') {
			k++
		}
		if k == j {
			lit.WriteByte(s[i])
			continue
		}
		parts = append(parts, lit.String())
		lit.Reset()
		names = append(names, strings.ToLower(s[j:k]))
		if braced && k < len(s) && s[k] == '}' {
			k++
		}
		i = k - 1
		parts = append(parts, "")
	}
	parts = append(parts, lit.String())
	return parts, names
}

// variableCandidates finds the values of $name at the fastcgi_pass n.
//
// set directives run in the rewrite phases before the content handler: the
// server's once, then the location's (not its enclosing locations': rewrite
// directives are not inherited). A set in an if block may or may not run;
// an unconditional set overrides what ran before it.
func (b *builder) variableCandidates(n *nginxconf.Node, name string) (out []value, why string) {
	loc, srv := enclosingLocation(n)
	var locSets, srvSets []setAt
	if loc != nil {
		locSets = collectSets(loc, name, false)
	}
	if srv != nil {
		srvSets = collectSets(srv, name, false)
	}
	var sets []setAt
	if i := lastUnconditional(locSets); i >= 0 {
		sets = locSets[i:]
	} else if j := lastUnconditional(srvSets); j >= 0 {
		sets = append(append(sets, srvSets[j:]...), locSets...)
	} else {
		// No set runs for every request: what a map gives is the value
		// when no conditional set runs.
		sets = append(append(sets, srvSets...), locSets...)
		mp := b.maps[name]
		switch {
		case mp != nil:
			mv, why := mapValues(mp)
			if why != "" {
				return nil, why
			}
			out = append(out, mv...)
		case len(sets) > 0:
			return nil, fmt.Sprintf("$%s is set only when an if condition holds, and is empty otherwise", name)
		default:
			return nil, fmt.Sprintf("$%s is not set by a set directive or a map with constant values, so its value is known only at run time", name)
		}
	}
	for _, s := range sets {
		v := s.node.Args()[1]
		if strings.IndexByte(v, '$') >= 0 {
			return nil, fmt.Sprintf("$%s is set to %q, which depends on the request", name, v)
		}
		out = append(out, value{v, []*nginxconf.Node{s.node}})
	}
	return out, ""
}

type setAt struct {
	node        *nginxconf.Node
	conditional bool
}

// collectSets lists the set directives of $name in block, in order, looking
// into if blocks (conditional) but not into nested locations.
func collectSets(block *nginxconf.Node, name string, conditional bool) []setAt {
	var out []setAt
	for _, c := range block.Block() {
		switch c.Name() {
		case "set":
			if args := c.Args(); len(args) == 2 && strings.EqualFold(strings.TrimPrefix(args[0], "$"), name) && strings.HasPrefix(args[0], "$") {
				out = append(out, setAt{c, conditional})
			}
		case "if":
			if c.Dir.Block != nil {
				out = append(out, collectSets(c, name, true)...)
			}
		}
	}
	return out
}

func lastUnconditional(sets []setAt) int {
	for i := len(sets) - 1; i >= 0; i-- {
		if !sets[i].conditional {
			return i
		}
	}
	return -1
}

// enclosingLocation is the innermost location holding n (through if
// blocks) and the server holding that.
func enclosingLocation(n *nginxconf.Node) (loc, srv *nginxconf.Node) {
	for p := n.Enclosing(); p != nil && p.Dir != nil; p = p.Enclosing() {
		switch p.Name() {
		case "location":
			if loc == nil {
				loc = p
			}
		case "server":
			return loc, p
		}
	}
	return loc, nil
}

// mapValues lists the values of a map block when they are all constants;
// a map without default gives the empty string for other keys.
func mapValues(mp *nginxconf.Node) ([]value, string) {
	var out []value
	hasDefault := false
	for _, e := range mp.Block() {
		key := e.Name()
		args := e.Args()
		switch {
		case (key == "hostnames" || key == "volatile") && len(args) == 0:
			continue
		case len(args) != 1:
			continue
		}
		if key == "default" {
			hasDefault = true
		}
		if strings.IndexByte(args[0], '$') >= 0 {
			return nil, fmt.Sprintf("the map defining %s has the value %q, which depends on the request", mp.Args()[1], args[0])
		}
		out = append(out, value{args[0], []*nginxconf.Node{e}})
	}
	if !hasDefault {
		return nil, fmt.Sprintf("the map defining %s has no default, so it is empty for other values of %s", mp.Args()[1], mp.Args()[0])
	}
	return out, ""
}

// runtimeDest reads an address computed per request, as
// ngx_http_fastcgi_eval and ngx_http_upstream_init_request do: a unix path
// or a literal address is connected to directly; a name is an upstream
// block's, else resolved with the resolver directive's DNS servers, never
// /etc/hosts.
func (b *builder) runtimeDest(n *nginxconf.Node, v string) *Dest {
	d := &Dest{Value: v}
	u := nginxval.ParseURL(v, nginxval.URLOptions{})
	switch {
	case u.Err != "":
		d.Failure = fmt.Sprintf("nginx cannot parse %q as an address (%s), so the request fails with 500", v, u.Err)
	case u.Unix:
		d.Peers = []*Peer{{Node: n, Unix: true, Path: u.Path, Resolved: true}}
	case u.Addr.IsValid() && !u.NoPort:
		d.Peers = []*Peer{{Node: n, Host: u.Host, Port: u.Port, Addrs: nil, Resolved: true}}
		d.Peers[0].Addrs = append(d.Peers[0].Addrs, u.Addr)
	default:
		if ups := b.upstreams[strings.ToLower(u.Host)]; ups != nil && u.NoPort {
			d.Upstream = ups
			d.Peers = b.upstreamPeers(ups)
			return d
		}
		if u.NoPort {
			d.Failure = fmt.Sprintf("%q has no port and names no upstream block, so nginx answers 500 (\"no port in upstream\")", v)
			return d
		}
		if !hasResolver(n) {
			d.Failure = fmt.Sprintf("%q is a host name and no resolver directive is in effect, so nginx answers 502 (\"no resolver defined to resolve %s\"): nginx resolves variable addresses per request with the resolver, never with /etc/hosts", v, u.Host)
			return d
		}
		// resolved per request by DNS: fcgilint cannot tell the addresses
		d.Peers = []*Peer{{Node: n, Host: u.Host, Port: u.Port, Resolved: false}}
	}
	return d
}

// hasResolver reports whether a resolver directive is in effect at n
// (it is inherited from http and server into locations).
func hasResolver(n *nginxconf.Node) bool {
	for p := n.Enclosing(); p != nil; p = p.Enclosing() {
		for _, c := range p.Block() {
			if c.Name() == "resolver" {
				return true
			}
		}
		if p.Dir == nil {
			break
		}
	}
	return false
}
