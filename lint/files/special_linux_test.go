package files

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A file of /proc says it is empty and may hold gigabytes: reads stop at
// their limit (a scan of / once read /proc/PID/pagemap until the machine
// ran out of memory).
func TestReadsStopAtTheLimitWhateverTheSizeSays(t *testing.T) {
	const pagemap = "/proc/self/pagemap"
	if _, err := os.Stat(pagemap); err != nil {
		t.Skipf("skipping: no %s", pagemap)
	}
	// (The kernel may also refuse a read of a length that is not a
	// multiple of 8: an error either way, never the whole file.)
	if b, err := ReadLimited(pagemap, 1<<20); err == nil || len(b) > 1<<20 {
		t.Fatalf("ReadLimited(%s) read %d bytes, err %v; want an error", pagemap, len(b), err)
	}
	if b, binary, err := ReadUnlessBinary(pagemap, 1<<20); err == nil && !binary || len(b) > 1<<20 {
		t.Fatalf("ReadUnlessBinary(%s) read %d bytes, err %v", pagemap, len(b), err)
	}
	if !Pseudo("/proc") || !Pseudo("/proc/self") {
		t.Errorf("/proc is not taken for a virtual file system")
	}
	if Pseudo(t.TempDir()) {
		t.Errorf("a temporary directory is taken for a virtual file system")
	}
}

// A FIFO named like a configuration is refused at once, not waited on.
func TestFIFOIsRefusedNotWaitedOn(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nginx.conf")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("skipping: mkfifo: %v", err)
	}
	if _, err := ReadLimited(p, MaxFileSize); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadLimited(FIFO) = %v, want ErrNotRegular", err)
	}
	if _, err := (&FS{}).ReadFile(p); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FS.ReadFile(FIFO) = %v, want ErrNotRegular", err)
	}
}
