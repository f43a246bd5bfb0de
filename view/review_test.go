package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/review"
)

func sampleReview(posts int) *review.Review {
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	r := &review.Review{
		Base: review.Side{Rev: "main", Commit: "1111111111"}, Head: review.Side{Rev: "feature", Commit: "2222222222"},
		MergeBase: "3333333333", Prefix: "cal", Now: at.Add(-20 * time.Hour), Location: time.UTC,
		Findings: calendar.Findings{{File: "posts/a.yaml", Line: 3, Col: 9, Rule: "no-hype", Level: calendar.Warning, Message: "Avoid hype."}},
		Upcoming: []review.Upcoming{{ID: "a", File: "posts/a.yaml", Time: at, Until: 20 * time.Hour}},
		Rules:    []review.NamedChange{{ID: "no-hype", File: "voice.yaml", Change: "changed", Keys: []string{"tokens"}}},
	}
	long := strings.Repeat("A long text for the comment budget. ", 40)
	for i := range posts {
		r.Added = append(r.Added, review.PostChange{Kind: review.Added, ID: fmt.Sprintf("p%d", i), File: fmt.Sprintf("posts/p%d.yaml", i), Time: at,
			Preview: []review.Preview{{Channel: "mastodon", Platform: "mastodon", Text: long, Length: 1440, Limit: 500, Unit: "characters"}}})
	}
	r.Changed = []review.PostChange{{Kind: review.Changed, ID: "a", File: "posts/a.yaml", Time: at,
		Fields:  []review.FieldChange{{Field: "text", Before: "Old ```code```.", After: "New."}},
		Preview: []review.Preview{{Channel: "bluesky", Platform: "bluesky", Text: "New.", Length: 4, Limit: 300, Unit: "graphemes"}}}}
	return r
}

func TestReviewMarkdownLimit(t *testing.T) {
	for _, n := range []int{1, 200} {
		md := ReviewMarkdown(ReviewView{Review: sampleReview(n)})
		if !strings.HasPrefix(md, ReviewMarker+"\n") {
			t.Errorf("%d posts: the comment does not start with the marker", n)
		}
		if len(md) > MaxCommentLength {
			t.Errorf("%d posts: %d characters, over GitHub's limit", n, len(md))
		}
		if n == 200 && !strings.Contains(md, "more posts not shown here") {
			t.Errorf("200 posts: no summary of the posts left out")
		}
		if n == 1 && !strings.Contains(md, "````diff") {
			t.Errorf("%d posts: a text with a code fence needs a longer fence", n)
		}
		if strings.Index(md, "[!WARNING]") > strings.Index(md, "#### Posts") {
			t.Errorf("%d posts: the 24-hour warning is not near the top", n)
		}
	}
}

func TestReviewGitHubAndJSON(t *testing.T) {
	var out bytes.Buffer
	v := ReviewView{Review: sampleReview(1)}
	if err := RenderReview(&Streams{Out: &out}, "github", v); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=cal/posts/a.yaml,line=3,col=9,title=postctl no-hype::Avoid hype.\n" +
		"2 posts: 1 added, 1 changed; 1 voice rule changed; 0 errors, 1 warning.\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("github (-got +want):\n%s", diff)
	}
	out.Reset()
	if err := RenderReview(&Streams{Out: &out}, "json", v); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		Valid         bool
		Posts         []struct {
			Change, ID string
			Previews   []struct{ Over bool }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != FormatVersion || !doc.Valid || len(doc.Posts) != 2 || !doc.Posts[0].Previews[0].Over {
		t.Errorf("json: %+v", doc)
	}
	if !(ReviewView{Review: v.Review, Strict: true}).Review.Failed(true) {
		t.Error("a warning does not fail with strict")
	}
}

func crisisReview() *review.Review {
	r := sampleReview(1)
	since := time.Date(2026, 11, 30, 11, 30, 0, 0, time.UTC)
	c := &review.CrisisChange{Kind: review.CrisisActivated, File: "crisis.yaml", Line: 2, Col: 15,
		After:     &review.CrisisSide{Playbook: "outage", Name: "Shipping outage", Severity: "medium", Known: true, File: "playbooks/outage.yaml", Since: since, Reason: "carrier down", By: "mia"},
		HeldCount: 23, StatementID: "crisis:outage:20261130T113000Z", StatementFile: "playbooks/outage.yaml",
		Statement: []review.Preview{{Channel: "mastodon", Platform: "mastodon", Text: "Parcels wait.", Length: 13, Limit: 500, Unit: "characters"}}}
	for i := range 22 {
		c.Held = append(c.Held, review.CrisisPost{ID: fmt.Sprintf("p%02d", i), File: fmt.Sprintf("posts/p%02d.yaml", i), Line: 1,
			Time: since.Add(time.Duration(i) * time.Hour), Channels: []string{"mastodon"}, Due: i == 0})
	}
	c.Held[1].Channels = []string{"mastodon", "bluesky"}
	r.Crisis = c
	return r
}

func TestReviewCrisisViews(t *testing.T) {
	v := ReviewView{Review: crisisReview()}
	const headline = `Activates the crisis "outage" (medium) — 23 publications held from now on`
	var out bytes.Buffer
	if err := RenderReview(&Streams{Out: &out}, "text", v); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"Crisis\n  ! " + headline + "\n  Held from now on (23 publications):\n",
		"    2026-11-30 11:30 UTC  p00 on mastodon (its time has passed)  cal/posts/p00.yaml\n",
		"    2026-11-30 12:30 UTC  p01 on mastodon, bluesky  cal/posts/p01.yaml\n",
		"    … and 2 more\n",
		"  Holding statement crisis:outage:20261130T113000Z (cal/playbooks/outage.yaml), published at the next apply after merge:\n    mastodon  13/500 characters\n      Parcels wait.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text: no %q in\n%s", want, text)
		}
	}
	if strings.Index(text, "Crisis") > strings.Index(text, "within 24 hours") {
		t.Errorf("text: the crisis is not at the top:\n%s", text)
	}

	md := ReviewMarkdown(v)
	for _, want := range []string{"> [!CAUTION]\n> **" + headline + "**\n", "- `p00` at 2026-11-30 11:30 UTC on mastodon, its time has passed (`cal/posts/p00.yaml`)\n",
		"- …and 2 more\n", "**Holding statement** `crisis:outage:20261130T113000Z` from `cal/playbooks/outage.yaml`", "**mastodon** · 13/500 characters\n```text\nParcels wait.\n```\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown: no %q in\n%s", want, md)
		}
	}
	if !strings.Contains(md, "**activates crisis \"outage\"; 2 posts: 1 added, 1 changed;") {
		t.Errorf("markdown: the summary does not name the crisis:\n%s", md)
	}
	if strings.Index(md, "[!CAUTION]") > strings.Index(md, "[!WARNING]") {
		t.Errorf("markdown: the crisis is not the first thing")
	}

	out.Reset()
	if err := RenderReview(&Streams{Out: &out}, "github", v); err != nil {
		t.Fatal(err)
	}
	wantGH := "::notice file=cal/crisis.yaml,line=2,col=15,title=postctl crisis::" + headline + ". The holding statement publishes on mastodon at the next apply after merge.\n"
	if !strings.HasPrefix(out.String(), wantGH) {
		t.Errorf("github (-got +want):\n%s", cmp.Diff(out.String(), wantGH))
	}

	out.Reset()
	if err := RenderReview(&Streams{Out: &out}, "json", v); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Crisis struct {
			Change, Summary string
			Before          *struct{}
			After           struct{ Playbook string }
			Held            []struct {
				ID   string
				Past bool
			}
			Statement []struct{ Channel string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Crisis
	if c.Change != "activated" || c.Summary != headline || c.Before != nil || c.After.Playbook != "outage" || len(c.Held) != 22 || !c.Held[0].Past || len(c.Statement) != 1 {
		t.Errorf("json: %+v", c)
	}
	// Without a crisis change, no crisis key.
	out.Reset()
	if err := RenderReview(&Streams{Out: &out}, "json", ReviewView{Review: sampleReview(1)}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), `"crisis"`) {
		t.Error("json: a crisis key without a crisis change")
	}
}
