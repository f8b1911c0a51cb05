// Package nginxval parses directive values exactly as nginx's ngx_parse_size,
// ngx_parse_offset, ngx_parse_time and ngx_atoi do (src/core/ngx_parse.c,
// ngx_string.c), so that fcgilint rejects the values nginx rejects.
package nginxval

import (
	"math"
	"strings"
)

const maxInt = math.MaxInt64

// Atoi is ngx_atoi: one or more decimal digits, nothing else, no overflow.
func Atoi(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if v > (maxInt-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// Size is ngx_parse_size: digits with an optional k/K or m/M suffix.
func Size(s string) (int64, bool) {
	return scaled(s, map[byte]int64{'k': 1 << 10, 'K': 1 << 10, 'm': 1 << 20, 'M': 1 << 20})
}

// Offset is ngx_parse_offset: like Size, plus g/G.
func Offset(s string) (int64, bool) {
	return scaled(s, map[byte]int64{'k': 1 << 10, 'K': 1 << 10, 'm': 1 << 20, 'M': 1 << 20, 'g': 1 << 30, 'G': 1 << 30})
}

func scaled(s string, units map[byte]int64) (int64, bool) {
	if s == "" {
		return 0, false
	}
	scale := int64(1)
	if u, ok := units[s[len(s)-1]]; ok {
		scale = u
		s = s[:len(s)-1]
	}
	v, ok := Atoi(s)
	if !ok || v > maxInt/scale {
		return 0, false
	}
	return v * scale, true
}

// Time is ngx_parse_time: a sequence of numbers with units y M w d h m s
// (and ms unless isSec), in decreasing order, optionally separated by
// spaces; a number without a unit is seconds. It returns milliseconds when
// !isSec and seconds otherwise.
func Time(s string, isSec bool) (int64, bool) {
	const (
		stStart = iota
		stYear
		stMonth
		stWeek
		stDay
		stHour
		stMin
		stSec
		stMsec
		stLast
	)
	step := stStart
	if !isSec {
		step = stMonth
	}
	var value, total int64
	valid := false
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			d := int64(c - '0')
			if value > (maxInt-d)/10 {
				return 0, false
			}
			value = value*10 + d
			valid = true
			i++
			continue
		}
		i++
		var max, scale int64
		switch c {
		case 'y':
			if step > stStart {
				return 0, false
			}
			step, max, scale = stYear, maxInt/(60*60*24*365), 60*60*24*365
		case 'M':
			if step >= stMonth {
				return 0, false
			}
			step, max, scale = stMonth, maxInt/(60*60*24*30), 60*60*24*30
		case 'w':
			if step >= stWeek {
				return 0, false
			}
			step, max, scale = stWeek, maxInt/(60*60*24*7), 60*60*24*7
		case 'd':
			if step >= stDay {
				return 0, false
			}
			step, max, scale = stDay, maxInt/(60*60*24), 60*60*24
		case 'h':
			if step >= stHour {
				return 0, false
			}
			step, max, scale = stHour, maxInt/(60*60), 60*60
		case 'm':
			if i < len(s) && s[i] == 's' {
				if isSec || step >= stMsec {
					return 0, false
				}
				i++
				step, max, scale = stMsec, maxInt, 1
				break
			}
			if step >= stMin {
				return 0, false
			}
			step, max, scale = stMin, maxInt/60, 60
		case 's':
			if step >= stSec {
				return 0, false
			}
			step, max, scale = stSec, maxInt, 1
		case ' ':
			if step >= stSec {
				return 0, false
			}
			step, max, scale = stLast, maxInt, 1
		default:
			return 0, false
		}
		if step != stMsec && !isSec {
			scale *= 1000
			max /= 1000
		}
		if value > max {
			return 0, false
		}
		value *= scale
		if total > maxInt-value {
			return 0, false
		}
		total += value
		value = 0
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	if !valid {
		return 0, false
	}
	if !isSec {
		if value > maxInt/1000 {
			return 0, false
		}
		value *= 1000
	}
	if total > maxInt-value {
		return 0, false
	}
	return total + value, true
}

// Flag is ngx_conf_set_flag_slot's test: "on" or "off", any case.
func Flag(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	return false, false
}

// Bufs is ngx_conf_set_bufs_slot: a positive number and a size.
func Bufs(num, size string) bool {
	n, ok := Atoi(num)
	if !ok || n == 0 {
		return false
	}
	s, ok := Size(size)
	return ok && s > 0
}

// Atofp is ngx_atofp: a decimal number with at most one dot and at most
// point decimals, scaled by 10^point.
func Atofp(s string, point int) (int64, bool) {
	if s == "" {
		return 0, false
	}
	const cutoff, cutlim = maxInt / 10, maxInt % 10
	var value int64
	dot := 0
	for i := 0; i < len(s); i++ {
		if point == 0 {
			return 0, false
		}
		c := s[i]
		if c == '.' {
			if dot == 1 {
				return 0, false
			}
			dot = 1
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if value >= cutoff && (value > cutoff || d > cutlim) {
			return 0, false
		}
		value = value*10 + d
		point -= dot
	}
	for ; point > 0; point-- {
		if value > cutoff {
			return 0, false
		}
		value *= 10
	}
	return value, true
}

// Hextoi is ngx_hextoi: hexadecimal digits, nothing else.
func Hextoi(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			d = int64(c|0x20-'a') + 10
		default:
			return 0, false
		}
		if v > (maxInt-d)/16 {
			return 0, false
		}
		v = v*16 + d
	}
	return v, true
}
