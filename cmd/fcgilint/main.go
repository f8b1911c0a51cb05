// Command fcgilint lints nginx and php-fpm configuration and cross-checks
// them: every fastcgi_pass must reach a pool that starts and lets nginx in.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Set by the release build (-ldflags "-X main.version=… -X main.commit=…").
var (
	version = ""
	commit  = ""
)

const usage = `fcgilint: lint nginx and php-fpm configuration, and check that they reach each other

Usage:
  fcgilint check [flags] [PATH...]   lint files or directories (default: this host's configs)
  fcgilint rules                     list the rules
  fcgilint rule ID                   show one rule's documentation
  fcgilint lsp                       serve the language server protocol on stdio
  fcgilint version                   print the version

Run 'fcgilint check -h' for the check flags.
`

// Exit codes, as ruff, actionlint and ShellCheck use them.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitInternal = 3
)

func main() {
	pacing = true
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "fcgilint: internal error: %v\n", r)
			if os.Getenv("FCGILINT_DEBUG") != "" {
				stack := debug.Stack()
				if s, ok := r.(interface{ Stack() []byte }); ok {
					stack = s.Stack()
				}
				fmt.Fprintf(stderr, "%s\n", stack)
			}
			code = exitInternal
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "rule":
		return runRule(args[1:], stdout, stderr)
	case "lsp":
		return runLSP(args[1:], os.Stdin, stdout, stderr)
	case "version", "--version", "-version", "-V":
		fmt.Fprintln(stdout, versionString())
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "fcgilint: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// versionString is "fcgilint VERSION (commit COMMIT)", from the release
// build's flags or from the Go build information (go install).
func versionString() string {
	v, c := version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = pseudoVersionCommit(v)
	}
	if c == "" {
		c = "unknown"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("fcgilint %s (commit %s)", strings.TrimPrefix(v, "v"), c)
}
