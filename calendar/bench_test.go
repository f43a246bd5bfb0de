package calendar_test

import (
	"io/fs"
	"os"
	"testing"

	"github.com/postctl/postctl/bench/calgen"
	"github.com/postctl/postctl/calendar"
)

// Benchmarks of loading and checking a generated calendar (bench/calgen); bench/run measures the
// whole `postctl validate` command.

func BenchmarkLoad1k(b *testing.B)  { benchmarkLoad(b, 1000, false) }
func BenchmarkLoad10k(b *testing.B) { benchmarkLoad(b, 10000, false) }

// BenchmarkLoad10kRoot reads through os.Root, as postctl does: every open walks the path one
// directory at a time, which costs about three openat calls per post instead of one.
func BenchmarkLoad10kRoot(b *testing.B) { benchmarkLoad(b, 10000, true) }

func benchmarkLoad(b *testing.B, posts int, root bool) {
	dir := b.TempDir()
	if err := calgen.Write(dir, calgen.Options{Posts: posts}); err != nil {
		b.Fatal(err)
	}
	var fsys fs.FS = os.DirFS(dir)
	if root {
		r, err := os.OpenRoot(dir)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		fsys = r.FS()
	}
	b.ReportAllocs()
	for b.Loop() {
		_, findings, err := calendar.Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		if len(findings) > 0 {
			b.Fatalf("generated calendar has %d findings, first: %s:%d: %s", len(findings), findings[0].File, findings[0].Line, findings[0].Message)
		}
	}
}
