package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// FastCGILimitExtensions: php-fpm runs a script only when its file name
// ends with one of security.limit_extensions (fpm_php_limit_extensions,
// default ".php .phar"); any other gets 403 "Access denied.". A regex
// location names the extensions nginx passes.
var FastCGILimitExtensions = Register(&Rule{
	ID:       "fastcgi-limit-extensions",
	Title:    "php-fpm refuses the scripts this location passes",
	Doc:      "A regex location passes files of some extension to a php-fpm pool whose `security.limit_extensions` does not list that extension: php-fpm refuses every such request with 403 \"Access denied.\" (\"Access to the script ... has been denied (see security.limit_extensions)\" in nginx's error log). Add the extension to the pool's list, or stop passing those files to php-fpm.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "php-fpm", "fastcgi"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		for t, endpoints := range reachedPools(p) {
			loc := passLocation(t)
			if loc == nil {
				continue
			}
			exts := locationExtensions(loc)
			seen := map[string]bool{}
			for _, e := range endpoints {
				pool := e.Pool
				if seen[pool.Name+"\x00"+e.Path] || (pool.LimitExtensionsWhere.Set && len(pool.LimitExtensions) == 0) {
					// An empty list allows every extension.
					continue
				}
				seen[pool.Name+"\x00"+e.Path] = true
				for _, ext := range exts {
					if contains(pool.LimitExtensions, ext) {
						continue
					}
					reportLimitExtension(p, t, loc, e, ext)
				}
			}
		}
	},
})

func reportLimitExtension(p *lint.Pass, t *fastcgi.Target, loc *nginxconf.Node, e *fastcgi.Endpoint, ext string) {
	pool := e.Pool
	list := strings.Join(pool.LimitExtensions, " ")
	d := diag.Diagnostic{
		Rule: "fastcgi-limit-extensions", Severity: diag.Error, Location: loc.ArgSpan(len(loc.Dir.Args) - 1),
		Message: fmt.Sprintf("this location passes %s files to pool [%s], whose security.limit_extensions is %q: php-fpm answers 403 \"Access denied.\" to every one of them. Add %s to the pool's security.limit_extensions", ext, pool.Name, list, ext),
		Related: []diag.Related{{Location: t.Pass.ArgLocation(0), Message: "passed to php-fpm here"}},
	}
	if where := pool.LimitExtensionsWhere.Location; where.File != "" {
		d.Related = append(d.Related, diag.Related{Location: where, Message: fmt.Sprintf("pool [%s] allows only %s", pool.Name, list)})
		d.Fixes = []diag.Fix{{Title: "Allow " + ext, Edits: []diag.TextEdit{{Location: where, NewText: list + " " + ext}}}}
	} else if len(pool.Sections) > 0 {
		d.Related = append(d.Related, diag.Related{Location: pool.Sections[0], Message: fmt.Sprintf("pool [%s] keeps the default %s", pool.Name, list)})
	}
	p.Report(d)
}

// passLocation is the regex location a fastcgi_pass stands in (through an
// if block), or nil for a prefix or exact location, whose extension the
// configuration does not tell.
func passLocation(t *fastcgi.Target) *nginxconf.Node {
	for blk := t.Pass.Enclosing(); blk != nil && blk.Dir != nil; blk = blk.Enclosing() {
		if blk.Name() != "location" {
			continue
		}
		if len(blk.Dir.Args) == 2 && (blk.Args()[0] == "~" || blk.Args()[0] == "~*") {
			return blk
		}
		return nil
	}
	return nil
}

var (
	// `\.php`, `\.php5?` followed by the end of the pattern or one of
	// "$", "/", "(", ")", "|": an extension the regex requires (with an
	// optional last letter when "?" follows it).
	extensionRe = regexp.MustCompile(`\\\.([A-Za-z0-9]+)(\??)(?:[$/()|]|$)`)
	// `\.(php|phar)`, `\.(?:php|phtml)`.
	extensionAltRe = regexp.MustCompile(`\\\.\((?:\?:)?([A-Za-z0-9]+(?:\|[A-Za-z0-9]+)+)\)`)
)

// locationExtensions are the extensions a regex location requires of the
// files it matches, with their dot (".php"); none when it does not say.
func locationExtensions(loc *nginxconf.Node) []string {
	re := loc.Args()[1]
	var out []string
	add := func(ext string) {
		ext = "." + ext
		if loc.Args()[0] == "~*" {
			ext = strings.ToLower(ext)
		}
		if !contains(out, ext) {
			out = append(out, ext)
		}
	}
	for _, m := range extensionAltRe.FindAllStringSubmatch(re, -1) {
		for _, ext := range strings.Split(m[1], "|") {
			add(ext)
		}
	}
	for _, m := range extensionRe.FindAllStringSubmatch(re, -1) {
		if m[2] == "?" && len(m[1]) > 1 {
			add(m[1][:len(m[1])-1])
		}
		add(m[1])
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
