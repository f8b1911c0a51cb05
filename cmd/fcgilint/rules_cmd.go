package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/fcgilint/fcgilint/docs"
	"github.com/fcgilint/fcgilint/rules"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "fcgilint: usage: fcgilint rules")
		return exitUsage
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tDESCRIPTION")
	for _, r := range rules.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
	}
	tw.Flush()
	return exitOK
}

func runRule(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "fcgilint: usage: fcgilint rule ID")
		return exitUsage
	}
	r := rules.Get(args[0])
	if r == nil {
		fmt.Fprintf(stderr, "fcgilint: no rule %q (see 'fcgilint rules')\n", args[0])
		return exitUsage
	}
	page, err := docs.RulePage(r.ID)
	if err != nil {
		fmt.Fprintf(stdout, "%s (%s)\n\n%s\n\n%s\n", r.ID, r.Severity, r.Title, r.Doc)
	} else {
		fmt.Fprint(stdout, page)
	}
	fmt.Fprintf(stdout, "\n%s\n", r.HelpURI())
	return exitOK
}
