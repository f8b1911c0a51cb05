package config

import (
	"path"
	"strings"
)

// MatchGlob reports whether the slash-separated name matches pattern, or
// lies under a directory that does. Each segment is matched with
// path.Match; a "**" segment matches any number of segments, none
// included. Matching a directory matches everything under it, so
// "vendor" and "vendor/**" ignore the same files.
func MatchGlob(pattern, name string) bool {
	return matchSegments(segments(pattern), segments(name))
}

// ValidGlob reports whether every segment of pattern is a valid path.Match
// pattern.
func ValidGlob(pattern string) bool {
	for _, s := range segments(pattern) {
		if _, err := path.Match(s, ""); err != nil {
			return false
		}
	}
	return true
}

func segments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	// The pattern matched name or one of its directories.
	return true
}
