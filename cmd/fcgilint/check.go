package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/output"
	"github.com/fcgilint/fcgilint/rules"
)

type checkFlags struct {
	format       string
	outPath      string
	failLevel    string
	root         string
	nginxVersion string
	fpmPrefix    string
	color        string
}

func parseCheckFlags(args []string, stderr io.Writer) (*checkFlags, []string, error) {
	cf := &checkFlags{}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cf.format, "f", "text", "output `format`: text, json, sarif or github")
	fs.StringVar(&cf.format, "format", "text", "output `format`: text, json, sarif or github")
	fs.StringVar(&cf.outPath, "o", "", "write the report to `file` instead of standard output")
	fs.StringVar(&cf.outPath, "output", "", "write the report to `file` instead of standard output")
	fs.StringVar(&cf.failLevel, "fail-level", "error", "exit 1 when a finding is at or above this `level`: error, warning or note")
	fs.StringVar(&cf.root, "root", "", "resolve absolute paths, users and groups under `dir` (default /, and checked trees that mirror /etc/nginx are read in place)")
	fs.StringVar(&cf.nginxVersion, "nginx-version", "", "treat directives this nginx `version` lacks (e.g. 1.22.1) as unknown")
	fs.StringVar(&cf.fpmPrefix, "fpm-prefix", "", "php-fpm's prefix (-p) for relative include and listen paths (default: the compile-time /usr)")
	fs.StringVar(&cf.color, "color", "auto", "colour the text output: auto, always or never (NO_COLOR is honoured)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: fcgilint check [flags] [PATH...]\n\nLint nginx and php-fpm configuration files or directories; with no PATH, this host's configs.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nExit status: 0 no finding at or above the fail level, 1 findings, 2 usage error or unreadable input, 3 internal error.\n")
	}
	// Flags may come after paths, as users of ruff and eslint expect.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			paths = append(paths, args[1:]...)
			break
		}
		paths = append(paths, args[0])
		args = args[1:]
	}
	return cf, paths, nil
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	cf, paths, err := parseCheckFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	failLevel, err := diag.ParseSeverity(cf.failLevel)
	if err != nil || failLevel == diag.None {
		fmt.Fprintf(stderr, "fcgilint: --fail-level: want error, warning or note, not %q\n", cf.failLevel)
		return exitUsage
	}
	validFormat := false
	for _, f := range output.Formats {
		validFormat = validFormat || f == cf.format
	}
	if !validFormat {
		fmt.Fprintf(stderr, "fcgilint: --format: want %s, not %q\n", strings.Join(output.Formats, ", "), cf.format)
		return exitUsage
	}
	fsys := &files.FS{Root: cf.root}
	var found []discover.File
	if len(paths) == 0 {
		found = discover.Host(fsys)
		if len(found) == 0 {
			fmt.Fprintf(stderr, "fcgilint: no nginx or php-fpm configuration found on this host (looked for %s); name the files or directories to check\n", strings.Join(discover.HostMains, ", "))
			return exitUsage
		}
	} else {
		found, err = discover.Paths(paths)
		if err != nil {
			fmt.Fprintf(stderr, "fcgilint: %s\n", describePathError(err))
			return exitUsage
		}
	}

	if len(found) == 0 {
		fmt.Fprintf(stderr, "fcgilint: warning: no nginx or php-fpm configuration found under %s\n", strings.Join(paths, ", "))
	}
	pass := &lint.Pass{FS: fsys, NginxVersion: cf.nginxVersion}
	loadDiags := loadSets(pass, found, cf, cf.root == "")
	rules.Run(pass)
	for _, d := range loadDiags {
		pass.Report(d)
	}
	ds := pass.Diagnostics()

	out := stdout
	if cf.outPath != "" {
		f, err := os.Create(cf.outPath)
		if err != nil {
			fmt.Fprintf(stderr, "fcgilint: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		out = f
	}
	base, _ := os.Getwd()
	nfiles := countFiles(pass)
	opts := output.Options{
		Format:  cf.format,
		Color:   useColor(cf.color, out),
		Sources: output.FileSources(fsys.ReadFile),
		Meta:    output.Meta{Version: strings.Fields(versionString())[1], BaseDir: base, Files: nfiles},
	}
	if err := output.Write(out, ds, opts); err != nil {
		fmt.Fprintf(stderr, "fcgilint: writing the report: %v\n", err)
		return exitInternal
	}
	if cf.format == "text" && cf.outPath == "" {
		summarize(stderr, ds, nfiles)
	}
	if diag.Max(ds) >= failLevel {
		return exitFindings
	}
	return exitOK
}

// loadSets loads every configuration set found: main configurations with
// what they include, then the files no main configuration reached, each in
// the context its content implies.
func loadSets(pass *lint.Pass, found []discover.File, cf *checkFlags, mirror bool) []diag.Diagnostic {
	var ds []diag.Diagnostic
	covered := map[string]bool{}
	cache := nginxconf.NewParseCache()
	nopts := nginxconf.Options{FS: pass.FS, Cache: cache}
	if mirror {
		nopts.MirrorPrefixes = nginxconf.DefaultMirrorPrefixes
	}
	fopts := fpm.Options{FS: pass.FS, Prefix: cf.fpmPrefix, Env: environ(), MasterIsRoot: true}
	for _, f := range found {
		if !f.Main {
			continue
		}
		switch f.Kind {
		case discover.Nginx:
			cfg, d := nginxconf.Load(f.Path, nopts)
			pass.Nginx = append(pass.Nginx, cfg)
			ds = append(ds, d...)
			for p := range cfg.Files {
				covered[p] = true
			}
		case discover.FPM:
			cfg, d := fpm.Load(f.Path, fopts)
			pass.FPM = append(pass.FPM, cfg)
			ds = append(ds, d...)
			for _, p := range cfg.Files {
				covered[p] = true
			}
		}
	}
	for _, f := range found {
		if f.Main || covered[f.Path] {
			continue
		}
		switch f.Kind {
		case discover.Nginx:
			opts := nopts
			opts.ConfPrefix = guessConfPrefix(f.Path)
			var last []diag.Diagnostic
			byCtx := map[nginxconf.Context]*nginxconf.Config{}
			diagsByCtx := map[nginxconf.Context][]diag.Diagnostic{}
			ctx := nginxconf.InferContext(func(c nginxconf.Context) *nginxconf.Config {
				cfg, d := nginxconf.LoadIn(f.Path, c, opts)
				byCtx[c], diagsByCtx[c] = cfg, d
				return cfg
			}, pass.NginxVersion)
			last = diagsByCtx[ctx]
			pass.Nginx = append(pass.Nginx, byCtx[ctx])
			ds = append(ds, last...)
			for p := range byCtx[ctx].Files {
				covered[p] = true
			}
		case discover.FPM:
			cfg, d := fpm.Load(f.Path, fopts)
			pass.FPM = append(pass.FPM, cfg)
			ds = append(ds, d...)
			for _, p := range cfg.Files {
				covered[p] = true
			}
		}
	}
	return ds
}

// guessConfPrefix finds the directory a file's relative includes were
// written against: the nearest ancestor holding nginx.conf, else the file's
// own directory.
func guessConfPrefix(path string) string {
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

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

func countFiles(p *lint.Pass) int {
	seen := map[string]bool{}
	for _, c := range p.Nginx {
		for f := range c.Files {
			seen[f] = true
		}
	}
	for _, c := range p.FPM {
		for _, f := range c.Files {
			seen[f] = true
		}
	}
	return len(seen)
}

func summarize(w io.Writer, ds []diag.Diagnostic, nfiles int) {
	var e, wn, n int
	for _, d := range ds {
		switch d.Severity {
		case diag.Error:
			e++
		case diag.Warning:
			wn++
		default:
			n++
		}
	}
	if len(ds) == 0 {
		fmt.Fprintf(w, "fcgilint: %d files checked, no problems found\n", nfiles)
		return
	}
	fmt.Fprintf(w, "fcgilint: %d files checked: %d errors, %d warnings, %d notes\n", nfiles, e, wn, n)
}

func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func describePathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %s", pe.Path, pe.Err)
	}
	return err.Error()
}
