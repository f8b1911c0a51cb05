package rules

import (
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxNoEvents follows ngx_event_init_conf (src/event/ngx_event.c): after
// reading the configuration, nginx refuses it when no events block was
// given.
var NginxNoEvents = Register(&Rule{
	ID:       "nginx-no-events",
	Title:    "nginx main configuration without an events block",
	Doc:      "A main configuration must have an `events { }` block at its top level, even an empty one. Without it nginx refuses the configuration with `no \"events\" section in configuration` (a message without a file or line). Files checked on their own, without the main configuration that includes them, are not concerned.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for _, cfg := range p.Nginx {
			if cfg.Standalone || cfg.Root.Ctx != nginxconf.CtxMain {
				continue
			}
			f := cfg.Files[cfg.Main]
			if f == nil {
				continue
			}
			found := false
			for _, n := range cfg.Root.Block() {
				if n.Name() == "events" && n.Dir.Block != nil {
					found = true
					break
				}
			}
			if !found {
				p.Report(diag.Diagnostic{Rule: "nginx-no-events", Severity: diag.Error,
					Message:  `no "events" section in configuration: nginx refuses a main configuration without one; add "events { }" at the top level`,
					Location: nginxconf.RangeOf(f, 0, 0)})
			}
		}
	},
})
