package rules

import (
	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
)

// hostIsTarget reports whether fcgilint was told that the file system it
// reads is the one nginx starts on (`--root DIR`, including `--root /`).
// Checks that depend on that machine — its users, groups, host names and
// files — are errors then, as nginx refuses to start; without a root, the
// configuration may well be meant for another machine, and they are
// warnings.
func hostIsTarget(p *lint.Pass) bool { return p.FS != nil && p.FS.Root != "" }

// hostSeverity is the severity of a finding that depends on the target
// machine.
func hostSeverity(p *lint.Pass) diag.Severity {
	if hostIsTarget(p) {
		return diag.Error
	}
	return diag.Warning
}

// hostWhere says, in a message, which machine a host finding is about.
func hostWhere(p *lint.Pass) string {
	if hostIsTarget(p) || p.FS == nil {
		return "on the target machine"
	}
	return "on this machine (pass --root to name the target machine's file system)"
}
