package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	"github.com/fcgilint/fcgilint/rules"
)

// A file checked without its main configuration may rely on what the main
// configuration defines — upstreams, zones, log formats, variables — and
// must not be reported for it.
func TestNginxStandaloneNoFalseErrors(t *testing.T) {
	fs := &files.FS{Root: t.TempDir()} // an empty target: no /etc/hosts
	path := filepath.Join("..", "testdata", "nginx-standalone", "site.conf")
	cfg, ds := nginxconf.LoadIn(path, nginxconf.CtxHTTPMain, nginxconf.Options{FS: fs})
	pass := &lint.Pass{FS: fs, Nginx: []*nginxconf.Config{cfg}, NginxVersion: "1.22.1"}
	rules.Run(pass)
	for _, d := range ds {
		pass.Report(d)
	}
	for _, d := range pass.Diagnostics() {
		t.Errorf("%s:%d: unexpected %s: %s: %s", d.Location.File, d.Location.Range.Start.Line, d.Rule, d.Severity, d.Message)
	}
}
