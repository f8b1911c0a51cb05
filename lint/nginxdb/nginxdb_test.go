package nginxdb

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

const nginxRepo = "github.com/nginx/nginx"

// find returns the single current row of name in module.
func find(t *testing.T, name, module string) *Directive {
	t.Helper()
	var out []*Directive
	for _, d := range Lookup(name) {
		if d.Module == module && d.Until == "" {
			out = append(out, d)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%s in %s: %d current rows, want 1", name, module, len(out))
	}
	return out[0]
}

func TestTableParses(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatal(err)
	}
	all := All()
	if len(all) < 1300 {
		t.Fatalf("only %d rows", len(all))
	}
	lines := 0
	for _, l := range strings.Split(table, "\n") {
		if l != "" && l[0] != '#' {
			lines++
		}
	}
	if lines != len(all) {
		t.Errorf("%d data lines, %d rows", lines, len(all))
	}
	for _, d := range all {
		if d.Name == "" || d.Module == "" || d.Source == "" || d.Repo == "" || d.Kind == "" {
			t.Errorf("incomplete row %+v", *d)
		}
		if d.Args == 0 {
			t.Errorf("%s (%s): no argument flags", d.Name, d.Module)
		}
		ctx := d.Contexts &^ (CtxDirect | CtxAny)
		if d.Type == Conf {
			if d.Name != "include" || d.Contexts != CtxAny {
				t.Errorf("conf module row %s %v", d.Name, d.Contexts)
			}
			continue
		}
		if ctx == 0 {
			t.Errorf("%s (%s): empty context %v", d.Name, d.Module, d.Contexts)
			continue
		}
		if ctx.Type() != d.Type {
			t.Errorf("%s (%s): contexts %v do not belong to a %v module", d.Name, d.Module, d.Contexts, d.Type)
		}
		if (d.Kind == "enum" || d.Kind == "bitmask") && len(d.Values) == 0 {
			t.Errorf("%s: %s without values", d.Name, d.Kind)
		}
		if d.Kind == "custom" && d.Handler == "" {
			t.Errorf("%s: custom without handler", d.Name)
		}
		if d.IsBlock() != (d.BlockContent != "") {
			t.Errorf("%s: block %v but block content %q", d.Name, d.IsBlock(), d.BlockContent)
		}
		if d.Repo != nginxRepo && (d.Since != "" || d.Until != "") {
			t.Errorf("%s (%s): third-party row with versions", d.Name, d.Module)
		}
		// every row re-serialises to its columns
		if got := d.Contexts.String() + "|" + d.Args.String(); len(got) < 3 {
			t.Errorf("%s: flags %q", d.Name, got)
		}
	}
}

func TestFlagsRoundTrip(t *testing.T) {
	for _, l := range strings.Split(table, "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		f := strings.Split(l, "\t")
		c, a, err := ParseFlags(f[3])
		if err != nil {
			t.Fatalf("%s: %v", f[0], err)
		}
		want := map[string]bool{}
		for _, x := range strings.Split(f[3], "|") {
			want[x] = true
		}
		got := map[string]bool{}
		for _, x := range strings.Split(c.String()+"|"+a.String(), "|") {
			got[x] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %q parsed as %v|%v", f[0], f[3], c, a)
		}
	}
	if _, _, err := ParseFlags("HTTP_LOC|TAKE9"); err == nil {
		t.Error("TAKE9 accepted")
	}
	if c := ParseContext("HTTP_MAIN|HTTP_SRV|TAKE1"); c != CtxHTTPMain|CtxHTTPSrv {
		t.Errorf("ParseContext = %v", c)
	}
}

func TestVersionRangesDisjoint(t *testing.T) {
	type key struct{ module, name string }
	rows := map[key][]*Directive{}
	for _, d := range All() {
		k := key{d.Module, d.Name}
		rows[k] = append(rows[k], d)
	}
	oldest, newest := NginxVersions()
	if oldest != "1.22.1" || newest == "" {
		t.Fatalf("NginxVersions = %q, %q", oldest, newest)
	}
	lo := func(d *Directive) string {
		if d.Since == "" {
			return "0.0.0"
		}
		return d.Since
	}
	hi := func(d *Directive) string {
		if d.Until == "" {
			return "999.0.0"
		}
		return d.Until
	}
	for k, ds := range rows {
		sort.Slice(ds, func(i, j int) bool { c, _ := CompareVersions(lo(ds[i]), lo(ds[j])); return c < 0 })
		for i := 1; i < len(ds); i++ {
			if c, ok := CompareVersions(hi(ds[i-1]), lo(ds[i])); !ok || c >= 0 {
				t.Errorf("%v: overlapping rows %s..%s and %s..%s", k, ds[i-1].Since, ds[i-1].Until, ds[i].Since, ds[i].Until)
			}
		}
		for _, d := range ds {
			if c, ok := CompareVersions(lo(d), hi(d)); !ok || c > 0 {
				t.Errorf("%v: bad range %q..%q", k, d.Since, d.Until)
			}
		}
	}
}

func TestKnownDirectives(t *testing.T) {
	fp := find(t, "fastcgi_pass", "ngx_http_fastcgi_module")
	if fp.Contexts != CtxHTTPLoc|CtxHTTPLif || fp.Args != Take1 || fp.Type != HTTP {
		t.Errorf("fastcgi_pass: %v %v %v", fp.Type, fp.Contexts, fp.Args)
	}
	if !fp.Duplicate || fp.Kind != "custom" || fp.Handler != "ngx_http_fastcgi_pass" {
		t.Errorf("fastcgi_pass: dup %v kind %q handler %q", fp.Duplicate, fp.Kind, fp.Handler)
	}
	if fp.Source != "src/http/modules/ngx_http_fastcgi_module.c" || fp.Repo != nginxRepo {
		t.Errorf("fastcgi_pass source %s %s", fp.Repo, fp.Source)
	}

	// server: http core, http upstream, stream core, stream upstream,
	// mail core, and rtmp core
	var mods []string
	for _, d := range Lookup("server") {
		if d.Repo == nginxRepo {
			mods = append(mods, d.Module)
		}
	}
	sort.Strings(mods)
	want := "ngx_http_core_module ngx_http_upstream_module ngx_mail_core_module ngx_stream_core_module ngx_stream_upstream_module"
	if got := strings.Join(mods, " "); got != want {
		t.Errorf("server modules = %s", got)
	}
	if d := find(t, "server", "ngx_rtmp_core_module"); d.Type != RTMP || d.Contexts != CtxRTMPMain || !d.IsBlock() {
		t.Errorf("rtmp server: %v %v %v", d.Type, d.Contexts, d.Args)
	}
	if d := find(t, "server", "ngx_http_upstream_module"); d.Contexts != CtxHTTPUps || d.Args != OneMore || d.IsBlock() {
		t.Errorf("upstream server: %v %v", d.Contexts, d.Args)
	}
	if d := find(t, "server", "ngx_http_core_module"); d.Duplicate || d.BlockContent != "directives" {
		t.Errorf("http server: dup %v block %q", d.Duplicate, d.BlockContent)
	}

	for _, typ := range []ModuleType{HTTP, Stream, Mail} {
		found := false
		for _, d := range Lookup("listen") {
			if d.Type == typ {
				found = true
				if d.Args != OneMore || d.Duplicate {
					t.Errorf("listen (%v): %v dup %v", typ, d.Args, d.Duplicate)
				}
			}
		}
		if !found {
			t.Errorf("no listen for %v", typ)
		}
	}

	// ssl: removed in 1.25.1 from http and mail
	ssl := 0
	for _, d := range Lookup("ssl") {
		if d.Repo != nginxRepo {
			continue
		}
		ssl++
		if d.Until != "1.25.0" || d.Since != "" {
			t.Errorf("ssl (%s): %q..%q", d.Module, d.Since, d.Until)
		}
		if !d.InVersion("1.22.1") || !d.InVersion("1.24.0") || !d.InVersion("1.25.0") || d.InVersion("1.25.1") || d.InVersion("1.26.0") {
			t.Errorf("ssl (%s): InVersion wrong", d.Module)
		}
	}
	if ssl != 2 {
		t.Errorf("%d ssl rows, want 2", ssl)
	}

	h2 := find(t, "http2", "ngx_http_v2_module")
	if h2.Since != "1.25.1" || h2.Until != "" || h2.InVersion("1.22.1") || h2.InVersion("1.25.0") || !h2.InVersion("1.25.1") || !h2.InVersion("") {
		t.Errorf("http2: %q..%q", h2.Since, h2.Until)
	}
	if h2.Args != Flag || h2.Kind != "flag" || h2.Contexts != CtxHTTPMain|CtxHTTPSrv {
		t.Errorf("http2: %v %v %s", h2.Contexts, h2.Args, h2.Kind)
	}
	if got := LookupVersion("http2", "1.22.1"); len(got) != 0 {
		t.Errorf("http2 in 1.22.1: %d rows", len(got))
	}

	gz := find(t, "gzip", "ngx_http_gzip_filter_module")
	if gz.Kind != "flag" || !gz.Duplicate || gz.Args != Flag || gz.Contexts != CtxHTTPMain|CtxHTTPSrv|CtxHTTPLoc|CtxHTTPLif {
		t.Errorf("gzip: %s dup %v %v %v", gz.Kind, gz.Duplicate, gz.Args, gz.Contexts)
	}
	cl := find(t, "gzip_comp_level", "ngx_http_gzip_filter_module")
	if cl.Kind != "num" || cl.Min == nil || *cl.Min != 1 || cl.Max == nil || *cl.Max != 9 {
		t.Errorf("gzip_comp_level: %s %v %v", cl.Kind, cl.Min, cl.Max)
	}

	sp := find(t, "ssl_protocols", "ngx_http_ssl_module")
	if sp.Kind != "bitmask" || sp.Duplicate || sp.Args != OneMore {
		t.Errorf("ssl_protocols: %s dup %v %v", sp.Kind, sp.Duplicate, sp.Args)
	}
	if got := strings.Join(sp.Values, ","); got != "SSLv2,SSLv3,TLSv1,TLSv1.1,TLSv1.2,TLSv1.3" {
		t.Errorf("ssl_protocols values %s", got)
	}

	if d := find(t, "proxy_cache_lock_timeout", "ngx_http_proxy_module"); d.Kind != "msec" || !d.Duplicate {
		t.Errorf("proxy_cache_lock_timeout: %s", d.Value)
	}
	if d := find(t, "send_lowat", "ngx_http_core_module"); d.Kind != "size" || d.Post != "ngx_http_core_lowat_check" {
		t.Errorf("send_lowat: %s", d.Value)
	}
	if d := find(t, "proxy_downstream_buffer", "ngx_stream_proxy_module"); d.Kind != "size" {
		t.Errorf("proxy_downstream_buffer: %s", d.Value)
	} else if r, ok := d.Deprecated(); !ok || r != "proxy_buffer_size" {
		t.Errorf("proxy_downstream_buffer: deprecated %q %v", r, ok)
	}
	if d := find(t, "fastcgi_param", "ngx_http_fastcgi_module"); d.Duplicate || d.Args != Take2|Take3 {
		t.Errorf("fastcgi_param: dup %v %v", d.Duplicate, d.Args)
	}
	if d := find(t, "limit_conn", "ngx_http_limit_conn_module"); d.Duplicate {
		t.Error("limit_conn: several zones are allowed, dup must be no")
	}
	if d := find(t, "root", "ngx_http_core_module"); !d.Duplicate {
		t.Error("root: dup must be yes")
	}
	if d := find(t, "include", "ngx_conf_module"); d.Type != Conf || d.Contexts != CtxAny || d.Args != Take1 {
		t.Errorf("include: %v %v %v", d.Type, d.Contexts, d.Args)
	}
	if d := find(t, "user", "ngx_core_module"); d.Contexts != CtxMain|CtxDirect || d.Args != Take1|Take2 {
		t.Errorf("user: %v %v", d.Contexts, d.Args)
	}
	if d := find(t, "worker_connections", "ngx_event_core_module"); d.Type != Event || d.Contexts != CtxEvent {
		t.Errorf("worker_connections: %v %v", d.Type, d.Contexts)
	}
	if d := find(t, "map", "ngx_http_map_module"); d.BlockContent != "handler:ngx_http_map" {
		t.Errorf("map block content %q", d.BlockContent)
	}
	ph := find(t, "proxy_http_version", "ngx_http_proxy_module")
	if ph.Kind != "enum" || !contains(ph.Values, "1.0") || !contains(ph.Values, "1.1") {
		t.Errorf("proxy_http_version: %s", ph.Value)
	}
	old := LookupVersion("proxy_http_version", "1.22.1")
	if len(old) != 1 || contains(old[0].Values, "2") {
		t.Errorf("proxy_http_version in 1.22.1: %d rows", len(old))
	}
}

func TestThirdParty(t *testing.T) {
	cb := find(t, "content_by_lua_block", "ngx_http_lua_module")
	if cb.Type != HTTP || cb.Contexts != CtxHTTPLoc|CtxHTTPLif || !cb.IsBlock() || cb.BlockContent != "lua" || !cb.Duplicate {
		t.Errorf("content_by_lua_block: %v %v %v %q dup %v", cb.Type, cb.Contexts, cb.Args, cb.BlockContent, cb.Duplicate)
	}
	if cb.Repo != "github.com/openresty/lua-nginx-module" || cb.Source != "src/ngx_http_lua_module.c" {
		t.Errorf("content_by_lua_block source %s %s", cb.Repo, cb.Source)
	}
	if d := find(t, "content_by_lua_block", "ngx_stream_lua_module"); d.Type != Stream || d.Contexts != CtxStreamSrv {
		t.Errorf("stream content_by_lua_block: %v %v", d.Type, d.Contexts)
	}
	if d := find(t, "js_content", "ngx_http_js_module"); d.Contexts&CtxHTTPLoc == 0 {
		t.Errorf("js_content: %v", d.Contexts)
	}
	find(t, "js_import", "ngx_stream_js_module")
	if d := find(t, "brotli", "ngx_http_brotli_filter_module"); d.Kind != "flag" {
		t.Errorf("brotli: %s", d.Value)
	}
	if d := find(t, "brotli_comp_level", "ngx_http_brotli_filter_module"); d.Min == nil || *d.Min != 0 || d.Max == nil || *d.Max != 11 {
		t.Errorf("brotli_comp_level: %s", d.Value)
	}
	if d := find(t, "brotli_static", "ngx_http_brotli_static_module"); d.Kind != "enum" || strings.Join(d.Values, ",") != "off,on,always" {
		t.Errorf("brotli_static: %s", d.Value)
	}
	find(t, "geoip2", "ngx_http_geoip2_module")
	find(t, "geoip2", "ngx_stream_geoip2_module")
	for _, c := range []struct{ name, module string }{
		{"more_set_headers", "ngx_http_headers_more_filter_module"},
		{"echo", "ngx_http_echo_module"},
		{"set_escape_uri", "ngx_http_set_misc_module"},
		{"srcache_fetch", "ngx_http_srcache_filter_module"},
		{"memc_pass", "ngx_http_memc_module"},
		{"fastcgi_cache_purge", "ngx_http_cache_purge_module"},
		{"dav_ext_methods", "ngx_http_dav_ext_module"},
		{"fancyindex", "ngx_http_fancyindex_module"},
		{"auth_pam", "ngx_http_auth_pam_module"},
		{"subs_filter", "ngx_http_subs_filter_module"},
		{"upload_progress", "ngx_http_uploadprogress_module"},
		{"fair", "ngx_http_upstream_fair_module"},
		{"modsecurity", "ngx_http_modsecurity_module"},
		{"nchan_publisher", "ngx_nchan_module"},
		{"upstream_list", "ndk_http_module"},
		{"app_protect_enable", "ngx_http_app_protect_module"},
	} {
		find(t, c.name, c.module)
	}
	rt := find(t, "rtmp", "ngx_rtmp_module")
	if rt.Type != Core || rt.Contexts&CtxMain == 0 || !rt.IsBlock() {
		t.Errorf("rtmp: %v %v %v", rt.Type, rt.Contexts, rt.Args)
	}
	app := find(t, "application", "ngx_rtmp_core_module")
	if app.Type != RTMP || app.Contexts != CtxRTMPSrv || !app.AllowedIn(CtxRTMPSrv) || app.AllowedIn(CtxHTTPSrv) {
		t.Errorf("application: %v %v", app.Type, app.Contexts)
	}
	if d := find(t, "app_protect_enable", "ngx_http_app_protect_module"); d.Kind != "unknown" || d.Args != Flag {
		t.Errorf("app_protect_enable: %s %v", d.Value, d.Args)
	}
}

func TestAcceptsArgCount(t *testing.T) {
	cases := []struct {
		args ArgMask
		ok   []int
		bad  []int
	}{
		{NoArgs, []int{0}, []int{1, 2, -1}},
		{Take1, []int{1}, []int{0, 2}},
		{Take1 | Take2, []int{1, 2}, []int{0, 3, 8}},
		{Take2 | Take3, []int{2, 3}, []int{0, 1, 4}},
		{Take1 | Take3, []int{1, 3}, []int{0, 2, 4}},
		{Take7, []int{7}, []int{6, 8}},
		{Take1 | Take2 | Take3 | Take4 | Take5 | Take6 | Take7, []int{1, 4, 7}, []int{0, 8, 9}},
		{Flag, []int{1}, []int{0, 2}},
		{Flag | Take2, []int{1}, []int{0, 2}}, // FLAG wins, as in ngx_conf_handler
		{OneMore, []int{1, 2, 8, 100}, []int{0}},
		{TwoMore, []int{2, 3, 100}, []int{0, 1}},
		{AnyArgs, []int{0, 1, 8, 100}, nil},
		{AnyArgs | Take1, []int{0, 5}, nil},
		{Block | NoArgs, []int{0}, []int{1}},
		{Block | Take1 | Take2, []int{1, 2}, []int{0, 3}},
		{Block | OneMore, []int{1, 3}, []int{0}},
		{Block | AnyArgs, []int{0, 2}, nil},
		{Block, nil, []int{0, 1}},
	}
	for _, c := range cases {
		d := &Directive{Args: c.args}
		for _, n := range c.ok {
			if !d.AcceptsArgCount(n) {
				t.Errorf("%v rejects %d", c.args, n)
			}
		}
		for _, n := range c.bad {
			if d.AcceptsArgCount(n) {
				t.Errorf("%v accepts %d", c.args, n)
			}
		}
	}
	// real rows
	loc := find(t, "location", "ngx_http_core_module")
	if !loc.AcceptsArgCount(1) || !loc.AcceptsArgCount(2) || loc.AcceptsArgCount(0) || loc.AcceptsArgCount(3) || !loc.IsBlock() {
		t.Errorf("location: %v", loc.Args)
	}
	ifd := find(t, "if", "ngx_http_rewrite_module")
	if !ifd.AcceptsArgCount(1) || !ifd.AcceptsArgCount(5) || ifd.AcceptsArgCount(0) {
		t.Errorf("if: %v", ifd.Args)
	}
}

func TestAllowedIn(t *testing.T) {
	fp := find(t, "fastcgi_pass", "ngx_http_fastcgi_module")
	for ctx, want := range map[Context]bool{CtxHTTPLoc: true, CtxHTTPLif: true, CtxHTTPSrv: false, CtxHTTPMain: false, CtxStreamSrv: false, CtxMain: false} {
		if fp.AllowedIn(ctx) != want {
			t.Errorf("fastcgi_pass in %v: %v", ctx, !want)
		}
	}
	inc := find(t, "include", "ngx_conf_module")
	for _, ctx := range []Context{CtxMain, CtxEvent, CtxHTTPLmt, CtxStreamUps, CtxMailSrv, CtxRTMPApp} {
		if !inc.AllowedIn(ctx) {
			t.Errorf("include not allowed in %v", ctx)
		}
	}
	// the same bit value means different contexts for different module
	// types in nginx; here they are distinct bits
	sl := find(t, "listen", "ngx_stream_core_module")
	if sl.AllowedIn(CtxHTTPSrv) || !sl.AllowedIn(CtxStreamSrv) || sl.AllowedIn(CtxMailSrv) {
		t.Error("stream listen AllowedIn wrong")
	}
	wc := find(t, "worker_connections", "ngx_event_core_module")
	if !wc.AllowedIn(CtxEvent) || wc.AllowedIn(CtxMain) {
		t.Error("worker_connections AllowedIn wrong")
	}
	if (CtxHTTPMain|CtxStreamMain).Type() != 0 || CtxHTTPLmt.Type() != HTTP || CtxRTMPRec.Type() != RTMP || CtxMain.Type() != Core {
		t.Error("Context.Type wrong")
	}
}

func TestInVersion(t *testing.T) {
	d := &Directive{Since: "1.25.1", Until: "1.27.3"}
	for v, want := range map[string]bool{"": true, "1.25.1": true, "1.25.0": false, "1.26.3": true, "1.27.3": true,
		"1.27.4": false, "1.9.1": false, "1.100.0": false, "1.26": true, "garbage": true} {
		if d.InVersion(v) != want {
			t.Errorf("InVersion(%q) = %v", v, !want)
		}
	}
	if c, ok := CompareVersions("1.9.15", "1.22.1"); !ok || c != -1 {
		t.Errorf("CompareVersions = %d %v", c, ok)
	}
	// a change of attributes splits a directive into ranges
	var flagRows, enumRows int
	for _, d := range Lookup("proxy_protocol") {
		if d.Module != "ngx_stream_proxy_module" {
			continue
		}
		switch d.Kind {
		case "flag":
			flagRows++
			if d.Until == "" || !d.InVersion("1.22.1") {
				t.Errorf("old proxy_protocol row %q..%q", d.Since, d.Until)
			}
		case "enum":
			enumRows++
			if d.Since == "" || d.InVersion("1.22.1") {
				t.Errorf("new proxy_protocol row %q..%q", d.Since, d.Until)
			}
		}
	}
	if flagRows != 1 || enumRows != 1 {
		t.Errorf("proxy_protocol rows: %d flag, %d enum", flagRows, enumRows)
	}
}

func TestLoadFast(t *testing.T) {
	best := time.Hour
	for i := 0; i < 5; i++ {
		start := time.Now()
		d := parse(table)
		if el := time.Since(start); el < best {
			best = el
		}
		if d.err != nil {
			t.Fatal(d.err)
		}
	}
	// the budget is ~1 ms on a developer machine; allow for slow CI
	if best > 10*time.Millisecond {
		t.Errorf("parsing the table takes %v", best)
	}
	t.Logf("parse: %v", best)
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if d := parse(table); d.err != nil {
			b.Fatal(d.err)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
