package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxBlockMismatch and NginxArgCount follow ngx_conf_handler's checks, in
// its order: block or ";" first, then the number of arguments.
var NginxArgCount = Register(&Rule{
	ID:       "nginx-arg-count",
	Title:    "Wrong number of arguments for an nginx directive",
	Doc:      "The directive takes a different number of arguments, or it is a block directive written with \";\" (or the other way round). A forgotten \";\" merges two directives into one with too many arguments. nginx refuses the configuration with `invalid number of arguments`, `is not terminated by \";\"` or `has no opening \"{\"`.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			spec, st := n.Spec(p.NginxVersion)
			if st != nginxconf.Known || !n.Dir.Terminated() {
				return
			}
			report := func(loc diag.Location, msg string) {
				p.Report(diag.Diagnostic{Rule: "nginx-arg-count", Severity: diag.Error, Message: msg, Location: loc})
			}
			switch {
			case !spec.IsBlock() && n.Dir.Block != nil:
				report(n.Location(), fmt.Sprintf("directive %q is not terminated by \";\": it is not a block directive, but a \"{\" follows it (a \";\" is probably missing)", n.Name()))
				return
			case spec.IsBlock() && n.Dir.Block == nil:
				report(n.Location(), fmt.Sprintf("directive %q has no opening \"{\": it is a block directive", n.Name()))
				return
			}
			if !spec.AcceptsArgCount(len(n.Dir.Args)) {
				report(n.Location(), fmt.Sprintf("invalid number of arguments in %q directive (%d given): nginx refuses the configuration", n.Name(), len(n.Dir.Args)))
			}
		})
	},
})
