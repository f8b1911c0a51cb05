package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxDuplicateDirective: a directive nginx allows once per block, given
// twice in the same block (includes count as the same block).
var NginxDuplicateDirective = Register(&Rule{
	ID:       "nginx-duplicate-directive",
	Title:    "nginx directive given twice in the same block",
	Doc:      "Most nginx directives that set one value (`root`, `gzip`, `fastcgi_pass`, `client_max_body_size`, …) may appear once per block; a second occurrence, often from an included snippet that sets it too, makes nginx refuse the configuration with `directive is duplicate`. `root` and `alias` share one setting and exclude each other.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxBlocks(func(_ *nginxconf.Config, _ *nginxconf.Node, body []*nginxconf.Node) {
			first := map[string]*nginxconf.Node{}
			for _, n := range body {
				spec, st := n.Spec(p.NginxVersion)
				if st != nginxconf.Known || !spec.Duplicate || !n.Dir.Terminated() || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					continue
				}
				key := n.Name()
				if key == "alias" {
					key = "root" // one setting, two directives
				}
				prev, seen := first[key]
				if !seen {
					first[key] = n
					continue
				}
				msg := fmt.Sprintf("%q directive is duplicate: nginx refuses the configuration; remove one of them", n.Name())
				if prev.Name() != n.Name() {
					msg = fmt.Sprintf("%q directive is duplicate, %q directive was specified earlier: nginx refuses the configuration", n.Name(), prev.Name())
				}
				p.Report(diag.Diagnostic{Rule: "nginx-duplicate-directive", Severity: diag.Error, Message: msg, Location: n.Location(),
					Related: []diag.Related{{Location: prev.NameLocation(), Message: "first set here"}}})
			}
		})
	},
})
