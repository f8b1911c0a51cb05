package fpm

import (
	"fmt"
	"os"
	"testing"
)

func TestDumpScratch(t *testing.T) {
	p := os.Getenv("FPM_DUMP")
	if p == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(p)
	f := Parse(p, src, Options{LookupEnv: os.LookupEnv})
	for _, s := range f.Statements {
		fmt.Println(s)
	}
	for _, e := range f.Errors {
		fmt.Println("ERR", e.Line, e.Message, f.Text(e.Span))
	}
}
