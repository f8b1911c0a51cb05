package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/fcgilint/fcgilint/lsp"
)

// runLSP serves the language server protocol on standard input and output.
func runLSP(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	logTo := stderr
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--stdio" || a == "-stdio":
			// VS Code's client appends it; stdio is the only transport.
		case a == "--log" || a == "-log":
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, "fcgilint lsp: --log needs a file")
				return exitUsage
			}
			i++
			f, err := os.OpenFile(args[i], os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
			if err != nil {
				fmt.Fprintf(stderr, "fcgilint lsp: %v\n", err)
				return exitUsage
			}
			defer f.Close()
			logTo = f
		case strings.HasPrefix(a, "--clientProcessId") || strings.HasPrefix(a, "--node-ipc") || strings.HasPrefix(a, "--socket"):
			// Other transports VS Code may offer; only stdio is served.
		default:
			fmt.Fprintf(stderr, "fcgilint lsp: unknown argument %q\nUsage: fcgilint lsp [--stdio] [--log FILE]\n", a)
			return exitUsage
		}
	}
	// Only protocol may reach standard output: anything else printing to
	// os.Stdout or through the standard logger goes to standard error.
	if stdout == os.Stdout {
		os.Stdout = os.Stderr
	}
	log.SetOutput(stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	server := lsp.NewServer(lsp.Options{Log: logTo, Version: strings.Fields(versionString())[1]})
	return server.Serve(ctx, stdioStream{in: stdin, out: stdout})
}

// stdioStream joins standard input and output into one connection.
type stdioStream struct {
	in  io.Reader
	out io.Writer
}

func (s stdioStream) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s stdioStream) Write(p []byte) (int, error) { return s.out.Write(p) }
func (s stdioStream) Close() error {
	if c, ok := s.in.(io.Closer); ok {
		c.Close()
	}
	return nil
}
