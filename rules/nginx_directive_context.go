package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxDirectiveNotAllowed: a known directive in a block where no module
// accepts it (fastcgi_pass at server level, location inside upstream…).
var NginxDirectiveNotAllowed = Register(&Rule{
	ID:       "nginx-directive-not-allowed",
	Title:    "nginx directive used where it is not allowed",
	Doc:      "The directive exists but not in this context: for example `fastcgi_pass` directly in `server` (it belongs in `location`), `location` in `http`, or a `server` meant for http inside `stream`. A misplaced or missing \"}\" often causes this. nginx refuses the configuration with `directive is not allowed here`.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			if _, st := n.Spec(p.NginxVersion); st != nginxconf.NotAllowed {
				return
			}
			p.Report(diag.Diagnostic{Rule: "nginx-directive-not-allowed", Severity: diag.Error,
				Message:  fmt.Sprintf("%q directive is not allowed here (in %s): nginx refuses the configuration; move it to a block where it belongs, or check for a misplaced \"}\"", n.Name(), n.Ctx),
				Location: n.Location()})
		})
	},
})
