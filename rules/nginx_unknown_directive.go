package rules

import (
	"fmt"
	"strings"
	"sync"

	"github.com/fcgilint/fcgilint/internal/textdist"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// NginxUnknownDirective: a name no module of nginx (or of the well-known
// third-party modules) defines. nginx refuses the configuration.
var NginxUnknownDirective = Register(&Rule{
	ID:       "nginx-unknown-directive",
	Title:    "Unknown nginx directive",
	Doc:      "No module of nginx, nor of the widely used third-party modules fcgilint knows (lua, njs, headers-more, geoip2, brotli, …), defines a directive of this name: usually a typo, or a module that is not loaded. nginx refuses the configuration with `unknown directive`.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			if _, st := n.Spec(p.NginxVersion); st != nginxconf.Unknown {
				return
			}
			if bom := "\ufeff"; strings.HasPrefix(n.Name(), bom) {
				// An editor on Windows saved the file with a byte order
				// mark, which nginx reads as part of the first name.
				start := n.Dir.Name.Pos
				p.Report(diag.Diagnostic{Rule: "nginx-unknown-directive", Severity: diag.Error,
					Message:  fmt.Sprintf("unknown directive %q: the file starts with a UTF-8 byte order mark, which nginx reads as part of the first directive's name, and refuses the configuration; save the file as UTF-8 without a BOM", n.Name()),
					Location: n.Location(),
					Fixes: []diag.Fix{{Title: "Remove the byte order mark",
						Edits: []diag.TextEdit{{Location: nginxconf.RangeOf(n.File, start, start+len(bom))}}}}})
				return
			}
			msg := fmt.Sprintf("unknown directive %q: nginx refuses the configuration", n.Name())
			s := suggest(n.Name(), n.Ctx, p.NginxVersion)
			if other := nginxdb.Lookup(n.Name()); len(other) > 0 && p.NginxVersion != "" {
				msg = fmt.Sprintf("unknown directive %q in nginx %s (%s)", n.Name(), p.NginxVersion, versionSpan(other[0]))
			} else if s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			d := diag.Diagnostic{Rule: "nginx-unknown-directive", Severity: diag.Error, Message: msg, Location: n.Location()}
			if s != "" && !n.Dir.Name.Quoted() {
				d.Fixes = []diag.Fix{{Title: fmt.Sprintf("Replace with %q", s), Edits: []diag.TextEdit{{Location: n.NameLocation(), NewText: s}}}}
			}
			p.Report(d)
		})
	},
})

func versionSpan(d *nginxdb.Directive) string {
	switch {
	case d.Since != "" && d.Until != "":
		return fmt.Sprintf("it exists from %s to %s", d.Since, d.Until)
	case d.Since != "":
		return fmt.Sprintf("it was added in %s", d.Since)
	case d.Until != "":
		return fmt.Sprintf("it was removed after %s", d.Until)
	}
	return "it belongs to " + d.Module
}

// suggest returns the known directive closest to name, preferring those
// allowed where it stands (a misspelt "fastcgi_pas" in a location is
// fastcgi_pass), or "".
func suggest(name string, ctx nginxconf.Context, version string) string {
	return textdist.Suggest(name, directiveNames(), func(cand string) bool {
		_, st := nginxconf.Lookup(cand, ctx, version)
		return st == nginxconf.Known
	})
}

var directiveNames = sync.OnceValue(func() []string {
	seen := map[string]bool{}
	var names []string
	for _, d := range nginxdb.All() {
		if !seen[d.Name] {
			seen[d.Name] = true
			names = append(names, d.Name)
		}
	}
	return names
})
