package rules

import (
	"fmt"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
)

// FastCGIPassVariable reports fastcgi_pass addresses written with
// variables: those whose values nginx cannot use, and those fcgilint
// cannot follow.
var FastCGIPassVariable = Register(&Rule{
	ID:    "fastcgi-pass-variable",
	Title: "A fastcgi_pass address with variables fails at run time or cannot be checked",
	Doc: "nginx evaluates a `fastcgi_pass` with variables for every request. A unix path or an IP address with a port is connected to directly, and a value naming an `upstream` block uses it; but a host name is resolved with the `resolver` directive's DNS servers, never /etc/hosts — without a `resolver` nginx answers 502 (`no resolver defined to resolve php`) — and a value without a port answers 500 (`no port in upstream`). " +
		"fcgilint follows variables set with constant values by `set` (in the server or the location, including inside `if`) or by a `map` whose values are constants, and checks every value against php-fpm like a written address. Other variables are reported as a note, once php-fpm's pools are known, because those requests are not checked.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "fastcgi", "variables"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		m := fastcgi.Of(p)
		poolsKnown := !fastcgi.ListenersOf(p).Empty()
		for _, t := range m.Targets {
			if !t.Variable() {
				continue
			}
			arg := t.Pass.Args()[0]
			if t.Unresolved != "" && poolsKnown {
				p.Report(diag.Diagnostic{Rule: "fastcgi-pass-variable", Severity: diag.Note, Location: t.Pass.ArgSpan(0),
					Message: fmt.Sprintf("fastcgi_pass %s: fcgilint cannot tell where these requests go (%s), so they are not checked against php-fpm's pools. Write the address, or set the variable with constant values (set, map)", arg, t.Unresolved)})
			}
			for _, d := range t.Dests {
				if d.Failure == "" {
					continue
				}
				var related []diag.Related
				for _, via := range d.Via {
					related = append(related, diag.Related{Location: via.Location(), Message: "gives the value " + d.Value})
				}
				p.Report(diag.Diagnostic{Rule: "fastcgi-pass-variable", Severity: diag.Error, Location: t.Pass.ArgSpan(0), Related: related,
					Message: fmt.Sprintf("fastcgi_pass %s takes the value %s: %s. Use a unix:/path or IP:port value, the name of an upstream block, or add a resolver", arg, d.Value, d.Failure)})
			}
		}
	},
})
