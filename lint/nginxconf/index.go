package nginxconf

import (
	"sort"

	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// index lists a configuration set's directive occurrences by name, so that
// the rules, which all look at the same tree, do not each walk it: a rule
// about listen visits the listen directives, not the 90,000 nodes of a
// host with 2,000 sites.
type index struct {
	byName map[string][]*Node // in document order
}

// Prepare readies c for rules that run side by side and only read it: it
// looks every directive up for version (Node.Spec caches its answer on the
// node) and indexes the directives by name (Named). It must be called
// before the rules run, not while they run.
func (c *Config) Prepare(version string) {
	// The same directive stands in the same context thousands of times
	// (a snippet every site includes): each is looked up once.
	type place struct {
		extra *Extra
		name  string
		ctx   Context
	}
	type answer struct {
		d  *nginxdb.Directive
		st Status
	}
	specs := map[place]answer{}
	stale := c.Root.shared.version != version
	c.Root.shared.version = version
	nodes := c.Nodes()
	for _, n := range nodes {
		if stale || !n.specDone {
			k := place{n.shared.extra, n.Dir.Name.Value, n.Ctx}
			a, ok := specs[k]
			if !ok {
				a.d, a.st = n.lookup(version)
				specs[k] = a
			}
			n.specEntry, n.specStatus, n.specDone = a.d, a.st, true
		}
	}
	if c.index != nil {
		return
	}
	// The lists are sized first and filled after, in one array: the
	// index is as large as the tree, and growing ninety thousand entries
	// by appending would leave three times that as garbage.
	// Runs of the same name are common (fastcgi_param after
	// fastcgi_param): a run is counted and filled with one map access.
	counts := map[string]int{}
	total, run, runName := 0, 0, ""
	for _, n := range nodes {
		if n.Dir == nil {
			continue
		}
		if n.Dir.Name.Value != runName {
			if run > 0 {
				counts[runName] += run
			}
			run, runName = 0, n.Dir.Name.Value
		}
		run++
		total++
	}
	if run > 0 {
		counts[runName] += run
	}
	all := make([]*Node, total)
	byName := make(map[string][]*Node, len(counts))
	for name, k := range counts {
		byName[name] = all[:0:k]
		all = all[k:]
	}
	var cur []*Node
	for _, n := range nodes {
		if n.Dir == nil {
			continue
		}
		if len(cur) == 0 || cur[0].Dir.Name.Value != n.Dir.Name.Value {
			if len(cur) > 0 {
				byName[cur[0].Dir.Name.Value] = cur
			}
			cur = byName[n.Dir.Name.Value]
		}
		cur = append(cur, n)
	}
	if len(cur) > 0 {
		byName[cur[0].Dir.Name.Value] = cur
	}
	c.index = &index{byName: byName}
}

// keepBody records what Block answers; the block's content must be final.
func (n *Node) keepBody() {
	if n.sub == nil {
		return
	}
	for _, c := range n.sub.children {
		if c.IsInclude() {
			b := n.splice()
			n.sub.body = b[:len(b):len(b)]
			return
		}
	}
	n.sub.body = n.sub.children
}

// Nodes returns every directive occurrence of c in document order, looking
// through includes, as Root.Walk visits them. The slice is shared: callers
// must not modify it.
func (c *Config) Nodes() []*Node {
	if c.all != nil || len(c.Root.Children()) == 0 {
		return c.all
	}
	var out []*Node
	c.Root.Walk(func(n *Node) bool {
		out = append(out, n)
		return true
	})
	return out
}

// Named returns the occurrences of the directives named names, in document
// order (whatever the order of names), as Nodes filtered by name. The
// slice may be shared: callers must not modify it.
func (c *Config) Named(names ...string) []*Node {
	if c.index == nil {
		var out []*Node
		for _, n := range c.Nodes() {
			for _, name := range names {
				if n.Dir != nil && n.Dir.Name.Value == name {
					out = append(out, n)
					break
				}
			}
		}
		return out
	}
	if len(names) == 1 {
		return c.index.byName[names[0]]
	}
	var out []*Node
	for i, name := range names {
		if indexOf(names[:i], name) >= 0 {
			continue
		}
		out = append(out, c.index.byName[name]...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}
