package nginxconf

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// variables.tsv is generated from the C sources by tools/genvars (see its
// doc comment for the command); its header names the repositories and
// revisions read.
//
//go:embed variables.tsv
var variablesTable string

// builtinVar is one row of variables.tsv.
type builtinVar struct {
	name, kind, ctx, since, until string
}

var (
	varsOnce   sync.Once
	varsTab    []builtinVar
	varsByName map[string][]builtinVar
	varsPrefix []builtinVar
)

func builtinVars() []builtinVar {
	varsOnce.Do(func() {
		varsByName = map[string][]builtinVar{}
		for _, line := range strings.Split(variablesTable, "\n") {
			if line == "" || line[0] == '#' {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) < 6 {
				continue
			}
			v := builtinVar{name: f[0], kind: f[1], ctx: f[2], since: f[4], until: f[5]}
			varsTab = append(varsTab, v)
			if v.kind == "prefix" {
				varsPrefix = append(varsPrefix, v)
			} else {
				varsByName[v.name] = append(varsByName[v.name], v)
			}
		}
	})
	return varsTab
}

// BuiltinVariable reports whether nginx (in the given version, "" for any)
// or one of the modules fcgilint knows defines the variable name by itself
// in ctx ("http" or "stream"), by name or by prefix (http_*, arg_*, …).
// Names are compared as nginx does, without regard to case.
func BuiltinVariable(name, ctx, version string) bool {
	name = strings.ToLower(name)
	builtinVars()
	for _, v := range varsByName[name] {
		if v.ctx == ctx && v.inVersion(version) {
			return true
		}
	}
	for _, v := range varsPrefix {
		if v.ctx == ctx && strings.HasPrefix(name, v.name) && v.inVersion(version) {
			return true
		}
	}
	return false
}

// inVersion reports whether nginx version ("" for any) has the variable.
func (v builtinVar) inVersion(version string) bool {
	if version == "" {
		return true
	}
	if v.since != "-" {
		if c, ok := nginxdb.CompareVersions(version, v.since); ok && c < 0 {
			return false
		}
	}
	if v.until != "-" {
		if c, ok := nginxdb.CompareVersions(version, v.until); ok && c > 0 {
			return false
		}
	}
	return true
}
