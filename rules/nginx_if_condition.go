package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxIfCondition validates `if (...)` conditions as the rewrite module's
// ngx_http_rewrite_if_condition does.
var NginxIfCondition = Register(&Rule{
	ID:       "nginx-if-condition",
	Title:    "Invalid condition in an nginx if",
	Doc:      "An `if` condition must be written in parentheses: a variable alone, a variable compared with `=`, `!=`, `~`, `~*`, `!~`, `!~*`, or a file test `-f`, `-d`, `-e`, `-x` (or negated). A missing parenthesis, a space inside an unquoted regex, or an unknown operator makes nginx refuse the configuration with `invalid condition` or `unexpected … in condition`.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			if n.Name() != "if" || n.Dir.Block == nil || len(n.Dir.Args) == 0 {
				return
			}
			if _, st := n.Spec(p.NginxVersion); st != nginxconf.Known {
				return
			}
			if i, msg := ifConditionError(n.Args()); msg != "" {
				p.Report(diag.Diagnostic{Rule: "nginx-if-condition", Severity: diag.Error,
					Message: msg + ": nginx refuses the configuration", Location: n.ArgSpan(i)})
			}
		})
	},
})

// ifConditionError returns the index of the offending argument and nginx's
// message, or "" when the condition is valid.
func ifConditionError(args []string) (int, string) {
	v := append([]string{}, args...)
	last := len(v) - 1
	if !strings.HasPrefix(v[0], "(") {
		return 0, fmt.Sprintf("invalid condition %q", v[0])
	}
	cur := 0
	if v[0] == "(" {
		cur = 1
	} else {
		v[0] = v[0][1:]
	}
	if !strings.HasSuffix(v[last], ")") {
		return last, fmt.Sprintf("invalid condition %q", args[last])
	}
	if v[last] == ")" {
		last--
	} else {
		v[last] = v[last][:len(v[last])-1]
	}
	if cur > last || cur >= len(v) {
		return 0, fmt.Sprintf("invalid condition %q", args[0])
	}
	p := v[cur]
	if len(p) > 1 && p[0] == '$' {
		if cur != last && cur+2 != last {
			return cur, fmt.Sprintf("invalid condition %q", p)
		}
		if cur == last {
			return -1, ""
		}
		op := v[cur+1]
		switch op {
		case "=", "!=", "~", "~*", "!~", "!~*":
			return -1, ""
		}
		return cur + 1, fmt.Sprintf("unexpected %q in condition", op)
	}
	if (len(p) == 2 && p[0] == '-') || (len(p) == 3 && p[0] == '!' && p[1] == '-') {
		if cur+1 != last {
			return cur, fmt.Sprintf("invalid condition %q", p)
		}
		switch p[len(p)-1] {
		case 'f', 'd', 'e', 'x':
			return -1, ""
		}
		return cur, fmt.Sprintf("unexpected %q in condition", p)
	}
	return cur, fmt.Sprintf("invalid condition %q", p)
}
