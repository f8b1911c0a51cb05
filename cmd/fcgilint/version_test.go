package main

import "testing"

func TestPseudoVersionCommit(t *testing.T) {
	for v, want := range map[string]string{
		"v0.0.0-20240102150405-0123456789ab":            "0123456789ab",
		"v1.2.4-0.20240102150405-abcdefabcdef":          "abcdefabcdef",
		"v1.3.0-rc.1.0.20240102150405-00112233aabb":     "00112233aabb",
		"v0.0.0-20240102150405-0123456789ab+dirty":      "0123456789ab",
		"v2.0.1-0.20240102150405-0123456789ab+incompat": "0123456789ab",
		"v1.2.3":                   "",
		"v1.2.3-rc.1":              "",
		"dev":                      "",
		"v0.0.0-2024-0123456789ab": "",
	} {
		if got := pseudoVersionCommit(v); got != want {
			t.Errorf("pseudoVersionCommit(%q) = %q, want %q", v, got, want)
		}
	}
}
