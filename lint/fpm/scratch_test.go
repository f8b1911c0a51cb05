package fpm

import (
	"fmt"
	"os"
	"testing"

	"github.com/fcgilint/fcgilint/lint/files"
)

func TestScratchLoad(t *testing.T) {
	p := os.Getenv("FPM_LOAD")
	if p == "" {
		t.Skip()
	}
	cfg, ds := Load(p, Options{FS: &files.FS{Root: os.Getenv("FPM_ROOT")}, Prefix: os.Getenv("FPM_PREFIX"), MasterIsRoot: true})
	for _, d := range ds {
		fmt.Println(d)
	}
	fmt.Printf("starts=%v files=%v fragment=%v\n", cfg.Starts, cfg.Files, cfg.Fragment)
	for _, p := range cfg.Pools {
		fmt.Printf("pool %s listen=%+v sock=%s:%s %o user=%s uid=%d gid=%d pm=%s max=%d\n", p.Name, p.Listen.Raw, p.Socket.Owner, p.Socket.Group, p.Socket.Mode, p.User.Value, p.UID, p.GID, p.PM.Value, p.MaxChildren.Value)
	}
}
