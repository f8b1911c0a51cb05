// Package engine turns a list of configuration files into findings: it loads
// each nginx and php-fpm configuration set, runs every rule over them, and
// returns the pass with its diagnostics. The CLI and the language server
// both check through it, so they agree on what a file means.
package engine

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/config"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/profile"
	"github.com/fcgilint/fcgilint/lint/suppress"
	"github.com/fcgilint/fcgilint/rules"
)

// Options say how to read the files and which machine they are for.
type Options struct {
	// FS reads the files; its Root ("" for none) is where absolute paths,
	// users, groups and host names of the target machine are looked up.
	FS *files.FS
	// Mirror reads absolute includes such as /etc/nginx/sites-enabled/*
	// from a checked tree that mirrors a standard configuration directory.
	// Set it only when no root was given.
	Mirror bool
	// NginxVersion, when set, makes directives this version lacks unknown.
	NginxVersion string
	// NginxPrefix is nginx's -p; "" infers it from the configuration's place.
	NginxPrefix string
	// FPMPrefix is php-fpm's -p; "" means the compile-time prefix.
	FPMPrefix string
	// Env is php-fpm's environment, for ${VAR} in pool files.
	Env map[string]string
	// Profile and NginxUser fill in what the files cannot tell (see lint.Pass).
	Profile   string
	NginxUser string
	// Cache keeps parsed nginx files between checks; nil parses afresh.
	Cache *nginxconf.ParseCache
	// Config is the .fcgilint.yaml that applies (nil for none). It fills
	// in the options above left empty, turns rules off, overrides
	// severities and ignores paths; its Root is for whoever builds FS.
	Config *config.Config
	// SiteBudget, when positive, is how much text of sites (in bytes) a
	// check holds in full at once: a host with more is checked a batch of
	// sites at a time (see nginxconf.Sites), with the same findings in a
	// fraction of the memory. 0 holds every set whole.
	SiteBudget int
	// BetweenBatches, when set, is called before each batch of sites is
	// loaded, once the model judged before it (the first load's, or the
	// last batch's) is garbage: the CLI collects it there, so that the
	// heap never holds the garbage of two batches.
	BetweenBatches func()

	// exactBatches keeps batches at SiteBudget (see loadBatched), for the
	// tests that check a site at a time.
	exactBatches bool
}

// DefaultSiteBudget is the SiteBudget of `fcgilint check`: about a hundred
// typical sites, whose model takes a megabyte. Measured on a generated
// Debian-style host of 2,000 sites (bench/check-vs-nginx.sh), the peak RSS
// of the check goes from 35 MiB whole to 15 MiB, for a fifth more time.
const DefaultSiteBudget = 64 << 10

// LowMemorySiteBudget is the SiteBudget of `fcgilint check --low-memory`:
// half the default's batches.
const LowMemorySiteBudget = 32 << 10

// Check loads every configuration set of found and runs the rules over them.
// Main configurations are loaded with everything they include; files no main
// configuration reaches are checked on their own, in the context their
// content implies.
//
// The suppression comments of the files and then the configuration file
// are applied to the findings last, so that Diagnostics gives what the
// user asked to see.
func Check(found []discover.File, opts Options) *lint.Pass {
	opts = withConfig(opts)
	pass := &lint.Pass{FS: opts.FS, NginxVersion: opts.NginxVersion, Profile: opts.Profile, NginxUser: opts.NginxUser}
	loadDiags, batched := load(pass, found, opts)
	if len(batched) > 0 {
		pass.SetDiagnostics(checkBatched(pass, loadDiags, batched, opts))
		return pass
	}
	rules.RunSelected(pass, opts.Config.Enabled)
	for _, d := range loadDiags {
		pass.Report(d)
	}
	ds := suppress.Apply(pass, pass.Diagnostics(), opts.Config.Enabled)
	pass.SetDiagnostics(opts.Config.Filter(ds, opts.FS))
	return pass
}

// withConfig fills the options left empty from the configuration file:
// the command line's flags win over the file.
func withConfig(opts Options) Options {
	c := opts.Config
	if c == nil {
		return opts
	}
	fill := func(opt *string, v string) {
		if *opt == "" {
			*opt = v
		}
	}
	fill(&opts.NginxVersion, c.Nginx.Version)
	fill(&opts.NginxPrefix, c.Nginx.Prefix)
	fill(&opts.NginxUser, c.Nginx.User)
	fill(&opts.FPMPrefix, c.FPM.Prefix)
	fill(&opts.Profile, c.Profile)
	if len(c.FPM.Env) > 0 {
		// The file describes the target machine's php-fpm, so its values
		// win over the environment fcgilint happens to run in.
		env := make(map[string]string, len(opts.Env)+len(c.FPM.Env))
		for k, v := range opts.Env {
			env[k] = v
		}
		for k, v := range c.FPM.Env {
			env[k] = v
		}
		opts.Env = env
	}
	return opts
}

// Load adds the configuration sets of found to pass and returns what the
// grammars and loaders reported while reading them. Sets are loaded whole.
func Load(pass *lint.Pass, found []discover.File, opts Options) []diag.Diagnostic {
	opts.SiteBudget = 0
	ds, _ := load(pass, found, opts)
	return ds
}

// load is Load, and with a SiteBudget the sets whose sites are checked a
// batch at a time, holding their sites as ghosts.
func load(pass *lint.Pass, found []discover.File, opts Options) ([]diag.Diagnostic, []*batchedSet) {
	var ds []diag.Diagnostic
	var batched []*batchedSet
	covered := map[string]bool{}
	cache := opts.Cache
	if cache == nil {
		cache = nginxconf.NewParseCache()
	}
	nopts := nginxconf.Options{FS: opts.FS, Cache: cache, Prefix: opts.NginxPrefix}
	if opts.Config != nil {
		nopts.Extra = opts.Config.Nginx.Extra
	}
	if opts.Mirror {
		nopts.MirrorPrefixes = nginxconf.DefaultMirrorPrefixes
	}
	prof := profile.Resolve(opts.Profile, opts.FS)
	fopts := fpm.Options{FS: opts.FS, Prefix: opts.FPMPrefix, Env: opts.Env, MasterIsRoot: true}
	if prof != nil {
		// The docker image's php-fpm resolves relative paths against
		// /usr/local, Debian's against /usr.
		fopts.CompilePrefix = prof.FPMCompilePrefix
		// Named, the profile the rules resolve again is not detected again
		// from the machine's os-release.
		pass.Profile = prof.Name
	}
	addNginx := func(cfg *nginxconf.Config, d []diag.Diagnostic) {
		pass.Nginx = append(pass.Nginx, cfg)
		ds = append(ds, d...)
		for p := range cfg.Files {
			covered[p] = true
		}
	}
	addFPM := func(cfg *fpm.Config, d []diag.Diagnostic) {
		pass.FPM = append(pass.FPM, cfg)
		ds = append(ds, d...)
		for _, p := range cfg.Files {
			covered[p] = true
		}
	}
	// A main configuration another one includes is checked where it is
	// included, once: the files named as daemons name them go first.
	mains := mainsFirst(found)
	// php-fpm's main configurations are read on another core while
	// nginx's are: loading reads and changes nothing shared, and each
	// result is taken where the loop below reaches it (or dropped when an
	// earlier set covers it), so the outcome is that of loading in order.
	type fpmLoad struct {
		cfg   *fpm.Config
		ds    []diag.Diagnostic
		fault any // a panic, raised again on the caller's goroutine
	}
	early := map[int]chan fpmLoad{}
	for i, f := range mains {
		if f.Main && f.Kind == discover.FPM {
			ch := make(chan fpmLoad, 1)
			early[i] = ch
			go func(path string) {
				var r fpmLoad
				defer func() {
					if v := recover(); v != nil {
						r.fault = v
					}
					ch <- r
				}()
				r.cfg, r.ds = fpm.Load(path, mirrored(fopts, path, opts.Mirror))
			}(f.Path)
		}
	}
	for i, f := range mains {
		if !f.Main || covered[f.Path] {
			continue
		}
		switch f.Kind {
		case discover.Nginx:
			if opts.SiteBudget <= 0 {
				addNginx(nginxconf.Load(f.Path, nopts))
				break
			}
			cfg, d, b := loadBatched(f.Path, nopts, opts.SiteBudget, opts.exactBatches, pass.NginxVersion)
			if b != nil {
				b.index = len(pass.Nginx)
				batched = append(batched, b)
			}
			addNginx(cfg, d)
		case discover.FPM:
			r := <-early[i]
			if r.fault != nil {
				panic(r.fault)
			}
			addFPM(r.cfg, r.ds)
		}
	}
	for _, f := range found {
		if f.Main || covered[f.Path] {
			continue
		}
		switch f.Kind {
		case discover.Nginx:
			opts := nopts
			opts.ConfPrefix = GuessConfPrefix(f.Path)
			if !opts.FS.Exists(filepath.Join(opts.ConfPrefix, "nginx.conf")) {
				// nginx's own directory is not known: stock files are read
				// where the packages put them.
				opts.StockDirs = nginxconf.DefaultMirrorPrefixes
			}
			addNginx(loadStandalone(f.Path, opts, pass.NginxVersion))
		case discover.FPM:
			addFPM(fpm.Load(f.Path, mirrored(fopts, f.Path, opts.Mirror)))
		}
	}
	// Given nginx files only, the pools they pass to are the target
	// machine's: found where its profile keeps them, when a root or a
	// profile says which machine that is (profile.FPMMains).
	if len(pass.FPM) == 0 && len(pass.Nginx) > 0 {
		for _, main := range profile.FPMMains(opts.FS, prof) {
			addFPM(fpm.Load(main, fopts))
		}
	}
	return ds, batched
}

// mainsFirst orders found so that nginx.conf and php-fpm.conf come before
// other main configurations, keeping the order otherwise.
func mainsFirst(found []discover.File) []discover.File {
	out := append([]discover.File(nil), found...)
	named := func(f discover.File) bool {
		base := filepath.Base(f.Path)
		return base == "nginx.conf" || base == "php-fpm.conf"
	}
	sort.SliceStable(out, func(i, j int) bool { return named(out[i]) && !named(out[j]) })
	return out
}

// mirrored sets php-fpm's mirror root for a main configuration kept in a
// tree that stands for a machine's / (a repository's etc/php/8.2/fpm).
func mirrored(fopts fpm.Options, mainPath string, mirror bool) fpm.Options {
	if mirror {
		fopts.MirrorRoot = profile.MirrorRoot(mainPath)
	}
	return fopts
}

// loadStandalone loads an nginx file no main configuration includes, in the
// context its directives imply.
func loadStandalone(path string, opts nginxconf.Options, version string) (*nginxconf.Config, []diag.Diagnostic) {
	if opts.Cache == nil {
		opts.Cache = nginxconf.NewParseCache() // one parse for every candidate
	}
	var last, best *nginxconf.Config
	var lastDiags, bestDiags []diag.Diagnostic
	nginxconf.InferContext(func(c nginxconf.Context) *nginxconf.Config {
		last, lastDiags = nginxconf.LoadIn(path, c, opts)
		return last
	}, func(nginxconf.Context) { best, bestDiags = last, lastDiags }, version)
	return best, bestDiags
}

// GuessConfPrefix finds the directory a file's relative includes were
// written against: the nearest ancestor holding nginx.conf, else the file's
// own directory.
func GuessConfPrefix(path string) string {
	dir := filepath.Dir(path)
	for d, i := dir, 0; i < 4; d, i = filepath.Dir(d), i+1 {
		if _, err := os.Stat(filepath.Join(d, "nginx.conf")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return dir
}

// Environ is the process environment as a map, for php-fpm's ${VAR}.
func Environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// FileCount is the number of distinct files the pass read.
func FileCount(p *lint.Pass) int {
	return len(Files(p))
}

// Files lists every distinct file the pass read.
func Files(p *lint.Pass) map[string]bool {
	seen := map[string]bool{}
	for _, c := range p.Nginx {
		for f := range c.Files {
			seen[f] = true
		}
		if c.Sites != nil {
			// Checked a batch at a time, the set holds its last batch.
			for p := range c.Sites.Read {
				seen[p] = true
			}
		}
	}
	for _, c := range p.FPM {
		for _, f := range c.Files {
			seen[f] = true
		}
	}
	return seen
}
