package plan_test

import (
	"testing"
	"time"

	"github.com/postctl/postctl/bench/benchcal"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

// BenchmarkCompute10k plans a generated calendar of 10,000 posts against a state of 10,000
// records: the first 10,000 publications, published or natively scheduled by an earlier apply
// (a fifth of them edited since). Loading is outside the timer; content hashes (media files
// included) are computed in it. Target: well under 100ms.
func BenchmarkCompute10k(b *testing.B) {
	cal := benchcal.Load(b, 10000, nil)
	at := time.Date(2027, 6, 1, 9, 0, 0, 0, cal.Location)
	st := state.New()
	n := 0
	for _, p := range cal.Posts {
		if p.Draft() {
			continue
		}
		for _, ch := range p.Channels {
			if n == 10000 {
				break
			}
			r := &state.Publication{Post: p.ID.Value, Channel: ch.Value, Status: state.Published,
				ContentHash: plan.ContentHash(cal, p, ch.Value), PlannedAt: p.Time, UpdatedAt: p.Time}
			if p.Time.After(at) {
				r.Status = state.Scheduled
			}
			if n%5 == 0 {
				r.ContentHash = "edited"
			}
			st.Publications[state.Address(p.ID.Value, ch.Value)] = r
			n++
		}
	}
	if n < 10000 {
		b.Fatalf("only %d publications", n)
	}
	b.ReportAllocs()
	var p *plan.Plan
	var err error
	for b.Loop() {
		p, err = plan.Compute(cal, st, plan.Options{At: at})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(p.Changes)), "changes")
}
