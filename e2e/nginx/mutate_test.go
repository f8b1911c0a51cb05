package nginx

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	ast "github.com/fcgilint/fcgilint/grammar/nginx"
)

// Mutants are derived deterministically: each configuration has its own
// random stream seeded from mutationSeed and its corpus path, so adding a
// configuration to the corpus leaves every other configuration's mutants as
// they were.
const mutationSeed = 20261123

// perOperator is how many mutants each operator derives from a corpus
// configuration that nginx accepts, and from one that it rejects (those stop
// at their first error, often one of the environment, so fewer are useful).
const (
	perOperatorAccepted = 5
	perOperatorRejected = 1
)

// entryBlocks are blocks whose lines are values, not directives.
var entryBlocks = map[string]bool{"map": true, "geo": true, "types": true, "split_clients": true,
	"charset_map": true, "match": true, "geoip2": true}

// A site is one directive of the parsed main file, with its place.
type site struct {
	d      *ast.Directive
	parent *ast.Block // nil at the top level
	entry  bool       // a line of a map, geo, types… body
}

type mutator struct {
	src    string
	sites  []site
	blocks []*ast.Block // every directive block read as directives
	rng    *rand.Rand
}

func newMutator(name string, src []byte, seed uint64) *mutator {
	h := fnv.New64a()
	h.Write([]byte(name))
	m := &mutator{src: string(src), rng: rand.New(rand.NewPCG(seed, h.Sum64()))}
	f := ast.Parse(name, src)
	var walk func(stmts []*ast.Stmt, parent *ast.Block, entry bool)
	walk = func(stmts []*ast.Stmt, parent *ast.Block, entry bool) {
		for _, s := range stmts {
			d := s.Directive
			if d == nil {
				continue
			}
			m.sites = append(m.sites, site{d: d, parent: parent, entry: entry})
			if d.Block != nil && d.Block.Raw == nil {
				inner := entry || entryBlocks[d.Name.Value]
				if !inner {
					m.blocks = append(m.blocks, d.Block)
				}
				walk(d.Block.Stmts, d.Block, inner)
			}
		}
	}
	walk(f.Items, nil, false)
	return m
}

func (m *mutator) pick(filter func(site) bool) (site, bool) {
	var c []site
	for _, s := range m.sites {
		if filter(s) {
			c = append(c, s)
		}
	}
	if len(c) == 0 {
		return site{}, false
	}
	return c[m.rng.IntN(len(c))], true
}

// pos renders an offset as line:column for the mutant's description.
func (m *mutator) pos(off int) string {
	line := 1 + strings.Count(m.src[:off], "\n")
	col := off - strings.LastIndexByte(m.src[:off], '\n')
	return fmt.Sprintf("%d:%d", line, col)
}

func (m *mutator) edit(start, end int, text string) string {
	return m.src[:start] + text + m.src[end:]
}

// The operators. Each returns the mutated source and a description, or ""
// when the file offers nothing to mutate that way.
var operators = []struct {
	name string
	fn   func(*mutator) (string, string)
}{
	{"drop-semicolon", (*mutator).dropSemicolon},
	{"drop-brace", (*mutator).dropBrace},
	{"add-brace", (*mutator).addBrace},
	{"misspell", (*mutator).misspell},
	{"wrong-context", (*mutator).wrongContext},
	{"arg-count", (*mutator).argCount},
	{"break-quote", (*mutator).breakQuote},
}

func (m *mutator) dropSemicolon() (string, string) {
	s, ok := m.pick(func(s site) bool { return s.d.Semi != nil })
	if !ok {
		return "", ""
	}
	off := s.d.Semi.Pos
	return m.edit(off, off+1, ""), fmt.Sprintf("drop the \";\" of %q at %s", s.d.Name.Value, m.pos(off))
}

func (m *mutator) dropBrace() (string, string) {
	s, ok := m.pick(func(s site) bool { return s.d.Block != nil && s.d.Block.Close != nil })
	if !ok {
		return "", ""
	}
	off := s.d.Block.Close.Pos
	return m.edit(off, off+1, ""), fmt.Sprintf("drop the \"}\" closing %q at %s", s.d.Name.Value, m.pos(off))
}

func (m *mutator) addBrace() (string, string) {
	s, ok := m.pick(func(s site) bool { return s.d.Terminated() })
	if !ok {
		return "", ""
	}
	off := s.d.End()
	return m.edit(off, off, " }"), fmt.Sprintf("add a \"}\" after %q at %s", s.d.Name.Value, m.pos(off))
}

func (m *mutator) misspell() (string, string) {
	s, ok := m.pick(func(s site) bool { return !s.entry && !s.d.Name.Quoted() && len(s.d.Name.Raw(m.src)) >= 3 })
	if !ok {
		return "", ""
	}
	name := s.d.Name.Raw(m.src)
	var out string
	for out == "" || out == name {
		i := m.rng.IntN(len(name))
		switch m.rng.IntN(4) {
		case 0: // swap two neighbours
			if i == len(name)-1 {
				i--
			}
			b := []byte(name)
			b[i], b[i+1] = b[i+1], b[i]
			out = string(b)
		case 1: // drop one
			out = name[:i] + name[i+1:]
		case 2: // double one
			out = name[:i+1] + name[i:]
		default: // replace one
			const letters = "abcdefghijklmnopqrstuvwxyz_"
			out = name[:i] + string(letters[m.rng.IntN(len(letters))]) + name[i+1:]
		}
	}
	off := s.d.Name.Pos
	return m.edit(off, s.d.Name.End(), out), fmt.Sprintf("misspell %q as %q at %s", name, out, m.pos(off))
}

// wrongContext moves a directive into another block (or to the top level).
func (m *mutator) wrongContext() (string, string) {
	s, ok := m.pick(func(s site) bool { return !s.entry && s.d.Terminated() })
	if !ok {
		return "", ""
	}
	start, end := s.d.Start(), s.d.End()
	var targets []*ast.Block
	for _, b := range m.blocks {
		if b != s.parent && (b.Pos < start || b.Pos >= end) {
			targets = append(targets, b)
		}
	}
	text := m.src[start:end]
	top := s.parent != nil && m.rng.IntN(len(targets)+1) == 0
	if !top && len(targets) == 0 {
		return "", ""
	}
	cut := m.src[:start] + m.src[end:]
	if top {
		return text + " " + cut, fmt.Sprintf("move %q from %s to the top level", s.d.Name.Value, m.pos(start))
	}
	b := targets[m.rng.IntN(len(targets))]
	at := b.Pos + 1
	if at > start {
		at -= end - start
	}
	return cut[:at] + " " + text + " " + cut[at:], fmt.Sprintf("move %q from %s into the block opened at %s", s.d.Name.Value, m.pos(start), m.pos(b.Pos))
}

// argCount removes the last argument or repeats it (or adds one to a
// directive without arguments).
func (m *mutator) argCount() (string, string) {
	s, ok := m.pick(func(s site) bool { return !s.entry && s.d.Terminated() })
	if !ok {
		return "", ""
	}
	d := s.d
	if n := len(d.Args); n > 0 && m.rng.IntN(2) == 0 {
		prevEnd := d.Name.End()
		if n > 1 {
			prevEnd = d.Args[n-2].End()
		}
		last := d.Args[n-1]
		return m.edit(prevEnd, last.End(), ""), fmt.Sprintf("drop the last argument of %q at %s", d.Name.Value, m.pos(last.Pos))
	}
	after, extra := d.Name.End(), "on"
	if n := len(d.Args); n > 0 {
		after, extra = d.Args[n-1].End(), d.Args[n-1].Raw(m.src)
	}
	return m.edit(after, after, " "+extra), fmt.Sprintf("add the argument %q to %q at %s", extra, d.Name.Value, m.pos(after))
}

// breakQuote removes a quote of a quoted argument, or opens a quote before
// an unquoted one.
func (m *mutator) breakQuote() (string, string) {
	var quoted, plain []*ast.Word
	for _, s := range m.sites {
		words := []*ast.Word{&s.d.Name}
		for i := range s.d.Args {
			words = append(words, &s.d.Args[i])
		}
		for _, w := range words {
			if w.Quoted() && len(w.Raw(m.src)) >= 2 {
				quoted = append(quoted, w)
			} else if !w.Quoted() {
				plain = append(plain, w)
			}
		}
	}
	if len(quoted) > 0 && (len(plain) == 0 || m.rng.IntN(3) > 0) {
		w := quoted[m.rng.IntN(len(quoted))]
		if m.rng.IntN(2) == 0 {
			off := w.End() - 1
			return m.edit(off, off+1, ""), fmt.Sprintf("drop the closing quote of %s at %s", w.Raw(m.src), m.pos(off))
		}
		off := w.Pos
		return m.edit(off, off+1, ""), fmt.Sprintf("drop the opening quote of %s at %s", w.Raw(m.src), m.pos(off))
	}
	if len(plain) == 0 {
		return "", ""
	}
	w := plain[m.rng.IntN(len(plain))]
	q := `"`
	if m.rng.IntN(2) == 0 {
		q = `'`
	}
	off := w.Pos
	return m.edit(off, off, q), fmt.Sprintf("open a %s quote before %s at %s", q, w.Raw(m.src), m.pos(off))
}

// deriveMutants applies every operator to every configuration, a few times
// each, keeping distinct results.
//
// FCGILINT_E2E_SEED and FCGILINT_E2E_SCALE (a multiplier of the number of
// mutants) explore other mutants than the fixed set the test checks.
func deriveMutants(configs []corpusConfig, accepted map[string]bool) []*testCase {
	seed, scale := uint64(mutationSeed), 1
	if s, err := strconv.ParseUint(os.Getenv("FCGILINT_E2E_SEED"), 10, 64); err == nil {
		seed = s
	}
	if s, err := strconv.Atoi(os.Getenv("FCGILINT_E2E_SCALE")); err == nil && s > 0 {
		scale = s
	}
	var out []*testCase
	for i := range configs {
		c := &configs[i]
		if c.wrapped != "" {
			continue // the wrapper is ours, the file it includes is not the main file
		}
		m := newMutator(c.rel, c.src, seed)
		n := perOperatorRejected * scale
		if accepted[c.rel] {
			n = perOperatorAccepted * scale
		}
		seen := map[string]bool{string(c.src): true}
		for _, op := range operators {
			for k, tries := 0, 0; k < n && tries < 4*n; tries++ {
				src, what := op.fn(m)
				if what == "" {
					break
				}
				if seen[src] {
					continue
				}
				seen[src] = true
				k++
				out = append(out, &testCase{name: fmt.Sprintf("%s#%s-%d", c.rel, op.name, k), config: c, src: []byte(src), mutant: what, ofAccepted: accepted[c.rel]})
			}
		}
	}
	return out
}
