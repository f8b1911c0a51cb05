// Package fpm loads a php-fpm configuration the way php-fpm 8.2 does
// (includes, prefix, $pool, ${ENV}, sections that re-open pools, last-wins
// scalars and first-wins arrays), makes every check of `php-fpm -t` and of
// the start-up that follows it, and builds the effective model of every pool:
// where it listens, with which socket owner and mode, as which user.
package fpm

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	gfpm "github.com/fcgilint/fcgilint/grammar/fpm"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
)

// Options describe how php-fpm is run.
type Options struct {
	FS            *files.FS         // required
	Prefix        string            // -p; "" = compile-time prefix
	CompilePrefix string            // "" = "/usr" (Debian, RHEL, Alpine); the official docker image uses "/usr/local"
	Env           map[string]string // ${VAR} values; nil = no variables set (the CLI fills it)
	MasterIsRoot  bool              // the master runs as root (distro services): user required, root refused
	AllowRoot     bool              // -R
	// MirrorRoot is the directory a checked tree keeps a machine's files
	// under (a repository's copy of /etc): absolute include patterns are
	// read under it, never from the machine fcgilint runs on. "" for none.
	MirrorRoot string
}

// maxIncludeDepth is php-fpm's limit on nested files (the main file counts):
// "failed to include more than 5 files recursively".
const maxIncludeDepth = 5

// Load reads mainPath and everything it includes, and returns the model and
// every finding. A path that is a pool file (no [global], no include, and a
// name or place like pool.d/www.conf) is analysed as php-fpm would see it:
// through the main configuration that includes it when one is found next to
// it, else as if included at the end of a [global] section (Config.Fragment).
func Load(mainPath string, opts Options) (*Config, []diag.Diagnostic) {
	if opts.FS == nil {
		opts.FS = &files.FS{}
	}
	l := newLoader(opts)
	if src, err := opts.FS.ReadFile(mainPath); err == nil && isPoolFragment(mainPath, src) {
		if main := findIncludingMain(opts, mainPath); main != "" {
			mainPath = main
		} else {
			l.fragment = true
			l.cfg.Fragment = true
		}
	}
	l.cfg.Main = mainPath
	l.loadFile(mainPath, nil, 1)
	l.postProcess()
	diag.Sort(l.diags)
	l.diags = diag.Dedup(l.diags)
	l.cfg.Starts = true
	for _, d := range l.diags {
		if isStartFatal(d) {
			l.cfg.Starts = false
		}
	}
	for i, p := range l.cfg.Pools {
		p.Fatal = l.pools[i].fatal
		p.Starts = l.cfg.Starts
	}
	return l.cfg, l.diags
}

type loader struct {
	opts     Options
	fs       *files.FS
	cfg      *Config
	diags    []diag.Diagnostic
	fragment bool

	pools   []*poolState
	current *poolState // nil: the global section
	global  map[string]*assignment
	// stack of files being read, for cycle detection
	stack          []string
	parsed         map[string]*gfpm.File
	unsetReported  map[string]bool
	accounts       *accounts
	lastIncludeEnd *includeMark
	includeFailed  bool
	checking       *poolState // the pool postProcess is checking
	postProcessing bool
}

// includeMark remembers the last include, to warn about directives that
// follow it and silently land in the last pool of the included files.
type includeMark struct {
	file   string
	line   int
	pool   *poolState
	loc    diag.Location
	warned bool
}

// assignment is one directive as last set.
type assignment struct {
	dir      *Directive
	name     string // as written
	value    string // after $pool
	nameLoc  diag.Location
	valueLoc diag.Location
	file     *gfpm.File
	stmt     gfpm.Statement
}

type arrayAssignment struct {
	dir      *Directive
	key      string
	value    string
	nameLoc  diag.Location
	valueLoc diag.Location
	stmt     gfpm.Statement
}

type poolState struct {
	fatal    bool // an error of this pool stops php-fpm
	name     string
	sections []diag.Location
	scalars  map[string]*assignment
	arrays   []arrayAssignment
}

func newLoader(opts Options) *loader {
	prefix := opts.Prefix
	if prefix == "" {
		prefix = opts.CompilePrefix
	}
	if prefix == "" {
		prefix = "/usr"
	}
	prefix = strings.TrimRight(prefix, "/")
	if prefix == "" {
		prefix = "/"
	}
	return &loader{
		opts:          opts,
		fs:            opts.FS,
		cfg:           &Config{Prefix: prefix, MasterIsRoot: opts.MasterIsRoot, AllowRoot: opts.AllowRoot},
		global:        map[string]*assignment{},
		parsed:        map[string]*gfpm.File{},
		unsetReported: map[string]bool{},
	}
}

func (l *loader) report(rule string, sev diag.Severity, loc diag.Location, format string, args ...any) *diag.Diagnostic {
	// Values quoted in messages come from the file; a hostile or broken
	// file can make them megabytes long.
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > 160 {
			args[i] = s[:150] + "...(" + strconv.Itoa(len(s)) + " bytes)"
		}
	}
	l.diags = append(l.diags, diag.Diagnostic{Rule: rule, Severity: sev, Message: fmt.Sprintf(format, args...), Location: loc})
	d := &l.diags[len(l.diags)-1]
	if isStartFatal(*d) {
		// Remember which pool the error belongs to: the one being checked,
		// or the section being read.
		if l.checking != nil {
			l.checking.fatal = true
		} else if l.current != nil && !l.postProcessing {
			l.current.fatal = true
		}
	}
	return d
}

func (l *loader) lookupEnv(name string) (string, bool) {
	if l.opts.Env == nil {
		return "", false
	}
	v, ok := l.opts.Env[name]
	return v, ok
}

// loadFile reads one file; from is the include statement that led here.
// It returns false when php-fpm would fail reading it (the include then
// fails too, which php-fpm reports as "Unable to include").
func (l *loader) loadFile(p string, from *diag.Location, depth int) bool {
	where := fileStart(p)
	if from != nil {
		where = *from
	}
	if cyc := l.cycleStart(p); cyc >= 0 {
		// php-fpm has no cycle detection: it follows the cycle until its
		// nesting limit and fails. Stop here and say why.
		l.includeFailed = true
		l.report("fpm-include-error", diag.Error, where,
			"include cycle (%s): php-fpm follows it until its limit of %d nested files and refuses to start (\"failed to include more than 5 files recursively\"); every request nginx sends to these pools fails with 502. Remove the include that leads back to an including file",
			strings.Join(append(append([]string{}, l.stack[cyc:]...), p), " -> "), maxIncludeDepth)
		return false
	}
	if depth > maxIncludeDepth {
		l.includeFailed = true
		l.report("fpm-include-error", diag.Error, where,
			"more than %d nested configuration files: php-fpm refuses to start (\"failed to include more than 5 files recursively\"). Flatten the includes", maxIncludeDepth)
		return false
	}
	src, err := l.fs.ReadFile(p)
	if err != nil {
		l.includeFailed = true
		if from == nil {
			l.report("fpm-include-error", diag.Error, where,
				"cannot read the configuration file: %v; php-fpm refuses to start (\"failed to open configuration file\")", err)
		} else if target, dangling := l.fs.DanglingLink(p); dangling {
			l.report("fpm-include-error", diag.Error, where,
				"cannot read included file %s: %v; php-fpm refuses to start (\"Unable to include %s\"), so every request nginx sends to its pools fails with 502. %s is a symbolic link to %s, which does not exist: remove the link, or restore the file it points to", p, err, p, p, target)
		} else {
			l.report("fpm-include-error", diag.Error, where,
				"cannot read included file %s: %v; php-fpm refuses to start (\"Unable to include %s\"), so every request nginx sends to its pools fails with 502", p, err, p)
		}
		return false
	}
	l.cfg.Files = append(l.cfg.Files, p)
	l.stack = append(l.stack, p)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()

	f, ok := l.parsed[p]
	if !ok {
		f = gfpm.Parse(p, src, gfpm.Options{LookupEnv: l.lookupEnv})
		l.parsed[p] = f
		l.reportSyntax(f)
	}
	l.walk(f, depth)
	return true
}

func (l *loader) cycleStart(p string) int {
	for i, s := range l.stack {
		if s == p {
			return i
		}
	}
	return -1
}

// fileStart is an empty location at the start of a file, for findings about
// a whole file (outputs want line 1, column 1 rather than nothing).
func fileStart(p string) diag.Location {
	start := diag.Pos{Offset: 0, Line: 1, Column: 1}
	return diag.Location{File: p, Range: diag.Range{Start: start, End: start}}
}

// reportSyntax reports the Zend INI syntax errors of a file, once.
func (l *loader) reportSyntax(f *gfpm.File) {
	for _, e := range f.Errors {
		line := strings.TrimLeft(string(f.Lines.Line(e.Line)), " \t")
		d := l.report("fpm-syntax", diag.Error, f.Location(e.Span),
			"%s: php-fpm refuses to start (\"PHP:  syntax error ...\", without the file name or line); every request nginx sends to this php-fpm fails with 502", e.Message)
		if strings.HasPrefix(line, "#") {
			d.Message = "'#' does not start a comment in php-fpm (since PHP 7.0) and this line is a syntax error: php-fpm refuses to start, so every request nginx sends to it fails with 502. Use ';' for comments"
			d.Location = f.Location(f.LineSpan(e.Line))
			d.Fixes = []diag.Fix{hashCommentFix(f, e.Line)}
		} else if strings.ContainsAny(e.Unexpected, "~()!&|^=") && !strings.HasPrefix(strings.TrimSpace(e.Unexpected), "[") {
			d.Message += ". Characters = ~ ! ( ) & | ^ are operators in an unquoted value: quote the value (\"...\")"
		}
	}
	if f.Cut != nil {
		l.report("fpm-syntax", diag.Note, f.Location(*f.Cut),
			"more than %d statements in one file: fcgilint reads no further, and what follows is not checked", gfpm.MaxStatements)
	}
	for _, n := range f.Nuls {
		l.report("fpm-syntax", diag.Warning, f.Location(gfpm.Span{Start: n.Offset, End: n.Offset + 1}),
			"NUL byte: php-fpm reads each line as a C string and silently ignores the rest of this line")
	}
}

// hashCommentFix turns a '#' comment line into a ';' comment.
func hashCommentFix(f *gfpm.File, line int) diag.Fix {
	sp := f.LineSpan(line)
	text := f.Text(sp)
	i := strings.IndexByte(text, '#')
	return diag.Fix{
		Title: "Use ';' for this comment",
		Edits: []diag.TextEdit{{Location: f.Location(gfpm.Span{Start: sp.Start + i, End: sp.Start + i + 1}), NewText: ";"}},
	}
}

// walk applies the statements of a file in order, following includes at the
// end of the line that holds them, as fpm_conf_load_ini_file does.
func (l *loader) walk(f *gfpm.File, depth int) {
	var pendingInclude *gfpm.Statement
	for i := range f.Statements {
		st := f.Statements[i]
		if pendingInclude != nil && pendingInclude.Line != st.Line {
			l.include(f, *pendingInclude, depth)
			pendingInclude = nil
		}
		l.noteAfterInclude(f, st)
		switch st.Kind {
		case gfpm.SectionHeader:
			l.section(f, st)
		case gfpm.BareEntry:
			l.bareEntry(f, st)
		case gfpm.Entry:
			if st.Name == "include" {
				if pendingInclude != nil {
					l.report("fpm-include-error", diag.Error, f.Location(st.Span),
						"two includes on one line: php-fpm refuses to start (\"two includes at the same time !\"). Put each include on its own line")
					continue
				}
				s := st
				pendingInclude = &s
				continue
			}
			l.entry(f, st)
		case gfpm.ArrayEntry:
			l.array(f, st)
		}
	}
	if pendingInclude != nil {
		l.include(f, *pendingInclude, depth)
	}
}

// noteAfterInclude warns once when directives follow an include in the same
// file: php-fpm applies them to the last pool the included files opened.
func (l *loader) noteAfterInclude(f *gfpm.File, st gfpm.Statement) {
	m := l.lastIncludeEnd
	if m == nil || m.warned || m.file != f.Path || st.Line <= m.line || st.Kind == gfpm.SectionHeader {
		return
	}
	if m.pool == nil || l.current != m.pool {
		return
	}
	m.warned = true
	d := l.report("fpm-after-include", diag.Warning, f.Location(st.NameSpan),
		"'%s' follows an include and lands in pool [%s], the last pool the included files opened, not in the section it is written in. Move it before the include or under its own [section] header",
		st.Name, m.pool.name)
	d.Related = []diag.Related{{Location: m.loc, Message: "the include"}}
}

func (l *loader) section(f *gfpm.File, st gfpm.Statement) {
	loc := f.Location(st.Span)
	if strings.EqualFold(st.Name, "global") {
		l.current = nil
		return
	}
	for _, p := range l.pools {
		if strings.EqualFold(p.name, st.Name) {
			p.sections = append(p.sections, loc)
			l.current = p
			return
		}
	}
	p := &poolState{name: st.Name, sections: []diag.Location{loc}, scalars: map[string]*assignment{}}
	l.pools = append(l.pools, p)
	l.current = p
	if strings.TrimSpace(st.Name) != st.Name {
		l.report("fpm-invalid-value", diag.Warning, f.Location(st.NameSpan),
			"pool name %q has leading or trailing blanks, which php-fpm keeps (the pool is named %q, and $pool expands to it). Write [%s]",
			st.Name, st.Name, strings.TrimSpace(st.Name))
	}
}

func (l *loader) bareEntry(f *gfpm.File, st gfpm.Statement) {
	if strings.HasPrefix(st.Name, "#") {
		d := l.report("fpm-syntax", diag.Error, f.Location(f.LineSpan(st.Line)),
			"'#' does not start a comment in php-fpm (since PHP 7.0): this line is a directive named %q without a value, and php-fpm refuses to start (\"value is NULL for a ZEND_INI_PARSER_ENTRY\"); every request nginx sends to it fails with 502. Use ';' for comments", truncate(st.Name, 40))
		d.Fixes = []diag.Fix{hashCommentFix(f, st.Line)}
		return
	}
	l.report("fpm-syntax", diag.Error, f.Location(st.NameSpan),
		"%q has no '=': php-fpm refuses to start (\"value is NULL for a ZEND_INI_PARSER_ENTRY\"); every request nginx sends to it fails with 502. Write 'name = value', or comment the line out with ';'", truncate(st.Name, 60))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func (l *loader) valueLocation(f *gfpm.File, st gfpm.Statement) diag.Location {
	if st.ValueSpan.End > st.ValueSpan.Start {
		return f.Location(st.ValueSpan)
	}
	return f.Location(st.NameSpan)
}

// expandPool replaces every "$pool" with the current pool's name, as
// fpm_conf_expand_pool_name does; ok is false outside a pool.
func (l *loader) expandPool(v string) (string, bool) {
	if !strings.Contains(v, "$pool") {
		return v, true
	}
	if l.current == nil {
		return v, false
	}
	return strings.ReplaceAll(v, "$pool", l.current.name), true
}

func (l *loader) entry(f *gfpm.File, st gfpm.Statement) {
	nameLoc := f.Location(st.NameSpan)
	valueLoc := l.valueLocation(f, st)
	l.reportUnsetVars(f, st)
	var dir *Directive
	if l.current == nil {
		dir = LookupGlobal(st.Name)
	} else {
		dir = LookupPool(st.Name)
	}
	if dir == nil {
		l.unknownEntry(f, st, nameLoc)
		return
	}
	value := st.Value
	if dir.Type == TypeString {
		v, ok := l.expandPool(value)
		if !ok {
			l.report("fpm-invalid-value", diag.Error, valueLoc,
				"'%s' uses $pool in the [global] section: php-fpm refuses to start (\"Can't use '$pool' when the pool is not defined\"). $pool only works inside a [pool] section", st.Name)
			return
		}
		value = v
	} else if msg := checkType(dir, value); msg != "" {
		d := l.report("fpm-invalid-value", diag.Error, valueLoc,
			"%s: php-fpm refuses to start (\"unable to parse value for entry '%s': %s\"); every request nginx sends to it fails with 502", describeBadValue(dir, st, value), dir.Name, msg)
		if len(st.Constants) > 0 {
			d.Message += fmt.Sprintf(". Note: %s is a PHP constant, which the INI parser replaces with %q; quote the value to keep it as text", st.Constants[0].Name, st.Constants[0].Value)
		}
		return
	}
	a := &assignment{dir: dir, name: st.Name, value: value, nameLoc: nameLoc, valueLoc: valueLoc, file: f, stmt: st}
	key := strings.ToLower(dir.Name)
	if l.current == nil {
		l.global[key] = a
	} else {
		l.current.scalars[key] = a
	}
	l.valueTraps(f, st, dir, value, valueLoc)
}

// valueTraps points out values the INI parser changed behind the user's back.
func (l *loader) valueTraps(f *gfpm.File, st gfpm.Statement, dir *Directive, value string, loc diag.Location) {
	if dir.Type != TypeString || st.Bool == "" {
		return
	}
	switch strings.ToLower(dir.Name) {
	case "user", "group", "listen.owner", "listen.group", "listen.acl_users", "listen.acl_groups", "listen", "chroot", "chdir", "prefix":
		meaning := "an empty value"
		if value == "1" {
			meaning = "\"1\""
		}
		l.report("fpm-invalid-value", diag.Warning, loc,
			"'%s = %s': the INI parser reads %q as a boolean, so php-fpm sees %s, not the name %q. Quote it (\"%s\") if you mean the name",
			dir.Name, st.Bool, st.Bool, meaning, st.Bool, st.Bool)
	}
}

func describeBadValue(dir *Directive, st gfpm.Statement, value string) string {
	shown := value
	if st.RawValue != "" && st.RawValue != value {
		shown = fmt.Sprintf("%s (read as %q)", st.RawValue, value)
	} else {
		shown = strconv.Quote(value)
	}
	return fmt.Sprintf("'%s' expects %s, got %s", dir.Name, typeExpectation(dir), shown)
}

func typeExpectation(dir *Directive) string {
	switch dir.Type {
	case TypeInt:
		return "an integer"
	case TypeTime:
		return "a time (an integer with an optional s, m, h or d suffix)"
	case TypeBool:
		return "a boolean (yes/no, on/off, true/false)"
	case TypePM:
		return "static, dynamic or ondemand"
	case TypeLogLevel:
		return "alert, error, warning, notice or debug"
	case TypeRlimitCore:
		return "a non-negative integer or 'unlimited'"
	case TypeSyslogFacility:
		return "a syslog facility (" + strings.ToLower(strings.Join(syslogFacilities, ", ")) + ")"
	}
	return "a string"
}

// checkType runs php-fpm's parser for the directive's type and returns its
// error message ("" when the value is accepted).
func checkType(dir *Directive, v string) string {
	switch dir.Type {
	case TypeInt:
		if !isFPMInteger(v) {
			return "is not a valid number (greater or equal than zero)"
		}
	case TypeTime:
		if v == "" {
			return "invalid time value"
		}
		last := v[len(v)-1]
		if strings.IndexByte("smhd", last) < 0 && (last < '0' || last > '9') {
			return "unknown suffix used in time value"
		}
	case TypeBool:
		if _, ok := parseBool(v); !ok {
			return "invalid boolean value"
		}
	case TypePM:
		switch strings.ToLower(v) {
		case "static", "dynamic", "ondemand":
		default:
			return "invalid process manager (static, dynamic or ondemand)"
		}
	case TypeLogLevel:
		switch strings.ToLower(v) {
		case "alert", "error", "warning", "warn", "notice", "debug":
		default:
			return "invalid value for 'log_level'"
		}
	case TypeRlimitCore:
		if strings.EqualFold(v, "unlimited") {
			return ""
		}
		if !isFPMInteger(v) {
			return "is not a valid number (greater or equal than zero)"
		}
		if atoiC(v) < 0 {
			return "must be greater than zero or 'unlimited'"
		}
	case TypeSyslogFacility:
		for _, f := range syslogFacilities {
			if strings.EqualFold(v, f) {
				return ""
			}
		}
		return "invalid value"
	}
	return ""
}

// isFPMInteger is fpm_conf_set_integer's check: an optional leading '-' and
// digits; the empty string passes (and is 0).
func isFPMInteger(v string) bool {
	for i := 0; i < len(v); i++ {
		if i == 0 && v[i] == '-' {
			continue
		}
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// parseBool accepts what php-fpm 8.2's boolean parser accepts: the INI
// keywords arrive as "1" and "", and spelled-out words (from ${VAR} or
// quotes) are accepted case-insensitively.
func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "yes", "true", "on":
		return true, true
	case "", "0", "no", "none", "false", "off":
		return false, true
	}
	return false, false
}

// atoiC is C's atoi (see grammar/fpm) on a string already checked.
func atoiC(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	v := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + int(s[i]-'0')
		if v > 1<<40 {
			break
		}
	}
	if neg {
		v = -v
	}
	return int(int32(v))
}

// timeSeconds is fpm_conf_set_time's result.
func timeSeconds(v string) int {
	if v == "" {
		return 0
	}
	mult := 1
	switch v[len(v)-1] {
	case 'm':
		mult, v = 60, v[:len(v)-1]
	case 'h':
		mult, v = 3600, v[:len(v)-1]
	case 'd':
		mult, v = 86400, v[:len(v)-1]
	case 's':
		v = v[:len(v)-1]
	}
	return atoiC(v) * mult
}

func (l *loader) unknownEntry(f *gfpm.File, st gfpm.Statement, nameLoc diag.Location) {
	name := st.Name
	if strings.HasPrefix(name, "#") {
		d := l.report("fpm-syntax", diag.Error, f.Location(f.LineSpan(st.Line)),
			"'#' does not start a comment in php-fpm (since PHP 7.0): this line sets an unknown directive '%s' and php-fpm refuses to start (\"unknown entry '%s'\"); every request nginx sends to it fails with 502. Use ';' for comments", truncate(name, 40), truncate(name, 40))
		d.Fixes = []diag.Fix{hashCommentFix(f, st.Line)}
		return
	}
	if strings.EqualFold(name, "include") {
		l.report("fpm-unknown-entry", diag.Error, nameLoc,
			"'%s' is not 'include': php-fpm only recognises include in lower case and refuses to start (\"unknown entry '%s'\"). Write 'include'", name, name)
		return
	}
	var msg string
	if l.current == nil {
		if LookupPool(name) != nil {
			msg = fmt.Sprintf("'%s' is a pool directive, but here it is in the [global] section", name)
			if l.includedFromGlobal() {
				msg += " (this file has no [pool] header before it and is included from [global]; add a header such as [www] at the top)"
			} else {
				msg += " (add a [pool] header such as [www] before it)"
			}
		} else if s := suggest(name, GlobalDirectives); s != "" {
			msg = fmt.Sprintf("unknown [global] directive '%s' (did you mean '%s'?)", name, s)
		} else if s := suggest(name, PoolDirectives); s != "" {
			msg = fmt.Sprintf("unknown directive '%s' (did you mean the pool directive '%s'? It must be under a [pool] header)", name, s)
		} else {
			msg = fmt.Sprintf("unknown [global] directive '%s'", name)
		}
	} else {
		if LookupGlobal(name) != nil {
			msg = fmt.Sprintf("'%s' is a [global] directive, but here it is in pool [%s] (move it under [global]; after an include, the current section is the last pool of the included files)", name, l.current.name)
		} else if LookupArray(strings.ToLower(name)) != nil {
			msg = fmt.Sprintf("'%s' needs a key: write %s[name] = value", name, strings.ToLower(name))
		} else if s := suggest(name, PoolDirectives); s != "" {
			msg = fmt.Sprintf("unknown pool directive '%s' (did you mean '%s'?)", name, s)
		} else {
			msg = fmt.Sprintf("unknown pool directive '%s'", name)
		}
	}
	l.report("fpm-unknown-entry", diag.Error, nameLoc,
		"%s: php-fpm refuses to start (\"unknown entry '%s'\"); every request nginx sends to it fails with 502", msg, name)
}

func (l *loader) includedFromGlobal() bool { return len(l.stack) > 1 }

func (l *loader) array(f *gfpm.File, st gfpm.Statement) {
	nameLoc := f.Location(st.NameSpan)
	valueLoc := l.valueLocation(f, st)
	l.reportUnsetVars(f, st)
	dir := LookupArray(st.Name)
	// php-fpm 8.2 checks, in order: the key (except for
	// access.suppress_path), the section, then the directive name.
	if st.Name == "access.suppress_path" {
		if st.Key != "" {
			l.report("fpm-invalid-value", diag.Error, f.Location(st.KeySpan),
				"access.suppress_path takes no key: php-fpm refuses to start (\"Keys provided to field 'access.suppress_path' are ignored\"). Write access.suppress_path[] = /path")
			return
		}
		if !strings.HasPrefix(st.Value, "/") {
			l.report("fpm-invalid-value", diag.Error, valueLoc,
				"access.suppress_path values must start with '/': php-fpm refuses to start (\"Values provided to field 'access.suppress_path' must begin with '/'\")")
			return
		}
	} else if st.Key == "" {
		l.report("fpm-invalid-value", diag.Error, f.Location(st.Span),
			"'%s[]' has no key: php-fpm refuses to start (\"You must provide a key for field '%s'\"). Write %s[name] = value", st.Name, st.Name, st.Name)
		return
	}
	if l.current == nil {
		l.report("fpm-unknown-entry", diag.Error, nameLoc,
			"'%s[%s]' is in the [global] section: php-fpm refuses to start (\"Array are not allowed in the global section\"). Move it under a [pool] header", st.Name, st.Key)
		return
	}
	if dir == nil {
		msg := fmt.Sprintf("unknown array directive '%s'", st.Name)
		if d := LookupArray(strings.ToLower(st.Name)); d != nil {
			msg += fmt.Sprintf(" (php-fpm compares array names case-sensitively: write '%s')", d.Name)
		} else if s := suggest(st.Name, ArrayDirectives); s != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", s)
		}
		l.report("fpm-unknown-entry", diag.Error, nameLoc,
			"%s: php-fpm refuses to start (\"unknown directive '%s'\"); every request nginx sends to it fails with 502", msg, st.Name)
		return
	}
	value := st.Value
	switch st.Name {
	case "env":
		if value == "" {
			l.report("fpm-invalid-value", diag.Error, valueLoc,
				"env[%s] has an empty value: php-fpm refuses to start (\"empty value\"). Give it a value, or remove the line", st.Key)
			return
		}
	case "php_flag", "php_admin_flag":
		b, ok := parseBool(value)
		if !ok {
			l.report("fpm-invalid-value", diag.Error, valueLoc,
				"%s[%s] expects a boolean (on/off), got %q: php-fpm refuses to start (\"error while parsing '%s[%s]' : invalid boolean value\")", st.Name, st.Key, value, st.Name, st.Key)
			return
		}
		value = "0"
		if b {
			value = "1"
		}
	}
	if dir.Type == TypeString {
		value, _ = l.expandPool(value)
	}
	l.current.arrays = append(l.current.arrays, arrayAssignment{dir: dir, key: st.Key, value: value, nameLoc: nameLoc, valueLoc: valueLoc, stmt: st})
}

// reportUnsetVars warns about ${VAR} references to unset variables.
func (l *loader) reportUnsetVars(f *gfpm.File, st gfpm.Statement) {
	for _, v := range st.Vars {
		if v.Set {
			continue
		}
		loc := f.Location(v.Span)
		key := fmt.Sprintf("%s:%d", loc.File, loc.Range.Start.Offset)
		if l.unsetReported[key] {
			continue
		}
		l.unsetReported[key] = true
		l.report("fpm-env-unset", diag.Warning, loc,
			"${%s} is not set, so php-fpm uses an empty string for it in '%s'. Set the variable in php-fpm's environment (or pass it to fcgilint), or write the value", v.Name, st.Name)
	}
}

// include follows an include directive: the pattern is made absolute with
// the global prefix (not the including file's directory) and globbed.
func (l *loader) include(f *gfpm.File, st gfpm.Statement, depth int) {
	loc := l.valueLocation(f, st)
	l.reportUnsetVars(f, st)
	pattern := st.Value
	if pattern == "" {
		l.report("fpm-include-error", diag.Error, loc, "include with an empty pattern: php-fpm refuses to start (\"Unable to globalize ''\")")
		return
	}
	if !strings.HasPrefix(pattern, "/") {
		pattern = l.cfg.Prefix + "/" + pattern
	} else if l.opts.MirrorRoot != "" {
		pattern = path.Join(l.opts.MirrorRoot, pattern)
	}
	matches, aborted := globC(l.fs, pattern, false)
	if aborted {
		l.includeFailed = true
		l.report("fpm-include-error", diag.Error, loc,
			"include pattern %q: its directory does not exist (under the root fcgilint reads), so php-fpm refuses to start (\"Unable to globalize '%s' (ret=2)\"); every request nginx sends to it fails with 502.%s",
			pattern, pattern, relativeHint(st.Value, l.cfg.Prefix))
		return
	}
	if len(matches) == 0 {
		l.report("fpm-include-nomatch", diag.Warning, loc,
			"nothing matches the include pattern %q: php-fpm warns and goes on without it, so the pools you meant to include do not exist.%s",
			pattern, relativeHint(st.Value, l.cfg.Prefix))
		return
	}
	for _, m := range matches {
		if !l.loadFile(m, &loc, depth+1) {
			break
		}
	}
	l.lastIncludeEnd = &includeMark{file: f.Path, line: st.Line, pool: l.current, loc: loc}
}

func relativeHint(written, prefix string) string {
	if strings.HasPrefix(written, "/") {
		return ""
	}
	return fmt.Sprintf(" A relative include is relative to php-fpm's prefix (%s), not to the including file", prefix)
}

// globC expands a pattern as glob(3) with GLOB_ERR|GLOB_MARK does for
// php-fpm: sorted, hidden files only for patterns that start with '.',
// directories skipped, and aborted (an error) when a directory whose entries
// must be listed cannot be read.
// With dirs, it returns directories only (to expand the directory part of
// a pattern).
func globC(fs *files.FS, pattern string, dirs bool) (matches []string, aborted bool) {
	pattern = path.Clean(pattern)
	if !files.HasMeta(pattern) {
		if fs.Exists(pattern) && fs.IsDir(pattern) == dirs {
			return []string{pattern}, false
		}
		return nil, false
	}
	dir, base := path.Split(pattern)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "/"
	}
	var parents []string
	if files.HasMeta(dir) {
		ds, ab := globC(fs, dir, true)
		if ab {
			return nil, true
		}
		if len(ds) == 0 {
			return nil, false
		}
		parents = ds
	} else {
		parents = []string{dir}
	}
	for _, d := range parents {
		if !files.HasMeta(base) {
			p := path.Join(d, base)
			if fs.Exists(p) && fs.IsDir(p) == dirs {
				matches = append(matches, p)
			}
			continue
		}
		if !fs.IsDir(d) {
			return nil, true
		}
		found, err := fs.Glob(path.Join(escapeMeta(d), base))
		if err != nil {
			return nil, true
		}
		for _, m := range found {
			if fs.IsDir(m) != dirs {
				continue
			}
			matches = append(matches, m)
		}
	}
	sort.Strings(matches)
	return matches, false
}

func escapeMeta(p string) string {
	if !files.HasMeta(p) {
		return p
	}
	var b strings.Builder
	for _, c := range p {
		if c == '*' || c == '?' || c == '[' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
