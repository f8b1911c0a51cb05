package nginxval

// InetAddr is ngx_inet_addr (src/core/ngx_inet.c): a dotted quad of
// decimal octets up to 255, exactly three dots; an empty octet counts as 0,
// as nginx's loop has it. The address is in host order.
func InetAddr(s string) (uint32, bool) {
	var addr, octet uint32
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			octet = octet*10 + uint32(c-'0')
			if octet > 255 {
				return 0, false
			}
		case c == '.':
			addr = addr<<8 + octet
			octet = 0
			n++
		default:
			return 0, false
		}
	}
	if n != 3 {
		return 0, false
	}
	addr = addr<<8 + octet
	if addr == 0xffffffff {
		return 0, false // INADDR_NONE: nginx cannot tell it from an error
	}
	return addr, true
}

// Inet6Addr is ngx_inet6_addr: an IPv6 address with at most one "::" and
// an optional trailing dotted quad.
func Inet6Addr(s string) ([16]byte, bool) {
	var out [16]byte
	if len(s) == 0 {
		return out, false
	}
	addr := 0
	zero := -1
	digit := -1
	nibbles, word, n := 0, 0, 8
	p := 0
	if s[0] == ':' {
		p++
	}
	for ; p < len(s); p++ {
		c := s[p]
		if c == ':' {
			if nibbles > 0 {
				digit = p + 1
				out[addr] = byte(word >> 8)
				out[addr+1] = byte(word)
				addr += 2
				n--
				if n > 0 {
					nibbles, word = 0, 0
					continue
				}
			} else if zero < 0 {
				digit = p + 1
				zero = addr
				continue
			}
			return out, false
		}
		if c == '.' && nibbles > 0 {
			if n < 2 || digit < 0 {
				return out, false
			}
			w, ok := InetAddr(s[digit:])
			if !ok {
				return out, false
			}
			out[addr] = byte(w >> 24)
			out[addr+1] = byte(w >> 16)
			addr += 2
			n--
			word = int(w & 0xffff)
			nibbles = 1 // the low half is written below
			break
		}
		nibbles++
		if nibbles > 4 {
			return out, false
		}
		switch {
		case c >= '0' && c <= '9':
			word = word*16 + int(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			word = word*16 + int(c|0x20-'a') + 10
		default:
			return out, false
		}
	}
	if nibbles == 0 && zero < 0 {
		return out, false
	}
	out[addr] = byte(word >> 8)
	out[addr+1] = byte(word)
	addr += 2
	n--
	if n > 0 {
		if zero < 0 {
			return out, false
		}
		// Move what follows "::" to the end.
		shift := n * 2
		copy(out[zero+shift:], out[zero:addr])
		for i := zero; i < zero+shift; i++ {
			out[i] = 0
		}
		return out, true
	}
	return out, zero < 0
}

// CIDR is the result of PtoCIDR.
type CIDR struct {
	V6 bool
	// Exact is false when address bits below the mask were set (nginx
	// warns "low address bits … are meaningless" and clears them).
	Exact bool
}

// PtoCIDR is ngx_ptocidr: an IPv4 or IPv6 address with an optional
// "/bits" mask.
func PtoCIDR(s string) (CIDR, bool) {
	addrPart, mask, hasMask := s, "", false
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			addrPart, mask, hasMask = s[:i], s[i+1:], true
			break
		}
	}
	var c CIDR
	v4, ok4 := InetAddr(addrPart)
	var v6 [16]byte
	if !ok4 {
		var ok6 bool
		if v6, ok6 = Inet6Addr(addrPart); !ok6 {
			return c, false
		}
		c.V6 = true
	}
	c.Exact = true
	if !hasMask {
		return c, true
	}
	shift, ok := Atoi(mask)
	if !ok {
		return c, false
	}
	if c.V6 {
		if shift > 128 {
			return c, false
		}
		for i := 0; i < 16; i++ {
			s := min(shift, 8)
			shift -= s
			m := byte(0xff << (8 - s))
			if v6[i]&^m != 0 {
				c.Exact = false
			}
		}
		return c, true
	}
	if shift > 32 {
		return c, false
	}
	var m uint32
	if shift > 0 {
		m = 0xffffffff << (32 - shift)
	}
	c.Exact = v4&^m == 0
	return c, true
}
