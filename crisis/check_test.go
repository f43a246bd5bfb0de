package crisis

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/bench/benchcal"
	"github.com/postctl/postctl/calendar"
)

// checkFiles is a calendar in Berlin with a shipping-outage crisis active since 16:30 CET; now is
// 17:00 CET.
var checkFiles = map[string]string{
	"calendar.yaml": `brand: Test
timezone: Europe/Berlin
channels:
  mastodon:
    provider: outbox
    platform: mastodon
  bluesky:
    provider: outbox
    platform: bluesky
  newsletter:
    provider: outbox
    platform: generic
    max_delay: 3h
`,
	"playbooks/shipping-outage.yaml": `name: Shipping outage
severity: medium
pause:
  pillars: [product]
  tags: [promo]
expires_after: 2d
`,
	"crisis.yaml": `playbook: shipping-outage
activated_at: 2026-11-22T15:30:00Z
reason: carrier down
by: mia
`,
	// Upcoming: held until the crisis is resolved.
	"posts/upcoming.yaml": `publish_at: 2026-11-22T18:00
channels: [mastodon, bluesky]
pillar: product
text: Upcoming.
`,
	// Due since the activation: missed.
	"posts/during.yaml": `publish_at: 2026-11-22T16:45
channels: [bluesky]
pillar: product
text: During.
`,
	// Due half an hour before the activation: within the hour mastodon would still have let it out.
	"posts/before.yaml": `publish_at: 2026-11-22T16:00
channels: [mastodon]
pillar: product
text: Before.
`,
	// Due three and a half hours before: longer ago than even the newsletter's max_delay of 3h.
	"posts/long-before.yaml": `publish_at: 2026-11-22T13:00
channels: [mastodon, newsletter]
pillar: product
text: Long before.
`,
	// Not paused: another pillar; a draft; a tag picks one.
	"posts/other.yaml": `publish_at: 2026-11-22T18:00
channels: [mastodon]
pillar: education
text: Other.
`,
	"posts/draft.yaml": `publish_at: 2026-11-22T18:00
channels: [mastodon]
pillar: product
status: draft
text: Draft.
`,
	"posts/promo.yaml": `publish_at: 2026-11-23T09:00
channels: [mastodon, newsletter]
tags: [promo]
text: Promo.
`,
}

func loadCheck(t testing.TB, files map[string]string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	cal, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Level == calendar.Error && f.Rule != "reference" {
			t.Fatalf("calendar error: %s:%d:%d: %s", f.File, f.Line, f.Col, f.Message)
		}
	}
	return cal
}

func with(files map[string]string, name, text string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out[k] = v
	}
	if text == "" {
		delete(out, name)
	} else {
		out[name] = text
	}
	return out
}

func TestCheckHeldPosts(t *testing.T) {
	cal := loadCheck(t, checkFiles)
	now := time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC)
	got := Check(cal, now)
	got.Sort()
	const held = `held by the crisis "shipping-outage" (Shipping outage), active since 2026-11-22 16:30 CET: `
	want := calendar.Findings{
		{File: "posts/before.yaml", Line: 1, Col: 13, Rule: "crisis", Level: calendar.Warning,
			Message: held + "its time (2026-11-22 16:00 CET) came within its channel's max_delay before the crisis: it will be missed, not published late, unless apply --publish-late (on mastodon)"},
		{File: "posts/during.yaml", Line: 1, Col: 13, Rule: "crisis", Level: calendar.Warning,
			Message: held + "its time (2026-11-22 16:45 CET) passed during the crisis: it will be missed, not published late, unless apply --publish-late (on bluesky)"},
		{File: "posts/promo.yaml", Line: 1, Col: 13, Rule: "crisis", Level: calendar.Warning,
			Message: held + "not published until the crisis is resolved (on mastodon, newsletter)"},
		{File: "posts/upcoming.yaml", Line: 1, Col: 13, Rule: "crisis", Level: calendar.Warning,
			Message: held + "not published until the crisis is resolved (on mastodon, bluesky)"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("findings (-got +want):\n%s", diff)
	}
}

func TestCheckExpired(t *testing.T) {
	cal := loadCheck(t, checkFiles)
	for _, c := range []struct {
		now  time.Time
		want []string
	}{
		{time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC), nil}, // exactly 2d: not yet
		{time.Date(2026, 11, 25, 19, 40, 0, 0, time.UTC), []string{
			`crisis.yaml:2:15: the crisis "shipping-outage" has been active for 3d 4h, longer than its playbook's expires_after 2d: resolve it with postctl crisis resolve, or raise expires_after in the playbook`}},
	} {
		var got []string
		for _, f := range Check(cal, c.now) {
			if f.File == "crisis.yaml" {
				got = append(got, f.File+":"+strconv.Itoa(f.Line)+":"+strconv.Itoa(f.Col)+": "+f.Message)
			}
		}
		if diff := cmp.Diff(got, c.want); diff != "" {
			t.Errorf("at %s (-got +want):\n%s", c.now, diff)
		}
	}
	// Without expires_after, never.
	cal = loadCheck(t, with(checkFiles, "playbooks/shipping-outage.yaml", "name: Shipping outage\nseverity: medium\npause:\n  all: true\n"))
	for _, f := range Check(cal, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		if f.File == "crisis.yaml" {
			t.Errorf("no expires_after: %s", f.Message)
		}
	}
}

func TestCheckNoCrisis(t *testing.T) {
	cal := loadCheck(t, with(checkFiles, "crisis.yaml", ""))
	if got := Check(cal, time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC)); got != nil {
		t.Errorf("no crisis: %v", got)
	}
}

// An unknown playbook is an error of the calendar's checks already (and would hold everything):
// no warnings on top.
func TestCheckUnknownPlaybook(t *testing.T) {
	cal := loadCheck(t, with(checkFiles, "crisis.yaml", "playbook: flood\nactivated_at: 2026-11-22T15:30:00Z\nreason: flood\nby: mia\n"))
	if got := Check(cal, time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC)); got != nil {
		t.Errorf("unknown playbook: %v", got)
	}
}

// Check decides what is held as Holds does.
func TestCheckAgreesWithHolds(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
	} {
		cal := loadCheck(t, checkFiles)
		var fromHolds []string
		for _, h := range Active(cal, now) {
			fromHolds = append(fromHolds, h.Post.File+" "+h.Channel)
		}
		var fromCheck []string
		for _, f := range Check(cal, now) {
			if f.File == "crisis.yaml" {
				continue
			}
			_, list, _ := strings.Cut(f.Message, " (on ")
			for _, ch := range strings.Split(strings.TrimSuffix(list, ")"), ", ") {
				fromCheck = append(fromCheck, f.File+" "+ch)
			}
		}
		sort.Strings(fromHolds)
		sort.Strings(fromCheck)
		if diff := cmp.Diff(fromCheck, fromHolds); diff != "" {
			t.Errorf("at %s (-check +holds):\n%s", now, diff)
		}
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:              "less than a minute",
		45 * time.Minute:              "45m",
		5*time.Hour + 30*time.Minute:  "5h 30m",
		76*time.Hour + 10*time.Minute: "3d 4h",
		48 * time.Hour:                "2d",
	} {
		if got := Age(d); got != want {
			t.Errorf("Age(%s) = %q, want %q", d, got, want)
		}
	}
}

// BenchmarkCheck10k checks a generated calendar of 10,000 posts while a crisis that pauses the
// social channels is active; validate runs this on every call, so it must stay a few
// milliseconds.
func BenchmarkCheck10k(b *testing.B) {
	cal := benchcal.Load(b, 10000, map[string]string{
		"crisis.yaml": "playbook: negative-viral-post\nactivated_at: 2026-12-01T08:00:00Z\nreason: bench\nby: bench\n"})
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(Check(cal, now))
	}
	b.ReportMetric(float64(n), "findings")
}
