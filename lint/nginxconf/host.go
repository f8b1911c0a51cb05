package nginxconf

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

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

// Resolver answers whether host names resolve, as nginx's getaddrinfo does
// at start: from the hosts file under the root, and, when Live is set (the
// machine fcgilint runs on is the one nginx starts on), from the system's
// resolver. Answers are cached.
type Resolver struct {
	Host *Host
	// Live allows DNS queries through this machine's resolver.
	Live bool
	// Timeout bounds one live lookup; 0 means 5 seconds.
	Timeout time.Duration

	mu    sync.Mutex
	cache map[string]Resolution
}

// Resolution is the answer for one name.
type Resolution int

const (
	// Resolved: the name has an address.
	Resolved Resolution = iota
	// NotFound: the name has none (from a live query).
	NotFound
	// Unresolved: the hosts file does not have it and no live query was made.
	Unresolved
)

// Resolve answers for every name, querying the names it must in parallel.
func (r *Resolver) Resolve(names []string) map[string]Resolution {
	out := map[string]Resolution{}
	var todo []string
	r.mu.Lock()
	if r.cache == nil {
		r.cache = map[string]Resolution{}
	}
	for _, n := range names {
		key := strings.ToLower(n)
		if res, ok := r.cache[key]; ok {
			out[n] = res
			continue
		}
		if _, err := netip.ParseAddr(key); err == nil {
			out[n] = Resolved
			continue
		}
		if r.Host != nil && len(r.Host.Hosts[key]) > 0 {
			out[n] = Resolved
			continue
		}
		if !r.Live {
			out[n] = Unresolved
			continue
		}
		todo = append(todo, n)
	}
	r.mu.Unlock()
	if len(todo) == 0 {
		return out
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	sem := make(chan struct{}, 32)
	for _, n := range todo {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			res := Resolved
			if addrs, err := net.DefaultResolver.LookupHost(ctx, n); err != nil || len(addrs) == 0 {
				res = NotFound
			}
			mu.Lock()
			out[n] = res
			mu.Unlock()
		}(n)
	}
	wg.Wait()
	r.mu.Lock()
	for n, res := range out {
		r.cache[strings.ToLower(n)] = res
	}
	r.mu.Unlock()
	return out
}
