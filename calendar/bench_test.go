package calendar_test

import (
	"testing"

	"github.com/postctl/postctl/bench/calgen"
	"github.com/postctl/postctl/calendar"
)

// Benchmarks of loading and checking a generated calendar (bench/calgen); bench/run measures the
// whole `postctl validate` command.

// The benchmarks read through calendar.OpenDir, as postctl does.
func BenchmarkLoad1k(b *testing.B)  { benchmarkLoad(b, 1000) }
func BenchmarkLoad10k(b *testing.B) { benchmarkLoad(b, 10000) }

func benchmarkLoad(b *testing.B, posts int) {
	dir := b.TempDir()
	if err := calgen.Write(dir, calgen.Options{Posts: posts}); err != nil {
		b.Fatal(err)
	}
	fsys, err := calendar.OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer fsys.Close()
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
