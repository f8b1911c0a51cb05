package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcgilint/fcgilint/internal/textdist"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/nginxdb"
	"github.com/fcgilint/fcgilint/lint/profile"
	"github.com/fcgilint/fcgilint/rules"
)

// The decoder walks yaml.Node trees rather than unmarshalling into structs:
// every key and value keeps its line and column, so each error can point at
// the exact place, and unknown keys are caught with a suggestion.

// Keys of each mapping, in the order the documentation gives them.
var (
	topKeys       = []string{"rules", "ignore", "profile", "root", "fpm", "nginx"}
	ignoreKeys    = []string{"path", "rules"}
	fpmKeys       = []string{"prefix", "env"}
	nginxKeys     = []string{"user", "version", "prefix", "directives"}
	directiveKeys = []string{"name", "contexts", "args", "block", "body"}
	// RuleValues are what a rule may be set to.
	RuleValues = []string{"off", "on", "error", "warning", "note"}
	// DirectiveBodies are what a declared block directive may hold.
	DirectiveBodies = []string{"directives", "entries"}
)

// argsRe is a directive's argument count: "1", "1-3" or "1+".
var argsRe = regexp.MustCompile(`^([0-9])(?:-([0-9])|(\+))?$`)

type decoder struct {
	file string
	cfg  *Config
	errs Errors
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: d.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// yamlLineRe reads the line out of yaml.v3's error messages.
var yamlLineRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// parserProblems are yaml.v3's parser (not scanner) errors, whose line it
// gives counted from 0 (its decode.go adds 1 for scanner errors only); the
// line is where the mapping or list being parsed starts.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

func (d *decoder) decode(data []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		for _, msg := range strings.Split(err.Error(), "\n") {
			msg = strings.TrimSpace(msg)
			if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
				line, _ := strconv.Atoi(m[1])
				if parserProblems[m[2]] {
					line++
				}
				d.errs = append(d.errs, &Error{File: d.file, Line: line, Msg: "invalid YAML: " + m[2]})
			} else if msg != "" && msg != "yaml: unmarshal errors:" {
				d.errs = append(d.errs, &Error{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")})
			}
		}
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // an empty file changes nothing
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return
	}
	d.mapping(root, "", topKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "rules":
			d.rules(v)
		case "ignore":
			d.ignore(v)
		case "profile":
			d.profile(v)
		case "root":
			d.root(v)
		case "fpm":
			d.fpm(v)
		case "nginx":
			d.nginx(v)
		}
	})
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// kindName names what a node is, for "want X, got Y".
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

func where(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// mapping calls fn for each entry of the mapping n (nothing for null),
// reporting unknown and repeated keys. at names the mapping in messages
// ("" for the top level).
func (d *decoder) mapping(n *yaml.Node, at string, keys []string, fn func(key string, k, v *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		if at == "" {
			d.errorf(n, "want a mapping of settings at the top level, got %s", kindName(n))
		} else {
			d.errorf(n, "%s: want a mapping, got %s", at, kindName(n))
		}
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: a key must be a plain name, got %s", nonEmpty(at, "top level"), kindName(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorf(k, "key %q repeated (first at line %d)", where(at, k.Value), line)
			continue
		}
		seen[k.Value] = k.Line
		if keys != nil && !contains(keys, k.Value) {
			in := ""
			if at != "" {
				in = " in " + at
			}
			d.errorf(k, "unknown key %q%s%s", k.Value, in, didYouMean(k.Value, keys, fmt.Sprintf(" (valid keys: %s)", strings.Join(keys, ", "))))
			continue
		}
		fn(k.Value, k, v)
	}
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sequence calls fn for each item of the list n (nothing for null).
func (d *decoder) sequence(n *yaml.Node, at string, fn func(item *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list, got %s", at, kindName(n))
		return
	}
	for _, item := range n.Content {
		fn(resolve(item))
	}
}

// str reads a string. Numbers are taken as written when numbers is set
// (a version such as 1.24 reads as a number in YAML).
func (d *decoder) str(n *yaml.Node, at string, numbers bool) (string, bool) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str":
			return n.Value, true
		case "!!int", "!!float":
			if numbers {
				return n.Value, true
			}
		}
	}
	d.errorf(n, "%s: want a string, got %s", at, kindName(n))
	return "", false
}

func (d *decoder) absPath(n *yaml.Node, at string) (string, bool) {
	s, ok := d.str(n, at, false)
	if !ok {
		return "", false
	}
	if !strings.HasPrefix(s, "/") {
		d.errorf(n, "%s: want an absolute path on the target machine, got %q", at, s)
		return "", false
	}
	return filepath.Clean(s), true
}

func (d *decoder) ruleID(n *yaml.Node, at string) (string, bool) {
	id, ok := d.str(n, at, false)
	if !ok {
		return "", false
	}
	if rules.Get(id) == nil {
		d.errorf(n, "unknown rule %q in %s%s", id, at, didYouMean(id, ruleIDs(), "; 'fcgilint rules' lists them"))
		return "", false
	}
	return id, true
}

func ruleIDs() []string {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	return ids
}

func (d *decoder) rules(n *yaml.Node) {
	d.cfg.Rules = map[string]RuleSetting{}
	d.mapping(n, "rules", nil, func(_ string, k, v *yaml.Node) {
		id, ok := d.ruleID(k, "rules")
		if !ok {
			return
		}
		val := ""
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
			val = v.Value
		}
		var set RuleSetting
		switch val {
		case "off":
			set.Off = true
		case "on":
		case "error", "warning", "note":
			set.Severity, _ = diag.ParseSeverity(val)
		default:
			d.errorf(v, "rules.%s: want %s or %s, got %s", id, strings.Join(RuleValues[:len(RuleValues)-1], ", "), RuleValues[len(RuleValues)-1], kindName(v))
			return
		}
		d.cfg.Rules[id] = set
	})
}

func (d *decoder) ignore(n *yaml.Node) {
	d.sequence(n, "ignore", func(item *yaml.Node) {
		var ig Ignore
		hasPath := false
		d.mapping(item, "ignore entry", ignoreKeys, func(key string, k, v *yaml.Node) {
			switch key {
			case "path":
				p, ok := d.str(v, "ignore.path", false)
				if !ok {
					return
				}
				hasPath = true
				if p == "" || !ValidGlob(p) {
					d.errorf(v, "ignore.path: %q is not a valid glob pattern", p)
					return
				}
				ig.Path = filepath.ToSlash(p)
			case "rules":
				d.sequence(v, "ignore.rules", func(r *yaml.Node) {
					if id, ok := d.ruleID(r, "ignore.rules"); ok {
						ig.Rules = append(ig.Rules, id)
					}
				})
			}
		})
		if item.Kind == yaml.MappingNode && !hasPath {
			d.errorf(item, "ignore entry: \"path\" is required")
			return
		}
		if ig.Path != "" {
			d.cfg.Ignore = append(d.cfg.Ignore, ig)
		}
	})
}

func (d *decoder) profile(n *yaml.Node) {
	name, ok := d.str(n, "profile", false)
	if !ok {
		return
	}
	names := profile.Names()
	if !contains(names, name) {
		hint := ""
		if p := profile.Get(name); p != nil {
			hint = fmt.Sprintf(" (did you mean %q?)", p.Name)
		} else {
			hint = didYouMean(name, names, "")
		}
		d.errorf(n, "unknown profile %q: want one of %s%s", name, strings.Join(names, ", "), hint)
		return
	}
	d.cfg.Profile = name
}

func (d *decoder) root(n *yaml.Node) {
	p, ok := d.str(n, "root", false)
	if !ok {
		return
	}
	if p == "" {
		d.errorf(n, "root: want a directory, got an empty string")
		return
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(d.cfg.Dir(), p)
	}
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		d.errorf(n, "root: %s is not a directory", p)
		return
	}
	d.cfg.Root = filepath.Clean(p)
}

func (d *decoder) fpm(n *yaml.Node) {
	d.mapping(n, "fpm", fpmKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "prefix":
			d.cfg.FPM.Prefix, _ = d.absPath(v, "fpm.prefix")
		case "env":
			d.cfg.FPM.Env = map[string]string{}
			d.mapping(v, "fpm.env", nil, func(name string, k, v *yaml.Node) {
				if name == "" || strings.ContainsAny(name, "= \t") {
					d.errorf(k, "fpm.env: %q is not a variable name", name)
					return
				}
				switch {
				case isNull(v):
					d.cfg.FPM.Env[name] = ""
				case v.Kind == yaml.ScalarNode:
					d.cfg.FPM.Env[name] = v.Value
				default:
					d.errorf(v, "fpm.env.%s: want a string, got %s", name, kindName(v))
				}
			})
		}
	})
}

func (d *decoder) nginx(n *yaml.Node) {
	var dirsNode *yaml.Node
	d.mapping(n, "nginx", nginxKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "user":
			u, ok := d.str(v, "nginx.user", false)
			if !ok {
				return
			}
			if f := strings.Fields(u); len(f) < 1 || len(f) > 2 {
				d.errorf(v, "nginx.user: want a user and optionally a group (\"www-data\" or \"www-data www-data\"), got %q", u)
				return
			}
			d.cfg.Nginx.User = strings.Join(strings.Fields(u), " ")
		case "version":
			s, ok := d.str(v, "nginx.version", true)
			if !ok {
				return
			}
			if _, ok := nginxdb.CompareVersions(s, s); !ok {
				d.errorf(v, "nginx.version: want a version such as \"1.22.1\", got %q", s)
				return
			}
			d.cfg.Nginx.Version = s
		case "prefix":
			d.cfg.Nginx.Prefix, _ = d.absPath(v, "nginx.prefix")
		case "directives":
			dirsNode = v
			d.sequence(v, "nginx.directives", d.directive)
		}
	})
	if len(d.cfg.Nginx.Directives) > 0 {
		x, err := nginxconf.NewExtra(d.cfg.Nginx.Directives)
		if err != nil {
			d.errorf(dirsNode, "nginx.directives: %v", err)
			return
		}
		d.cfg.Nginx.Extra = x
	}
}

func (d *decoder) directive(item *yaml.Node) {
	x := nginxconf.ExtraDirective{MaxArgs: -1}
	var hasName, hasContexts, isBlock bool
	var bodyNode *yaml.Node
	ok := true
	d.mapping(item, "nginx.directives entry", directiveKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			name, good := d.str(v, "nginx.directives.name", false)
			if !good {
				ok = false
				return
			}
			if name == "" || strings.ContainsAny(name, " \t\r\n;{}\"'#") {
				d.errorf(v, "nginx.directives.name: %q is not a directive name", name)
				ok = false
				return
			}
			x.Name, hasName = name, true
		case "contexts":
			valid := nginxconf.ExtraContextNames()
			if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
				// A single context may be written without a list.
				v = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{v}, Line: v.Line, Column: v.Column}
			}
			d.sequence(v, "nginx.directives.contexts", func(c *yaml.Node) {
				name, good := d.str(c, "nginx.directives.contexts", false)
				if !good {
					ok = false
					return
				}
				if !contains(valid, name) {
					d.errorf(c, "nginx.directives.contexts: unknown context %q: want some of %s%s", name, strings.Join(valid, ", "), didYouMean(name, valid, ""))
					ok = false
					return
				}
				x.Contexts = append(x.Contexts, name)
				hasContexts = true
			})
		case "args":
			s, good := d.str(v, "nginx.directives.args", true)
			m := argsRe.FindStringSubmatch(s)
			if !good || m == nil {
				if good {
					d.errorf(v, "nginx.directives.args: want a count such as \"1\", a range such as \"1-3\", or \"0+\", \"1+\" or \"2+\", got %q", s)
				}
				ok = false
				return
			}
			x.MinArgs, _ = strconv.Atoi(m[1])
			switch {
			case m[3] == "+":
				x.MaxArgs = -1
				if x.MinArgs > 2 {
					d.errorf(v, "nginx.directives.args: nginx can only require \"0+\", \"1+\" or \"2+\" arguments, not %q", s)
					ok = false
				}
			case m[2] != "":
				x.MaxArgs, _ = strconv.Atoi(m[2])
				if x.MaxArgs < x.MinArgs || x.MaxArgs > 7 {
					d.errorf(v, "nginx.directives.args: %q is not a range of 0 to 7 arguments", s)
					ok = false
				}
			default:
				x.MaxArgs = x.MinArgs
				if x.MinArgs > 7 {
					d.errorf(v, "nginx.directives.args: nginx directives take at most 7 arguments")
					ok = false
				}
			}
		case "block":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				d.errorf(v, "nginx.directives.block: want true or false, got %s", kindName(v))
				ok = false
				return
			}
			isBlock = v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
		case "body":
			body, good := d.str(v, "nginx.directives.body", false)
			if !good {
				ok = false
				return
			}
			if !contains(DirectiveBodies, body) {
				d.errorf(v, "nginx.directives.body: want %s, got %q", strings.Join(DirectiveBodies, " or "), body)
				ok = false
				return
			}
			bodyNode = v
			x.Entries = body == "entries"
		}
	})
	if item.Kind != yaml.MappingNode {
		return
	}
	if !hasName {
		d.errorf(item, "nginx.directives entry: \"name\" is required")
		ok = false
	}
	if !hasContexts {
		d.errorf(item, "nginx.directives entry: \"contexts\" is required (some of %s)", strings.Join(nginxconf.ExtraContextNames(), ", "))
		ok = false
	}
	if bodyNode != nil && !isBlock {
		d.errorf(bodyNode, "nginx.directives.body: only a block directive (block: true) has a body")
		ok = false
	}
	x.Block = isBlock
	if ok {
		d.cfg.Nginx.Directives = append(d.cfg.Nginx.Directives, x)
	}
}

// didYouMean suggests the option closest to s, or returns otherwise.
func didYouMean(s string, options []string, otherwise string) string {
	sorted := append([]string(nil), options...)
	sort.Strings(sorted)
	if best := textdist.Suggest(s, sorted, nil); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return otherwise
}
