package suppress_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/fcgilint/fcgilint/lint/config"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/suppress"
)

// check writes files into a temporary directory, checks it as the CLI
// does, and returns the findings as "FILE:LINE RULE" plus their messages.
func check(t *testing.T, tree map[string]string, cfg *config.Config) ([]string, []diag.Diagnostic) {
	t.Helper()
	dir := testfiles.Tree(t, tree)
	found, err := discover.Paths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	pass := engine.Check(found, engine.Options{FS: &files.FS{}, Config: cfg})
	ds := pass.Diagnostics()
	var got []string
	for _, d := range ds {
		rel, _ := filepath.Rel(dir, d.Location.File)
		got = append(got, fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), d.Location.Range.Start.Line, d.Rule))
	}
	sort.Strings(got)
	return got, ds
}

func TestSuppressions(t *testing.T) {
	for _, c := range []struct {
		name string
		tree map[string]string
		want []string
		// msgs are substrings of the messages, in the order of the findings.
		msgs []string
	}{
		{
			name: "without a suppression the finding shows",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1;\n}\n"},
			want: []string{"site.conf:2 nginx-unknown-directive"},
		},
		{
			name: "same line",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1; # fcgilint: ignore[nginx-unknown-directive] our build has it\n}\n"},
		},
		{
			name: "the line above, across blanks and comments",
			tree: map[string]string{"site.conf": "location / {\n    # fcgilint: ignore[nginx-unknown-directive] our build has it\n\n    # another comment\n    foo_bar 1;\n    foo_baz 1;\n}\n"},
			want: []string{"site.conf:6 nginx-unknown-directive"},
		},
		{
			name: "whole file, from anywhere in it",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1;\n    foo_baz 1;\n}\n# fcgilint: ignore-file[nginx-unknown-directive] vendored snippet\n"},
		},
		{
			name: "several rules in one suppression",
			tree: map[string]string{"site.conf": "location / {\n    # fcgilint: ignore[nginx-unknown-directive, nginx-arg-count] -- both on purpose\n    foo_bar 1; root;\n    root;\n}\n"},
			want: []string{"site.conf:4 nginx-arg-count"},
		},
		{
			name: "only the rules named",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1; root; # fcgilint: ignore[nginx-unknown-directive] has it\n}\n"},
			want: []string{"site.conf:2 nginx-arg-count"},
		},
		{
			name: "no reason: nothing suppressed, and reported",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1; # fcgilint: ignore[nginx-unknown-directive]\n}\n"},
			want: []string{"site.conf:2 fcgilint-suppression", "site.conf:2 nginx-unknown-directive"},
			msgs: []string{`no reason`},
		},
		{
			name: "a separator is not a reason",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1; # fcgilint: ignore[nginx-unknown-directive] --\n}\n"},
			want: []string{"site.conf:2 fcgilint-suppression", "site.conf:2 nginx-unknown-directive"},
		},
		{
			name: "unknown rule, with a suggestion; the known one still applies",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1; root; # fcgilint: ignore[nginx-unknown-directive,nginx-arg-cout] has it\n}\n"},
			want: []string{"site.conf:2 fcgilint-suppression", "site.conf:2 nginx-arg-count"},
			msgs: []string{`unknown rule "nginx-arg-cout" in the suppression; did you mean "nginx-arg-count"?`},
		},
		{
			name: "unused",
			tree: map[string]string{"site.conf": "location / {\n    root /srv; # fcgilint: ignore[nginx-arg-count] was wrong once\n}\n"},
			want: []string{"site.conf:2 fcgilint-unused-suppression"},
			msgs: []string{`unused suppression: no nginx-arg-count finding on the line it applies to`},
		},
		{
			name: "partly unused",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar 1; # fcgilint: ignore[nginx-unknown-directive,nginx-arg-count] has it\n}\n"},
			want: []string{"site.conf:2 fcgilint-unused-suppression"},
			msgs: []string{`unused suppression of nginx-arg-count`},
		},
		{
			name: "a suppression with no line after it",
			tree: map[string]string{"site.conf": "location / {\n    root /srv;\n}\n# fcgilint: ignore[nginx-arg-count] why\n"},
			want: []string{"site.conf:4 fcgilint-unused-suppression"},
			msgs: []string{"no line follows it"},
		},
		{
			name: "malformed",
			tree: map[string]string{"site.conf": "location / {\n    # fcgilint: disable nginx-arg-count\n    root /srv;\n}\n"},
			want: []string{"site.conf:2 fcgilint-suppression"},
			msgs: []string{"malformed suppression"},
		},
		{
			name: "a '#' inside a token is not a comment",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar /a#fcgilint:ignore[nginx-unknown-directive]reason;\n}\n"},
			want: []string{"site.conf:2 nginx-unknown-directive"},
		},
		{
			name: "a syntax error",
			tree: map[string]string{"site.conf": "location / {\n    root /srv;\n}\n} # fcgilint: ignore[nginx-syntax] generated, nginx never reads this copy\n"},
		},
		{
			name: "inside a directive written over several lines",
			tree: map[string]string{"site.conf": "location / {\n    foo_bar\n        # fcgilint: ignore[nginx-unknown-directive] the finding is on the directive's first line\n        1;\n}\n"},
			want: []string{"site.conf:2 nginx-unknown-directive", "site.conf:3 fcgilint-unused-suppression"},
		},
		{
			name: "the suppression rules cannot be suppressed by a comment",
			tree: map[string]string{"site.conf": "location / {\n    root /srv; # fcgilint: ignore[fcgilint-unused-suppression] no\n}\n"},
			want: []string{"site.conf:2 fcgilint-suppression"},
			msgs: []string{"cannot be suppressed by a comment"},
		},
		{
			name: "php-fpm: same line and line above",
			tree: map[string]string{"www.conf": "[www]\nlisten = 127.0.0.1:9000\npm = bogus ; fcgilint: ignore[fpm-invalid-value] templated\n; fcgilint: ignore[fpm-invalid-value] templated\npm.max_children = x\npm.start_servers = y\n"},
			want: []string{"www.conf:6 fpm-invalid-value"},
		},
		{
			name: "php-fpm: a ';' inside quotes is not a comment",
			tree: map[string]string{"www.conf": "[www]\nlisten = 127.0.0.1:9000\npm = \"bogus ; fcgilint: ignore[fpm-invalid-value] no\"\npm.max_children = 5\n"},
			want: []string{"www.conf:3 fpm-invalid-value"},
		},
		{
			name: "php-fpm: whole file, unused, no reason",
			tree: map[string]string{"www.conf": "; fcgilint: ignore-file[fpm-invalid-value] staging values\n[www]\nlisten = 127.0.0.1:9000\npm = bogus\npm.max_children = 5 ; fcgilint: ignore[fpm-invalid-value] stale\npm.start_servers = 1 ; fcgilint: ignore[fpm-invalid-value]\n"},
			want: []string{"www.conf:5 fcgilint-unused-suppression", "www.conf:6 fcgilint-suppression"},
		},
		{
			// The snippet's listen is wrong only in the location that
			// includes it: the suppression is used in one set of the two
			// contexts it is read in, so it is not unused.
			name: "a file included in several contexts",
			tree: map[string]string{
				"nginx.conf":   "events {}\nhttp {\n    server {\n        include snippet.conf;\n        location / {\n            include snippet.conf;\n        }\n    }\n}\n",
				"snippet.conf": "# fcgilint: ignore[nginx-directive-not-allowed] the location copy is dead code\nlisten 8080;\n",
			},
		},
		{
			name: "a file included in several contexts, unused in all",
			tree: map[string]string{
				"nginx.conf":   "events {}\nhttp {\n    server {\n        include snippet.conf;\n        location / {\n            include snippet.conf;\n        }\n    }\n}\n",
				"snippet.conf": "# fcgilint: ignore[nginx-arg-count] nothing wrong here\nroot /srv;\n",
			},
			want: []string{"snippet.conf:1 fcgilint-unused-suppression"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ds := check(t, c.tree, nil)
			if !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
				for _, d := range ds {
					t.Logf("%s", d)
				}
			}
			var msgs []string
			for _, d := range ds {
				if strings.HasPrefix(d.Rule, "fcgilint-") {
					msgs = append(msgs, d.Message)
				}
			}
			for i, m := range c.msgs {
				if i >= len(msgs) || !strings.Contains(msgs[i], m) {
					t.Errorf("message %d: got %q, want it to contain %q", i, msgs, m)
				}
			}
		})
	}
}

// TestDisabledRules: a suppression of a rule the configuration turns off is
// not unused (the rule did not run); turning the unused rule off silences
// it; ignores apply to the suppression findings too.
func TestDisabledRules(t *testing.T) {
	tree := map[string]string{"site.conf": "location / {\n    root /srv; # fcgilint: ignore[nginx-arg-count] was wrong once\n}\n"}
	cfg, err := config.Parse("c.yaml", []byte("rules:\n  nginx-arg-count: off\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := check(t, tree, cfg); len(got) != 0 {
		t.Errorf("rule off: %v", got)
	}
	cfg, err = config.Parse("c.yaml", []byte("rules:\n  fcgilint-unused-suppression: note\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ds := check(t, tree, cfg); len(ds) != 1 || ds[0].Severity != diag.Note {
		t.Errorf("severity override: %v", ds)
	}
}

// TestRemovalFix: the fix of an unused suppression removes exactly the
// comment (with the blanks before it), or its whole line.
func TestRemovalFix(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"location / {\n    root /srv;   # fcgilint: ignore[nginx-arg-count] stale\n}\n", "location / {\n    root /srv;\n}\n"},
		{"location / {\n    # fcgilint: ignore[nginx-arg-count] stale\n    root /srv;\n}\n", "location / {\n    root /srv;\n}\n"},
		{"location / {\n    foo_bar 1; # fcgilint: ignore[nginx-arg-count,nginx-unknown-directive] ok\n}\n", "location / {\n    foo_bar 1; # fcgilint: ignore[nginx-unknown-directive] ok\n}\n"},
	} {
		_, ds := check(t, map[string]string{"site.conf": c.src}, nil)
		var fix *diag.Fix
		for _, d := range ds {
			if d.Rule == "fcgilint-unused-suppression" && len(d.Fixes) == 1 {
				fix = &d.Fixes[0]
			}
		}
		if fix == nil || len(fix.Edits) != 1 {
			t.Errorf("%q: no fix in %v", c.src, ds)
			continue
		}
		e := fix.Edits[0]
		start, end := e.Location.Range.Start.Offset, e.Location.Range.End.Offset
		got := c.src[:start] + e.NewText + c.src[end:]
		if got != c.want {
			t.Errorf("fix %q of %q gives %q, want %q", fix.Title, c.src, got, c.want)
		}
		// The line and column agree with the offset.
		lines := diag.NewLineIndex([]byte(c.src))
		if lines.Pos(start) != e.Location.Range.Start || lines.Pos(end) != e.Location.Range.End {
			t.Errorf("fix range %+v disagrees with its offsets", e.Location.Range)
		}
	}
}

func TestFormat(t *testing.T) {
	if got := suppress.Format('#', suppress.Line, []string{"nginx-arg-count", "nginx-syntax"}, " why "); got != "# fcgilint: ignore[nginx-arg-count,nginx-syntax] why" {
		t.Errorf("Format = %q", got)
	}
	if got := suppress.Format(';', suppress.File, []string{"fpm-syntax"}, "why"); got != "; fcgilint: ignore-file[fpm-syntax] why" {
		t.Errorf("Format = %q", got)
	}
}
