// Package config reads .fcgilint.yaml: which rules run and at what
// severity, which paths are ignored, and what the files cannot tell about
// the target machine (profile, root, php-fpm prefix and environment, nginx
// user, version, prefix and third-party directives).
//
// The file is found upward from the checked path, then in the user's
// configuration directory (Find). It is decoded strictly: an unknown key, a
// wrong type or an unknown rule is an error naming the file, line and
// column, with a suggestion when one is close (Load).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// FileNames are the names searched for in each directory, in order.
var FileNames = []string{".fcgilint.yaml", ".fcgilint.yml"}

// SchemaURL is where the JSON Schema of the file is published, for the
// `# yaml-language-server: $schema=` modeline.
const SchemaURL = "https://raw.githubusercontent.com/fcgilint/fcgilint/main/schemas/fcgilint.schema.json"

// Config is one configuration file, decoded and validated. A nil *Config
// is valid and changes nothing.
type Config struct {
	// Path is the file the configuration was read from.
	Path string
	// Rules turn rules off or change their severity, by rule ID.
	Rules map[string]RuleSetting
	// Ignore drops findings by path.
	Ignore []Ignore
	// Profile is the distribution or image ("debian", ...); "" for none.
	Profile string
	// Root is an absolute directory holding a copy of the target machine's
	// "/" (like --root); "" for none.
	Root  string
	FPM   FPM
	Nginx Nginx
}

// RuleSetting is one entry of rules.
type RuleSetting struct {
	// Off stops the rule from running.
	Off bool
	// Severity replaces the rule's default; None keeps it.
	Severity diag.Severity
}

// Ignore drops the findings of Rules (all rules when empty) in the files
// Path matches.
type Ignore struct {
	// Path is the glob as written: relative to the configuration file's
	// directory, or absolute (then matched against the path the daemon
	// sees); "**" matches any number of directories, and a pattern that
	// matches a directory matches everything under it.
	Path  string
	Rules []string
}

// FPM holds what php-fpm is started with.
type FPM struct {
	// Prefix is php-fpm's -p (absolute); "" for the compile-time prefix.
	Prefix string
	// Env are environment variables php-fpm sees, for ${VAR} in pool files;
	// they override the environment fcgilint runs in.
	Env map[string]string
}

// Nginx holds what nginx was built and started with.
type Nginx struct {
	// User is the workers' identity when nginx.conf has no user directive
	// ("www-data" or "www-data www-data").
	User string
	// Version makes directives that nginx version lacks unknown ("1.22.1").
	Version string
	// Prefix is nginx's -p (absolute).
	Prefix string
	// Directives are third-party directives, checked like known ones.
	Directives []nginxconf.ExtraDirective
	// Extra is Directives as the loader consults them; nil when none.
	Extra *nginxconf.Extra
}

// Dir is the directory relative paths in the file resolve against.
func (c *Config) Dir() string {
	if c == nil || c.Path == "" {
		return ""
	}
	return filepath.Dir(c.Path)
}

// Enabled reports whether the rule runs.
func (c *Config) Enabled(id string) bool {
	if c == nil {
		return true
	}
	return !c.Rules[id].Off
}

// Error is one problem of a configuration file, at a line and column
// (Column 0 when the YAML parser gives only a line; Line 0 for the whole
// file).
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Errors are every problem of one file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// maxFileSize bounds the configuration file: it is a few dozen lines, and
// a huge file is a mistake.
const maxFileSize = 1 << 20

// Load reads and validates the configuration file at path. Errors are
// Errors (the file's problems) or an *Error for a file that cannot be read.
func Load(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, &Error{File: path, Msg: describe(err)}
	}
	if st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, not a configuration file"}
	}
	if st.Size() > maxFileSize {
		return nil, &Error{File: path, Msg: "too large for a configuration file (over 1 MiB)"}
	}
	data, err := files.ReadLimited(abs, maxFileSize)
	if err != nil {
		return nil, &Error{File: path, Msg: describe(err)}
	}
	return Parse(path, data)
}

// Parse validates data as the configuration file at path (relative paths in
// it resolve against path's directory).
func Parse(path string, data []byte) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	d := &decoder{file: path, cfg: &Config{Path: abs}}
	d.decode(data)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return d.cfg, nil
}

// Find returns the configuration file that applies to start (a file or a
// directory): the first of FileNames found in start's directory or any
// directory above it, else the user's (UserPath), else "".
func Find(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir = filepath.Dir(dir)
	}
	for {
		for _, name := range FileNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if p := UserPath(); p != "" {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", nil
}

// FindAndLoad is Find then Load; it returns nil and no error when no file
// applies.
func FindAndLoad(start string) (*Config, error) {
	p, err := Find(start)
	if err != nil || p == "" {
		return nil, err
	}
	return Load(p)
}

// UserPath is the user's configuration file: $XDG_CONFIG_HOME/fcgilint/config.yaml,
// by default ~/.config/fcgilint/config.yaml (on Windows, under %AppData%).
// It is "" when no home directory is known.
func UserPath() string {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "fcgilint", "config.yaml")
	}
	if runtime.GOOS == "windows" {
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "fcgilint", "config.yaml")
		}
		return ""
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "fcgilint", "config.yaml")
}

// Filter applies the file to findings: severities are overridden, and the
// findings of rules that are off or ignored where they are reported are
// dropped. fsys maps the paths findings name to this machine's files.
func (c *Config) Filter(ds []diag.Diagnostic, fsys *files.FS) []diag.Diagnostic {
	if c == nil {
		return ds
	}
	out := ds[:0]
	for _, d := range ds {
		set := c.Rules[d.Rule]
		if set.Off || c.Ignored(d.Rule, d.Location.File, fsys) {
			continue
		}
		if set.Severity != diag.None {
			d.Severity = set.Severity
		}
		out = append(out, d)
	}
	return out
}

// Ignored reports whether an ignore entry drops rule's findings in file (a
// path as the daemon sees it; fsys maps it to this machine).
func (c *Config) Ignored(rule, file string, fsys *files.FS) bool {
	if c == nil || len(c.Ignore) == 0 {
		return false
	}
	real := fsys.Real(file)
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	rel, err := filepath.Rel(c.Dir(), real)
	inside := err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	for _, ig := range c.Ignore {
		if len(ig.Rules) > 0 && !contains(ig.Rules, rule) {
			continue
		}
		if strings.HasPrefix(ig.Path, "/") {
			if MatchGlob(ig.Path, filepath.ToSlash(file)) || MatchGlob(ig.Path, filepath.ToSlash(real)) {
				return true
			}
			continue
		}
		if inside && MatchGlob(ig.Path, filepath.ToSlash(rel)) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}
