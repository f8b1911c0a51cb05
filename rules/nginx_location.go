package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxLocation follows ngx_http_core_location
// (src/http/ngx_http_core_module.c) and ngx_http_join_exact_locations
// (src/http/ngx_http.c).
var NginxLocation = Register(&Rule{
	ID:       "nginx-location",
	Title:    "Invalid nginx location: modifier, nesting or duplicate",
	Doc:      "A `location` takes a modifier (`=`, `^~`, `~`, `~*`) and a name, or a name alone. A nested location must start with its parent's prefix (`location /foo { location /bar {} }` is refused: `location \"/bar\" is outside location \"/foo\"`); nothing may be nested in an exact (`=`) or named (`@`) location, and named locations belong at the server level. Two prefix locations, or two exact ones, with the same name in the same block are refused too (`duplicate location`). nginx refuses the configuration in every case.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxBlocks(func(_ *nginxconf.Config, block *nginxconf.Node, body []*nginxconf.Node) {
			seen := map[string]*nginxconf.Node{}
			for _, n := range body {
				if n.Name() != "location" || n.Dir.Block == nil {
					continue
				}
				spec, st := n.Spec(p.NginxVersion)
				if st != nginxconf.Known || !spec.AcceptsArgCount(len(n.Dir.Args)) {
					continue
				}
				loc, bad := parseLocation(n.Args())
				report := func(msg string, rel *nginxconf.Node) {
					d := diag.Diagnostic{Rule: "nginx-location", Severity: diag.Error, Message: msg + ": nginx refuses the configuration", Location: n.Location()}
					if rel != nil {
						d.Related = []diag.Related{{Location: rel.Location(), Message: "the other location"}}
					}
					p.Report(d)
				}
				if bad != "" {
					report(bad, nil)
					continue
				}
				if n.Ctx == nginxconf.CtxHTTPLoc && block != nil && block.Dir != nil && block.Name() == "location" && len(block.Dir.Args) >= 1 && len(block.Dir.Args) <= 2 {
					parent, pbad := parseLocation(block.Args())
					if pbad == "" {
						switch {
						case parent.exact:
							report(fmt.Sprintf("location \"%s\" cannot be inside the exact location \"%s\"", loc.name, parent.name), nil)
							continue
						case parent.named:
							report(fmt.Sprintf("location \"%s\" cannot be inside the named location \"%s\"", loc.name, parent.name), nil)
							continue
						case loc.named:
							report(fmt.Sprintf("named location \"%s\" can be on the server level only", loc.name), nil)
							continue
						case !loc.regex && !strings.HasPrefix(loc.name, parent.name):
							report(fmt.Sprintf("location \"%s\" is outside location \"%s\" (a nested location must start with its parent's prefix)", loc.name, parent.name), nil)
							continue
						}
					}
				}
				if loc.regex || loc.named {
					continue
				}
				key := "prefix:" + loc.name
				if loc.exact {
					key = "exact:" + loc.name
				}
				if prev, dup := seen[key]; dup {
					report(fmt.Sprintf("duplicate location \"%s\"", loc.name), prev)
					continue
				}
				seen[key] = n
			}
		})
	},
})

type locationName struct {
	name                 string
	exact, regex, named  bool
	noregex, hasModifier bool
}

// parseLocation reads a location's arguments as ngx_http_core_location
// does; bad is nginx's message for an invalid modifier.
func parseLocation(args []string) (loc locationName, bad string) {
	if len(args) == 2 {
		loc.name, loc.hasModifier = args[1], true
		switch args[0] {
		case "=":
			loc.exact = true
		case "^~":
			loc.noregex = true
		case "~", "~*":
			loc.regex = true
		default:
			return loc, fmt.Sprintf("invalid location modifier \"%s\"", args[0])
		}
		return loc, ""
	}
	name := args[0]
	switch {
	case strings.HasPrefix(name, "="):
		loc.name, loc.exact = name[1:], true
	case strings.HasPrefix(name, "^~"):
		loc.name, loc.noregex = name[2:], true
	case strings.HasPrefix(name, "~*"):
		loc.name, loc.regex = name[2:], true
	case strings.HasPrefix(name, "~"):
		loc.name, loc.regex = name[1:], true
	default:
		loc.name, loc.named = name, strings.HasPrefix(name, "@")
	}
	return loc, ""
}
