package diag

import (
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// LineIndex maps byte offsets of one file to positions and back.
type LineIndex struct {
	src    []byte
	starts []int // byte offset of the first byte of each line
	// ascii files (nearly all configurations) need no counting to convert
	// byte columns to characters or UTF-16 units.
	ascii bool
}

// NewLineIndex indexes src. It keeps a reference to src, not a copy.
func NewLineIndex(src []byte) *LineIndex {
	starts := make([]int, 1, 1+len(src)/32)
	ascii := true
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return &LineIndex{src: src, starts: starts, ascii: ascii}
}

// Pos returns the position of byte offset off (clamped to the file).
func (x *LineIndex) Pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(x.src) {
		off = len(x.src)
	}
	line := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	return Pos{Offset: off, Line: line + 1, Column: off - x.starts[line] + 1}
}

// Range returns the range of bytes [start, end).
func (x *LineIndex) Range(start, end int) Range { return Range{Start: x.Pos(start), End: x.Pos(end)} }

// Lines is the number of lines.
func (x *LineIndex) Lines() int { return len(x.starts) }

// Line returns the text of 1-based line n without its line ending.
func (x *LineIndex) Line(n int) []byte {
	if n < 1 || n > len(x.starts) {
		return nil
	}
	start := x.starts[n-1]
	end := len(x.src)
	if n < len(x.starts) {
		end = x.starts[n] - 1
	}
	if end > start && x.src[end-1] == '\r' {
		end--
	}
	return x.src[start:end]
}

// UTF16Column converts a 1-based byte column on line n to a 0-based count of
// UTF-16 code units, as LSP and SARIF's utf16CodeUnits want.
func (x *LineIndex) UTF16Column(line, byteCol int) int {
	if x.ascii {
		return len(x.lineUpTo(line, byteCol))
	}
	return utf16Units(x.lineUpTo(line, byteCol))
}

// RuneColumn converts a 1-based byte column to a 1-based rune column.
func (x *LineIndex) RuneColumn(line, byteCol int) int {
	if x.ascii {
		return len(x.lineUpTo(line, byteCol)) + 1
	}
	return utf8.RuneCount(x.lineUpTo(line, byteCol)) + 1
}

// OffsetOfUTF16 converts an LSP position (0-based line, UTF-16 character) to
// a byte offset, clamping past-the-end characters to the line end.
func (x *LineIndex) OffsetOfUTF16(line0, char int) int {
	if line0 < 0 {
		return 0
	}
	if line0 >= len(x.starts) {
		return len(x.src)
	}
	start := x.starts[line0]
	text := x.Line(line0 + 1)
	units := 0
	for i, r := range string(text) {
		if units >= char {
			return start + i
		}
		units += len(utf16.Encode([]rune{r}))
	}
	return start + len(text)
}

func (x *LineIndex) lineUpTo(line, byteCol int) []byte {
	text := x.Line(line)
	n := byteCol - 1
	if n < 0 {
		n = 0
	}
	if n > len(text) {
		n = len(text)
	}
	return text[:n]
}

func utf16Units(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
