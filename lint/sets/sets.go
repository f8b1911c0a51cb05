// Package sets finds the whole configuration set a named file belongs to.
//
// nginx and php-fpm read a site, a snippet or a pool only through the main
// configuration that includes it, so a file checked on its own is checked
// out of context: its duplicates with the snippet it includes, its
// fastcgi_pass to a pool, the directives its block inherits are invisible.
// pre-commit passes only the files a commit changes; Expand puts each of
// them back into the set that reads it.
package sets

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
)

// MainNames are the file names looked for in the directories above a named
// file: the main configurations of nginx and php-fpm.
var MainNames = []string{"nginx.conf", "php-fpm.conf"}

// MaxLevels bounds the walk up from a file: /etc/php/8.2/fpm/pool.d/www.conf
// is four levels below /etc, the deepest standard layout.
const MaxLevels = 6

// Expand replaces each file the user named that is not itself a main
// configuration by the main configurations that include it. The candidates
// are the nginx.conf and php-fpm.conf files in the file's directory and
// its ancestors, up to MaxLevels levels and no further than the top of the
// repository (a directory holding .git); a candidate is kept when loading
// it, with opts as the check will, reads the file. A file no candidate
// reads stays as it is, to be checked on its own. Files found by scanning
// a directory are left alone: the scan finds their main configurations
// itself when they are there.
func Expand(found []discover.File, opts engine.Options) []discover.File {
	have := map[string]bool{}
	for _, f := range found {
		have[absPath(f.Path)] = true
	}
	readers := map[string][]string{} // candidate (absolute) -> absolute paths it reads
	readBy := func(candidate, path string, kind discover.Kind) map[string]bool {
		if _, ok := readers[candidate]; !ok {
			readers[candidate] = filesRead(path, kind, opts)
		}
		set := map[string]bool{}
		for _, p := range readers[candidate] {
			set[p] = true
		}
		return set
	}

	var out, added []discover.File
	for _, f := range found {
		if f.Main || !f.Explicit {
			out = append(out, f)
			continue
		}
		target := absPath(f.Path)
		inSet := false
		for _, c := range candidates(f.Path, opts.FS) {
			if !readBy(c.abs, c.file.Path, c.file.Kind)[target] {
				continue
			}
			inSet = true
			if !have[c.abs] {
				have[c.abs] = true
				added = append(added, c.file)
			}
		}
		if !inSet {
			out = append(out, f)
		}
	}
	return append(out, added...)
}

type candidate struct {
	file discover.File
	abs  string
}

// candidates lists the main configurations above path, nearest first,
// spelt relative when path is, so that reports keep the user's form, and
// as the target machine's path when under fsys's root, which is how the
// loaders read an absolute path there.
func candidates(path string, fsys *files.FS) []candidate {
	abs := absPath(path)
	wd, _ := os.Getwd()
	var out []candidate
	dir := filepath.Dir(abs)
	for level := 0; level <= MaxLevels; level++ {
		for _, name := range MainNames {
			p := filepath.Join(dir, name)
			if p == abs {
				continue
			}
			st, err := os.Stat(p)
			if err != nil || !st.Mode().IsRegular() || st.Size() > discover.MaxScanSize {
				continue
			}
			src, err := files.ReadLimited(p, discover.MaxScanSize)
			if err != nil {
				continue
			}
			kind, main := discover.Classify(p, src)
			if kind == discover.Unknown || !main {
				continue
			}
			shown := p
			if virtual, ok := underRoot(fsys, p); ok {
				shown = virtual
			} else if !filepath.IsAbs(path) && wd != "" {
				if r, err := filepath.Rel(wd, p); err == nil {
					shown = r
				}
			}
			out = append(out, candidate{file: discover.File{Path: shown, Kind: kind, Main: true}, abs: absPath(p)})
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return out
}

// underRoot gives the target machine's path of p when fsys has a root and p
// lies under it.
func underRoot(fsys *files.FS, p string) (string, bool) {
	if fsys == nil || fsys.Root == "" || fsys.Root == "/" {
		return "", false
	}
	r, err := filepath.Rel(absPath(fsys.Root), absPath(p))
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return "/" + filepath.ToSlash(r), true
}

// filesRead loads one main configuration and lists, as absolute paths on
// disk, every file its set reads.
func filesRead(path string, kind discover.Kind, opts engine.Options) []string {
	pass := &lint.Pass{FS: opts.FS, NginxVersion: opts.NginxVersion, Profile: opts.Profile, NginxUser: opts.NginxUser}
	engine.Load(pass, []discover.File{{Path: path, Kind: kind, Main: true}}, opts)
	var out []string
	for p := range engine.Files(pass) {
		out = append(out, absPath(opts.FS.Real(p)))
	}
	return out
}

// absPath is where p's content is: absolute, with symbolic links resolved,
// since nginx.conf reads sites-enabled/app where the repository's file, and
// so what pre-commit names, is the link's target sites-available/app.
func absPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}
