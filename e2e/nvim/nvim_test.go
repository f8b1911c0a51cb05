// Package nvim runs `fcgilint lsp` under Debian's Neovim (package neovim,
// 0.7.2 in bookworm), headless, the way an editor user meets it.
package nvim

import (
	"github.com/fcgilint/fcgilint/internal/gentree"

	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const site = `server {
    listen 80;
    server_name app.example.com;
    root /var/www/app;
    location ~ \.php$ {
        fastcgi_pass unix:/run/php/app.sock;
    }
}
`

const passLine = "5" // 0-based line of fastcgi_pass

var pool = gentree.Pool("app", "/run/php/other.sock")

func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("FCGILINT_E2E") == "1" {
			t.Fatal("FCGILINT_E2E=1 but nvim is not installed (apt-get install -y neovim)")
		}
		t.Skip("nvim not installed (apt-get install -y neovim); FCGILINT_E2E=1 makes this a failure")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "fcgilint")
	_, here, _, _ := runtime.Caller(0)
	moduleRoot := filepath.Join(filepath.Dir(here), "..", "..")
	build := exec.Command("go", "build", "-o", bin, "./cmd/fcgilint")
	build.Dir = moduleRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	ws := filepath.Join(tmp, "ws")
	sitePath := filepath.Join(ws, "sites-enabled", "app.conf")
	poolPath := filepath.Join(ws, "pool.d", "app.conf")
	for path, content := range map[string]string{sitePath: site, poolPath: pool} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	result := filepath.Join(tmp, "result.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-n", "-c", "luafile "+filepath.Join(filepath.Dir(here), "check.lua"))
	cmd.Env = append(os.Environ(),
		"FCGILINT_BIN="+bin, "FCGILINT_ROOT="+ws, "FCGILINT_SITE="+sitePath, "FCGILINT_POOL="+poolPath,
		"FCGILINT_RESULT="+result, "FCGILINT_PASS_LINE="+passLine, "HOME="+tmp, "XDG_STATE_HOME="+tmp, "XDG_CACHE_HOME="+tmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nvim: %v\n%s", err, out)
	}
	data, err := os.ReadFile(result)
	if err != nil {
		t.Fatalf("nvim wrote no result: %v\n%s", err, out)
	}
	steps := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		name, rest, _ := strings.Cut(line, " ")
		steps[name] = rest
	}
	t.Logf("results:\n%s", data)
	for _, step := range []string{"start", "error", "cleared", "back"} {
		if !strings.HasPrefix(steps[step], "ok") {
			t.Errorf("step %s: %q", step, steps[step])
		}
	}
	if s := steps["error"]; !strings.Contains(s, "source=fcgilint") || !strings.Contains(s, "code=fastcgi-pass-no-listener") || !strings.Contains(s, "col=21") {
		t.Errorf("the error on the fastcgi_pass line lacks its source, code or column: %q", s)
	}
	if s, ok := steps["lua"]; ok {
		t.Errorf("the script failed: %s", s)
	}
}
