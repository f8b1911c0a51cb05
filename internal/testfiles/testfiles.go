// Package testfiles writes the configuration files tests check.
package testfiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes src to path, making the directories above it.
func Write(t testing.TB, path, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteTree writes the files of tree (slash-separated names relative to
// dir, and their text) under dir.
func WriteTree(t testing.TB, dir string, tree map[string]string) {
	t.Helper()
	for name, src := range tree {
		Write(t, filepath.Join(dir, filepath.FromSlash(name)), src)
	}
}

// Tree writes the files of tree under a new temporary directory and
// returns it.
func Tree(t testing.TB, tree map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	WriteTree(t, dir, tree)
	return dir
}
