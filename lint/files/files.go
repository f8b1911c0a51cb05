// Package files is the file system the loaders read through. It adds two
// things to the OS: a root directory under which the daemons' absolute paths
// are resolved (`--root`, for checking a mounted image or a copy of /etc), and
// overlays, unsaved editor buffers that replace a file's contents on disk.
package files

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MaxFileSize bounds what is read from one file; nginx and php-fpm configs are
// small, and a huge file is far more likely a mistake than a configuration.
const MaxFileSize = 64 << 20

// ErrTooLarge is returned for a file over MaxFileSize (errors.Is matches
// it for any limit).
var ErrTooLarge = errors.New("file too large (over 64 MiB)")

// tooLarge is ErrTooLarge for another limit.
type tooLarge struct{ limit int64 }

func (e tooLarge) Error() string {
	return fmt.Sprintf("file too large (over %d MiB)", e.limit>>20)
}

func (e tooLarge) Is(target error) bool { return target == ErrTooLarge }

func errTooLarge(limit int64) error {
	if limit == MaxFileSize {
		return ErrTooLarge
	}
	return tooLarge{limit}
}

// ErrNotRegular is returned for a FIFO, a socket or a device.
var ErrNotRegular = errors.New("not a regular file")

// FS reads configuration files. The zero value reads the host's files.
type FS struct {
	// Root is prepended to every absolute path ("" or "/" means the host).
	Root string

	mu      sync.RWMutex
	overlay map[string][]byte // by cleaned logical path
}

// SetOverlay makes path read as content instead of its disk contents.
func (f *FS) SetOverlay(p string, content []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.overlay == nil {
		f.overlay = map[string][]byte{}
	}
	f.overlay[filepath.Clean(p)] = content
}

// ClearOverlay drops the overlay of path, so the disk is read again.
func (f *FS) ClearOverlay(p string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.overlay, filepath.Clean(p))
}

func (f *FS) overlaid(p string) ([]byte, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	b, ok := f.overlay[filepath.Clean(p)]
	return b, ok
}

// Real maps a logical path (as the daemon sees it) to the path on this host.
func (f *FS) Real(p string) string {
	if f == nil || f.Root == "" || f.Root == "/" || !filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.Root, p)
}

// Logical maps a path on this host to the path the daemon sees, the
// inverse of Real: a file inside the root is named from the root; any other
// path is returned unchanged.
func (f *FS) Logical(hostPath string) string {
	if f == nil || f.Root == "" || f.Root == "/" {
		return hostPath
	}
	abs, err := filepath.Abs(hostPath)
	if err != nil {
		return hostPath
	}
	root, err := filepath.Abs(f.Root)
	if err != nil {
		return hostPath
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return hostPath
	}
	return filepath.Join("/", rel)
}

// ReadFile reads a file, from its overlay if it has one.
func (f *FS) ReadFile(p string) ([]byte, error) {
	if b, ok := f.overlaid(p); ok {
		return b, nil
	}
	return readFile(f.Real(p), p, MaxFileSize)
}

// ReadLimited reads the file at path (a host path) if it holds at most
// limit bytes, and fails with ErrTooLarge otherwise.
func ReadLimited(path string, limit int64) ([]byte, error) {
	return readFile(path, path, limit)
}

// binaryProbe is how much of a file tells whether it is binary: a NUL
// byte in the first 8,000 bytes, git's rule.
const binaryProbe = 8000

// ReadUnlessBinary is ReadLimited, except that it stops after the first
// 8,000 bytes when they hold a NUL byte and reports the file binary: a
// directory scanned for configurations may hold large binaries.
func ReadUnlessBinary(path string, limit int64) (head []byte, binary bool, err error) {
	fh, _, err := openRegular(path, path, limit)
	if err != nil {
		return nil, false, err
	}
	defer fh.Close()
	head, err = io.ReadAll(io.LimitReader(fh, binaryProbe))
	if err != nil {
		return nil, false, err
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return head, true, nil
	}
	src, err := readBounded(fh, head, path, limit)
	return src, false, err
}

// openRegular opens real, reported as p, if it is a regular file of at
// most limit bytes by its size. A FIFO is opened without blocking, then
// refused.
func openRegular(real, p string, limit int64) (*os.File, fs.FileInfo, error) {
	fh, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := fh.Stat()
	switch {
	case err != nil:
	case st.IsDir():
		err = &fs.PathError{Op: "read", Path: p, Err: syscall.EISDIR}
	case !st.Mode().IsRegular():
		err = &fs.PathError{Op: "read", Path: p, Err: ErrNotRegular}
	case st.Size() > limit:
		err = &fs.PathError{Op: "read", Path: p, Err: errTooLarge(limit)}
	}
	if err != nil {
		fh.Close()
		return nil, nil, err
	}
	return fh, st, nil
}

// readBounded appends what r holds to buf, and fails with ErrTooLarge once
// buf would pass limit bytes.
func readBounded(r io.Reader, buf []byte, p string, limit int64) ([]byte, error) {
	rest, err := io.ReadAll(io.LimitReader(r, limit+1-int64(len(buf))))
	buf = append(buf, rest...)
	if int64(len(buf)) > limit {
		return nil, &fs.PathError{Op: "read", Path: p, Err: errTooLarge(limit)}
	}
	return buf, err
}

// readFile reads real, reported as p. It reads no more than limit bytes
// whatever the file's size says: a file of /proc or /sys says 0 and may
// hold gigabytes (/proc/PID/pagemap). A FIFO or a device is refused, not
// waited on.
func readFile(real, p string, limit int64) ([]byte, error) {
	if src, done, err := readRegular(real, p, limit); done {
		return src, err
	}
	fh, st, err := openRegular(real, p, limit)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st.Size() == 0 {
		return readBounded(fh, nil, p, limit)
	}
	buf := make([]byte, st.Size())
	n, err := io.ReadFull(fh, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil // the file shrank while being read
	}
	return buf[:n], err
}

// ReadFresh is ReadFile into a buffer the caller owns: an overlay is
// copied, since its buffer stays the overlay's.
func (f *FS) ReadFresh(p string) ([]byte, error) {
	if b, ok := f.overlaid(p); ok {
		return append([]byte(nil), b...), nil
	}
	return f.ReadFile(p)
}

// Stat describes a file; overlays count as regular files.
func (f *FS) Stat(p string) (fs.FileInfo, error) {
	if b, ok := f.overlaid(p); ok {
		return overlayInfo{name: filepath.Base(p), size: int64(len(b))}, nil
	}
	return os.Stat(f.Real(p))
}

// Exists reports whether p names something (a file, a directory, an overlay).
func (f *FS) Exists(p string) bool {
	_, err := f.Stat(p)
	return err == nil
}

// DanglingLink reports whether p is a symbolic link whose target does not
// exist (a site removed from sites-available, its link left in
// sites-enabled), and the target as the link has it.
func (f *FS) DanglingLink(p string) (target string, ok bool) {
	if _, ok := f.overlaid(p); ok {
		return "", false
	}
	real := f.Real(p)
	if st, err := os.Lstat(real); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return "", false
	}
	if _, err := os.Stat(real); !errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	target, err := os.Readlink(real)
	return target, err == nil
}

// IsDir reports whether p is a directory.
func (f *FS) IsDir(p string) bool {
	st, err := f.Stat(p)
	return err == nil && st.IsDir()
}

// Glob expands pattern like glob(3) without flags: sorted matches, and no
// error for no match. Overlays that match and do not exist on disk are added,
// so a new unsaved file in an included directory is seen.
func (f *FS) Glob(pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err
	}
	realPattern := f.Real(pattern)
	matches, err := filepath.Glob(realPattern)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(matches))
	seen := map[string]bool{}
	for _, m := range matches {
		logical := m
		if f.Root != "" && f.Root != "/" && filepath.IsAbs(pattern) {
			logical = "/" + strings.TrimPrefix(strings.TrimPrefix(m, filepath.Clean(f.Root)), "/")
		}
		out = append(out, logical)
		seen[filepath.Clean(logical)] = true
	}
	f.mu.RLock()
	for p := range f.overlay {
		if ok, _ := filepath.Match(pattern, p); ok && !seen[p] {
			out = append(out, p)
		}
	}
	f.mu.RUnlock()
	out = hidePeriod(pattern, out)
	sort.Strings(out)
	return out, nil
}

// hidePeriod drops the matches glob(3) does not return: without
// GLOB_PERIOD, a name starting with "." is matched only by a pattern
// component that starts with "." too (conf.d/*.conf skips
// conf.d/.default.conf).
func hidePeriod(pattern string, matches []string) []string {
	pc := strings.Split(filepath.Clean(pattern), "/")
	out := matches[:0:0]
	for _, m := range matches {
		mc := strings.Split(filepath.Clean(m), "/")
		hidden := false
		if len(mc) == len(pc) {
			for i := range mc {
				if strings.HasPrefix(mc[i], ".") && !strings.HasPrefix(pc[i], ".") {
					hidden = true
					break
				}
			}
		}
		if !hidden {
			out = append(out, m)
		}
	}
	return out
}

// HasMeta reports whether p contains glob metacharacters, as nginx decides
// whether to glob an include.
func HasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

type overlayInfo struct {
	name string
	size int64
}

func (o overlayInfo) Name() string       { return o.name }
func (o overlayInfo) Size() int64        { return o.size }
func (o overlayInfo) Mode() fs.FileMode  { return 0o644 }
func (o overlayInfo) ModTime() time.Time { return time.Time{} }
func (o overlayInfo) IsDir() bool        { return false }
func (o overlayInfo) Sys() any           { return nil }
