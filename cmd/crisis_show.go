package cmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/view"
	"github.com/postctl/postctl/voice"
	"github.com/spf13/cobra"
)

type crisisShowOptions struct {
	Dir    string
	Format string
	ID     string
}

func newCrisisShowCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "show PLAYBOOK",
		Short: "Show a playbook's runbook: what it pauses, its holding statement, checklist, contacts and replies",
		Long: `Show prints a playbook as a runbook: its severity and description; the triggers that suggest
it; what it pauses, with the publications it would hold if activated now (the first 20; for the
active crisis, what it holds); the holding statement as each channel would publish it, its
length against the channel's limit and any brand-voice findings; the checklist; whom to call;
each reply template with an example (defaults filled in, <name> where a value is needed) and the
command that renders it; and expires_after.

--format markdown writes the runbook to paste into an issue or a chat: the checklist is a task
list. --format json lists every held publication.`,
		Example: `  postctl crisis show product-recall
  postctl crisis show shipping-outage --format markdown | gh issue create --title "Shipping outage" --body-file -
  postctl crisis show shipping-outage --format json | jq -r '.held[].address'`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON, formatMarkdown)
			if err != nil {
				return err
			}
			return runCrisisShow(f, crisisShowOptions{Dir: g.Dir, Format: format, ID: args[0]})
		},
	}
}

func runCrisisShow(f *Factory, opts crisisShowOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	pb, err := lookupPlaybook(cal, findings, opts.ID, opts.Dir)
	if err != nil {
		return err
	}
	now := f.Clock()
	active := cal.ActiveCrisis()
	r := view.Runbook{PlaybookSummary: playbookSummary(opts.Dir, pb, active), Location: cal.Location, Now: now,
		Checklist: calendar.Values(pb.Checklist)}
	var held []crisis.Held
	if active != nil && active.Playbook == pb {
		r.Since = active.Since()
		held = crisis.Active(cal, now)
	} else {
		held = crisis.Holds(cal, pb, time.Time{}, now)
	}
	r.Held = runbookHeld(opts.Dir, held)
	voiceSkipped := false
	if hs := pb.HoldingStatement; hs != nil {
		r.Statement, voiceSkipped = statementTexts(cal, findings, hs)
		for _, t := range hs.Thread {
			r.Thread = append(r.Thread, t.Text.Value)
		}
		r.Media = len(hs.Media)
	}
	r.Escalation = contacts(pb)
	for _, id := range pb.Replies {
		r.Replies = append(r.Replies, replyExample(cal, opts.Dir, id.Value))
	}
	if err := view.RenderCrisisShow(f.Streams, opts.Format, r); err != nil {
		return err
	}
	if voiceSkipped {
		fmt.Fprintln(f.Streams.ErrOut, "Note: voice.yaml has errors, so some brand-voice rules were not checked on the holding statement: run 'postctl validate'")
	}
	// Showing a broken playbook helps fix it; say that it has errors.
	if errs := replyErrors(findings, pb.File); len(errs) > 0 {
		fmt.Fprintf(f.Streams.ErrOut, "Warning: playbook %q has errors: %s\n", pb.ID.Value, findingsList(opts.Dir, errs))
	}
	return nil
}

// lookupPlaybook finds the playbook with the id. An unknown id is a usage error with a
// suggestion, like an unknown reply template; a playbook whose file could not be read says so.
func lookupPlaybook(cal *calendar.Calendar, findings calendar.Findings, id, dir string) (*calendar.Playbook, error) {
	ids := make([]string, 0, len(cal.Playbooks))
	for _, pb := range cal.Playbooks {
		if pb == nil {
			continue
		}
		if pb.ID.Value == id {
			return pb, nil
		}
		ids = append(ids, pb.ID.Value)
	}
	for _, file := range []string{"playbooks/" + id + ".yaml", "playbooks/" + id + ".yml"} {
		if errs := replyErrors(findings, file); len(errs) > 0 {
			return nil, fmt.Errorf("playbook %q cannot be read: %s", id, findingsList(dir, errs))
		}
	}
	msg := fmt.Sprintf("no playbook %q", id)
	if guess := schema.Closest(id, ids); guess != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", guess)
	} else {
		msg += ": 'postctl crisis list' shows them"
	}
	return nil, usageErrorf(errors.New(msg))
}

// runbookHeld lists held publications for the views, with each post's title or first line.
func runbookHeld(dir string, held []crisis.Held) []view.RunbookHeld {
	out := make([]view.RunbookHeld, 0, len(held))
	for _, h := range held {
		title := h.Post.Title.Value
		if title == "" {
			title = crisisFirstLine(h.Post.TextFor(h.Channel).Value)
		}
		out = append(out, view.RunbookHeld{Address: h.Address, Post: h.Post.ID.Value, Channel: h.Channel, Title: title,
			File: replyPath(dir, h.Post.File), At: h.At, Due: h.Due})
	}
	return out
}

func crisisFirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return strings.TrimSpace(s[:i]) + " …"
	}
	return s
}

// statementTexts is the holding statement on each of its channels (default: every channel of the
// calendar), measured the way replies render measures and linted as a holding statement.
// skipped says that voice.yaml has errors, so some rules did not run.
func statementTexts(cal *calendar.Calendar, loaded calendar.Findings, hs *calendar.HoldingStatement) (out []view.RunbookText, skipped bool) {
	channels := calendar.Values(hs.Channels)
	if len(channels) == 0 && cal.Config != nil {
		channels = cal.Config.Channels.Keys()
	}
	engine, defs := voice.Compile(cal)
	for _, f := range append(defs, loaded...) {
		if f.File == "voice.yaml" && f.Level == calendar.Error {
			skipped = true
		}
	}
	for _, ch := range channels {
		t := view.RunbookText{Channel: ch, Text: hs.Text.Value}
		if o, ok := hs.Overrides.Get(ch); ok && o.Text.Set {
			t.Text, t.Override = o.Text.Value, true
		}
		var platform = replyPlatform(nil)
		if c, ok := cal.Channel(ch); ok {
			platform = replyPlatform(&c)
		}
		t.Platform, t.Limit, t.Unit, t.Length = platform.Name, platform.Limit, platform.Unit(), platform.Count(t.Text)
		for _, m := range engine.LintText(cal, voice.Text{Value: t.Text, Kind: voice.KindHoldingStatement, Channels: []string{ch}, Lead: true}) {
			if m.Rule == voice.PlatformLimit {
				continue // the length line says it
			}
			t.Findings = append(t.Findings, view.ReplyFinding{Rule: m.Rule, Level: m.Level, Message: m.Message, Fix: m.Fix, Start: m.Start, End: m.End})
		}
		out = append(out, t)
	}
	return out, skipped
}

// replyExample is the reply template with the id, filled in as an example: the defaults where
// a variable has one, <name> where a value must be given. Patterns are not checked: <name> is a
// marker, not a value.
func replyExample(cal *calendar.Calendar, dir, id string) view.RunbookReply {
	for _, r := range cal.Replies {
		if r == nil || r.ID.Value != id {
			continue
		}
		text := strings.TrimRight(r.Text.Value, "\r\n")
		example := calendar.PlaceholderRE.ReplaceAllStringFunc(text, func(m string) string {
			name := calendar.PlaceholderRE.FindStringSubmatch(m)[1]
			if v, ok := r.Variables.Get(name); ok && !v.Needs() {
				return v.Default.Value
			}
			return "<" + name + ">"
		})
		return view.RunbookReply{Template: replyTemplate(dir, r), Example: example}
	}
	return view.RunbookReply{Template: view.ReplyTemplate{ID: id}, Missing: true}
}

// contacts are the playbook's escalation contacts as the views show them.
func contacts(pb *calendar.Playbook) []view.Contact {
	var out []view.Contact
	for _, e := range pb.Escalation {
		out = append(out, view.Contact{Role: e.Role.Value, Name: e.Name.Value, Contact: e.Contact.Value})
	}
	return out
}
