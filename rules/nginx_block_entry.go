package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxBlockEntry checks the lines of map, geo, types, split_clients and
// charset_map blocks as their handlers read them (ngx_http_map,
// ngx_http_geo, ngx_http_core_type, ngx_http_split_clients,
// ngx_http_charset_map, and the stream modules' twins): these lines are
// values, not directives, and ngx_conf_parse refuses any block among them.
var NginxBlockEntry = Register(&Rule{
	ID:       "nginx-block-entry",
	Title:    "Invalid line in an nginx map, geo, types, split_clients or charset_map block",
	Doc:      "The lines of `map`, `geo`, `types`, `split_clients` and `charset_map` blocks are values that each block's handler reads: a map line is a source value and a result (or `default`, `hostnames`, `volatile`, `include`), a geo line a network or range and a value, a split_clients line a percentage and a value, a charset_map line two hexadecimal codes. A line with the wrong number of words — often two lines merged by a missing \";\" — a bad network or range, a percentage that is not one, a duplicate default, or a `{` among the lines make nginx refuse the configuration (`invalid number of the map parameters`, `invalid range`, `unexpected \"{\"`, …).",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			if n.Dir.Block == nil || n.Dir.Block.Raw != nil || n.Ctx == nginxconf.CtxEntries || n.Ctx == nginxconf.CtxRaw {
				return
			}
			if nginxconf.BlockContext(n.Name(), n.Ctx, len(n.Dir.Args)) != nginxconf.CtxEntries {
				return
			}
			spec, st := n.Spec(p.NginxVersion)
			if st != nginxconf.Known || !spec.IsBlock() || !spec.AcceptsArgCount(len(n.Dir.Args)) {
				return
			}
			c := &entryChecker{p: p, block: n}
			c.run(entryLines(n, n.Name() != "charset_map" && n.Name() != "split_clients"))
		})
	},
})

// entryLines lists the lines of an entry block, looking through the
// includes the block's handler follows.
func entryLines(n *nginxconf.Node, followInclude bool) []*nginxconf.Node {
	var out []*nginxconf.Node
	var add func([]*nginxconf.Node)
	add = func(ns []*nginxconf.Node) {
		for _, c := range ns {
			if followInclude && c.Name() == "include" && len(c.Dir.Args) == 1 && c.Dir.Block == nil {
				add(c.Children())
				continue
			}
			out = append(out, c)
		}
	}
	add(n.Children())
	return out
}

type entryChecker struct {
	p     *lint.Pass
	block *nginxconf.Node
	facts map[string]bool
}

func (c *entryChecker) report(loc diag.Location, msg string) {
	c.p.Report(diag.Diagnostic{Rule: "nginx-block-entry", Severity: diag.Error,
		Message: fmt.Sprintf("%s in \"%s\" block: nginx refuses the configuration", msg, c.block.Name()), Location: loc})
}

func (c *entryChecker) run(lines []*nginxconf.Node) {
	var geo geoState
	var percent int64
	for _, n := range lines {
		if n.Dir.Block != nil {
			// ngx_conf_parse with a handler: `unexpected "{"`.
			c.report(nginxconf.RangeOf(n.File, n.Dir.Block.Pos, n.Dir.Block.Pos+1), `unexpected "{"`)
			continue
		}
		if !n.Dir.Terminated() {
			continue // a syntax error already
		}
		v := append([]string{n.Name()}, n.Args()...)
		switch c.block.Name() {
		case "map":
			c.mapLine(n, v)
		case "geo":
			c.geoLine(n, v, &geo)
		case "types":
			if v[0] == "include" && len(v) != 2 {
				c.report(n.Location(), `invalid number of arguments in "include" directive`)
			}
		case "split_clients":
			if pc, ok := c.splitLine(n, v); ok {
				if percent >= 0 {
					percent += pc
				}
				if pc == 0 {
					percent = -1 // "*" takes the rest
				}
			}
		case "charset_map":
			c.charsetLine(n, v)
		}
	}
	if c.block.Name() == "split_clients" && percent > 10000 {
		b := c.block.Dir.Block
		end := b.End()
		c.report(nginxconf.RangeOf(c.block.File, max(end-1, b.Pos), end), "percent total is greater than 100%")
	}
}

func (c *entryChecker) mapLine(n *nginxconf.Node, v []string) {
	if len(v) == 1 && (v[0] == "hostnames" || v[0] == "volatile") {
		return
	}
	if len(v) != 2 {
		c.report(n.Location(), "invalid number of the map parameters (want a source value and a result; a \";\" may be missing)")
		return
	}
	if v[0] == "default" {
		if c.seen("default") {
			c.report(n.Location(), "duplicate default map parameter")
		}
	}
}

// seen remembers a fact about the block; it reports whether it was
// already there.
func (c *entryChecker) seen(key string) bool {
	if c.facts[key] {
		return true
	}
	if c.facts == nil {
		c.facts = map[string]bool{}
	}
	c.facts[key] = true
	return false
}

type geoState struct {
	ranges, tree bool
	low          map[uint32][][2]uint32
}

func (c *entryChecker) geoLine(n *nginxconf.Node, v []string, g *geoState) {
	if len(v) == 1 {
		switch v[0] {
		case "ranges":
			if g.tree {
				c.report(n.Location(), `the "ranges" directive must be the first directive inside "geo" block`)
				return
			}
			g.ranges = true
			return
		case "proxy_recursive":
			return
		}
	}
	if len(v) != 2 {
		c.report(n.Location(), "invalid number of the geo parameters (want a network and a value; a \";\" may be missing)")
		return
	}
	switch v[0] {
	case "include":
		return
	case "proxy":
		if !geoNetwork(v[1]) {
			c.report(n.ArgSpan(0), fmt.Sprintf("invalid network \"%s\"", v[1]))
		}
		return
	}
	if g.ranges {
		if v[0] == "default" {
			return
		}
		net, del, at := v[0], false, n.Location()
		if v[0] == "delete" {
			net, del, at = v[1], true, n.ArgSpan(0)
		}
		lo, hi, ok := strings.Cut(net, "-")
		start, ok1 := nginxval.InetAddr(lo)
		end, ok2 := nginxval.InetAddr(hi)
		if !ok || !ok1 || !ok2 || start > end {
			c.report(at, fmt.Sprintf("invalid range \"%s\" (want FIRST-LAST, two IPv4 addresses, in ranges mode)", net))
			return
		}
		if g.low == nil {
			g.low = map[uint32][][2]uint32{}
		}
		if del {
			geoDeleteRange(g.low, start, end)
			return
		}
		if msg := geoAddRange(g.low, start, end, net); msg != "" {
			c.report(at, msg)
		}
		return
	}
	g.tree = true
	if v[0] == "default" {
		return
	}
	net, at := v[0], n.Location()
	if v[0] == "delete" {
		net, at = v[1], n.ArgSpan(0)
	}
	if !geoNetwork(net) {
		msg := fmt.Sprintf("invalid network \"%s\"", net)
		if strings.Contains(net, "-") {
			msg += " (an address range needs \"ranges\" as the first line of the block)"
		}
		c.report(at, msg)
	}
}

// geoNetwork is ngx_http_geo_cidr_value's test.
func geoNetwork(s string) bool {
	if s == "255.255.255.255" {
		return true
	}
	_, ok := nginxval.PtoCIDR(s)
	return ok
}

// geoAddRange is ngx_http_geo_add_range: ranges are kept per /16, and a
// range that overlaps another without containing it or being contained in
// it is refused.
func geoAddRange(low map[uint32][][2]uint32, start, end uint32, net string) string {
	for n := uint64(start); n <= uint64(end); n = (n + 0x10000) & 0xffff0000 {
		h := uint32(n >> 16)
		s, e := uint32(0), uint32(0xffff)
		if n == uint64(start) {
			s = uint32(n) & 0xffff
		}
		if uint64(uint32(n)|0xffff) > uint64(end) {
			e = end & 0xffff
		}
		a := low[h]
		i := len(a)
		placed := false
		for i > 0 {
			i--
			r := a[i]
			if e < r[0] {
				continue
			}
			if s > r[1] {
				a = append(a[:i+1], append([][2]uint32{{s, e}}, a[i+1:]...)...)
				placed = true
				break
			}
			if s == r[0] && e == r[1] {
				placed = true // a duplicate: nginx warns and replaces the value
				break
			}
			if s > r[0] && e < r[1] {
				a = append(a[:i+1], append([][2]uint32{{s, e}, {e + 1, r[1]}}, a[i+1:]...)...)
				a[i][1] = s - 1
				placed = true
				break
			}
			if s == r[0] && e < r[1] {
				a = append(a[:i+1], append([][2]uint32{{e + 1, r[1]}}, a[i+1:]...)...)
				a[i] = [2]uint32{s, e}
				placed = true
				break
			}
			if s > r[0] && e == r[1] {
				a = append(a[:i+1], append([][2]uint32{{s, e}}, a[i+1:]...)...)
				a[i][1] = s - 1
				placed = true
				break
			}
			return fmt.Sprintf("range \"%s\" overlaps \"%d.%d.%d.%d-%d.%d.%d.%d\"", net,
				h>>8, h&0xff, r[0]>>8, r[0]&0xff, h>>8, h&0xff, r[1]>>8, r[1]&0xff)
		}
		if !placed {
			a = append([][2]uint32{{s, e}}, a...)
		}
		low[h] = a
		if h == 0xffff {
			break
		}
	}
	return ""
}

// geoDeleteRange is ngx_http_geo_delete_range.
func geoDeleteRange(low map[uint32][][2]uint32, start, end uint32) {
	for n := uint64(start); n <= uint64(end); n = (n + 0x10000) & 0xffff0000 {
		h := uint32(n >> 16)
		s, e := uint32(0), uint32(0xffff)
		if n == uint64(start) {
			s = uint32(n) & 0xffff
		}
		if uint64(uint32(n)|0xffff) > uint64(end) {
			e = end & 0xffff
		}
		a := low[h]
		for i, r := range a {
			if r[0] == s && r[1] == e {
				low[h] = append(a[:i], a[i+1:]...)
				break
			}
		}
		if h == 0xffff {
			break
		}
	}
}

// splitLine checks a split_clients line and returns its share in
// hundredths of a percent (0 for "*").
func (c *entryChecker) splitLine(n *nginxconf.Node, v []string) (int64, bool) {
	if v[0] == "*" {
		return 0, true
	}
	pc, ok := int64(0), false
	if s, found := strings.CutSuffix(v[0], "%"); found {
		pc, ok = nginxval.Atofp(s, 2)
	}
	if !ok || pc == 0 {
		c.report(n.Location(), fmt.Sprintf("invalid percent value \"%s\"", v[0]))
		return 0, false
	}
	return pc, true
}

func (c *entryChecker) charsetLine(n *nginxconf.Node, v []string) {
	if len(v) != 2 {
		c.report(n.Location(), "invalid parameters number (want two hexadecimal codes; a \";\" may be missing)")
		return
	}
	if src, ok := nginxval.Hextoi(v[0]); !ok || src > 255 {
		c.report(n.Location(), fmt.Sprintf("invalid value \"%s\"", v[0]))
		return
	}
	utf8 := len(c.block.Dir.Args) == 2 && strings.EqualFold(c.block.Dir.Args[1].Value, "utf-8")
	bad := false
	if utf8 {
		for i := 0; i < len(v[1]); i += 2 {
			if i+2 > len(v[1]) {
				bad = true
				break
			}
			if d, ok := nginxval.Hextoi(v[1][i : i+2]); !ok || d > 255 {
				bad = true
				break
			}
		}
	} else if d, ok := nginxval.Hextoi(v[1]); !ok || d > 255 {
		bad = true
	}
	if bad {
		c.report(n.ArgSpan(0), fmt.Sprintf("invalid value \"%s\"", v[1]))
	}
}
