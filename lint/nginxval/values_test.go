package nginxval

import "testing"

func TestTime(t *testing.T) {
	cases := []struct {
		s     string
		isSec bool
		want  int64
		ok    bool
	}{
		{"60", false, 60000, true},
		{"60s", false, 60000, true},
		{"500ms", false, 500, true},
		{"1h 30m", false, 5400000, true},
		{"1h30m", true, 5400, true},
		{"1y", true, 31536000, true},
		{"1y", false, 0, false}, // msec values cannot use years or months
		{"30m 1h", true, 0, false},
		{"10x", true, 0, false},
		{"ms", false, 0, false},
		{"5ms", true, 0, false},
		{"", true, 0, false},
	}
	for _, c := range cases {
		got, ok := Time(c.s, c.isSec)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Time(%q,%v) = %d,%v want %d,%v", c.s, c.isSec, got, ok, c.want, c.ok)
		}
	}
}

func TestSizes(t *testing.T) {
	if v, ok := Size("10m"); !ok || v != 10<<20 {
		t.Error("10m")
	}
	if _, ok := Size("1g"); ok {
		t.Error("size accepts g")
	}
	if v, ok := Offset("1G"); !ok || v != 1<<30 {
		t.Error("1G")
	}
	for _, bad := range []string{"", "k", "-1", "1.5m", " 1"} {
		if _, ok := Size(bad); ok {
			t.Errorf("Size(%q) accepted", bad)
		}
	}
}
