package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestLSPCommandArguments(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"lsp", "--bogus"}, io.Discard, &stderr); code != exitUsage {
		t.Errorf("lsp --bogus: exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "--bogus") {
		t.Errorf("stderr does not name the bad argument: %q", stderr.String())
	}
}

// TestLSPCommandSession runs a whole session through the command: --stdio
// is accepted, shutdown then exit gives 0, and standard output carries only
// framed protocol messages.
func TestLSPCommandSession(t *testing.T) {
	var in bytes.Buffer
	for _, msg := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`,
		`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
		`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"exit"}`,
	} {
		fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(msg), msg)
	}
	var out, stderr bytes.Buffer
	code := runLSP([]string{"--stdio"}, &in, &out, &stderr)
	if code != exitOK {
		t.Errorf("exit %d after shutdown and exit, want 0; stderr: %s", code, stderr.String())
	}
	r := bufio.NewReader(&out)
	var ids []string
	for {
		header, err := r.ReadString('\n')
		if err == io.EOF && header == "" {
			break
		}
		length, ok := strings.CutPrefix(strings.TrimSpace(header), "Content-Length: ")
		n, convErr := strconv.Atoi(length)
		if !ok || convErr != nil {
			t.Fatalf("standard output holds something other than a framed message: %q", header)
		}
		if blank, _ := r.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("no blank line after the header: %q", blank)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			t.Fatal(err)
		}
		var msg struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(body, &msg); err != nil {
			t.Fatalf("not JSON: %s", body)
		}
		ids = append(ids, string(msg.ID))
	}
	if strings.Join(ids, ",") != "1,2" {
		t.Errorf("responses %v, want the answers to initialize (1) and shutdown (2)", ids)
	}
}
