package lsp

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// document is an open editor buffer.
type document struct {
	uri     protocol.DocumentUri // as the client spelled it, for publishing
	path    string               // on this machine
	version protocol.Integer
	text    []byte
}

// uriToPath turns a file URI into a cleaned absolute path; other schemes
// (untitled:, git:) name no file the daemons could read.
func uriToPath(uri protocol.DocumentUri) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return "", false
	}
	return filepath.Clean(filepath.FromSlash(u.Path)), true
}

func pathToURI(p string) protocol.DocumentUri {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// applyChange applies one content change to text. Ranges are in UTF-16
// code units; a change without a range replaces the whole text.
func applyChange(text []byte, change any) []byte {
	switch c := change.(type) {
	case protocol.TextDocumentContentChangeEventWhole:
		return []byte(c.Text)
	case protocol.TextDocumentContentChangeEvent:
		if c.Range == nil {
			return []byte(c.Text)
		}
		idx := diag.NewLineIndex(text)
		start := idx.OffsetOfUTF16(int(c.Range.Start.Line), int(c.Range.Start.Character))
		end := idx.OffsetOfUTF16(int(c.Range.End.Line), int(c.Range.End.Character))
		if end < start {
			start, end = end, start
		}
		out := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		out = append(out, text[:start]...)
		out = append(out, c.Text...)
		return append(out, text[end:]...)
	}
	return text
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	if dir == "" {
		return false
	}
	if p == dir || dir == "/" {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}
