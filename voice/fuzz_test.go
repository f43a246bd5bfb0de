package voice

import (
	"testing"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
)

// FuzzLintText lints arbitrary text with the example calendar's 22 rules: it never panics, and
// every match lies inside the text on character boundaries with a message.
func FuzzLintText(f *testing.F) {
	fsys, err := calendar.OpenDir("../examples/calendar")
	if err != nil {
		f.Fatal(err)
	}
	cal, _, err := calendar.Load(fsys)
	if err != nil {
		f.Fatal(err)
	}
	e, findings := Compile(cal)
	if len(findings) > 0 {
		f.Fatalf("example rules do not compile cleanly: %v", findings)
	}
	for _, seed := range []string{
		"Our REVOLUTIONARY detox blend!!! http://bit.ly/x #one #two #three #four 😀😀😀",
		"hi {{name}}, your order {{order}} ships soon. northwind roasters e-mail email",
		"👩‍👩‍👧‍👦 é café שלום مرحبا www.example.com/a?utm_source=x (https://northwind-roasters.example/shop).",
		"e.g. this. and that... What?! ‼ @ana@example.social ana@example.com",
	} {
		f.Add(seed, uint8(0))
	}
	kinds := []string{KindPost, KindReply, KindHoldingStatement}
	channels := [][]string{nil, {"mastodon"}, {"bluesky", "newsletter"}}
	f.Fuzz(func(t *testing.T, text string, pick uint8) {
		tx := Text{Value: text, Kind: kinds[int(pick)%3], Channels: channels[int(pick/3)%3],
			Lead: pick&16 != 0, Placeholders: pick&32 != 0, Tags: []string{"sponsored"}}
		for _, m := range e.LintText(cal, tx) {
			if m.Start < 0 || m.Start > m.End || m.End > len(text) {
				t.Fatalf("%s: match [%d,%d) outside the text of %d bytes", m.Rule, m.Start, m.End, len(text))
			}
			if utf8.ValidString(text) && (!boundary(text, m.Start) || !boundary(text, m.End)) {
				t.Fatalf("%s: match [%d,%d) splits a character of %q", m.Rule, m.Start, m.End, text)
			}
			if m.Rule == "" || m.Message == "" {
				t.Fatalf("match without rule or message: %+v", m)
			}
		}
	})
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }
