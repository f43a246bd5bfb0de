package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postctl/postctl/view"
)

// On a terminal, apply shows the plan and asks; only "yes" applies.
func TestApplyAsksOnATerminal(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"calendar.yaml":     "brand: Test\ntimezone: UTC\nchannels:\n  news:\n    provider: outbox\n",
		"posts/launch.yaml": "publish_at: 2026-12-01T08:55\nchannels: [news]\ntext: We launch today.\n",
	})
	outbox := filepath.Join(dir, ".postctl", "outbox", "news", "launch.json")
	run := func(answer string) (int, string) {
		var out, errOut bytes.Buffer
		f := &Factory{
			Streams: &view.Streams{In: strings.NewReader(answer), Out: &out, ErrOut: &errOut, InTTY: true, OutTTY: true},
			Getenv:  func(string) string { return "" },
			Clock:   func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) },
			OpenDir: openRoot,
		}
		code := Execute(f, []string{"apply", dir})
		return code, out.String() + errOut.String()
	}
	for _, answer := range []string{"no\n", "y\n", ""} {
		code, out := run(answer)
		if code != exitFailed || !strings.Contains(out, "Do you want to apply? Only 'yes' will be accepted: ") || !strings.Contains(out, "Apply cancelled.") {
			t.Errorf("answer %q: exit %d\n%s", answer, code, out)
		}
		if _, err := os.Stat(outbox); err == nil {
			t.Fatalf("answer %q published", answer)
		}
	}
	code, out := run("yes\n")
	if code != exitOK || !strings.Contains(out, "launch@news: published") || !strings.Contains(out, "Apply complete: 1 published.") {
		t.Errorf("yes: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(outbox); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".postctl", "state.json.lock")); err == nil {
		t.Error("the lock was left")
	}
}

// writeFiles writes files (slash path → content) under dir, with their directories.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
