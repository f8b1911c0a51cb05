package nginxconf

import (
	"hash/maphash"
	"sync"

	ast "github.com/fcgilint/fcgilint/grammar/nginx"
)

// ParseCache keeps parsed files by path and content, so that repeated loads
// (an editor re-linting on every keystroke, a snippet included by thousands
// of sites) parse each distinct file once.
type ParseCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	files map[string]cached
}

type cached struct {
	sum  uint64
	size int
	file *ast.File
}

// NewParseCache returns an empty cache.
func NewParseCache() *ParseCache {
	return &ParseCache{seed: maphash.MakeSeed(), files: map[string]cached{}}
}

// Parse returns the parsed file, from the cache when path has the same
// content as last time.
func (c *ParseCache) Parse(path string, src []byte) *ast.File {
	return c.parse(path, src, ast.Parse)
}

// ParseOwned is Parse of a buffer the cache may keep (see ast.ParseOwned).
func (c *ParseCache) ParseOwned(path string, src []byte) *ast.File {
	return c.parse(path, src, ast.ParseOwned)
}

func (c *ParseCache) parse(path string, src []byte, parse func(string, []byte) *ast.File) *ast.File {
	sum := maphash.Bytes(c.seed, src)
	c.mu.Lock()
	e, ok := c.files[path]
	c.mu.Unlock()
	if ok && e.sum == sum && e.size == len(src) {
		return e.file
	}
	f := parse(path, src)
	c.mu.Lock()
	c.files[path] = cached{sum: sum, size: len(src), file: f}
	c.mu.Unlock()
	return f
}
