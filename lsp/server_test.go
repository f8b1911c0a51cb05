package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/fcgilint/fcgilint/internal/gentree"
	"github.com/fcgilint/fcgilint/internal/testfiles"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

const passRule = "fastcgi-pass-no-listener"

func site(socket string) string {
	return `server {
    listen 80;
    server_name app.example.com;
    root /var/www/app;
    location ~ \.php$ {
        fastcgi_pass unix:` + socket + `;
    }
}
`
}

const fastcgiPassLine = 5 // 0-based line of fastcgi_pass in site()

func pool(socket string) string { return gentree.Pool("app", socket) }

// workspaceWith writes a site and a pool into a new workspace folder.
func workspaceWith(t *testing.T, siteSocket, poolSocket string) (dir, sitePath, poolPath string) {
	dir = t.TempDir()
	sitePath = filepath.Join(dir, "sites-enabled", "app.conf")
	poolPath = filepath.Join(dir, "pool.d", "app.conf")
	testfiles.Write(t, sitePath, site(siteSocket))
	testfiles.Write(t, poolPath, pool(poolSocket))
	return dir, sitePath, poolPath
}

func TestInitializeShutdownExit(t *testing.T) {
	c := startServer(t, Options{}, nil)
	if err := c.call("textDocument/hover", map[string]any{}, nil); rpcCode(err) != codeServerNotInitialized {
		t.Errorf("request before initialize: got %v, want code %d", err, codeServerNotInitialized)
	}
	result := c.initialize(nil, nil)
	caps, _ := result["capabilities"].(map[string]any)
	if caps["positionEncoding"] != "utf-16" {
		t.Errorf("positionEncoding = %v, want utf-16 (capabilities %v)", caps["positionEncoding"], caps)
	}
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}}, nil); rpcCode(err) != jsonrpc2.CodeInvalidRequest {
		t.Errorf("second initialize: got %v, want InvalidRequest", err)
	}
	if err := c.call("shutdown", nil, nil); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := c.call("textDocument/hover", map[string]any{}, nil); rpcCode(err) != jsonrpc2.CodeInvalidRequest {
		t.Errorf("request after shutdown: got %v, want InvalidRequest", err)
	}
	c.notify("exit", nil)
	if code := c.exitCode(); code != 0 {
		t.Errorf("exit after shutdown: code %d, want 0", code)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	c := startServer(t, Options{}, nil)
	c.initialize(nil, nil)
	c.notify("exit", nil)
	if code := c.exitCode(); code != 1 {
		t.Errorf("exit without shutdown: code %d, want 1", code)
	}
}

func TestPanicInHandlerIsRecovered(t *testing.T) {
	c := startServer(t, Options{}, func(s *Server) {
		s.dispatch.TextDocumentHover = func(*glsp.Context, *protocol.HoverParams) (*protocol.Hover, error) {
			panic("boom in hover")
		}
	})
	c.initialize(nil, nil)
	err := c.call("textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": "file:///x.conf"}, "position": map[string]any{"line": 0, "character": 0}}, nil)
	if rpcCode(err) != jsonrpc2.CodeInternalError || !strings.Contains(err.Error(), "boom in hover") {
		t.Fatalf("hover that panics: got %v, want an InternalError naming the panic", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		var logged bool
		for _, l := range c.logs {
			logged = logged || l.Type == protocol.MessageTypeError && strings.Contains(l.Message, "boom in hover")
		}
		c.mu.Unlock()
		if logged {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the panic was not reported with window/logMessage")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The session goes on.
	if err := c.call("shutdown", nil, nil); err != nil {
		t.Fatalf("shutdown after a panic: %v", err)
	}
}

func TestCancelRequest(t *testing.T) {
	started := make(chan struct{})
	c := startServer(t, Options{}, func(s *Server) {
		s.dispatch.TextDocumentHover = func(gctx *glsp.Context, _ *protocol.HoverParams) (*protocol.Hover, error) {
			close(started)
			ctx := s.contextOf(gctx)
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(10 * time.Second):
				return &protocol.Hover{Contents: "not cancelled"}, nil
			}
		}
	})
	c.initialize(nil, nil)
	id := jsonrpc2.ID{Num: 4242}
	waiter, err := c.conn.DispatchCall(context.Background(), "textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": "file:///x.conf"}, "position": map[string]any{"line": 0, "character": 0}},
		jsonrpc2.PickID(id))
	if err != nil {
		t.Fatal(err)
	}
	<-started
	c.notify("$/cancelRequest", map[string]any{"id": 4242})
	start := time.Now()
	err = waiter.Wait(context.Background(), nil)
	if rpcCode(err) != codeRequestCancelled {
		t.Fatalf("cancelled hover: got %v, want code %d", err, codeRequestCancelled)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancellation took %v", time.Since(start))
	}
}

func TestSiteAndPoolCrossCheck(t *testing.T) {
	dir, sitePath, poolPath := workspaceWith(t, "/run/php/app.sock", "/run/php/other.sock")
	c := startServer(t, Options{}, nil)
	c.initialize([]string{dir}, nil)
	c.open(sitePath, site("/run/php/app.sock"))
	c.open(poolPath, pool("/run/php/other.sock"))

	got := c.waitFor(sitePath, "the fastcgi_pass error", versionIs(1, hasRule(passRule)))
	d := withRule(got, passRule)[0]
	if d.Range.Start.Line != fastcgiPassLine {
		t.Errorf("error on line %d, want the fastcgi_pass line %d: %s", d.Range.Start.Line, fastcgiPassLine, d.Message)
	}
	if want := strings.Index(site("x"), "unix:x") - strings.Index(site("x"), "        fastcgi_pass"); int(d.Range.Start.Character) != want {
		t.Errorf("error at character %d, want %d (the address)", d.Range.Start.Character, want)
	}
	if d.Severity == nil || *d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("severity %v, want error", d.Severity)
	}
	if d.Source == nil || *d.Source != "fcgilint" {
		t.Errorf("source %v, want fcgilint", d.Source)
	}
	if d.CodeDescription == nil || !strings.HasSuffix(d.CodeDescription.HRef, "/"+passRule+".md") {
		t.Errorf("codeDescription %+v, want the rule page", d.CodeDescription)
	}
	var related bool
	for _, r := range d.RelatedInformation {
		related = related || r.Location.URI == pathToURI(poolPath) && r.Location.Range.Start.Line == 3
	}
	if !related {
		t.Errorf("relatedInformation %+v does not point at the pool's listen line", d.RelatedInformation)
	}
	data, _ := json.Marshal(d.Data)
	var payload diagnosticData
	if err := json.Unmarshal(data, &payload); err != nil || payload.Rule != passRule {
		t.Errorf("data %s does not carry the rule ID", data)
	}
	if len(payload.Fixes) == 0 || len(payload.Fixes[0].Edits[pathToURI(sitePath)]) == 0 {
		t.Errorf("data %s carries no fix editing the site", data)
	}

	// Fixing the site in the buffer clears the error.
	c.replace(sitePath, 2, site("/run/php/other.sock"))
	c.waitFor(sitePath, "the error cleared", versionIs(2, lacksRule(passRule)))

	// Moving the pool's socket brings it back on the site, which did not change.
	c.replace(poolPath, 2, pool("/run/php/moved.sock"))
	got = c.waitFor(sitePath, "the error back after the pool changed", versionIs(2, hasRule(passRule)))
	if !strings.Contains(withRule(got, passRule)[0].Message, "moved.sock") {
		t.Errorf("message does not name the pool's new socket: %s", withRule(got, passRule)[0].Message)
	}
}

func TestUTF16Columns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sites-enabled", "intl.conf")
	prefix := `    add_header X-Motto "Grüße, 世界 😀";  `
	text := "server {\n    listen 80;\n" + prefix + "bogus_directive on;\n}\n"
	testfiles.Write(t, path, text)
	c := startServer(t, Options{}, nil)
	c.initialize([]string{dir}, nil)
	c.open(path, text)
	got := c.waitFor(path, "the unknown directive", versionIs(1, hasRule("nginx-unknown-directive")))
	d := withRule(got, "nginx-unknown-directive")[0]
	want := len(utf16.Encode([]rune(prefix)))
	if d.Range.Start.Line != 2 || int(d.Range.Start.Character) != want {
		t.Errorf("unknown directive at %d:%d, want 2:%d (UTF-16 units; %d bytes, %d runes)",
			d.Range.Start.Line, d.Range.Start.Character, want, len(prefix), len([]rune(prefix)))
	}
	if wantEnd := want + len("bogus_directive on;"); int(d.Range.End.Character) != wantEnd {
		t.Errorf("range ends at character %d, want %d", d.Range.End.Character, wantEnd)
	}

	// An incremental edit whose range is in UTF-16 units lands where meant:
	// replace "bogus_directive" by "add_header" starting after the emoji.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": pathToURI(path), "version": 2},
		"contentChanges": []map[string]any{{
			"range": map[string]any{"start": map[string]any{"line": 2, "character": want},
				"end": map[string]any{"line": 2, "character": want + len("bogus_directive on")}},
			"text": "add_header X-Other yes"}}})
	c.waitFor(path, "the directive fixed by a UTF-16 edit", versionIs(2, lacksRule("nginx-unknown-directive")))
	c.server.ws.mu.Lock()
	buffer := string(c.server.ws.docs[path].text)
	c.server.ws.mu.Unlock()
	if wantText := "server {\n    listen 80;\n" + prefix + "add_header X-Other yes;\n}\n"; buffer != wantText {
		t.Errorf("buffer after the edit:\n%s\nwant:\n%s", buffer, wantText)
	}
}

func TestStaleResultsAreNotPublished(t *testing.T) {
	t.Run("full passes", func(t *testing.T) { testStaleResults(t, quickPassMinFiles) })
	// With early passes of the edited file, two passes race per edit.
	t.Run("early and full passes", func(t *testing.T) { testStaleResults(t, 1) })
}

func testStaleResults(t *testing.T, quickMin int) {
	dir, sitePath, poolPath := workspaceWith(t, "/run/php/app.sock", "/run/php/app.sock")
	c := startServer(t, Options{Debounce: 5 * time.Millisecond}, func(s *Server) { s.ws.quickMin = quickMin })
	c.initialize([]string{dir}, nil)
	c.open(poolPath, pool("/run/php/app.sock"))
	c.open(sitePath, site("/run/php/app.sock"))
	c.waitFor(sitePath, "the first result", versionIs(1, lacksRule(passRule)))
	// Odd versions point at the pool, even ones do not; edits arrive faster
	// than the linter, so most results go stale before they are published.
	const last = 41
	for v := 2; v <= last; v++ {
		socket := "/run/php/app.sock"
		if v%2 == 0 {
			socket = "/run/php/nowhere.sock"
		}
		c.replace(sitePath, v, site(socket))
		if v%7 == 0 {
			time.Sleep(3 * time.Millisecond)
		}
	}
	c.waitFor(sitePath, "the last version's result", versionIs(last, lacksRule(passRule)))
	prev := 0
	for _, p := range c.publications(sitePath) {
		if p.Version == nil {
			t.Fatalf("a publication for an open file has no version")
		}
		v := *p.Version
		if v < prev {
			t.Errorf("version %d published after version %d", v, prev)
		}
		prev = v
		if broken := len(withRule(p, passRule)) > 0; broken != (v%2 == 0 && v > 1) {
			t.Errorf("version %d published with fastcgi_pass error %v: the result belongs to another version", v, broken)
		}
	}
}

func TestWatchedFileChangeRelints(t *testing.T) {
	dir, sitePath, poolPath := workspaceWith(t, "/run/php/app.sock", "/run/php/other.sock")
	c := startServer(t, Options{}, nil)
	c.initialize([]string{dir}, nil)
	c.open(sitePath, site("/run/php/app.sock"))
	c.waitFor(sitePath, "the error with the pool on disk", versionIs(1, hasRule(passRule)))
	c.mu.Lock()
	registered := strings.Join(c.requests, " ")
	c.mu.Unlock()
	if !strings.Contains(registered, "client/registerCapability") {
		t.Errorf("no file watcher registered (server requests: %q)", registered)
	}

	testfiles.Write(t, poolPath, pool("/run/php/app.sock"))
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pathToURI(poolPath), "type": 2}}})
	c.waitFor(sitePath, "the error cleared by the pool fixed on disk", versionIs(1, lacksRule(passRule)))

	testfiles.Write(t, poolPath, pool("/run/php/other.sock"))
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pathToURI(poolPath), "type": 2}}})
	c.waitFor(sitePath, "the error back with the pool moved on disk", versionIs(1, hasRule(passRule)))

	// A pool file created on disk is found: it listens where the site
	// connects.
	other := filepath.Join(dir, "pool.d", "zz.conf")
	testfiles.Write(t, other, strings.Replace(pool("/run/php/app.sock"), "[app]", "[zz]", 1))
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pathToURI(other), "type": 1}}})
	c.waitFor(sitePath, "the error cleared by a new pool on disk", versionIs(1, lacksRule(passRule)))
}

func TestFileLeavingEverySetIsCleared(t *testing.T) {
	dir := t.TempDir() // not a workspace folder: the file is checked on its own
	path := filepath.Join(dir, "loose.conf")
	text := "server {\n    listen 80;\n    bogus_directive on;\n}\n"
	testfiles.Write(t, path, text)
	c := startServer(t, Options{}, nil)
	c.initialize([]string{t.TempDir()}, nil)
	c.open(path, text)
	c.waitFor(path, "the loose file's finding", versionIs(1, hasRule("nginx-unknown-directive")))
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": pathToURI(path)}})
	c.waitFor(path, "an empty list after close", func(p publishedDiagnostics) bool { return p.Version == nil && len(p.Diagnostics) == 0 })
}

func TestUnknownMethod(t *testing.T) {
	c := startServer(t, Options{}, nil)
	c.initialize(nil, nil)
	err := c.call("textDocument/noSuchThing", map[string]any{}, nil)
	var rpcErr *jsonrpc2.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != jsonrpc2.CodeMethodNotFound {
		t.Errorf("unknown method: got %v, want MethodNotFound", err)
	}
}

func TestNavigationIsWired(t *testing.T) {
	dir, sitePath, poolPath := workspaceWith(t, "/run/php/app.sock", "/run/php/other.sock")
	c := startServer(t, Options{}, nil)
	result := c.initialize([]string{dir}, nil)
	caps, _ := result["capabilities"].(map[string]any)
	for _, provider := range []string{"hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "completionProvider", "codeActionProvider"} {
		if caps[provider] == nil {
			t.Errorf("%s not advertised", provider)
		}
	}
	for _, unserved := range []string{"renameProvider", "documentFormattingProvider", "signatureHelpProvider"} {
		if caps[unserved] != nil {
			t.Errorf("%s advertised but not served", unserved)
		}
	}
	c.open(sitePath, site("/run/php/app.sock"))
	got := c.waitFor(sitePath, "the fastcgi_pass error", versionIs(1, hasRule(passRule)))
	d := withRule(got, passRule)[0]
	doc := map[string]any{"uri": pathToURI(sitePath)}
	at := map[string]any{"line": fastcgiPassLine, "character": 10}

	var hover struct {
		Contents struct{ Value string } `json:"contents"`
	}
	if err := c.call("textDocument/hover", map[string]any{"textDocument": doc, "position": at}, &hover); err != nil {
		t.Fatalf("hover: %v", err)
	}
	if !strings.Contains(hover.Contents.Value, "fastcgi_pass") {
		t.Errorf("hover on fastcgi_pass says %q", hover.Contents.Value)
	}

	var symbols []map[string]any
	if err := c.call("textDocument/documentSymbol", map[string]any{"textDocument": doc}, &symbols); err != nil || len(symbols) == 0 {
		t.Errorf("documentSymbol: %v, %v", symbols, err)
	}

	var actions []struct {
		Title string
		Edit  struct {
			Changes map[string][]struct{ NewText string }
		}
	}
	raw := map[string]any{"range": d.Range, "message": d.Message, "data": d.Data, "code": passRule}
	if err := c.call("textDocument/codeAction", map[string]any{"textDocument": doc, "range": d.Range,
		"context": map[string]any{"diagnostics": []any{raw}}}, &actions); err != nil {
		t.Fatalf("codeAction: %v", err)
	}
	var fixed bool
	for _, a := range actions {
		for _, e := range a.Edit.Changes[pathToURI(sitePath)] {
			fixed = fixed || strings.Contains(e.NewText, "other.sock")
		}
	}
	if !fixed {
		t.Errorf("no code action points the site at the pool's socket: %+v", actions)
	}

	// Once the site connects to the pool, definition goes there.
	c.replace(sitePath, 2, site("/run/php/other.sock"))
	c.waitFor(sitePath, "the error cleared", versionIs(2, lacksRule(passRule)))
	var defs []protocol.Location
	if err := c.call("textDocument/definition", map[string]any{"textDocument": doc, "position": map[string]any{"line": fastcgiPassLine, "character": 25}}, &defs); err != nil {
		t.Fatalf("definition: %v", err)
	}
	var toPool bool
	for _, l := range defs {
		toPool = toPool || l.URI == pathToURI(poolPath) && l.Range.Start.Line == 3
	}
	if !toPool {
		t.Errorf("definition of the fastcgi_pass address %+v does not reach the pool's listen line", defs)
	}
}

func TestProjectConfigurationFile(t *testing.T) {
	dir, sitePath, _ := workspaceWith(t, "/run/php/app.sock", "/run/php/other.sock")
	configPath := filepath.Join(dir, ".fcgilint.yaml")
	testfiles.Write(t, configPath, "rules:\n  "+passRule+": warning\n")
	c := startServer(t, Options{}, nil)
	c.initialize([]string{dir}, nil)
	c.open(sitePath, site("/run/php/app.sock"))
	got := c.waitFor(sitePath, "the finding at the file's severity", versionIs(1, hasRule(passRule)))
	if d := withRule(got, passRule)[0]; d.Severity == nil || *d.Severity != protocol.DiagnosticSeverityWarning {
		t.Errorf("severity %v, want warning as .fcgilint.yaml says", d.Severity)
	}

	testfiles.Write(t, configPath, "rules:\n  "+passRule+": off\n")
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pathToURI(configPath), "type": 2}}})
	c.waitFor(sitePath, "the rule turned off", versionIs(1, lacksRule(passRule)))
}
