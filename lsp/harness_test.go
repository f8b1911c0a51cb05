package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// testClient is an LSP client over an in-memory pipe to a Server running
// in the test process.
type testClient struct {
	t      testing.TB
	server *Server
	conn   *jsonrpc2.Conn
	exit   chan struct{} // closed when Serve returns
	code   int

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every notification
	published map[string][]publishedDiagnostics
	logs      []protocol.LogMessageParams
	requests  []string // methods the server called on the client
}

type publishedDiagnostics struct {
	Version     *int             `json:"version"`
	Diagnostics []testDiagnostic `json:"diagnostics"`
	at          time.Time
}

// testDiagnostic decodes code itself: glsp's IntegerOrString decoder has a
// value receiver and drops it.
type testDiagnostic struct {
	protocol.Diagnostic
	Code any `json:"code"`
}

// startServer runs a server on one end of a pipe and returns a client on
// the other; prepare, when set, may replace handlers before it serves.
func startServer(t testing.TB, opts Options, prepare func(*Server)) *testClient {
	t.Helper()
	if opts.Log == nil && os.Getenv("FCGILINT_LSP_LOG") != "" {
		opts.Log = os.Stderr
	}
	serverEnd, clientEnd := net.Pipe()
	s := NewServer(opts)
	if prepare != nil {
		prepare(s)
	}
	c := &testClient{t: t, server: s, exit: make(chan struct{}), changed: make(chan struct{}), published: map[string][]publishedDiagnostics{}}
	go func() {
		c.code = s.Serve(context.Background(), serverEnd)
		close(c.exit)
	}()
	handler := jsonrpc2.HandlerWithError(func(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		defer func() {
			close(c.changed)
			c.changed = make(chan struct{})
		}()
		switch req.Method {
		case protocol.ServerTextDocumentPublishDiagnostics:
			var p struct {
				URI string `json:"uri"`
				publishedDiagnostics
			}
			if err := json.Unmarshal(*req.Params, &p); err != nil {
				t.Errorf("publishDiagnostics: %v", err)
			}
			p.at = time.Now()
			c.published[p.URI] = append(c.published[p.URI], p.publishedDiagnostics)
		case protocol.ServerWindowLogMessage:
			var p protocol.LogMessageParams
			_ = json.Unmarshal(*req.Params, &p)
			c.logs = append(c.logs, p)
		default:
			c.requests = append(c.requests, req.Method)
		}
		return nil, nil
	})
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(clientEnd, jsonrpc2.VSCodeObjectCodec{}), orderedHandler{handler})
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.exit:
		case <-time.After(5 * time.Second):
			t.Errorf("server did not stop after the connection closed")
		}
	})
	return c
}

func (c *testClient) call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// initialize runs the handshake with workspace folders and options.
func (c *testClient) initialize(folders []string, options map[string]any) map[string]any {
	c.t.Helper()
	params := map[string]any{
		"processId": nil,
		"rootUri":   nil,
		"capabilities": map[string]any{
			"general":   map[string]any{"positionEncodings": []string{"utf-16"}},
			"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}},
		},
	}
	var wf []map[string]any
	for _, f := range folders {
		wf = append(wf, map[string]any{"uri": pathToURI(f), "name": filepath.Base(f)})
	}
	if wf != nil {
		params["workspaceFolders"] = wf
	}
	if options != nil {
		params["initializationOptions"] = options
	}
	var result map[string]any
	if err := c.call("initialize", params, &result); err != nil {
		c.t.Fatalf("initialize: %v", err)
	}
	c.notify("initialized", map[string]any{})
	return result
}

func (c *testClient) open(path, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": pathToURI(path), "languageId": "nginx", "version": 1, "text": text}})
}

// replace sends a whole-text change.
func (c *testClient) replace(path string, version int, text string) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": pathToURI(path), "version": version},
		"contentChanges": []map[string]any{{"text": text}}})
}

// waitFor waits until the latest publication for path satisfies ok and
// returns it.
func (c *testClient) waitFor(path string, what string, ok func(publishedDiagnostics) bool) publishedDiagnostics {
	c.t.Helper()
	uri := pathToURI(path)
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		list := c.published[uri]
		changed := c.changed
		c.mu.Unlock()
		if n := len(list); n > 0 && ok(list[n-1]) {
			return list[n-1]
		}
		select {
		case <-changed:
		case <-deadline:
			c.mu.Lock()
			defer c.mu.Unlock()
			c.t.Fatalf("timed out waiting for %s on %s; publications: %s", what, path, describe(c.published[uri]))
		}
	}
}

func (c *testClient) publications(path string) []publishedDiagnostics {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]publishedDiagnostics(nil), c.published[pathToURI(path)]...)
}

func describe(list []publishedDiagnostics) string {
	var b strings.Builder
	for _, p := range list {
		v := "-"
		if p.Version != nil {
			v = fmt.Sprint(*p.Version)
		}
		fmt.Fprintf(&b, "\n  v%s:", v)
		for _, d := range p.Diagnostics {
			fmt.Fprintf(&b, " [%s %d:%d %.60s]", codeOf(d), d.Range.Start.Line, d.Range.Start.Character, d.Message)
		}
	}
	return b.String()
}

func codeOf(d testDiagnostic) string {
	s, _ := d.Code.(string)
	return s
}

// withRule returns the diagnostics of rule.
func withRule(p publishedDiagnostics, rule string) []testDiagnostic {
	var out []testDiagnostic
	for _, d := range p.Diagnostics {
		if codeOf(d) == rule {
			out = append(out, d)
		}
	}
	return out
}

func hasRule(rule string) func(publishedDiagnostics) bool {
	return func(p publishedDiagnostics) bool { return len(withRule(p, rule)) > 0 }
}

func lacksRule(rule string) func(publishedDiagnostics) bool {
	return func(p publishedDiagnostics) bool { return len(withRule(p, rule)) == 0 }
}

func versionIs(v int, and func(publishedDiagnostics) bool) func(publishedDiagnostics) bool {
	return func(p publishedDiagnostics) bool { return p.Version != nil && *p.Version == v && and(p) }
}

// rpcCode is the JSON-RPC error code of err, or 0.
func rpcCode(err error) int64 {
	if e, ok := err.(*jsonrpc2.Error); ok {
		return e.Code
	}
	return 0
}

// orderedHandler records notifications on the read loop, in order, and
// answers requests from another goroutine: net.Pipe has no buffer, so a
// reply written from the read loop while the server writes to us would
// block both ends.
type orderedHandler struct{ h jsonrpc2.Handler }

func (o orderedHandler) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	if req.Notif {
		o.h.Handle(ctx, conn, req)
		return
	}
	go o.h.Handle(ctx, conn, req)
}

// exitCode waits for Serve to return.
func (c *testClient) exitCode() int {
	c.t.Helper()
	select {
	case <-c.exit:
		return c.code
	case <-time.After(5 * time.Second):
		c.t.Fatal("server did not exit")
	}
	return -1
}

// waitIdle waits until no unit has a lint pending or running.
func (c *testClient) waitIdle() {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ws := c.server.ws
		ws.mu.Lock()
		idle := true
		for _, u := range ws.units {
			idle = idle && !u.fullRunning && u.gen == u.lintedGen
		}
		ws.mu.Unlock()
		if idle {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatal("the server did not become idle")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
