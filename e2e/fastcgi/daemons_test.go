package fastcgie2e

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	// startTimeout bounds how long a daemon may take to become ready (or
	// to exit, when it refuses its configuration).
	startTimeout = 10 * time.Second
	// requestTimeout is well below nginx's 60 s fastcgi timeouts: no
	// scenario waits for them, so a request that hangs is a harness bug.
	requestTimeout = 15 * time.Second
	// stopTimeout is how long a daemon gets to exit on SIGTERM before its
	// whole process group is killed.
	stopTimeout = 5 * time.Second
)

// wrap returns argv run in a private mount namespace where the overlays
// are bind-mounted over /etc files, or argv itself when there are none.
// The daemons and fcgilint of a scenario all go through it, so they read
// the same /etc/group and /etc/hosts, and the host's files are untouched.
func wrap(mounts [][2]string, argv []string) []string {
	if len(mounts) == 0 {
		return argv
	}
	var script strings.Builder
	for _, m := range mounts {
		fmt.Fprintf(&script, "mount --bind '%s' '%s' && ", m[0], m[1])
	}
	script.WriteString(`exec "$@"`)
	// unshare execs its command without forking, so the daemon keeps the
	// pid (and the process group) the harness started.
	return append([]string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script.String(), "sh"}, argv...)
}

// daemon is a started nginx or php-fpm master with its process group.
type daemon struct {
	name    string
	cmd     *exec.Cmd
	outPath string // stdout and stderr
	logPath string // the error_log the configuration names
	done    chan struct{}
	stopped bool
}

func startDaemon(name string, argv []string, outPath, logPath string) (*daemon, error) {
	out, err := os.Create(outPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = out
	cmd.Stderr = out
	// Its own process group: the master and every worker are stopped
	// together, and nothing outlives the scenario.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, err
	}
	d := &daemon{name: name, cmd: cmd, outPath: outPath, logPath: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(d.done)
	}()
	return d, nil
}

func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// logs returns what the daemon wrote to its terminal and to its error log.
func (d *daemon) logs() string {
	var b strings.Builder
	for _, p := range []string{d.outPath, d.logPath} {
		if raw, err := os.ReadFile(p); err == nil {
			b.Write(raw)
		}
	}
	return b.String()
}

// waitReady polls ready until it holds (true) or the daemon exits (false).
func (d *daemon) waitReady(ready func() bool) (bool, error) {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		if d.exited() {
			return false, nil
		}
		if ready() {
			return true, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false, fmt.Errorf("%s neither became ready nor exited within %v", d.name, startTimeout)
}

// stop ends the daemon's process group: SIGTERM (both daemons then exit
// cleanly, php-fpm unlinking its sockets), SIGKILL after stopTimeout. It
// reports processes of the group that survive both.
func (d *daemon) stop() error {
	if d.stopped {
		return nil
	}
	d.stopped = true
	pgid := d.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(stopTimeout):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-d.done
	}
	// Workers may outlive their master by a moment; the group must empty.
	deadline := time.Now().Add(stopTimeout)
	for syscall.Kill(-pgid, 0) == nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: processes of group %d survive SIGKILL", d.name, pgid)
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func fileContains(path, needle string) bool {
	raw, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(raw), needle)
}

func canDial(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// browse requests path from nginx as a browser would and returns the
// status, "200" only when the PHP page itself answered.
func browse(httpPort, path string) string {
	client := &http.Client{
		Timeout:   requestTimeout,
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
	}
	resp, err := client.Get("http://127.0.0.1:" + httpPort + path)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "no-answer"
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	status := fmt.Sprint(resp.StatusCode)
	// index.php prints "ok": a 200 with another body is not the page (nginx
	// served the file itself, or php-fpm answered a request that lacked the
	// parameters it needs with an empty page).
	if status == "200" && strings.TrimSpace(string(body)) != "ok" {
		return "200-not-php"
	}
	return status
}

// daemonRun is what the real daemons did with a scenario.
type daemonRun struct {
	fpmStarted   bool
	nginxStarted bool
	status       string // what the browser got, or nginx-refuses
	fpmLogs      string
	nginxLogs    string
}

// outcome is the browser's view, comparable with a scenario's expect.
func (r daemonRun) outcome() string {
	if !r.nginxStarted {
		return "nginx-refuses"
	}
	return r.status
}

func (r daemonRun) fpmState() string {
	if r.fpmStarted {
		return "starts"
	}
	return "refuses"
}

// fails is the daemons' verdict: a browser does not get the page, or a
// daemon refused its configuration.
func (r daemonRun) fails() bool {
	return !r.fpmStarted || !r.nginxStarted || r.status != "200"
}

// runDaemons starts php-fpm (root master in the foreground, as distro
// services run it) and nginx on the rendered files, requests the PHP page
// and stops both. cleanup receives the stop functions, so that a failing
// test leaks no process either.
func runDaemons(root string, sc *scenario, p placeholders, mounts [][2]string, cleanup func(func())) (daemonRun, error) {
	var run daemonRun
	logDir := filepath.Join(root, "log")

	fpmArgs := []string{fpmBin, "--nodaemonize", "--fpm-config", filepath.Join(root, sc.fpmMain)}
	if prefix, err := p.render(sc.fpmPrefix); err != nil {
		return run, err
	} else if prefix != "" {
		fpmArgs = append(fpmArgs, "--prefix", prefix)
	}
	fpmLog := filepath.Join(logDir, "php-fpm.log")
	fpm, err := startDaemon("php-fpm", wrap(mounts, fpmArgs), filepath.Join(logDir, "php-fpm.out"), fpmLog)
	if err != nil {
		return run, err
	}
	cleanup(func() { _ = fpm.stop() })
	run.fpmStarted, err = fpm.waitReady(func() bool {
		return fileContains(fpmLog, "ready to handle connections") || fileContains(fpm.outPath, "ready to handle connections")
	})
	if err != nil {
		return run, err
	}

	nginxArgs := []string{nginxBin, "-p", root + "/", "-c", filepath.Join(root, sc.nginxMain), "-g", "daemon off;"}
	ngx, err := startDaemon("nginx", wrap(mounts, nginxArgs), filepath.Join(logDir, "nginx.out"), filepath.Join(logDir, "nginx.log"))
	if err != nil {
		return run, err
	}
	cleanup(func() { _ = ngx.stop() })
	httpAddr := "127.0.0.1:" + p["@HTTP_PORT@"]
	run.nginxStarted, err = ngx.waitReady(func() bool { return canDial(httpAddr) })
	if err != nil {
		return run, err
	}
	if run.nginxStarted {
		run.status = browse(p["@HTTP_PORT@"], sc.requestPath)
	}

	stopErr := errors.Join(ngx.stop(), fpm.stop())
	run.fpmLogs = fpm.logs()
	run.nginxLogs = ngx.logs()
	return run, stopErr
}
