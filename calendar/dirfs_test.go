package calendar

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// DirFS must read what os.Root reads and refuse what it refuses, whichever directory handle it uses.
func TestDirFS(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "cal")
	for name, body := range map[string]string{
		"calendar.yaml":        "brand: x\n",
		"posts/2026-12/a.yaml": "text: a\n",
		"shared/photo.png":     "png",
		"../outside.png":       "secret",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "media"), 0o755)
	// Leaves media/ but stays inside the calendar: allowed.
	if err := os.Symlink("../shared/photo.png", filepath.Join(root, "media", "inside.png")); err != nil {
		t.Fatal(err)
	}
	// Leaves the calendar: refused.
	if err := os.Symlink("../../outside.png", filepath.Join(root, "media", "outside.png")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	if b, err := fs.ReadFile(d, "media/inside.png"); err != nil || string(b) != "png" {
		t.Errorf("inside link: got %q, %v; want png", b, err)
	}
	if _, err := d.Stat("media/inside.png"); err != nil {
		t.Errorf("stat inside link: %v", err)
	}
	for _, name := range []string{"media/outside.png"} {
		if _, err := fs.ReadFile(d, name); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: got %v, want an escape error", name, err)
		}
		if _, err := d.Stat(name); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stat %s: got %v, want an escape error", name, err)
		}
	}
	if _, err := d.Stat("posts/none/x.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got %v, want not exist", err)
	}
	if _, err := d.Open("../outside.png"); err == nil {
		t.Errorf("../ path opened")
	}
	// The fs.FS contract, on a tree without the link that is meant to fail.
	if err := os.Remove(filepath.Join(root, "media", "outside.png")); err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(d, "calendar.yaml", "posts/2026-12/a.yaml", "shared/photo.png"); err != nil {
		t.Error(err)
	}
}
