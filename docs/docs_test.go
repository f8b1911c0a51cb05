package docs_test

import (
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/docs"
	"github.com/fcgilint/fcgilint/rules"
)

// Every rule has its page, and the page names the rule: SARIF helpUri, the
// text output and `fcgilint rule ID` all point there.
func TestEveryRuleHasAPage(t *testing.T) {
	if len(rules.All()) == 0 {
		t.Fatal("no rules registered")
	}
	for _, r := range rules.All() {
		page, err := docs.RulePage(r.ID)
		if err != nil {
			t.Errorf("rule %s has no docs/rules/%s.md", r.ID, r.ID)
			continue
		}
		if !strings.HasPrefix(page, "# "+r.ID+"\n") {
			t.Errorf("docs/rules/%s.md does not start with the heading \"# %s\"", r.ID, r.ID)
		}
	}
}
