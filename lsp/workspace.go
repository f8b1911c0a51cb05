package lsp

import (
	"context"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/fcgilint/fcgilint/lint"
	"github.com/fcgilint/fcgilint/lint/config"
	"github.com/fcgilint/fcgilint/lint/discover"
	"github.com/fcgilint/fcgilint/lint/engine"
	"github.com/fcgilint/fcgilint/lint/files"
	"github.com/fcgilint/fcgilint/lint/nginxconf"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// A unit is what one lint.Pass checks: every configuration set found in a
// workspace folder (so that a php-fpm pool and the nginx site that passes
// to it are cross-checked), the host's own sets for files under /etc or the
// configured root, or the open files that belong to nothing else.
type unit struct {
	name   string
	root   string // files.FS root: "" for a checked tree, "/" or --root for a machine
	mirror bool   // read /etc/nginx/… includes from the tree itself, as `check DIR` does
	dirs   []string
	// exclude are directories inside dirs that another unit owns.
	exclude  []string
	host     bool     // add the machine's main configurations
	explicit []string // main configurations named in the settings
	fsys     *files.FS
	cache    *nginxconf.ParseCache
	kick     chan struct{}
	ctx      context.Context
	cancel   context.CancelFunc

	// Guarded by workspace.mu.
	needScan  bool
	disk      []discover.File // logical paths
	gen       uint64          // bumped by every change that can alter the result
	lintedGen uint64          // gen of the last published result
	files     map[string]bool // real paths the last pass read
	diags     map[string][]protocol.Diagnostic
	pass      *lint.Pass // the last published pass, for navigation
	// edited are the open files changed since the last lint; editedOther
	// is set by any other change (a file on disk, a folder).
	edited      map[string]bool
	editedOther bool
	// fullRunning and fullPending serialise full passes (requestFull).
	fullRunning, fullPending bool
	lastChange               time.Time
	prevChange               time.Time
}

// logical maps a path on this machine to the path the daemons see.
func (u *unit) logical(real string) (string, bool) {
	if u.root == "" || u.root == "/" {
		return real, true
	}
	rel, err := filepath.Rel(u.root, real)
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == "../" {
		return "", false
	}
	return filepath.Join("/", rel), true
}

func (u *unit) real(logical string) string { return u.fsys.Real(logical) }

type workspace struct {
	s *Server

	mu           sync.Mutex
	editor       Settings       // as initializationOptions gave them
	config       *config.Config // the .fcgilint.yaml that applies, or nil
	settings     Settings       // editor's, completed by config
	folders      []string
	dynamicWatch bool
	units        []*unit
	docs         map[string]*document // by path
	env          map[string]string
	started      bool
	quickMin     int // quickPassMinFiles, lowered by tests

	// pubMu orders publications: a result is compared and sent under it, so
	// an older result can never overtake a newer one on the wire.
	pubMu     sync.Mutex
	published map[string]string // path → what was last sent

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newWorkspace(s *Server) *workspace {
	ctx, cancel := context.WithCancel(context.Background())
	return &workspace{s: s, docs: map[string]*document{}, published: map[string]string{}, ctx: ctx, cancel: cancel, env: engine.Environ(), quickMin: quickPassMinFiles}
}

// configure builds the units for the editor's settings and folders.
func (ws *workspace) configure(editor Settings, folders []string, dynamicWatch bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.editor, ws.folders, ws.dynamicWatch = editor, folders, dynamicWatch
	ws.settleSettingsLocked()
	ws.buildUnitsLocked()
}

// settleSettingsLocked combines the editor's settings with the project's
// .fcgilint.yaml (found from the first workspace folder up, else the
// user's): the editor's win, the file fills in the rest (engine applies
// its rule selection, severities and ignores).
func (ws *workspace) settleSettingsLocked() {
	settings := ws.editor
	settings.Configs = append([]string(nil), ws.editor.Configs...)
	start := "/"
	if len(ws.folders) > 0 {
		start = ws.folders[0]
	}
	cfg, err := config.FindAndLoad(start)
	if err != nil {
		ws.s.logger.Printf("configuration file: %v", err)
		go ws.s.logToClient(protocol.MessageTypeError, "fcgilint: "+err.Error())
		cfg = nil
	}
	ws.config = cfg
	if settings.Root == "" && cfg != nil {
		settings.Root = cfg.Root
	}
	if settings.Root != "" {
		settings.Root = filepath.Clean(settings.Root)
	}
	for i, c := range settings.Configs {
		if !filepath.IsAbs(c) && len(ws.folders) > 0 {
			settings.Configs[i] = filepath.Join(ws.folders[0], c)
		}
	}
	ws.settings = settings
}

// isConfigFile reports whether p is a configuration file of fcgilint
// itself, whose change re-reads the settings.
func (ws *workspace) isConfigFileLocked(p string) bool {
	if ws.config != nil && ws.config.Path == p {
		return true
	}
	for _, name := range config.FileNames {
		if filepath.Base(p) == name {
			return true
		}
	}
	return false
}

func (ws *workspace) newUnit(name, root string) *unit {
	ctx, cancel := context.WithCancel(ws.ctx)
	return &unit{name: name, root: root, fsys: &files.FS{Root: root}, cache: nginxconf.NewParseCache(),
		kick: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
		needScan: true, edited: map[string]bool{}, files: map[string]bool{}, diags: map[string][]protocol.Diagnostic{}}
}

// buildUnitsLocked makes the root unit (the machine, or the configured
// root), one unit per workspace folder outside it, and the unit of loose
// files, in the order homeLocked looks them up.
func (ws *workspace) buildUnitsLocked() {
	hostRoot, scope := "/", "/etc"
	if ws.settings.Root != "" {
		hostRoot, scope = ws.settings.Root, ws.settings.Root
	}
	rootUnit := ws.newUnit("host "+hostRoot, hostRoot)
	rootUnit.host = true
	units := []*unit{rootUnit}
	folders := append([]string(nil), ws.folders...)
	// Innermost folders first, so a file's home is the deepest folder.
	sort.SliceStable(folders, func(i, j int) bool { return len(folders[i]) > len(folders[j]) })
	for _, f := range folders {
		if under(f, scope) {
			rootUnit.dirs = append(rootUnit.dirs, f)
			continue
		}
		u := ws.newUnit("folder "+f, "")
		u.mirror = true
		u.dirs = []string{f}
		if under(scope, f) {
			u.exclude = append(u.exclude, scope)
		}
		for _, g := range folders {
			if g != f && under(g, f) {
				u.exclude = append(u.exclude, g)
			}
		}
		units = append(units, u)
	}
	loose := ws.newUnit("loose files", "")
	loose.mirror = true
	units = append(units, loose)
	for _, c := range ws.settings.Configs {
		home := ws.homeIn(units, filepath.Clean(c))
		home.explicit = append(home.explicit, filepath.Clean(c))
	}
	for _, u := range units {
		for p, d := range ws.docs {
			if l, ok := u.logical(p); ok {
				u.fsys.SetOverlay(l, d.text)
			}
		}
	}
	ws.units = units
}

// homeIn is the unit an open file is checked in when no set includes it:
// the configured root, else the innermost workspace folder, else the
// machine for files under /etc, else the loose files.
func (ws *workspace) homeIn(units []*unit, p string) *unit {
	rootUnit := units[0]
	if ws.settings.Root != "" && under(p, ws.settings.Root) {
		return rootUnit
	}
	for _, u := range units[1 : len(units)-1] {
		if under(p, u.dirs[0]) && !ws.excluded(u, p) {
			return u
		}
	}
	if ws.settings.Root == "" && under(p, "/etc") {
		return rootUnit
	}
	for _, d := range rootUnit.dirs {
		if under(p, d) {
			return rootUnit
		}
	}
	return units[len(units)-1]
}

func (ws *workspace) excluded(u *unit, p string) bool {
	for _, x := range u.exclude {
		if under(p, x) {
			return true
		}
	}
	return false
}

func (ws *workspace) homeLocked(p string) *unit { return ws.homeIn(ws.units, p) }

// memberLocked reports whether u's result covers p: p is u's own, or u's
// last pass read it (a snippet a set includes from elsewhere).
func (ws *workspace) memberLocked(u *unit, p string) bool {
	return u.files[p] || ws.homeLocked(p) == u
}

// activeLocked: a unit with nothing to check is not linted, so that the
// machine's own /etc is not reported to a user editing a repository.
func (ws *workspace) activeLocked(u *unit) bool {
	if len(u.dirs) > 0 || len(u.explicit) > 0 {
		return true
	}
	for p := range ws.docs {
		if ws.homeLocked(p) == u {
			return true
		}
	}
	return false
}

// markDirtyLocked records a change to path p (or to every unit when p is
// "") and wakes the units it concerns.
func (ws *workspace) markDirtyLocked(p string) {
	now := time.Now()
	for _, u := range ws.units {
		if p != "" && !ws.memberLocked(u, p) && !ws.watchesLocked(u, p) {
			continue
		}
		u.gen++
		u.prevChange, u.lastChange = u.lastChange, now
		if p == "" || ws.docs[p] == nil {
			u.editedOther = true
		} else {
			u.edited[p] = true
		}
		if ws.started {
			select {
			case u.kick <- struct{}{}:
			default:
			}
		}
	}
}

// watchesLocked reports whether a file at p, new or gone, can change what
// u finds.
func (ws *workspace) watchesLocked(u *unit, p string) bool {
	for _, d := range u.dirs {
		if under(p, d) && !ws.excluded(u, p) {
			return true
		}
	}
	for _, e := range u.explicit {
		if e == p {
			return true
		}
	}
	return false
}

// start launches a lint worker per unit and lints everything once.
func (ws *workspace) start() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.started || ws.ctx.Err() != nil {
		return
	}
	ws.started = true
	ws.startUnitsLocked()
	if ws.dynamicWatch {
		go ws.registerWatchers()
	}
}

func (ws *workspace) startUnitsLocked() {
	for _, u := range ws.units {
		ws.wg.Add(1)
		go ws.worker(u)
	}
	ws.markDirtyLocked("")
}

func (ws *workspace) stop() {
	ws.cancel()
}

// registerWatchers asks the client to report file changes: includes and
// pools on disk change the sets as much as open buffers do.
func (ws *workspace) registerWatchers() {
	kinds := protocol.UInteger(7) // create | change | delete
	params := protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:     "fcgilint-watch",
		Method: protocol.MethodWorkspaceDidChangeWatchedFiles,
		RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{
			Watchers: []protocol.FileSystemWatcher{{GlobPattern: "**/*", Kind: &kinds}},
		},
	}}}
	conn := ws.s.conn.Load()
	if conn == nil {
		return
	}
	if err := conn.Call(ws.ctx, protocol.ServerClientRegisterCapability, params, nil); err != nil {
		ws.s.logger.Printf("registering file watchers: %v", err)
	}
}

// scan finds the configuration files of u on disk, outside the lock.
func (ws *workspace) scan(u *unit) []discover.File {
	var out []discover.File
	for _, d := range u.dirs {
		found, err := discover.Paths([]string{d})
		if err != nil {
			ws.s.logger.Printf("scanning %s: %v", d, err)
			continue
		}
		for _, f := range found {
			if ws.excluded(u, f.Path) {
				continue
			}
			l, ok := u.logical(f.Path)
			if !ok {
				continue
			}
			f.Path, f.Explicit = l, false
			out = append(out, f)
		}
	}
	if u.host {
		out = append(out, discover.Host(u.fsys)...)
	}
	for _, e := range u.explicit {
		l, ok := u.logical(e)
		if !ok {
			continue
		}
		src, err := u.fsys.ReadFile(l)
		if err != nil {
			src = nil
		}
		k, main := discover.Classify(l, src)
		if k == discover.Unknown {
			k = discover.Nginx
		}
		out = append(out, discover.File{Path: l, Kind: k, Main: main || k == discover.FPM, Explicit: true})
	}
	return out
}

// foundLocked is what u's next pass checks: the files found on disk with
// each open buffer classified by its unsaved content.
func (ws *workspace) foundLocked(u *unit) []discover.File {
	if !ws.activeLocked(u) {
		return nil
	}
	byPath := map[string]discover.File{}
	for _, f := range u.disk {
		if prev, ok := byPath[f.Path]; ok && prev.Main {
			continue
		}
		byPath[f.Path] = f
	}
	for p, d := range ws.docs {
		if ws.homeLocked(p) != u {
			continue
		}
		l, ok := u.logical(p)
		if !ok {
			continue
		}
		k, main := discover.Classify(l, d.text)
		prev, known := byPath[l]
		if k == discover.Unknown {
			if known {
				k = prev.Kind
			} else {
				k = discover.Nginx // the editor sent it to us as a configuration
			}
		}
		byPath[l] = discover.File{Path: l, Kind: k, Main: main || prev.Explicit && prev.Main, Explicit: prev.Explicit}
	}
	out := make([]discover.File, 0, len(byPath))
	for _, f := range byPath {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (ws *workspace) options(u *unit) engine.Options {
	st := ws.settings
	return engine.Options{
		FS:           u.fsys,
		Mirror:       u.mirror,
		NginxVersion: st.NginxVersion,
		NginxPrefix:  st.NginxPrefix,
		FPMPrefix:    st.FPMPrefix,
		Env:          ws.env,
		Profile:      st.Profile,
		NginxUser:    st.NginxUser,
		Cache:        u.cache,
		Config:       ws.config,
	}
}

// --- document events -------------------------------------------------------

func (ws *workspace) open(uri protocol.DocumentUri, version protocol.Integer, text string) {
	p, ok := uriToPath(uri)
	if !ok {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.docs[p] = &document{uri: uri, path: p, version: version, text: []byte(text)}
	ws.setOverlayLocked(p, []byte(text))
	ws.markDirtyLocked(p)
}

func (ws *workspace) change(uri protocol.DocumentUri, version protocol.Integer, changes []any) {
	p, ok := uriToPath(uri)
	if !ok {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	d := ws.docs[p]
	if d == nil {
		return
	}
	for _, c := range changes {
		d.text = applyChange(d.text, c)
	}
	d.version = version
	ws.setOverlayLocked(p, d.text)
	ws.markDirtyLocked(p)
}

func (ws *workspace) save(uri protocol.DocumentUri) {
	if p, ok := uriToPath(uri); ok {
		ws.mu.Lock()
		ws.markDirtyLocked(p)
		ws.mu.Unlock()
	}
}

func (ws *workspace) close(uri protocol.DocumentUri) {
	p, ok := uriToPath(uri)
	if !ok {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	// Wake the units before forgetting the document: its home unit must
	// re-lint to drop it.
	ws.markDirtyLocked(p)
	delete(ws.docs, p)
	for _, u := range ws.units {
		if l, ok := u.logical(p); ok {
			u.fsys.ClearOverlay(l)
		}
	}
}

func (ws *workspace) setOverlayLocked(p string, text []byte) {
	for _, u := range ws.units {
		if l, ok := u.logical(p); ok {
			u.fsys.SetOverlay(l, text)
		}
	}
}

// watched handles files changed on disk behind the editor's back.
func (ws *workspace) watched(events []protocol.FileEvent) {
	ws.mu.Lock()
	for _, e := range events {
		if p, ok := uriToPath(e.URI); ok && ws.isConfigFileLocked(p) {
			folders := ws.folders
			ws.mu.Unlock()
			ws.setFolders(folders) // re-reads the settings, rebuilds every unit
			return
		}
	}
	defer ws.mu.Unlock()
	for _, e := range events {
		p, ok := uriToPath(e.URI)
		if !ok {
			continue
		}
		for _, u := range ws.units {
			if ws.watchesLocked(u, p) || u.files[p] || u.host {
				u.needScan = true
			}
		}
		ws.markDirtyLocked(p)
		for _, u := range ws.units {
			u.editedOther = true
		}
	}
}

// setFolders rebuilds the units for a new set of workspace folders; what
// was published is cleared first, since files may now belong elsewhere.
func (ws *workspace) setFolders(folders []string) {
	ws.mu.Lock()
	old := ws.units
	ws.folders = folders
	ws.settleSettingsLocked()
	ws.buildUnitsLocked()
	started := ws.started
	ws.mu.Unlock()
	for _, u := range old {
		u.cancel()
	}
	ws.pubMu.Lock()
	for p := range ws.published {
		ws.s.notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{URI: pathToURI(p), Diagnostics: []protocol.Diagnostic{}})
		delete(ws.published, p)
	}
	ws.pubMu.Unlock()
	if started {
		ws.mu.Lock()
		ws.startUnitsLocked()
		ws.mu.Unlock()
	}
}
