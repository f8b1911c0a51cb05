package nginxconf

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/fcgilint/fcgilint/lint/hostdb"
)

// Resolver answers whether host names resolve, as nginx's getaddrinfo does
// at start: from the machine's hosts file (DB), and, when Live is set (the
// machine fcgilint runs on is the one nginx starts on), from the system's
// resolver. Answers are cached.
type Resolver struct {
	DB *hostdb.DB
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
		if r.DB != nil && len(r.DB.Hosts(key)) > 0 {
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
