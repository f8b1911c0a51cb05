package engine

import (
	"slices"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/suppress"
	"github.com/fcgilint/fcgilint/rules"
)

// crossSiteRules are the rules whose verdict on a server depends on the
// other servers of the host: what a ghost keeps (nginxconf.Sites) is all
// they read of a site, so they judge the first load, which holds every
// site as its ghost, and no batch after it.
var crossSiteRules = map[string]bool{"nginx-listen": true, "nginx-ssl-certificate": true}

// maxBatches bounds the number of batches of a set (see loadBatched).
const maxBatches = 32

// batchedSet is an nginx set whose sites are checked a batch at a time:
// the first load held every site as its ghost, each later load holds one
// of batches and leaves the other sites out.
type batchedSet struct {
	index   int // in Pass.Nginx
	path    string
	opts    nginxconf.Options
	batches [][]string
}

// loadBatched loads the set of main file path with its sites as ghosts,
// and plans the loads that check them, budget bytes of sites each (or
// more, unless exact). It returns no plan when the set has no site: the
// first load is then whole.
func loadBatched(path string, opts nginxconf.Options, budget int, exact bool, version string) (*nginxconf.Config, []diag.Diagnostic, *batchedSet) {
	whole := opts
	opts.Sites = nginxconf.NewSites(version)
	cfg, ds := nginxconf.Load(path, opts)
	if opts.Sites.Repeated {
		// A site read in two places is analysed in each: only the whole
		// set says what it means.
		cfg, ds = nginxconf.Load(path, whole)
		return cfg, ds, nil
	}
	// What the loader reports in a ghost, the load that holds the site
	// reports again.
	ds = slices.DeleteFunc(ds, func(d diag.Diagnostic) bool { return cfg.Ghost(d.Location.File) })
	if len(opts.Sites.Met) == 0 {
		return cfg, ds, nil
	}
	b := &batchedSet{path: path, opts: opts}
	// Each batch loads the rest of the set again and judges the php-fpm
	// side again: on a host of many thousands of sites, batches grow so
	// that there are at most maxBatches of them, and a batch holds at
	// least as much text of sites as of the rest (a host whose sites are
	// mostly files that do not qualify is read in a few batches, not a
	// hundred reloads of them).
	if !exact {
		total := 0
		for _, s := range opts.Sites.Met {
			total += s.Size
		}
		rest := 0
		for p, f := range cfg.Files {
			if !cfg.Ghost(p) {
				rest += len(f.Src)
			}
		}
		budget = max(budget, total/maxBatches, rest)
	}
	var batch []string
	size := 0
	for _, s := range opts.Sites.Met {
		if len(batch) > 0 && size+s.Size > budget {
			b.batches = append(b.batches, batch)
			batch, size = nil, 0
		}
		batch = append(batch, s.Path)
		size += s.Size
	}
	b.batches = append(b.batches, batch)
	opts.Sites.Plan(b.batches)
	return cfg, ds, b
}

// checkBatched judges pass, whose first loads hold the sites of the sets
// in batched as ghosts, and then each batch in turn. The findings of all
// are filtered at the end, as one check's: a suppression comment in a site
// applies to what the first load reports of its ghost.
func checkBatched(pass *lint.Pass, loadDiags []diag.Diagnostic, batched []*batchedSet, opts Options) []diag.Diagnostic {
	enabled := opts.Config.Enabled
	crossSite := func(id string) bool { return crossSiteRules[id] && enabled(id) }
	notCrossSite := func(id string) bool { return !crossSiteRules[id] && enabled(id) }
	first := pass.Fork(pass.Nginx)
	rules.RunSelected(first, crossSite)
	for _, d := range loadDiags {
		first.Report(d)
	}
	found := first.Diagnostics()
	sups := suppress.Collect(first)
	if whole := wholeSets(pass.Nginx, batched); len(whole) > 0 {
		// The sets without sites are judged whole, here.
		rest := pass.Fork(whole)
		rules.RunSelected(rest, notCrossSite)
		found = append(found, rest.Diagnostics()...)
	}
	for _, b := range batched {
		found = append(found, b.check(pass, notCrossSite, sups, opts.BetweenBatches)...)
	}
	found = withoutDefinedLater(found, batched)
	diag.Sort(found)
	ds := suppress.ApplyTo(sups, diag.Dedup(found), enabled)
	return opts.Config.Filter(ds, opts.FS)
}

// wholeSets are the sets that batched does not batch.
func wholeSets(sets []*nginxconf.Config, batched []*batchedSet) []*nginxconf.Config {
	isBatched := map[int]bool{}
	for _, b := range batched {
		isBatched[b.index] = true
	}
	var out []*nginxconf.Config
	for i, cfg := range sets {
		if !isBatched[i] {
			out = append(out, cfg)
		}
	}
	return out
}

// check loads and judges each batch in turn, in a fork of pass that holds
// it, with the rules enabled accepts, and adds the suppression comments of
// the files it read to sups. Only one batch is held at a time; the pass
// holds the last at the end. between, when set, is called before each
// load, when the model judged before is garbage.
func (b *batchedSet) check(pass *lint.Pass, enabled func(string) bool, sups map[string][]*suppress.Suppression, between func()) []diag.Diagnostic {
	pass.Nginx[b.index] = nil
	var out []diag.Diagnostic
	var last *nginxconf.Config
	for i := range b.batches {
		last = nil
		if between != nil {
			between()
		}
		b.opts.Sites.Hold(i)
		cfg, ds := nginxconf.Load(b.path, b.opts)
		fork := pass.Fork([]*nginxconf.Config{cfg})
		rules.RunSelected(fork, enabled)
		for _, d := range ds {
			fork.Report(d)
		}
		out = append(out, fork.Diagnostics()...)
		fork.FPM = nil // their comments were read with the first load
		// A site's comments are those of the load that holds it: the
		// others read only its ghost or its rest.
		for path, list := range suppress.Collect(fork) {
			if _, ok := sups[path]; !ok || b.opts.Sites.Holds(path) {
				sups[path] = list
			}
		}
		last = cfg
	}
	pass.Nginx[b.index] = last
	return out
}

// withoutDefinedLater drops the findings of variables that no batch had
// defined when they were judged, but a later one did.
func withoutDefinedLater(ds []diag.Diagnostic, batched []*batchedSet) []diag.Diagnostic {
	drop := map[diag.Key]bool{}
	for _, b := range batched {
		for _, d := range b.opts.Sites.DefinedLater() {
			drop[diag.KeyOf(d)] = true
		}
	}
	if len(drop) == 0 {
		return ds
	}
	return slices.DeleteFunc(ds, func(d diag.Diagnostic) bool { return drop[diag.KeyOf(d)] })
}
