package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/strategy"
)

func coverageSample(t *testing.T) strategy.Report {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	share := func(f float64) *float64 { return &f }
	return strategy.Report{
		From:     d("2026-12-03"),
		To:       d("2026-12-18"),
		Location: loc,
		Channels: []string{"mastodon", "newsletter"},
		Weeks: []strategy.Week{
			{Start: d("2026-11-30"), Year: 2026, Number: 49, Channels: []strategy.WeekCount{
				{Channel: "mastodon", Posts: 5, MinPerWeek: 3, MaxPerDay: 2, DaysOverMax: []time.Time{d("2026-12-01")}},
				{Channel: "newsletter", Posts: 1},
			}},
			{Start: d("2026-12-07"), Year: 2026, Number: 50, Channels: []strategy.WeekCount{
				{Channel: "mastodon", Posts: 1, MinPerWeek: 3, MaxPerDay: 2},
				{Channel: "newsletter", Posts: 0},
			}},
			{Start: d("2026-12-14"), Year: 2026, Number: 51, Channels: []strategy.WeekCount{
				{Channel: "mastodon", Posts: 12, MinPerWeek: 3, MaxPerDay: 2},
				{Channel: "newsletter", Posts: 1},
			}},
		},
		Months: []strategy.Month{
			{Start: d("2026-12-01"), Posts: 18, WithoutPillar: 1, Pillars: []strategy.PillarShare{
				{Pillar: "education", Posts: 2, Share: 2.0 / 18, Target: share(0.4), MaxShare: share(0.5), Status: strategy.Under},
				{Pillar: "product", Posts: 15, Share: 15.0 / 18, Target: share(0.25), MaxShare: share(0.35), Status: strategy.Over},
				{Pillar: "behind-the-scenes", Posts: 0, Share: 0, Status: strategy.OK},
			}},
			{Start: d("2027-01-01"), Posts: 3, WithoutPillar: 0, Pillars: []strategy.PillarShare{
				{Pillar: "education", Posts: 3, Share: 1, Target: share(0.4), MaxShare: share(0.5), Status: strategy.TooFewPosts},
			}},
		},
		EmptyDays: []strategy.DayRange{{First: d("2026-12-05"), Last: d("2026-12-06")}, {First: d("2026-12-09"), Last: d("2026-12-09")}},
		Campaigns: []strategy.CampaignCoverage{
			{ID: "winter-blend", From: "2026-12-01", To: "2026-12-10", Start: d("2026-12-01"), End: d("2026-12-11"),
				Posts: 6, Channels: []string{"mastodon"}, Outside: []string{"late-one"}},
			{ID: "gifts", From: "2026-12-14", To: "2026-12-14", Start: d("2026-12-14"), End: d("2026-12-15"), Posts: 0},
		},
		Blackouts: []strategy.BlackoutCoverage{
			{Name: "Christmas", From: "2026-12-16", To: "2026-12-17", Start: d("2026-12-16"), End: d("2026-12-18"),
				Reason: "Team off,\n  no promotions", Held: []string{"gift@mastodon", "gift@newsletter"}},
			{From: "2026-12-03T00:00", To: "2026-12-03T06:00", Start: d("2026-12-03"), End: d("2026-12-03").Add(6 * time.Hour)},
		},
	}
}

func renderCoverage(t *testing.T, s *Streams, format string, r strategy.Report) string {
	t.Helper()
	var out bytes.Buffer
	s.Out = &out
	if err := RenderCoverage(s, format, r); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

const coverageWant = `Coverage 2026-12-03 to 2026-12-17 (Europe/Berlin)

Posts per week
  week      starts      mastodon  newsletter
  2026-W49  2026-11-30       5 ^           1
  2026-W50  2026-12-07      1 <3           0
  2026-W51  2026-12-14        12           1
  <n: below min_per_week n; ^: a day over max_per_day

Pillar mix
  December 2026        18 posts, 1 without a pillar
    education            2   11%  target 40%, max 50%  under target
    product             15   83%  target 25%, max 35%  over max_share
    behind-the-scenes    0    0%
  January 2027         3 posts: too few to judge (fewer than 10)
    education            3  100%  target 40%, max 50%

Empty days
  2026-12-05 to 2026-12-06  2 days
  2026-12-09                1 day

Campaigns
  winter-blend  2026-12-01 to 2026-12-10  |██████████████···········|  6 posts
                on mastodon
                1 post outside its dates: late-one
  gifts         2026-12-14                |··················██·····|  0 posts

Blackouts
  Christmas  2026-12-16 to 2026-12-17              holds 2 publications
             Team off, no promotions
  (unnamed)  2026-12-03T00:00 to 2026-12-03T06:00  holds 0 publications
`

func TestCoverageTextPiped(t *testing.T) {
	got := renderCoverage(t, &Streams{}, "text", coverageSample(t))
	if diff := cmp.Diff(got, coverageWant); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCoverageTextTTY(t *testing.T) {
	// Without colour a terminal gets the same text; with colour, marks are coloured.
	got := renderCoverage(t, &Streams{OutTTY: true, Width: 80}, "text", coverageSample(t))
	if diff := cmp.Diff(got, coverageWant); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	colored := renderCoverage(t, &Streams{OutTTY: true, Width: 80, Color: true}, "text", coverageSample(t))
	for _, want := range []string{"\x1b[33m    1 <3\x1b[0m", "\x1b[31m     5 ^\x1b[0m", "\x1b[33mover max_share\x1b[0m", "\x1b[31mholds 2 publications\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured output lacks %q:\n%s", want, colored)
		}
	}
}

// On an 80-column terminal every line fits: with many channels the start dates go and channel
// names are cut; long free text is cut too. Piped output keeps everything.
func TestCoverageTextNarrow(t *testing.T) {
	r := coverageSample(t)
	r.Channels = []string{"mastodon-community", "newsletter-weekly", "bluesky-english", "bluesky-deutsch", "webhook-partners"}
	for i := range r.Weeks {
		w := &r.Weeks[i]
		w.Channels = append(w.Channels, strategy.WeekCount{Posts: 3}, strategy.WeekCount{Posts: 4}, strategy.WeekCount{Posts: 5, MinPerWeek: 10})
		for j := range w.Channels {
			w.Channels[j].Channel = r.Channels[j]
		}
	}
	r.Campaigns[0].Outside = strings.Fields(strings.Repeat("a-rather-long-post-id ", 6))
	r.Blackouts[0].Reason = strings.Repeat("The roastery is closed and the team is off. ", 4)
	got := renderCoverage(t, &Streams{OutTTY: true, Width: 80}, "text", r)
	for _, line := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
	for _, want := range []string{
		"  week      mastodon-co…  newsletter-…  bluesky-eng…  bluesky-deu…  webhook-par…\n",
		"  2026-W50          1 <3             0             3             4         5 <10\n",
		"6 posts outside its dates: a-rather-long-post-id, a-rather-long…\n",
		"The roastery is closed and the team is off. The roastery is closed…\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	piped := renderCoverage(t, &Streams{}, "text", r)
	for _, want := range []string{"  week      starts      mastodon-community", strings.TrimSpace(r.Blackouts[0].Reason)} {
		if !strings.Contains(piped, want) {
			t.Errorf("piped output lacks %q:\n%s", want, piped)
		}
	}
}

func TestCoverageJSON(t *testing.T) {
	got := renderCoverage(t, &Streams{}, "json", coverageSample(t))
	var doc map[string]any
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format_version": "1.0",
  "from": "2026-12-03",
  "to": "2026-12-17",
  "timezone": "Europe/Berlin",
  "channels": [
    "mastodon",
    "newsletter"
  ],
  "weeks": [
    {
      "week": "2026-W49",
      "start": "2026-11-30",
      "channels": [
        {
          "channel": "mastodon",
          "posts": 5,
          "min_per_week": 3,
          "below_min": false,
          "max_per_day": 2,
          "days_over_max": [
            "2026-12-01"
          ]
        },
        {
          "channel": "newsletter",
          "posts": 1,
          "min_per_week": null,
          "below_min": false,
          "max_per_day": null,
          "days_over_max": []
        }
      ]
    },
`
	if !strings.HasPrefix(got, want) {
		t.Errorf("JSON starts (-got +want):\n%s", cmp.Diff(got[:min(len(got), len(want))], want))
	}
	months := doc["months"].([]any)
	dec := months[0].(map[string]any)
	if diff := cmp.Diff(dec, map[string]any{
		"month": "2026-12", "posts": 18.0, "without_pillar": 1.0, "judged": true,
		"pillars": []any{
			map[string]any{"pillar": "education", "posts": 2.0, "share": 0.1111, "target_share": 0.4, "max_share": 0.5, "status": "under"},
			map[string]any{"pillar": "product", "posts": 15.0, "share": 0.8333, "target_share": 0.25, "max_share": 0.35, "status": "over"},
			map[string]any{"pillar": "behind-the-scenes", "posts": 0.0, "share": 0.0, "target_share": nil, "max_share": nil, "status": "ok"},
		},
	}); diff != "" {
		t.Errorf("month (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(months[1].(map[string]any)["judged"], false); diff != "" {
		t.Errorf("january judged: %s", diff)
	}
	rest := map[string]any{"empty_days": doc["empty_days"], "campaigns": doc["campaigns"], "blackouts": doc["blackouts"]}
	if diff := cmp.Diff(rest, map[string]any{
		"empty_days": []any{
			map[string]any{"from": "2026-12-05", "to": "2026-12-06", "days": 2.0},
			map[string]any{"from": "2026-12-09", "to": "2026-12-09", "days": 1.0},
		},
		"campaigns": []any{
			map[string]any{"campaign": "winter-blend", "from": "2026-12-01", "to": "2026-12-10", "posts": 6.0,
				"channels": []any{"mastodon"}, "posts_outside_dates": []any{"late-one"}},
			map[string]any{"campaign": "gifts", "from": "2026-12-14", "to": "2026-12-14", "posts": 0.0,
				"channels": []any{}, "posts_outside_dates": []any{}},
		},
		"blackouts": []any{
			map[string]any{"name": "Christmas", "from": "2026-12-16", "to": "2026-12-17", "reason": "Team off,\n  no promotions",
				"held": 2.0, "publications": []any{"gift@mastodon", "gift@newsletter"}},
			map[string]any{"name": "", "from": "2026-12-03T00:00", "to": "2026-12-03T06:00", "reason": "",
				"held": 0.0, "publications": []any{}},
		},
	}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// An empty report still has every list, empty rather than null.
func TestCoverageJSONEmpty(t *testing.T) {
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	got := renderCoverage(t, &Streams{}, "json", strategy.Report{From: from, To: from.AddDate(0, 0, 1)})
	want := `{
  "format_version": "1.0",
  "from": "2026-12-01",
  "to": "2026-12-01",
  "timezone": "UTC",
  "channels": [],
  "weeks": [],
  "months": [],
  "empty_days": [],
  "campaigns": [],
  "blackouts": []
}
`
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	text := renderCoverage(t, &Streams{}, "text", strategy.Report{From: from, To: from.AddDate(0, 0, 1)})
	if diff := cmp.Diff(text, `Coverage 2026-12-01 to 2026-12-01 (UTC)

Posts per week
  no weeks

Pillar mix
  no months

Empty days
  none: every day has a publication

Campaigns
  none in these dates

Blackouts
  none in these dates
`); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}
