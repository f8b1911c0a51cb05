// Package lint holds what every rule sees: the loaded configuration sets and
// a way to report. The CLI and the language server build a Pass, run the
// rules over it and hand the diagnostics to an output.
package lint

import (
	"fmt"
	"sync"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/hostdb"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// Pass is one run of the rules.
type Pass struct {
	FS *files.FS
	// Nginx are the nginx configuration sets checked.
	Nginx []*nginxconf.Config
	// FPM are the php-fpm configuration sets checked.
	FPM []*fpm.Config
	// NginxVersion, when set ("1.22.1"), makes directives that this nginx
	// version lacks unknown.
	NginxVersion string
	// Profile names the distribution or image the configuration is deployed
	// on ("debian", "rhel", "alpine", "arch", "docker"; "" when unknown): it
	// supplies what the files cannot tell, such as nginx's compile-time user
	// and where the pools live.
	Profile string
	// NginxUser, when set ("www-data" or "www-data www-data"), is the
	// identity of nginx's workers when no user directive says otherwise.
	NginxUser string

	mu    sync.Mutex
	diags []diag.Diagnostic
	memo  *memoTable
	host  *memoTable
	// reported counts the findings of each rule in each file; beyond
	// MaxPerFileRule, the first one left out is kept in overflow.
	reported map[fileRule]int
	overflow map[fileRule]diag.Diagnostic
}

// MaxPerFileRule is how many findings of one rule one file gets listed. A
// hostile or generated file (a megabyte of "a;") would otherwise make
// millions of findings, gigabytes and minutes of output; nginx stops at the
// first.
const MaxPerFileRule = 1000

type fileRule struct{ file, rule string }

// memoEntry is one value of Memo: done is closed once v (or the panic of
// its build) is there.
type memoEntry struct {
	done  chan struct{}
	v     any
	fault any
}

// memoTable holds the values of Memo or HostMemo.
type memoTable struct {
	mu      sync.Mutex
	entries map[any]*memoEntry
}

// Memo returns what build makes for key, building it once per pass: a model
// several rules read (the cross-check of nginx against php-fpm) is computed
// once however many rules use it. Rules that ask while it is being built
// wait for it rather than build it again (the rules run side by side).
// build runs without the pass's lock held, and may ask Memo for other keys.
func (p *Pass) Memo(key any, build func() any) any {
	return p.table(&p.memo).get(key, build)
}

// HostMemo is Memo for what depends only on the target machine and the
// php-fpm sets (its users and groups, host names, the pools' listeners),
// which a pass shares with its forks.
func (p *Pass) HostMemo(key any, build func() any) any {
	return p.table(&p.host).get(key, build)
}

// table returns the memo table in slot (p.memo or p.host), made on first
// use.
func (p *Pass) table(slot **memoTable) *memoTable {
	p.mu.Lock()
	defer p.mu.Unlock()
	if *slot == nil {
		*slot = &memoTable{}
	}
	return *slot
}

func (t *memoTable) get(key any, build func() any) any {
	t.mu.Lock()
	e, ok := t.entries[key]
	if !ok {
		e = &memoEntry{done: make(chan struct{})}
		if t.entries == nil {
			t.entries = map[any]*memoEntry{}
		}
		t.entries[key] = e
	}
	t.mu.Unlock()
	if ok {
		<-e.done
		if e.fault != nil {
			panic(e.fault)
		}
		return e.v
	}
	defer close(e.done)
	defer func() {
		if v := recover(); v != nil {
			e.fault = v
			panic(v)
		}
	}()
	e.v = build()
	return e.v
}

// Fork is a pass over nginx and p's php-fpm sets, for the same machine
// and settings, sharing p's HostMemo values: a host checked a batch of
// sites at a time looks its users, names and pools up once.
func (p *Pass) Fork(nginx []*nginxconf.Config) *Pass {
	return &Pass{FS: p.FS, Nginx: nginx, FPM: p.FPM, NginxVersion: p.NginxVersion, Profile: p.Profile, NginxUser: p.NginxUser, host: p.table(&p.host)}
}

type machineDBKey struct{}

// MachineDB is the target machine's /etc/passwd, /etc/group and /etc/hosts
// (under FS's root), read once per pass for every rule that looks a name up.
func (p *Pass) MachineDB() *hostdb.DB {
	return p.HostMemo(machineDBKey{}, func() any { return hostdb.Load(p.FS) }).(*hostdb.DB)
}

// Report records a finding.
func (p *Pass) Report(d diag.Diagnostic) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reported == nil {
		p.reported = map[fileRule]int{}
	}
	k := fileRule{d.Location.File, d.Rule}
	p.reported[k]++
	switch n := p.reported[k]; {
	case n <= MaxPerFileRule:
		p.diags = append(p.diags, d)
	case n == MaxPerFileRule+1:
		if p.overflow == nil {
			p.overflow = map[fileRule]diag.Diagnostic{}
		}
		p.overflow[k] = d
	}
}

// Diagnostics returns what was reported, sorted and without repeats. A rule
// with more than MaxPerFileRule findings in a file has a note in their
// place, where the first one left out is.
func (p *Pass) Diagnostics() []diag.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, first := range p.overflow {
		p.diags = append(p.diags, diag.Diagnostic{Rule: k.rule, Severity: diag.Note, Location: first.Location,
			Message: fmt.Sprintf("%d more %s findings in this file are not listed (fcgilint lists the first %d of each rule in a file); the first of them: %s",
				p.reported[k]-MaxPerFileRule, k.rule, MaxPerFileRule, first.Message)})
	}
	p.overflow = nil
	diag.Sort(p.diags)
	p.diags = diag.Dedup(p.diags)
	return p.diags
}

// SetDiagnostics replaces what was reported: the configuration file and
// the suppression comments filter the findings after every rule has run.
func (p *Pass) SetDiagnostics(ds []diag.Diagnostic) {
	p.mu.Lock()
	p.diags = ds
	p.mu.Unlock()
}

// NginxDirectives calls fn for every directive occurrence of every nginx
// set, in document order, looking through includes.
func (p *Pass) NginxDirectives(fn func(cfg *nginxconf.Config, n *nginxconf.Node)) {
	for _, cfg := range p.Nginx {
		for _, n := range cfg.Nodes() {
			fn(cfg, n)
		}
	}
}

// NginxBlocks calls fn for the top level and for every block of every nginx
// set, with the block's directives as nginx sees them (includes spliced).
func (p *Pass) NginxBlocks(fn func(cfg *nginxconf.Config, block *nginxconf.Node, body []*nginxconf.Node)) {
	for _, cfg := range p.Nginx {
		fn(cfg, cfg.Root, cfg.Root.Block())
		for _, n := range cfg.Nodes() {
			if n.Dir.Block != nil && n.Dir.Block.Raw == nil {
				fn(cfg, n, n.Block())
			}
		}
	}
}
