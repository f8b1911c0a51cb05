// Command gennginxdb extracts the nginx directive table
// (lint/nginxdb/directives.tsv) from the C sources of nginx and of
// third-party modules: every entry of every module's ngx_command_t array.
//
// It reads bare git directories (no work tree is needed) and prints the
// table; nothing it reads is copied anywhere else:
//
//	cd tools && go run ./gennginxdb -mirror /work/.mirror -o ../lint/nginxdb/directives.tsv
//
// A repository owner/name is looked for at MIRROR/owner+name/repo unless
// -repo owner/name=DIR overrides it. nginx itself is read at every
// release tag from -nginx-from onwards and at -nginx-head, to fill the
// since/until columns.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// thirdParty lists the third-party module repositories read at their
// default branch head.
type thirdParty struct {
	Repo    string   // owner/name on GitHub
	Include []string // path prefixes scanned; empty: all
}

var thirdParties = []thirdParty{
	{Repo: "vision5/ngx_devel_kit", Include: []string{"src/", "objs/"}},
	{Repo: "openresty/lua-nginx-module", Include: []string{"src/"}},
	{Repo: "openresty/stream-lua-nginx-module", Include: []string{"src/"}},
	{Repo: "nginx/njs", Include: []string{"nginx/"}},
	{Repo: "google/ngx_brotli", Include: []string{"filter/", "static/"}},
	{Repo: "leev/ngx_http_geoip2_module"},
	{Repo: "openresty/headers-more-nginx-module", Include: []string{"src/"}},
	{Repo: "openresty/echo-nginx-module", Include: []string{"src/"}},
	{Repo: "openresty/set-misc-nginx-module", Include: []string{"src/"}},
	{Repo: "openresty/srcache-nginx-module", Include: []string{"src/"}},
	{Repo: "openresty/memc-nginx-module", Include: []string{"src/"}},
	{Repo: "nginx-modules/ngx_cache_purge"},
	{Repo: "arut/nginx-dav-ext-module"},
	{Repo: "aperezdc/ngx-fancyindex"},
	{Repo: "sto/ngx_http_auth_pam_module"},
	{Repo: "yaoweibin/ngx_http_substitutions_filter_module"},
	{Repo: "masterzen/nginx-upload-progress-module"},
	{Repo: "itoffshore/nginx-upstream-fair"},
	{Repo: "owasp-modsecurity/ModSecurity-nginx", Include: []string{"src/"}},
	{Repo: "slact/nchan", Include: []string{"src/"}},
	{Repo: "arut/nginx-rtmp-module"},
}

// excluded path components: tests, examples, bundled dependencies.
var excludedDirs = map[string]bool{"t": true, "test": true, "tests": true, "examples": true,
	"patches": true, "deps": true, "dev": true, "util": true}

func keepFunc(include []string) func(string) bool {
	return func(p string) bool {
		parts := strings.Split(p, "/")
		for _, d := range parts[:len(parts)-1] {
			if excludedDirs[d] {
				return false
			}
		}
		if len(include) == 0 {
			return true
		}
		for _, pre := range include {
			if strings.HasPrefix(p, pre) {
				return true
			}
		}
		return false
	}
}

type repoFlags map[string]string

func (r repoFlags) String() string { return fmt.Sprint(map[string]string(r)) }
func (r repoFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want owner/name=DIR")
	}
	r[k] = v
	return nil
}

func main() {
	mirror := flag.String("mirror", "/work/.mirror", "directory holding owner+name/repo git directories")
	repos := repoFlags{}
	flag.Var(repos, "repo", "owner/name=GITDIR (repeatable): where to read a repository")
	nginxFrom := flag.String("nginx-from", "1.22.1", "oldest nginx release read")
	nginxHead := flag.String("nginx-head", "master", "nginx revision read after the newest release tag")
	out := flag.String("o", "", "output file (default stdout)")
	crosscheck := flag.Bool("crosscheck", false, "compare with nginx-go-crossplane's analyzer tables (report on stderr)")
	flag.Parse()

	dirOf := func(repo string) string {
		if d, ok := repos[repo]; ok {
			return d
		}
		return filepath.Join(*mirror, strings.ReplaceAll(repo, "/", "+"), "repo")
	}
	if err := run(dirOf, *nginxFrom, *nginxHead, *out, *crosscheck); err != nil {
		fmt.Fprintln(os.Stderr, "gennginxdb:", err)
		os.Exit(1)
	}
}

type version [3]int

func parseVersion(s string) (version, bool) {
	var v version
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

func (v version) less(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]) }

var nginxVersionRe = regexp.MustCompile(`#define\s+NGINX_VERSION\s+"([0-9.]+)"`)

type nginxRelease struct {
	Label string // version
	Rev   string
}

func run(dirOf func(string) string, from, head, outPath string, crosscheck bool) error {
	ng, err := openGit(dirOf("nginx/nginx"))
	if err != nil {
		return err
	}
	defer ng.Close()

	fromV, ok := parseVersion(from)
	if !ok {
		return fmt.Errorf("bad -nginx-from %q", from)
	}
	tags, err := ng.Tags()
	if err != nil {
		return err
	}
	var rels []nginxRelease
	for _, t := range tags {
		v, ok := parseVersion(strings.TrimPrefix(t, "release-"))
		if !ok || !strings.HasPrefix(t, "release-") || v.less(fromV) {
			continue
		}
		rels = append(rels, nginxRelease{Label: v.String(), Rev: t})
	}
	sort.Slice(rels, func(i, j int) bool {
		a, _ := parseVersion(rels[i].Label)
		b, _ := parseVersion(rels[j].Label)
		return a.less(b)
	})
	if len(rels) == 0 {
		return fmt.Errorf("no nginx release tags from %s", from)
	}
	// the head revision, labelled with the version it declares
	hsrc, err := ng.Show(head, "src/core/nginx.h")
	if err != nil {
		return err
	}
	m := nginxVersionRe.FindSubmatch(hsrc)
	if m == nil {
		return fmt.Errorf("no NGINX_VERSION in %s:src/core/nginx.h", head)
	}
	headLabel := string(m[1])
	headCommit, err := ng.ResolveCommit(head)
	if err != nil {
		return err
	}
	lastTagCommit, _ := ng.ResolveCommit(rels[len(rels)-1].Rev)
	if headLabel == rels[len(rels)-1].Label {
		if headCommit != lastTagCommit {
			fmt.Fprintf(os.Stderr, "warning: %s declares %s like the newest tag; reading the tag only\n", head, headLabel)
		}
	} else {
		rels = append(rels, nginxRelease{Label: headLabel, Rev: head})
	}

	cache := scanCache{}
	keepNginx := func(p string) bool { return strings.HasPrefix(p, "src/") }
	type versioned struct {
		rows []row
	}
	perVersion := make([]versioned, len(rels))
	var nginxHeadIx *repoIndex
	var allWarns []string
	for i, rel := range rels {
		ix, err := buildIndex(ng, "nginx/nginx", rel.Rev, keepNginx, cache)
		if err != nil {
			return err
		}
		rows, warns, err := ix.rows()
		if err != nil {
			return fmt.Errorf("nginx %s: %w", rel.Label, err)
		}
		for _, w := range warns {
			allWarns = append(allWarns, rel.Label+": "+w)
		}
		perVersion[i].rows = rows
		if i == len(rels)-1 {
			nginxHeadIx = ix
		}
	}
	nginxRows := mergeVersions(rels, func(i int) []row { return perVersion[i].rows })

	// third-party modules, with nginx (head) and ndk as fallbacks for
	// macros, enum arrays and shared handlers
	var tpRows []row
	type srcInfo struct{ repo, commit string }
	tpSources := map[string]srcInfo{} // module -> repo
	var ndkIx *repoIndex
	var tpOrder []string
	for _, tp := range thirdParties {
		g, err := openGit(dirOf(tp.Repo))
		if err != nil {
			return err
		}
		ix, err := buildIndex(g, tp.Repo, "HEAD", keepFunc(tp.Include), scanCache{})
		g.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", tp.Repo, err)
		}
		ix.fallback = []*repoIndex{nginxHeadIx}
		if ndkIx != nil {
			ix.fallback = append(ix.fallback, ndkIx)
		}
		if tp.Repo == "vision5/ngx_devel_kit" {
			ndkIx = ix
		}
		rows, warns, err := ix.rows()
		if err != nil {
			return err
		}
		allWarns = append(allWarns, warns...)
		if len(rows) == 0 {
			return fmt.Errorf("%s: no directives found", tp.Repo)
		}
		for _, r := range rows {
			if _, ok := tpSources[r.Module]; !ok {
				tpSources[r.Module] = srcInfo{tp.Repo, ix.Commit}
				tpOrder = append(tpOrder, r.Module)
			}
		}
		tpRows = append(tpRows, rows...)
	}

	// NGINX App Protect: no public source; take the table of
	// nginx-go-crossplane's analyzer.
	cp, err := openGit(dirOf("nginxinc/nginx-go-crossplane"))
	if err != nil {
		return err
	}
	defer cp.Close()
	cpCommit, err := cp.ResolveCommit("HEAD")
	if err != nil {
		return err
	}
	const napFile = "analyze_appProtectWAFv5_directives.gen.go"
	napSrc, err := cp.Show(cpCommit, napFile)
	if err != nil {
		return err
	}
	napMap, err := parseCrossplaneMap(napSrc)
	if err != nil {
		return fmt.Errorf("%s: %w", napFile, err)
	}
	var napRows []row
	for _, name := range sortedKeys(napMap) {
		for _, flags := range napMap[name] {
			napRows = append(napRows, row{Name: name, Module: "ngx_http_app_protect_module", MType: "http",
				Flags: flags, Value: "unknown", Dup: "no", Since: "-", Until: "-", Source: napFile,
				Block: napBlock(flags), Repo: "nginxinc/nginx-go-crossplane"})
		}
	}

	if crosscheck {
		crossCheck(cp, cpCommit, nginxRows, tpRows)
	}
	for _, w := range allWarns {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}

	// output
	var w io.Writer = os.Stdout
	var f *os.File
	if outPath != "" {
		f, err = os.Create(outPath)
		if err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# nginx directive table for fcgilint. Generated by tools/gennginxdb; do not edit.\n")
	fmt.Fprintf(bw, "# Each row is one entry of a module's ngx_command_t array.\n")
	fmt.Fprintf(bw, "# Columns: name, module, mtype, flags, value, dup, since, until, source, block.\n")
	fmt.Fprintf(bw, "#   block: how a block's contents are read: directives | lua (raw Lua chunk) | handler:F (lines go to cf->handler F); \"-\" if not a block.\n")
	fmt.Fprintf(bw, "#   A row's attributes hold for nginx versions since..until; a directive whose attributes changed has one row per range.\n")
	fmt.Fprintf(bw, "# nginx: github.com/nginx/nginx, every release tag from release-%s to %s, and %s at %s (declares %s).\n",
		rels[0].Label, lastReleaseTag(rels), head, headCommit, headLabel)
	fmt.Fprintf(bw, "#   since/until: first/last of these versions holding the row (\"-\": %s or earlier / still present).\n", rels[0].Label)
	fmt.Fprintf(bw, "#@nginx\t%s\t%s\n", rels[0].Label, rels[len(rels)-1].Label)
	fmt.Fprintf(bw, "# Module sources (module, repository, commit; source paths are relative to the repository):\n")
	seenMod := map[string]bool{}
	for _, r := range nginxRows {
		if !seenMod[r.Module] {
			seenMod[r.Module] = true
		}
	}
	for _, mod := range sortedKeys(seenMod) {
		fmt.Fprintf(bw, "#@module\t%s\tgithub.com/nginx/nginx\t%s\n", mod, headCommit)
	}
	for _, mod := range tpOrder {
		s := tpSources[mod]
		fmt.Fprintf(bw, "#@module\t%s\tgithub.com/%s\t%s\n", mod, s.repo, s.commit)
	}
	fmt.Fprintf(bw, "#@module\t%s\tgithub.com/%s\t%s\n", "ngx_http_app_protect_module", "nginxinc/nginx-go-crossplane", cpCommit)
	fmt.Fprintf(bw, "#   (NGINX App Protect WAF is closed source: its rows come from nginx-go-crossplane's %s;\n", napFile)
	fmt.Fprintf(bw, "#    their value is \"unknown\" and dup \"no\".)\n")
	for _, rs := range [][]row{nginxRows, tpRows, napRows} {
		for _, r := range rs {
			fmt.Fprintln(bw, strings.Join([]string{r.Name, r.Module, r.MType, r.Flags, r.Value, r.Dup, r.Since, r.Until, r.Source, r.Block}, "\t"))
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "gennginxdb: %d rows (%d nginx, %d third-party, %d app protect)\n",
		len(nginxRows)+len(tpRows)+len(napRows), len(nginxRows), len(tpRows), len(napRows))
	return nil
}

func lastReleaseTag(rels []nginxRelease) string {
	for i := len(rels) - 1; i >= 0; i-- {
		if strings.HasPrefix(rels[i].Rev, "release-") {
			return rels[i].Rev
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// mergeVersions turns per-version rows into rows with since/until: one row
// per run of consecutive versions in which a (module, name) entry has the
// same attributes.
func mergeVersions(rels []nginxRelease, rowsAt func(int) []row) []row {
	type key struct{ module, name string }
	type state struct {
		attrs string
		row   row
		first int
	}
	open := map[key]*state{}
	var done []row
	var keysOrder []key
	known := map[key]bool{}
	closeRun := func(k key, st *state, last int) {
		r := st.row
		r.Since = "-"
		if st.first > 0 {
			r.Since = rels[st.first].Label
		}
		r.Until = "-"
		if last < len(rels)-1 {
			r.Until = rels[last].Label
		}
		done = append(done, r)
	}
	for i := range rels {
		present := map[key]bool{}
		for _, r := range rowsAt(i) {
			k := key{r.Module, r.Name}
			present[k] = true
			if !known[k] {
				known[k] = true
				keysOrder = append(keysOrder, k)
			}
			st := open[k]
			if st != nil && st.attrs == r.attrs() {
				st.row = r // keep the newest order
				continue
			}
			if st != nil {
				closeRun(k, st, i-1)
			}
			open[k] = &state{attrs: r.attrs(), row: r, first: i}
		}
		for k, st := range open {
			if !present[k] {
				closeRun(k, st, i-1)
				delete(open, k)
			}
		}
	}
	for k, st := range open {
		closeRun(k, st, len(rels)-1)
	}
	sort.SliceStable(done, func(i, j int) bool {
		a, b := done[i], done[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return sinceKey(a.Since).less(sinceKey(b.Since))
	})
	return done
}

func sinceKey(s string) version {
	v, _ := parseVersion(s)
	return v
}

func napBlock(flags string) string {
	if strings.Contains("|"+flags+"|", "|BLOCK|") {
		return "directives"
	}
	return "-"
}
