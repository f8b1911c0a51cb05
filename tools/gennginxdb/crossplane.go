package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// nginx-go-crossplane's analyzer constants, by name.
var crossplaneFlags = map[string][]string{
	"ngxConfNoArgs":     {"NOARGS"},
	"ngxConfTake1":      {"TAKE1"},
	"ngxConfTake2":      {"TAKE2"},
	"ngxConfTake3":      {"TAKE3"},
	"ngxConfTake4":      {"TAKE4"},
	"ngxConfTake5":      {"TAKE5"},
	"ngxConfTake6":      {"TAKE6"},
	"ngxConfTake7":      {"TAKE7"},
	"ngxConfBlock":      {"BLOCK"},
	"ngxConfExpr":       {}, // crossplane's marker for `if (...)`
	"ngxConfFlag":       {"FLAG"},
	"ngxConfAny":        {"ANYARGS"},
	"ngxConf1More":      {"1MORE"},
	"ngxConf2More":      {"2MORE"},
	"ngxConfTake12":     {"TAKE1", "TAKE2"},
	"ngxConfTake13":     {"TAKE1", "TAKE3"},
	"ngxConfTake23":     {"TAKE2", "TAKE3"},
	"ngxConfTake34":     {"TAKE3", "TAKE4"},
	"ngxConfTake123":    {"TAKE1", "TAKE2", "TAKE3"},
	"ngxConfTake1234":   {"TAKE1", "TAKE2", "TAKE3", "TAKE4"},
	"ngxDirectConf":     {"DIRECT"},
	"ngxMainConf":       {"MAIN"},
	"ngxEventConf":      {"EVENT"},
	"ngxMailMainConf":   {"MAIL_MAIN"},
	"ngxMailSrvConf":    {"MAIL_SRV"},
	"ngxStreamMainConf": {"STREAM_MAIN"},
	"ngxStreamSrvConf":  {"STREAM_SRV"},
	"ngxStreamUpsConf":  {"STREAM_UPS"},
	"ngxHTTPMainConf":   {"HTTP_MAIN"},
	"ngxHTTPSrvConf":    {"HTTP_SRV"},
	"ngxHTTPLocConf":    {"HTTP_LOC"},
	"ngxHTTPUpsConf":    {"HTTP_UPS"},
	"ngxHTTPSifConf":    {"HTTP_SIF"},
	"ngxHTTPLifConf":    {"HTTP_LIF"},
	"ngxHTTPLmtConf":    {"HTTP_LMT"},
	"ngxAnyConf": {"MAIN", "EVENT", "MAIL_MAIN", "MAIL_SRV", "STREAM_MAIN", "STREAM_SRV", "STREAM_UPS",
		"HTTP_MAIN", "HTTP_SRV", "HTTP_LOC", "HTTP_UPS", "HTTP_SIF", "HTTP_LIF", "HTTP_LMT"},
}

var (
	cpKeyRe  = regexp.MustCompile(`^\s*"([^"]+)":\s*\{\s*$`)
	cpMaskRe = regexp.MustCompile(`^\s*([A-Za-z0-9_| ]+),\s*$`)
)

// parseCrossplaneMap reads a `map[string][]uint{ "name": { mask, ... }, }`
// table of a crossplane analyzer file into canonical flag strings.
func parseCrossplaneMap(src []byte) (map[string][]string, error) {
	out := map[string][]string{}
	cur := ""
	for _, line := range strings.Split(string(src), "\n") {
		if m := cpKeyRe.FindStringSubmatch(line); m != nil {
			cur = m[1]
			continue
		}
		if strings.TrimSpace(line) == "}," {
			cur = ""
			continue
		}
		if cur == "" {
			continue
		}
		m := cpMaskRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		set := map[string]bool{}
		for _, id := range strings.Split(m[1], "|") {
			id = strings.TrimSpace(id)
			fl, ok := crossplaneFlags[id]
			if !ok {
				return nil, fmt.Errorf("unknown crossplane flag %q for %s", id, cur)
			}
			for _, f := range fl {
				set[f] = true
			}
		}
		var fs []string
		for _, f := range flagOrder {
			if set[f] {
				fs = append(fs, f)
			}
		}
		out[cur] = append(out[cur], strings.Join(fs, "|"))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no directives")
	}
	return out, nil
}

// crossCheck compares the current rows with crossplane's tables and
// prints the differences on stderr. Crossplane drops DIRECT and marks
// `if` specially; both are ignored.
func crossCheck(cp *gitRepo, commit string, nginxRows, tpRows []row) {
	norm := func(flags string) string {
		var fs []string
		for _, f := range strings.Split(flags, "|") {
			if f != "DIRECT" && f != "" {
				fs = append(fs, f)
			}
		}
		return strings.Join(fs, "|")
	}
	mine := func(rows []row, pred func(row) bool) map[string][]string {
		m := map[string][]string{}
		for _, r := range rows {
			if pred(r) {
				m[r.Name] = appendUnique(m[r.Name], norm(r.Flags))
			}
		}
		return m
	}
	checks := []struct {
		file string
		rows []row
		pred func(row) bool
	}{
		{"analyze_oss_latest_directives.gen.go", nginxRows, func(r row) bool { return r.Until == "-" }},
		{"analyze_oss_126_directives.gen.go", nginxRows, func(r row) bool { return r.inVersion("1.26.3") }},
		{"analyze_oss_124_directives.gen.go", nginxRows, func(r row) bool { return r.inVersion("1.24.0") }},
		{"analyze_lua_directives.gen.go", tpRows, func(r row) bool { return r.Module == "ngx_http_lua_module" }},
		{"analyze_njs_directives.gen.go", tpRows, func(r row) bool { return strings.Contains(r.Module, "_js_") }},
		{"analyze_headersMore_directives.gen.go", tpRows, func(r row) bool { return strings.Contains(r.Module, "headers_more") }},
		{"analyze_geoip2_directives.gen.go", tpRows, func(r row) bool { return strings.Contains(r.Module, "geoip2") }},
	}
	for _, c := range checks {
		src, err := cp.Show(commit, c.file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crosscheck:", err)
			continue
		}
		theirs, err := parseCrossplaneMap(src)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crosscheck:", c.file, err)
			continue
		}
		ours := mine(c.rows, c.pred)
		names := map[string]bool{}
		for k := range theirs {
			names[k] = true
		}
		for k := range ours {
			names[k] = true
		}
		var diffs []string
		for _, n := range sortedKeys(names) {
			a := append([]string(nil), ours[n]...)
			b := []string{}
			for _, f := range theirs[n] {
				b = appendUnique(b, norm(f))
			}
			sort.Strings(a)
			sort.Strings(b)
			if strings.Join(a, " ; ") != strings.Join(b, " ; ") {
				diffs = append(diffs, fmt.Sprintf("  %-40s ours=[%s] crossplane=[%s]", n, strings.Join(a, " ; "), strings.Join(b, " ; ")))
			}
		}
		fmt.Fprintf(os.Stderr, "crosscheck %s: %d names, %d differ\n", c.file, len(names), len(diffs))
		for _, d := range diffs {
			fmt.Fprintln(os.Stderr, d)
		}
	}
}

func (r row) inVersion(v string) bool {
	vv, _ := parseVersion(v)
	if r.Since != "-" {
		if s, _ := parseVersion(r.Since); vv.less(s) {
			return false
		}
	}
	if r.Until != "-" {
		if u, _ := parseVersion(r.Until); u.less(vv) {
			return false
		}
	}
	return true
}
