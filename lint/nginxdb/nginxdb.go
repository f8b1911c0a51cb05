// Package nginxdb is the table of nginx directives: every entry of every
// module's ngx_command_t array in nginx open source (each release from
// 1.22.1 to the current master) and in widely used third-party modules
// (those Debian ships as libnginx-mod-*, plus stream-lua and NGINX App
// Protect).
//
// The data lives in directives.tsv, generated from the C sources by
// tools/gennginxdb; its header names the source repositories and
// revisions. This package only parses it. To regenerate, with the source
// repositories available as git directories (see the tool's -mirror and
// -repo flags):
//
//	cd tools && go run ./gennginxdb -o ../lint/nginxdb/directives.tsv
//
// Contexts are distinct bits here even where nginx reuses one value for
// several module types (NGX_HTTP_MAIN_CONF == NGX_STREAM_MAIN_CONF): use
// Directive.AllowedIn, which also applies nginx's module-type match.
package nginxdb

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

//go:embed directives.tsv
var table string

// Context is a set of configuration contexts a directive may appear in:
// one bit per NGX_*_CONF context flag of nginx (and of nginx-rtmp-module).
type Context uint64

// Context bits. The names follow nginx's macros without the NGX_ prefix and
// the _CONF suffix: CtxHTTPLoc is NGX_HTTP_LOC_CONF.
const (
	CtxMain       Context = 1 << iota // main (top level)
	CtxDirect                         // NGX_DIRECT_CONF: main, conf stored directly
	CtxAny                            // NGX_ANY_CONF: any context (only `include`)
	CtxEvent                          // events {}
	CtxHTTPMain                       // http {}
	CtxHTTPSrv                        // http { server {} }
	CtxHTTPLoc                        // location {}
	CtxHTTPUps                        // http { upstream {} }
	CtxHTTPSif                        // server { if () {} }
	CtxHTTPLif                        // location { if () {} }
	CtxHTTPLmt                        // limit_except {}
	CtxStreamMain                     // stream {}
	CtxStreamSrv                      // stream { server {} }
	CtxStreamUps                      // stream { upstream {} }
	CtxMailMain                       // mail {}
	CtxMailSrv                        // mail { server {} }
	CtxRTMPMain                       // rtmp {}
	CtxRTMPSrv                        // rtmp { server {} }
	CtxRTMPApp                        // rtmp { server { application {} } }
	CtxRTMPRec                        // rtmp recorder {}
)

var contextNames = []string{"MAIN", "DIRECT", "ANY", "EVENT",
	"HTTP_MAIN", "HTTP_SRV", "HTTP_LOC", "HTTP_UPS", "HTTP_SIF", "HTTP_LIF", "HTTP_LMT",
	"STREAM_MAIN", "STREAM_SRV", "STREAM_UPS", "MAIL_MAIN", "MAIL_SRV",
	"RTMP_MAIN", "RTMP_SRV", "RTMP_APP", "RTMP_REC"}

// String returns the flag names joined by '|'.
func (c Context) String() string {
	var b strings.Builder
	for i, n := range contextNames {
		if c&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}

// Type returns the module type whose directives the context holds (the
// nginx cf->module_type of a block of that context); 0 for CtxAny, CtxDirect
// or a set of several contexts of different types.
func (c Context) Type() ModuleType {
	var t ModuleType
	for i := range contextNames {
		bit := Context(1) << i
		if c&bit == 0 {
			continue
		}
		var bt ModuleType
		switch {
		case bit == CtxMain:
			bt = Core
		case bit == CtxEvent:
			bt = Event
		case bit >= CtxHTTPMain && bit <= CtxHTTPLmt:
			bt = HTTP
		case bit >= CtxStreamMain && bit <= CtxStreamUps:
			bt = Stream
		case bit >= CtxMailMain && bit <= CtxMailSrv:
			bt = Mail
		case bit >= CtxRTMPMain && bit <= CtxRTMPRec:
			bt = RTMP
		default:
			return 0
		}
		if t != 0 && t != bt {
			return 0
		}
		t = bt
	}
	return t
}

// ArgMask is the argument-count part of a directive's flags.
type ArgMask uint32

// ArgMask bits, after nginx's NGX_CONF_* argument flags.
const (
	NoArgs  ArgMask = 1 << iota // NGX_CONF_NOARGS
	Take1                       // NGX_CONF_TAKE1
	Take2                       // NGX_CONF_TAKE2
	Take3                       // NGX_CONF_TAKE3
	Take4                       // NGX_CONF_TAKE4
	Take5                       // NGX_CONF_TAKE5
	Take6                       // NGX_CONF_TAKE6
	Take7                       // NGX_CONF_TAKE7
	Flag                        // NGX_CONF_FLAG: exactly one argument
	AnyArgs                     // NGX_CONF_ANY: any number
	OneMore                     // NGX_CONF_1MORE
	TwoMore                     // NGX_CONF_2MORE
	Block                       // NGX_CONF_BLOCK: followed by { ... }
)

var argNames = []string{"NOARGS", "TAKE1", "TAKE2", "TAKE3", "TAKE4", "TAKE5", "TAKE6", "TAKE7",
	"FLAG", "ANYARGS", "1MORE", "2MORE", "BLOCK"}

// String returns the flag names joined by '|'.
func (a ArgMask) String() string {
	var b strings.Builder
	for i, n := range argNames {
		if a&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}

// ModuleType is an nginx module type (ngx_module_t.type).
type ModuleType uint8

// Module types.
const (
	Core   ModuleType = iota + 1 // NGX_CORE_MODULE
	Event                        // NGX_EVENT_MODULE
	HTTP                         // NGX_HTTP_MODULE
	Stream                       // NGX_STREAM_MODULE
	Mail                         // NGX_MAIL_MODULE
	Conf                         // NGX_CONF_MODULE (only `include`)
	RTMP                         // nginx-rtmp-module's NGX_RTMP_MODULE
)

var moduleTypeNames = []string{"", "core", "event", "http", "stream", "mail", "conf", "rtmp"}

func (t ModuleType) String() string {
	if int(t) < len(moduleTypeNames) && t != 0 {
		return moduleTypeNames[t]
	}
	return "ModuleType(" + strconv.Itoa(int(t)) + ")"
}

// ParseModuleType parses the mtype column ("http", ...).
func ParseModuleType(s string) (ModuleType, bool) {
	for i, n := range moduleTypeNames {
		if i > 0 && n == s {
			return ModuleType(i), true
		}
	}
	return 0, false
}

// Directive is one row of the table: one ngx_command_t entry of one
// module, valid for the nginx versions Since..Until.
//
// The values returned by this package are shared: do not modify them.
type Directive struct {
	Name     string
	Module   string // e.g. ngx_http_core_module
	Type     ModuleType
	Contexts Context
	Args     ArgMask
	// Value is the raw value column: "flag", "size;post=bounds:1,9",
	// "enum:on,off", "custom:ngx_http_core_listen", ...
	Value string
	// Kind is the value kind: "flag", "str", "str_array", "keyval", "num",
	// "size", "off", "msec", "sec", "bufs", "enum", "bitmask", "path",
	// "access", "custom" (a module's own handler, named by Handler) or
	// "unknown" (no source: NGINX App Protect).
	Kind    string
	Handler string   // the custom handler's function name
	Values  []string // the enum or bitmask values, in source order
	// Min and Max are the ngx_conf_check_num_bounds limits; Max is nil
	// when there is no upper limit.
	Min, Max *int
	// Post is the ngx_conf_post_t of a slot setter other than bounds: a
	// check function name, or "deprecated:NEW" for ngx_conf_deprecated.
	Post string
	// Duplicate is true when a second occurrence in the same block is
	// rejected with `"NAME" directive is duplicate`.
	Duplicate bool
	// Since is the first nginx version with this row, "" for 1.22.1 or
	// earlier and for third-party modules; Until is the last, "" while
	// still present.
	Since, Until string
	// Source is the C file within Repo holding the command array.
	Source string
	// Repo is the module's repository, e.g. github.com/nginx/nginx.
	Repo string
	// BlockContent tells how a block directive's contents are read:
	// "directives" (nested directives), "lua" (a raw Lua chunk:
	// *_by_lua_block) or "handler:F" (each line is passed to the handler F,
	// as in map, geo, types); "" for a directive that is not a block.
	BlockContent string
}

// IsBlock reports whether the directive takes a { ... } block.
func (d *Directive) IsBlock() bool { return d.Args&Block != 0 }

// AcceptsArgCount reports whether n arguments (after the name) pass the
// count check of ngx_conf_handler.
func (d *Directive) AcceptsArgCount(n int) bool {
	if n < 0 {
		return false
	}
	a := d.Args
	switch {
	case a&AnyArgs != 0:
		return true
	case a&Flag != 0:
		return n == 1
	case a&OneMore != 0:
		return n >= 1
	case a&TwoMore != 0:
		return n >= 2
	case n > 7: // NGX_CONF_MAX_ARGS counts the name
		return false
	}
	return a&(NoArgs<<n) != 0
}

// AllowedIn reports whether the directive may appear in a block of context
// ctx (a single context bit), as ngx_conf_handler decides: the module type
// must match the block's (conf modules match any) and the context bit must
// be among the directive's.
func (d *Directive) AllowedIn(ctx Context) bool {
	if d.Type == Conf {
		return d.Contexts&CtxAny != 0 || d.Contexts&ctx != 0
	}
	return d.Type == ctx.Type() && d.Contexts&ctx != 0
}

// InVersion reports whether the row holds for nginx version v ("1.22.1").
// "" (and an unparsable version) means any version. Third-party rows hold
// for every version.
func (d *Directive) InVersion(v string) bool {
	if v == "" {
		return true
	}
	vv, ok := parseVersion(v)
	if !ok {
		return true
	}
	if d.Since != "" {
		if s, ok := parseVersion(d.Since); ok && vv < s {
			return false
		}
	}
	if d.Until != "" {
		if u, ok := parseVersion(d.Until); ok && vv > u {
			return false
		}
	}
	return true
}

// Deprecated returns the replacement named by an ngx_conf_deprecated post
// handler.
func (d *Directive) Deprecated() (string, bool) {
	r, ok := strings.CutPrefix(d.Post, "deprecated:")
	return r, ok
}

// parseVersion packs "1.22.1" (or "1.22") into a comparable number.
func parseVersion(s string) (uint64, bool) {
	var parts [3]uint64
	n := 0
	cur, digits := uint64(0), 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || n == 3 {
				return 0, false
			}
			parts[n] = cur
			n++
			cur, digits = 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits > 5 {
			return 0, false
		}
		cur = cur*10 + uint64(c-'0')
		digits++
	}
	if n < 2 {
		return 0, false
	}
	return parts[0]<<40 | parts[1]<<20 | parts[2], true
}

// CompareVersions compares two nginx versions ("1.22.1"); ok is false when
// one does not parse.
func CompareVersions(a, b string) (cmp int, ok bool) {
	va, ok1 := parseVersion(a)
	vb, ok2 := parseVersion(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	switch {
	case va < vb:
		return -1, true
	case va > vb:
		return 1, true
	}
	return 0, true
}

// ParseContext parses '|'-separated flag names and returns the context
// bits among them ("HTTP_MAIN|HTTP_SRV|TAKE1" gives CtxHTTPMain|CtxHTTPSrv).
// Unknown names are ignored; see ParseFlags.
func ParseContext(s string) Context {
	c, _, _ := ParseFlags(s)
	return c
}

// ParseFlags parses the flags column into contexts and argument bits.
func ParseFlags(s string) (Context, ArgMask, error) {
	var c Context
	var a ArgMask
	var err error
	for s != "" {
		var f string
		if i := strings.IndexByte(s, '|'); i >= 0 {
			f, s = s[:i], s[i+1:]
		} else {
			f, s = s, ""
		}
		if bit, ok := contextBit(f); ok {
			c |= bit
		} else if bit, ok := argBit(f); ok {
			a |= bit
		} else if err == nil {
			err = fmt.Errorf("unknown flag %q", f)
		}
	}
	return c, a, err
}

func contextBit(f string) (Context, bool) {
	switch f {
	case "MAIN":
		return CtxMain, true
	case "DIRECT":
		return CtxDirect, true
	case "ANY":
		return CtxAny, true
	case "EVENT":
		return CtxEvent, true
	case "HTTP_MAIN":
		return CtxHTTPMain, true
	case "HTTP_SRV":
		return CtxHTTPSrv, true
	case "HTTP_LOC":
		return CtxHTTPLoc, true
	case "HTTP_UPS":
		return CtxHTTPUps, true
	case "HTTP_SIF":
		return CtxHTTPSif, true
	case "HTTP_LIF":
		return CtxHTTPLif, true
	case "HTTP_LMT":
		return CtxHTTPLmt, true
	case "STREAM_MAIN":
		return CtxStreamMain, true
	case "STREAM_SRV":
		return CtxStreamSrv, true
	case "STREAM_UPS":
		return CtxStreamUps, true
	case "MAIL_MAIN":
		return CtxMailMain, true
	case "MAIL_SRV":
		return CtxMailSrv, true
	case "RTMP_MAIN":
		return CtxRTMPMain, true
	case "RTMP_SRV":
		return CtxRTMPSrv, true
	case "RTMP_APP":
		return CtxRTMPApp, true
	case "RTMP_REC":
		return CtxRTMPRec, true
	}
	return 0, false
}

func argBit(f string) (ArgMask, bool) {
	switch f {
	case "NOARGS":
		return NoArgs, true
	case "TAKE1":
		return Take1, true
	case "TAKE2":
		return Take2, true
	case "TAKE3":
		return Take3, true
	case "TAKE4":
		return Take4, true
	case "TAKE5":
		return Take5, true
	case "TAKE6":
		return Take6, true
	case "TAKE7":
		return Take7, true
	case "FLAG":
		return Flag, true
	case "ANYARGS":
		return AnyArgs, true
	case "1MORE":
		return OneMore, true
	case "2MORE":
		return TwoMore, true
	case "BLOCK":
		return Block, true
	}
	return 0, false
}

// ---- loading ----

type db struct {
	all    []*Directive
	byName map[string][]*Directive
	oldest string
	newest string
	err    error
}

var (
	loadOnce sync.Once
	loaded   *db
)

func get() *db {
	loadOnce.Do(func() { loaded = parse(table) })
	return loaded
}

// All returns every row, in table order.
func All() []*Directive { return get().all }

// Lookup returns every row named name (matched case-sensitively, as nginx
// does), whatever its module, context or version.
func Lookup(name string) []*Directive { return get().byName[name] }

// LookupVersion returns the rows named name that hold for nginx version v.
func LookupVersion(name, v string) []*Directive {
	var out []*Directive
	for _, d := range get().byName[name] {
		if d.InVersion(v) {
			out = append(out, d)
		}
	}
	return out
}

// NginxVersions returns the oldest and newest nginx versions the table was
// made from (since/until refer to these).
func NginxVersions() (oldest, newest string) {
	d := get()
	return d.oldest, d.newest
}

// Err reports rows of the embedded table that did not parse (nil: none).
func Err() error { return get().err }

func parse(data string) *db {
	d := &db{byName: make(map[string][]*Directive, 1400)}
	repos := map[string]string{}
	n := strings.Count(data, "\n")
	rows := make([]Directive, 0, n)
	var errs []string
	line := 0
	for len(data) > 0 {
		var l string
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, ""
		}
		line++
		if l == "" {
			continue
		}
		if l[0] == '#' {
			if rest, ok := strings.CutPrefix(l, "#@module\t"); ok {
				f := strings.Split(rest, "\t")
				if len(f) >= 2 {
					repos[f[0]] = f[1]
				}
			} else if rest, ok := strings.CutPrefix(l, "#@nginx\t"); ok {
				d.oldest, d.newest, _ = strings.Cut(rest, "\t")
			}
			continue
		}
		var f [10]string
		k := 0
		for k < 9 {
			i := strings.IndexByte(l, '\t')
			if i < 0 {
				break
			}
			f[k], l = l[:i], l[i+1:]
			k++
		}
		f[k] = l
		if k < 8 {
			errs = append(errs, fmt.Sprintf("line %d: %d columns", line, k+1))
			continue
		}
		rows = append(rows, Directive{})
		r := &rows[len(rows)-1]
		if err := r.fill(f); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: %s: %v", line, f[0], err))
			rows = rows[:len(rows)-1]
			continue
		}
		r.Repo = repos[r.Module]
	}
	d.all = make([]*Directive, len(rows))
	for i := range rows {
		r := &rows[i]
		d.all[i] = r
		d.byName[r.Name] = append(d.byName[r.Name], r)
	}
	if len(errs) > 0 {
		d.err = fmt.Errorf("nginxdb: %s", strings.Join(errs, "; "))
	}
	return d
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func (d *Directive) fill(f [10]string) error {
	d.Name = f[0]
	d.Module = f[1]
	var ok bool
	if d.Type, ok = ParseModuleType(f[2]); !ok {
		return fmt.Errorf("unknown module type %q", f[2])
	}
	var err error
	if d.Contexts, d.Args, err = ParseFlags(f[3]); err != nil {
		return err
	}
	d.Value = f[4]
	if err := d.parseValue(f[4]); err != nil {
		return err
	}
	switch f[5] {
	case "yes":
		d.Duplicate = true
	case "no":
	default:
		return fmt.Errorf("bad dup %q", f[5])
	}
	d.Since = dash(f[6])
	d.Until = dash(f[7])
	d.Source = f[8]
	d.BlockContent = dash(f[9])
	if d.Contexts == 0 {
		return fmt.Errorf("no context")
	}
	return nil
}

func (d *Directive) parseValue(v string) error {
	if i := strings.Index(v, ";post="); i >= 0 {
		post := v[i+len(";post="):]
		v = v[:i]
		if b, ok := strings.CutPrefix(post, "bounds:"); ok {
			lo, hi, ok := strings.Cut(b, ",")
			if !ok {
				return fmt.Errorf("bad bounds %q", b)
			}
			l, err := strconv.Atoi(lo)
			if err != nil {
				return fmt.Errorf("bad bounds %q", b)
			}
			h, err := strconv.Atoi(hi)
			if err != nil {
				return fmt.Errorf("bad bounds %q", b)
			}
			d.Min = &l
			if h != -1 {
				d.Max = &h
			}
		} else {
			d.Post = post
		}
	}
	kind, rest, _ := strings.Cut(v, ":")
	switch kind {
	case "flag", "str", "str_array", "keyval", "num", "size", "off", "msec", "sec", "bufs", "path", "access", "unknown":
	case "enum", "bitmask":
		if rest == "" {
			return fmt.Errorf("%s without values", kind)
		}
		d.Values = strings.Split(rest, ",")
	case "custom":
		d.Handler = rest
	default:
		return fmt.Errorf("unknown value kind %q", kind)
	}
	d.Kind = kind
	return nil
}
