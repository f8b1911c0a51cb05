package files

import (
	"io/fs"
	"syscall"
)

// readRegular is readFile for a regular file with a size, in four system
// calls and no os.File: a host of thousands of sites is read file by
// file, and os.File adds a poller registration (which a regular file
// refuses) and a finalizer to each. done is false when readFile must read
// the file itself: it is empty by its size (a file of /proc), or not a
// regular file (refused there, with the same error).
func readRegular(real, p string, limit int64) (src []byte, done bool, err error) {
	var fd int
	for {
		fd, err = syscall.Open(real, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, true, &fs.PathError{Op: "open", Path: real, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size == 0 {
		return nil, false, nil
	}
	if st.Size > limit {
		return nil, true, &fs.PathError{Op: "read", Path: p, Err: errTooLarge(limit)}
	}
	buf := make([]byte, st.Size)
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, true, &fs.PathError{Op: "read", Path: real, Err: err}
		}
		if m == 0 {
			break // the file shrank while being read
		}
		n += m
	}
	return buf[:n], true, nil
}
