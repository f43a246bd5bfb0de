package social

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/postctl/postctl/calendar"
)

// Platform is whose length rules a channel's texts follow.
type Platform struct {
	Name  string // "mastodon", "bluesky" or "generic"
	Limit int    // hard limit of the platform; 0 = none (generic)
}

// mastodonLinkLength is what Mastodon counts any http(s) link as, however long.
const mastodonLinkLength = 23

// Named returns the platform called name; an unknown or empty name is generic.
func Named(name string) Platform {
	switch name {
	case "mastodon":
		return Platform{Name: "mastodon", Limit: 500}
	case "bluesky":
		return Platform{Name: "bluesky", Limit: 300}
	}
	return Platform{Name: "generic"}
}

// For returns the platform a channel publishes to: its provider's for mastodon and bluesky,
// otherwise the one its platform setting names (outbox and webhook), generic by default.
func For(ch calendar.Channel) Platform {
	switch p := ch.Provider.Value; p {
	case "mastodon", "bluesky":
		return Named(p)
	}
	return Named(ch.Platform.Value)
}

// Count is the length of text as the platform counts it. Bluesky and generic count grapheme
// clusters. Mastodon counts the grapheme clusters of the text after replacing every http(s) link
// by 23 characters and every @user@domain mention by @user, as its StatusLengthValidator does;
// like Mastodon, it counts a link without a scheme (www.…) in full.
func (p Platform) Count(text string) int {
	n := graphemes(text)
	if p.Name != "mastodon" || !strings.Contains(text, "://") && strings.IndexByte(text, '@') < 0 {
		return n
	}
	s := scanner{text: text, wordyEnd: -1, measure: true}
	for i := 0; i < len(text); {
		i = s.next(i)
	}
	return n + s.delta
}

// mastodonDelta adds to s.delta what Mastodon's rewriting of a token changes in the grapheme count.
func (s *scanner) mastodonDelta(k Kind, text string) {
	switch k {
	case Link:
		if strings.Contains(text, "://") { // Mastodon leaves links without a scheme as they are
			s.delta += mastodonLinkLength - graphemes(text)
		}
	case Mention:
		if at := strings.IndexByte(text[1:], '@'); at >= 0 {
			s.delta -= graphemes(text[1+at:]) // "@domain" is whole grapheme clusters
		}
	}
}

// Unit names what Count counts: "characters" on Mastodon, which counts links and mentions its own
// way, "graphemes" elsewhere.
func (p Platform) Unit() string {
	if p.Name == "mastodon" {
		return "characters"
	}
	return "graphemes"
}

// String describes the platform and its limit for people: "Mastodon (500 characters, links count
// as 23)", "Bluesky (300 graphemes)", "generic (no limit)".
func (p Platform) String() string {
	name := p.Name
	switch name {
	case "mastodon":
		name = "Mastodon"
	case "bluesky":
		name = "Bluesky"
	case "":
		name = "generic"
	}
	limit := "no limit"
	if p.Limit > 0 {
		limit = strconv.Itoa(p.Limit) + " " + p.Unit()
	}
	if p.Name == "mastodon" {
		return name + " (" + limit + ", links count as " + strconv.Itoa(mastodonLinkLength) + ")"
	}
	return name + " (" + limit + ")"
}

// graphemes counts the grapheme clusters of s; in ASCII text every byte is one, but CR LF.
func graphemes(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return uniseg.GraphemeClusterCount(s)
		}
	}
	return len(s) - strings.Count(s, "\r\n")
}
