package rules

import (
	"fmt"
	"strings"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/diag"
	"github.com/fcgilint/fcgilint/lint/fastcgi"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
)

// FastCGIScriptFilename follows ngx_http_fastcgi_merge_loc_conf: a level
// (location, server, http) inherits the fastcgi_param list of the level
// around it only when it sets none itself. php-fpm finds the script to run
// through SCRIPT_FILENAME (or, failing that, PATH_TRANSLATED); without
// either it answers 404 "File not found." and logs "Primary script unknown".
var FastCGIScriptFilename = Register(&Rule{
	ID:       "fastcgi-script-filename",
	Title:    "No SCRIPT_FILENAME reaches php-fpm",
	Doc:      "A location passes requests to php-fpm, but no `fastcgi_param SCRIPT_FILENAME` applies to it, so php-fpm cannot tell which script to run: every request gets 404 \"File not found.\" (\"Primary script unknown\" in nginx's error log), or an empty page when the other parameters are gone too. Two mistakes lead here: including nginx's stock `fastcgi_params`, which has no SCRIPT_FILENAME (`fastcgi.conf` has it), and setting one `fastcgi_param` in a location, which stops the location from inheriting any of the parameters set around it.",
	Severity: diag.Error,
	Tags:     []string{"nginx", "php-fpm", "fastcgi"},
	Source:   "rule",
	Run: func(p *lint.Pass) {
		// Only requests that reach a php-fpm pool are judged: another
		// FastCGI application may not need SCRIPT_FILENAME, and without
		// the php-fpm side nothing is known of where requests go.
		for t := range reachedPools(p) {
			checkScriptFilename(p, t)
		}
	},
})

// scriptParams are the parameters php-fpm finds the script by
// (fpm_main.c init_request_info).
var scriptParams = map[string]bool{"SCRIPT_FILENAME": true, "PATH_TRANSLATED": true}

func checkScriptFilename(p *lint.Pass, t *fastcgi.Target) {
	// The first level, from the fastcgi_pass outwards, that sets any
	// fastcgi_param decides the whole list.
	var setter *nginxconf.Node
	var params []*nginxconf.Node
	for blk := t.Pass.Enclosing(); blk != nil && params == nil; blk = blk.Enclosing() {
		for _, n := range blk.Block() {
			if n.Name() == "fastcgi_param" && len(n.Dir.Args) >= 2 {
				params = append(params, n)
			}
		}
		setter = blk
	}
	for _, n := range params {
		if scriptParams[n.Args()[0]] {
			return
		}
	}
	fix := scriptFilenameFix(t.Pass)
	if params == nil {
		if t.Config.Standalone {
			// The main configuration this file belongs to may set it.
			return
		}
		p.Report(diag.Diagnostic{
			Rule: "fastcgi-script-filename", Severity: diag.Error, Location: t.Pass.Location(),
			Message: "no fastcgi_param SCRIPT_FILENAME applies to this fastcgi_pass: php-fpm cannot find the script and answers 404 \"File not found.\" (\"Primary script unknown\"). Include fastcgi.conf rather than fastcgi_params (which has no SCRIPT_FILENAME), or add fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;",
			Fixes:   []diag.Fix{fix},
		})
		return
	}
	d := diag.Diagnostic{
		Rule: "fastcgi-script-filename", Severity: diag.Error, Location: t.Pass.Location(),
		Related: []diag.Related{{Location: params[0].Location(), Message: "this fastcgi_param is set at this level, so none of the outer levels' parameters are inherited"}},
		Fixes:   []diag.Fix{fix},
	}
	if outer := outerScriptParam(setter); outer != nil {
		d.Message = fmt.Sprintf("the SCRIPT_FILENAME set at line %d does not reach this fastcgi_pass: nginx inherits fastcgi_param only into a level that sets none, and this %s sets its own, so php-fpm gets no SCRIPT_FILENAME and answers 404 \"File not found.\" (or an empty page, without REQUEST_METHOD). Include fastcgi.conf here too, or add fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;", outer.Location().Range.Start.Line, blockNoun(setter))
		d.Related = append(d.Related, diag.Related{Location: outer.Location(), Message: "set here, but not inherited"})
	} else {
		d.Message = fmt.Sprintf("the fastcgi_param list of this %s has no SCRIPT_FILENAME: php-fpm cannot find the script and answers 404 \"File not found.\" (\"Primary script unknown\"). Include fastcgi.conf rather than fastcgi_params, or add fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;", blockNoun(setter))
	}
	p.Report(d)
}

// outerScriptParam finds a SCRIPT_FILENAME set further out than blk, which
// blk's own parameters keep from being inherited.
func outerScriptParam(blk *nginxconf.Node) *nginxconf.Node {
	for b := blk.Enclosing(); b != nil; b = b.Enclosing() {
		for _, n := range b.Block() {
			if n.Name() == "fastcgi_param" && len(n.Dir.Args) >= 2 && scriptParams[n.Args()[0]] {
				return n
			}
		}
	}
	return nil
}

func blockNoun(blk *nginxconf.Node) string {
	if blk.Dir == nil {
		return "file"
	}
	return blk.Name() + " block"
}

// scriptFilenameFix adds the parameter on a line of its own just before
// the fastcgi_pass, indented as it is.
func scriptFilenameFix(pass *nginxconf.Node) diag.Fix {
	loc := pass.Location()
	at := diag.Location{File: loc.File, Range: diag.Range{Start: loc.Range.Start, End: loc.Range.Start}}
	line := string(pass.File.Lines().Line(loc.Range.Start.Line))
	indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	return diag.Fix{
		Title: "Add fastcgi_param SCRIPT_FILENAME",
		Edits: []diag.TextEdit{{Location: at, NewText: "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n" + indent}},
	}
}

// reachedPools lists, for each fastcgi_pass, the running pools it reaches.
func reachedPools(p *lint.Pass) map[*fastcgi.Target][]*fastcgi.Endpoint {
	out := map[*fastcgi.Target][]*fastcgi.Endpoint{}
	for _, v := range fastcgiVisits(p) {
		for _, a := range v.reach.Attempts {
			if a.Outcome == fastcgi.Reached {
				out[v.target] = append(out[v.target], a.Endpoints...)
			}
		}
	}
	return out
}
