package voice_test

import (
	"testing"

	"github.com/postctl/postctl/bench/benchcal"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/voice"
)

// BenchmarkCheck10k lints a generated calendar of 10,000 posts (about 40,000 texts) with the 22
// rules of the example; loading is outside the timer. Budget: 150 ms on 2 cores.
func BenchmarkCheck10k(b *testing.B) { benchmarkCheck(b, 10000) }
func BenchmarkCheck1k(b *testing.B)  { benchmarkCheck(b, 1000) }

func benchmarkCheck(b *testing.B, posts int) {
	cal := benchcal.Load(b, posts, nil)
	var findings calendar.Findings
	b.ReportAllocs()
	for b.Loop() {
		findings = voice.Check(cal)
	}
	for _, f := range findings {
		if f.Level == calendar.Error {
			b.Fatalf("generated calendar has %d voice errors, first: %+v", findings.Count(calendar.Error), f)
		}
	}
	b.ReportMetric(float64(len(findings)), "findings")
}
