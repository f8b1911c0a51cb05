package config_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/fcgilint/fcgilint/lint/config"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/lint/profile"
	"github.com/fcgilint/fcgilint/rules"
)

var update = flag.Bool("update", false, "rewrite the rule ID list of schemas/fcgilint.schema.json from the registered rules")

const schemaPath = "../../schemas/fcgilint.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

// schemaAccepts validates a YAML document against the schema, the way an
// editor's YAML language server does (YAML read as JSON values).
func schemaAccepts(sch *jsonschema.Schema, data []byte) error {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// TestExamples checks testdata/valid (accepted by the loader and the schema)
// and testdata/invalid, whose first line "# want: LINE:COL: message" is the
// loader's error after the file name, and which the schema rejects too
// unless a "# schema: accepts" or "# schema: skip" line says it cannot.
func TestExamples(t *testing.T) {
	sch := compileSchema(t)
	valid, _ := filepath.Glob("testdata/valid/*.yaml")
	invalid, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(valid) == 0 || len(invalid) == 0 {
		t.Fatal("no examples")
	}
	for _, p := range valid {
		t.Run(p, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := config.Parse(p, data); err != nil {
				t.Errorf("the loader rejects it:\n%v", err)
			}
			if err := schemaAccepts(sch, data); err != nil {
				t.Errorf("the schema rejects it: %v", err)
			}
		})
	}
	wantRe := regexp.MustCompile(`(?m)^# want: (.*)$`)
	for _, p := range invalid {
		t.Run(p, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m := wantRe.FindSubmatch(data)
			if m == nil {
				t.Fatal("no # want: line")
			}
			want := p + ":" + string(m[1])
			_, err = config.Parse(p, data)
			if err == nil {
				t.Fatalf("the loader accepts it, want %q", want)
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error:\n  %v\nwant it to start with:\n  %s", err, want)
			}
			var es config.Errors
			if !errors.As(err, &es) || len(es) != 1 {
				t.Errorf("want exactly one error, got %v", err)
			}
			text := string(data)
			switch {
			case strings.Contains(text, "# schema: skip"):
			case strings.Contains(text, "# schema: accepts"):
				if err := schemaAccepts(sch, data); err != nil {
					t.Errorf("marked as accepted by the schema, but: %v", err)
				}
			default:
				if schemaAccepts(sch, data) == nil {
					t.Errorf("the schema accepts it")
				}
			}
		})
	}
}

// TestFullExample checks what the loader makes of every key.
func TestFullExample(t *testing.T) {
	c, err := config.Load("testdata/valid/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata/valid/full.yaml")
	if c.Path != abs || c.Dir() != filepath.Dir(abs) {
		t.Errorf("Path %q, Dir %q", c.Path, c.Dir())
	}
	wantRules := map[string]config.RuleSetting{
		"nginx-unknown-variable":    {Off: true},
		"nginx-duplicate-directive": {Severity: diag.Warning},
		"fpm-include-nomatch":       {Severity: diag.Error},
		"fpm-env-unset":             {},
	}
	if !reflect.DeepEqual(c.Rules, wantRules) {
		t.Errorf("Rules = %v, want %v", c.Rules, wantRules)
	}
	if c.Enabled("nginx-unknown-variable") || !c.Enabled("nginx-syntax") {
		t.Error("Enabled does not follow rules")
	}
	if len(c.Ignore) != 3 || c.Ignore[1].Path != "sites-available/legacy-*.conf" || !reflect.DeepEqual(c.Ignore[1].Rules, []string{"nginx-unknown-directive", "nginx-arg-count"}) {
		t.Errorf("Ignore = %+v", c.Ignore)
	}
	if c.Profile != "debian" || c.Root != filepath.Dir(abs) {
		t.Errorf("Profile %q, Root %q", c.Profile, c.Root)
	}
	if c.FPM.Prefix != "/usr" || !reflect.DeepEqual(c.FPM.Env, map[string]string{"PHP_VERSION": "8.2", "WORKERS": "4", "DEBUG": "false"}) {
		t.Errorf("FPM = %+v", c.FPM)
	}
	if c.Nginx.User != "www-data www-data" || c.Nginx.Version != "1.22.1" || c.Nginx.Prefix != "/usr/share/nginx" {
		t.Errorf("Nginx = %+v", c.Nginx)
	}
	wantDirs := []nginxconf.ExtraDirective{
		{Name: "vhost_traffic_status_zone", Contexts: []string{"http"}, MinArgs: 0, MaxArgs: 1},
		{Name: "vhost_traffic_status_filter_by_set_key", Contexts: []string{"http", "server", "location"}, MinArgs: 1, MaxArgs: 2},
		{Name: "my_module_table", Contexts: []string{"http"}, MinArgs: 1, MaxArgs: 1, Block: true, Entries: true},
	}
	if !reflect.DeepEqual(c.Nginx.Directives, wantDirs) || c.Nginx.Extra == nil {
		t.Errorf("Directives = %+v", c.Nginx.Directives)
	}
}

// TestSeveralErrors: every problem of a file is reported, in file order.
func TestSeveralErrors(t *testing.T) {
	_, err := config.Parse("c.yaml", []byte("profil: debian\nrules:\n  nginx-syntax: loud\nnginx:\n  usr: x\n"))
	want := `c.yaml:1:1: unknown key "profil" (did you mean "profile"?)
c.yaml:3:17: rules.nginx-syntax: want off, on, error, warning or note, got the string "loud"
c.yaml:5:3: unknown key "usr" in nginx (did you mean "user"?)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := config.Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml: no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := config.Load(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

// TestSchemaRuleIDs keeps the schema's rule list equal to the registered
// rules; run with -update after adding a rule.
func TestSchemaRuleIDs(t *testing.T) {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs struct {
			RuleID struct {
				Enum []string `json:"enum"`
			} `json:"ruleId"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(s.Defs.RuleID.Enum, ids) {
		return
	}
	if !*update {
		t.Fatalf("the schema's $defs.ruleId.enum differs from the registered rules;\nrun: go test ./lint/config -run TestSchemaRuleIDs -update\nschema: %v\nrules:  %v", s.Defs.RuleID.Enum, ids)
	}
	out, err := replaceRuleIDs(string(data), ids)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(schemaPath, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceRuleIDs rewrites the enum of "ruleId" in place, keeping the rest
// of the file as written.
func replaceRuleIDs(schema string, ids []string) (string, error) {
	re := regexp.MustCompile(`(?s)("ruleId": \{.*?\n)([ \t]*)"enum": \[.*?\]`)
	m := re.FindStringSubmatchIndex(schema)
	if m == nil {
		return "", errors.New(`no "ruleId" enum in the schema`)
	}
	indent := schema[m[4]:m[5]]
	quoted := make([]string, len(ids))
	for i, id := range ids {
		b, _ := json.Marshal(id)
		quoted[i] = indent + "  " + string(b)
	}
	enum := indent + "\"enum\": [\n" + strings.Join(quoted, ",\n") + "\n" + indent + "]"
	return schema[:m[4]] + enum + schema[m[1]:], nil
}

// TestSchemaLists: the schema's other enumerations are the loader's.
func TestSchemaLists(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Profile struct {
				Enum []string `json:"enum"`
			} `json:"profile"`
			Rules struct {
				AdditionalProperties struct {
					Enum []string `json:"enum"`
				} `json:"additionalProperties"`
			} `json:"rules"`
		} `json:"properties"`
		Defs struct {
			Context struct {
				Enum []string `json:"enum"`
			} `json:"context"`
			Directive struct {
				Properties struct {
					Body struct {
						Enum []string `json:"enum"`
					} `json:"body"`
				} `json:"properties"`
			} `json:"directive"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	check := func(what string, schema, loader []string) {
		a, b := append([]string(nil), schema...), append([]string(nil), loader...)
		sort.Strings(a)
		sort.Strings(b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: schema %v, loader %v", what, schema, loader)
		}
	}
	check("profiles", s.Properties.Profile.Enum, profile.Names())
	check("rule values", s.Properties.Rules.AdditionalProperties.Enum, config.RuleValues)
	check("contexts", s.Defs.Context.Enum, nginxconf.ExtraContextNames())
	check("bodies", s.Defs.Directive.Properties.Body.Enum, config.DirectiveBodies)
}

// TestFind: the nearest .fcgilint.yaml (then .fcgilint.yml) upward from
// the target, else the user's file, else none.
func TestFind(t *testing.T) {
	tmp := t.TempDir()
	user := filepath.Join(tmp, "xdg")
	t.Setenv("XDG_CONFIG_HOME", user)
	proj := filepath.Join(tmp, "proj")
	deep := filepath.Join(proj, "etc", "nginx", "sites")
	mustMkdir(t, deep)
	site := filepath.Join(deep, "a.conf")
	mustWrite(t, site, "")

	find := func(start string) string {
		t.Helper()
		p, err := config.Find(start)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Nothing anywhere (the temporary directory's ancestors are assumed to
	// hold no .fcgilint.yaml).
	if p := find(site); p != "" {
		t.Skipf("a configuration file above the temporary directory interferes: %s", p)
	}
	userFile := filepath.Join(user, "fcgilint", "config.yaml")
	mustMkdir(t, filepath.Dir(userFile))
	mustWrite(t, userFile, "")
	if p := find(site); p != userFile {
		t.Errorf("user file: got %q, want %q", p, userFile)
	}
	yml := filepath.Join(proj, ".fcgilint.yml")
	mustWrite(t, yml, "")
	if p := find(site); p != yml {
		t.Errorf(".yml in an ancestor: got %q, want %q", p, yml)
	}
	yamlFile := filepath.Join(proj, ".fcgilint.yaml")
	mustWrite(t, yamlFile, "")
	if p := find(site); p != yamlFile {
		t.Errorf(".yaml next to .yml: got %q, want %q", p, yamlFile)
	}
	nearer := filepath.Join(proj, "etc", ".fcgilint.yaml")
	mustWrite(t, nearer, "")
	if p := find(site); p != nearer {
		t.Errorf("nearest ancestor: got %q, want %q", p, nearer)
	}
	if p := find(deep); p != nearer {
		t.Errorf("from a directory: got %q, want %q", p, nearer)
	}
	if p := find(proj); p != yamlFile {
		t.Errorf("from the project: got %q, want %q", p, yamlFile)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", tmp)
	if got, want := config.UserPath(), filepath.Join(tmp, ".config", "fcgilint", "config.yaml"); got != want {
		t.Errorf("UserPath without XDG_CONFIG_HOME = %q, want %q", got, want)
	}
}

func TestMatchGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"vendor/**", "vendor/a/b.conf", true},
		{"vendor", "vendor/a/b.conf", true},
		{"vendor/", "vendor/a.conf", true},
		{"vendor/**", "vendors/a.conf", false},
		{"**/*.conf", "a.conf", true},
		{"**/*.conf", "x/y/a.conf", true},
		{"**/*.conf", "x/y/a.types", false},
		{"sites-*/legacy-*.conf", "sites-enabled/legacy-1.conf", true},
		{"sites-*/legacy-*.conf", "sites-enabled/modern.conf", false},
		{"*.conf", "x/a.conf", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"/etc/nginx/snippets/**", "/etc/nginx/snippets/fastcgi-php.conf", true},
		{"/etc/nginx/snippets/**", "/etc/nginx/sites/x.conf", false},
		{"a/[bc]/d", "a/c/d", true},
	} {
		if got := config.MatchGlob(c.pattern, c.name); got != c.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
	if config.ValidGlob("a/[b") || !config.ValidGlob("a/**/[bc]*") {
		t.Error("ValidGlob")
	}
}

// TestFilter: severities, rules turned off, and ignores relative to the
// file's directory, absolute, and limited to some rules.
func TestFilter(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, ".fcgilint.yaml")
	c, err := config.Parse(cfgPath, []byte(`
rules:
  nginx-syntax: warning
  nginx-arg-count: off
ignore:
  - path: vendor/**
  - path: sites/legacy.conf
    rules: [nginx-unknown-directive]
  - path: /etc/nginx/snippets/**
`))
	if err != nil {
		t.Fatal(err)
	}
	d := func(rule, file string) diag.Diagnostic {
		return diag.Diagnostic{Rule: rule, Severity: diag.Error, Location: diag.Location{File: file}}
	}
	in := []diag.Diagnostic{
		d("nginx-syntax", filepath.Join(dir, "nginx.conf")),                  // kept, as a warning
		d("nginx-arg-count", filepath.Join(dir, "nginx.conf")),               // off
		d("nginx-unknown-directive", filepath.Join(dir, "vendor", "x.conf")), // ignored (all rules)
		d("nginx-unknown-directive", filepath.Join(dir, "sites", "legacy.conf")),
		d("nginx-location", filepath.Join(dir, "sites", "legacy.conf")),     // kept: another rule
		d("nginx-location", "/etc/nginx/snippets/php.conf"),                 // ignored by the absolute pattern
		d("nginx-location", filepath.Join(dir, "..", "vendor", "y.conf")),   // kept: outside the directory
		d("nginx-location", filepath.Join(dir, "sites", "legacy.conf.bak")), // kept
	}
	got := c.Filter(in, &files.FS{})
	var summary []string
	for _, x := range got {
		rel, _ := filepath.Rel(dir, x.Location.File)
		if filepath.IsAbs(x.Location.File) && strings.HasPrefix(x.Location.File, "/etc/") {
			rel = x.Location.File
		}
		summary = append(summary, x.Rule+" "+x.Severity.String()+" "+filepath.ToSlash(rel))
	}
	want := []string{
		"nginx-syntax warning nginx.conf",
		"nginx-location error sites/legacy.conf",
		"nginx-location error ../vendor/y.conf",
		"nginx-location error sites/legacy.conf.bak",
	}
	if !reflect.DeepEqual(summary, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(summary, "\n"), strings.Join(want, "\n"))
	}
	// Under a root, the file nginx sees as /etc/nginx/x.conf is the
	// root's, matched by a pattern relative to the configuration file.
	c2, err := config.Parse(cfgPath, []byte("ignore:\n  - path: image/etc/nginx/x.conf\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.Filter([]diag.Diagnostic{d("nginx-location", "/etc/nginx/x.conf")}, &files.FS{Root: filepath.Join(dir, "image")}); len(got) != 0 {
		t.Errorf("a file under the root is not matched: %v", got)
	}
	var none *config.Config
	if got := none.Filter(in[:1], nil); len(got) != 1 || !none.Enabled("nginx-syntax") {
		t.Error("a nil configuration changes something")
	}
}

// TestDocsExamples: the YAML examples of docs/config.md load and validate,
// except those introduced as wrong.
func TestDocsExamples(t *testing.T) {
	sch := compileSchema(t)
	data, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 3 {
		t.Fatalf("only %d yaml examples in docs/config.md", len(blocks))
	}
	for i, b := range blocks {
		src := b[1]
		if strings.Contains(src, "# wrong") {
			if _, err := config.Parse("doc.yaml", []byte(src)); err == nil {
				t.Errorf("docs/config.md example %d is marked wrong but loads", i+1)
			}
			continue
		}
		if strings.Contains(src, "root:") {
			// The example's root does not exist here.
			src = regexp.MustCompile(`(?m)^root:.*$`).ReplaceAllString(src, "")
		}
		if _, err := config.Parse(filepath.Join(t.TempDir(), "doc.yaml"), []byte(src)); err != nil {
			t.Errorf("docs/config.md example %d:\n%s\nloader: %v", i+1, src, err)
		}
		if err := schemaAccepts(sch, []byte(src)); err != nil {
			t.Errorf("docs/config.md example %d: schema: %v", i+1, err)
		}
	}
}

func mustMkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostile: broken or odd documents give errors, never a panic or a hang.
func TestHostile(t *testing.T) {
	for _, src := range []string{
		"[", "{{{", ": :", "a: &x [*x]", "rules: &r {nginx-syntax: off}\nignore: *r\n",
		"nginx: {directives: [[], 1, {name: 1, contexts: {}}]}", "fpm: {env: {\"\": x, \"a=b\": y}}",
		"ignore: [{path: \"[\"}]", "rules: {nginx-syntax: [off]}", strings.Repeat("[", 5000),
		"rules: {? [a]: off}", "profile: !!binary aGVsbG8=",
	} {
		if _, err := config.Parse("h.yaml", []byte(src)); err == nil {
			t.Errorf("%q: accepted", src)
		}
	}
}
