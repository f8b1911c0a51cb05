package nginxdb

// End-to-end checks of the table against a real nginx binary (Debian's
// /usr/sbin/nginx by default, FCGILINT_NGINX to choose another): nginx -t
// must accept what the table says is valid and reject what it says is not.
// Without a binary the tests skip, unless FCGILINT_E2E=1, where they fail.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

type nginxBin struct {
	path    string
	version string
	conf    string // nginx -V output
	dir     string
}

func needNginx(t *testing.T) *nginxBin {
	t.Helper()
	path := os.Getenv("FCGILINT_NGINX")
	if path == "" {
		path = "/usr/sbin/nginx"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("FCGILINT_E2E") == "1" {
			t.Fatalf("FCGILINT_E2E=1 but no nginx binary: %v", err)
		}
		t.Skipf("no nginx binary at %s (install nginx or set FCGILINT_NGINX; FCGILINT_E2E=1 makes this a failure)", path)
	}
	out, err := exec.Command(path, "-V").CombinedOutput()
	if err != nil {
		t.Fatalf("%s -V: %v: %s", path, err, out)
	}
	m := regexp.MustCompile(`nginx version: nginx/([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("%s -V: no version in %q", path, out)
	}
	return &nginxBin{path: path, version: string(m[1]), conf: string(out), dir: t.TempDir()}
}

// built reports whether the binary has module (statically: dynamic
// modules are not loaded by the test configurations).
func (n *nginxBin) built(module string) bool {
	if !strings.HasPrefix(module, "ngx_http_") {
		return false
	}
	// configure names some filters without "_filter" (--with-http_sub_module
	// builds ngx_http_sub_filter_module) and others with it
	full := strings.TrimPrefix(module, "ngx_")
	short := strings.Replace(full, "_filter_module", "_module", 1)
	for _, f := range strings.Fields(n.conf) {
		if f == "--without-"+full || f == "--without-"+short {
			return false
		}
	}
	optional := map[string]bool{
		"http_ssl_module": true, "http_v2_module": true, "http_v3_module": true, "http_realip_module": true,
		"http_addition_module": true, "http_xslt_module": true, "http_image_filter_module": true,
		"http_geoip_module": true, "http_sub_module": true, "http_dav_module": true, "http_flv_module": true,
		"http_mp4_module": true, "http_gunzip_module": true, "http_gzip_static_module": true,
		"http_auth_request_module": true, "http_random_index_module": true, "http_secure_link_module": true,
		"http_degradation_module": true, "http_slice_module": true, "http_stub_status_module": true,
		"http_perl_module": true,
	}
	opt := full
	if !optional[opt] {
		opt = short
	}
	if !optional[opt] {
		return true
	}
	for _, f := range strings.Fields(n.conf) {
		if f == "--with-"+opt { // not --with-X=dynamic: not loaded here
			return true
		}
	}
	return false
}

// test runs nginx -t on an http{server{location{...}}} configuration and
// returns the error line ("" when the test passed).
func (n *nginxBin) test(t *testing.T, location string) string {
	t.Helper()
	d := n.dir
	conf := "pid " + d + "/nginx.pid;\nerror_log " + d + "/error.log;\nevents {}\nhttp {\n" +
		"  access_log off;\n" +
		"  client_body_temp_path " + d + "/body; proxy_temp_path " + d + "/proxy; fastcgi_temp_path " + d + "/fastcgi;\n" +
		"  uwsgi_temp_path " + d + "/uwsgi; scgi_temp_path " + d + "/scgi;\n" +
		"  server {\n    location / {\n" + location + "    }\n  }\n}\n"
	file := filepath.Join(d, "nginx.conf")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(n.path, "-t", "-q", "-p", d, "-c", file, "-e", "stderr").CombinedOutput()
	if err == nil {
		return ""
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "[emerg]") {
			return l
		}
	}
	return strings.TrimSpace(string(out))
}

var unknownRe = regexp.MustCompile(`unknown directive "([^"]+)"`)

// locationFlags are the table's FLAG directives of nginx's own http
// modules allowed in location for the binary's version.
func locationFlags(n *nginxBin) []*Directive {
	var out []*Directive
	seen := map[string]bool{}
	for _, d := range All() {
		if d.Repo != nginxRepo || d.Type != HTTP || !d.InVersion(n.version) ||
			d.Contexts&CtxHTTPLoc == 0 || d.Args&Flag == 0 || seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		out = append(out, d)
	}
	return out
}

func TestNginxAcceptsLocationFlags(t *testing.T) {
	n := needNginx(t)
	ds := locationFlags(n)
	if len(ds) < 40 {
		t.Fatalf("only %d location FLAG directives for nginx %s", len(ds), n.version)
	}
	left := map[string]*Directive{}
	for _, d := range ds {
		left[d.Name] = d
	}
	tested := 0
	for len(left) > 0 {
		var b strings.Builder
		for _, d := range ds {
			if left[d.Name] != nil {
				b.WriteString("        " + d.Name + " off;\n")
			}
		}
		errLine := n.test(t, b.String())
		if errLine == "" {
			tested = len(left)
			break
		}
		m := unknownRe.FindStringSubmatch(errLine)
		var d *Directive
		if m != nil {
			d = left[m[1]]
		} else {
			for name, x := range left {
				if strings.Contains(errLine, `"`+name+`"`) {
					d = x
				}
			}
		}
		if d == nil {
			t.Fatalf("nginx -t: %s", errLine)
		}
		if m != nil && !n.built(d.Module) {
			t.Logf("%s: module %s not built in", d.Name, d.Module)
		} else {
			t.Errorf("%s (%s, %s): nginx %s rejects `%s off;` in location: %s", d.Name, d.Module, d.Value, n.version, d.Name, errLine)
		}
		delete(left, d.Name)
	}
	t.Logf("nginx %s accepted %d of %d location FLAG directives in one location", n.version, tested, len(ds))
	if tested < len(ds)/2 {
		t.Errorf("only %d directives tested", tested)
	}
}

// TestNginxDuplicate checks the dup column: a second `NAME off;` in the
// same location fails with `"NAME" directive is duplicate` exactly when
// the table says so.
func TestNginxDuplicate(t *testing.T) {
	n := needNginx(t)
	yes, no := 0, 0
	for _, d := range locationFlags(n) {
		if !n.built(d.Module) {
			continue
		}
		errLine := n.test(t, "        "+d.Name+" off;\n        "+d.Name+" off;\n")
		dup := strings.Contains(errLine, `"`+d.Name+`" directive is duplicate`)
		switch {
		case dup != d.Duplicate:
			t.Errorf("%s (%s): table says dup=%v, nginx -t: %q", d.Name, d.Value, d.Duplicate, errLine)
		case !dup && errLine != "":
			t.Errorf("%s: nginx -t: %s", d.Name, errLine)
		case dup:
			yes++
		default:
			no++
		}
	}
	t.Logf("duplicate rejected for %d, accepted for %d directives", yes, no)
	if yes == 0 {
		t.Error("no duplicate tested")
	}
}

// TestNginxUnknownInVersion checks since/until: an http location directive
// of nginx's own modules that the table has, but not for the binary's
// version, is an unknown directive for that binary.
func TestNginxUnknownInVersion(t *testing.T) {
	n := needNginx(t)
	checked := 0
	for _, d := range All() {
		if d.Repo != nginxRepo || d.Type != HTTP || d.Contexts&CtxHTTPLoc == 0 || len(LookupVersion(d.Name, n.version)) > 0 {
			continue
		}
		errLine := n.test(t, "        "+d.Name+" x;\n")
		if m := unknownRe.FindStringSubmatch(errLine); m == nil || m[1] != d.Name {
			t.Errorf("%s (%s..%s): nginx %s: %q, want unknown directive", d.Name, d.Since, d.Until, n.version, errLine)
		}
		checked++
	}
	t.Logf("%d directives unknown to nginx %s", checked, n.version)
}

// sampleValue returns a valid argument for a one-argument slot directive.
func sampleValue(d *Directive) (string, bool) {
	switch d.Kind {
	case "size", "off":
		return "8k", true
	case "msec", "sec":
		return "10s", true
	case "num":
		if d.Min != nil {
			return strconv.Itoa(*d.Min), true
		}
		return "1", true
	case "str":
		return "x", true
	case "enum", "bitmask":
		return d.Values[len(d.Values)-1], true
	}
	return "", false
}

// TestNginxSlotValues checks the context, argument count, value kind and
// dup columns of one-argument slot directives allowed in location: one
// occurrence with a value of the kind passes, a second one is rejected
// exactly when dup says so.
func TestNginxSlotValues(t *testing.T) {
	n := needNginx(t)
	seen := map[string]bool{}
	tested := 0
	for _, d := range All() {
		if d.Repo != nginxRepo || d.Type != HTTP || !d.InVersion(n.version) || d.Contexts&CtxHTTPLoc == 0 ||
			d.Args&Flag != 0 || !d.AcceptsArgCount(1) || seen[d.Name] || !n.built(d.Module) {
			continue
		}
		v, ok := sampleValue(d)
		if !ok {
			continue
		}
		seen[d.Name] = true
		line := "        " + d.Name + " " + v + ";\n"
		if errLine := n.test(t, line); errLine != "" {
			t.Errorf("%s (%s): `%s %s;` in location: %s", d.Name, d.Value, d.Name, v, errLine)
			continue
		}
		errLine := n.test(t, line+line)
		dup := strings.Contains(errLine, `"`+d.Name+`" directive is duplicate`)
		if dup != d.Duplicate || (!dup && errLine != "") {
			t.Errorf("%s (%s): table says dup=%v; twice: %q", d.Name, d.Value, d.Duplicate, errLine)
		}
		tested++
	}
	t.Logf("%d slot directives checked against nginx %s", tested, n.version)
	if tested < 50 {
		t.Errorf("only %d directives checked", tested)
	}
}

// TestNginxCustomDuplicate checks the dup column of custom handlers taking
// one argument in location: the first of a few candidate values that nginx
// accepts once is given twice.
func TestNginxCustomDuplicate(t *testing.T) {
	n := needNginx(t)
	seen := map[string]bool{}
	tested, untestable := 0, 0
	for _, d := range All() {
		if d.Repo != nginxRepo || d.Type != HTTP || !d.InVersion(n.version) || d.Contexts&CtxHTTPLoc == 0 ||
			d.Kind != "custom" || d.IsBlock() || !d.AcceptsArgCount(1) || seen[d.Name] || !n.built(d.Module) {
			continue
		}
		seen[d.Name] = true
		var line string
		for _, v := range []string{"off", "x", "1", "10s", "/tmp", "8k", "127.0.0.1:9000"} {
			l := "        " + d.Name + " " + v + ";\n"
			if n.test(t, l) == "" {
				line = l
				break
			}
		}
		if line == "" {
			untestable++
			continue
		}
		errLine := n.test(t, line+line)
		dup := strings.Contains(errLine, `"`+d.Name+`" directive is duplicate`)
		if dup != d.Duplicate {
			t.Errorf("%s (%s): table says dup=%v; `%s` twice: %q", d.Name, d.Value, d.Duplicate, strings.TrimSpace(line), errLine)
		} else if !dup && errLine != "" {
			// rejected for another reason (valid_referers off; off;
			// is a "conflicting parameter")
			t.Logf("%s: `%s` twice: %s", d.Name, strings.TrimSpace(line), errLine)
		}
		tested++
	}
	t.Logf("%d custom directives checked against nginx %s, %d without a simple value", tested, n.version, untestable)
}
