package fastcgi

import (
	"net/netip"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/fpm"
)

// Endpoint is one pool's listening socket.
type Endpoint struct {
	Config *fpm.Config
	Pool   *fpm.Pool
	// Path is the socket path with symbolic links of its directories
	// resolved under the root (/var/run is /run).
	Path string
}

// Listeners indexes every pool of the php-fpm sets of a pass by socket path
// and by port, so a fastcgi_pass is matched without scanning every pool.
type Listeners struct {
	FS   *files.FS
	All  []*Endpoint
	unix map[string][]*Endpoint
	port map[int][]*Endpoint
	// debianAlias is the socket Debian's php-fpm-socket-helper links
	// /run/php/php-fpm.sock to: the www.conf pool of the newest PHP.
	debianAlias *Endpoint
	// canonical caches Canonical: thousands of sites pass to a handful of
	// sockets, and each resolution reads links on the file system.
	canonical sync.Map
}

type listenersKey struct{}

// ListenersOf returns the listeners of p's php-fpm sets, built once.
func ListenersOf(p *lint.Pass) *Listeners {
	return p.HostMemo(listenersKey{}, func() any { return IndexPools(p.FS, p.FPM) }).(*Listeners)
}

// debianPoolFile is where Debian's unit takes the socket of the
// /run/php/php-fpm.sock alternative from (ExecStartPost of
// php<V>-fpm.service); the alternative's priority is the version.
var debianPoolFile = regexp.MustCompile(`^/etc/php/(\d+)\.(\d+)/fpm/pool\.d/www\.conf$`)

// IndexPools indexes the pools of cfgs.
func IndexPools(fs *files.FS, cfgs []*fpm.Config) *Listeners {
	l := &Listeners{FS: fs, unix: map[string][]*Endpoint{}, port: map[int][]*Endpoint{}}
	bestAlias := -1
	for _, cfg := range cfgs {
		if cfg == nil {
			continue
		}
		for _, p := range cfg.Pools {
			e := &Endpoint{Config: cfg, Pool: p}
			switch p.Listen.Kind {
			case fpm.ListenUnix:
				e.Path = CanonicalPath(fs, p.Listen.Path)
				l.unix[e.Path] = append(l.unix[e.Path], e)
				if m := debianPoolFile.FindStringSubmatch(p.Listen.Location.File); m != nil {
					prio := atoi(m[1])*100 + atoi(m[2])
					if prio > bestAlias {
						bestAlias, l.debianAlias = prio, e
					}
				}
			case fpm.ListenTCP:
				if p.Listen.Port > 0 {
					l.port[p.Listen.Port] = append(l.port[p.Listen.Port], e)
				}
			default:
				continue
			}
			l.All = append(l.All, e)
		}
	}
	return l
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Empty reports whether no pool is known: then nothing can be said about
// where nginx's requests go.
func (l *Listeners) Empty() bool { return len(l.All) == 0 }

// Unix returns the pools listening on the socket path nginx connects to.
// alias is set when the path is Debian's /run/php/php-fpm.sock, which the
// php-fpm unit links to the default pool's socket at start.
func (l *Listeners) Unix(p string) (eps []*Endpoint, alias bool) {
	c := l.Canonical(p)
	if eps := l.unix[c]; len(eps) > 0 {
		return eps, false
	}
	if c == "/run/php/php-fpm.sock" && l.debianAlias != nil {
		return []*Endpoint{l.debianAlias}, true
	}
	return nil, false
}

// Port returns the TCP pools on port.
func (l *Listeners) Port(port int) []*Endpoint { return l.port[port] }

// Accepts reports whether e's socket takes a connection to addr:port, by
// address family and address: a port alone and [::] listen on both
// families, 0.0.0.0 on IPv4 only, any other address on itself only.
// known is false when the pool's address depends on DNS.
func (e *Endpoint) Accepts(addr netip.Addr, port int) (accepts, known bool) {
	ls := e.Pool.Listen
	if ls.Kind != fpm.ListenTCP || ls.Port != port {
		return false, true
	}
	if len(ls.Addresses) == 0 {
		return false, false
	}
	bound, err := netip.ParseAddr(ls.Addresses[0])
	if err != nil {
		return false, false
	}
	addr = addr.Unmap()
	// connect() to an unspecified address reaches the loopback.
	if addr.IsUnspecified() {
		if addr.Is4() {
			addr = netip.MustParseAddr("127.0.0.1")
		} else {
			addr = netip.IPv6Loopback()
		}
	}
	bound = bound.Unmap()
	switch {
	case bound.IsUnspecified() && bound.Is6():
		return true, true
	case bound.IsUnspecified():
		return addr.Is4(), true
	}
	return bound == addr, true
}

// LoopbackOnly reports whether e listens on a loopback address only, so
// that other hosts and containers are refused.
func (e *Endpoint) LoopbackOnly() bool {
	ls := e.Pool.Listen
	if len(ls.Addresses) == 0 {
		return false
	}
	a, err := netip.ParseAddr(ls.Addresses[0])
	return err == nil && a.IsLoopback()
}

// Canonical is CanonicalPath under the listeners' root, remembered.
func (l *Listeners) Canonical(p string) string {
	if c, ok := l.canonical.Load(p); ok {
		return c.(string)
	}
	c := CanonicalPath(l.FS, p)
	l.canonical.Store(p, c)
	return c
}

// CanonicalPath is the socket path the kernel reaches for p: cleaned, with
// symbolic links of its directories resolved under the root. /var/run is
// taken as /run when the root does not say, as on every current Linux.
func CanonicalPath(fs *files.FS, p string) string {
	if !strings.HasPrefix(p, "/") {
		return p
	}
	p = path.Clean(p)
	for hops := 0; hops < 40; hops++ {
		changed := false
		dir := path.Dir(p)
		parts := strings.Split(strings.TrimPrefix(dir, "/"), "/")
		cur := ""
		for i, part := range parts {
			if part == "" {
				continue
			}
			cur += "/" + part
			target, ok := readLink(fs, cur)
			if !ok {
				continue
			}
			rest := strings.Join(parts[i+1:], "/")
			if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(cur), target)
			}
			p = path.Clean(path.Join(target, rest, path.Base(p)))
			changed = true
			break
		}
		if !changed {
			break
		}
	}
	if strings.HasPrefix(p, "/var/run/") && !exists(fs, "/var/run") {
		p = "/run/" + strings.TrimPrefix(p, "/var/run/")
	}
	return p
}

func readLink(fs *files.FS, p string) (string, bool) {
	if fs == nil {
		fs = &files.FS{}
	}
	st, err := os.Lstat(fs.Real(p))
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		return "", false
	}
	t, err := os.Readlink(fs.Real(p))
	if err != nil {
		return "", false
	}
	if fs.Root != "" && fs.Root != "/" && strings.HasPrefix(t, fs.Root) {
		// a link made absolute in the copy
		t = "/" + strings.TrimPrefix(strings.TrimPrefix(t, fs.Root), "/")
	}
	return t, true
}

func exists(fs *files.FS, p string) bool {
	if fs == nil {
		fs = &files.FS{}
	}
	_, err := os.Lstat(fs.Real(p))
	return err == nil
}
