package view

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
)

func TestPauseWords(t *testing.T) {
	tests := []struct {
		p    PlaybookPause
		want string
	}{
		{PlaybookPause{All: true, Channels: []string{"x"}}, "everything"},
		{PlaybookPause{}, "everything"},
		{PlaybookPause{Channels: []string{"mastodon", "bluesky"}}, "channels mastodon, bluesky"},
		{PlaybookPause{Channels: []string{"mastodon"}}, "channel mastodon"},
		{PlaybookPause{Pillars: []string{"product"}, Tags: []string{"promo", "gift"}}, "pillar product or tags promo, gift"},
		{PlaybookPause{Tags: []string{"promo"}, Channels: []string{"mastodon"}}, "tag promo on channel mastodon"},
		{PlaybookPause{Pillars: []string{"a", "b"}}, "pillars a, b"},
	}
	for _, tt := range tests {
		if got := tt.p.Words(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.p, got, tt.want)
		}
	}
}

var samplePlaybooks = []PlaybookSummary{
	{ID: "recall", Name: "Product recall", Severity: "critical", File: "playbooks/recall.yaml", Pause: PlaybookPause{All: true}, Statement: true, ExpiresAfter: "72h"},
	{ID: "outage", Name: "Shipping outage", Severity: "medium", File: "playbooks/outage.yaml",
		Pause: PlaybookPause{Pillars: []string{"product"}, Tags: []string{"promo"}}, Active: true},
}

func TestCrisisListPiped(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisList(s, "text", samplePlaybooks); err != nil {
		t.Fatal(err)
	}
	want := "recall\tProduct recall\tcritical\teverything\tyes\t\noutage\tShipping outage\tmedium\tpillar product or tag promo\tno\tactive\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCrisisListTTY(t *testing.T) {
	s, out, _ := streams()
	s.OutTTY = true
	if err := RenderCrisisList(s, "text", samplePlaybooks); err != nil {
		t.Fatal(err)
	}
	want := `  ID      NAME             SEVERITY  STATEMENT  PAUSES
  recall  Product recall   critical  yes        everything
● outage  Shipping outage  medium    no         pillar product or tag promo
● active: postctl crisis status
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}

	// Colour: severities and the active marker.
	s, out, _ = streams()
	s.OutTTY, s.Color = true, true
	if err := RenderCrisisList(s, "text", samplePlaybooks); err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{"\x1b[31mcritical\x1b[0m", "\x1b[36mmedium\x1b[0m", "\x1b[31m●\x1b[0m \x1b[36moutage\x1b[0m"} {
		if !strings.Contains(out.String(), frag) {
			t.Errorf("missing %q in %q", frag, out)
		}
	}

	// A narrow terminal shortens the name, then wraps the pause.
	s, out, _ = streams()
	s.OutTTY, s.Width = true, 60
	if err := RenderCrisisList(s, "text", samplePlaybooks); err != nil {
		t.Fatal(err)
	}
	want = `  ID      NAME            SEVERITY  STATEMENT  PAUSES
  recall  Product recall  critical  yes        everything
● outage  Shipping outa…  medium    no         pillar product or
                                               tag promo
● active: postctl crisis status
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCrisisListJSON(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisList(s, "json", nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(out.String(), "{\n  \"format_version\": \"1.0\",\n  \"playbooks\": []\n}\n"); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	s, out, _ = streams()
	if err := RenderCrisisList(s, "json", samplePlaybooks[1:]); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format_version": "1.0",
  "playbooks": [
    {
      "id": "outage",
      "name": "Shipping outage",
      "severity": "medium",
      "file": "playbooks/outage.yaml",
      "pause": {
        "all": false,
        "channels": [],
        "pillars": [
          "product"
        ],
        "tags": [
          "promo"
        ],
        "words": "pillar product or tag promo"
      },
      "holding_statement": false,
      "active": true,
      "expires_after": ""
    }
  ]
}
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

func sampleRunbook() Runbook {
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	return Runbook{
		PlaybookSummary: PlaybookSummary{ID: "outage", Name: "Shipping outage", Severity: "medium", File: "playbooks/outage.yaml",
			Description: "Parcels cannot leave.", Triggers: []string{"no tracking", "late"},
			Pause: PlaybookPause{Tags: []string{"promo"}}, Statement: true, ExpiresAfter: "48h"},
		Location: berlin,
		Now:      now,
		Held: []RunbookHeld{
			{Address: "a@mastodon", Post: "a", Channel: "mastodon", Title: "Gift <cards> | 20% off", At: now.Add(2 * time.Hour)},
			{Address: "b@bluesky", Post: "b", Channel: "bluesky", Title: "Winter blend", At: now.Add(26 * time.Hour)},
		},
		Statement: []RunbookText{
			{Channel: "mastodon", Platform: "mastodon", Text: "Parcels are late.\n", Length: 18, Limit: 500, Unit: "characters"},
			{Channel: "bluesky", Platform: "bluesky", Text: "Parcels are late!!\n", Override: true, Length: 19, Limit: 10, Unit: "graphemes",
				Findings: []ReplyFinding{{Rule: "no-exclamations", Level: calendar.Warning, Message: "Avoid exclamation marks.", Start: 16, End: 18}}},
		},
		Checklist:  []string{"Check the carrier", "Update the *status* page"},
		Escalation: []Contact{{Role: "Ops", Name: "Tomasz", Contact: "t@example.com"}, {Role: "Community", Name: "Mia", Contact: "m@example.com"}},
		Replies: []RunbookReply{
			{Template: ReplyTemplate{ID: "late", Title: "Order is late", Variables: []ReplyVariable{{Name: "name", Required: true}, {Name: "days", Default: strp("3")}}},
				Example: "Hi <name>, it ships in 3 days."},
			{Template: ReplyTemplate{ID: "gone"}, Missing: true},
		},
	}
}

func TestCrisisShowText(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisShow(s, "text", sampleRunbook()); err != nil {
		t.Fatal(err)
	}
	want := `Shipping outage  (outage)
playbooks/outage.yaml
Severity: medium

  Parcels cannot leave.

Triggers
  "no tracking", late

Pauses tag promo
  Activated now, it would hold 2 publications:
  2026-12-08 13:00 CET  a@mastodon  Gift <cards> | 20% off
  2026-12-09 13:00 CET  b@bluesky   Winter blend

Holding statement
  on mastodon:
    Parcels are late.
  ✓ mastodon  18/500 characters
  on bluesky (override):
    Parcels are late!!
  ✗ bluesky  19/10 graphemes: 9 over the limit
      warning: Avoid exclamation marks. (at "!!") [no-exclamations]

Checklist
  1. Check the carrier
  2. Update the *status* page

Escalation
  Ops        Tomasz  t@example.com
  Community  Mia     m@example.com

Replies
  late  Order is late
    Hi <name>, it ships in 3 days.
    postctl replies render late --var name=…

  gone  no reply template has this id: run postctl validate

Expires after 48h: crisis status warns when the crisis stays active longer.
Activate: postctl crisis activate outage --reason "…"
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCrisisShowActiveAndMore(t *testing.T) {
	r := sampleRunbook()
	r.Since = r.Now.Add(-3 * time.Hour)
	r.Held = nil
	for i := range RunbookShown + 3 {
		r.Held = append(r.Held, RunbookHeld{Address: "p@x", Title: "T", At: r.Now.Add(time.Duration(i-1) * time.Hour), Due: i == 0})
	}
	r.Statement, r.PlaybookSummary.Statement, r.Replies, r.Checklist, r.Escalation = nil, false, nil, nil, nil
	s, out, _ := streams()
	if err := RenderCrisisShow(s, "text", r); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, frag := range []string{
		"Active since 2026-12-08 08:00 CET (3h ago)\n",
		"  It holds 23 publications (1 due since the activation):\n",
		"  2026-12-08 10:00 CET  p@x  due, held T\n",
		"  … and 3 more (--format json lists them all)\n",
		"Holding statement\n  none: activating it publishes nothing, it only holds\n",
		"Resolve: postctl crisis resolve, once it is over\n",
	} {
		if !strings.Contains(got, frag) {
			t.Errorf("missing %q in:\n%s", frag, got)
		}
	}
	if strings.Contains(got, "Activate:") {
		t.Errorf("an active playbook should not offer to activate it:\n%s", got)
	}
}

func TestCrisisShowMarkdown(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisShow(s, "markdown", sampleRunbook()); err != nil {
		t.Fatal(err)
	}
	want := "## Shipping outage (`outage`)\n\n" +
		"**Severity:** medium · **Pauses:** tag promo · **Expires after:** 48h\n\n" +
		"> Parcels cannot leave.\n\n" +
		"**Triggers:** \"no tracking\", late\n\n" +
		"### Held publications\n\nActivated now, it would hold 2 publications:\n\n" +
		"| time | publication | post |\n|---|---|---|\n" +
		"| 2026-12-08 13:00 CET | `a@mastodon` | Gift &lt;cards&gt; \\| 20% off |\n" +
		"| 2026-12-09 13:00 CET | `b@bluesky` | Winter blend |\n\n" +
		"### Holding statement\n\n" +
		"On mastodon:\n\n```text\nParcels are late.\n```\n\n- mastodon: 18/500 characters\n\n" +
		"On bluesky (override):\n\n```text\nParcels are late!!\n```\n\n- bluesky: **19/10 graphemes: 9 over the limit**\n" +
		"  - warning: Avoid exclamation marks. (at \"!!\") (`no-exclamations`)\n\n" +
		"### Checklist\n\n- [ ] Check the carrier\n- [ ] Update the \\*status\\* page\n\n" +
		"### Escalation\n\n| role | name | contact |\n|---|---|---|\n| Ops | Tomasz | t@example.com |\n| Community | Mia | m@example.com |\n\n" +
		"### Replies\n\n#### `late`: Order is late\n\n```text\nHi <name>, it ships in 3 days.\n```\n\n`postctl replies render late --var name=…`\n\n" +
		"- `gone`: no reply template has this id (run `postctl validate`).\n\n" +
		"**Activate:** `postctl crisis activate outage --reason \"…\"`\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestRbFence(t *testing.T) {
	if got, want := rbFence("a ``` b"), "````text\na ``` b\n````"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCrisisShowJSON(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisShow(s, "json", sampleRunbook()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		Active        bool   `json:"active"`
		Held          []struct {
			Address, Time string
		} `json:"held"`
		HoldingStatement struct {
			Channels []struct {
				Channel   string `json:"channel"`
				OverLimit bool   `json:"over_limit"`
				Findings  []struct {
					Excerpt string `json:"excerpt"`
				} `json:"findings"`
			} `json:"channels"`
			Thread []string `json:"thread"`
		} `json:"holding_statement"`
		Replies []struct {
			ID       string   `json:"id"`
			Found    bool     `json:"found"`
			Required []string `json:"required"`
			Example  string   `json:"example"`
			Command  string   `json:"command"`
		} `json:"replies"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != "1.0" || doc.Active || len(doc.Held) != 2 || doc.Held[0].Time != "2026-12-08T13:00:00+01:00" {
		t.Errorf("unexpected document: %s", out)
	}
	hs := doc.HoldingStatement
	if len(hs.Channels) != 2 || hs.Channels[0].OverLimit || !hs.Channels[1].OverLimit || hs.Channels[1].Findings[0].Excerpt != "!!" || hs.Thread == nil {
		t.Errorf("unexpected holding statement: %s", out)
	}
	if len(doc.Replies) != 2 || !doc.Replies[0].Found || doc.Replies[1].Found ||
		!cmp.Equal(doc.Replies[0].Required, []string{"name"}) || doc.Replies[0].Command != "postctl replies render late --var name=…" {
		t.Errorf("unexpected replies: %s", out)
	}
}

func sampleStatus() CrisisStatus {
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	pb := samplePlaybooks[1]
	pb.ExpiresAfter = "2d"
	return CrisisStatus{Active: true, Playbook: "outage", Known: &pb, Since: now.Add(-3 * time.Hour), Now: now, Location: berlin,
		By: "Mia", Reason: "DHL down", ExpiresAt: now.Add(45 * time.Hour), File: "crisis.yaml",
		Held:        []RunbookHeld{{Address: "a@x", At: now.Add(-time.Hour), Due: true}, {Address: "b@x", At: now.Add(time.Hour)}, {Address: "c@x", At: now.Add(2 * time.Hour)}},
		StatementID: "crisis:outage:20261208T070000Z", StatementChannels: []string{"mastodon", "bluesky"}}
}

func TestCrisisStatusText(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisStatus(s, "text", CrisisStatus{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(out.String(), "No crisis is active.\n"); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}

	s, out, _ = streams()
	if err := RenderCrisisStatus(s, "text", sampleStatus()); err != nil {
		t.Fatal(err)
	}
	want := `Crisis active: outage (Shipping outage)
  severity  medium
  since     2026-12-08 08:00 CET (3h ago)
  by        Mia
  reason    DHL down
  pauses    pillar product or tag promo
  expires   2026-12-10 08:00 CET (expires_after 2d)
  holds     3 publications: 2 upcoming, 1 due since the activation
  statement crisis:outage:20261208T070000Z on mastodon, bluesky

See: postctl crisis show outage lists what it holds.
Next: postctl plan shows what the crisis holds and publishes; postctl crisis resolve ends it.
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCrisisStatusExpiredTTY(t *testing.T) {
	st := sampleStatus()
	st.Now = st.Since.Add(3*24*time.Hour + 20*time.Minute)
	s, out, _ := streams()
	s.OutTTY, s.Color = true, true
	if err := RenderCrisisStatus(s, "text", st); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[31m\x1b[1mWarning: active for 3d, longer than expires_after 2d: resolve it (postctl crisis resolve) or review the playbook\x1b[0m\x1b[0m"
	if !strings.Contains(out.String(), want) {
		t.Errorf("missing the loud warning in:\n%s", out)
	}
}

func TestCrisisStatusUnknownPlaybook(t *testing.T) {
	st := sampleStatus()
	st.Playbook, st.Known, st.Suggestion, st.ExpiresAt, st.StatementID, st.StatementChannels = "outge", nil, "outage", time.Time{}, "", nil
	s, out, _ := streams()
	if err := RenderCrisisStatus(s, "text", st); err != nil {
		t.Fatal(err)
	}
	want := `Crisis active: outge
  crisis.yaml names playbook "outge", which is not in playbooks/ (did you mean "outage"?): it pauses everything
  since     2026-12-08 08:00 CET (3h ago)
  by        Mia
  reason    DHL down
  pauses    everything
  holds     3 publications: 2 upcoming, 1 due since the activation
  statement none

Next: postctl plan shows what the crisis holds and publishes; postctl crisis resolve ends it.
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCrisisStatusJSON(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisStatus(s, "json", CrisisStatus{File: "crisis.yaml"}); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format_version": "1.0",
  "active": false,
  "playbook": "",
  "known_playbook": false,
  "name": "",
  "severity": "",
  "activated_at": "",
  "active_seconds": 0,
  "by": "",
  "reason": "",
  "expires_after": "",
  "expires_at": "",
  "expired": false,
  "held": {
    "total": 0,
    "upcoming": 0,
    "due": 0
  },
  "publications": [],
  "holding_statement": null,
  "file": "crisis.yaml",
  "next": ""
}
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}

	st := sampleStatus()
	st.Now = st.Since.Add(50 * time.Hour)
	s, out, _ = streams()
	if err := RenderCrisisStatus(s, "json", st); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Active        bool   `json:"active"`
		Expired       bool   `json:"expired"`
		Warning       string `json:"warning"`
		ActiveSeconds int64  `json:"active_seconds"`
		Held          struct{ Total, Upcoming, Due int }
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Active || !doc.Expired || !strings.HasPrefix(doc.Warning, "active for 2d 2h, longer than expires_after 2d") ||
		doc.ActiveSeconds != 50*3600 || doc.Held.Total != 3 || doc.Held.Due != 1 || doc.Held.Upcoming != 2 {
		t.Errorf("unexpected document: %s", out)
	}
}

const sampleMessage = "Where is my order? Still waiting,\nno tracking at all."

func sampleMatches() []PlaybookMatch {
	return []PlaybookMatch{{
		Playbook: samplePlaybooks[1],
		Score:    6,
		Hits: []PlaybookHit{
			{Trigger: "where is my order", Words: 4, Spans: []MatchSpan{{0, 17}}},
			{Trigger: "no tracking", Words: 2, Spans: []MatchSpan{{34, 45}}},
		},
		Replies: []MatchReply{{ID: "outage-apology", Title: "Orders stuck"}, {ID: "gone", Missing: true}},
	}, {
		Playbook: samplePlaybooks[0],
		Score:    1,
		Hits:     []PlaybookHit{{Trigger: "waiting", Words: 1, Spans: []MatchSpan{{25, 32}}}},
	}}
}

func TestCrisisMatchPlain(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisMatch(s, "text", sampleMessage, sampleMatches()); err != nil {
		t.Fatal(err)
	}
	want := `1. Shipping outage (outage)  medium  score 6  active
   matched   "where is my order", "no tracking"
   in        «Where is my order»? Still waiting, «no tracking» at all.
   replies   outage-apology  Orders stuck
             gone            no reply template has this id: run postctl validate
   active    already: postctl crisis status

2. Product recall (recall)  critical  score 1
   matched   "waiting"
   in        Where is my order? Still «waiting», no tracking at all.
   replies   none in the playbook
   activate  postctl crisis activate recall --reason "…"
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}

	s, out, _ = streams()
	if err := RenderCrisisMatch(s, "text", "x", nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(out.String(), "No playbook's triggers match.\n"); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCrisisMatchColour(t *testing.T) {
	s, out, _ := streams()
	s.OutTTY, s.Color = true, true
	if err := RenderCrisisMatch(s, "text", sampleMessage, sampleMatches()[1:]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Still \x1b[1mwaiting\x1b[0m, no") || strings.Contains(out.String(), "«") {
		t.Errorf("want the phrase in bold, without «»:\n%q", out)
	}
}

func TestCrisisMatchJSON(t *testing.T) {
	s, out, _ := streams()
	if err := RenderCrisisMatch(s, "json", sampleMessage, sampleMatches()[:1]); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format_version": "1.0",
  "text": "Where is my order? Still waiting,\nno tracking at all.",
  "matches": [
    {
      "playbook": "outage",
      "name": "Shipping outage",
      "severity": "medium",
      "active": true,
      "score": 6,
      "triggers": [
        {
          "trigger": "where is my order",
          "words": 4,
          "spans": [
            {
              "start": 0,
              "end": 17,
              "text": "Where is my order"
            }
          ]
        },
        {
          "trigger": "no tracking",
          "words": 2,
          "spans": [
            {
              "start": 34,
              "end": 45,
              "text": "no tracking"
            }
          ]
        }
      ],
      "replies": [
        {
          "id": "outage-apology",
          "title": "Orders stuck",
          "found": true
        },
        {
          "id": "gone",
          "title": "",
          "found": false
        }
      ],
      "activate": "postctl crisis activate outage --reason \"…\""
    }
  ]
}
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestMatchExcerpt(t *testing.T) {
	hl := func(s string) string { return "[" + s + "]" }
	long := strings.Repeat("lorem ipsum ", 10) + "the bag had mould in it " + strings.Repeat("dolor sit ", 10) + "and I got sick."
	i, j := strings.Index(long, "mould"), strings.Index(long, "got sick")
	uni := "Ünïcödé wörds ärë hérë: Schimmel! " + strings.Repeat("é", 40)
	k := strings.Index(uni, "Schimmel")
	tests := []struct {
		name  string
		text  string
		spans []MatchSpan
		want  string
	}{
		{"whole short text", "a recall now", []MatchSpan{{2, 8}}, "a [recall] now"},
		{"windows at word boundaries", long, []MatchSpan{{i, i + 5}},
			"…ipsum lorem ipsum the bag had [mould] in it dolor sit dolor sit dolor…"},
		{"two windows", long, []MatchSpan{{j, j + 8}, {i, i + 5}},
			"…ipsum lorem ipsum the bag had [mould] in it dolor sit dolor sit dolor … sit dolor sit dolor sit and I [got sick]."},
		{"overlapping spans merge", "not shipped yet", []MatchSpan{{0, 11}, {4, 11}}, "[not shipped] yet"},
		{"white space shows as one space", "still\n\n  waiting  here", []MatchSpan{{0, 16}}, "[still waiting] here"},
		{"unicode context", uni, []MatchSpan{{k, k + len("Schimmel")}},
			"Ünïcödé wörds ärë hérë: [Schimmel]! " + strings.Repeat("é", 40)}, // a word is never cut
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(MatchExcerpt(tt.text, tt.spans, 30, hl), tt.want); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}
