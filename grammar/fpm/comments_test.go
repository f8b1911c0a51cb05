package fpm

import (
	"reflect"
	"testing"
)

// TestComments: the ';' comments are those the scanner sees: whole-line and
// trailing ones, not a ';' inside double or single quotes.
func TestComments(t *testing.T) {
	src := "; first\n[www]\nlisten = 9000 ; trailing\r\nuser = \"a;b\"\nphp_value[x] = 'c;d' ;after quotes\n  ;indented\nkey = value\n"
	f := Parse("www.conf", []byte(src), Options{})
	var got []string
	for _, c := range f.Comments {
		if f.Text(c.Span) != c.Text || f.Lines.Pos(c.Span.Start).Line != c.Line {
			t.Errorf("comment %+v: span text %q, line %d", c, f.Text(c.Span), f.Lines.Pos(c.Span.Start).Line)
		}
		got = append(got, c.Text)
	}
	want := []string{"; first", "; trailing", ";after quotes", ";indented"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("comments = %q, want %q", got, want)
	}
}
