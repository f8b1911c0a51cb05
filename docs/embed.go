// Package docs embeds the rule documentation pages (docs/rules/ID.md) so
// that `fcgilint rule ID` prints the same page the SARIF helpUri links to.
package docs

import (
	"embed"
)

//go:embed rules/*.md
var rulePages embed.FS

// RulePage returns the Markdown page of rule id.
func RulePage(id string) (string, error) {
	b, err := rulePages.ReadFile("rules/" + id + ".md")
	return string(b), err
}
