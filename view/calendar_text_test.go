package view_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rivo/uniseg"

	"github.com/postctl/postctl/agenda"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/view"
)

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// columns is how wide a line shows on a terminal, colour codes aside.
func columns(line string) int { return uniseg.StringWidth(ansi.ReplaceAllString(line, "")) }

func checkWidth(t *testing.T, name, out string) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if w := columns(line); w > view.CalendarWidth {
			t.Errorf("%s: line %d is %d columns: %q", name, i+1, w, line)
		}
	}
}

var titles = []string{
	"Winter blend launch",
	"🎄☕ クリスマス特集: the Christmas special",
	"Zero\u200bwidth and e\u0301 combining marks",
	"👩‍👩‍👧‍👦 family emoji and 🇩🇪 flags in a rather long title that goes on",
	"中文标题很长很长很长很长很长很长",
	"tab\tand\nnewline in a title",
	"x",
}

// month200 is a calendar of 200 posts in December 2026 on channels with long and short names.
func month200(t *testing.T) *agenda.Agenda {
	t.Helper()
	fsys := fstest.MapFS{
		"calendar.yaml": {Data: []byte(`brand: "A brand with a very long name that does not fit on one line with the month 🎄"
timezone: Europe/Berlin
channels:
  mastodon:
    provider: outbox
    platform: mastodon
  bluesky:
    provider: outbox
    platform: bluesky
  newsletter-with-a-long-name:
    provider: outbox
  news:
    provider: outbox
`)},
		"strategy.yaml": {Data: []byte(`pillars:
  education: {}
  product: {}
  community: {}
  a-pillar-with-a-very-long-name-indeed: {}
campaigns:
  winter:
    from: 2026-12-01
    to: 2026-12-24
    hashtags: ["#Winter", "#Coffee", "#ALongHashtagThatGoesOnAndOn", "#More", "#AndMore", "#EvenMoreHashtags"]
blackouts:
  - name: Christmas with a very long blackout name and a reason that wraps
    from: 2026-12-24
    to: 2026-12-26
    reason: Team off; no promotions, no sales, no offers, nothing that sells anything at all to anyone
    pillars: [product]
`)},
	}
	channels := []string{"[mastodon]", "[bluesky, news]", "[newsletter-with-a-long-name]", "[mastodon, bluesky]"}
	pillars := []string{"education", "product", "community", "a-pillar-with-a-very-long-name-indeed", ""}
	for i := range 200 {
		day := 1 + (i*7)%31
		if i%10 == 0 {
			day = 18 // a busy day
		}
		status := ""
		if i%13 == 0 {
			status = "status: draft\n"
		}
		pillar := ""
		if p := pillars[i%len(pillars)]; p != "" {
			pillar = "pillar: " + p + "\n"
		}
		fsys[fmt.Sprintf("posts/p%03d.yaml", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"%spublish_at: 2026-12-%02dT%02d:%02d\nchannels: %s\ntitle: %q\ntext: Hello.\n%s",
			status, day, 6+i%15, (i*5)%60, channels[i%len(channels)], titles[i%len(titles)], pillar))}
	}
	cal, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if n := findings.Count(calendar.Error); n > 0 {
		t.Fatalf("%d errors: %v", n, findings)
	}
	loc := cal.Location
	now := time.Date(2026, 12, 10, 10, 0, 0, 0, loc)
	p, err := plan.Compute(cal, nil, plan.Options{At: now})
	if err != nil {
		t.Fatal(err)
	}
	return agenda.Build(cal, nil, p, agenda.Options{From: time.Date(2026, 12, 1, 0, 0, 0, 0, loc),
		To: time.Date(2027, 1, 1, 0, 0, 0, 0, loc), Now: now, IncludeDrafts: true})
}

func render(t *testing.T, a *agenda.Agenda, week, colour bool) string {
	t.Helper()
	var out bytes.Buffer
	s := &view.Streams{Out: &out, OutTTY: colour, Color: colour}
	if err := view.RenderCalendarText(s, a, week); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestCalendarText200 renders a month of 200 posts (wide runes, emoji, long names): no line is
// wider than 80 columns, with colour or without, and each day's count and "+N more" add up.
func TestCalendarText200(t *testing.T) {
	a := month200(t)
	entries := 0
	perDay := map[int]int{}
	for _, e := range a.Entries {
		entries++
		perDay[e.At.In(a.Location).Day()]++
	}
	if entries < 200 {
		t.Fatalf("%d entries, want at least 200", entries)
	}
	plain := render(t, a, false, false)
	for _, colour := range []bool{false, true} {
		for _, week := range []bool{false, true} {
			out := render(t, a, week, colour)
			checkWidth(t, fmt.Sprintf("week=%v colour=%v", week, colour), out)
			if got := ansi.ReplaceAllString(out, ""); !colour && got != out {
				t.Errorf("week=%v: colour codes without colour", week)
			}
		}
	}
	if colourless := ansi.ReplaceAllString(render(t, a, false, true), ""); !strings.HasPrefix(colourless, strings.SplitN(plain, "\n", 2)[0]) {
		t.Errorf("the coloured grid differs from the plain one beyond colour:\n%s", colourless)
	}
	if !strings.Contains(plain, fmt.Sprintf("\n%d publications · ", entries)) {
		t.Errorf("no count of %d publications in:\n%s", entries, plain)
	}
	// Each day cell's first line ends with its count; a day with more than 3 says how many more.
	head := regexp.MustCompile(`│([ 0-9]\d)[* ⊘]*\s+(\d+)`)
	counted := map[int]int{}
	for _, m := range head.FindAllStringSubmatch(plain, -1) {
		var d, n int
		fmt.Sscan(strings.TrimSpace(m[1]), &d)
		fmt.Sscan(m[2], &n)
		counted[d] = n
	}
	if diff := cmp.Diff(perDay, counted); diff != "" {
		t.Errorf("day counts (-entries +grid):\n%s", diff)
	}
	more := 0
	for _, n := range perDay {
		if n > 3 {
			more++
		}
	}
	if got := strings.Count(plain, " more "); got != more {
		t.Errorf("%d \"+N more\", want %d", got, more)
	}
	if !strings.Contains(plain, fmt.Sprintf("+%d more", perDay[18]-3)) {
		t.Errorf("18 December has %d entries: no \"+%d more\"", perDay[18], perDay[18]-3)
	}
	// The week view lists every entry of the week on its own line.
	weekA := *a
	loc := a.Location
	weekA.From, weekA.To = time.Date(2026, 12, 14, 0, 0, 0, 0, loc), time.Date(2026, 12, 21, 0, 0, 0, 0, loc)
	weekA.Entries = nil
	for _, e := range a.Entries {
		if !e.At.Before(weekA.From) && e.At.Before(weekA.To) {
			weekA.Entries = append(weekA.Entries, e)
		}
	}
	week := render(t, &weekA, true, false)
	lines := regexp.MustCompile(`(?m)^  \d\d:\d\d  `).FindAllString(week, -1)
	if len(lines) != len(weekA.Entries) {
		t.Errorf("week view: %d entry lines, want %d:\n%s", len(lines), len(weekA.Entries), week)
	}
}

// TestCalendarTextMarks: statuses have their markers, drafts are dim and pillars coloured on a
// terminal, and a day inside a blackout is marked.
func TestCalendarTextMarks(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	at := func(d, h int) time.Time { return time.Date(2027, 3, d, h, 0, 0, 0, loc) }
	a := &agenda.Agenda{Brand: "B", Location: loc, From: time.Date(2027, 3, 1, 0, 0, 0, 0, loc), To: time.Date(2027, 4, 1, 0, 0, 0, 0, loc),
		Now:      at(10, 12),
		Channels: []agenda.Channel{{ID: "mastodon"}, {ID: "mailing"}, {ID: "mail"}},
		Pillars:  []string{"education", "product"},
		Entries: []agenda.Entry{
			{Address: "a@mastodon", Channel: "mastodon", Title: "Published", At: at(2, 9), Status: agenda.Published, Pillar: "product", URL: "https://social.example/@b/1"},
			{Address: "b@mailing", Channel: "mailing", Title: "Missed", At: at(3, 9), Status: agenda.Missed},
			{Address: "c@mail", Channel: "mail", Title: "Held", At: at(15, 9), Status: agenda.Held, Reason: "held by the blackout"},
			{Address: "d@mastodon", Channel: "mastodon", Title: "Draft", At: at(16, 9), Status: agenda.Draft, Pillar: "product"},
			{Address: "e@mastodon", Channel: "mastodon", Title: "Education", At: at(17, 9), Status: agenda.Upcoming, Pillar: "education"},
		},
		Blackouts: []agenda.Span{{Name: "Spring break", From: time.Date(2027, 3, 15, 0, 0, 0, 0, loc), To: time.Date(2027, 3, 17, 0, 0, 0, 0, loc)}},
	}
	plain := render(t, a, false, false)
	for _, want := range []string{"│ 2       1│", "09:00 ma ✓", "09:00 mi ✗", "09:00 ml ‖", "09:00 ma ·", "│10*       │", "│15 ⊘     1│", "│16 ⊘     1│", "│17       1│",
		"Channels: ma mastodon  mi mailing  ml mail", "  2027-03-15 – 2027-03-16  Spring break"} {
		if !strings.Contains(plain, want) {
			t.Errorf("no %q in:\n%s", want, plain)
		}
	}
	coloured := render(t, a, false, true)
	for _, want := range []string{"\x1b[35m09:00 ma ✓\x1b[0m", "\x1b[31m09:00 mi ✗\x1b[0m", "\x1b[2m09:00 ma ·\x1b[0m", "\x1b[36m09:00 ma  \x1b[0m", "\x1b[1m10*       \x1b[0m"} {
		if !strings.Contains(coloured, want) {
			t.Errorf("no %q in:\n%s", want, coloured)
		}
	}
	week := render(t, a, true, false)
	if !strings.Contains(week, "  09:00  mastodon  ✓  Published") || !strings.Contains(week, "\n                      https://social.example/@b/1\n") {
		t.Errorf("published entry and its URL missing in:\n%s", week)
	}
	if !strings.Contains(week, "  09:00  mail      ‖  Held\n                      held by the blackout\n") {
		t.Errorf("held entry and its reason missing in:\n%s", week)
	}
}
