package voice

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/social"
)

const testCalendarYAML = `brand: Test
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
`

// load loads a calendar from files; calendar.yaml defaults to three channels: mastodon, bluesky
// and newsletter (generic). Strings are unindented by the first line's indentation, so tests can
// write YAML inline.
func load(t *testing.T, files map[string]string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{}
	if _, ok := files["calendar.yaml"]; !ok {
		fsys["calendar.yaml"] = &fstest.MapFile{Data: []byte(testCalendarYAML)}
	}
	if _, ok := files["strategy.yaml"]; !ok {
		fsys["strategy.yaml"] = &fstest.MapFile{Data: []byte("pillars:\n  product: {}\n  education: {}\n")}
	}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(dedent(src))}
	}
	cal, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Level == calendar.Error && f.Rule != "voice" {
			t.Fatalf("test calendar does not load cleanly: %s:%d:%d: %s [%s]", f.File, f.Line, f.Col, f.Message, f.Rule)
		}
	}
	return cal
}

// dedent removes the indentation of the first non-blank line from every line.
func dedent(s string) string {
	s = strings.TrimLeft(s, "\n")
	indent := len(s) - len(strings.TrimLeft(s, " \t"))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
		} else if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}

// engine compiles rules (the items of voice.yaml's rules list) and fails on rule findings.
func engine(t *testing.T, rules string) (*Engine, *calendar.Calendar) {
	t.Helper()
	cal := load(t, map[string]string{"voice.yaml": "rules:\n" + indent(dedent(rules), "  ")})
	e, findings := Compile(cal)
	if len(findings) > 0 {
		t.Fatalf("rules do not compile: %v", findings)
	}
	return e, cal
}

func indent(s, by string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = by + l
		}
	}
	return strings.Join(lines, "\n")
}

// hit is a match reduced to what most tests check: the rule, the matched text and the message.
type hitT struct {
	Rule, Text, Message, Fix string
}

func hits(t Text, ms []Match) []hitT {
	var out []hitT
	for _, m := range ms {
		out = append(out, hitT{m.Rule, t.Value[m.Start:m.End], m.Message, m.Fix})
	}
	return out
}

// post is a mastodon post's text for LintText.
func post(text string) Text {
	return Text{Value: text, Kind: KindPost, Channels: []string{"mastodon"}, Lead: true}
}

func tokenOf(word string) social.Token { return social.Tokenize(word, false)[0] }
