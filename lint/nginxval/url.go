package nginxval

import (
	"net/netip"
	"strings"
)

// URLOptions are the ngx_url_t fields a caller of ngx_parse_url sets.
type URLOptions struct {
	Listen      bool // u.listen: a port alone is a port; "*" is the wildcard
	URIPart     bool // u.uri_part: a "/path" may follow the address
	DefaultPort int  // u.default_port
}

// URL is what ngx_parse_url makes of an address.
type URL struct {
	Unix     bool
	Path     string // the socket path, for unix:
	Host     string // as written, brackets included for IPv6
	Port     int
	LastPort int  // the end of a listen port range, 0 without one
	NoPort   bool // no port was written: Port is the default
	Wildcard bool
	// Addr is set when the host is a literal address; a name that needs
	// resolving leaves it invalid.
	Addr netip.Addr
	URI  string
	// Err is nginx's u->err ("invalid port", "no host", …), "" when the
	// address parsed.
	Err string
}

// NeedsResolve reports whether nginx resolves the host name at start.
func (u *URL) NeedsResolve() bool { return u.Err == "" && !u.Unix && !u.Addr.IsValid() && !u.Wildcard }

// unixPathMax is sizeof(sockaddr_un.sun_path) on Linux.
const unixPathMax = 108

// ParseURL is ngx_parse_url (src/core/ngx_inet.c) without the resolution
// of host names.
func ParseURL(s string, o URLOptions) URL {
	if len(s) >= 5 && strings.EqualFold(s[:5], "unix:") {
		return parseUnixURL(s, o)
	}
	if len(s) > 0 && s[0] == '[' {
		return parseInet6URL(s, o)
	}
	return parseInetURL(s, o)
}

func parseUnixURL(s string, o URLOptions) URL {
	u := URL{Unix: true}
	path := s[5:]
	if o.URIPart {
		if i := strings.IndexByte(path, ':'); i >= 0 {
			u.URI = path[i+1:]
			path = path[:i]
		}
	}
	if path == "" {
		u.Err = "no path in the unix domain socket"
		return u
	}
	if len(path)+1 > unixPathMax {
		u.Err = "too long path in the unix domain socket"
		return u
	}
	u.Path, u.Host = path, path
	return u
}

// parsePort reads "N" or, for listen, "N-M".
func parsePort(port string, o URLOptions, u *URL) bool {
	if o.Listen {
		if i := strings.IndexByte(port, '-'); i >= 0 {
			n, ok := Atoi(port[i+1:])
			if !ok || n < 1 || n > 65535 {
				u.Err = "invalid port"
				return false
			}
			u.LastPort = int(n)
			port = port[:i]
		}
	}
	n, ok := Atoi(port)
	if !ok || n < 1 || n > 65535 {
		u.Err = "invalid port"
		return false
	}
	if u.LastPort != 0 && int(n) > u.LastPort {
		u.Err = "invalid port range"
		return false
	}
	u.Port = int(n)
	return true
}

func parseInetURL(s string, o URLOptions) URL {
	var u URL
	host, last := s, len(s)
	port := strings.IndexByte(s, ':')
	uri := strings.IndexByte(s, '/')
	if args := strings.IndexByte(s, '?'); args >= 0 && (uri < 0 || args < uri) {
		uri = args
	}
	if uri >= 0 {
		if o.Listen || !o.URIPart {
			u.Err = "invalid host"
			return u
		}
		u.URI = s[uri:]
		last = uri
		if uri < port {
			port = -1
		}
	}
	if port >= 0 {
		if !parsePort(s[port+1:last], o, &u) {
			return u
		}
		last = port
	} else {
		if uri < 0 && o.Listen {
			// A value that is a port (or a port range) alone.
			text, bad := host[:last], false
			if i := strings.IndexByte(text, '-'); i >= 0 {
				n, ok := Atoi(text[i+1 : last])
				if ok {
					if n < 1 || n > 65535 {
						bad = true
					} else {
						u.LastPort = int(n)
					}
					text = text[:i]
				} else {
					text = ""
				}
			}
			if text != "" {
				if n, ok := Atoi(text); ok {
					switch {
					case bad || n < 1 || n > 65535:
						u.Err = "invalid port"
					case u.LastPort != 0 && int(n) > u.LastPort:
						u.Err = "invalid port range"
					default:
						u.Port = int(n)
						u.Wildcard = true
						u.Addr = netip.IPv4Unspecified()
					}
					return u
				}
			}
		}
		u.NoPort = true
		u.Port = o.DefaultPort
		u.LastPort = 0
	}
	h := host[:last]
	if h == "" {
		u.Err = "no host"
		return u
	}
	u.Host = h
	if o.Listen && h == "*" {
		u.Wildcard = true
		u.Addr = netip.IPv4Unspecified()
		return u
	}
	if a, ok := InetAddr(h); ok {
		u.Addr = netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		u.Wildcard = a == 0
	}
	return u
}

func parseInet6URL(s string, o URLOptions) URL {
	var u URL
	end := strings.IndexByte(s, ']')
	if end < 0 {
		u.Err = "invalid host"
		return u
	}
	rest, last := s[end+1:], len(s)
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		if o.Listen || !o.URIPart {
			u.Err = "invalid host"
			return u
		}
		u.URI = rest[i:]
		last = end + 1 + i
		rest = rest[:i]
	}
	_ = last
	if rest != "" {
		if rest[0] != ':' {
			u.Err = "invalid host"
			return u
		}
		if !parsePort(rest[1:], o, &u) {
			return u
		}
	} else {
		u.NoPort = true
		u.Port = o.DefaultPort
	}
	h := s[1:end]
	if h == "" {
		u.Err = "no host"
		return u
	}
	u.Host = s[:end+1]
	a, ok := Inet6Addr(h)
	if !ok {
		u.Err = "invalid IPv6 address"
		return u
	}
	u.Addr = netip.AddrFrom16(a)
	u.Wildcard = u.Addr.IsUnspecified()
	return u
}
