package review

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const outagePlaybook = `name: Shipping outage
severity: medium
pause:
  pillars: [product]
holding_statement:
  channels: [mastodon]
  text: Parcels are not leaving today. Updates on our status page.
expires_after: 48h
`

// crisisSummary is a CrisisChange in short, for comparing.
type crisisSummary struct {
	Kind               string
	Line               int
	Held, Back, Missed []string // id@channels
	Counts             [3]int
	Statement          []string // channel: length/limit
	StatementID        string
	Headline           string
}

func summarizeCrisis(rv *Review) *crisisSummary {
	c := rv.Crisis
	if c == nil {
		return nil
	}
	list := func(ps []CrisisPost) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID+"@"+strings.Join(p.Channels, ","))
		}
		return out
	}
	s := &crisisSummary{Kind: c.Kind, Line: c.Line, Held: list(c.Held), Back: list(c.Back), Missed: list(c.Missed),
		Counts: [3]int{c.HeldCount, c.BackCount, c.MissedCount}, StatementID: c.StatementID, Headline: c.Headline(rv.Location)}
	for _, pv := range c.Statement {
		s.Statement = append(s.Statement, pv.Channel+": "+pv.Text)
	}
	return s
}

// TestReviewCrisis activates a crisis on a branch, resolves it on another, edits the active
// playbook's pause, and touches a post while the crisis is active.
func TestReviewCrisis(t *testing.T) {
	r := newTestRepo(t, "")
	for name, content := range baseFiles {
		r.write(name, content)
	}
	r.write("playbooks/outage.yaml", outagePlaybook)
	// Due at 12:45 CET, a quarter of an hour after the activation and before now (13:00 CET).
	r.write("posts/2026-11/during.yaml", "publish_at: 2026-11-30T12:45\nchannels: [bluesky]\npillar: product\ntext: During.\n")
	r.commit("calendar")

	r.branch("activate")
	r.write("crisis.yaml", "playbook: outage\nactivated_at: 2026-11-30T11:30:00Z\nreason: carrier down\nby: mia\n")
	r.commit("activate")
	got := summarizeCrisis(r.review("main", "activate"))
	want := &crisisSummary{Kind: CrisisActivated, Line: 2,
		Held: []string{"during@bluesky", "launch@mastodon,bluesky"}, Counts: [3]int{3, 0, 0},
		Statement:   []string{"mastodon: Parcels are not leaving today. Updates on our status page."},
		StatementID: "crisis:outage:20261130T113000Z",
		Headline:    `Activates the crisis "outage" (medium) — 3 publications held from now on`}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("activation (-got +want):\n%s", diff)
	}

	r.branch("resolve")
	r.remove("crisis.yaml")
	r.commit("resolve")
	got = summarizeCrisis(r.review("activate", "resolve"))
	want = &crisisSummary{Kind: CrisisResolved, Line: 2,
		Back: []string{"launch@mastodon,bluesky"}, Missed: []string{"during@bluesky"}, Counts: [3]int{0, 2, 1},
		Headline: `Resolves the crisis "outage", active since 2026-11-30 12:30 CET: 2 held publications come back, 1 is missed (not published without --publish-late)`}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("resolution (-got +want):\n%s", diff)
	}

	r.checkout("activate")
	r.branch("wider")
	r.write("playbooks/outage.yaml", strings.Replace(outagePlaybook, "pillars: [product]", "channels: [bluesky]", 1))
	r.commit("pause bluesky only")
	got = summarizeCrisis(r.review("activate", "wider"))
	want = &crisisSummary{Kind: CrisisChanged, Line: 2,
		Held: []string{"brew@bluesky", "old-name@bluesky", "gone@bluesky", "kept@bluesky"}, Back: []string{"launch@mastodon"},
		Counts:   [3]int{4, 1, 0},
		Headline: `Changes what the active crisis "outage" holds: 4 publications newly held, 1 held publication comes back, 0 are missed (not published without --publish-late)`}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("pause changed (-got +want):\n%s", diff)
	}

	// Another playbook: the recall pauses everything, so nothing comes back and the rest is held.
	r.checkout("activate")
	r.branch("recall")
	r.write("crisis.yaml", "playbook: recall\nactivated_at: 2026-11-30T11:50:00Z\nreason: batch 42\n")
	r.commit("recall")
	got = summarizeCrisis(r.review("activate", "recall"))
	want = &crisisSummary{Kind: CrisisChanged, Line: 2,
		Held:   []string{"brew@bluesky", "old-name@bluesky", "gone@bluesky", "kept@bluesky", "untouched@mastodon", "far-away@mastodon"},
		Counts: [3]int{6, 0, 0},
		Headline: `Resolves the crisis "outage", active since 2026-11-30 12:30 CET: 0 held publications come back, 0 are missed (not published without --publish-late). ` +
			`Activates the crisis "recall" (critical) — 6 publications newly held from now on`}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("another playbook (-got +want):\n%s", diff)
	}

	// Touching a post while the crisis is active changes nothing about the crisis; the review
	// says the post is held.
	r.checkout("activate")
	r.branch("edit")
	r.write("posts/2026-12/launch.yaml", strings.Replace(baseFiles["posts/2026-12/launch.yaml"], "is back.", "is back!", 1))
	// Due within a day: the held one does not publish when the change merges, the other does.
	r.write("posts/2026-11/soon-held.yaml", "publish_at: 2026-11-30T18:00\nchannels: [mastodon]\npillar: product\ntext: Held.\n")
	r.write("posts/2026-11/soon-free.yaml", "publish_at: 2026-11-30T18:00\nchannels: [mastodon]\npillar: education\ntext: Free.\n")
	r.commit("edit")
	rv := r.review("activate", "edit")
	if rv.Crisis != nil {
		t.Errorf("edit: crisis %+v", summarizeCrisis(rv))
	}
	var upcoming []string
	for _, u := range rv.Upcoming {
		upcoming = append(upcoming, u.ID)
	}
	if diff := cmp.Diff(upcoming, []string{"soon-free"}); diff != "" {
		t.Errorf("edit: upcoming (-got +want):\n%s", diff)
	}
	var held []string
	for _, f := range rv.Findings {
		if f.Rule == "crisis" {
			held = append(held, f.File+": "+f.Message)
		}
	}
	wantHeld := []string{
		`posts/2026-11/soon-held.yaml: held by the crisis "outage" (Shipping outage), active since 2026-11-30 12:30 CET: not published until the crisis is resolved (on mastodon)`,
		`posts/2026-12/launch.yaml: held by the crisis "outage" (Shipping outage), active since 2026-11-30 12:30 CET: not published until the crisis is resolved (on mastodon, bluesky)`,
	}
	if diff := cmp.Diff(held, wantHeld); diff != "" {
		t.Errorf("edit: crisis findings (-got +want):\n%s", diff)
	}
}

// An activation not yet committed: the work tree is loaded whole too.
func TestReviewCrisisWorkTree(t *testing.T) {
	r := newTestRepo(t, "cal")
	for name, content := range baseFiles {
		r.write(name, content)
	}
	r.write("playbooks/outage.yaml", outagePlaybook)
	r.commit("calendar")
	r.write("crisis.yaml", "playbook: outage\nactivated_at: 2026-11-30T11:30:00Z\nreason: carrier down\n")
	rv := r.review("main", "")
	got := summarizeCrisis(rv)
	if got == nil || got.Kind != CrisisActivated || got.Counts != [3]int{2, 0, 0} || len(got.Statement) != 1 {
		t.Errorf("work tree activation: %+v", got)
	}
}
