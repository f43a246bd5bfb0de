package voice

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
)

// lines renders findings as validate prints them, without fixes.
func lines(fs calendar.Findings) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.File, f.Line, f.Col, f.Level, f.Message, f.Rule))
	}
	return out
}

const detoxRule = `rules:
  - id: no-detox
    type: existence
    level: error
    message: "'{{match}}' is a health claim"
    tokens: [detox]
`

func TestPositions(t *testing.T) {
	cal := load(t, map[string]string{
		"voice.yaml": detoxRule,
		"posts/p.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [mastodon]
			text: |
			  First line is fine.
			  Second has detox here, Grüße detox.
			thread:
			  - >
			    Folded text with
			    a detox inside.
			  - "Quoted \"detox\" with escapes"
			  - "Quoted detox plain"
			  - plain detox text
			  - 'single ''quoted'' detox'
			  - plain over
			    two lines, detox
		`,
	})
	got := lines(Check(cal))
	want := []string{
		"posts/p.yaml:5:14: error: 'detox' is a health claim [no-detox]",
		"posts/p.yaml:5:32: error: 'detox' is a health claim [no-detox]",
		"posts/p.yaml:9:7: error: 'detox' is a health claim [no-detox]",
		"posts/p.yaml:10:15: error: 'detox' is a health claim [no-detox]", // after an escaped quote
		"posts/p.yaml:11:13: error: 'detox' is a health claim [no-detox]",
		"posts/p.yaml:12:11: error: 'detox' is a health claim [no-detox]",
		"posts/p.yaml:13:24: error: 'detox' is a health claim [no-detox]", // after doubled quotes
		"posts/p.yaml:15:16: error: 'detox' is a health claim [no-detox]",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestPublicationTexts(t *testing.T) {
	cal := load(t, map[string]string{
		"voice.yaml": `
			rules:
			  - id: mastodon-only
			    type: existence
			    level: warning
			    message: m {{match}}
			    tokens: [alpha]
			    where: {channels: [mastodon]}
			  - id: bluesky-only
			    type: existence
			    level: warning
			    message: b {{match}}
			    tokens: [alpha]
			    where: {channels: [bluesky]}
			  - id: link-first
			    type: require
			    level: warning
			    message: needs a link
			    patterns: ['https://']
			  - id: holding
			    type: existence
			    level: warning
			    message: h {{match}}
			    tokens: [alpha]
			    where: {kinds: [holding_statement]}
			  - id: replies
			    type: existence
			    level: warning
			    message: r {{match}}
			    tokens: [alpha]
			    where: {kinds: [reply], tags: [orders]}
		`,
		"posts/p.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [mastodon, bluesky]
			status: draft
			text: alpha main https://x.example
			overrides:
			  bluesky:
			    text: alpha bluesky
			thread:
			  - alpha thread
		`,
		"playbooks/recall.yaml": `
			name: Recall
			severity: high
			pause: {all: true}
			holding_statement:
			  text: alpha holding
			  overrides:
			    newsletter:
			      text: alpha newsletter https://x.example
			  thread:
			    - alpha later
		`,
		"replies/late.yaml": `
			title: Late
			tags: [orders]
			text: alpha reply
		`,
		"replies/other.yaml": `
			title: Other
			text: alpha reply https://x.example
		`,
	})
	got := lines(Check(cal))
	want := []string{
		"playbooks/recall.yaml:5:9: warning: h alpha [holding]",
		"playbooks/recall.yaml:5:9: warning: m alpha [mastodon-only]", // holding statements go to every channel
		"playbooks/recall.yaml:5:9: warning: b alpha [bluesky-only]",
		"playbooks/recall.yaml:5:9: warning: needs a link [link-first]",
		"playbooks/recall.yaml:8:13: warning: h alpha [holding]",
		"playbooks/recall.yaml:10:7: warning: h alpha [holding]", // a thread item needs no link
		"playbooks/recall.yaml:10:7: warning: m alpha [mastodon-only]",
		"playbooks/recall.yaml:10:7: warning: b alpha [bluesky-only]",
		"posts/p.yaml:4:7: warning: m alpha [mastodon-only]", // the main text is not on bluesky
		"posts/p.yaml:7:11: warning: b alpha [bluesky-only]",
		"posts/p.yaml:7:11: warning: needs a link [link-first]",
		"posts/p.yaml:9:5: warning: m alpha [mastodon-only]",
		"posts/p.yaml:9:5: warning: b alpha [bluesky-only]",
		"replies/late.yaml:3:7: warning: r alpha [replies]",
		"replies/late.yaml:3:7: warning: needs a link [link-first]",
	}
	sortLike(got, want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

// sortLike sorts both lists, for comparisons where the order among equal positions is not the point.
func sortLike(a, b []string) {
	slicesSort(a)
	slicesSort(b)
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestUnpublishedMainText(t *testing.T) {
	long := strings.Repeat("Ten chars. ", 31)
	cal := load(t, map[string]string{
		"posts/p.yaml": fmt.Sprintf(`
			publish_at: 2026-12-01T09:00
			channels: [bluesky]
			text: %s
			overrides:
			  bluesky:
			    text: Short.
		`, long),
		"posts/q.yaml": fmt.Sprintf(`
			publish_at: 2026-12-01T09:00
			channels: [bluesky, mastodon]
			text: Short.
			thread:
			  - %s
		`, long),
	})
	got := lines(Check(cal))
	want := []string{"posts/q.yaml:5:5: error: 340 graphemes; Bluesky allows 300 (channel bluesky) [platform-limit]"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestConsistencyAcrossFile(t *testing.T) {
	cal := load(t, map[string]string{
		"voice.yaml": `
			rules:
			  - id: one-spelling
			    type: consistency
			    level: warning
			    message: "mixed spellings: {{match}}"
			    pairs: [[email, e-mail]]
		`,
		"posts/p.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [mastodon, bluesky]
			thread:
			  - Or send an email.
			text: Send an e-mail, or two e-mails.
			overrides:
			  bluesky:
			    text: Send an email.
		`,
		"posts/other.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [mastodon]
			text: Send an email.
		`,
	})
	got := lines(Check(cal))
	want := []string{ // file order: the thread comes first in this file, and its "email" wins
		"posts/p.yaml:5:15: warning: mixed spellings: e-mail [one-spelling]",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestIgnore(t *testing.T) {
	cal := load(t, map[string]string{
		"voice.yaml": detoxRule + `
  - id: one-bang
    type: occurrence
    level: warning
    message: one
    token: exclamation
    max: 1
`,
		"posts/p.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [bluesky]
			text: A detox! Really! Now!
			voice:
			  ignore:
			    - rule: no-detox
			      reason: Quoted.
			    - rule: one-bang
			      reason: Never mind.
		`,
		"posts/q.yaml": fmt.Sprintf(`
			publish_at: 2026-12-01T09:00
			channels: [bluesky]
			text: Calm.
			thread:
			  - %s
			voice:
			  ignore:
			    - rule: no-detox
			      reason: Nothing to silence.
			    - rule: platform-limit
			      reason: It is important.
		`, strings.Repeat("Ten chars. ", 31)),
	})
	got := lines(Check(cal))
	want := []string{
		"posts/q.yaml:5:5: error: 340 graphemes; Bluesky allows 300 (channel bluesky) [platform-limit]",
		"posts/q.yaml:8:13: suggestion: voice.ignore of no-detox silences nothing here; remove it [voice-ignore]",
		"posts/q.yaml:10:13: warning: platform-limit cannot be ignored: the platform would reject the post; shorten the text or give the channel an override [voice-ignore]",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestDedupeAcrossChannels(t *testing.T) {
	cal := load(t, map[string]string{
		"voice.yaml": `
			rules:
			  - id: short
			    type: length
			    level: warning
			    message: too long
			    max: 10
		`,
		"posts/p.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [mastodon, bluesky, newsletter]
			text: Longer than ten.
		`,
	})
	got := Check(cal)
	want := calendar.Findings{{File: "posts/p.yaml", Line: 3, Col: 7, Rule: "short", Level: calendar.Warning, Message: "too long", Fix: "16 characters on mastodon; cut 6"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestLintIsDeterministic(t *testing.T) {
	files := map[string]string{"voice.yaml": detoxRule}
	for i := range 300 {
		files[fmt.Sprintf("posts/p%03d.yaml", i)] = "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: detox and detox\n"
	}
	cal := load(t, files)
	first := Check(cal)
	if len(first) != 600 {
		t.Fatalf("%d findings, want 600", len(first))
	}
	for range 5 {
		if diff := cmp.Diff(Check(cal), first); diff != "" {
			t.Fatalf("runs differ (-got +want):\n%s", diff)
		}
	}
}

func TestNoVoiceFile(t *testing.T) {
	cal := load(t, map[string]string{
		"posts/p.yaml": "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: " + strings.Repeat("x", 301) + "\n",
	})
	if diff := cmp.Diff(lines(Check(cal)), []string{"posts/p.yaml:3:7: error: 301 graphemes; Bluesky allows 300 (channel bluesky) [platform-limit]"}); diff != "" {
		t.Errorf("platform limits without voice.yaml (-got +want):\n%s", diff)
	}
}
