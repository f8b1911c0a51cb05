package files

import "syscall"

// pseudoMagic are the statfs(2) f_type of the kernel's virtual file
// systems: procfs, sysfs, devpts, cgroup and cgroup2, debugfs, tracefs,
// securityfs, bpf, pstore, configfs, efivarfs, mqueue.
var pseudoMagic = map[int64]bool{
	0x9fa0: true, 0x62656572: true, 0x1cd1: true, 0x27e0eb: true, 0x63677270: true,
	0x64626720: true, 0x74726163: true, 0x73636673: true, 0xcafe4a11: true,
	0x6165676c: true, 0x62656570: true, 0xde5e81e4: true, 0x19800202: true,
}

// Pseudo reports whether dir is on one of the kernel's virtual file
// systems, whose files are not configurations and may never end.
func Pseudo(dir string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return false
	}
	return pseudoMagic[int64(st.Type)]
}
