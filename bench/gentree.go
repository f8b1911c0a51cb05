//go:build ignore

// gentree writes a Debian-style tree of N nginx sites and M php-fpm pools:
//
//	go run bench/gentree.go -sites 2000 -pools 50 -out /tmp/tree
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fcgilint/fcgilint/internal/gentree"
)

func main() {
	sites := flag.Int("sites", 2000, "number of nginx sites")
	pools := flag.Int("pools", 50, "number of php-fpm pools")
	out := flag.String("out", "", "root directory to write (etc/nginx, etc/php/8.2/fpm, etc/passwd…)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gentree: -out is required")
		os.Exit(2)
	}
	if err := gentree.Generate(gentree.Tree{Root: *out, Sites: *sites, Pools: *pools}); err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
}
