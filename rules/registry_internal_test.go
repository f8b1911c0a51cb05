package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/lint"
)

// A panicking rule must not take the process down from a worker goroutine:
// runOne hands the panic back, naming the rule, with the rule's own stack.
func TestRunOneRecoversAPanic(t *testing.T) {
	var got error
	runOne(&Rule{ID: "boom", Run: func(*lint.Pass) { panic("kaput") }}, &lint.Pass{}, func(err error) { got = err })
	var rp *RulePanic
	if !errors.As(got, &rp) {
		t.Fatalf("want a *RulePanic, got %v", got)
	}
	if rp.Error() != "rule boom: kaput" {
		t.Errorf("message %q", rp.Error())
	}
	if !strings.Contains(string(rp.Stack()), "TestRunOneRecoversAPanic") {
		t.Errorf("the stack does not lead back to the rule's caller:\n%s", rp.Stack())
	}
}
