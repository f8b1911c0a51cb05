package nginxconf

import (
	"net/netip"
	"strings"

	"github.com/fcgilint/fcgilint/lint/files"
)

// Host is what nginx reads from the machine it starts on, as far as a
// static check can read it: the account databases its getpwnam and getgrnam
// consult and the hosts file its getaddrinfo consults (with the usual
// "files" NSS configuration), under the file system's root.
type Host struct {
	// PasswdRead and GroupRead are set when /etc/passwd and /etc/group
	// could be read; lookups in an unread database answer "unknown".
	PasswdRead, GroupRead bool
	Users                 map[string]bool
	Groups                map[string]bool
	// HostsRead is set when /etc/hosts could be read.
	HostsRead bool
	// Hosts maps lower-case names to their addresses, in file order.
	Hosts map[string][]netip.Addr
}

// LoadHost reads the host databases under fs's root.
func LoadHost(fs *files.FS) *Host {
	h := &Host{Users: map[string]bool{}, Groups: map[string]bool{}, Hosts: map[string][]netip.Addr{}}
	if b, err := fs.ReadFile("/etc/passwd"); err == nil {
		h.PasswdRead = true
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Split(line, ":"); len(f) >= 4 && f[0] != "" && !strings.HasPrefix(f[0], "#") {
				h.Users[f[0]] = true
			}
		}
	}
	if b, err := fs.ReadFile("/etc/group"); err == nil {
		h.GroupRead = true
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Split(line, ":"); len(f) >= 3 && f[0] != "" && !strings.HasPrefix(f[0], "#") {
				h.Groups[f[0]] = true
			}
		}
	}
	if b, err := fs.ReadFile("/etc/hosts"); err == nil {
		h.HostsRead = true
		for _, line := range strings.Split(string(b), "\n") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			addr, err := netip.ParseAddr(f[0])
			if err != nil {
				continue
			}
			for _, name := range f[1:] {
				name = strings.ToLower(name)
				h.Hosts[name] = append(h.Hosts[name], addr)
			}
		}
	}
	return h
}
