package nginxconf

import (
	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// Status of a directive occurrence against the directive database.
type Status uint8

const (
	// Known: the directive exists and is allowed where it stands.
	Known Status = iota
	// Unknown: no module of the targeted nginx defines the name.
	Unknown
	// NotAllowed: modules define the name, but not for this context.
	NotAllowed
	// Unchecked: the occurrence is an entry of a map/types/... body or raw
	// Lua, not a directive.
	Unchecked
)

// ctxSpec is how nginx identifies a context: the module type whose
// directives apply there and the cmd_type bit they must carry.
type ctxSpec struct {
	mtype nginxdb.ModuleType
	bit   nginxdb.Context
}

var ctxSpecs = map[Context]ctxSpec{
	CtxMain:       {nginxdb.Core, nginxdb.ParseContext("MAIN")},
	CtxEvent:      {nginxdb.Event, nginxdb.ParseContext("EVENT")},
	CtxHTTPMain:   {nginxdb.HTTP, nginxdb.ParseContext("HTTP_MAIN")},
	CtxHTTPSrv:    {nginxdb.HTTP, nginxdb.ParseContext("HTTP_SRV")},
	CtxHTTPLoc:    {nginxdb.HTTP, nginxdb.ParseContext("HTTP_LOC")},
	CtxHTTPUps:    {nginxdb.HTTP, nginxdb.ParseContext("HTTP_UPS")},
	CtxHTTPSif:    {nginxdb.HTTP, nginxdb.ParseContext("HTTP_SIF")},
	CtxHTTPLif:    {nginxdb.HTTP, nginxdb.ParseContext("HTTP_LIF")},
	CtxHTTPLmt:    {nginxdb.HTTP, nginxdb.ParseContext("HTTP_LMT")},
	CtxStreamMain: {nginxdb.Stream, nginxdb.ParseContext("STREAM_MAIN")},
	CtxStreamSrv:  {nginxdb.Stream, nginxdb.ParseContext("STREAM_SRV")},
	CtxStreamUps:  {nginxdb.Stream, nginxdb.ParseContext("STREAM_UPS")},
	CtxMailMain:   {nginxdb.Mail, nginxdb.ParseContext("MAIL_MAIN")},
	CtxMailSrv:    {nginxdb.Mail, nginxdb.ParseContext("MAIL_SRV")},
	CtxRTMPMain:   {nginxdb.RTMP, nginxdb.ParseContext("RTMP_MAIN")},
	CtxRTMPSrv:    {nginxdb.RTMP, nginxdb.ParseContext("RTMP_SRV")},
	CtxRTMPApp:    {nginxdb.RTMP, nginxdb.ParseContext("RTMP_APP")},
	CtxRTMPRec:    {nginxdb.RTMP, nginxdb.ParseContext("RTMP_REC")},
}

// anyBit is NGX_ANY_CONF, which include carries: allowed everywhere.
var anyBit = nginxdb.ParseContext("ANY")

// Lookup finds the database entry nginx would use for a directive named name
// standing in ctx, as ngx_conf_handler does: the first entry of a module of
// the context's type (or a conf module) whose cmd_type has the context's bit.
// version, when not empty, hides entries that nginx version lacks.
func Lookup(name string, ctx Context, version string) (*nginxdb.Directive, Status) {
	spec, ok := ctxSpecs[ctx]
	if !ok {
		return nil, Unchecked
	}
	found := false
	for _, d := range nginxdb.Lookup(name) {
		if version != "" && !d.InVersion(version) {
			continue
		}
		found = true
		if d.Type != spec.mtype && d.Type != nginxdb.Conf {
			continue
		}
		if d.Contexts&spec.bit == 0 && d.Contexts&anyBit == 0 {
			continue
		}
		return d, Known
	}
	if found {
		return nil, NotAllowed
	}
	return nil, Unknown
}

// Spec looks n up where it stands. Entries of map-like bodies, raw Lua and
// nameless blocks are Unchecked.
func (n *Node) Spec(version string) (*nginxdb.Directive, Status) {
	if n.shared.version != version {
		return n.lookup(version) // a version the nodes are not prepared for
	}
	if n.specDone {
		return n.specEntry, n.specStatus
	}
	n.specEntry, n.specStatus = n.lookup(version)
	n.specDone = true
	return n.specEntry, n.specStatus
}

// lookup is Spec without the cache: what it answers depends only on the
// node's name, context and declared extra directives.
func (n *Node) lookup(version string) (*nginxdb.Directive, Status) {
	if n.Ctx != CtxEntries && n.Ctx != CtxRaw && n.Dir.Name.Value != "{" {
		if d, st, ok := n.shared.extra.lookup(n.Name(), n.Ctx, version); ok {
			return d, st
		}
		return Lookup(n.Name(), n.Ctx, version)
	}
	return nil, Unchecked
}

// InferContext chooses the context a file read on its own was written for:
// the candidate under which the fewest of its directives would be
// misplaced (defined by nginx, but not for where they stand), preferring
// earlier candidates on ties. Unknown names count for no candidate: they
// are unknown everywhere. cfgFor may drop the Config of a candidate once
// the next is asked for, unless that candidate is the best so far (keep
// reports it), so that a large file is not held once per candidate.
func InferContext(cfgFor func(Context) *Config, keep func(Context), version string) Context {
	best, bestBad := StandaloneCandidates[0], -1
	for _, c := range StandaloneCandidates {
		cfg := cfgFor(c)
		bad := 0
		cfg.Root.Walk(func(n *Node) bool {
			if _, st := n.Spec(version); st == NotAllowed {
				bad++
			}
			return true
		})
		if bestBad < 0 || bad < bestBad {
			best, bestBad = c, bad
			keep(c)
		}
		if bad == 0 {
			break
		}
	}
	return best
}
