package strategy_test

import (
	"testing"
	"time"

	"github.com/postctl/postctl/bench/benchcal"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/strategy"
)

// BenchmarkCheck10k checks a generated calendar of 10,000 posts; loading it is outside the timer.
// The strategy checks run on every validate, so they must stay well under 50ms here.
func BenchmarkCheck10k(b *testing.B) {
	cal := generated(b, 10000)
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		strategy.Check(cal, now)
	}
}

// BenchmarkCoverage10k computes a year's report on the same calendar.
func BenchmarkCoverage10k(b *testing.B) {
	cal := generated(b, 10000)
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, cal.Location)
	b.ReportAllocs()
	for b.Loop() {
		strategy.Coverage(cal, from, from.AddDate(1, 0, 0))
	}
}

func generated(b *testing.B, posts int) *calendar.Calendar {
	return benchcal.Load(b, posts, nil)
}
