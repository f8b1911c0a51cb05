package fpm

import (
	"path"
	"regexp"
	"strings"

	gfpm "github.com/fcgilint/fcgilint/grammar/fpm"
)

var (
	fpmSectionRe = regexp.MustCompile(`(?mi)^[ \t]*\[(global|www)\][ \t]*\r?$`)
	fpmKeyRe     = regexp.MustCompile(`(?mi)^[ \t]*(listen|pm|pm\.max_children|php_admin_value\[[^\]]*\]|php_value\[[^\]]*\]|listen\.owner|request_terminate_timeout)[ \t]*=`)
	nginxRe      = regexp.MustCompile(`(?m)^[ \t]*(server|http|events|location|upstream)[ \t]*[{]|fastcgi_pass|;[ \t]*$`)
)

// LooksLikeFPM tells php-fpm configuration from nginx configuration, for
// `check` on a directory: by name (php-fpm.conf, www.conf, pool.d/,
// php-fpm.d/) or by content ([global]/[www] headers, "listen =", "pm =").
func LooksLikeFPM(p string, src []byte) bool {
	base := path.Base(p)
	dir := path.Base(path.Dir(p))
	switch {
	case strings.HasPrefix(base, "php-fpm") && strings.HasSuffix(base, ".conf"):
		return true
	case dir == "pool.d" || dir == "php-fpm.d":
		return true
	case base == "www.conf" || strings.HasSuffix(base, ".conf.in") && strings.Contains(base, "fpm"):
		return true
	}
	if len(src) > 1<<20 {
		src = src[:1<<20]
	}
	fpmScore := 0
	if fpmSectionRe.Match(src) {
		fpmScore += 2
	}
	fpmScore += len(fpmKeyRe.FindAllIndex(src, 4))
	if fpmScore == 0 {
		return false
	}
	nginxScore := len(nginxRe.FindAllIndex(src, 8))
	return fpmScore*2 > nginxScore
}

// isPoolFragment tells a pool file (meant to be included) from a main
// configuration: it has no [global] section and no include.
func isPoolFragment(p string, src []byte) bool {
	base := path.Base(p)
	if strings.HasPrefix(base, "php-fpm") && strings.HasSuffix(base, ".conf") {
		return false
	}
	f := gfpm.Parse(p, src, gfpm.Options{})
	for _, st := range f.Statements {
		if st.Kind == gfpm.SectionHeader && strings.EqualFold(st.Name, "global") {
			return false
		}
		if st.Kind == gfpm.Entry && st.Name == "include" {
			return false
		}
	}
	// A file that stands alone (a [www] pool, nothing else) is still
	// analysed as a fragment: php-fpm never reads such a file as its main
	// configuration in the layouts fcgilint knows (php-fpm.conf includes
	// pool.d/, php-fpm.d/).
	return true
}

// findIncludingMain looks for the main configuration next to a pool
// directory (Debian: fpm/pool.d/ -> fpm/php-fpm.conf; RHEL: /etc/php-fpm.d/
// -> /etc/php-fpm.conf; docker: etc/php-fpm.d/ -> etc/php-fpm.conf) whose
// includes actually reach the pool file.
func findIncludingMain(opts Options, poolPath string) string {
	dir := path.Dir(poolPath)
	parent := path.Dir(dir)
	for _, cand := range []string{path.Join(parent, "php-fpm.conf"), path.Join(parent, path.Base(dir)+".conf")} {
		if cand == poolPath || !opts.FS.Exists(cand) {
			continue
		}
		cfg, _ := loadQuiet(cand, opts)
		for _, f := range cfg.Files {
			if f == poolPath {
				return cand
			}
		}
	}
	return ""
}

// loadQuiet loads a main file without fragment detection.
func loadQuiet(mainPath string, opts Options) (*Config, int) {
	l := newLoader(opts)
	l.cfg.Main = mainPath
	l.loadFile(mainPath, nil, 1)
	return l.cfg, len(l.diags)
}
