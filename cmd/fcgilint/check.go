package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/output"
	"github.com/fcgilint/fcgilint/lint/sets"
)

type checkFlags struct {
	format       string
	outPath      string
	failLevel    string
	root         string
	nginxVersion string
	fpmPrefix    string
	nginxPrefix  string
	color        string
	configPath   string
	noConfig     bool
	whole        bool
	lowMemory    bool
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
	fs.StringVar(&cf.nginxPrefix, "nginx-prefix", "", "nginx's prefix (-p) for relative log, temporary and module paths (default: inferred from where nginx.conf is)")
	fs.StringVar(&cf.fpmPrefix, "fpm-prefix", "", "php-fpm's prefix (-p) for relative include and listen paths (default: the compile-time /usr)")
	fs.StringVar(&cf.color, "color", "auto", "colour the text output: auto, always or never (NO_COLOR is honoured)")
	fs.StringVar(&cf.configPath, "c", "", "read the configuration from `file` instead of the .fcgilint.yaml found upward from the first PATH")
	fs.StringVar(&cf.configPath, "config", "", "read the configuration from `file` instead of the .fcgilint.yaml found upward from the first PATH")
	fs.BoolVar(&cf.noConfig, "no-config", false, "read no configuration file")
	fs.BoolVar(&cf.whole, "whole", false, "hold the whole configuration at once instead of a large host's sites a batch at a time: the same findings, a fifth faster, in twice the memory or more")
	fs.BoolVar(&cf.lowMemory, "low-memory", false, "check a large host's sites in smaller batches and collect garbage more often: the least memory, for more time")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: fcgilint check [flags] [PATH...]\n\nLint nginx and php-fpm configuration files or directories; with no PATH, this host's configs.\nA named file that an nginx.conf or php-fpm.conf above it includes is checked within that whole configuration.\n\nFlags:\n")
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
	if cf.whole && cf.lowMemory {
		fmt.Fprintln(stderr, "fcgilint: --whole and --low-memory: choose one")
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
	cfg, err := loadCheckConfig(cf, paths)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "fcgilint: %s\n", line)
		}
		return exitUsage
	}
	root := cf.root
	if root == "" && cfg != nil {
		root = cfg.Root
	}
	fsys := &files.FS{Root: root}
	var found []discover.File
	if len(paths) == 0 {
		// Without a PATH the configuration is this machine's own, so what
		// depends on the machine (users, hosts, files) is known, not guessed.
		if fsys.Root == "" {
			fsys.Root = "/"
		}
		found = discover.Host(fsys)
		if len(found) == 0 {
			fmt.Fprintf(stderr, "fcgilint: no nginx or php-fpm configuration found on this host (looked for %s); name the files or directories to check\n", strings.Join(discover.HostMains, ", "))
			return exitUsage
		}
	} else {
		var templates []string
		found, templates, err = discover.Scan(paths)
		if len(templates) > 0 {
			fmt.Fprintf(stderr, "fcgilint: note: %d configuration template(s) passed over (%s%s): fcgilint checks what nginx and php-fpm read; render them, then check the result\n",
				len(templates), templates[0], map[bool]string{true: ", …"}[len(templates) > 1])
		}
		if err != nil {
			fmt.Fprintf(stderr, "fcgilint: %s\n", describePathError(err))
			return exitUsage
		}
		// Paths named on the command line are this host's; inside the
		// root they are files of the target machine and are named so.
		for i := range found {
			found[i].Path = fsys.Logical(found[i].Path)
		}
	}

	if len(found) == 0 {
		fmt.Fprintf(stderr, "fcgilint: warning: no nginx or php-fpm configuration found under %s\n", strings.Join(paths, ", "))
	}
	checkOpts := engine.Options{
		FS:           fsys,
		Mirror:       root == "" && len(paths) > 0,
		NginxVersion: cf.nginxVersion,
		NginxPrefix:  cf.nginxPrefix,
		FPMPrefix:    cf.fpmPrefix,
		Env:          engine.Environ(),
		Config:       cfg,
	}
	switch {
	case cf.whole:
	case cf.lowMemory:
		checkOpts.SiteBudget = engine.LowMemorySiteBudget
	default:
		checkOpts.SiteBudget = engine.DefaultSiteBudget
	}
	if checkOpts.SiteBudget > 0 {
		// The batch just judged is garbage (see paceGC).
		checkOpts.BetweenBatches = runtime.GC
	}
	paceGC(cf.whole, cf.lowMemory)
	// A named site, snippet or pool is checked within the configuration
	// set that reads it (see lint/sets): pre-commit names only the files
	// a commit changes.
	found = sets.Expand(found, checkOpts)
	pass := engine.Check(found, checkOpts)
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
	nfiles := engine.FileCount(pass)
	opts := output.Options{
		Format:   cf.format,
		Color:    useColor(cf.color, out),
		Sources:  output.FileSources(fsys.ReadFile),
		DiskPath: fsys.Real,
		Meta:     output.Meta{Version: strings.Fields(versionString())[1], BaseDir: base, Files: nfiles},
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
	fmt.Fprintf(w, "fcgilint: %d files checked: %s, %s, %s\n", nfiles, plural(e, "error"), plural(wn, "warning"), plural(n, "note"))
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

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
