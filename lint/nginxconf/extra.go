package nginxconf

import (
	"fmt"
	"sort"

	"github.com/fcgilint/fcgilint/lint/nginxdb"
)

// ExtraDirective declares a directive of a module the database does not
// know (a third-party or in-house module), so that it is checked like a
// known one instead of being reported as unknown.
type ExtraDirective struct {
	Name string
	// Contexts are names from ExtraContextNames ("http", "server", ...).
	Contexts []string
	// MinArgs and MaxArgs bound the argument count; MaxArgs < 0 means no
	// upper bound.
	MinArgs, MaxArgs int
	// Block is set for a directive followed by { ... }.
	Block bool
	// Entries is set for a block whose lines are values (like map), not
	// directives; otherwise the block's directives are checked in the
	// context the directive stands in.
	Entries bool
}

// ExtraModule is the module name findings give for a declared directive.
const ExtraModule = "declared in the fcgilint configuration"

// Extra is a table of declared directives, consulted before the database.
type Extra struct {
	byName  map[string][]*nginxdb.Directive
	entries map[string]bool
}

// extraContexts are the context names a configuration file may use; "if"
// covers both the server and the location if.
var extraContexts = map[string][]Context{
	"main": {CtxMain}, "events": {CtxEvent},
	"http": {CtxHTTPMain}, "server": {CtxHTTPSrv}, "location": {CtxHTTPLoc}, "upstream": {CtxHTTPUps},
	"if": {CtxHTTPSif, CtxHTTPLif}, "limit_except": {CtxHTTPLmt},
	"stream": {CtxStreamMain}, "stream-server": {CtxStreamSrv}, "stream-upstream": {CtxStreamUps},
	"mail": {CtxMailMain}, "mail-server": {CtxMailSrv},
}

// ExtraContextNames lists the context names ExtraDirective accepts.
func ExtraContextNames() []string {
	out := make([]string, 0, len(extraContexts))
	for n := range extraContexts {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// NewExtra builds the table; it fails on a context name it does not know or
// an argument count nginx's flags cannot express.
func NewExtra(decls []ExtraDirective) (*Extra, error) {
	x := &Extra{byName: map[string][]*nginxdb.Directive{}, entries: map[string]bool{}}
	for _, d := range decls {
		args, err := argMask(d.MinArgs, d.MaxArgs)
		if err != nil {
			return nil, fmt.Errorf("directive %q: %v", d.Name, err)
		}
		if d.Block {
			args |= nginxdb.Block
		}
		// A database row has one module type: contexts of several types
		// (http and stream) make one row each.
		bits := map[nginxdb.ModuleType]nginxdb.Context{}
		var types []nginxdb.ModuleType
		for _, name := range d.Contexts {
			ctxs, ok := extraContexts[name]
			if !ok {
				return nil, fmt.Errorf("directive %q: unknown context %q", d.Name, name)
			}
			for _, c := range ctxs {
				spec := ctxSpecs[c]
				if _, seen := bits[spec.mtype]; !seen {
					types = append(types, spec.mtype)
				}
				bits[spec.mtype] |= spec.bit
			}
		}
		if len(types) == 0 {
			return nil, fmt.Errorf("directive %q: no context", d.Name)
		}
		body := ""
		if d.Block {
			body = "directives"
			if d.Entries {
				body = "handler:" + ExtraModule
			}
		}
		for _, t := range types {
			x.byName[d.Name] = append(x.byName[d.Name], &nginxdb.Directive{
				Name: d.Name, Module: ExtraModule, Type: t, Contexts: bits[t], Args: args,
				// No value checks: fcgilint knows nothing of the module.
				Value: "unknown", Kind: "unknown", BlockContent: body,
			})
		}
		x.entries[d.Name] = d.Block && d.Entries
	}
	return x, nil
}

func argMask(lo, hi int) (nginxdb.ArgMask, error) {
	const maxArgs = 7 // NGX_CONF_MAX_ARGS counts the name
	switch {
	case lo < 0 || lo > maxArgs:
		return 0, fmt.Errorf("argument count %d out of range 0..%d", lo, maxArgs)
	case hi < 0:
		switch lo {
		case 0:
			return nginxdb.AnyArgs, nil
		case 1:
			return nginxdb.OneMore, nil
		case 2:
			return nginxdb.TwoMore, nil
		}
		return 0, fmt.Errorf("nginx can only require \"0+\", \"1+\" or \"2+\" arguments, not \"%d+\"", lo)
	case hi > maxArgs || hi < lo:
		return 0, fmt.Errorf("argument range %d-%d out of range 0..%d", lo, hi, maxArgs)
	}
	var m nginxdb.ArgMask
	for n := lo; n <= hi; n++ {
		m |= nginxdb.NoArgs << n
	}
	return m, nil
}

// lookup answers like Lookup for a declared name; ok is false when name is
// not declared, and the database decides.
func (x *Extra) lookup(name string, ctx Context, version string) (d *nginxdb.Directive, st Status, ok bool) {
	if x == nil {
		return nil, Unknown, false
	}
	rows := x.byName[name]
	if len(rows) == 0 {
		return nil, Unknown, false
	}
	spec := ctxSpecs[ctx]
	for _, r := range rows {
		if r.Type == spec.mtype && r.Contexts&spec.bit != 0 {
			return r, Known, true
		}
	}
	// Declared elsewhere: the database may still know the name here.
	if d, st := Lookup(name, ctx, version); st == Known {
		return d, st, true
	}
	return nil, NotAllowed, true
}

// holdsEntries reports whether the declared block directive name holds
// value lines rather than directives.
func (x *Extra) holdsEntries(name string) bool {
	return x != nil && x.entries[name]
}
