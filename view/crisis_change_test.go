package view

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func crisisSample(t *testing.T) CrisisChange {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 12, 1, 9, 30, 0, 0, berlin)
	c := CrisisChange{Playbook: "shipping-outage", Name: "Shipping outage", Severity: "medium", Since: since, At: since,
		Location: berlin, By: "Mia Schulz <mia@example.com>", Reason: "DHL down\nsince 09:05", File: "cal/crisis.yaml",
		Statement: &CrisisStatement{ID: "crisis:shipping-outage:20261201T083000Z", Channels: []string{"mastodon", "news"}},
		Checklist: []string{"Check the carrier"}, Escalation: []Contact{{Role: "Ops", Name: "Tomasz", Contact: "t@example.com"}}}
	for i := range 12 {
		c.Held = append(c.Held, CrisisHeld{Address: fmt.Sprintf("post-%02d@news", i), Post: fmt.Sprintf("post-%02d", i), Channel: "news",
			At: since.Add(time.Duration(i+1) * time.Hour), File: fmt.Sprintf("cal/posts/post-%02d.yaml", i)})
	}
	return c
}

func TestCrisisActivateText(t *testing.T) {
	s, out, _ := streams()
	c := crisisSample(t)
	c.Git = CrisisGit{Commit: "abc1234", Branch: "main", Remote: "origin"}
	c.Held[0].Due = true
	if err := RenderCrisisChange(s, "text", c); err != nil {
		t.Fatal(err)
	}
	want := `Crisis activated: shipping-outage (Shipping outage)
  severity  medium
  since     2026-12-01 09:30 CET
  by        Mia Schulz <mia@example.com>
  reason    DHL down
            since 09:05
  wrote     cal/crisis.yaml

Held: 12 publications, until the crisis is resolved
  2026-12-01 10:30 CET  post-00@news  (already due: held unless an apply published it)
  2026-12-01 11:30 CET  post-01@news
  2026-12-01 12:30 CET  post-02@news
  2026-12-01 13:30 CET  post-03@news
  2026-12-01 14:30 CET  post-04@news
  2026-12-01 15:30 CET  post-05@news
  2026-12-01 16:30 CET  post-06@news
  2026-12-01 17:30 CET  post-07@news
  2026-12-01 18:30 CET  post-08@news
  2026-12-01 19:30 CET  post-09@news
  … and 2 more (--format json lists them all)

Holding statement: publishes on mastodon, news at the next apply

Checklist
  1. Check the carrier

Escalation
  Ops  Tomasz  t@example.com

Committed abc1234 on main and pushed it to origin.
Next: postctl plan
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCrisisResolveText(t *testing.T) {
	s, out, _ := streams()
	c := crisisSample(t)
	c.Resolve = true
	c.At = c.Since.Add(26*time.Hour + 20*time.Minute)
	c.Back, c.Missed, c.Held = c.Held[11:], c.Held[:1], nil
	c.Git = CrisisGit{Commit: "def5678", Branch: "main"}
	if err := RenderCrisisChange(s, "text", c); err != nil {
		t.Fatal(err)
	}
	want := `Crisis resolved: shipping-outage (Shipping outage)
  active    1d 2h, since 2026-12-01 09:30 CET
  removed   cal/crisis.yaml

Back in the plan: 1 publication that the crisis held
  2026-12-01 21:30 CET  post-11@news
Missed: 1 publication held past its time: not published without --publish-late
  2026-12-01 10:30 CET  post-00@news

Committed def5678 on main.
Next: git push, so CI applies it; postctl plan shows what changes
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCrisisNext(t *testing.T) {
	for _, tc := range []struct {
		resolve bool
		git     CrisisGit
		want    string
	}{
		{false, CrisisGit{}, "commit cal/crisis.yaml and push, so CI applies it; postctl plan shows what changes"},
		{true, CrisisGit{}, "commit the removal of cal/crisis.yaml and push, so CI applies it; postctl plan shows what changes"},
		{false, CrisisGit{Commit: "abc1234"}, "git push, so CI applies it; postctl plan shows what changes"},
		{false, CrisisGit{Commit: "abc1234", Remote: "origin"}, "postctl plan"},
		{true, CrisisGit{Nothing: true}, "postctl plan"},
	} {
		c := CrisisChange{Resolve: tc.resolve, File: "cal/crisis.yaml", Git: tc.git}
		if got := c.Next(); got != tc.want {
			t.Errorf("Next of %+v (resolve %v) = %q, want %q", tc.git, tc.resolve, got, tc.want)
		}
	}
}

func TestCrisisDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                "less than a minute",
		45 * time.Minute:                "45m",
		2 * time.Hour:                   "2h",
		2*time.Hour + 15*time.Minute:    "2h 15m",
		50 * time.Hour:                  "2d 2h",
		48*time.Hour + 59*time.Minute:   "2d",
		-5 * time.Minute:                "less than a minute",
		72*time.Hour + 30*time.Second:   "3d",
		23*time.Hour + 59*time.Minute:   "23h 59m",
		24*time.Hour + 1*time.Minute:    "1d",
		1*time.Hour + 1*time.Nanosecond: "1h",
	} {
		if got := CrisisDuration(d); got != want {
			t.Errorf("CrisisDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// JSON lists are [] rather than null, and an activation without a holding statement says null.
func TestCrisisChangeJSON(t *testing.T) {
	s, out, _ := streams()
	c := CrisisChange{Playbook: "recall", Since: time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC), File: "crisis.yaml"}
	if err := RenderCrisisChange(s, "json", c); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"held", "checklist", "escalation"} {
		if l, ok := got[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %#v, want []", k, got[k])
		}
	}
	if got["holding_statement"] != nil || got["expires_at"] != "" || got["format_version"] != "1.0" || got["action"] != "activate" {
		t.Errorf("activation JSON: %s", out)
	}

	s, out, _ = streams()
	c.Resolve = true
	c.At = c.Since.Add(90 * time.Minute)
	if err := RenderCrisisChange(s, "json", c); err != nil {
		t.Fatal(err)
	}
	got = nil
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["action"] != "resolve" || got["active_seconds"] != float64(5400) || got["resolved_at"] != "2026-12-01T10:00:00Z" ||
		!strings.Contains(out.String(), `"back": []`) || !strings.Contains(out.String(), `"missed": []`) {
		t.Errorf("resolution JSON: %s", out)
	}
}

// On a terminal the headline is coloured; piped it is plain.
func TestCrisisChangeColour(t *testing.T) {
	s, out, _ := streams()
	s.Color = true
	if err := RenderCrisisChange(s, "text", crisisSample(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "\x1b[31m\x1b[1mCrisis activated:\x1b[0m\x1b[0m") {
		t.Errorf("coloured headline: %q", strings.SplitN(out.String(), "\n", 2)[0])
	}
}
