package social

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/calendar"
)

func TestNamed(t *testing.T) {
	var got []Platform
	for _, name := range []string{"mastodon", "bluesky", "generic", "", "twitter", "Mastodon"} {
		got = append(got, Named(name))
	}
	want := []Platform{{"mastodon", 500}, {"bluesky", 300}, {"generic", 0}, {"generic", 0}, {"generic", 0}, {"generic", 0}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Named (-got +want):\n%s", diff)
	}
}

func TestFor(t *testing.T) {
	ch := func(provider, platform string) calendar.Channel {
		c := calendar.Channel{Provider: calendar.String{Value: provider, Set: true}}
		if platform != "" {
			c.Platform = calendar.String{Value: platform, Set: true}
		}
		return c
	}
	tests := []struct {
		name string
		ch   calendar.Channel
		want Platform
	}{
		{"mastodon provider", ch("mastodon", ""), Platform{"mastodon", 500}},
		{"bluesky provider", ch("bluesky", ""), Platform{"bluesky", 300}},
		{"outbox for mastodon", ch("outbox", "mastodon"), Platform{"mastodon", 500}},
		{"webhook for bluesky", ch("webhook", "bluesky"), Platform{"bluesky", 300}},
		{"webhook without platform", ch("webhook", ""), Platform{"generic", 0}},
		{"outbox generic", ch("outbox", "generic"), Platform{"generic", 0}},
		{"zero channel", calendar.Channel{}, Platform{"generic", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(For(tt.ch), tt.want); diff != "" {
				t.Errorf("For (-got +want):\n%s", diff)
			}
		})
	}
}

func TestCount(t *testing.T) {
	url100 := "https://northwind.example/" + strings.Repeat("a", 100-len("https://northwind.example/"))
	text500 := strings.Repeat("x", 399) + " " + url100 // 500 characters, a 100-character link
	family := "👩‍👩‍👧‍👦"
	tests := []struct {
		name     string
		platform string
		text     string
		want     int
	}{
		{"empty", "mastodon", "", 0},
		{"ascii", "generic", "Hello, world!", 13},
		{"CRLF is one", "generic", "a\r\nb", 3},
		{"combining mark", "bluesky", "cafe\u0301", 4},
		{"ZWJ family", "bluesky", family, 1},
		{"flag and skin tone", "generic", "🇵🇹👍🏽", 2},
		{"mastodon 500 with a 100-character link", "mastodon", text500, 500 - 100 + 23},
		{"bluesky counts links in full", "bluesky", text500, 500},
		{"mastodon short link counts 23", "mastodon", "see https://x.example", 4 + 23},
		{"mastodon link trailing period is text", "mastodon", "https://x.example/a.", 24},
		{"mastodon www link counts in full", "mastodon", "www.example.com/a", 17},
		{"mastodon mention drops its domain", "mastodon", "hi @user@example.social!", len("hi @user!")},
		{"mastodon local mention", "mastodon", "hi @user!", len("hi @user!")},
		{"mastodon email is text", "mastodon", "ana@example.com", 15},
		{"mastodon unicode around link", "mastodon", "☕ https://x.example/" + strings.Repeat("é", 50) + " ☕", 2 + 23 + 2},
		{"bluesky 300 families", "bluesky", strings.Repeat(family, 300), 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Named(tt.platform).Count(tt.text); got != tt.want {
				t.Errorf("%s Count(%q) = %d, want %d", tt.platform, tt.text, got, tt.want)
			}
		})
	}
}

func TestUnitAndString(t *testing.T) {
	var got [][2]string
	for _, p := range []Platform{Named("mastodon"), Named("bluesky"), Named("generic"), {}, {"generic", 280}} {
		got = append(got, [2]string{p.Unit(), p.String()})
	}
	want := [][2]string{
		{"characters", "Mastodon (500 characters, links count as 23)"},
		{"graphemes", "Bluesky (300 graphemes)"},
		{"graphemes", "generic (no limit)"},
		{"graphemes", "generic (no limit)"},
		{"graphemes", "generic (280 graphemes)"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Unit, String (-got +want):\n%s", diff)
	}
}

func BenchmarkCount(b *testing.B) {
	for _, name := range []string{"mastodon", "bluesky"} {
		p := Named(name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(post)))
			b.ReportAllocs()
			for b.Loop() {
				p.Count(post)
			}
		})
	}
}
