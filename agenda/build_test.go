package agenda_test

import (
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/agenda"
	"github.com/postctl/postctl/bench/benchcal"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

const testCalendar = `brand: Test
timezone: Europe/Berlin
channels:
  mastodon:
    provider: mastodon
    server: https://social.example
    access_token_env: TOKEN
  bluesky:
    provider: outbox
    platform: bluesky
  news:
    provider: outbox
`

const testStrategy = `pillars:
  product: {}
  community: {}
campaigns:
  winter:
    from: 2026-12-01
    to: 2026-12-13
    hashtags: ["#Winter"]
  spring:
    from: 2027-03-01
    to: 2027-03-31
blackouts:
  - name: Christmas
    from: 2026-12-24
    to: 2026-12-26
    pillars: [product]
  - name: News pause
    from: 2026-12-10
    to: 2026-12-11
    channels: [news]
`

func load(t testing.TB, files map[string]string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{"calendar.yaml": {Data: []byte(testCalendar)}, "strategy.yaml": {Data: []byte(testStrategy)}}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	cal, _, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func berlin(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

type row struct {
	Address string
	At      string
	Status  agenda.Status
	URL     string
}

func rows(a *agenda.Agenda) []row {
	var out []row
	for _, e := range a.Entries {
		out = append(out, row{e.Address, e.At.In(a.Location).Format("2006-01-02 15:04"), e.Status, e.URL})
	}
	return out
}

func TestBuildStatuses(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/published.yaml": "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Out.\n",
		"posts/missed.yaml":    "publish_at: 2026-12-02T09:00\nchannels: [bluesky]\ntext: Late.\n",
		"posts/due.yaml":       "publish_at: 2026-12-10T09:30\nchannels: [bluesky]\ntext: Now.\n",
		"posts/native.yaml":    "publish_at: 2026-12-12T09:00\nchannels: [mastodon]\ntext: Scheduled on the server.\n",
		"posts/gift.yaml":      "publish_at: 2026-12-24T10:00\nchannels: [mastodon, bluesky]\npillar: product\ntext: Buy.\n",
		"posts/greeting.yaml":  "publish_at: 2026-12-24T11:00\nchannels: [bluesky]\npillar: community\ntext: Hello.\n",
		"posts/draft.yaml":     "status: draft\npublish_at: 2026-12-15T12:00\nchannels: [bluesky]\ntext: Later.\n",
		"posts/january.yaml":   "publish_at: 2027-01-01T00:00\nchannels: [bluesky]\ntext: Outside.\n",
		"posts/november.yaml":  "publish_at: 2026-11-30T23:59\nchannels: [bluesky]\ntext: Outside.\n",
	})
	loc := berlin(t)
	now := time.Date(2026, 12, 10, 10, 0, 0, 0, loc)
	st := state.New()
	pub := cal.Posts[0]
	for _, p := range cal.Posts {
		if p.ID.Value == "published" {
			pub = p
		}
	}
	st.Publications["published@bluesky"] = &state.Publication{Post: "published", Channel: "bluesky", Status: state.Published,
		URL: "https://bsky.example/1", ContentHash: plan.ContentHash(cal, pub, "bluesky"), PlannedAt: pub.Time}
	p, err := plan.Compute(cal, st, plan.Options{At: now})
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 12, 1, 0, 0, 0, 0, loc), time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	a := agenda.Build(cal, st, p, agenda.Options{From: from, To: to, Now: now, IncludeDrafts: true})
	want := []row{
		{"published@bluesky", "2026-12-01 09:00", agenda.Published, "https://bsky.example/1"},
		{"missed@bluesky", "2026-12-02 09:00", agenda.Missed, ""},
		{"due@bluesky", "2026-12-10 09:30", agenda.Due, ""},
		{"native@mastodon", "2026-12-12 09:00", agenda.Upcoming, ""}, // the next apply schedules it
		{"draft@bluesky", "2026-12-15 12:00", agenda.Draft, ""},
		{"gift@bluesky", "2026-12-24 10:00", agenda.Held, ""},
		{"gift@mastodon", "2026-12-24 10:00", agenda.Held, ""},
		{"greeting@bluesky", "2026-12-24 11:00", agenda.Upcoming, ""},
	}
	if diff := cmp.Diff(want, rows(a)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if a.Brand != "Test" || a.Location.String() != "Europe/Berlin" {
		t.Errorf("brand %q, zone %v", a.Brand, a.Location)
	}
	if diff := cmp.Diff([]string{"product", "community"}, a.Pillars); diff != "" {
		t.Errorf("pillars (-want +got):\n%s", diff)
	}
	wantCh := []agenda.Channel{{"mastodon", "mastodon", "mastodon"}, {"bluesky", "outbox", "bluesky"}, {"news", "outbox", "generic"}}
	if diff := cmp.Diff(wantCh, a.Channels); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}
	var spans []string
	for _, s := range append(a.Blackouts, a.Campaigns...) {
		spans = append(spans, s.Name)
	}
	if diff := cmp.Diff([]string{"Christmas", "News pause", "winter"}, spans); diff != "" {
		t.Errorf("blackouts and campaigns (-want +got):\n%s", diff)
	}
	for _, e := range a.Entries {
		if e.Status == agenda.Held && e.Reason == "" {
			t.Errorf("%s: held without a reason", e.Address)
		}
	}

	// Without drafts, and for one channel: the spans of other channels go too.
	a = agenda.Build(cal, st, p, agenda.Options{From: from, To: to, Now: now, Channels: []string{"mastodon"}})
	want = []row{
		{"native@mastodon", "2026-12-12 09:00", agenda.Upcoming, ""},
		{"gift@mastodon", "2026-12-24 10:00", agenda.Held, ""},
	}
	if diff := cmp.Diff(want, rows(a)); diff != "" {
		t.Errorf("mastodon entries (-want +got):\n%s", diff)
	}
	if len(a.Blackouts) != 1 || a.Blackouts[0].Name != "Christmas" {
		t.Errorf("mastodon blackouts: %+v", a.Blackouts)
	}

	// Without a plan or a state every publication is upcoming (drafts aside).
	a = agenda.Build(cal, nil, nil, agenda.Options{From: from, To: to, Now: now})
	for _, e := range a.Entries {
		if e.Status != agenda.Upcoming {
			t.Errorf("%s: %s without a plan", e.Address, e.Status)
		}
	}
}

func TestBuildLengthsAndContent(t *testing.T) {
	long := ""
	for range 31 {
		long += "0123456789"
	}
	cal := load(t, map[string]string{
		"posts/p.yaml": fmt.Sprintf(`publish_at: 2026-12-05T09:00
channels: [mastodon, bluesky, news]
title: "  A   title  "
pillar: product
campaign: winter
tags: [launch]
text: "See https://example.com/a/very/long/path/that/mastodon/counts/as/twenty-three 🎄"
overrides:
  bluesky:
    text: %q
thread:
  - Second part.
  - text: Third part.
    media:
      - file: media/a.png
        alt: A cup
media:
  - file: media/b.png
    alt: Beans
`, long),
	})
	loc := berlin(t)
	a := agenda.Build(cal, nil, nil, agenda.Options{From: time.Date(2026, 12, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 12, 6, 0, 0, 0, 0, loc)})
	if len(a.Entries) != 3 {
		t.Fatalf("%d entries, want 3", len(a.Entries))
	}
	type got struct {
		Channel, Title string
		Length, Limit  int
		Unit           string
		Thread         []agenda.Part
		Media          []agenda.Media
		Tags           []string
	}
	var have []got
	for _, e := range a.Entries {
		have = append(have, got{e.Channel, e.Title, e.Length, e.Limit, e.Unit, e.Thread, e.Media, e.Tags})
	}
	thread := func() []agenda.Part {
		return []agenda.Part{{Text: "Second part.", Length: 12}, {Text: "Third part.", Length: 11, Media: []agenda.Media{{File: "media/a.png", Alt: "A cup"}}}}
	}
	media := []agenda.Media{{File: "media/b.png", Alt: "Beans"}}
	want := []got{
		{"bluesky", "A title", 310, 300, "graphemes", thread(), media, []string{"launch"}},
		{"mastodon", "A title", 4 + 23 + 2, 500, "characters", thread(), media, []string{"launch"}},
		{"news", "A title", 4 + 73 + 2, 0, "graphemes", thread(), media, []string{"launch"}},
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestTitle(t *testing.T) {
	for _, tc := range []struct{ title, text, want string }{
		{"Given", "Text", "Given"},
		{"", "First line\nsecond line", "First line"},
		{"", "  spaced\tout  ", "spaced out"},
		{"", "A rather long first sentence that goes on and on well past sixty characters in all", "A rather long first sentence that goes on and on well past…"},
		{"", "", ""},
	} {
		p := &calendar.Post{Title: calendar.String{Value: tc.title}, Text: calendar.String{Value: tc.text}}
		if got := agenda.Title(p); got != tc.want {
			t.Errorf("Title(%q, %q) = %q, want %q", tc.title, tc.text, got, tc.want)
		}
	}
}

// TestBuildCrisis: the holding statement is an entry on each of its channels, due at activation.
func TestBuildCrisis(t *testing.T) {
	cal := load(t, map[string]string{
		"crisis.yaml":           "playbook: outage\nactivated_at: 2026-12-01T09:30:00+01:00\nreason: Down\nby: Mia\n",
		"playbooks/outage.yaml": "name: Outage\nseverity: high\npause:\n  all: true\nholding_statement:\n  channels: [bluesky, news]\n  text: We are on it.\n",
		"posts/a.yaml":          "publish_at: 2026-12-02T09:00\nchannels: [bluesky]\ntext: Held.\n",
	})
	loc := berlin(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	p, err := plan.Compute(cal, nil, plan.Options{At: now})
	if err != nil {
		t.Fatal(err)
	}
	a := agenda.Build(cal, nil, p, agenda.Options{From: time.Date(2026, 12, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 12, 8, 0, 0, 0, 0, loc), Now: now})
	want := []row{
		{"crisis:outage:20261201T083000Z@bluesky", "2026-12-01 09:30", agenda.Due, ""},
		{"crisis:outage:20261201T083000Z@news", "2026-12-01 09:30", agenda.Due, ""},
		{"a@bluesky", "2026-12-02 09:00", agenda.Held, ""},
	}
	if diff := cmp.Diff(want, rows(a)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if !a.Entries[0].Statement || a.Entries[0].Title != "Holding statement: Outage" || a.Entries[0].Text != "We are on it." {
		t.Errorf("statement entry: %+v", a.Entries[0])
	}
	if a.Crisis == nil || a.Crisis.Playbook != "outage" || a.Crisis.Name != "Outage" || !a.Crisis.Since.Equal(time.Date(2026, 12, 1, 9, 30, 0, 0, loc)) {
		t.Errorf("crisis: %+v", a.Crisis)
	}
}

// BenchmarkBuild10k builds the agenda of a generated calendar of 10,000 posts planned against an
// empty state: a month (the text view) and everything (the ics feed). Loading and planning are
// outside the timer. Target: well under 100ms.
func BenchmarkBuild10k(b *testing.B) {
	cal := benchcal.Load(b, 10000, nil)
	loc := cal.Location
	now := time.Date(2027, 6, 1, 9, 0, 0, 0, loc)
	p, err := plan.Compute(cal, nil, plan.Options{At: now})
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range []struct {
		name     string
		from, to time.Time
	}{
		{"month", time.Date(2027, 6, 1, 0, 0, 0, 0, loc), time.Date(2027, 7, 1, 0, 0, 0, 0, loc)},
		{"all", time.Date(2000, 1, 1, 0, 0, 0, 0, loc), time.Date(2100, 1, 1, 0, 0, 0, 0, loc)},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				a := agenda.Build(cal, nil, p, agenda.Options{From: r.from, To: r.to, Now: now, IncludeDrafts: true})
				n = len(a.Entries)
			}
			b.ReportMetric(float64(n), "entries")
		})
	}
}

// TestBuildMany builds enough posts to fill them on several goroutines: every publication once,
// in time order then by address, duplicates (one id twice, a channel listed twice) once.
func TestBuildMany(t *testing.T) {
	files := map[string]string{}
	want := map[string]bool{}
	for i := range 3000 {
		id := fmt.Sprintf("p%04d", i)
		day, hour := 1+i%28, i%24
		files["posts/"+id+".yaml"] = fmt.Sprintf("publish_at: 2027-02-%02dT%02d:00:00Z\nchannels: [news, bluesky, news]\ntext: Post %d.\n", day, hour, i)
		want[id+"@news"], want[id+"@bluesky"] = true, true
	}
	files["posts/dup/p0007.yaml"] = "publish_at: 2027-02-08T07:00:00Z\nchannels: [news]\ntext: Same id.\n"
	cal := load(t, files)
	loc := berlin(t)
	a := agenda.Build(cal, nil, nil, agenda.Options{From: time.Date(2027, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2027, 4, 1, 0, 0, 0, 0, loc)})
	got := map[string]bool{}
	for i, e := range a.Entries {
		if got[e.Address] {
			t.Errorf("%s twice", e.Address)
		}
		got[e.Address] = true
		if i > 0 {
			p := a.Entries[i-1]
			if e.At.Before(p.At) || e.At.Equal(p.At) && e.Address < p.Address {
				t.Fatalf("entry %d (%s %s) before entry %d (%s %s)", i, e.At, e.Address, i-1, p.At, p.Address)
			}
		}
		if e.Length != len(e.Text) {
			t.Errorf("%s: length %d of %q", e.Address, e.Length, e.Text)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
}
