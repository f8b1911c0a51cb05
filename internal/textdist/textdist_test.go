package textdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"pid", "pid", 0},
		{"fastcgi_pas", "fastcgi_pass", 1},
		{"fastcig_pass", "fastcgi_pass", 1}, // a swap is one edit
		{"api", "pid", 2},
		{"kitten", "sitting", 3},
		{string(make([]byte, 65)), "x", 99},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", c.b, c.a, got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"pid", "fastcgi_pass", "proxy_pass", "listen", "listen.owner", "user"}
	for _, c := range []struct {
		name   string
		prefer func(string) bool
		want   string
	}{
		{"api", nil, ""}, // too short to be two edits away from anything
		{"fastcig_pass", nil, "fastcgi_pass"},
		{"lisen", nil, "listen"},
		{"usr", nil, "user"},
		{"completely_different", nil, ""},
		// proxy_pas is one edit from proxy_pass only; a preference never
		// beats a closer name
		{"proxy_pas", func(s string) bool { return s == "fastcgi_pass" }, "proxy_pass"},
	} {
		if got := Suggest(c.name, names, c.prefer); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// Among equally close names, the preferred one wins.
	if got := Suggest("pass", []string{"pasx", "past"}, func(s string) bool { return s == "past" }); got != "past" {
		t.Errorf("preference ignored: %q", got)
	}
}
