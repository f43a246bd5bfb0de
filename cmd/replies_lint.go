package cmd

import (
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/social"
	"github.com/postctl/postctl/view"
	"github.com/postctl/postctl/voice"
)

// replyPlatform is the platform whose limit and counting a reply follows; a nil channel is generic.
func replyPlatform(ch *calendar.Channel) social.Platform {
	if ch == nil {
		return social.Named("generic")
	}
	return social.For(*ch)
}

// replyFindings lints a rendered reply against the brand voice on the channel ("": generic). The
// platform limit is left out: the length line says it, and its error fails the command. skipped
// says that voice.yaml has errors, so some rules did not run.
func replyFindings(cal *calendar.Calendar, loaded calendar.Findings, r *calendar.Reply, text, channel string) (out []view.ReplyFinding, skipped bool) {
	engine, defs := voice.Compile(cal)
	t := voice.Text{Value: text, Kind: voice.KindReply, Tags: calendar.Values(r.Tags)}
	if channel != "" {
		t.Channels = []string{channel}
	}
	for _, m := range engine.LintText(cal, t) {
		if m.Rule == voice.PlatformLimit {
			continue
		}
		out = append(out, view.ReplyFinding{Rule: m.Rule, Level: m.Level, Message: m.Message, Fix: m.Fix, Start: m.Start, End: m.End})
	}
	for _, f := range append(defs, loaded...) {
		if f.File == "voice.yaml" && f.Level == calendar.Error {
			skipped = true
		}
	}
	return out, skipped
}
