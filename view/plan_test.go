package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/plan"
)

func planSample(t *testing.T) *plan.Plan {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, loc)
	return &plan.Plan{
		At: at, Location: loc, Horizon: 7 * 24 * time.Hour, StateSerial: 4, Lineage: "abc", ValidUntil: at.Add(time.Hour),
		Changes: []plan.Change{
			{Address: "due@outbox", Post: "due", Channel: "outbox", Action: plan.Publish, Irreversible: true, Reason: "due at 2026-12-01 08:55 CET (5m ago): published now",
				At: at.Add(-5 * time.Minute), File: "posts/due.yaml", Hash: "h1"},
			{Address: "tips@masto", Post: "tips", Channel: "masto", Action: plan.Reschedule, Reason: "only the time changed",
				At: at.Add(48 * time.Hour), File: "posts/tips.yaml", Hash: "h2",
				Fields: []plan.FieldChange{{Name: "publish_at", Before: "2026-12-02T09:00:00+01:00", After: "2026-12-03T09:00:00+01:00"}}},
			{Address: "old@masto", Post: "old", Channel: "masto", Action: plan.Blocked, Reason: "published at <x> | y",
				At: at.Add(-72 * time.Hour), File: "posts/old.yaml", Hash: "h3",
				Fields: []plan.FieldChange{{Name: "content", Before: "aaaa", After: "bbbb"}}},
		},
		Upcoming: []plan.Upcoming{
			{Address: "tips@masto", Post: "tips", Channel: "masto", At: at.Add(48 * time.Hour), Native: true},
			{Address: "news@outbox", Post: "news", Channel: "outbox", At: at.Add(50 * time.Hour)},
		},
	}
}

func TestPlanText(t *testing.T) {
	var out bytes.Buffer
	if err := RenderPlan(&Streams{Out: &out}, "text", planSample(t)); err != nil {
		t.Fatal(err)
	}
	want := `Plan at 2026-12-01 09:00 CET (Europe/Berlin), state serial 4

  !   1 to publish now (irreversible)
  ~   1 to reschedule
  =   1 blocked

!   publish     due@outbox  2026-12-01 08:55 CET  irreversible
      due at 2026-12-01 08:55 CET (5m ago): published now
      posts/due.yaml
~   reschedule  tips@masto  2026-12-03 09:00 CET
      only the time changed
      publish_at: 2026-12-02 09:00 CET → 2026-12-03 09:00 CET
      posts/tips.yaml
=   blocked     old@masto   2026-11-28 09:00 CET
      published at <x> | y
      content: aaaa → bbbb
      posts/old.yaml

Upcoming (next 7 days)
  2026-12-03 09:00 CET  tips@masto   scheduled on the platform
  2026-12-03 11:00 CET  news@outbox  publishes when due

Plan: 1 to publish now, 1 to reschedule, 1 blocked.
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("text (-got +want):\n%s", diff)
	}
	// Colour on a terminal.
	out.Reset()
	RenderPlan(&Streams{Out: &out, Color: true}, "text", planSample(t))
	if !strings.Contains(out.String(), "\x1b[31m!  \x1b[0m") {
		t.Errorf("no colour for publish:\n%q", out.String())
	}
}

func TestPlanJSON(t *testing.T) {
	var out bytes.Buffer
	if err := RenderPlan(&Streams{Out: &out}, "json", planSample(t)); err != nil {
		t.Fatal(err)
	}
	var doc PlanDocument
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var actions [][]string
	for _, c := range doc.Changes {
		actions = append(actions, c.Actions)
	}
	if diff := cmp.Diff(actions, [][]string{{"create"}, {"update"}, {"no-op"}}); diff != "" {
		t.Errorf("actions (-got +want):\n%s", diff)
	}
	if doc.FormatVersion != FormatVersion || doc.Summary.Line != "Plan: 1 to publish now, 1 to reschedule, 1 blocked." ||
		!doc.Summary.HasChanges || doc.Summary.Changes != 2 || doc.ValidUntil != "2026-12-01T10:00:00+01:00" ||
		doc.Changes[0].Time != "2026-12-01T08:55:00+01:00" || !doc.Changes[0].Irreversible || doc.Horizon != "7d" {
		t.Errorf("document: %+v", doc)
	}
	for a, want := range map[plan.Action][]string{
		plan.Schedule: {"create"}, plan.Publish: {"create"}, plan.Reschedule: {"update"}, plan.Replace: {"delete", "create"},
		plan.Cancel: {"delete"}, plan.Published: {"no-op"}, plan.Blocked: {"no-op"}, plan.Unknown: {"read"}, plan.Missed: {"no-op"}, plan.Held: {"no-op"},
	} {
		if diff := cmp.Diff(wireActions(a), want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", a, diff)
		}
	}
	// Empty lists are [] rather than null.
	out.Reset()
	WritePlanJSON(&out, &plan.Plan{})
	for _, key := range []string{`"changes": []`, `"upcoming": []`, `"notes": []`, `"moves": []`} {
		if !strings.Contains(out.String(), key) {
			t.Errorf("empty plan: no %s in\n%s", key, out.String())
		}
	}
}

func TestPlanMarkdown(t *testing.T) {
	md := PlanMarkdown(planSample(t))
	for _, want := range []string{
		"**Plan: 1 to publish now, 1 to reschedule, 1 blocked.**",
		"```diff\n!   publish     due@outbox  2026-12-01 08:55 CET  (irreversible)\n~   reschedule  tips@masto  2026-12-03 09:00 CET\n=   blocked     old@masto   2026-11-28 09:00 CET\n```\n",
		"<details><summary><code>~ reschedule</code> <code>tips@masto</code> at 2026-12-03 09:00 CET</summary>",
		"| publish_at | 2026-12-02 09:00 CET | 2026-12-03 09:00 CET |",
		"published at &lt;x&gt; | y",
		"| content | aaaa | bbbb |",
		"| 2026-12-03 11:00 CET | `news@outbox` | publishes when due |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestPlanMarkdownLimit(t *testing.T) {
	p := planSample(t)
	p.Changes = nil
	for i := range 10000 {
		p.Changes = append(p.Changes, plan.Change{Address: fmt.Sprintf("post-%05d@mastodon", i), Action: plan.Schedule,
			Reason: "new: scheduled on mastodon for 2026-12-02 09:00 CET", At: p.At.Add(time.Duration(i) * time.Minute), File: fmt.Sprintf("posts/post-%05d.yaml", i)})
	}
	md := PlanMarkdown(p)
	if len(md) > MarkdownLimit {
		t.Fatalf("%d characters, over %d", len(md), MarkdownLimit)
	}
	if !strings.Contains(md, "**Plan: 10000 to schedule.**") {
		t.Error("no summary line")
	}
	kept := strings.Count(md, "<details>")
	if kept < 100 || kept == 10000 {
		t.Errorf("%d changes kept", kept)
	}
	if !strings.Contains(md, fmt.Sprintf("… and %d more changes (run `postctl plan` to see them all)", 10000-kept)) {
		t.Error("no count of what was left out")
	}
	if strings.Count(md, "\n+   schedule") != kept || !strings.Contains(md, "#### Upcoming") {
		t.Error("the diff block and the details do not agree, or the upcoming list is gone")
	}
	if MarkdownLimit-len(md) > 2000 {
		t.Errorf("%d characters: more room than a change needs was left", len(md))
	}
}
