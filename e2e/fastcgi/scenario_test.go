package fastcgie2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// descriptionFile is the file of a scenario directory that says what the
// scenario shows and what its author expects; every other file is a
// template rendered into the scenario's temporary root.
const descriptionFile = "scenario.txt"

// sharedDir holds templates rendered into every scenario's root before the
// scenario's own files (which win when both have the same path).
const sharedDir = "_shared"

// scenario is one directory of testdata/scenarios, parsed.
type scenario struct {
	name string
	src  string // the scenario's directory under testdata/scenarios

	what        string   // what the scenario shows (the "what:" lines)
	expect      string   // the outcome a browser sees: 200, 502, ..., or nginx-refuses
	expectFPM   string   // "", "starts" or "refuses"
	nginxLog    []string // substrings nginx's logs must contain
	fpmLog      []string // substrings php-fpm's logs must contain
	nginxMain   string   // main nginx config, relative to the root
	fpmMain     string   // main php-fpm config, relative to the root
	fpmPrefix   string   // template of php-fpm's -p (and fcgilint's --fpm-prefix); "" = none
	dirs        []dirSpec
	members     []groupMember // supplementary memberships added in a private /etc/group
	hostsLines  []string      // the lines of a private /etc/hosts
	needsACL    bool
	needsIPv6   bool // a non-loopback IPv6 address, see hasNonLoopbackIPv6
	requestPath string
}

type dirSpec struct {
	path  string // template, relative to the root or absolute under @DIR@
	mode  os.FileMode
	owner string // "user:group", "" = root:root
}

type groupMember struct{ group, user string }

// outcomes a scenario may expect.
var knownOutcomes = map[string]bool{
	"200": true, "200-not-php": true, "403": true, "404": true, "500": true, "502": true, "504": true,
	"nginx-refuses": true,
}

// loadScenarios reads every scenario directory under dir (directories
// whose name starts with "_" are not scenarios).
func loadScenarios(dir string) ([]*scenario, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*scenario
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		sc, err := parseScenario(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

func parseScenario(src string) (*scenario, error) {
	sc := &scenario{
		name:        filepath.Base(src),
		src:         src,
		nginxMain:   "nginx.conf",
		fpmMain:     "php-fpm.conf",
		requestPath: "/index.php",
	}
	path := filepath.Join(src, descriptionFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var what []string
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"key: value\"", path, n)
		}
		value = strings.TrimSpace(value)
		bad := func(why string) error { return fmt.Errorf("%s:%d: %s: %s", path, n, key, why) }
		switch key {
		case "what":
			what = append(what, value)
		case "expect":
			if !knownOutcomes[value] {
				return nil, bad("unknown outcome " + strconv.Quote(value))
			}
			sc.expect = value
		case "php-fpm":
			if value != "starts" && value != "refuses" {
				return nil, bad("want starts or refuses")
			}
			sc.expectFPM = value
		case "nginx-log":
			sc.nginxLog = append(sc.nginxLog, value)
		case "php-fpm-log":
			sc.fpmLog = append(sc.fpmLog, value)
		case "nginx-conf":
			sc.nginxMain = value
		case "php-fpm-conf":
			sc.fpmMain = value
		case "php-fpm-prefix":
			sc.fpmPrefix = value
		case "dir":
			// dir: PATH MODE [USER:GROUP]
			fields := strings.Fields(value)
			if len(fields) < 2 || len(fields) > 3 {
				return nil, bad("want PATH MODE [USER:GROUP]")
			}
			mode, err := strconv.ParseUint(fields[1], 8, 32)
			if err != nil {
				return nil, bad("mode is not octal")
			}
			d := dirSpec{path: fields[0], mode: os.FileMode(mode)}
			if len(fields) == 3 {
				d.owner = fields[2]
			}
			sc.dirs = append(sc.dirs, d)
		case "group-member":
			// group-member: GROUP USER
			fields := strings.Fields(value)
			if len(fields) != 2 {
				return nil, bad("want GROUP USER")
			}
			sc.members = append(sc.members, groupMember{fields[0], fields[1]})
		case "hosts":
			sc.hostsLines = append(sc.hostsLines, value)
		case "needs":
			switch value {
			case "acl":
				sc.needsACL = true
			case "non-loopback-ipv6":
				sc.needsIPv6 = true
			default:
				return nil, bad("want acl or non-loopback-ipv6")
			}
		case "request":
			sc.requestPath = value
		default:
			return nil, bad("unknown key")
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	sc.what = strings.Join(what, " ")
	if sc.what == "" || sc.expect == "" {
		return nil, fmt.Errorf("%s: \"what:\" and \"expect:\" are required", path)
	}
	return sc, nil
}

// placeholders are the values substituted into one scenario's templates.
type placeholders map[string]string

// unixPathMax is sizeof(sockaddr_un.sun_path) on Linux: a path must be
// shorter (it needs its NUL) for nginx to accept it, and php-fpm 8.2 cuts
// longer ones silently to unixPathMax-1 bytes.
const unixPathMax = 108

// newPlaceholders gives a scenario rooted at dir its ports and paths.
func newPlaceholders(dir string) (placeholders, error) {
	p := placeholders{
		"@DIR@":     dir,
		"@SOCKDIR@": filepath.Join(dir, "run"),
	}
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	p["@HTTP_PORT@"] = strconv.Itoa(ports[0])
	p["@PORT@"] = strconv.Itoa(ports[1])
	p["@PORT2@"] = strconv.Itoa(ports[2])
	p["@PORT3@"] = strconv.Itoa(ports[3])
	// @SOCK107@ is the longest socket path both daemons take whole;
	// @SOCK110@ extends it past sun_path, so php-fpm cuts it back to
	// @SOCK107@ and nginx refuses it.
	head := filepath.Join(dir, "run") + "/"
	pad := unixPathMax - 1 - len(head) - len(".sock")
	if pad < 1 {
		return nil, fmt.Errorf("temporary directory %s is too long for a 107-byte socket path", dir)
	}
	p["@SOCK107@"] = head + strings.Repeat("p", pad) + ".sock"
	p["@SOCK110@"] = p["@SOCK107@"] + "xyz"
	return p, nil
}

// freePorts returns n distinct TCP ports that are free on both IPv4 and
// IPv6: binding [::]:0 (dual stack, as net.ipv6.bindv6only=0) reserves the
// port on every loopback address a scenario may use.
func freePorts(n int) ([]int, error) {
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "[::]:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

var leftoverPlaceholder = regexp.MustCompile(`@[A-Z][A-Z0-9_]*@`)

func (p placeholders) render(text string) (string, error) {
	// Longest keys first, so that @PORT2@ is not read as @PORT@ + "2@".
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		text = strings.ReplaceAll(text, k, p[k])
	}
	if m := leftoverPlaceholder.FindString(text); m != "" {
		return "", fmt.Errorf("unknown placeholder %s", m)
	}
	return text, nil
}

// materialize renders the shared templates and then the scenario's into
// root, and creates the directories the daemons need.
func (sc *scenario) materialize(root string, p placeholders) error {
	for _, from := range []string{filepath.Join(filepath.Dir(sc.src), sharedDir), sc.src} {
		err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(from, path)
			if d.IsDir() || rel == descriptionFile || rel == "README.md" {
				return nil
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			text, err := p.render(string(raw))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			to := filepath.Join(root, rel)
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			return os.WriteFile(to, []byte(text), 0o644)
		})
		if err != nil {
			return err
		}
	}
	// run/ holds the sockets, log/ both daemons' logs, tmp/ nginx's
	// temporary files; 0755 root, as /run/php is on Debian.
	for _, d := range []string{"run", "log", "tmp", "www"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	for _, d := range sc.dirs {
		path, err := p.render(d.path)
		if err != nil {
			return err
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		if err := os.MkdirAll(path, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(path, d.mode); err != nil {
			return err
		}
		if d.owner != "" {
			uid, gid, err := lookupOwner(d.owner)
			if err != nil {
				return err
			}
			if err := os.Chown(path, uid, gid); err != nil {
				return err
			}
		}
	}
	return nil
}

func lookupOwner(owner string) (int, int, error) {
	userName, groupName, _ := strings.Cut(owner, ":")
	u, err := user.Lookup(userName)
	if err != nil {
		return 0, 0, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if groupName != "" {
		g, err := user.LookupGroup(groupName)
		if err != nil {
			return 0, 0, err
		}
		gid, _ = strconv.Atoi(g.Gid)
	}
	return uid, gid, nil
}

// overlays writes the private /etc/group and /etc/hosts a scenario asks
// for into root and returns the bind mounts (source -> target) that put
// them in place for the daemons and for fcgilint alike.
func (sc *scenario) overlays(root string) ([][2]string, error) {
	var mounts [][2]string
	if len(sc.members) > 0 {
		raw, err := os.ReadFile("/etc/group")
		if err != nil {
			return nil, err
		}
		lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
		for _, m := range sc.members {
			found := false
			for i, line := range lines {
				fields := strings.Split(line, ":")
				if len(fields) != 4 || fields[0] != m.group {
					continue
				}
				found = true
				if fields[3] == "" {
					fields[3] = m.user
				} else {
					fields[3] += "," + m.user
				}
				lines[i] = strings.Join(fields, ":")
			}
			if !found {
				return nil, fmt.Errorf("group-member: no group %q in /etc/group", m.group)
			}
		}
		path := filepath.Join(root, "overlay", "group")
		if err := writeOverlay(path, strings.Join(lines, "\n")+"\n"); err != nil {
			return nil, err
		}
		mounts = append(mounts, [2]string{path, "/etc/group"})
	}
	// A scenario whose outcome depends on what localhost resolves to pins
	// /etc/hosts, so that it shows the same thing on every machine.
	if len(sc.hostsLines) > 0 {
		text := strings.Join(sc.hostsLines, "\n") + "\n"
		path := filepath.Join(root, "overlay", "hosts")
		if err := writeOverlay(path, text); err != nil {
			return nil, err
		}
		mounts = append(mounts, [2]string{path, "/etc/hosts"})
	}
	return mounts, nil
}

func writeOverlay(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
