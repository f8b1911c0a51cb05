// Package rules holds every rule fcgilint reports, one file per rule (or per
// family of diagnostics a grammar or loader reports), with the ID, the
// documentation and the default severity that every output shows.
package rules

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
)

// DocsBase is where the rule pages are published; docs/rules/ID.md in the repo.
const DocsBase = "https://github.com/fcgilint/fcgilint/blob/main/docs/rules/"

// Rule describes one kind of finding.
type Rule struct {
	ID       string        // stable kebab-case ID, e.g. "fastcgi-pass-no-listener"
	Title    string        // one sentence, no trailing period: SARIF shortDescription
	Doc      string        // a paragraph: what is checked and why it breaks
	Severity diag.Severity // default severity
	Tags     []string      // "nginx", "php-fpm", "syntax", "security", ...
	// SecuritySeverity is GitHub's CVSS-like score ("8.8") for security rules;
	// empty for the rest.
	SecuritySeverity string
	// Source says which stage reports the rule: "nginx-parser", "nginx-loader",
	// "fpm-parser", "fpm-loader", or "rule" for checks over the model.
	Source string
	// Run checks the model and reports through the pass; nil for rules that
	// a grammar or loader reports while reading.
	Run func(*lint.Pass)
}

// HelpURI is the rule's documentation page.
func (r *Rule) HelpURI() string { return DocsBase + r.ID + ".md" }

var (
	mu       sync.RWMutex
	registry = map[string]*Rule{}
)

// Register adds r; IDs must be unique.
func Register(r *Rule) *Rule {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[r.ID]; dup {
		panic(fmt.Sprintf("rules: %s registered twice", r.ID))
	}
	if r.Severity == diag.None {
		panic(fmt.Sprintf("rules: %s has no default severity", r.ID))
	}
	registry[r.ID] = r
	return r
}

// Get returns the rule with id, or nil.
func Get(id string) *Rule {
	mu.RLock()
	defer mu.RUnlock()
	return registry[id]
}

// All returns every rule, sorted by ID.
func All() []*Rule {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Run runs every rule that checks the model over p. Rules only read the
// model, so they run side by side; the directive lookups, block bodies and
// the index by name they all share are made once first (Config.Prepare),
// because they are cached on the nodes.
func Run(p *lint.Pass) { RunSelected(p, nil) }

// RunSelected is Run for the rules enabled accepts (all when it is nil): a
// rule turned off in the configuration file costs nothing.
func RunSelected(p *lint.Pass, enabled func(id string) bool) {
	for _, cfg := range p.Nginx {
		cfg.Prepare(p.NginxVersion)
	}
	todo := make(chan *Rule)
	var wg sync.WaitGroup
	var failOnce sync.Once
	var failure error
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range todo {
				runOne(r, p, func(err error) { failOnce.Do(func() { failure = err }) })
			}
		}()
	}
	for _, r := range scheduled() {
		if r.Run != nil && (enabled == nil || enabled(r.ID)) {
			todo <- r
		}
	}
	close(todo)
	wg.Wait()
	if failure != nil {
		// Raised again on the caller's goroutine, where the CLI and the
		// language server recover it; on a worker it would end the process.
		panic(failure)
	}
}

// slowFirst are the rules that take longest on a large tree: started first,
// they do not leave one worker busy after the others are done. The order
// of findings does not depend on it (Diagnostics sorts them).
var slowFirst = []string{"nginx-unknown-variable", "fastcgi-pass-no-listener", "nginx-invalid-value"}

// scheduled is every rule, the slow ones first.
func scheduled() []*Rule {
	all := All()
	rank := func(r *Rule) int {
		for i, id := range slowFirst {
			if r.ID == id {
				return i
			}
		}
		return len(slowFirst)
	}
	sort.SliceStable(all, func(i, j int) bool { return rank(all[i]) < rank(all[j]) })
	return all
}

// runOne runs r, turning a panic into an error that names the rule.
func runOne(r *Rule, p *lint.Pass, fail func(error)) {
	defer func() {
		if v := recover(); v != nil {
			fail(&RulePanic{Rule: r.ID, Value: v, Trace: debug.Stack()})
		}
	}()
	r.Run(p)
}

// RulePanic is a rule's panic, raised again by Run on its caller's goroutine.
type RulePanic struct {
	Rule  string
	Value any
	Trace []byte // the stack of the rule's goroutine
}

func (e *RulePanic) Error() string { return fmt.Sprintf("rule %s: %v", e.Rule, e.Value) }

// Stack is where the rule panicked.
func (e *RulePanic) Stack() []byte { return e.Trace }
