package fpm

import (
	"fmt"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/fcgilint/fcgilint/lint/diag"
)

// The checks below follow fpm_conf_post_process() and
// fpm_conf_process_all_pools() in sapi/fpm/fpm/fpm_conf.c, then the user,
// group and socket checks of fpm_unix.c and the address parsing of
// fpm_sockets.c, in php-fpm's order. php-fpm stops at the first failure;
// fcgilint reports them all.

// startFatal lists the rules whose errors stop php-fpm. Errors of other
// rules mean php-fpm starts but requests fail.
var startFatal = map[string]bool{
	"fpm-syntax": true, "fpm-unknown-entry": true, "fpm-invalid-value": true,
	"fpm-include-error": true, "fpm-no-pool": true, "fpm-missing-listen": true,
	"fpm-missing-pm": true, "fpm-pm-arithmetic": true, "fpm-missing-user": true,
	"fpm-user-root": true, "fpm-unknown-user": true, "fpm-acl-list-space": true,
	"fpm-duplicate-listen": true, "fpm-path-not-found": true, "fpm-listen-invalid": true,
	"fpm-socket-dir-missing": true,
}

// isStartFatal tells whether d makes php-fpm refuse to start.
func isStartFatal(d diag.Diagnostic) bool {
	return d.Severity == diag.Error && startFatal[d.Rule]
}

// setting returns the last assignment of a pool directive, or nil.
func (p *poolState) get(name string) *assignment { return p.scalars[name] }

func (l *loader) postProcess() {
	l.postProcessing = true
	l.accounts = loadAccounts(l.fs)
	l.buildGlobal()
	if !l.fragment {
		l.checkGlobal()
	}
	if len(l.pools) == 0 && !l.fragment && !l.includeFailed {
		// An include that fails stops php-fpm before it could count pools.
		loc := l.mainFileLocation()
		l.report("fpm-no-pool", diag.Error, loc,
			"no pool is defined: php-fpm refuses to start (\"No pool defined. at least one pool section must be specified in config file\"). Add a [www] section, or an include of the pool files (check that its pattern matches them)")
	}
	// pm.status_listen makes php-fpm create an extra pool named
	// "<pool>_status" that listens there; it takes part in the duplicate
	// listen check.
	var extra []*Pool
	for _, ps := range l.pools {
		l.checking = ps
		p := l.buildPool(ps)
		l.checking = nil
		l.cfg.Pools = append(l.cfg.Pools, p)
		if a := ps.get("pm.status_listen"); a != nil && a.value != "" {
			sp := &Pool{Name: p.Name + "_status", Starts: true, Sections: p.Sections}
			sp.Listen = l.resolveListen(ps, a.value, a.valueLoc, p.Prefix.Value)
			extra = append(extra, sp)
		}
	}
	l.checkDuplicateListen(append(append([]*Pool{}, l.cfg.Pools...), extra...))
}

// mainFileLocation is a whole-file location on the main configuration.
func (l *loader) mainFileLocation() diag.Location {
	return fileStart(l.cfg.Main)
}

func (l *loader) globalValue(name string) (Setting, *assignment) {
	a := l.global[name]
	if a == nil {
		d := LookupGlobal(name)
		def := ""
		if d != nil {
			def = d.Default
		}
		return Setting{Value: def}, nil
	}
	return Setting{Value: a.value, Set: true, Location: a.valueLoc, Directive: a.nameLoc}, a
}

func (l *loader) buildGlobal() {
	g := &l.cfg.Global
	g.Values = map[string]Setting{}
	for k := range l.global {
		g.Values[k], _ = l.globalValue(k)
	}
	g.Pid, _ = l.globalValue("pid")
	g.ErrorLog, _ = l.globalValue("error_log")
	g.LogLevel, _ = l.globalValue("log_level")
	g.Daemonize, _ = l.globalValue("daemonize")
	g.EventsMechanism, _ = l.globalValue("events.mechanism")
	if s, a := l.globalValue("process.max"); a != nil {
		g.ProcessMax = Int{atoiC(s.Value), true, s.Location}
	}
	if s, a := l.globalValue("process.priority"); a != nil {
		g.ProcessPriority = Int{atoiC(s.Value), true, s.Location}
	}
	// Global paths are relative to -p, else to PHP_LOCALSTATEDIR (/var).
	base := "/var"
	if l.opts.Prefix != "" {
		base = strings.TrimRight(l.opts.Prefix, "/")
	}
	if v := g.Pid.Value; v != "" && !strings.HasPrefix(v, "/") {
		g.Pid.Value = base + "/" + v
	}
	if v := g.ErrorLog.Value; !strings.EqualFold(v, "syslog") && !strings.HasPrefix(v, "/") {
		g.ErrorLog.Value = base + "/" + v
	}
}

func (l *loader) checkGlobal() {
	g := &l.cfg.Global
	if s, a := l.globalValue("log_limit"); a != nil && atoiC(s.Value) < 512 {
		l.report("fpm-invalid-value", diag.Error, s.Location,
			"log_limit = %d: php-fpm refuses to start (\"log_limit must be greater than 512\"). Use at least 512 (the default is 1024)", atoiC(s.Value))
	}
	if g.ProcessMax.Set && g.ProcessMax.Value < 0 {
		l.report("fpm-invalid-value", diag.Error, g.ProcessMax.Location,
			"process.max = %d: php-fpm refuses to start (\"process_max can't be negative\"). Use 0 (no limit) or a positive number", g.ProcessMax.Value)
	}
	if g.ProcessPriority.Set && (g.ProcessPriority.Value < -19 || g.ProcessPriority.Value > 20) {
		l.report("fpm-invalid-value", diag.Error, g.ProcessPriority.Location,
			"process.priority = %d: php-fpm refuses to start (\"process.priority must be included into [-19,20]\")", g.ProcessPriority.Value)
	}
	// The default error_log without -p is /var/log/php-fpm.log, whose
	// directory every system has; a snapshot given as --root may not, and
	// that is no finding.
	if !strings.EqualFold(g.ErrorLog.Value, "syslog") && (g.ErrorLog.Set || l.opts.Prefix != "") {
		l.checkFileDir(g.ErrorLog, "error_log", "failed to open error_log", l.mainFileLocation())
	}
	if g.EventsMechanism.Set {
		switch g.EventsMechanism.Value {
		case "epoll", "poll", "select", "":
		default:
			l.report("fpm-invalid-value", diag.Error, g.EventsMechanism.Location,
				"events.mechanism = %q is not available on Linux: php-fpm refuses to start (\"event mechanism '%s' is not available on this system\"). Use epoll, or remove the line to let php-fpm choose", g.EventsMechanism.Value, g.EventsMechanism.Value)
		}
	}
	if g.Pid.Set && !l.fs.IsDir(path.Dir(g.Pid.Value)) {
		l.report("fpm-path-not-found", diag.Warning, g.Pid.Location,
			"the directory of the PID file %s does not exist (under the root fcgilint reads): php-fpm passes -t but fails at start (\"Unable to create the PID file\") unless the service manager creates it first (systemd RuntimeDirectory, tmpfiles)", g.Pid.Value)
	}
}

// checkFileDir reports a log file whose directory does not exist: php-fpm
// opens it (O_CREAT) while it post-processes the configuration.
func (l *loader) checkFileDir(s Setting, name, phpMsg string, fallback diag.Location) {
	if s.Value == "" || strings.HasPrefix(s.Value, "/proc/") || strings.HasPrefix(s.Value, "/dev/") {
		return
	}
	dir := path.Dir(s.Value)
	if l.fs.IsDir(dir) {
		return
	}
	loc := s.Location
	how := "set here"
	if !s.Set {
		loc = fallback
		how = "the default"
	}
	l.report("fpm-path-not-found", diag.Error, loc,
		"%s is %s (%s) but the directory %s does not exist (under the root fcgilint reads): php-fpm refuses to start (\"%s\"). Create the directory or point %s elsewhere",
		name, s.Value, how, dir, phpMsg, name)
}

func (l *loader) poolSetting(ps *poolState, name string) Setting {
	a := ps.get(name)
	if a == nil {
		d := LookupPool(name)
		def := ""
		if d != nil {
			def = d.Default
		}
		return Setting{Value: def}
	}
	return Setting{Value: a.value, Set: true, Location: a.valueLoc, Directive: a.nameLoc}
}

func (l *loader) poolInt(ps *poolState, name string) Int {
	s := l.poolSetting(ps, name)
	d := LookupPool(name)
	v := 0
	if d != nil && d.Type == TypeTime {
		v = timeSeconds(s.Value)
	} else if s.Set {
		v = atoiC(s.Value)
	} else if s.Value != "" {
		v = atoiC(s.Value)
	}
	return Int{Value: v, Set: s.Set, Location: s.Location}
}

// fullPath is fpm_evaluate_full_path: a relative path is joined to the pool
// prefix, else the global prefix.
func (l *loader) fullPath(v, poolPrefix string) string {
	if v == "" || strings.HasPrefix(v, "/") {
		return v
	}
	prefix := poolPrefix
	if prefix == "" {
		prefix = l.cfg.Prefix
	}
	return prefix + "/" + v
}

func (l *loader) buildPool(ps *poolState) *Pool {
	p := &Pool{
		Name:           ps.name,
		Sections:       ps.sections,
		Values:         map[string]Setting{},
		PHPValues:      map[string]Setting{},
		PHPAdminValues: map[string]Setting{},
		Env:            map[string]Setting{},
		Starts:         true,
		UID:            -1,
		GID:            -1,
	}
	for k := range ps.scalars {
		p.Values[k] = l.poolSetting(ps, k)
	}
	header := ps.sections[0]
	complete := !l.fragment

	// prefix
	p.Prefix = l.poolSetting(ps, "prefix")
	if p.Prefix.Set && p.Prefix.Value != "" {
		p.Prefix.Value = l.fullPath(p.Prefix.Value, "")
		if !l.fs.IsDir(p.Prefix.Value) {
			l.report("fpm-path-not-found", diag.Error, p.Prefix.Location,
				"[pool %s] prefix %s does not exist or is not a directory (under the root fcgilint reads): php-fpm refuses to start (\"the prefix '%s' does not exist or is not a directory\")", p.Name, p.Prefix.Value, p.Prefix.Value)
		}
	}
	poolPrefix := ""
	if p.Prefix.Set && p.Prefix.Value != "" {
		poolPrefix = p.Prefix.Value
	}

	// user (post-processing only checks that it is defined)
	p.User = l.poolSetting(ps, "user")
	p.Group = l.poolSetting(ps, "group")
	if complete && !p.User.Set && l.opts.MasterIsRoot && !l.opts.AllowRoot {
		l.report("fpm-missing-user", diag.Error, header,
			"[pool %s] has no 'user' and the master runs as root: php-fpm refuses to start (\"[pool %s] user has not been defined\"); every request nginx sends to it fails with 502. Add 'user = www-data' (or your distribution's PHP user)", p.Name, p.Name)
	}

	// listen
	listen := l.poolSetting(ps, "listen")
	if listen.Value == "" {
		if complete || listen.Set {
			loc := header
			why := ""
			if listen.Set {
				loc = listen.Location
				why = " (it is set, but to an empty value"
				if a := ps.get("listen"); a != nil && len(a.stmt.Vars) > 0 {
					why += fmt.Sprintf(": ${%s} is empty or unset", a.stmt.Vars[0].Name)
				}
				why += ")"
			}
			l.report("fpm-missing-listen", diag.Error, loc,
				"[pool %s] has no listen address%s: php-fpm refuses to start (\"[pool %s] no listen address have been defined!\"); every request nginx sends to it fails with 502. Add e.g. 'listen = /run/php/php-fpm.sock' or 'listen = 127.0.0.1:9000'", p.Name, why, p.Name)
		}
	} else {
		p.Listen = l.resolveListen(ps, listen.Value, listen.Location, poolPrefix)
	}

	// process.priority
	if pr := l.poolInt(ps, "process.priority"); pr.Set && (pr.Value < -19 || pr.Value > 20) {
		l.report("fpm-invalid-value", diag.Error, pr.Location,
			"[pool %s] process.priority = %d: php-fpm refuses to start (\"process.priority must be included into [-19,20]\")", p.Name, pr.Value)
	}

	l.checkPM(ps, p, header, complete)

	// status and ping paths
	statusListen := l.poolSetting(ps, "pm.status_listen")
	p.StatusPath = l.poolSetting(ps, "pm.status_path")
	l.checkURIPath(p, p.StatusPath, "status", statusListen.Value != "")
	p.PingPath = l.poolSetting(ps, "ping.path")
	l.checkURIPath(p, p.PingPath, "ping", false)

	// access log, slowlog
	p.AccessLog = l.poolSetting(ps, "access.log")
	if p.AccessLog.Value != "" {
		p.AccessLog.Value = l.fullPath(p.AccessLog.Value, poolPrefix)
		l.checkFileDir(p.AccessLog, "access.log", "Unable to create or open access log", header)
	}
	p.RequestTerminateTimeout = l.poolInt(ps, "request_terminate_timeout")
	p.RequestSlowlogTimeout = l.poolInt(ps, "request_slowlog_timeout")
	p.Slowlog = l.poolSetting(ps, "slowlog")
	if p.Slowlog.Value != "" {
		p.Slowlog.Value = l.fullPath(p.Slowlog.Value, poolPrefix)
	}
	if p.RequestSlowlogTimeout.Value != 0 {
		if p.Slowlog.Value == "" {
			l.report("fpm-invalid-value", diag.Error, p.RequestSlowlogTimeout.Location,
				"[pool %s] request_slowlog_timeout is set but slowlog is not: php-fpm refuses to start (\"'slowlog' must be specified for use with 'request_slowlog_timeout'\"). Add 'slowlog = /var/log/php-fpm/$pool.slow.log' or remove request_slowlog_timeout", p.Name)
		} else {
			l.checkFileDir(p.Slowlog, "slowlog", "Unable to create or open slowlog", header)
		}
		if p.RequestTerminateTimeout.Value != 0 && p.RequestSlowlogTimeout.Value > p.RequestTerminateTimeout.Value {
			d := l.report("fpm-invalid-value", diag.Error, p.RequestSlowlogTimeout.Location,
				"[pool %s] request_slowlog_timeout (%ds) is greater than request_terminate_timeout (%ds): php-fpm refuses to start (\"'request_slowlog_timeout' (%d) can't be greater than 'request_terminate_timeout' (%d)\"). Lower request_slowlog_timeout",
				p.Name, p.RequestSlowlogTimeout.Value, p.RequestTerminateTimeout.Value, p.RequestSlowlogTimeout.Value, p.RequestTerminateTimeout.Value)
			d.Related = []diag.Related{{Location: p.RequestTerminateTimeout.Location, Message: "request_terminate_timeout"}}
		}
	}
	if depth := l.poolInt(ps, "request_slowlog_trace_depth"); depth.Set && depth.Value != 0 {
		if p.Slowlog.Value == "" {
			l.report("fpm-invalid-value", diag.Error, depth.Location,
				"[pool %s] request_slowlog_trace_depth is set but slowlog is not: php-fpm refuses to start (\"'slowlog' must be specified for use with 'request_slowlog_trace_depth'\")", p.Name)
		} else if depth.Value < 0 {
			l.report("fpm-invalid-value", diag.Error, depth.Location,
				"[pool %s] request_slowlog_trace_depth = %d: php-fpm refuses to start (\"must be a positive value\")", p.Name, depth.Value)
		}
	}

	l.checkChrootChdir(ps, p, poolPrefix)

	// security.limit_extensions
	p.LimitExtensionsWhere = l.poolSetting(ps, "security.limit_extensions")
	p.LimitExtensions = strings.Fields(p.LimitExtensionsWhere.Value)

	p.ClearEnv = l.poolSetting(ps, "clear_env")

	// arrays: the first definition of a key wins (php-fpm prepends)
	for _, a := range ps.arrays {
		var m map[string]Setting
		switch a.dir.Name {
		case "php_value", "php_flag":
			m = p.PHPValues
		case "php_admin_value", "php_admin_flag":
			m = p.PHPAdminValues
		case "env":
			m = p.Env
		default:
			continue
		}
		if prev, dup := m[a.key]; dup {
			d := l.report("fpm-array-duplicate", diag.Warning, a.nameLoc,
				"[pool %s] %s[%s] is set again; php-fpm keeps the FIRST value (%q), not this one (%q). Remove one of them", p.Name, a.dir.Name, a.key, prev.Value, a.value)
			d.Related = []diag.Related{{Location: prev.Location, Message: "the value php-fpm uses"}}
			continue
		}
		v := a.value
		// php-fpm makes these php.ini paths absolute with the pool prefix
		// when there is no chroot (except error_log = syslog).
		if (a.dir.Name == "php_value" || a.dir.Name == "php_admin_value") && p.Chroot.Value == "" && expandsPath(a.key) &&
			!(a.dir.Name == "php_admin_value" && strings.EqualFold(a.key, "error_log") && strings.EqualFold(v, "syslog")) {
			v = l.fullPath(v, poolPrefix)
		}
		m[a.key] = Setting{Value: v, Set: true, Location: a.valueLoc, Directive: a.nameLoc}
	}

	l.resolveUsers(ps, p)
	l.resolveSocket(ps, p)
	l.parseAllowedClients(ps, p)
	return p
}

func (l *loader) checkPM(ps *poolState, p *Pool, header diag.Location, complete bool) {
	p.PM = l.poolSetting(ps, "pm")
	p.PM.Value = strings.ToLower(p.PM.Value)
	p.MaxChildren = l.poolInt(ps, "pm.max_children")
	p.StartServers = l.poolInt(ps, "pm.start_servers")
	p.MinSpareServers = l.poolInt(ps, "pm.min_spare_servers")
	p.MaxSpareServers = l.poolInt(ps, "pm.max_spare_servers")
	p.MaxSpawnRate = l.poolInt(ps, "pm.max_spawn_rate")
	p.ProcessIdleTimeout = l.poolInt(ps, "pm.process_idle_timeout")
	p.MaxRequests = l.poolInt(ps, "pm.max_requests")
	if !p.MaxSpawnRate.Set {
		p.MaxSpawnRate.Value = 32
	}
	if !p.ProcessIdleTimeout.Set {
		p.ProcessIdleTimeout.Value = 10
	}
	if !complete {
		// Another file may set the rest of the pool; check only what is
		// wrong whatever the other files say.
		if p.MaxChildren.Set && p.MaxChildren.Value < 1 {
			l.pmError(p, p.MaxChildren.Location, "pm.max_children must be a positive value", "pm.max_children = %d: it must be at least 1", p.MaxChildren.Value)
		}
		return
	}
	if !p.PM.Set {
		l.report("fpm-missing-pm", diag.Error, header,
			"[pool %s] has no 'pm': php-fpm refuses to start (\"the process manager is missing (static, dynamic or ondemand)\"); every request nginx sends to it fails with 502. Add e.g. 'pm = dynamic' with pm.max_children, pm.start_servers, pm.min_spare_servers and pm.max_spare_servers", p.Name)
		return
	}
	at := func(i Int) diag.Location {
		if i.Set {
			return i.Location
		}
		return p.PM.Location
	}
	if p.MaxChildren.Value < 1 {
		l.pmError(p, at(p.MaxChildren), "pm.max_children must be a positive value", "pm.max_children is %s: it must be at least 1", setOrUnset(p.MaxChildren))
		return
	}
	switch p.PM.Value {
	case "dynamic":
		mn, mx, mc := p.MinSpareServers, p.MaxSpareServers, p.MaxChildren.Value
		if mn.Value <= 0 {
			l.pmError(p, at(mn), fmt.Sprintf("pm.min_spare_servers(%d) must be a positive value", mn.Value), "pm = dynamic needs pm.min_spare_servers of at least 1 (it is %s)", setOrUnset(mn))
			return
		}
		if mx.Value <= 0 {
			l.pmError(p, at(mx), fmt.Sprintf("pm.max_spare_servers(%d) must be a positive value", mx.Value), "pm = dynamic needs pm.max_spare_servers of at least 1 (it is %s)", setOrUnset(mx))
			return
		}
		if mn.Value > mc || mx.Value > mc {
			where := mx
			if mn.Value > mc {
				where = mn
			}
			l.pmError(p, at(where), fmt.Sprintf("pm.min_spare_servers(%d) and pm.max_spare_servers(%d) cannot be greater than pm.max_children(%d)", mn.Value, mx.Value, mc),
				"pm.min_spare_servers (%d) and pm.max_spare_servers (%d) must not exceed pm.max_children (%d)", mn.Value, mx.Value, mc)
			return
		}
		if mx.Value < mn.Value {
			l.pmError(p, at(mx), fmt.Sprintf("pm.max_spare_servers(%d) must not be less than pm.min_spare_servers(%d)", mx.Value, mn.Value),
				"pm.max_spare_servers (%d) is less than pm.min_spare_servers (%d)", mx.Value, mn.Value)
			return
		}
		st := p.StartServers
		if st.Value <= 0 {
			p.StartServers.Value = mn.Value + (mx.Value-mn.Value)/2
		} else if st.Value < mn.Value || st.Value > mx.Value {
			l.pmError(p, at(st), fmt.Sprintf("pm.start_servers(%d) must not be less than pm.min_spare_servers(%d) and not greater than pm.max_spare_servers(%d)", st.Value, mn.Value, mx.Value),
				"pm.start_servers (%d) must lie between pm.min_spare_servers (%d) and pm.max_spare_servers (%d)", st.Value, mn.Value, mx.Value)
			return
		}
		if p.MaxSpawnRate.Value < 1 {
			l.pmError(p, at(p.MaxSpawnRate), "pm.max_spawn_rate must be a positive value", "pm.max_spawn_rate is %d: it must be at least 1", p.MaxSpawnRate.Value)
		}
	case "ondemand":
		if p.ProcessIdleTimeout.Value < 1 {
			l.pmError(p, at(p.ProcessIdleTimeout), fmt.Sprintf("pm.process_idle_timeout(%ds) must be greater than 0s", p.ProcessIdleTimeout.Value),
				"pm.process_idle_timeout is %ds: it must be at least 1s", p.ProcessIdleTimeout.Value)
		}
		p.StartServers.Value, p.MinSpareServers.Value, p.MaxSpareServers.Value = 0, 0, 0
	}
}

func expandsPath(key string) bool {
	for _, k := range phpIniToExpand {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

func setOrUnset(i Int) string {
	if !i.Set {
		return "not set"
	}
	return strconv.Itoa(i.Value)
}

func (l *loader) pmError(p *Pool, loc diag.Location, phpMsg, format string, args ...any) {
	l.report("fpm-pm-arithmetic", diag.Error, loc,
		"[pool %s] %s: php-fpm refuses to start (\"[pool %s] %s\"); every request nginx sends to it fails with 502", p.Name, fmt.Sprintf(format, args...), p.Name, phpMsg)
}

// checkURIPath checks pm.status_path and ping.path.
func (l *loader) checkURIPath(p *Pool, s Setting, what string, hasStatusListen bool) {
	v := s.Value
	if v == "" {
		return
	}
	name := "pm.status_path"
	if what == "ping" {
		name = "ping.path"
	}
	fail := func(problem, php string) {
		l.report("fpm-invalid-value", diag.Error, s.Location,
			"[pool %s] %s %q %s: php-fpm refuses to start (\"the %s path '%s' %s\")", p.Name, name, v, problem, what, v, php)
	}
	if v[0] != '/' {
		fail("must start with '/'", "must start with a '/'")
		return
	}
	if len(v) < 2 && !hasStatusListen {
		fail("is too short (at least 2 characters)", "is not long enough")
		return
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/-_.~", c) >= 0) {
			fail("may only contain letters, digits and / _ - . ~", "must contain only the following characters '[alphanum]/_-.~'")
			return
		}
	}
}

func (l *loader) checkChrootChdir(ps *poolState, p *Pool, poolPrefix string) {
	p.Chroot = l.poolSetting(ps, "chroot")
	if v := p.Chroot.Value; v != "" {
		if strings.Contains(v, "$prefix") && !strings.HasPrefix(v, "$prefix") {
			l.report("fpm-invalid-value", diag.Error, p.Chroot.Location,
				"[pool %s] chroot uses $prefix, but not at the start: php-fpm refuses to start (\"'$prefix' must be use at the beginning of the value\")", p.Name)
			return
		}
		if !strings.HasPrefix(v, "/") {
			rest := strings.TrimPrefix(v, "$prefix")
			prefix := poolPrefix
			if prefix == "" {
				prefix = l.cfg.Prefix
			}
			if rest == "" {
				v = prefix
			} else {
				v = prefix + "/" + rest
			}
		}
		p.Chroot.Value = v
		if !strings.HasPrefix(v, "/") {
			l.report("fpm-invalid-value", diag.Error, p.Chroot.Location,
				"[pool %s] chroot %q is not absolute: php-fpm refuses to start (\"the chroot path '%s' must start with a '/'\")", p.Name, v, v)
		} else if !l.fs.IsDir(v) {
			l.report("fpm-path-not-found", diag.Error, p.Chroot.Location,
				"[pool %s] chroot %s does not exist or is not a directory (under the root fcgilint reads): php-fpm refuses to start (\"the chroot path '%s' does not exist or is not a directory\")", p.Name, v, v)
		}
	}
	p.Chdir = l.poolSetting(ps, "chdir")
	if v := p.Chdir.Value; v != "" {
		v = l.fullPath(v, poolPrefix)
		p.Chdir.Value = v
		if !strings.HasPrefix(v, "/") {
			l.report("fpm-invalid-value", diag.Error, p.Chdir.Location,
				"[pool %s] chdir %q is not absolute: php-fpm refuses to start (\"the chdir path '%s' must start with a '/'\")", p.Name, v, v)
			return
		}
		if p.Chroot.Set && p.Chroot.Value != "" {
			full := p.Chroot.Value + "/" + v
			if !l.fs.IsDir(full) {
				l.report("fpm-path-not-found", diag.Error, p.Chdir.Location,
					"[pool %s] chdir %s does not exist inside the chroot %s (%s, under the root fcgilint reads): php-fpm refuses to start (\"the chdir path ... within the chroot path ... does not exist or is not a directory\")", p.Name, v, p.Chroot.Value, path.Clean(full))
			}
		} else if !l.fs.IsDir(v) {
			l.report("fpm-path-not-found", diag.Error, p.Chdir.Location,
				"[pool %s] chdir %s does not exist or is not a directory (under the root fcgilint reads): php-fpm refuses to start (\"the chdir path '%s' does not exist or is not a directory\")", p.Name, v, v)
		}
	}
}

// resolveListen classifies a listen value as fpm_sockets.c does and computes
// the socket php-fpm will create.
func (l *loader) resolveListen(ps *poolState, v string, loc diag.Location, poolPrefix string) Listen {
	ls := Listen{Raw: v, Location: loc}
	allDigits := v != ""
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			allDigits = false
			break
		}
	}
	switch {
	case strings.Contains(v, ":") || allDigits:
		ls.Kind = ListenTCP
		l.resolveTCP(ps, &ls)
	default:
		ls.Kind = ListenUnix
		ls.Path = l.fullPath(v, poolPrefix)
		if len(ls.Path) >= 108 {
			ls.PathTruncated = true
			l.report("fpm-listen-ambiguous", diag.Warning, loc,
				"[pool %s] the socket path %s is %d bytes; unix socket paths are limited to 107, so php-fpm 8.2 silently binds the truncated path %s and nginx (which refuses paths this long) cannot reach it. Use a shorter path",
				ps.name, ls.Path, len(ls.Path), ls.Path[:107])
			ls.Path = ls.Path[:107]
		}
		if looksLikeAddress(v) {
			l.report("fpm-listen-ambiguous", diag.Warning, loc,
				"[pool %s] listen = %s has no port, so php-fpm treats it as a unix socket path (%s), not an IP address. Write %s:9000 for TCP", ps.name, v, ls.Path, v)
		}
		dir := path.Dir(ls.Path)
		if !l.fs.IsDir(dir) {
			if l.fs.Root != "" && !runtimeDir(dir) {
				// On the target machine, a directory outside /run that is
				// missing now is missing at start too: no service manager
				// makes it.
				l.report("fpm-socket-dir-missing", diag.Error, loc,
					"[pool %s] the socket directory %s does not exist on the target machine: php-fpm never creates it and refuses to start (\"unable to bind listening socket ... No such file or directory\"), so nginx gets 502. Create the directory or move the socket", ps.name, dir)
			} else {
				l.report("fpm-socket-dir-missing", diag.Warning, loc,
					"[pool %s] the socket directory %s does not exist (under the root fcgilint reads): php-fpm never creates it, so unless the service manager does (tmpfiles, RuntimeDirectory) it fails at start (\"unable to bind listening socket ... No such file or directory\") and nginx gets 502", ps.name, dir)
			}
		}
	}
	return ls
}

// runtimeDir reports whether dir lies in the tmpfs that service managers
// fill at boot or at service start (tmpfiles.d, RuntimeDirectory=): its
// absence on a machine whose php-fpm is stopped says nothing.
func runtimeDir(dir string) bool {
	return dir == "/run" || dir == "/var/run" || strings.HasPrefix(dir, "/run/") || strings.HasPrefix(dir, "/var/run/")
}

func looksLikeAddress(v string) bool {
	if strings.EqualFold(v, "localhost") {
		return true
	}
	_, err := netip.ParseAddr(v)
	return err == nil
}

func (l *loader) resolveTCP(ps *poolState, ls *Listen) {
	v := ls.Raw
	host, port := "", v
	if i := strings.LastIndexByte(v, ':'); i >= 0 {
		host, port = v[:i], v[i+1:]
		// one pair of brackets is stripped
		if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
			host = host[1 : len(host)-1]
		}
	}
	ls.Host = host
	ls.Port = atoiC(port)
	if ls.Port < 1 || ls.Port > 65535 {
		l.report("fpm-listen-invalid", diag.Error, ls.Location,
			"[pool %s] listen = %s: port %q is not in 1..65535; php-fpm passes -t but fails at start (\"invalid port value '%s'\"), so nginx gets 502. Use a port such as 9000", ps.name, v, port, port)
		return
	}
	if strings.Contains(v, ":") && !isDigits(port) {
		l.report("fpm-listen-invalid", diag.Error, ls.Location,
			"[pool %s] listen = %s: the port %q has trailing characters; php-fpm passes -t but fails at start (\"getaddrinfo: Servname not supported for ai_socktype\"). Write %s:%d", ps.name, v, port, host, ls.Port)
		return
	}
	if !strings.Contains(v, ":") {
		ls.Family = "dual"
		ls.Addresses = []string{"::"}
		return
	}
	if host == "" {
		l.report("fpm-listen-invalid", diag.Error, ls.Location,
			"[pool %s] listen = %s has an empty host: php-fpm fails at start (\"getaddrinfo: Name or service not known\"). Write the port alone (%s) for every address, or 127.0.0.1:%s", ps.name, v, port, port)
		return
	}
	if a, err := netip.ParseAddr(host); err == nil {
		switch {
		case a.Is4():
			ls.Family = "ipv4"
		case a.IsUnspecified():
			ls.Family = "dual"
		default:
			ls.Family = "ipv6"
		}
		ls.Addresses = []string{a.String()}
		return
	}
	ls.HostDependent = true
	switch {
	case host == "*":
		// glibc resolves "*" like a NULL node without AI_PASSIVE: loopback.
		ls.Family = "ipv6"
		ls.Addresses = []string{"::1"}
		l.report("fpm-listen-ambiguous", diag.Warning, ls.Location,
			"[pool %s] listen = %s does not mean every interface: with glibc php-fpm binds the loopback address ::1 only, so clients on other hosts, containers or over IPv4 are refused. Write the port alone (%s) for every address, or 127.0.0.1:%s", ps.name, v, port, port)
	default:
		addrs := preferIPv6(l.accounts.hostAddrs(host))
		if len(addrs) > 0 {
			ls.Addresses = []string{addrs[0]}
			if a, err := netip.ParseAddr(addrs[0]); err == nil {
				if a.Is4() {
					ls.Family = "ipv4"
				} else {
					ls.Family = "ipv6"
				}
			}
		}
		if strings.EqualFold(host, "localhost") {
			bound := "the first address /etc/hosts gives for localhost"
			if len(addrs) > 0 {
				bound = addrs[0]
			}
			l.report("fpm-listen-ambiguous", diag.Warning, ls.Location,
				"[pool %s] listen = %s binds only one address, %s (php-fpm takes the first one getaddrinfo returns and ignores the rest); with '::1 localhost' in /etc/hosts that is ::1 and nginx's fastcgi_pass 127.0.0.1:%s is refused. Write 127.0.0.1:%s", ps.name, v, bound, port, port)
		} else if len(addrs) == 0 {
			l.report("fpm-listen-ambiguous", diag.Warning, ls.Location,
				"[pool %s] listen = %s depends on resolving %q when php-fpm starts; if it cannot be resolved then, php-fpm fails (\"getaddrinfo: Name or service not known\"). Prefer an IP address", ps.name, v, host)
		}
	}
}

// preferIPv6 orders addresses as glibc's getaddrinfo does with the default
// gai.conf precedence table: IPv6 (::1/128 has precedence 50) before IPv4
// (::ffff:0:0/96, 35), file order within a family. That is why
// "localhost:9000" binds ::1 with Debian's /etc/hosts, where 127.0.0.1 comes
// first.
func preferIPv6(addrs []string) []string {
	var v6, v4 []string
	for _, a := range addrs {
		if strings.Contains(a, ":") {
			v6 = append(v6, a)
		} else {
			v4 = append(v4, a)
		}
	}
	return append(v6, v4...)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (l *loader) checkDuplicateListen(pools []*Pool) {
	seen := map[string]*Pool{}
	for _, p := range pools {
		key := p.Listen.Raw
		if p.Listen.Kind == ListenUnix {
			key = p.Listen.Path
			if p.Listen.PathTruncated {
				key = p.Listen.Raw
			}
		}
		if key == "" {
			continue
		}
		if first, dup := seen[key]; dup {
			l.markFatal(p)
			d := l.report("fpm-duplicate-listen", diag.Error, p.Listen.Location,
				"[pool %s] listens on %s, which pool [%s] already uses: php-fpm refuses to start (\"[pool %s] unable to set listen address as it's already used in another pool '%s'\"). Give each pool its own socket, e.g. /run/php/$pool.sock", p.Name, key, first.Name, p.Name, first.Name)
			d.Related = []diag.Related{{Location: first.Listen.Location, Message: fmt.Sprintf("pool [%s] listens here", first.Name)}}
			continue
		}
		seen[key] = p
	}
	l.checkPortConflicts(pools)
}

// checkPortConflicts finds TCP pools whose listen strings differ but whose
// sockets collide in the kernel: the same port on the same address, or on
// a wildcard address that covers the other (0.0.0.0 covers IPv4; "::" and a
// port alone cover IPv4 and IPv6, as php-fpm never sets IPV6_V6ONLY).
// php-fpm passes -t and fails at start with EADDRINUSE.
func (l *loader) checkPortConflicts(pools []*Pool) {
	for i, a := range pools {
		for _, b := range pools[:i] {
			if a.Listen.Kind != ListenTCP || b.Listen.Kind != ListenTCP || a.Listen.Port != b.Listen.Port ||
				a.Listen.Raw == b.Listen.Raw || len(a.Listen.Addresses) == 0 || len(b.Listen.Addresses) == 0 {
				continue
			}
			if !addressesOverlap(a.Listen.Addresses[0], b.Listen.Addresses[0]) {
				continue
			}
			l.markFatal(a)
			d := l.report("fpm-duplicate-listen", diag.Error, a.Listen.Location,
				"[pool %s] listen = %s binds port %d, which pool [%s] already binds (listen = %s) on an overlapping address: php-fpm passes -t but fails at start (\"unable to bind listening socket for address '%s': Address already in use\"). Give each pool its own port",
				a.Name, a.Listen.Raw, a.Listen.Port, b.Name, b.Listen.Raw, a.Listen.Raw)
			d.Related = []diag.Related{{Location: b.Listen.Location, Message: fmt.Sprintf("pool [%s] binds port %d here", b.Name, b.Listen.Port)}}
			break
		}
	}
}

// markFatal flags a pool (by name) whose error is found across pools.
func (l *loader) markFatal(p *Pool) {
	for _, ps := range l.pools {
		if ps.name == p.Name {
			ps.fatal = true
		}
	}
}

func addressesOverlap(x, y string) bool {
	ax, err1 := netip.ParseAddr(x)
	ay, err2 := netip.ParseAddr(y)
	if err1 != nil || err2 != nil {
		return x == y
	}
	ax, ay = ax.Unmap(), ay.Unmap()
	if ax == ay {
		return true
	}
	covers := func(w, o netip.Addr) bool {
		if !w.IsUnspecified() {
			return false
		}
		if w.Is6() {
			return true // dual-stack: every IPv6 and IPv4 address
		}
		return o.Is4()
	}
	return covers(ax, ay) || covers(ay, ax)
}

// resolveUsers is fpm_unix_conf_wp: user and group lookups, and the refusal
// to run workers as root.
func (l *loader) resolveUsers(ps *poolState, p *Pool) {
	if !l.opts.MasterIsRoot {
		// php-fpm ignores user and group (with a NOTICE) when not root.
		return
	}
	a := l.accounts
	uid, gid := 0, 0
	gidKnown := false
	userName := ""
	if p.User.Set && p.User.Value != "" {
		u, known := a.lookupUser(p.User.Value)
		if !known {
			l.unknownAccount(p, p.User, "user", "cannot get uid for user '%s'")
			return
		} else {
			uid = u.uid
			userName = u.name
			if u.gid >= 0 {
				gid, gidKnown = u.gid, true
			}
		}
		p.UID = uid
	}
	if p.Group.Set && p.Group.Value != "" {
		g, _, known := a.lookupGroup(p.Group.Value)
		if !known {
			l.unknownAccount(p, p.Group, "group", "cannot get gid for group '%s'")
			return
		}
		gid, gidKnown = g, true
	}
	if gidKnown {
		p.GID = gid
	}
	_ = userName
	if !p.User.Set || l.opts.AllowRoot {
		return
	}
	if uid == 0 || gid == 0 {
		loc := p.User.Location
		what := fmt.Sprintf("user = %s", p.User.Value)
		switch {
		case p.User.Value == "":
			what = "user is empty (e.g. 'user = none', which the INI parser reads as an empty string), so the workers would stay root"
		case uid == 0:
			what = fmt.Sprintf("user %s is root (uid 0)", p.User.Value)
		case p.Group.Set && p.Group.Value != "":
			what = fmt.Sprintf("group %s is root (gid 0)", p.Group.Value)
			loc = p.Group.Location
		default:
			what = fmt.Sprintf("user %s has no passwd entry, so there is no primary group and the workers' group would stay root (gid 0)", p.User.Value)
		}
		l.report("fpm-user-root", diag.Error, loc,
			"[pool %s] %s: php-fpm passes -t but refuses to start without --allow-to-run-as-root (\"please specify user and group other than root\"); every request nginx sends to it fails with 502. Run the pool as an unprivileged user such as www-data", p.Name, what)
	}
}

func (l *loader) unknownAccount(p *Pool, s Setting, what, phpFmt string) {
	file := "/etc/passwd"
	if strings.Contains(what, "group") {
		file = "/etc/group"
	}
	l.report("fpm-unknown-user", diag.Error, s.Location,
		"[pool %s] %s %q does not exist in %s (under the root fcgilint reads): php-fpm refuses to start (\""+phpFmt+"\"); every request nginx sends to it fails with 502. Create it, or use an existing %s",
		p.Name, strings.ReplaceAll(what, "_", "."), s.Value, file, s.Value, strings.TrimPrefix(strings.TrimPrefix(what, "listen."), "acl "))
}

// resolveSocket is fpm_unix_resolve_socket_permissions plus what
// fpm_unix_set_socket_permissions and the kernel do at bind time.
func (l *loader) resolveSocket(ps *poolState, p *Pool) {
	a := l.accounts
	sock := &p.Socket
	sock.OwnerUID, sock.GroupGID = 0, 0
	sock.Owner, sock.Group = "root", "root"
	if !l.opts.MasterIsRoot {
		sock.Owner, sock.Group = "", ""
		sock.OwnerUID, sock.GroupGID = -1, -1
	}
	owner := l.poolSetting(ps, "listen.owner")
	group := l.poolSetting(ps, "listen.group")
	mode := l.poolSetting(ps, "listen.mode")
	aclUsers := l.poolSetting(ps, "listen.acl_users")
	aclGroups := l.poolSetting(ps, "listen.acl_groups")
	hasACL := aclUsers.Value != "" || aclGroups.Value != ""

	ownerUID, ownerGID, groupGID := -1, -1, -1
	if owner.Value != "" {
		if u, known := a.lookupUser(owner.Value); !known {
			l.unknownAccount(p, owner, "listen.owner", "cannot get uid for user '%s'")
		} else {
			ownerUID = u.uid
			if _, numeric := isNumericID(owner.Value); !numeric {
				ownerGID = u.gid
			}
		}
	}
	if group.Value != "" {
		if g, _, known := a.lookupGroup(group.Value); !known {
			l.unknownAccount(p, group, "listen.group", "cannot get gid for group '%s'")
		} else {
			groupGID = g
		}
	}
	sock.Mode = 0o660
	if mode.Set {
		sock.ModeLocation = mode.Location
		m, clean := parseOctalMode(mode.Value)
		sock.Mode = m
		if !clean && p.Listen.Kind != ListenTCP {
			if m == 0 {
				l.report("fpm-listen-mode-not-octal", diag.Error, mode.Location,
					"[pool %s] listen.mode = %q is not an octal number: php-fpm reads it with strtoul(..., 8), gets 0, and creates the socket with mode 0000, so nginx (not root) gets \"Permission denied\" and every request fails with 502. Write an octal mode such as 0660", p.Name, mode.Value)
			} else {
				l.report("fpm-listen-mode-not-octal", diag.Warning, mode.Location,
					"[pool %s] listen.mode = %q is not a plain octal number: php-fpm reads only its leading octal digits, 0%o. Write 0%o", p.Name, mode.Value, m, m)
			}
		}
	}
	if hasACL {
		sock.ACLLocation = aclUsers.Location
		if aclUsers.Value == "" {
			sock.ACLLocation = aclGroups.Location
		}
		sock.ACLUsers = splitComma(aclUsers.Value)
		sock.ACLGroups = splitComma(aclGroups.Value)
		if p.Listen.Kind == ListenUnix {
			l.checkACL(p, aclUsers, true)
			l.checkACL(p, aclGroups, false)
		}
		for _, s := range []Setting{owner, group} {
			if s.Value != "" && p.Listen.Kind == ListenUnix {
				d := l.report("fpm-acl-owner-ignored", diag.Warning, s.Directive,
					"[pool %s] listen.acl_users/listen.acl_groups are set, so php-fpm ignores %s (\"ACL set, ... is ignored\") and the socket stays owned by the master (root:root); only the ACL entries and the mode grant access. Remove it, or drop the ACL", p.Name, s.Value)
				d.Related = []diag.Related{{Location: sock.ACLLocation, Message: "the ACL"}}
			}
		}
		return
	}
	if ownerUID >= 0 {
		sock.OwnerUID, sock.Owner, sock.OwnerLocation = ownerUID, ownerName(a, ownerUID, owner.Value), owner.Location
		if ownerGID >= 0 {
			sock.GroupGID, sock.Group, sock.GroupLocation = ownerGID, a.groupName(ownerGID), owner.Location
		}
	}
	if groupGID >= 0 {
		sock.GroupGID, sock.Group, sock.GroupLocation = groupGID, a.groupName(groupGID), group.Location
	}
}

func ownerName(a *accounts, uid int, written string) string {
	if u, ok := a.db.UserByUID(uid); ok {
		return u.Name
	}
	if _, numeric := isNumericID(written); !numeric {
		return written
	}
	return ""
}

func splitComma(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// parseOctalMode is strtoul(v, NULL, 8) restricted to what matters: the
// leading octal digits. clean is false when anything else was written.
func parseOctalMode(v string) (mode uint32, clean bool) {
	s := strings.TrimLeft(v, " \t")
	clean = s == v && s != ""
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '7' {
		if mode < 1<<24 {
			mode = mode*8 + uint32(s[i]-'0')
		}
		i++
	}
	if i != len(s) {
		clean = false
	}
	return mode & 0o7777, clean
}

// checkACL checks a comma-separated ACL list: php-fpm splits on ',' only
// and looks every piece up as it is, spaces included.
func (l *loader) checkACL(p *Pool, s Setting, users bool) {
	if s.Value == "" {
		return
	}
	kind, file := "group", "/etc/group"
	if users {
		kind, file = "user", "/etc/passwd"
	}
	entries := strings.Split(s.Value, ",")
	if strings.ContainsAny(s.Value, " \t") {
		fixed := make([]string, len(entries))
		for i, e := range entries {
			fixed[i] = strings.TrimSpace(e)
		}
		bad := ""
		for _, e := range entries {
			if e != strings.TrimSpace(e) {
				bad = e
				break
			}
		}
		d := l.report("fpm-acl-list-space", diag.Error, s.Location,
			"[pool %s] %s = %q: php-fpm splits the list on ',' only, so it looks up the %s %q, spaces included, and fails to start (\"cannot get %s for %s '%s'\"); every request nginx sends to it fails with 502. Remove the spaces: %s",
			p.Name, aclName(users), s.Value, kind, bad, map[bool]string{true: "uid", false: "gid"}[users], kind, bad, strings.Join(fixed, ","))
		d.Fixes = []diag.Fix{{Title: "Remove the spaces from the list", Edits: []diag.TextEdit{{Location: s.Location, NewText: strings.Join(fixed, ",")}}}}
		return
	}
	for _, e := range entries {
		known := false
		if users {
			_, known = l.accounts.lookupUser(e)
		} else {
			_, _, known = l.accounts.lookupGroup(e)
		}
		if !known {
			l.report("fpm-unknown-user", diag.Error, s.Location,
				"[pool %s] %s: the %s %q does not exist in %s (under the root fcgilint reads): php-fpm fails to start when it creates the socket (\"cannot get %s for %s '%s'\"); every request nginx sends to it fails with 502",
				p.Name, aclName(users), kind, e, file, map[bool]string{true: "uid", false: "gid"}[users], kind, e)
			return
		}
	}
}

func aclName(users bool) string {
	if users {
		return "listen.acl_users"
	}
	return "listen.acl_groups"
}

// parseAllowedClients parses listen.allowed_clients as main/fastcgi.c does
// in every worker: split on ',', each piece an IPv4 or IPv6 address as
// written (no trimming, no names, no CIDR).
func (l *loader) parseAllowedClients(ps *poolState, p *Pool) {
	s := l.poolSetting(ps, "listen.allowed_clients")
	if !s.Set || s.Value == "" {
		return
	}
	p.AllowedClientsSet = true
	p.AllowedClientsWhere = s.Location
	var bad []string
	for _, e := range strings.Split(s.Value, ",") {
		if a, err := netip.ParseAddr(e); err == nil && a.Zone() == "" {
			p.AllowedClients = append(p.AllowedClients, e)
		} else {
			bad = append(bad, e)
		}
	}
	if len(bad) == 0 || p.Listen.Kind == ListenUnix {
		return
	}
	why := allowedClientsHint(bad)
	if len(p.AllowedClients) == 0 {
		l.report("fpm-allowed-clients-invalid", diag.Error, s.Location,
			"[pool %s] listen.allowed_clients = %q has no valid IP address (%s): each worker logs \"There are no allowed addresses\" and drops every TCP connection, so every request nginx sends fails with 502 (\"Connection reset by peer\")", p.Name, s.Value, why)
		return
	}
	l.report("fpm-allowed-clients-invalid", diag.Warning, s.Location,
		"[pool %s] listen.allowed_clients: php-fpm ignores %s (\"Wrong IP address ... in listen.allowed_clients\"; %s) and accepts only %s", p.Name, quoteList(bad), why, strings.Join(p.AllowedClients, ","))
}

func allowedClientsHint(bad []string) string {
	for _, b := range bad {
		switch {
		case strings.TrimSpace(b) != b:
			return "entries must not have spaces around the commas"
		case strings.Contains(b, "/"):
			return "CIDR ranges are not supported, list addresses"
		}
	}
	return "host names are not resolved, list IP addresses"
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
