package calgen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/postctl/postctl/bench/calgen"
	"github.com/postctl/postctl/calendar"
)

func TestGeneratedCalendarIsValid(t *testing.T) {
	for _, channels := range []int{3, 4} {
		dir := t.TempDir()
		if err := calgen.Write(dir, calgen.Options{Posts: 200, Channels: channels}); err != nil {
			t.Fatal(err)
		}
		cal, findings, err := calendar.Load(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			t.Errorf("%d channels: %s:%d:%d: %s: %s", channels, f.File, f.Line, f.Col, f.Rule, f.Message)
		}
		if len(cal.Posts) != 200 {
			t.Errorf("%d channels: loaded %d posts, want 200", channels, len(cal.Posts))
		}
		if cal.Voice == nil || len(cal.Voice.Rules) < 20 || len(cal.Playbooks) != 3 || len(cal.Replies) != 10 {
			t.Errorf("%d channels: incomplete calendar: voice %v, %d playbooks, %d replies", channels, cal.Voice != nil, len(cal.Playbooks), len(cal.Replies))
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := calgen.Write(dir, calgen.Options{Posts: 50, Seed: 7}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("only %d files written", n)
	}
}

func TestRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := calgen.Write(dir, calgen.Options{Posts: 1}); err == nil {
		t.Fatal("Write into a non-empty directory succeeded")
	}
}
