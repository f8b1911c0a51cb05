package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxval"
)

// NginxInvalidValue checks the values nginx's generic setters validate: on/off
// flags, sizes, offsets, times, numbers and their bounds, enumerations.
var NginxInvalidValue = Register(&Rule{
	ID:       "nginx-invalid-value",
	Title:    "Invalid value for an nginx directive",
	Doc:      "The value is not one the directive accepts: a flag other than `on`/`off`, a size such as `10x`, a time with an unknown unit or units out of order (`30m 1h`), a number with a sign or a suffix, a word outside the directive's list. nginx refuses the configuration.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			spec, st := n.Spec(p.NginxVersion)
			if st != nginxconf.Known || !n.Dir.Terminated() || (spec.IsBlock() != (n.Dir.Block != nil)) || !spec.AcceptsArgCount(len(n.Dir.Args)) || len(n.Dir.Args) == 0 {
				return
			}
			name, v := n.Name(), n.Dir.Args[0].Value
			var num int64
			ok := true
			switch spec.Kind {
			case "flag":
				if _, ok := nginxval.Flag(v); !ok {
					invalidValue(p, n, 0, fmt.Sprintf("invalid value %q in %q directive, it must be \"on\" or \"off\"", v, name))
				}
				return
			case "num":
				if num, ok = nginxval.Atoi(v); !ok {
					invalidValue(p, n, 0, fmt.Sprintf("%q directive invalid number %q", name, v))
					return
				}
			case "size":
				if num, ok = nginxval.Size(v); !ok {
					invalidValue(p, n, 0, fmt.Sprintf("%q directive invalid value %q (a size is digits with an optional k or m suffix)", name, v))
					return
				}
			case "off":
				if num, ok = nginxval.Offset(v); !ok {
					invalidValue(p, n, 0, fmt.Sprintf("%q directive invalid value %q (a size is digits with an optional k, m or g suffix)", name, v))
					return
				}
			case "msec", "sec":
				if num, ok = nginxval.Time(v, spec.Kind == "sec"); !ok {
					invalidValue(p, n, 0, fmt.Sprintf("%q directive invalid value %q (a time is a number with units such as 30s, 5m, 1h 30m)", name, v))
					return
				}
			case "bufs":
				if len(n.Dir.Args) == 2 && !nginxval.Bufs(v, n.Dir.Args[1].Value) {
					invalidValue(p, n, 0, fmt.Sprintf("%q directive invalid value %q %q (want a number of buffers and a size)", name, v, n.Dir.Args[1].Value))
				}
				return
			case "enum":
				if !containsFold(spec.Values, v) {
					invalidValue(p, n, 0, fmt.Sprintf("invalid value %q in %q directive (want one of %s)", v, name, strings.Join(spec.Values, ", ")))
				}
				return
			case "bitmask":
				for i, a := range n.Dir.Args {
					if !containsFold(spec.Values, a.Value) {
						invalidValue(p, n, i, fmt.Sprintf("invalid value %q in %q directive (want some of %s)", a.Value, name, strings.Join(spec.Values, ", ")))
					}
				}
				return
			case "custom":
				if check := customValueChecks[spec.Handler]; check != nil {
					check(n, valueReporter{p, n})
				}
				return
			default:
				return
			}
			if spec.Min != nil && num < int64(*spec.Min) || spec.Max != nil && num > int64(*spec.Max) {
				switch {
				case spec.Max == nil:
					invalidValue(p, n, 0, fmt.Sprintf("%q directive value must be equal to or greater than %d", name, *spec.Min))
				case spec.Min == nil:
					invalidValue(p, n, 0, fmt.Sprintf("%q directive value must be equal to or less than %d", name, *spec.Max))
				default:
					invalidValue(p, n, 0, fmt.Sprintf("%q directive value must be between %d and %d", name, *spec.Min, *spec.Max))
				}
			}
		})
		for _, cfg := range p.Nginx {
			checkAccessLogs(p, cfg)
		}
	},
})

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// invalidValue reports argument i of n. It is not a closure in the rule:
// one would be made for each of the tens of thousands of directives checked.
func invalidValue(p *lint.Pass, n *nginxconf.Node, i int, msg string) {
	p.Report(diag.Diagnostic{Rule: "nginx-invalid-value", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: n.ArgSpan(i)})
}

// valueReporter reports a custom check's findings on n's arguments.
type valueReporter struct {
	p *lint.Pass
	n *nginxconf.Node
}

func (r valueReporter) bad(i int, msg string) { invalidValue(r.p, r.n, i, msg) }
