package plan

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/state"
)

const calendarYAML = `brand: Test
timezone: Europe/Berlin
channels:
  masto:
    provider: mastodon
    server: https://social.example
    access_token_env: MASTODON_TOKEN
    scheduling: native
  later:
    provider: mastodon
    server: https://social.example
    access_token_env: MASTODON_TOKEN
  outbox:
    provider: outbox
  slow:
    provider: outbox
    max_delay: 3h
`

// load builds a calendar from files; posts are given as name → YAML under posts/.
func load(t *testing.T, files map[string]string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{"calendar.yaml": {Data: []byte(calendarYAML)}}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	cal, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Level == calendar.Error {
			t.Fatalf("calendar: %s:%d:%d: %s", f.File, f.Line, f.Col, f.Message)
		}
	}
	return cal
}

func post(publishAt, channels string, extra ...string) string {
	return "publish_at: " + publishAt + "\nchannels: [" + channels + "]\ntext: Hello.\n" + strings.Join(extra, "\n")
}

var berlin = mustLoc("Europe/Berlin")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", s, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

// record is a state record for addr of what the calendar says now (hash and time), with status.
func record(cal *calendar.Calendar, addr string, status state.Status) *state.Publication {
	postID, ch, _ := state.SplitAddress(addr)
	for _, p := range cal.Posts {
		if p.ID.Value == postID {
			return &state.Publication{Post: postID, Channel: ch, Status: status, ContentHash: ContentHash(cal, p, ch), PlannedAt: p.Time}
		}
	}
	return &state.Publication{Post: postID, Channel: ch, Status: status, ContentHash: "0123456789abcdef", PlannedAt: at("2026-12-10T09:00")}
}

func stateOf(recs ...*state.Publication) *state.State {
	st := state.New()
	st.Serial = 7
	for _, r := range recs {
		st.Publications[state.Address(r.Post, r.Channel)] = r
	}
	return st
}

// brief is the part of a change most tests compare.
type brief struct {
	Address      string
	Action       Action
	Irreversible bool
	Reason       string
}

func briefs(p *Plan) []brief {
	out := []brief{}
	for _, c := range p.Changes {
		out = append(out, brief{c.Address, c.Action, c.Irreversible, c.Reason})
	}
	return out
}

func compute(t *testing.T, cal *calendar.Calendar, st *state.State, opts Options) *Plan {
	t.Helper()
	p, err := Compute(cal, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func check(t *testing.T, got *Plan, want []brief) {
	t.Helper()
	if diff := cmp.Diff(briefs(got), want); diff != "" {
		t.Errorf("changes (-got +want):\n%s", diff)
	}
}

func TestFreshPublications(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/native.yaml":  post("2026-12-02T09:00", "masto, later, outbox"),
		"posts/thread.yaml":  post("2026-12-02T10:00", "masto", "thread: [Second.]"),
		"posts/soon.yaml":    post("2026-12-01T09:04", "masto"),
		"posts/due.yaml":     post("2026-12-01T08:55", "masto, outbox"),
		"posts/late.yaml":    post("2026-12-01T07:00", "outbox, slow"),
		"posts/draft.yaml":   post("2026-12-01T08:59", "outbox", "status: draft"),
		"posts/far.yaml":     post("2026-12-20T09:00", "outbox"),
		"posts/history.yaml": post("2026-11-01T09:00", "outbox"),
	})
	p := compute(t, cal, state.New(), Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{
		{"history@outbox", Missed, false, "was due at 2026-11-01 09:00 CET, 30d ago, later than max_delay 1h: not published without --publish-late"},
		{"late@outbox", Missed, false, "was due at 2026-12-01 07:00 CET, 2h ago, later than max_delay 1h: not published without --publish-late"},
		{"late@slow", Publish, true, "due at 2026-12-01 07:00 CET (2h ago): published now"},
		{"due@masto", Publish, true, "due at 2026-12-01 08:55 CET (5m ago): published now"},
		{"due@outbox", Publish, true, "due at 2026-12-01 08:55 CET (5m ago): published now"},
		{"native@masto", Schedule, false, "new: scheduled on masto for 2026-12-02 09:00 CET"},
	})
	var upcoming []string
	for _, u := range p.Upcoming {
		upcoming = append(upcoming, u.Address+" "+u.At.In(berlin).Format("15:04")+map[bool]string{true: " native", false: ""}[u.Native])
	}
	if diff := cmp.Diff(upcoming, []string{"soon@masto 09:04", "native@later 09:00", "native@masto 09:00 native", "native@outbox 09:00", "thread@masto 10:00"}); diff != "" {
		t.Errorf("upcoming (-got +want):\n%s", diff)
	}
	// The earliest bound: soon@masto publishes when due at 09:04 (less than 5 minutes ahead).
	if want := at("2026-12-01T09:04"); !p.ValidUntil.Equal(want) {
		t.Errorf("ValidUntil = %v, want %v", p.ValidUntil, want)
	}
	if got, want := p.SummaryLine(), "Plan: 1 to schedule, 3 to publish now, 2 missed."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if !p.HasChanges() {
		t.Error("HasChanges = false")
	}

	late := compute(t, cal, state.New(), Options{At: at("2026-12-01T09:00"), PublishLate: true})
	if got := late.Summary(); got.Publish != 5 || got.Missed != 0 {
		t.Errorf("--publish-late: %+v, want 5 to publish and none missed", got)
	}
}

func TestHorizon(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/a.yaml": post("2026-12-02T09:00", "outbox"),
		"posts/b.yaml": post("2026-12-08T09:00", "outbox"), // at+7d: the horizon includes its end
	})
	p := compute(t, cal, nil, Options{At: at("2026-12-01T09:00"), Horizon: 48 * time.Hour})
	if len(p.Upcoming) != 1 || p.Upcoming[0].Address != "a@outbox" {
		t.Errorf("upcoming = %+v, want only a@outbox", p.Upcoming)
	}
	if p.SummaryLine() != "No changes." || p.HasChanges() {
		t.Errorf("summary %q, changes %v", p.SummaryLine(), p.HasChanges())
	}
	p = compute(t, cal, nil, Options{At: at("2026-12-01T09:00")})
	if len(p.Upcoming) != 2 {
		t.Errorf("default horizon: %d upcoming, want 2", len(p.Upcoming))
	}
}

// DST: on 2027-03-28 Berlin moves from +01:00 to +02:00 at 02:00; 09:00 that day is 07:00 UTC.
func TestDaylightSaving(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/spring.yaml": post("2027-03-28T09:00", "outbox, masto"),
	})
	p := compute(t, cal, nil, Options{At: time.Date(2027, 3, 28, 7, 30, 0, 0, time.UTC)})
	check(t, p, []brief{
		{"spring@masto", Publish, true, "due at 2027-03-28 09:00 CEST (30m ago): published now"},
		{"spring@outbox", Publish, true, "due at 2027-03-28 09:00 CEST (30m ago): published now"},
	})
	// An hour earlier in UTC terms is still before the post: 08:00 CET would be wrong.
	p = compute(t, cal, nil, Options{At: time.Date(2027, 3, 28, 6, 56, 0, 0, time.UTC)})
	check(t, p, []brief{})
	if len(p.Upcoming) != 2 || p.Upcoming[0].Native {
		t.Errorf("upcoming = %+v: want two publishing when due (4 minutes ahead is too close to schedule natively)", p.Upcoming)
	}
	p = compute(t, cal, nil, Options{At: time.Date(2027, 3, 27, 7, 0, 0, 0, time.UTC)})
	check(t, p, []brief{{"spring@masto", Schedule, false, "new: scheduled on masto for 2027-03-28 09:00 CEST"}})
	if want := time.Date(2027, 3, 28, 6, 55, 0, 0, time.UTC); !p.ValidUntil.Equal(want) {
		t.Errorf("ValidUntil = %v, want %v", p.ValidUntil, want)
	}
}

func TestScheduledRecords(t *testing.T) {
	files := map[string]string{
		"posts/same.yaml":     post("2026-12-05T09:00", "masto"),
		"posts/moved.yaml":    post("2026-12-05T10:00", "masto"),
		"posts/edited.yaml":   post("2026-12-05T11:00", "masto"),
		"posts/tooclose.yaml": post("2026-12-01T09:03", "masto"),
		"posts/nowdue.yaml":   post("2026-12-01T08:50", "masto"),
		"posts/longago.yaml":  post("2026-12-01T06:00", "masto"),
		"posts/public.yaml":   post("2026-12-01T08:00", "masto"),
		"posts/draft.yaml":    post("2026-12-05T12:00", "masto", "status: draft"),
		"posts/dropped.yaml":  post("2026-12-05T13:00", "outbox"),
		"posts/keep.yaml":     post("2026-12-05T14:00", "masto"),
	}
	cal := load(t, files)
	rec := func(addr string, edit func(r *state.Publication)) *state.Publication {
		r := record(cal, addr, state.Scheduled)
		if edit != nil {
			edit(r)
		}
		return r
	}
	st := stateOf(
		rec("same@masto", nil),
		rec("moved@masto", func(r *state.Publication) { r.PlannedAt = at("2026-12-04T10:00") }),
		rec("edited@masto", func(r *state.Publication) { r.ContentHash = "feedfacecafe0000" }),
		rec("tooclose@masto", func(r *state.Publication) { r.PlannedAt = at("2026-12-02T09:00") }),
		rec("nowdue@masto", func(r *state.Publication) { r.PlannedAt = at("2026-12-02T09:00") }),
		rec("longago@masto", func(r *state.Publication) { r.PlannedAt = at("2026-12-02T09:00") }),
		rec("public@masto", func(r *state.Publication) { r.ContentHash = "feedfacecafe0000" }),
		rec("draft@masto", nil),
		rec("dropped@masto", func(r *state.Publication) { r.PlannedAt = at("2026-12-05T13:00") }),
		rec("gone@masto", nil),
		rec("keep@masto", nil),
	)
	p := compute(t, cal, st, Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{
		{"longago@masto", Cancel, false, "the time changed to 2026-12-01 06:00 CET, more than max_delay 1h ago: the scheduled post is deleted and the publication missed; --publish-late publishes it"},
		{"public@masto", Blocked, false, "scheduled on the platform for 2026-12-01 08:00 CET, which has passed: a published post is never edited or published again; revert the change, or give the post a new id to publish it anew"},
		{"nowdue@masto", Replace, true, "the time changed to 2026-12-01 08:50 CET: the scheduled post is deleted and published now"},
		{"tooclose@masto", Replace, false, "the time changed to 2026-12-01 09:03 CET: the scheduled post is deleted, and published when due (less than 5 minutes ahead)"},
		{"moved@masto", Reschedule, false, "only the time changed: moved on masto from 2026-12-04 10:00 CET to 2026-12-05 10:00 CET"},
		{"edited@masto", Replace, false, "the text or media changed: the scheduled post is deleted and scheduled again"},
		{"draft@masto", Cancel, false, "the post is now a draft: the scheduled post is deleted"},
		{"dropped@masto", Cancel, false, "the post is no longer published on masto: the scheduled post is deleted"},
		{"gone@masto", Cancel, false, "removed from the calendar: the scheduled post is deleted"},
	})
	fields := map[string][]FieldChange{}
	for _, c := range p.Changes {
		fields[c.Address] = c.Fields
	}
	if diff := cmp.Diff(fields["moved@masto"], []FieldChange{{"publish_at", "2026-12-04T10:00:00+01:00", "2026-12-05T10:00:00+01:00"}}); diff != "" {
		t.Errorf("reschedule fields (-got +want):\n%s", diff)
	}
	hash := ContentHash(cal, cal.Posts[indexOf(cal, "edited")], "masto")
	if diff := cmp.Diff(fields["edited@masto"], []FieldChange{{"content", "feedfacecafe", hash[:12]}}); diff != "" {
		t.Errorf("replace fields (-got +want):\n%s", diff)
	}
	// Bound: the earliest is tooclose, published when due at 09:03; nowdue would be missed at 09:50.
	if want := at("2026-12-01T09:03"); !p.ValidUntil.Equal(want) {
		t.Errorf("ValidUntil = %v, want %v", p.ValidUntil, want)
	}
}

func indexOf(cal *calendar.Calendar, id string) int {
	for i, p := range cal.Posts {
		if p.ID.Value == id {
			return i
		}
	}
	return -1
}

func TestPublishedRecords(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/same.yaml":    post("2026-11-20T09:00", "outbox"),
		"posts/edited.yaml":  post("2026-11-21T09:00", "outbox"),
		"posts/retimed.yaml": post("2026-11-23T09:00", "outbox"),
	})
	edited := record(cal, "edited@outbox", state.Published)
	edited.ContentHash = "0000aaaabbbbcccc"
	edited.URL = "https://social.example/@test/1"
	edited.PublishedAt = at("2026-11-21T09:02")
	retimed := record(cal, "retimed@outbox", state.Published)
	retimed.PlannedAt = at("2026-11-22T09:00")
	gone := &state.Publication{Post: "gone", Channel: "outbox", Status: state.Published, PlannedAt: at("2026-11-01T09:00")}
	st := stateOf(record(cal, "same@outbox", state.Published), edited, retimed, gone)
	p := compute(t, cal, st, Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{
		{"edited@outbox", Blocked, false, "published at 2026-11-21 09:02 CET (https://social.example/@test/1): a published post is never edited or published again; revert the change, or give the post a new id to publish it anew"},
		{"retimed@outbox", Blocked, false, "published at 2026-11-22 09:00 CET: a published post is never edited or published again; revert the change, or give the post a new id to publish it anew"},
	})
	if diff := cmp.Diff(p.Changes[1].Fields, []FieldChange{{"publish_at", "2026-11-22T09:00:00+01:00", "2026-11-23T09:00:00+01:00"}}); diff != "" {
		t.Errorf("fields (-got +want):\n%s", diff)
	}
	if p.HasChanges() || p.SummaryLine() != "No changes; 2 blocked." {
		t.Errorf("summary %q, changes %v", p.SummaryLine(), p.HasChanges())
	}
}

func TestPendingIsUnknown(t *testing.T) {
	cal := load(t, map[string]string{"posts/a.yaml": post("2026-12-01T08:30", "outbox")})
	a := record(cal, "a@outbox", state.Pending)
	a.Intent = &state.Intent{Action: "publish", Key: "k", Attempt: 1, At: at("2026-12-01T08:30")}
	gone := &state.Publication{Post: "gone", Channel: "outbox", Status: state.Pending, PlannedAt: at("2026-11-30T09:00")}
	future := &state.Publication{Post: "new", Channel: "outbox", Status: "exploded", PlannedAt: at("2026-11-30T10:00")}
	p := compute(t, cal, stateOf(a, gone, future), Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{
		{"gone@outbox", Unknown, false, "an earlier apply was interrupted; apply will ask the platform, never publish again blind (the post is no longer in the calendar)"},
		{"a@outbox", Unknown, false, "an earlier apply was interrupted; apply will ask the platform, never publish again blind"},
	})
	if p.SummaryLine() != "Plan: 2 unknown." || !p.HasChanges() {
		t.Errorf("summary %q", p.SummaryLine())
	}
}

const strategyYAML = `blackouts:
  - name: Christmas
    from: 2026-12-24
    to: 2026-12-26
    reason: Team off
    channels: [masto, outbox]
    tags: [promo]
`

func TestBlackout(t *testing.T) {
	files := map[string]string{
		"strategy.yaml":       strategyYAML,
		"posts/promo.yaml":    post("2026-12-25T10:00", "masto, outbox, slow", "tags: [promo]"),
		"posts/greeting.yaml": post("2026-12-25T11:00", "masto", "tags: [hello]"),
		"posts/was.yaml":      post("2026-12-24T12:00", "masto", "tags: [promo]"),
	}
	cal := load(t, files) // validate reports the blackout; Load does not
	st := stateOf(record(cal, "was@masto", state.Scheduled))
	p := compute(t, cal, st, Options{At: at("2026-12-01T09:00")})
	held := `held by the blackout "Christmas" until 2026-12-27 00:00 CET (Team off)`
	check(t, p, []brief{
		{"was@masto", Cancel, false, held + ": the scheduled post is deleted and scheduled again when the hold ends"},
		{"promo@masto", Held, false, held},
		{"promo@outbox", Held, false, held},
		{"greeting@masto", Schedule, false, "new: scheduled on masto for 2026-12-25 11:00 CET"},
	})
	// The cancel is deliberate: it is not an emptied calendar.
	if p.SummaryLine() != "Plan: 1 to schedule, 1 to cancel, 2 held." {
		t.Errorf("summary %q", p.SummaryLine())
	}
	// During the blackout, after the post's time: still held. After it: missed, not published late.
	p = compute(t, cal, nil, Options{At: at("2026-12-25T10:30")})
	if c := find(p, "promo@outbox"); c.Action != Held {
		t.Errorf("during the blackout: %+v", c)
	}
	p = compute(t, cal, nil, Options{At: at("2026-12-27T00:30")})
	if c := find(p, "promo@outbox"); c.Action != Missed || c.Reason != held+" at its time, 2026-12-25 10:00 CET: not published without --publish-late" {
		t.Errorf("after the blackout: %+v", c)
	}
}

func find(p *Plan, addr string) Change {
	for _, c := range p.Changes {
		if c.Address == addr {
			return c
		}
	}
	return Change{}
}

const playbookYAML = `name: Recall
severity: high
pause:
  channels: [masto]
`

func TestCrisis(t *testing.T) {
	files := map[string]string{
		"playbooks/recall.yaml": playbookYAML,
		"crisis.yaml":           "playbook: recall\nactivated_at: 2026-12-03T14:05:00Z\nreason: Batch 42\nby: Ana\n",
		"posts/before.yaml":     post("2026-12-03T09:00", "masto"),
		"posts/after.yaml":      post("2026-12-04T09:00", "masto, outbox"),
		"posts/sched.yaml":      post("2026-12-05T09:00", "masto"),
	}
	cal := load(t, files)
	st := stateOf(record(cal, "sched@masto", state.Scheduled), record(cal, "before@masto", state.Published))
	p := compute(t, cal, st, Options{At: at("2026-12-03T16:00")})
	reason := `held by the crisis "recall", active since 2026-12-03 15:05 CET, until it is resolved`
	check(t, p, []brief{
		{"after@masto", Held, false, reason},
		{"sched@masto", Cancel, false, reason + ": the scheduled post is deleted and scheduled again when the hold ends"},
	})
	if c := find(p, "sched@masto"); !c.Hold {
		t.Errorf("a cancel for a hold is recorded as held: %+v", c)
	}
	wantHolds := []Hold{{Address: "after@masto", Post: "after", Channel: "masto", At: at("2026-12-04T09:00"), Hash: find(p, "after@masto").Hash, Reason: reason}}
	if diff := cmp.Diff(p.Holds, wantHolds); diff != "" {
		t.Errorf("holds (-got +want):\n%s", diff)
	}
	wantCrisis := &Crisis{Playbook: "recall", Name: "Recall", Severity: "high", Known: true, Since: at("2026-12-03T15:05"), By: "Ana",
		Reason: "Batch 42", File: "crisis.yaml", Held: 2}
	if diff := cmp.Diff(p.Crisis, wantCrisis); diff != "" {
		t.Errorf("crisis (-got +want):\n%s", diff)
	}
	// Resolved: what was held comes back while in the future, and is missed once its time passed.
	delete(files, "crisis.yaml")
	cal = load(t, files)
	held := func(addr string) *state.Publication {
		r := record(cal, addr, state.Held)
		r.Reason = reason
		return r
	}
	cancelled := record(cal, "sched@masto", state.Cancelled)
	p = compute(t, cal, stateOf(held("after@masto"), cancelled, record(cal, "before@masto", state.Published)), Options{At: at("2026-12-04T09:10")})
	check(t, p, []brief{
		{"after@masto", Missed, false, "was held and its time, 2026-12-04 09:00 CET, has passed: not published without --publish-late"},
		{"after@outbox", Publish, true, "due at 2026-12-04 09:00 CET (10m ago): published now"},
		{"sched@masto", Schedule, false, "new: scheduled on masto for 2026-12-05 09:00 CET"},
	})
	p = compute(t, cal, stateOf(held("after@masto")), Options{At: at("2026-12-04T09:10"), PublishLate: true})
	if c := find(p, "after@masto"); c.Action != Publish || !c.Irreversible {
		t.Errorf("--publish-late: %+v", c)
	}
}

func TestCrisisPauseAll(t *testing.T) {
	cal := load(t, map[string]string{
		"playbooks/outage.yaml": "name: Outage\nseverity: low\npause:\n  all: true\n",
		"crisis.yaml":           "playbook: outage\nactivated_at: 2026-12-03T14:05:00Z\nreason: Down\nby: Ana\n",
		"posts/a.yaml":          post("2026-12-04T09:00", "slow, outbox"),
	})
	p := compute(t, cal, nil, Options{At: at("2026-12-03T16:00")})
	if s := p.Summary(); s.Held != 2 {
		t.Errorf("summary %+v, want 2 held", s)
	}
}

func TestOtherRecords(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/missed.yaml":  post("2026-12-01T06:00", "outbox"),
		"posts/again.yaml":   post("2026-12-02T09:00", "outbox"),
		"posts/refused.yaml": post("2026-12-01T08:30", "outbox"),
		"posts/fixed.yaml":   post("2026-12-01T08:40", "outbox"),
	})
	missed := record(cal, "missed@outbox", state.Missed)
	again := record(cal, "again@outbox", state.Missed)
	again.PlannedAt = at("2026-11-30T09:00")
	refused := record(cal, "refused@outbox", state.Failed)
	refused.Reason = "422 text too long"
	fixed := record(cal, "fixed@outbox", state.Failed)
	fixed.ContentHash = "0ld"
	p := compute(t, cal, stateOf(missed, again, refused, fixed), Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{
		{"missed@outbox", Missed, false, "missed its time, 2026-12-01 06:00 CET: not published without --publish-late"},
		{"refused@outbox", Blocked, false, "the platform refused it: 422 text too long; change the post to try again"},
		{"fixed@outbox", Publish, true, "due at 2026-12-01 08:40 CET (20m ago): published now"},
	})
	if len(p.Upcoming) != 1 || p.Upcoming[0].Address != "again@outbox" {
		t.Errorf("a missed post moved to the future is upcoming again: %+v", p.Upcoming)
	}
}

func TestMovedFrom(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/new-name.yaml":      post("2026-12-05T09:00", "masto, outbox", "moved_from: old-name"),
		"posts/renamed-draft.yaml": post("2026-12-06T09:00", "masto", "moved_from: older", "status: draft"),
	})
	old := record(cal, "new-name@masto", state.Scheduled)
	old.Post = "old-name"
	older := record(cal, "renamed-draft@masto", state.Scheduled)
	older.Post = "older"
	p := compute(t, cal, stateOf(old, older), Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{
		{"renamed-draft@masto", Cancel, false, "the post is now a draft: the scheduled post is deleted"},
	})
	if diff := cmp.Diff(p.Moves, []Move{{"old-name@masto", "new-name@masto"}, {"older@masto", "renamed-draft@masto"}}); diff != "" {
		t.Errorf("moves (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(p.Notes, []string{
		"old-name@masto moved to new-name@masto (moved_from): its record goes with it",
		"older@masto moved to renamed-draft@masto (moved_from): its record goes with it",
	}); diff != "" {
		t.Errorf("notes (-got +want):\n%s", diff)
	}
	if c := p.Changes[0]; c.MovedFrom != "older@masto" {
		t.Errorf("MovedFrom = %q", c.MovedFrom)
	}
}

func TestEmptyGuard(t *testing.T) {
	full := load(t, map[string]string{"posts/a.yaml": post("2026-12-05T09:00", "masto"), "posts/b.yaml": post("2026-12-06T09:00", "masto")})
	st := stateOf(record(full, "a@masto", state.Scheduled), record(full, "b@masto", state.Scheduled),
		&state.Publication{Post: "c", Channel: "masto", Status: state.Published, PlannedAt: at("2026-11-01T09:00")})
	empty := load(t, nil)
	p, err := Compute(empty, st, Options{At: at("2026-12-01T09:00")})
	if !errors.Is(err, ErrEmpty) || p == nil || p.Summary().Cancel != 2 {
		t.Fatalf("Compute on an emptied calendar: %v, %+v", err, p)
	}
	if err.Error() != "the plan would cancel every scheduled publication (2 of 2)" {
		t.Errorf("error %q", err)
	}
	if _, err := Compute(empty, st, Options{At: at("2026-12-01T09:00"), AllowEmpty: true}); err != nil {
		t.Errorf("AllowEmpty: %v", err)
	}
	// One left is not empty; nothing scheduled is not empty either.
	one := load(t, map[string]string{"posts/a.yaml": post("2026-12-05T09:00", "masto")})
	if _, err := Compute(one, st, Options{At: at("2026-12-01T09:00")}); err != nil {
		t.Errorf("one kept: %v", err)
	}
	if _, err := Compute(empty, stateOf(), Options{At: at("2026-12-01T09:00")}); err != nil {
		t.Errorf("empty state: %v", err)
	}
}

func TestInvalidPostsAreLeftAlone(t *testing.T) {
	fsys := fstest.MapFS{
		"calendar.yaml":  {Data: []byte(calendarYAML)},
		"posts/bad.yaml": {Data: []byte(post("2027-03-28T02:30", "masto"))}, // in the DST gap
		"posts/ok.yaml":  {Data: []byte(post("2026-12-05T09:00", "masto"))},
	}
	cal, _, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	st := stateOf(&state.Publication{Post: "bad", Channel: "masto", Status: state.Scheduled, PlannedAt: at("2027-03-28T03:30")},
		record(cal, "ok@masto", state.Scheduled))
	p := compute(t, cal, st, Options{At: at("2026-12-01T09:00")})
	check(t, p, []brief{})
}

func TestSummaryLine(t *testing.T) {
	for _, tt := range []struct {
		s    Summary
		want string
	}{
		{Summary{}, "No changes."},
		{Summary{Schedule: 3, Publish: 1, Cancel: 1, Blocked: 1}, "Plan: 3 to schedule, 1 to publish now, 1 to cancel, 1 blocked."},
		{Summary{Reschedule: 1, Replace: 2, Unknown: 1, Missed: 4, Held: 2}, "Plan: 1 to reschedule, 2 to replace, 1 unknown, 4 missed, 2 held."},
		{Summary{Missed: 1}, "No changes; 1 missed."},
	} {
		if got := tt.s.Line(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestContentHash(t *testing.T) {
	files := map[string]string{
		"media/a.png": "png bytes",
		"posts/p.yaml": post("2026-12-05T09:00", "masto, outbox",
			"overrides: {outbox: {text: Hi.}}",
			"media: [{file: media/a.png, alt: A cup}]",
			"thread: [Second.]"),
	}
	cal := load(t, files)
	p := cal.Posts[0]
	masto, outbox := ContentHash(cal, p, "masto"), ContentHash(cal, p, "outbox")
	if len(masto) != 64 || masto == outbox {
		t.Errorf("hashes %s, %s: want 64 hex digits, different with the override", masto, outbox)
	}
	// Stable across runs: a fixed value.
	if want := "a41e758736bc7142dce099faf50b3206e7efa3cdff5913237e67e37200fd180f"; masto != want {
		t.Errorf("hash %s, want %s: a changed hash makes every published post look edited", masto, want)
	}
	if again := ContentHash(load(t, files), p, "masto"); again != masto {
		t.Errorf("hash changed between loads: %s, %s", masto, again)
	}
	for name, edit := range map[string]func(map[string]string){
		"media bytes": func(f map[string]string) { f["media/a.png"] = "other bytes" },
		"alt":         func(f map[string]string) { f["posts/p.yaml"] = strings.Replace(f["posts/p.yaml"], "A cup", "A mug", 1) },
		"thread": func(f map[string]string) {
			f["posts/p.yaml"] = strings.Replace(f["posts/p.yaml"], "Second.", "Next.", 1)
		},
		"text": func(f map[string]string) {
			f["posts/p.yaml"] = strings.Replace(f["posts/p.yaml"], "text: Hello.", "text: Hello!", 1)
		},
	} {
		changed := map[string]string{}
		for k, v := range files {
			changed[k] = v
		}
		edit(changed)
		c := load(t, changed)
		if ContentHash(c, c.Posts[0], "masto") == masto {
			t.Errorf("%s changed, the hash did not", name)
		}
	}
	// The time is not content.
	retimed := map[string]string{"media/a.png": files["media/a.png"], "posts/p.yaml": strings.Replace(files["posts/p.yaml"], "2026-12-05", "2026-12-06", 1)}
	if c := load(t, retimed); ContentHash(c, c.Posts[0], "masto") != masto {
		t.Error("the time changed the hash")
	}
}

// A held record is not recorded again; a held record whose hold ended before its time is
// released, so that the post publishes when due even if no apply runs until then.
func TestHoldRecords(t *testing.T) {
	files := map[string]string{
		"playbooks/recall.yaml": "name: Recall\nseverity: high\npause:\n  all: true\n",
		"crisis.yaml":           "playbook: recall\nactivated_at: 2026-12-03T14:05:00Z\nreason: Batch 42\n",
		"posts/after.yaml":      post("2026-12-04T09:00", "masto, outbox"),
	}
	cal := load(t, files)
	held := stateOf(record(cal, "after@masto", state.Held), record(cal, "after@outbox", state.Held))
	p := compute(t, cal, held, Options{At: at("2026-12-03T16:00")})
	if c := find(p, "after@outbox"); c.Action != Held || len(p.Holds) != 0 {
		t.Errorf("already recorded: %+v, holds %+v", c, p.Holds)
	}
	delete(files, "crisis.yaml")
	cal = load(t, files)
	p = compute(t, cal, held, Options{At: at("2026-12-03T18:00")})
	// Scheduled again at once on the native channel (its record stays, for a new key); forgotten
	// on the other, which publishes when due.
	check(t, p, []brief{{"after@masto", Schedule, false, "new: scheduled on masto for 2026-12-04 09:00 CET"}})
	if len(p.Holds) != 1 || !p.Holds[0].Release || p.Holds[0].Address != "after@outbox" {
		t.Errorf("resolved before its time: holds %+v", p.Holds)
	}
	if p.Crisis != nil {
		t.Errorf("no crisis: %+v", p.Crisis)
	}
}

// The crisis holds what was due shortly before it was activated and has not gone out: a
// publication within its channel's max_delay of the activation.
func TestCrisisHoldsDueBeforeActivation(t *testing.T) {
	cal := load(t, map[string]string{
		"playbooks/outage.yaml": "name: Outage\nseverity: low\npause:\n  all: true\n",
		"crisis.yaml":           "playbook: outage\nactivated_at: 2026-12-03T14:05:00Z\nreason: Down\n",
		"posts/just.yaml":       post("2026-12-03T14:30", "outbox, slow"), // 35 min before (CET 15:05)
		"posts/earlier.yaml":    post("2026-12-03T13:00", "outbox, slow"), // 2h05 before
	})
	p := compute(t, cal, nil, Options{At: at("2026-12-03T15:10")})
	got := map[string]Action{}
	for _, c := range p.Changes {
		got[c.Address] = c.Action
	}
	want := map[string]Action{"just@outbox": Held, "just@slow": Held, "earlier@outbox": Missed, "earlier@slow": Held}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

const statementPlaybook = `name: Recall
severity: critical
pause:
  all: true
holding_statement:
  text: We are recalling one batch.
  overrides:
    outbox:
      text: We are recalling one batch. Details on the site.
expires_after: 2d
`

func TestHoldingStatement(t *testing.T) {
	files := map[string]string{
		"playbooks/recall.yaml": statementPlaybook,
		"crisis.yaml":           "playbook: recall\nactivated_at: 2026-12-03T14:05:00Z\nreason: Batch 42\nby: Ana\n",
		"posts/promo.yaml":      post("2026-12-04T09:00", "outbox"),
	}
	cal := load(t, files)
	const id = "crisis:recall:20261203T140500Z"
	reason := `the holding statement of the crisis "recall", activated 2026-12-03 15:05 CET: published now`
	// Every channel, when the statement names none; never held by its own pause-all; due for as
	// long as the crisis lasts, hours after max_delay.
	p := compute(t, cal, nil, Options{At: at("2026-12-03T20:00")})
	check(t, p, []brief{
		{id + "@later", Publish, true, reason},
		{id + "@masto", Publish, true, reason},
		{id + "@outbox", Publish, true, reason},
		{id + "@slow", Publish, true, reason},
		{"promo@outbox", Held, false, `held by the crisis "recall", active since 2026-12-03 15:05 CET, until it is resolved`},
	})
	if c := find(p, id+"@outbox"); !c.Statement || c.File != "playbooks/recall.yaml" || c.Hash == find(p, id+"@masto").Hash {
		t.Errorf("statement change %+v: want Statement, the playbook's file and the override's hash", c)
	}
	if diff := cmp.Diff(p.Crisis.Statement, []string{id + "@masto", id + "@later", id + "@outbox", id + "@slow"}); diff != "" {
		t.Errorf("statement addresses (-got +want):\n%s", diff)
	}
	if p.Crisis.ExpiresAfter != 48*time.Hour || p.Crisis.Expired {
		t.Errorf("expiry: %+v", p.Crisis)
	}

	// Published once: the next plan has nothing to do for it.
	var recs []*state.Publication
	for _, c := range p.Changes {
		if c.Statement {
			recs = append(recs, &state.Publication{Post: c.Post, Channel: c.Channel, Status: state.Published, ContentHash: c.Hash, PlannedAt: c.At})
		}
	}
	p = compute(t, cal, stateOf(recs...), Options{At: at("2026-12-06T09:00")})
	check(t, p, []brief{{"promo@outbox", Held, false, `held by the crisis "recall", active since 2026-12-03 15:05 CET, until it is resolved`}})
	if !p.Crisis.Expired {
		t.Errorf("active 2d18h with expires_after 2d: %+v", p.Crisis)
	}

	// Resolved: the published statements stay as they are; the held post is missed.
	delete(files, "crisis.yaml")
	cal = load(t, files)
	p = compute(t, cal, stateOf(recs...), Options{At: at("2026-12-06T09:00")})
	check(t, p, []brief{{"promo@outbox", Missed, false, "was due at 2026-12-04 09:00 CET, 2d ago, later than max_delay 1h: not published without --publish-late"}})

	// Another activation of the same playbook is another statement.
	files["crisis.yaml"] = "playbook: recall\nactivated_at: 2026-12-10T08:00:00Z\nreason: Batch 43\n"
	cal = load(t, files)
	p = compute(t, cal, stateOf(recs...), Options{At: at("2026-12-10T09:05")})
	if c := find(p, "crisis:recall:20261210T080000Z@masto"); c.Action != Publish {
		t.Errorf("second activation: %+v", c)
	}
}

// A statement due in the future on a native channel is scheduled; if the crisis is resolved
// first, it is withdrawn, and the guard does not count it.
func TestHoldingStatementScheduled(t *testing.T) {
	files := map[string]string{
		"playbooks/recall.yaml": "name: Recall\nseverity: high\npause:\n  channels: [later]\nholding_statement:\n  channels: [masto]\n  text: Soon.\n",
		"crisis.yaml":           "playbook: recall\nactivated_at: 2026-12-03T14:05:00Z\nreason: Planned maintenance\n",
	}
	cal := load(t, files)
	p := compute(t, cal, nil, Options{At: at("2026-12-03T12:00")})
	check(t, p, []brief{{"crisis:recall:20261203T140500Z@masto", Schedule, false, "new: scheduled on masto for 2026-12-03 15:05 CET"}})
	rec := &state.Publication{Post: "crisis:recall:20261203T140500Z", Channel: "masto", Status: state.Scheduled, RemoteID: "7",
		ContentHash: p.Changes[0].Hash, PlannedAt: p.Changes[0].At}
	delete(files, "crisis.yaml")
	cal = load(t, files)
	p, err := Compute(cal, stateOf(rec), Options{At: at("2026-12-03T13:00")})
	if err != nil {
		t.Fatalf("the guard counts a withdrawn statement: %v", err)
	}
	check(t, p, []brief{{"crisis:recall:20261203T140500Z@masto", Cancel, false,
		"the holding statement of a crisis that is no longer active: the scheduled statement is deleted"}})
}
