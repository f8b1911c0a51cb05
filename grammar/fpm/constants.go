package fpm

import (
	_ "embed"
	"strings"
	"sync"
)

// constants_php82.tsv lists the scalar PHP constants defined when php-fpm 8.2
// (Debian 12's php8.2-fpm with its default extensions) reads its
// configuration; gen_constants.sh regenerates it. The Zend INI parser
// replaces a value token that is exactly such an identifier with the
// constant's value, so "pm.max_children = E_ALL" means 32767 and
// "syslog.facility = LOG_LOCAL0" means "128" (an invalid facility).
//
//go:embed constants_php82.tsv
var php82ConstantsTSV string

var (
	php82Once      sync.Once
	php82Constants map[string]string
)

// PHP82Constant looks name up among PHP 8.2's constants (case-sensitive, as
// PHP 8 constants are).
func PHP82Constant(name string) (string, bool) {
	php82Once.Do(func() {
		php82Constants = make(map[string]string, 1400)
		for _, line := range strings.Split(php82ConstantsTSV, "\n") {
			name, value, ok := strings.Cut(line, "\t")
			if ok {
				php82Constants[name] = value
			}
		}
	})
	v, ok := php82Constants[name]
	return v, ok
}
