package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// NginxRegex reports regular expressions that PCRE refuses to compile, for
// the structural mistakes that do not depend on PCRE's many extensions:
// unbalanced parentheses, an unterminated character class, a quantifier
// with nothing to repeat. Anything subtler is left to PCRE: fcgilint does
// not carry a PCRE implementation, and Go's regexp package accepts a
// different language.
var NginxRegex = Register(&Rule{
	ID:       "nginx-regex",
	Title:    "nginx regular expression that PCRE cannot compile",
	Doc:      "nginx compiles the regular expressions of `location ~`, `rewrite`, `if (… ~ …)`, `map` keys, `server_name ~`, `fastcgi_split_path_info`, `gzip_disable` and `proxy_redirect ~` when it reads the configuration, with PCRE. A missing or extra parenthesis, a `[` without its `]`, or a quantifier with nothing before it (`location ~ *.php$`, where `~*` was meant) make nginx refuse the configuration with `pcre2_compile() failed: missing closing parenthesis in \"…\"` and similar. fcgilint checks this structure; other PCRE errors are not detected.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "correctness"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		p.NginxDirectives(func(_ *nginxconf.Config, n *nginxconf.Node) {
			check := func(i int, re string) {
				if msg := pcreStructureError(re); msg != "" {
					p.Report(diag.Diagnostic{Rule: "nginx-regex", Severity: diag.Error,
						Message:  fmt.Sprintf("pcre2_compile() failed: %s in \"%s\": nginx refuses the configuration", msg, re),
						Location: n.ArgSpan(i)})
				}
			}
			if n.Ctx == nginxconf.CtxEntries {
				// map keys: ~regex or ~*regex.
				if o := nginxconf.EntryOwner(n); o != nil && o.Name() == "map" && len(n.Dir.Args) == 1 && n.Dir.Terminated() && n.Dir.Block == nil {
					if k := n.Name(); strings.HasPrefix(k, "~") {
						if msg := pcreStructureError(strings.TrimPrefix(k[1:], "*")); msg != "" {
							p.Report(diag.Diagnostic{Rule: "nginx-regex", Severity: diag.Error,
								Message:  fmt.Sprintf("pcre2_compile() failed: %s in \"%s\": nginx refuses the configuration", msg, strings.TrimPrefix(k[1:], "*")),
								Location: n.Location()})
						}
					}
				}
				return
			}
			spec, st := n.Spec(p.NginxVersion)
			if st != nginxconf.Known || !n.Dir.Terminated() || !spec.AcceptsArgCount(len(n.Dir.Args)) || len(n.Dir.Args) == 0 || spec.IsBlock() != (n.Dir.Block != nil) {
				return
			}
			args := n.Args()
			switch n.Name() {
			case "location":
				loc, bad := parseLocation(args)
				if bad == "" && loc.regex {
					check(len(args)-1, loc.name)
				}
			case "rewrite", "fastcgi_split_path_info":
				check(0, args[0])
			case "gzip_disable":
				for i, a := range args {
					if a != "msie6" && a != "degradation" {
						check(i, a)
					}
				}
			case "server_name":
				for i, a := range args {
					if strings.HasPrefix(a, "~") {
						check(i, a[1:])
					}
				}
			case "proxy_redirect":
				if strings.HasPrefix(args[0], "~") {
					check(0, strings.TrimPrefix(args[0][1:], "*"))
				}
			case "if":
				if _, msg := ifConditionError(args); msg != "" {
					return
				}
				if i, re, ok := ifRegex(args); ok {
					check(i, re)
				}
			}
		})
	},
})

// ifToken is an argument of an if condition with its index.
type ifToken struct {
	i int
	s string
}

// ifOperands returns the arguments of an if condition without the
// surrounding parentheses (a lone "(" or ")" is dropped, an attached one
// trimmed), each with its argument index.
func ifOperands(args []string) []ifToken {
	var v []ifToken
	for i, a := range args {
		v = append(v, ifToken{i, a})
	}
	if v[0].s == "(" {
		v = v[1:]
	} else {
		v[0].s = strings.TrimPrefix(v[0].s, "(")
	}
	if len(v) == 0 {
		return nil
	}
	if v[len(v)-1].s == ")" {
		v = v[:len(v)-1]
	} else {
		v[len(v)-1].s = strings.TrimSuffix(v[len(v)-1].s, ")")
	}
	return v
}

// ifRegex returns the regular expression of an if condition, if it has one.
func ifRegex(args []string) (int, string, bool) {
	v := ifOperands(args)
	if len(v) == 0 {
		return 0, "", false
	}
	if len(v) == 3 {
		switch v[1].s {
		case "~", "~*", "!~", "!~*":
			return v[2].i, v[2].s, true
		}
	}
	return 0, "", false
}

// pcreStructureError returns PCRE2's message for the structural errors of
// re, or "".
func pcreStructureError(re string) string {
	depth := 0
	canRepeat := false // whether a quantifier here has something to repeat
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch c {
		case '\\':
			if i+1 < len(re) && re[i+1] == 'Q' {
				end := strings.Index(re[i+2:], `\E`)
				if end < 0 {
					return ""
				}
				i += 2 + end + 1
				canRepeat = true
				continue
			}
			i++
			canRepeat = true
		case '[':
			j := i + 1
			if j < len(re) && re[j] == '^' {
				j++
			}
			if j < len(re) && re[j] == ']' {
				j++
			}
			closed := false
			for ; j < len(re); j++ {
				switch {
				case re[j] == '\\':
					j++
				case re[j] == '[' && j+1 < len(re) && (re[j+1] == ':' || re[j+1] == '.' || re[j+1] == '='):
					if end := strings.Index(re[j+2:], string(re[j+1])+"]"); end >= 0 {
						j += 2 + end + 1
					}
				case re[j] == ']':
					closed = true
				}
				if closed {
					break
				}
			}
			if !closed {
				return "missing terminating ] for character class"
			}
			i = j
			canRepeat = true
		case '(':
			if strings.HasPrefix(re[i:], "(?#") {
				end := strings.IndexByte(re[i:], ')')
				if end < 0 {
					return "missing ) after (?# comment"
				}
				i += end
				continue
			}
			depth++
			canRepeat = false
			if i+1 < len(re) && re[i+1] == '?' {
				i++ // (?: (?= (?<name> …: the "?" is not a quantifier
			} else if i+1 < len(re) && re[i+1] == '*' {
				// (*VERB) and (*positive_lookahead: …): PCRE2 syntax, left to it.
				i++
			}
		case ')':
			if depth == 0 {
				return "unmatched closing parenthesis"
			}
			depth--
			canRepeat = true
		case '|':
			canRepeat = false
		case '*', '+', '?':
			if !canRepeat {
				return "quantifier does not follow a repeatable item"
			}
			// A following ? or + makes it lazy or possessive.
			if i+1 < len(re) && (re[i+1] == '?' || re[i+1] == '+') {
				i++
			}
			canRepeat = false
		case '^', '$':
			canRepeat = false
		default:
			canRepeat = true
		}
	}
	if depth > 0 {
		return "missing closing parenthesis"
	}
	return ""
}

// pcreCaptures counts the capturing groups of a regular expression whose
// structure pcreStructureError accepts: "(" not followed by "?", and the
// named groups (?<name>…), (?P<name>…) and (?'name'…).
func pcreCaptures(re string) int {
	n := 0
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			if i+1 < len(re) && re[i+1] == 'Q' {
				if end := strings.Index(re[i+2:], `\E`); end >= 0 {
					i += 2 + end + 1
					continue
				}
				return n
			}
			i++
		case '[':
			j := i + 1
			if j < len(re) && re[j] == '^' {
				j++
			}
			if j < len(re) && re[j] == ']' {
				j++
			}
			for ; j < len(re) && re[j] != ']'; j++ {
				if re[j] == '\\' {
					j++
				} else if re[j] == '[' && j+1 < len(re) && re[j+1] == ':' {
					if end := strings.Index(re[j+2:], ":]"); end >= 0 {
						j += 2 + end + 1
					}
				}
			}
			i = j
		case '(':
			rest := re[i+1:]
			switch {
			case !strings.HasPrefix(rest, "?") && !strings.HasPrefix(rest, "*"):
				n++
			case strings.HasPrefix(rest, "?<") && !strings.HasPrefix(rest, "?<=") && !strings.HasPrefix(rest, "?<!"),
				strings.HasPrefix(rest, "?P<"), strings.HasPrefix(rest, "?'"):
				n++
			}
		}
	}
	return n
}
