//go:build unix

package fastcgi

import (
	"io/fs"
	"syscall"
)

// fileOwner is the uid and gid of a file, as the kernel checks them.
func fileOwner(st fs.FileInfo) (uid, gid int, ok bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(sys.Uid), int(sys.Gid), true
}
