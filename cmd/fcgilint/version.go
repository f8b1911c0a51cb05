package main

import "regexp"

// pseudoVersion matches the end of a Go pseudo-version,
// v0.0.0-20240102150405-0123456789ab (or -pre.0.… / -0.…), optionally
// followed by +incompatible or +dirty.
var pseudoVersion = regexp.MustCompile(`[-.][0-9]{14}-([0-9a-f]{12})(\+[0-9A-Za-z.-]+)?$`)

// pseudoVersionCommit is the commit a pseudo-version names, "" for other
// versions. `go install …@latest` of an untagged commit builds from the
// module proxy, which carries no VCS information: the version is all there
// is to tell which commit was built.
func pseudoVersionCommit(v string) string {
	if m := pseudoVersion.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return ""
}
