package rules

import (
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// The nginx grammar and loader report these while reading; they are
// registered here for their documentation.
var (
	_ = Register(&Rule{
		ID:       nginxconf.RuleSyntax,
		Title:    "nginx cannot parse the configuration",
		Doc:      "The file breaks nginx's configuration syntax: a missing \";\" or \"}\", a stray brace, a quote left open, a block where none is allowed. nginx refuses to start or reload with such a file, reporting only the first error; fcgilint reports every one, in nginx's words.",
		Severity: diag.Error,
		Tags:     []string{"nginx", "syntax"},
		Source:   "nginx-parser",
	})
	_ = Register(&Rule{
		ID:       nginxconf.RuleIncludeNotFound,
		Title:    "An included nginx file does not exist",
		Doc:      "An include directive names a file (not a glob) that does not exist. nginx refuses the whole configuration. Relative paths resolve against the directory of the main configuration file (nginx's conf prefix), not against the including file.",
		Severity: diag.Error,
		Tags:     []string{"nginx", "include"},
		Source:   "nginx-loader",
	})
	_ = Register(&Rule{
		ID:       nginxconf.RuleIncludeCycle,
		Title:    "nginx includes form a cycle",
		Doc:      "A file includes itself, directly, through other files or through a glob that matches it. nginx has no cycle detection: it opens the files again and again until it runs out of file descriptors and refuses the configuration.",
		Severity: diag.Error,
		Tags:     []string{"nginx", "include"},
		Source:   "nginx-loader",
	})
	_ = Register(&Rule{
		ID:       nginxconf.RuleIncludeError,
		Title:    "An included nginx file cannot be read",
		Doc:      "An include directive reaches a path that cannot be read as a file: a directory matched by a glob, a file without read permission, a symlink loop, an invalid pattern. nginx refuses the configuration.",
		Severity: diag.Error,
		Tags:     []string{"nginx", "include"},
		Source:   "nginx-loader",
	})
)
