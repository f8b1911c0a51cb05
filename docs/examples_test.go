package docs_test

import (
	"os"
	"strings"
	"testing"
)

// The example workflow is what docs/ci.md shows, and it runs fcgilint the
// way code scanning needs: SARIF written to a file, a failing lint that
// does not stop the upload, the upload with its category and permission.
func TestGitHubWorkflowExample(t *testing.T) {
	raw, err := os.ReadFile("examples/github-workflow.yml")
	if err != nil {
		t.Fatal(err)
	}
	workflow := string(raw)
	if strings.Contains(workflow, "\t") {
		t.Error("the workflow has tabs, which YAML does not allow for indentation")
	}
	for _, want := range []string{
		"go install github.com/fcgilint/fcgilint/cmd/fcgilint@",
		"run: fcgilint check --format sarif --output fcgilint.sarif .",
		"continue-on-error: true",
		"uses: github/codeql-action/upload-sarif@v3",
		"sarif_file: fcgilint.sarif",
		"category: fcgilint",
		"security-events: write",
		"uses: actions/checkout@v4",
		"uses: actions/setup-go@v5",
		"run: fcgilint check --format github .",
	} {
		if !strings.Contains(workflow, want) {
			t.Errorf("docs/examples/github-workflow.yml lacks %q", want)
		}
	}
	// The lint step comes before the upload, and the upload runs even when
	// the lint step failed.
	lint := strings.Index(workflow, "--output fcgilint.sarif")
	upload := strings.Index(workflow, "upload-sarif@v3")
	if lint < 0 || upload < lint {
		t.Error("the SARIF upload does not follow the lint step")
	}
	if i := strings.LastIndex(workflow[:max(upload, 0)], "if:"); i < lint || !strings.Contains(workflow[i:upload], "always()") {
		t.Error("the upload step does not run when the lint step fails (if: always())")
	}

	page, err := os.ReadFile("ci.md")
	if err != nil {
		t.Fatal(err)
	}
	body := workflow[strings.Index(workflow, "name: fcgilint"):]
	if !strings.Contains(string(page), "```yaml\n"+body+"```") {
		t.Error("docs/ci.md does not show docs/examples/github-workflow.yml as it is (from `name:` on)")
	}
}
