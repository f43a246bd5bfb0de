// Package benchcal loads a generated calendar (bench/calgen) for the packages' benchmarks, so each
// benchmark times its own work and not the loading.
package benchcal

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/postctl/postctl/bench/calgen"
	"github.com/postctl/postctl/calendar"
)

// Load writes a calgen calendar of posts posts, plus the extra files (path → content), into a
// temporary directory and loads it; the benchmark fails if it does not load without errors.
func Load(tb testing.TB, posts int, extra map[string]string) *calendar.Calendar {
	tb.Helper()
	dir := tb.TempDir()
	if err := calgen.Write(dir, calgen.Options{Posts: posts}); err != nil {
		tb.Fatal(err)
	}
	for name, content := range extra {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	fsys, err := calendar.OpenDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { fsys.Close() })
	cal, findings, err := calendar.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	if findings.Failed(false) {
		tb.Fatalf("generated calendar is invalid: %v", findings[0])
	}
	return cal
}
