package strategy_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/strategy"
)

const coverageStrategy = `pillars:
  product: {share: 0.3, max_share: 0.4}
  education: {share: 0.5}
campaigns:
  winter:
    from: 2026-12-01
    to: 2026-12-06
  spring:
    from: 2027-03-01
    to: 2027-03-31
cadence:
  mastodon:
    max_per_day: 1
    min_per_week: 2
blackouts:
  - name: Quiet
    from: 2026-12-10
    to: 2026-12-10
    reason: Inventory
    channels: [mastodon]
  - name: Later
    from: 2027-01-10
    to: 2027-01-11
`

func coverageCal() cal {
	return cal{strategy: coverageStrategy, posts: []string{
		post("a", "2026-11-30T09:00", "mastodon", "pillar: product", "campaign: winter"),
		post("b", "2026-12-01T09:00", "mastodon, bluesky", "pillar: product", "campaign: winter"),
		post("c", "2026-12-01T18:00", "mastodon", "pillar: education"),
		post("d", "2026-12-08T09:00", "mastodon, newsletter", "pillar: education", "campaign: winter"),
		post("e", "2026-12-10T09:00", "mastodon, bluesky"),
		post("f", "2026-12-14T09:00", "bluesky"),
		post("g", "2027-02-01T09:00", "mastodon", "status: draft", "campaign: winter"),
	}}
}

var sameLocation = cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })

func TestCoverage(t *testing.T) {
	c := coverageCal().load(t)
	loc := c.Location
	d := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	share := func(f float64) *float64 { return &f }
	from, to := d("2026-12-03"), d("2026-12-17")
	got := strategy.Coverage(c, from, to)
	want := strategy.Report{
		From: from, To: to, Location: loc,
		Channels: []string{"mastodon", "bluesky", "newsletter"},
		Weeks: []strategy.Week{
			{Start: d("2026-11-30"), Year: 2026, Number: 49, Channels: []strategy.WeekCount{
				{Channel: "mastodon", Posts: 3, MinPerWeek: 2, MaxPerDay: 1, DaysOverMax: []time.Time{d("2026-12-01")}},
				{Channel: "bluesky", Posts: 1},
				{Channel: "newsletter", Posts: 0},
			}},
			{Start: d("2026-12-07"), Year: 2026, Number: 50, Channels: []strategy.WeekCount{
				{Channel: "mastodon", Posts: 2, MinPerWeek: 2, MaxPerDay: 1},
				{Channel: "bluesky", Posts: 1},
				{Channel: "newsletter", Posts: 1},
			}},
			{Start: d("2026-12-14"), Year: 2026, Number: 51, Channels: []strategy.WeekCount{
				{Channel: "mastodon", Posts: 0, MinPerWeek: 2, MaxPerDay: 1},
				{Channel: "bluesky", Posts: 1},
				{Channel: "newsletter", Posts: 0},
			}},
		},
		Months: []strategy.Month{
			{Start: d("2026-12-01"), Posts: 5, WithoutPillar: 2, Pillars: []strategy.PillarShare{
				{Pillar: "product", Posts: 1, Share: 0.2, Target: share(0.3), MaxShare: share(0.4), Status: strategy.TooFewPosts},
				{Pillar: "education", Posts: 2, Share: 0.4, Target: share(0.5), Status: strategy.TooFewPosts},
			}},
		},
		EmptyDays: []strategy.DayRange{
			{First: d("2026-12-03"), Last: d("2026-12-07")},
			{First: d("2026-12-09"), Last: d("2026-12-09")},
			{First: d("2026-12-11"), Last: d("2026-12-13")},
			{First: d("2026-12-15"), Last: d("2026-12-16")},
		},
		Campaigns: []strategy.CampaignCoverage{
			{ID: "winter", From: "2026-12-01", To: "2026-12-06", Start: d("2026-12-01"), End: d("2026-12-07"), Posts: 3,
				Channels: []string{"mastodon", "bluesky", "newsletter"}, Outside: []string{"a", "d"}},
		},
		Blackouts: []strategy.BlackoutCoverage{
			{Name: "Quiet", Reason: "Inventory", From: "2026-12-10", To: "2026-12-10", Start: d("2026-12-10"), End: d("2026-12-11"),
				Held: []string{"e@mastodon"}},
		},
	}
	if diff := cmp.Diff(got, want, sameLocation); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if n := got.EmptyDays[0].Days(loc); n != 5 {
		t.Errorf("days of the first empty range: %d, want 5", n)
	}
}

// Months are judged whole, with the same statuses as validate's pillar-mix.
func TestCoverageMonthStatus(t *testing.T) {
	var posts []string
	posts = append(posts, month("p", "2027-01", "product", 1, 6, "mastodon")...)
	posts = append(posts, month("e", "2027-01", "education", 7, 1, "mastodon")...)
	posts = append(posts, month("x", "2027-01", "", 8, 3, "mastodon")...)
	c := cal{strategy: coverageStrategy, posts: posts}.load(t)
	from := time.Date(2027, 1, 20, 0, 0, 0, 0, c.Location)
	got := strategy.Coverage(c, from, from.AddDate(0, 0, 1)).Months
	share := func(f float64) *float64 { return &f }
	want := []strategy.Month{{Start: time.Date(2027, 1, 1, 0, 0, 0, 0, c.Location), Posts: 10, WithoutPillar: 3,
		Pillars: []strategy.PillarShare{
			{Pillar: "product", Posts: 6, Share: 0.6, Target: share(0.3), MaxShare: share(0.4), Status: strategy.Over},
			{Pillar: "education", Posts: 1, Share: 0.1, Target: share(0.5), Status: strategy.Under},
		}}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if !got[0].Judged() {
		t.Error("a month of 10 posts is judged")
	}
}

func TestCoverageEmptyRange(t *testing.T) {
	c := coverageCal().load(t)
	from := time.Date(2026, 12, 3, 0, 0, 0, 0, c.Location)
	got := strategy.Coverage(c, from, from)
	if diff := cmp.Diff(got, strategy.Report{From: from, To: from, Location: c.Location}, sameLocation); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if got := strategy.Coverage(nil, from, from.AddDate(0, 0, 1)); got.Location != time.UTC || got.Weeks != nil {
		t.Errorf("nil calendar: %+v", got)
	}
}

func TestDefaultRange(t *testing.T) {
	c := coverageCal().load(t)
	loc := c.Location
	// After 23:00 UTC it is already the next day in Berlin.
	today := strategy.Today(c, time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC))
	if want := time.Date(2026, 11, 23, 0, 0, 0, 0, loc); !today.Equal(want) {
		t.Errorf("Today = %v, want %v", today, want)
	}
	for _, tc := range []struct {
		from, want time.Time
	}{
		// The last scheduled post is on 2026-12-14 (the draft in February does not count)...
		{time.Date(2026, 11, 1, 0, 0, 0, 0, loc), time.Date(2026, 12, 15, 0, 0, 0, 0, loc)},
		// ...but a report covers at least four weeks.
		{time.Date(2026, 12, 3, 0, 0, 0, 0, loc), time.Date(2026, 12, 31, 0, 0, 0, 0, loc)},
		// Four weeks of days, across the change to summer time: midnight CEST, not 01:00.
		{time.Date(2027, 3, 20, 0, 0, 0, 0, loc), time.Date(2027, 4, 17, 0, 0, 0, 0, loc)},
	} {
		if got := strategy.DefaultEnd(c, tc.from); !got.Equal(tc.want) {
			t.Errorf("DefaultEnd(%v) = %v, want %v", tc.from, got, tc.want)
		}
	}
}
