package cmd

import (
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/view"
)

// replyPlatform is how a reply is counted on a channel: the platform's name, limit (0: none),
// unit and counter. A nil channel is generic.
// TEMPORARY until package social builds: runes, not graphemes.
func replyPlatform(ch *calendar.Channel) (name string, limit int, unit string, count func(string) int) {
	name = "generic"
	if ch != nil {
		switch {
		case ch.Provider.Value == "mastodon" || ch.Platform.Value == "mastodon":
			name, limit = "mastodon", 500
		case ch.Provider.Value == "bluesky" || ch.Platform.Value == "bluesky":
			name, limit = "bluesky", 300
		}
	}
	unit = "graphemes"
	if name == "mastodon" {
		unit = "characters"
	}
	return name, limit, unit, utf8.RuneCountInString
}

// replyFindings lints a rendered reply against the brand voice.
// TEMPORARY until package voice builds.
func replyFindings(cal *calendar.Calendar, r *calendar.Reply, text, channel string) ([]view.ReplyFinding, error) {
	return nil, nil
}
