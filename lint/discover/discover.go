// Package discover finds the configuration files under the paths given to
// `fcgilint check` (or on the host when none are given), tells nginx files
// from php-fpm files by name and content, and groups them into sets: each
// main configuration with everything it includes, and the files no main
// configuration includes, to be read on their own.
package discover

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fcgilint/fcgilint/lint/files"
)

// Kind of configuration file.
type Kind int

const (
	Unknown Kind = iota
	Nginx
	FPM
)

func (k Kind) String() string {
	switch k {
	case Nginx:
		return "nginx"
	case FPM:
		return "php-fpm"
	}
	return "unknown"
}

// File is a configuration file found.
type File struct {
	Path string
	Kind Kind
	// Main is set for files that start a configuration set: nginx.conf, or a
	// file whose top level holds main-context blocks (http, events, …);
	// php-fpm.conf or a file with a [global] section.
	Main bool
	// Explicit is set when the user named the file itself.
	Explicit bool
}

// HostMains are the host's own main configurations, checked when no path is
// given (resolved under --root).
var HostMains = []string{
	"/etc/nginx/nginx.conf",
	"/usr/local/nginx/conf/nginx.conf",
	"/usr/local/etc/nginx/nginx.conf",
	"/etc/php/*/fpm/php-fpm.conf",
	"/etc/php-fpm.conf",
	"/etc/php*/php-fpm.conf",
	"/etc/php/php-fpm.conf",
	"/usr/local/etc/php-fpm.conf",
}

// Host returns the host's main configurations that exist.
func Host(fsys *files.FS) []File {
	var out []File
	for _, pattern := range HostMains {
		matches, _ := fsys.Glob(pattern)
		for _, m := range matches {
			src, err := fsys.ReadFile(m)
			if err != nil {
				continue
			}
			k, _ := Classify(m, src)
			if k == Unknown {
				continue
			}
			out = append(out, File{Path: m, Kind: k, Main: true, Explicit: true})
		}
	}
	return out
}

// MaxScanSize skips files larger than this when scanning directories: a
// configuration is small, a big file in the tree is a log or a dump.
const MaxScanSize = 8 << 20

// skipDirs are never descended into.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true, ".venv": true, "__pycache__": true}

// Paths finds configuration files under paths. A path that does not exist
// is an error; files in directories that are neither nginx nor php-fpm are
// skipped, files named explicitly are always checked (as nginx unless they
// look like php-fpm).
func Paths(paths []string) ([]File, error) {
	found, _, err := Scan(paths)
	return found, err
}

// Scan is Paths that also returns the configuration templates it passed
// over in directories (see IsTemplate).
func Scan(paths []string) (found []File, templates []string, err error) {
	var out []File
	seen := map[string]bool{}
	add := func(f File) {
		if seen[f.Path] {
			return
		}
		seen[f.Path] = true
		out = append(out, f)
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			src, err := files.ReadLimited(p, files.MaxFileSize)
			if err != nil {
				return nil, nil, err
			}
			k, main := Classify(p, src)
			if k == Unknown {
				k = Nginx
			}
			add(File{Path: filepath.Clean(p), Kind: k, Main: main, Explicit: true})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return err
				}
				return nil // an unreadable subdirectory: skip it
			}
			if d.IsDir() {
				if path != p && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
					return filepath.SkipDir
				}
				// /proc, /sys and their kind hold no configuration, and
				// reading them never ends (a walk of / goes through them).
				if files.Pseudo(path) {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			if IsTemplate(path) {
				templates = append(templates, filepath.Clean(path))
				return nil
			}
			// Opening follows symlinks; a loop fails here.
			src, binary, err := files.ReadUnlessBinary(path, MaxScanSize)
			if err != nil {
				return nil
			}
			// Binary files are skipped, unless named as a main
			// configuration: a corrupted nginx.conf must be reported, not
			// passed over.
			if binary {
				if !namedMain(path) {
					return nil
				}
				if src, err = files.ReadLimited(path, MaxScanSize); err != nil {
					return nil
				}
			}
			k, main := Classify(path, src)
			if k != Unknown {
				add(File{Path: filepath.Clean(path), Kind: k, Main: main})
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, templates, nil
}

func namedMain(path string) bool {
	switch strings.ToLower(filepath.Base(path)) {
	case "nginx.conf", "php-fpm.conf":
		return true
	}
	return false
}
