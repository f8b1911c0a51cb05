//go:build !unix

package fastcgi

import "io/fs"

// fileOwner is unknown where files have no Unix owner: directory search
// permission is then not judged.
func fileOwner(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }
