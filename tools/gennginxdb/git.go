package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// gitRepo reads blobs of a bare git directory through one long-running
// `git cat-file --batch` process.
type gitRepo struct {
	dir string
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func openGit(dir string) (*gitRepo, error) {
	cmd := exec.Command("git", "--git-dir", dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file in %s: %w", dir, err)
	}
	return &gitRepo{dir: dir, cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

func (g *gitRepo) Close() {
	g.in.Close()
	_ = g.cmd.Wait()
}

func (g *gitRepo) git(args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"--git-dir", g.dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s in %s: %v: %s", strings.Join(args, " "), g.dir, err, stderr.String())
	}
	return string(out), nil
}

// ResolveCommit returns the full commit id of rev.
func (g *gitRepo) ResolveCommit(rev string) (string, error) {
	s, err := g.git("rev-parse", "--verify", rev+"^{commit}")
	return strings.TrimSpace(s), err
}

type treeEntry struct {
	path string
	blob string
}

// Tree lists the blobs of rev (recursively).
func (g *gitRepo) Tree(rev string) ([]treeEntry, error) {
	s, err := g.git("ls-tree", "-r", "--full-tree", rev)
	if err != nil {
		return nil, err
	}
	var out []treeEntry
	for _, line := range strings.Split(s, "\n") {
		tab := strings.IndexByte(line, '\t')
		if tab < 0 {
			continue
		}
		f := strings.Fields(line[:tab])
		if len(f) != 3 || f[1] != "blob" {
			continue
		}
		out = append(out, treeEntry{path: line[tab+1:], blob: f[2]})
	}
	return out, nil
}

// Blob reads one object.
func (g *gitRepo) Blob(id string) ([]byte, error) {
	if _, err := fmt.Fprintln(g.in, id); err != nil {
		return nil, err
	}
	hdr, err := g.out.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(hdr)
	if len(f) != 3 {
		return nil, fmt.Errorf("cat-file %s: %q", id, strings.TrimSpace(hdr))
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, err
	}
	buf := make([]byte, n+1) // content plus trailing LF
	if _, err := io.ReadFull(g.out, buf); err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// Show reads rev:path.
func (g *gitRepo) Show(rev, path string) ([]byte, error) {
	s, err := g.git("show", rev+":"+path)
	return []byte(s), err
}

// Tags lists the repository's tags.
func (g *gitRepo) Tags() ([]string, error) {
	s, err := g.git("tag")
	if err != nil {
		return nil, err
	}
	return strings.Fields(s), nil
}
