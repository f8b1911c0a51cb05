// Package profile holds what a distribution or container image decides
// that the configuration files do not say: the user nginx was compiled to
// run as when nginx.conf has no user directive, where php-fpm's main
// configuration lives and which prefix php-fpm was compiled with
// (semantics.md §7).
package profile

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fcgilint/fcgilint/lint/files"
)

// Profile is one distribution's or image's packaging of nginx and php-fpm.
type Profile struct {
	Name string
	// NginxUser and NginxGroup are nginx's compile-time NGX_USER and
	// NGX_GROUP: the workers' identity when nginx.conf has no user
	// directive and the master runs as root.
	NginxUser, NginxGroup string
	// FPMMains are the glob patterns of php-fpm's main configuration.
	FPMMains []string
	// FPMCompilePrefix is php-fpm's compile-time prefix (PHP_PREFIX), which
	// relative include and listen paths resolve against.
	FPMCompilePrefix string
	// Containers is set when nginx and php-fpm usually run in separate
	// containers, each with its own loopback.
	Containers bool
}

var profiles = map[string]*Profile{
	// Debian and Ubuntu configure nginx without --user: the stock nobody,
	// with the group nogroup because Debian's /etc/group has no "nobody"
	// (auto/unix checks at configure time); nginx.conf says www-data.
	"debian": {Name: "debian", NginxUser: "nobody", NginxGroup: "nogroup",
		FPMMains: []string{"/etc/php/*/fpm/php-fpm.conf"}, FPMCompilePrefix: "/usr"},
	"rhel": {Name: "rhel", NginxUser: "nginx", NginxGroup: "nginx",
		FPMMains: []string{"/etc/php-fpm.conf", "/etc/opt/remi/php*/php-fpm.conf"}, FPMCompilePrefix: "/usr"},
	"alpine": {Name: "alpine", NginxUser: "nginx", NginxGroup: "nginx",
		FPMMains: []string{"/etc/php*/php-fpm.conf"}, FPMCompilePrefix: "/usr"},
	// Arch builds nginx with --user=http --group=http and leaves the user
	// line of nginx.conf commented out.
	"arch": {Name: "arch", NginxUser: "http", NginxGroup: "http",
		FPMMains: []string{"/etc/php/php-fpm.conf", "/etc/php*/php-fpm.conf"}, FPMCompilePrefix: "/usr"},
	// The official nginx image (--user=nginx) next to the official php:fpm
	// image, whose php-fpm is built with the /usr/local prefix.
	"docker": {Name: "docker", NginxUser: "nginx", NginxGroup: "nginx",
		FPMMains: []string{"/usr/local/etc/php-fpm.conf"}, FPMCompilePrefix: "/usr/local", Containers: true},
}

// aliases maps other names users write to a profile.
var aliases = map[string]string{"ubuntu": "debian", "rocky": "rhel", "alma": "rhel", "almalinux": "rhel",
	"centos": "rhel", "fedora": "rhel", "redhat": "rhel", "archlinux": "arch", "container": "docker"}

// Get returns the profile called name (case-insensitive, with common
// aliases such as ubuntu and rocky), or nil.
func Get(name string) *Profile {
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[name]; ok {
		name = a
	}
	return profiles[name]
}

// Names lists the profiles.
func Names() []string {
	out := make([]string, 0, len(profiles))
	for n := range profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Detect names the profile of the target machine from its /etc/os-release
// (ID, then ID_LIKE), or "" when it cannot tell. It reads only a machine
// given with a root: without one, the files may be meant for another
// machine than the one fcgilint runs on.
func Detect(fs *files.FS) string {
	if fs == nil || fs.Root == "" {
		return ""
	}
	b, err := fs.ReadFile("/etc/os-release")
	if err != nil {
		b, err = fs.ReadFile("/usr/lib/os-release")
		if err != nil {
			return ""
		}
	}
	var ids []string
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || (k != "ID" && k != "ID_LIKE") {
			continue
		}
		v = strings.Trim(v, `"'`)
		if k == "ID" {
			ids = append(strings.Fields(v), ids...)
		} else {
			ids = append(ids, strings.Fields(v)...)
		}
	}
	for _, id := range ids {
		switch id = strings.ToLower(id); id {
		case "rhel", "fedora", "centos", "rocky", "almalinux":
			return "rhel"
		default:
			if p := Get(id); p != nil {
				return p.Name
			}
		}
	}
	return ""
}

// Resolve is the profile a check uses: the one named, else the one
// detected on the target machine, else nil (unknown).
func Resolve(name string, fs *files.FS) *Profile {
	if name != "" {
		return Get(name)
	}
	return Get(Detect(fs))
}

// allFPMMains are every place a profile puts php-fpm's main configuration.
func allFPMMains() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range Names() {
		for _, m := range profiles[n].FPMMains {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// FPMMains finds php-fpm's main configurations on the target machine, for
// a check given only nginx files: under the profile's places when a
// profile is known, else under every profile's places. It looks only when
// the files are a machine's (a root is given) or a profile says where the
// pools live; otherwise the php-fpm side is unknown and it returns nil,
// so that reachability is not judged against pools of the wrong machine.
func FPMMains(fs *files.FS, p *Profile) []string {
	if fs == nil || (fs.Root == "" && p == nil) {
		return nil
	}
	patterns := allFPMMains()
	if p != nil {
		patterns = p.FPMMains
	}
	var out []string
	seen := map[string]bool{}
	for _, pat := range patterns {
		matches, _ := fs.Glob(pat)
		for _, m := range matches {
			if !seen[m] && !fs.IsDir(m) {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// MirrorRoot is the directory a tree standing for a machine's / keeps its
// files under, judged from where its php-fpm main configuration sits:
// "repo" for repo/etc/php/8.2/fpm/php-fpm.conf. It is "" when the path is
// not one of the places a profile keeps php-fpm.conf, or is that place.
func MirrorRoot(mainPath string) string {
	p := filepath.ToSlash(filepath.Clean(mainPath))
	if !strings.HasPrefix(p, "/") {
		p = "./" + p
	}
	parts := strings.Split(p, "/")
	for _, pattern := range allFPMMains() {
		k := len(strings.Split(strings.TrimPrefix(pattern, "/"), "/"))
		if len(parts)-1 < k {
			continue
		}
		tail := "/" + strings.Join(parts[len(parts)-k:], "/")
		if ok, _ := path.Match(pattern, tail); ok {
			if root := strings.Join(parts[:len(parts)-k], "/"); root != "" {
				return filepath.FromSlash(path.Clean(root))
			}
		}
	}
	return ""
}
