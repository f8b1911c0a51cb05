package rules

import "github.com/fcgilint/fcgilint/lint/diag"

// The suppression rules are reported by lint/suppress after every other rule
// has run: they judge the "fcgilint: ignore" comments themselves, so a
// comment that hides nothing, or hides without saying why, does not rot
// silently (golangci-lint's nolintlint does the same for //nolint).
var (
	SuppressionRule = Register(&Rule{
		ID:       "fcgilint-suppression",
		Title:    "A suppression comment is malformed, has no reason or names an unknown rule",
		Doc:      "A `# fcgilint: ignore[rule] reason` comment (`; fcgilint: …` in php-fpm files) must name known rule IDs in brackets and give a reason after them. A suppression without a reason suppresses nothing; an unknown rule ID is usually a typo.",
		Severity: diag.Warning,
		Tags:     []string{"suppression"},
		Source:   "suppress",
	})
	UnusedSuppressionRule = Register(&Rule{
		ID:       "fcgilint-unused-suppression",
		Title:    "A suppression comment suppresses nothing",
		Doc:      "No finding of the named rule is reported where the suppression applies (in any configuration set the file is part of): the problem was fixed, or the comment is on the wrong line. Remove it, or move it to the line it was meant for.",
		Severity: diag.Warning,
		Tags:     []string{"suppression"},
		Source:   "suppress",
	})
)
