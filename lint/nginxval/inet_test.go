package nginxval

import (
	"net/netip"
	"testing"
)

// The expectations follow nginx 1.22.1's ngx_inet_addr, ngx_inet6_addr,
// ngx_ptocidr and ngx_parse_url (src/core/ngx_inet.c), several checked
// against nginx -t with listen and geo.
func TestInetAddr(t *testing.T) {
	cases := []struct {
		s    string
		want uint32
		ok   bool
	}{
		{"127.0.0.1", 0x7f000001, true},
		{"0.0.0.0", 0, true},
		{"1..2.3", 0x01000203, true}, // an empty octet is 0 for nginx
		{"255.255.255.255", 0, false},
		{"256.0.0.1", 0, false},
		{"1.2.3", 0, false},
		{"1.2.3.4.5", 0, false},
		{"a.b.c.d", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := InetAddr(c.s)
		if ok != c.ok || got != c.want {
			t.Errorf("InetAddr(%q) = %#x,%v want %#x,%v", c.s, got, ok, c.want, c.ok)
		}
	}
}

func TestInet6Addr(t *testing.T) {
	for _, s := range []string{"::", "::1", "fe80::1", "2001:db8::8:800:200c:417a", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8", "1::8"} {
		got, ok := Inet6Addr(s)
		want := netip.MustParseAddr(s).As16()
		if !ok || got != want {
			t.Errorf("Inet6Addr(%q) = %v,%v want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", "1:2:3:4:5:6:7"} {
		if _, ok := Inet6Addr(s); ok {
			t.Errorf("Inet6Addr(%q) accepted", s)
		}
	}
}

func TestPtoCIDR(t *testing.T) {
	cases := []struct {
		s         string
		ok, exact bool
	}{
		{"10.0.0.0/8", true, true},
		{"10.1.0.0/8", true, false},
		{"192.168.1.1", true, true},
		{"10.0.0.0/33", false, false},
		{"::1/128", true, true},
		{"fe80::1/64", true, false},
		{"::/129", false, false},
		{"10.0.0.0/x", false, false},
		{"example.com", false, false},
	}
	for _, c := range cases {
		got, ok := PtoCIDR(c.s)
		if ok != c.ok || (ok && got.Exact != c.exact) {
			t.Errorf("PtoCIDR(%q) = %+v,%v want ok=%v exact=%v", c.s, got, ok, c.ok, c.exact)
		}
	}
}

func TestParseURL(t *testing.T) {
	listen := URLOptions{Listen: true, DefaultPort: 80}
	cases := []struct {
		s    string
		o    URLOptions
		want URL
	}{
		{"80", listen, URL{Port: 80, Wildcard: true, Addr: netip.IPv4Unspecified()}},
		{"8000-8010", listen, URL{Port: 8000, LastPort: 8010, Wildcard: true, Addr: netip.IPv4Unspecified()}},
		{"*:8080", listen, URL{Host: "*", Port: 8080, Wildcard: true, Addr: netip.IPv4Unspecified()}},
		{"127.0.0.1", listen, URL{Host: "127.0.0.1", Port: 80, NoPort: true, Addr: netip.MustParseAddr("127.0.0.1")}},
		{"[::]:443", listen, URL{Host: "[::]", Port: 443, Wildcard: true, Addr: netip.MustParseAddr("::")}},
		{"localhost:8080", listen, URL{Host: "localhost", Port: 8080}},
		{"127.0.0.1:99999", listen, URL{Err: "invalid port"}},
		{"127.0.0.1:8080/x", listen, URL{Err: "invalid host"}},
		{"[::1:80", listen, URL{Err: "invalid host"}},
		{"[zz]:80", listen, URL{Err: "invalid IPv6 address"}},
		{":80", listen, URL{Err: "no host"}},
		{"unix:", URLOptions{}, URL{Unix: true, Err: "no path in the unix domain socket"}},
		{"unix:/run/php.sock", URLOptions{}, URL{Unix: true, Path: "/run/php.sock", Host: "/run/php.sock"}},
		{"127.0.0.1:8080/path?x", URLOptions{URIPart: true}, URL{Host: "127.0.0.1", Port: 8080, Addr: netip.MustParseAddr("127.0.0.1"), URI: "/path?x"}},
		{"php", URLOptions{}, URL{Host: "php", NoPort: true}},
	}
	for _, c := range cases {
		got := ParseURL(c.s, c.o)
		if got.Err != "" || c.want.Err != "" {
			if got.Err != c.want.Err {
				t.Errorf("ParseURL(%q).Err = %q, want %q", c.s, got.Err, c.want.Err)
			}
			continue
		}
		if got != c.want {
			t.Errorf("ParseURL(%q) = %+v\n want %+v", c.s, got, c.want)
		}
	}
}

func TestAtofp(t *testing.T) {
	cases := []struct {
		s    string
		want int64
		ok   bool
	}{
		{"50", 5000, true},
		{"0.5", 50, true},
		{"12.34", 1234, true},
		{"33.333", 0, false}, // more decimals than point
		{"1.2.3", 0, false},
		{"", 0, false},
		{"x", 0, false},
	}
	for _, c := range cases {
		got, ok := Atofp(c.s, 2)
		if ok != c.ok || got != c.want {
			t.Errorf("Atofp(%q, 2) = %d,%v want %d,%v", c.s, got, ok, c.want, c.ok)
		}
	}
}
