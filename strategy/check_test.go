package strategy_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/strategy"
)

// cal is a calendar built in memory: a time zone, strategy.yaml and posts.
type cal struct {
	tz       string
	strategy string
	posts    []string // "id" then the post's YAML, as written by post()
}

// post is a post file: publish_at on line 1 (so findings at it are 1:13), channels on line 2.
func post(id, at, channels string, extra ...string) string {
	return id + "\x00" + "publish_at: " + at + "\nchannels: [" + channels + "]\ntext: Hello.\n" + strings.Join(extra, "\n")
}

func (c cal) load(t *testing.T) *calendar.Calendar {
	t.Helper()
	tz := c.tz
	if tz == "" {
		tz = "Europe/Berlin"
	}
	fsys := fstest.MapFS{
		"calendar.yaml": {Data: []byte("brand: Test\ntimezone: " + tz + "\nchannels:\n" +
			"  mastodon:\n    provider: outbox\n  bluesky:\n    provider: outbox\n  newsletter:\n    provider: outbox\n")},
		"strategy.yaml": {Data: []byte(c.strategy)},
	}
	for _, p := range c.posts {
		id, src, _ := strings.Cut(p, "\x00")
		fsys["posts/"+id+".yaml"] = &fstest.MapFile{Data: []byte(src)}
	}
	loaded, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Level == calendar.Error {
			t.Fatalf("the test calendar is invalid: %s:%d:%d: %s", f.File, f.Line, f.Col, f.Message)
		}
	}
	return loaded
}

// check runs strategy.Check and keeps the findings of one rule.
func check(t *testing.T, c cal, now string, rule string) calendar.Findings {
	t.Helper()
	at, err := time.Parse(time.RFC3339, now)
	if err != nil {
		t.Fatal(err)
	}
	var out calendar.Findings
	for _, f := range strategy.Check(c.load(t), at) {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	out.Sort()
	return out
}

func finding(file string, line, col int, rule string, level calendar.Level, msg string) calendar.Finding {
	return calendar.Finding{File: file, Line: line, Col: col, Rule: rule, Level: level, Message: msg}
}

func warnAt(id string, msg string) calendar.Finding {
	return finding("posts/"+id+".yaml", 1, 13, "cadence", calendar.Warning, msg)
}

const now = "2026-11-22T00:00:00Z"

func TestMaxPerDay(t *testing.T) {
	c := cal{
		strategy: "cadence:\n  mastodon:\n    max_per_day: 2\n",
		posts: []string{
			post("a", "2026-12-01T09:00", "mastodon"),
			post("b", "2026-12-01T12:00", "mastodon, bluesky"),
			post("c", "2026-12-01T15:00", "mastodon"),
			post("d", "2026-12-01T18:00", "mastodon"),
			post("e", "2026-12-01T19:00", "bluesky"),                   // another channel
			post("f", "2026-12-01T20:00", "mastodon", "status: draft"), // drafts are never published
			post("g", "2026-12-02T09:00", "mastodon"),
			post("h", "2026-12-02T10:00", "mastodon"),
		},
	}
	got := check(t, c, now, "cadence")
	want := calendar.Findings{
		warnAt("c", "mastodon has 4 posts on Tue 2026-12-01 (this one and a, b, d); max_per_day is 2"),
		warnAt("d", "mastodon has 4 posts on Tue 2026-12-01 (this one and a, b, c); max_per_day is 2"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// A crowded day names five of the others and counts the rest.
func TestMaxPerDayCrowded(t *testing.T) {
	c := cal{strategy: "cadence:\n  mastodon:\n    max_per_day: 7\n"}
	for i := range 8 {
		c.posts = append(c.posts, post(fmt.Sprintf("p%d", i), fmt.Sprintf("2026-12-01T%02d:00", 9+i), "mastodon"))
	}
	got := check(t, c, now, "cadence")
	want := calendar.Findings{
		warnAt("p7", "mastodon has 8 posts on Tue 2026-12-01 (this one and p0, p1, p2, p3, p4, 2 more); max_per_day is 7"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestMaxPerDayLooksForward(t *testing.T) {
	c := cal{
		strategy: "cadence:\n  mastodon:\n    max_per_day: 1\n",
		posts: []string{
			post("old-a", "2026-11-20T09:00", "mastodon"), // a day that ended: history
			post("old-b", "2026-11-20T10:00", "mastodon"),
			post("morning", "2026-11-25T09:00", "mastodon"), // today, before now
			post("evening", "2026-11-25T18:00", "mastodon"), // today, after now: over the limit
		},
	}
	got := check(t, c, "2026-11-25T12:00:00Z", "cadence")
	want := calendar.Findings{
		warnAt("evening", "mastodon has 2 posts on Wed 2026-11-25 (this one and morning); max_per_day is 1"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// Days are local days: the last Sunday of March is 23 hours long in Europe/Berlin, the last Sunday
// of October 25 hours, and both are one day for max_per_day.
func TestMaxPerDayAcrossDST(t *testing.T) {
	c := cal{
		strategy: "cadence:\n  mastodon:\n    max_per_day: 1\n",
		posts: []string{
			// 2027-03-28: 00:30 CET and 23:30 CEST are 22 hours apart, on the same day.
			post("spring-a", "2027-03-28T00:30", "mastodon"),
			post("spring-b", "2027-03-28T23:30", "mastodon"),
			// Just after midnight is the next day, though within 24 hours of spring-a's day start.
			post("spring-next", "2027-03-29T00:15", "mastodon"),
			// 2027-10-31: 00:30 CEST (22:30 UTC the day before) and 23:30 CET are 24 hours apart,
			// on the same day.
			post("autumn-a", "2027-10-31T00:30", "mastodon"),
			post("autumn-b", "2027-10-31T23:30", "mastodon"),
			post("autumn-next", "2027-11-01T00:00", "mastodon"),
			// Given as UTC: 23:30 UTC on the 30th is 01:30 CEST on the 31st.
			post("autumn-utc", "2027-10-30T23:30:00Z", "bluesky, mastodon"),
		},
	}
	got := check(t, c, now, "cadence")
	want := calendar.Findings{
		warnAt("autumn-b", "mastodon has 3 posts on Sun 2027-10-31 (this one and autumn-a, autumn-utc); max_per_day is 1"),
		warnAt("autumn-utc", "mastodon has 3 posts on Sun 2027-10-31 (this one and autumn-a, autumn-b); max_per_day is 1"),
		warnAt("spring-b", "mastodon has 2 posts on Sun 2027-03-28 (this one and spring-a); max_per_day is 1"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestMinGap(t *testing.T) {
	c := cal{
		strategy: "cadence:\n  mastodon:\n    min_gap: 3h\n  bluesky:\n    min_gap: 1d\n",
		posts: []string{
			post("past", "2026-11-21T23:00", "mastodon"),
			post("first", "2026-11-22T09:00:00+01:00", "mastodon"), // 10h after past
			post("close", "2026-11-22T10:30", "mastodon"),          // 1h30m after first
			post("exact", "2026-11-22T13:30", "mastodon, bluesky"), // exactly 3h after close: fine
			post("same", "2026-11-22T13:30", "mastodon"),
			post("next-day", "2026-11-23T09:00", "bluesky"),
		},
	}
	got := check(t, c, "2026-11-21T23:30:00+01:00", "cadence")
	want := calendar.Findings{
		warnAt("close", "1h30m after first on mastodon; min_gap is 3h"),
		warnAt("next-day", "19h30m after exact on bluesky; min_gap is 1d"),
		warnAt("same", "at the same time as exact on mastodon; min_gap is 3h"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// A gap after a publication that is now history is still reported on the later one.
	got = check(t, c, "2026-11-22T10:00:00+01:00", "cadence")
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

const weekly = `cadence:
  mastodon:
    max_per_day: 5
    min_per_week: 2
`

// min_per_week is judged for weeks with posts scheduled before and after them; its findings go to
// the min_per_week value in strategy.yaml.
func TestMinPerWeek(t *testing.T) {
	c := cal{
		strategy: weekly,
		posts: []string{
			post("w48", "2026-11-23T09:00", "mastodon"), // one post, but no scheduled week before it
			post("w49-a", "2026-11-30T09:00", "mastodon"),
			post("w49-b", "2026-12-06T09:00", "mastodon"),
			post("w50", "2026-12-07T09:00", "mastodon, bluesky"),
			// 2026-W51 has none
			post("w52-a", "2026-12-21T09:00", "mastodon"),
			post("w52-b", "2026-12-27T23:59", "mastodon"),
			post("w53-draft-a", "2026-12-28T09:00", "mastodon", "status: draft"),
			post("w53-draft-b", "2026-12-29T09:00", "mastodon", "status: draft"),
			post("w01", "2027-01-04T09:00", "mastodon"), // one post, but no week after it
		},
	}
	got := check(t, c, now, "cadence")
	w := func(msg string) calendar.Finding {
		return finding("strategy.yaml", 4, 19, "cadence", calendar.Warning, msg)
	}
	want := calendar.Findings{
		w("week of 2026-12-07 (2026-W50) has 1 post on mastodon; min_per_week is 2"),
		w("week of 2026-12-14 (2026-W51) has no posts on mastodon; min_per_week is 2"),
		w("week of 2026-12-28 (2026-W53) has no posts on mastodon; min_per_week is 2"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// Weeks whose posts are all history are not judged, nor used as the week before.
	got = check(t, c, "2026-12-14T00:00:00Z", "cadence")
	if diff := cmp.Diff(got, want[2:]); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// Weeks are ISO weeks in the calendar's time zone: in Auckland (UTC+13 in summer) Monday morning is
// still Sunday in UTC, and in New York Sunday night is already Monday in UTC.
func TestMinPerWeekLocalWeeks(t *testing.T) {
	for _, tz := range []string{"Pacific/Auckland", "America/New_York"} {
		t.Run(tz, func(t *testing.T) {
			c := cal{
				tz:       tz,
				strategy: weekly,
				posts: []string{
					post("before-a", "2026-12-21T09:00", "mastodon"),
					post("before-b", "2026-12-22T09:00", "mastodon"),
					// New York: 23:30 Sunday is 04:30 UTC Monday, but it is W53 here.
					post("sunday", "2027-01-03T23:30", "mastodon"),
					// Auckland: 08:00 Monday is 19:00 UTC Sunday, but it is W01 here.
					post("monday", "2027-01-04T08:00", "mastodon"),
					post("after-a", "2027-01-11T09:00", "mastodon"),
					post("after-b", "2027-01-12T09:00", "mastodon"),
				},
			}
			// W53 (Dec 28 to Jan 3) holds sunday; W01 (Jan 4 to 10) holds monday: each has one.
			got := check(t, c, now, "cadence")
			want := calendar.Findings{
				finding("strategy.yaml", 4, 19, "cadence", calendar.Warning, "week of 2026-12-28 (2026-W53) has 1 post on mastodon; min_per_week is 2"),
				finding("strategy.yaml", 4, 19, "cadence", calendar.Warning, "week of 2027-01-04 (2027-W01) has 1 post on mastodon; min_per_week is 2"),
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

// min_per_week's value is found in a flow mapping too.
func TestMinPerWeekPosition(t *testing.T) {
	c := cal{
		strategy: "cadence:\n  mastodon: {max_per_day: 5, min_per_week: 2}\n",
		posts: []string{
			post("a", "2026-11-30T09:00", "mastodon"),
			post("b", "2026-12-14T09:00", "mastodon"),
		},
	}
	got := check(t, c, now, "cadence")
	want := calendar.Findings{
		finding("strategy.yaml", 2, 44, "cadence", calendar.Warning, "week of 2026-12-07 (2026-W50) has no posts on mastodon; min_per_week is 2"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

const pillars = `pillars:
  education:
    share: 0.4
    max_share: 0.5
  product:
    share: 0.25
    max_share: 0.35
  community:
    share: 0.3
`

// month makes n posts in a month, one a day from day 1, with the pillar (none when "").
func month(prefix, yearMonth, pillar string, first, n int, channels string) []string {
	var out []string
	for i := range n {
		var extra []string
		if pillar != "" {
			extra = append(extra, "pillar: "+pillar)
		}
		out = append(out, post(fmt.Sprintf("%s-%d", prefix, first+i), fmt.Sprintf("%s-%02dT%02d:00", yearMonth, first+i, 9), channels, extra...))
	}
	return out
}

func TestPillarMix(t *testing.T) {
	var posts []string
	// January 2027: 30 posts: product 14 (47%, over 35%), education 13 (43%), community 1 (3%,
	// more than 0.15 under 30%), 2 without pillar, all on two channels (each post counts once).
	posts = append(posts, month("jan-p", "2027-01", "product", 1, 14, "mastodon, bluesky")...)
	posts = append(posts, month("jan-e", "2027-01", "education", 15, 13, "mastodon, bluesky")...)
	posts = append(posts, month("jan-c", "2027-01", "community", 28, 1, "mastodon")...)
	posts = append(posts, month("jan-x", "2027-01", "", 29, 2, "mastodon")...)
	// February 2027: 9 posts, all product: too few to judge.
	posts = append(posts, month("feb", "2027-02", "product", 1, 9, "mastodon")...)
	// March 2027: 10 posts: product 3 (30%, fine), education 7 (70%, over), community 0 (under);
	// one draft more does not count.
	posts = append(posts, month("mar-p", "2027-03", "product", 1, 3, "mastodon")...)
	posts = append(posts, month("mar-e", "2027-03", "education", 4, 7, "mastodon")...)
	posts = append(posts, post("mar-draft", "2027-03-20T09:00", "mastodon", "status: draft", "pillar: product"))
	got := check(t, cal{strategy: pillars, posts: posts}, now, "pillar-mix")
	at := func(line int, level calendar.Level, msg string) calendar.Finding {
		return finding("strategy.yaml", line, 3, "pillar-mix", level, msg)
	}
	want := calendar.Findings{
		at(2, calendar.Warning, "March 2027: education is 7 of 10 posts (70%); max_share is 50%"),
		at(5, calendar.Warning, "January 2027: product is 14 of 30 posts (47%); max_share is 35%"),
		at(8, calendar.Suggestion, "January 2027: community is 1 of 30 posts (3%); its target share is 30%"),
		at(8, calendar.Suggestion, "March 2027: community is 0 of 10 posts (0%); its target share is 30%"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// A month that ended is not judged; the month under way counts its earlier posts.
	got = check(t, cal{strategy: pillars, posts: posts}, "2027-03-31T12:00:00+02:00", "pillar-mix")
	want = calendar.Findings{want[0], want[3]}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// A share exactly at max_share, or exactly 0.15 under its target, is fine.
func TestPillarMixBounds(t *testing.T) {
	var posts []string
	posts = append(posts, month("p", "2027-01", "product", 1, 7, "mastodon")...)    // 35% = max_share
	posts = append(posts, month("e", "2027-01", "education", 8, 10, "mastodon")...) // 50% = max_share
	posts = append(posts, month("c", "2027-01", "community", 18, 3, "mastodon")...) // 15% = 0.30 - 0.15
	if got := check(t, cal{strategy: pillars, posts: posts}, now, "pillar-mix"); len(got) != 0 {
		t.Errorf("findings at the bounds: %v", got)
	}
}

const campaigns = `pillars:
  product: {share: 0.5}
  education: {share: 0.5}
campaigns:
  winter-blend:
    from: 2026-12-01
    to: 2027-01-06
    pillars: [product]
  launch-hour:
    from: 2026-12-10T09:00
    to: 2026-12-10T10:00
`

func TestCampaign(t *testing.T) {
	c := cal{strategy: campaigns, posts: []string{
		post("early", "2026-11-30T23:59", "mastodon", "campaign: winter-blend"),
		post("first-day", "2026-12-01T00:00", "mastodon", "campaign: winter-blend"),
		post("last-day", "2027-01-06T23:59", "mastodon", "campaign: winter-blend"),
		post("late", "2027-01-08T09:00", "mastodon", "campaign: winter-blend"),
		post("elsewhere", "2026-12-02T09:00", "mastodon, newsletter", "campaign: winter-blend", "pillar: education"),
		post("no-pillar", "2026-12-03T09:00", "bluesky", "campaign: winter-blend"),
		post("on-time", "2026-12-10T09:59", "mastodon", "campaign: launch-hour"),
		post("too-late", "2026-12-10T10:00", "mastodon", "campaign: launch-hour", "pillar: education"),
		post("draft", "2027-02-01T09:00", "mastodon", "campaign: winter-blend", "status: draft"),
		post("history", "2026-11-01T09:00", "mastodon", "campaign: winter-blend"),
	}}
	// strategy.schema.json has no campaign channels yet, though the model has: set them here.
	loaded := c.load(t)
	loaded.Strategy.Campaigns[0].Value.Channels = []calendar.String{{Value: "mastodon"}, {Value: "bluesky"}}
	var got calendar.Findings
	for _, f := range strategy.Check(loaded, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)) {
		if f.Rule == "campaign" {
			got = append(got, f)
		}
	}
	got.Sort()
	w := func(id string, line, col int, msg string) calendar.Finding {
		return finding("posts/"+id+".yaml", line, col, "campaign", calendar.Warning, msg)
	}
	want := calendar.Findings{
		w("early", 4, 11, "2026-11-30 is before campaign winter-blend starts (2026-12-01 to 2027-01-06)"),
		w("elsewhere", 2, 22, "campaign winter-blend runs on mastodon, bluesky, not on newsletter"),
		w("elsewhere", 5, 9, "pillar education is not one of campaign winter-blend's pillars (product)"),
		w("late", 4, 11, "2027-01-08 is after campaign winter-blend ended (2026-12-01 to 2027-01-06)"),
		w("too-late", 4, 11, "2026-12-10T10:00 is after campaign launch-hour ended (2026-12-10T09:00 to 2026-12-10T10:00)"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

const blackouts = `pillars:
  product: {share: 0.5}
  education: {share: 0.5}
blackouts:
  - name: Christmas
    from: 2026-12-24
    to: 2026-12-26
    reason: Team off, no promotions
    channels: [mastodon, bluesky]
    pillars: [product]
    tags: [promo]
  - from: 2027-01-01T00:00
    to: 2027-01-01T12:00
`

func TestBlackout(t *testing.T) {
	c := cal{strategy: blackouts, posts: []string{
		post("before", "2026-12-23T23:59", "mastodon", "pillar: product"),
		post("product", "2026-12-24T00:00", "mastodon, bluesky, newsletter", "pillar: product"),
		post("promo", "2026-12-25T10:00", "bluesky", "pillar: education", "tags: [promo]"),
		post("greeting", "2026-12-25T11:00", "mastodon", "pillar: education", "tags: [hello]"),
		post("newsletter", "2026-12-25T12:00", "newsletter", "pillar: product"),
		post("after", "2026-12-27T00:00", "mastodon", "pillar: product"),
		post("draft", "2026-12-25T09:00", "mastodon", "pillar: product", "status: draft"),
		post("new-year", "2027-01-01T11:59", "newsletter"),
		post("new-year-noon", "2027-01-01T12:00", "newsletter"),
	}}
	got := check(t, c, now, "blackout")
	e := func(id, msg string) calendar.Finding {
		return finding("posts/"+id+".yaml", 1, 13, "blackout", calendar.Error, msg)
	}
	want := calendar.Findings{
		e("new-year", "blackout 2027-01-01T00:00 to 2027-01-01T12:00 holds this post on newsletter"),
		e("product", `blackout "Christmas" (2026-12-24 to 2026-12-26) holds this post on mastodon, bluesky: Team off, no promotions`),
		e("promo", `blackout "Christmas" (2026-12-24 to 2026-12-26) holds this post on bluesky: Team off, no promotions`),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// Once the blackout is under way, what went out before now is history.
	got = check(t, c, "2026-12-25T00:00:00+01:00", "blackout")
	if diff := cmp.Diff(got, calendar.Findings{want[0], want[2]}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

const windows = `posting_windows:
  - channels: [mastodon, bluesky]
    days: [mon, tue, wed, thu, fri]
    from: "08:00"
    to: "19:00"
  - channels: [mastodon]
    days: [fri]
    from: "22:00"
    to: "02:00"
  - days: [sat]
    from: "10:00"
    to: "16:00"
`

func TestPostingWindows(t *testing.T) {
	c := cal{strategy: windows, posts: []string{
		post("from", "2026-12-01T08:00", "mastodon, bluesky"),              // Tue, inclusive from
		post("to", "2026-12-01T19:00", "mastodon, bluesky"),                // inclusive to
		post("after", "2026-12-01T19:01", "mastodon, bluesky, newsletter"), // newsletter: no window on a weekday
		post("fri-night", "2026-12-04T23:30", "mastodon, bluesky"),         // wraps past midnight on mastodon only
		post("sat-early", "2026-12-05T02:00", "mastodon"),                  // Friday's window runs into Saturday
		post("sat-late", "2026-12-05T02:01", "mastodon"),                   // too late for it, too early for Saturday's
		post("sun-early", "2026-12-06T01:00", "mastodon"),                  // Saturday has no night window
		post("sat-noon", "2026-12-05T12:00", "newsletter, bluesky"),        // the window without channels
		post("history", "2026-11-21T03:00", "mastodon"),
		post("draft", "2026-12-06T03:00", "mastodon", "status: draft"),
	}}
	got := check(t, c, now, "posting-window")
	s := func(id, msg string) calendar.Finding {
		return finding("posts/"+id+".yaml", 1, 13, "posting-window", calendar.Suggestion, msg)
	}
	want := calendar.Findings{
		s("after", "Tue 2026-12-01 19:01 is outside the posting windows for mastodon, bluesky, newsletter (Tue: 08:00-19:00)"),
		s("fri-night", "Fri 2026-12-04 23:30 is outside the posting windows for bluesky (Fri: 08:00-19:00)"),
		s("sat-late", "Sat 2026-12-05 02:01 is outside the posting windows for mastodon (Sat: 00:00-02:00, 10:00-16:00)"),
		s("sun-early", "Sun 2026-12-06 01:00 is outside the posting windows for mastodon (no window on Sun)"),
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// A channel no window names is free; a calendar with no windows at all has no findings.
func TestPostingWindowsUncovered(t *testing.T) {
	c := cal{strategy: "posting_windows:\n  - channels: [mastodon]\n    from: \"09:00\"\n    to: \"10:00\"\n",
		posts: []string{post("a", "2026-12-01T03:00", "bluesky")}}
	if got := check(t, c, now, "posting-window"); len(got) != 0 {
		t.Errorf("findings: %v", got)
	}
}

// What Load already reported is skipped: no strategy, times that did not parse, campaigns and
// blackouts without valid dates, windows and durations that are invalid.
func TestCheckSkipsInvalidInput(t *testing.T) {
	if got := strategy.Check(nil, time.Time{}); got != nil {
		t.Errorf("nil calendar: %v", got)
	}
	if got := strategy.Check(&calendar.Calendar{}, time.Time{}); got != nil {
		t.Errorf("no strategy: %v", got)
	}
	st := 5
	c := &calendar.Calendar{
		Strategy: &calendar.Strategy{
			Cadence: calendar.Map[calendar.Cadence]{{Key: calendar.String{Value: "mastodon"},
				Value: calendar.Cadence{MaxPerDay: &st, MinGap: calendar.String{Value: "soon", Set: true}}}},
			Campaigns:      calendar.Map[calendar.Campaign]{{Key: calendar.String{Value: "c"}}},
			Blackouts:      []calendar.Blackout{{}},
			PostingWindows: []calendar.PostingWindow{{From: calendar.String{Value: "25:00"}, To: calendar.String{Value: "10:00"}}},
		},
		Posts: []*calendar.Post{
			{File: "posts/a.yaml", Channels: []calendar.String{{Value: "mastodon"}}, Campaign: calendar.String{Value: "c", Set: true}},
			{File: "posts/b.yaml", Channels: []calendar.String{{Value: "mastodon"}}, Time: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC),
				Campaign: calendar.String{Value: "c", Set: true}},
		},
	}
	if got := strategy.Check(c, time.Time{}); len(got) != 0 {
		t.Errorf("findings on invalid input: %v", got)
	}
}

// A number the schema rejects is skipped, though YAML decodes max_per_day: 2.5 into the model as 2.
func TestCadenceSkipsRejectedNumbers(t *testing.T) {
	fsys := fstest.MapFS{
		"calendar.yaml": {Data: []byte("brand: Test\ntimezone: UTC\nchannels:\n  mastodon:\n    provider: outbox\n")},
		"strategy.yaml": {Data: []byte("cadence:\n  mastodon:\n    max_per_day: 1.5\n    min_per_week: 2.5\n")},
	}
	// Were the numbers taken as 1 and 2: two posts on one day, one in the week between.
	for i, at := range []string{"2026-12-01T09:00", "2026-12-01T15:00", "2026-12-08T09:00", "2026-12-15T09:00"} {
		fsys[fmt.Sprintf("posts/p%d.yaml", i)] = &fstest.MapFile{Data: []byte("publish_at: " + at + "\nchannels: [mastodon]\ntext: Hi.\n")}
	}
	loaded, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if findings.Count(calendar.Error) != 2 {
		t.Fatalf("want the schema to reject both numbers, got %v", findings)
	}
	if got := strategy.Check(loaded, time.Time{}); len(got) != 0 {
		t.Errorf("findings from rejected numbers: %v", got)
	}
}

// Each result says what it is about, so a review can keep the findings about what it touched: a
// week in the calendar's zone, the two posts of a min_gap, the post of a per-post check.
func TestResultsSubjects(t *testing.T) {
	c := cal{
		strategy: "cadence:\n  mastodon:\n    min_gap: 3h\n    min_per_week: 3\n",
		posts: []string{
			post("w49-a", "2026-11-30T09:00", "mastodon"),
			post("w49-b", "2026-12-06T09:00", "mastodon"),
			post("w50", "2026-12-07T09:00", "mastodon"),
			post("w50-close", "2026-12-07T10:00", "mastodon"),
			post("w51-a", "2026-12-14T09:00", "mastodon"),
			post("w51-b", "2026-12-15T09:00", "mastodon"),
		},
	}
	at, _ := time.Parse(time.RFC3339, now)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	type subject struct {
		Message  string
		Posts    []string
		From, To time.Time
	}
	var got []subject
	for _, r := range strategy.Results(c.load(t), at) {
		if r.Rule == "cadence" {
			got = append(got, subject{r.Message, r.Posts, r.From, r.To})
		}
	}
	want := []subject{
		{Message: "1h after w50 on mastodon; min_gap is 3h", Posts: []string{"w50", "w50-close"},
			From: time.Date(2026, 12, 7, 9, 0, 0, 0, berlin), To: time.Date(2026, 12, 7, 10, 0, 0, 0, berlin)},
		{Message: "week of 2026-12-07 (2026-W50) has 2 posts on mastodon; min_per_week is 3",
			From: time.Date(2026, 12, 7, 0, 0, 0, 0, berlin), To: time.Date(2026, 12, 14, 0, 0, 0, 0, berlin)},
	}
	if diff := cmp.Diff(got, want, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}
