package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcgilint/fcgilint/internal/gentree"
	"github.com/fcgilint/fcgilint/internal/testfiles"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

const example = "../../examples/debian"

func TestCheckExampleText(t *testing.T) {
	code, out, _ := runCLI(t, "check", "--root", example, "--color", "never")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s", code, exitFindings, out)
	}
	for _, want := range []string{
		`/etc/nginx/sites-enabled/shop.example.com:17:3: error: "fastcgi_index" directive is duplicate`,
		"[nginx-duplicate-directive]",
		"related: /etc/nginx/snippets/fastcgi-php.conf:12:1: first set here",
		"docs: https://github.com/fcgilint/fcgilint/blob/main/docs/rules/nginx-duplicate-directive.md",
		"  | ^~~~~~~~~~~~~",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour written with --color never")
	}
}

func TestFailLevelAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "nginx.conf")
	os.WriteFile(good, []byte("events {}\nhttp { server { listen 8080; location / { return 204; } } }\n"), 0o644)
	if code, out, errs := runCLI(t, "check", good); code != exitOK {
		t.Fatalf("clean config: exit %d\n%s%s", code, out, errs)
	}
	bad := filepath.Join(dir, "bad", "nginx.conf")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("events {}\nhttp {\n  gzip yes;\n  server { listen 80 }\n"), 0o644)
	code, out, _ := runCLI(t, "check", "-f", "json", bad)
	if code != exitFindings {
		t.Fatalf("broken config: exit %d", code)
	}
	var rep struct {
		Version     int
		Diagnostics []struct {
			Rule, Severity, Message string
			Location                struct {
				File  string
				Start struct{ Line, Column int }
			}
		}
		Summary struct{ Errors int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	got := map[string]bool{}
	for _, d := range rep.Diagnostics {
		got[fmt.Sprintf("%s:%d", d.Rule, d.Location.Start.Line)] = true
	}
	// Every error of the file in one pass: the flag value, the brace that
	// follows "listen 80" and the unclosed http block.
	if !got["nginx-invalid-value:3"] || !got["nginx-syntax:4"] || !got["nginx-syntax:5"] || rep.Summary.Errors != 3 || rep.Version != 1 {
		t.Fatalf("json diagnostics %+v", rep)
	}
	if code, _, errs := runCLI(t, "check", filepath.Join(dir, "missing.conf")); code != exitUsage || !strings.Contains(errs, "missing.conf") {
		t.Fatalf("missing path: exit %d, %q", code, errs)
	}
	if code, _, _ := runCLI(t, "check", "--fail-level", "bogus", good); code != exitUsage {
		t.Fatalf("bad --fail-level: exit %d", code)
	}
	if code, _, _ := runCLI(t, "check", "--format", "xml", good); code != exitUsage {
		t.Fatalf("bad --format: exit %d", code)
	}
	if code, _, errs := runCLI(t, "check", "--whole", "--low-memory", good); code != exitUsage || !strings.Contains(errs, "choose one") {
		t.Errorf("--whole with --low-memory: exit %d, %q", code, errs)
	}
	// Flags after paths are honoured.
	if code, out, _ := runCLI(t, "check", bad, "-f", "github"); code != exitFindings || !strings.HasPrefix(out, "::error file=") {
		t.Fatalf("github format after path: exit %d\n%s", code, out)
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	schemaPath := filepath.Join("..", "..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")
	if _, err := os.Stat(schemaPath); err != nil {
		t.Skip("skipping: no SARIF schema at ../shared/schemas")
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "--root", example, "-f", "sarif"},                                    // with a finding and a related location
		{"check", "-f", "sarif", filepath.Join(example, "etc", "nginx", "mime.types")}, // without findings
	} {
		code, out, errs := runCLI(t, args...)
		if code == exitUsage || code == exitInternal {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Fatalf("%v: SARIF does not validate: %v", args, err)
		}
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct {
						Rules []struct{ ID, HelpURI string }
					}
				}
				Results []struct {
					RuleID              string
					Message             struct{ Text string }
					RelatedLocations    []struct{ ID int }
					PartialFingerprints map[string]string
				}
			}
		}
		json.Unmarshal([]byte(out), &log)
		for _, r := range log.Runs[0].Results {
			if len(r.RelatedLocations) > 0 && !strings.Contains(r.Message.Text, "](1)") {
				t.Errorf("related location not linked from the message: %q", r.Message.Text)
			}
			if len(r.PartialFingerprints) == 0 {
				t.Error("result without fingerprint")
			}
		}
		if len(log.Runs[0].Tool.Driver.Rules) == 0 || log.Runs[0].Tool.Driver.Rules[0].HelpURI == "" {
			t.Error("rules metadata missing")
		}
	}
}

func TestRulesAndRuleCommands(t *testing.T) {
	code, out, _ := runCLI(t, "rules")
	if code != exitOK || !strings.Contains(out, "nginx-syntax") {
		t.Fatalf("rules: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "rule", "nginx-duplicate-directive")
	if code != exitOK || !strings.Contains(out, "# nginx-duplicate-directive") {
		t.Fatalf("rule: %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "rule", "no-such-rule"); code != exitUsage {
		t.Fatal("unknown rule accepted")
	}
	if code, out, _ := runCLI(t, "version"); code != exitOK || !strings.HasPrefix(out, "fcgilint ") || !strings.Contains(out, "commit") {
		t.Fatalf("version: %q", out)
	}
}

func TestHostileInputNeverCrashes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "nginx.conf"), append([]byte("events {}\nhttp {\n include loop/*.conf;\n"), bytes.Repeat([]byte{0, 0xff, '{'}, 5000)...), 0o644)
	os.MkdirAll(filepath.Join(dir, "loop"), 0o755)
	os.Symlink("b.conf", filepath.Join(dir, "loop", "a.conf"))
	os.Symlink("a.conf", filepath.Join(dir, "loop", "b.conf"))
	os.WriteFile(filepath.Join(dir, "deep.conf"), []byte(strings.Repeat("a {", 100000)), 0o644)
	code, out, errs := runCLI(t, "check", dir)
	if code != exitFindings {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "nginx-include-unreadable") || !strings.Contains(out, "symbolic links") {
		t.Errorf("symlink loop not reported:\n%s", out)
	}
}

// A file named on the command line by its path on this host, inside the
// --root, is the target machine's file: it is read once, from the root,
// and reported under the name nginx knows it by.
func TestPathsInsideTheRootAreTheTargetsFiles(t *testing.T) {
	root, err := filepath.Abs("../../examples/debian")
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, path := range []string{filepath.Join(root, "etc/nginx/nginx.conf"), "../../examples/debian/etc/nginx/nginx.conf", "/etc/nginx/nginx.conf"} {
		code, out, errs := runCLI(t, "check", "--root", root, "-f", "json", path)
		if code != exitFindings {
			t.Fatalf("%s: exit %d\n%s\n%s", path, code, out, errs)
		}
		outs = append(outs, out)
	}
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] {
			t.Errorf("naming the main file differently changed the report:\n%s\nvs\n%s", outs[0], outs[i])
		}
	}
	if !strings.Contains(outs[0], `"/etc/nginx/sites-enabled/shop.example.com"`) {
		t.Errorf("files are not named as the target machine names them:\n%s", outs[0])
	}
}

// A check reads a large host's sites a batch at a time (smaller ones with
// --low-memory) and reports what a check holding it whole (--whole)
// reports, here on a generated host of 600 sites (a dozen batches) where
// sites far apart conflict: a duplicate default server and a variable used
// in one site and set in another.
func TestBatchedChecksReportWhatAWholeCheckReports(t *testing.T) {
	root := t.TempDir()
	if err := gentree.Generate(gentree.Tree{Root: root, Sites: 600, Pools: 5}); err != nil {
		t.Fatal(err)
	}
	sites := filepath.Join(root, "etc/nginx/sites-enabled")
	testfiles.Write(t, filepath.Join(sites, "site10.conf"), "server {\n  listen 8080 default_server;\n  return 200 $set_far_away$nowhere;\n}\n")
	testfiles.Write(t, filepath.Join(sites, "site590.conf"), "server {\n  listen 8080 default_server;\n  set $set_far_away 1;\n}\n")
	_, whole, _ := runCLI(t, "check", "--whole", "--root", root, "-f", "json")
	for _, mode := range [][]string{nil, {"--low-memory"}} {
		args := append(append([]string{"check"}, mode...), "--root", root, "-f", "json")
		code, batched, stderr := runCLI(t, args...)
		if code != exitFindings {
			t.Fatalf("%v: exit %d, want %d\n%s", mode, code, exitFindings, stderr)
		}
		if whole != batched {
			t.Errorf("%v reports otherwise than --whole\nwhole:\n%s\nbatched:\n%s", mode, whole, batched)
		}
	}
	for _, want := range []string{`a duplicate default server for 0.0.0.0:8080`, `unknown \"nowhere\" variable`, `"files": 610,`} {
		if !strings.Contains(whole, want) {
			t.Errorf("the report lacks %s:\n%s", want, whole)
		}
	}
	if strings.Contains(whole, "set_far_away") {
		t.Errorf("a variable set in another site is reported:\n%s", whole)
	}
}
