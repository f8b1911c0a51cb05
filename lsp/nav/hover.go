package nav

import (
	"fmt"
	"strconv"
	"strings"

	gfpm "github.com/fcgilint/fcgilint/grammar/fpm"
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// Hover is what to show for the word under the cursor.
type Hover struct {
	// Markdown is the text (CommonMark; the server sends it as
	// MarkupContent of kind "markdown").
	Markdown string
	// Range is the word the text is about.
	Range diag.Location
}

// HoverAt documents the directive under offset: for nginx, the syntax,
// contexts, module and a documentation link, and on fastcgi_pass where it
// connects and which php-fpm pool listens there; for php-fpm, the
// directive's type, default and link, and on a pool's listen lines the
// socket php-fpm creates and the fastcgi_pass lines that reach it. ok is
// false when there is nothing to say (whitespace, comments, values of map
// blocks, unknown names).
func HoverAt(pass *lint.Pass, path string, offset int) (Hover, bool) {
	switch KindOf(pass, path) {
	case NginxFile:
		return nginxHover(pass, path, offset)
	case FPMFile:
		return fpmHover(pass, path, offset)
	}
	return Hover{}, false
}

func nginxHover(pass *lint.Pass, path string, offset int) (Hover, bool) {
	inst, ok := NodeAt(pass, path, offset)
	if !ok {
		return Hover{}, false
	}
	n := inst.Node
	if n.Ctx == nginxconf.CtxEntries || n.Ctx == nginxconf.CtxRaw || n.Name() == "{" {
		return Hover{}, false
	}
	rng, onWord := wordAt(n, offset)
	if !onWord {
		return Hover{}, false
	}
	var b strings.Builder
	spec, status := n.Spec(pass.NginxVersion)
	switch {
	case spec != nil:
		b.WriteString(NginxDoc(spec))
	case status == nginxconf.NotAllowed:
		rows := nginxdb.LookupVersion(n.Name(), pass.NginxVersion)
		if len(rows) == 0 {
			return Hover{}, false
		}
		fmt.Fprintf(&b, "**Not allowed in %s.**\n\n", n.Ctx)
		b.WriteString(NginxDoc(rows[0]))
	default:
		return Hover{}, false
	}
	switch {
	case n.Name() == "fastcgi_pass":
		b.WriteString("\n\n---\n\n")
		writeFastCGITarget(&b, pass, n)
	case passDirectives[n.Name()]:
		if ups := upstreamOf(inst.Config, n); ups != nil {
			b.WriteString("\n\n---\n\n")
			writeUpstream(&b, ups)
		}
	case n.IsInclude():
		b.WriteString("\n\n---\n\n")
		writeIncluded(&b, n)
	case n.Name() == "server" && n.Ctx == nginxconf.CtxHTTPUps:
		if rs := upstreamServerReaches(pass, n); len(rs) > 0 {
			b.WriteString("\n\n---\n\n**Connects to**\n\n")
			writePeer(&b, pass, rs[0].reach)
		}
	}
	return Hover{Markdown: b.String(), Range: rng}, true
}

// wordAt is the name or argument of n under offset.
func wordAt(n *nginxconf.Node, offset int) (diag.Location, bool) {
	if loc := n.NameLocation(); touches(loc, offset) {
		return loc, true
	}
	for i := range n.Dir.Args {
		if loc := n.ArgLocation(i); touches(loc, offset) {
			return loc, true
		}
	}
	return diag.Location{}, false
}

func writeUpstream(b *strings.Builder, ups *nginxconf.Node) {
	name := ""
	if len(ups.Dir.Args) > 0 {
		name = ups.Dir.Args[0].Value
	}
	fmt.Fprintf(b, "**Upstream** `%s` (%s)\n\n", name, where(ups.Location()))
}

// writeFastCGITarget says where a fastcgi_pass connects and which php-fpm
// pool listens at each address, as the cross-check reads it.
func writeFastCGITarget(b *strings.Builder, pass *lint.Pass, n *nginxconf.Node) {
	m, l := crossCheck(pass)
	t := targetOf(m, n)
	if t == nil || l == nil {
		b.WriteString("nginx does not accept this address: see the diagnostics of this line.\n")
		return
	}
	b.WriteString("**Connects to**\n\n")
	for _, d := range t.Dests {
		if d == nil {
			continue
		}
		if len(d.Via) > 0 || t.Variable() {
			fmt.Fprintf(b, "When the address is `%s`:\n\n", d.Value)
		}
		if d.Upstream != nil {
			writeUpstream(b, d.Upstream)
		}
		for _, p := range d.Peers {
			if p != nil {
				writePeer(b, pass, l.Reach(p))
			}
		}
		if d.Failure != "" {
			fmt.Fprintf(b, "- at run time nginx fails: %s\n", d.Failure)
		}
		b.WriteByte('\n')
	}
	if t.Unresolved != "" {
		fmt.Fprintf(b, "Other addresses cannot be told statically: %s.\n", t.Unresolved)
	}
}

// writePeer writes one list item per address of a peer, with who listens.
func writePeer(b *strings.Builder, pass *lint.Pass, r fastcgi.PeerReach) {
	p := r.Peer
	if p == nil {
		return
	}
	noPools := len(pass.FPM) == 0
	if p.Unix {
		fmt.Fprintf(b, "- unix socket `%s`", p.Path)
		if r.Alias {
			b.WriteString(" (Debian's php-fpm.sock alternative)")
		}
		for _, a := range r.Attempts {
			b.WriteString(": " + outcomeText(a, noPools))
		}
		b.WriteByte('\n')
		return
	}
	for _, a := range r.Attempts {
		switch {
		case a.Addr.IsValid() && a.Addr.Unmap().Is4():
			fmt.Fprintf(b, "- TCP/IPv4 `%s`", fastcgi.AddrPort(a.Addr.Unmap().String(), p.Port))
		case a.Addr.IsValid():
			fmt.Fprintf(b, "- TCP/IPv6 `%s`", fastcgi.AddrPort(a.Addr.String(), p.Port))
		default:
			fmt.Fprintf(b, "- TCP `%s` (resolved by DNS)", fastcgi.AddrPort(p.Host, p.Port))
		}
		if p.Host != "" && a.Addr.IsValid() && p.Host != a.Addr.String() {
			fmt.Fprintf(b, " for `%s`", p.Host)
		}
		b.WriteString(": " + outcomeText(a, noPools) + "\n")
	}
}

func outcomeText(a fastcgi.Attempt, noPools bool) string {
	if noPools {
		return "no php-fpm configuration was checked with this file"
	}
	var pools []string
	for _, e := range a.Endpoints {
		pools = append(pools, fmt.Sprintf("pool `%s` (%s)", e.Pool.Name, where(e.Pool.Listen.Location)))
	}
	switch a.Outcome {
	case fastcgi.Reached:
		return strings.Join(pools, ", ") + " listens there"
	case fastcgi.PoolDown:
		return strings.Join(pools, ", ") + " listens there, but php-fpm refuses to start"
	case fastcgi.NoListener:
		return "**no php-fpm pool listens there**"
	case fastcgi.ElsewhereMaybe:
		s := "no checked php-fpm pool listens there (it may be another host's)"
		for _, e := range a.Loopback {
			s += fmt.Sprintf("; pool `%s` listens on the loopback only", e.Pool.Name)
		}
		return s
	}
	return "DNS decides; a checked pool may be there"
}

func writeIncluded(b *strings.Builder, n *nginxconf.Node) {
	if len(n.Included()) == 0 {
		b.WriteString("Includes no file.\n")
		return
	}
	b.WriteString("**Includes**\n\n")
	for _, f := range n.Included() {
		if f != nil {
			fmt.Fprintf(b, "- `%s`\n", f.Path)
		}
	}
}

// where is "file:line" for a hover text.
func where(loc diag.Location) string {
	return "`" + loc.File + ":" + strconv.Itoa(loc.Range.Start.Line) + "`"
}

func fpmHover(pass *lint.Pass, path string, offset int) (Hover, bool) {
	e, ok := FPMEntryAt(pass, path, offset)
	if !ok {
		return Hover{}, false
	}
	var rng diag.Location
	switch {
	case touches(e.NameLocation, offset):
		rng = e.NameLocation
	case e.Kind != gfpm.SectionHeader && touches(e.ValueLocation, offset):
		rng = e.ValueLocation
	default:
		return Hover{}, false
	}
	var b strings.Builder
	if e.Kind == gfpm.SectionHeader {
		if e.Pool == nil {
			return Hover{}, false
		}
		fmt.Fprintf(&b, "**Pool** `%s`\n\n", e.Pool.Name)
		writeSocket(&b, pass, e.Pool)
		return Hover{Markdown: b.String(), Range: rng}, true
	}
	global := e.Pool == nil && isGlobal(e.Section)
	var d *fpm.Directive
	switch {
	case e.Kind == gfpm.ArrayEntry:
		d = fpm.LookupArray(e.Name)
	case global:
		d = fpm.LookupGlobal(e.Name)
	default:
		d = fpm.LookupPool(e.Name)
	}
	if d == nil {
		if e.Kind == gfpm.Entry && strings.EqualFold(e.Name, "include") {
			return Hover{Markdown: fpmIncludeDoc, Range: rng}, true
		}
		return Hover{}, false
	}
	b.WriteString(FPMDoc(d, global, e.Kind == gfpm.ArrayEntry))
	if e.Pool != nil && e.Kind == gfpm.Entry && strings.HasPrefix(strings.ToLower(e.Name), "listen") {
		b.WriteString("\n\n---\n\n")
		writeSocket(&b, pass, e.Pool)
	}
	return Hover{Markdown: b.String(), Range: rng}, true
}

// writeSocket describes the socket php-fpm creates for pool and the
// fastcgi_pass lines that reach it.
func writeSocket(b *strings.Builder, pass *lint.Pass, pool *fpm.Pool) {
	l := pool.Listen
	switch l.Kind {
	case fpm.ListenUnix:
		fmt.Fprintf(b, "php-fpm creates the unix socket `%s`", l.Path)
		if l.PathTruncated {
			b.WriteString(" (truncated to 107 bytes)")
		}
		s := pool.Socket
		if len(s.ACLUsers) > 0 || len(s.ACLGroups) > 0 {
			fmt.Fprintf(b, ", mode `%04o`  \nACL: rw for", s.Mode)
			if len(s.ACLUsers) > 0 {
				fmt.Fprintf(b, " users `%s`", strings.Join(s.ACLUsers, ","))
			}
			if len(s.ACLGroups) > 0 {
				fmt.Fprintf(b, " groups `%s`", strings.Join(s.ACLGroups, ","))
			}
			b.WriteString(" (listen.owner and listen.group are ignored)\n\n")
		} else {
			fmt.Fprintf(b, "  \nowner `%s`, group `%s`, mode `%04o`\n\n", account(s.Owner, s.OwnerUID), account(s.Group, s.GroupGID), s.Mode)
		}
	case fpm.ListenTCP:
		host := l.Host
		if host == "" {
			host = "*"
		}
		fmt.Fprintf(b, "php-fpm listens on TCP `%s:%d`", host, l.Port)
		if len(l.Addresses) > 0 {
			fmt.Fprintf(b, " (binds `%s`)", strings.Join(l.Addresses, "`, `"))
		}
		if pool.AllowedClientsSet {
			fmt.Fprintf(b, "  \nallowed clients: `%s`", strings.Join(pool.AllowedClients, ","))
		}
		b.WriteString("\n\n")
	default:
		b.WriteString("The pool has no usable listen address.\n")
		return
	}
	conns := connectionsTo(pass, pool)
	if len(conns) == 0 {
		b.WriteString("**No fastcgi_pass of the checked nginx configurations connects here.**\n")
		return
	}
	b.WriteString("**Connected from**\n\n")
	for _, c := range conns {
		n := c.target.Pass
		fmt.Fprintf(b, "- `fastcgi_pass %s` (%s)", strings.Join(n.Args(), " "), where(n.Location()))
		if c.dest.Upstream != nil {
			peer := c.reach.Peer.Node
			fmt.Fprintf(b, " through upstream server `%s` (%s)", strings.Join(peer.Args(), " "), where(peer.Location()))
		}
		b.WriteByte('\n')
	}
}

func account(name string, id int) string {
	switch {
	case name != "":
		return name
	case id >= 0:
		return strconv.Itoa(id)
	}
	return "?"
}
