package cmd

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

// matchInputLimit bounds the message read from stdin: a post or an e-mail, not a file dump.
const matchInputLimit = 1 << 20

type crisisMatchOptions struct {
	Dir    string
	Format string
	Text   string
	Stdin  bool
}

func newCrisisMatchCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "match TEXT...",
		Short: "Find the playbooks whose triggers a message matches, best first",
		Long: `Match looks for each playbook's triggers in a message a community manager is looking at (a
reply, a mention, an e-mail) and lists the playbooks that match, best first, with the matched
phrases, the reply templates to use and the command that activates the playbook. Several
arguments are joined with spaces; "-" reads the message from stdin.

Triggers match whole words and phrases, ignoring case: "recall" matches "Recall" and #recall,
but not "recalling" (a playbook lists the word forms it watches for, e.g. recall and recalled).
A phrase matches its words in a row, also across hyphens ("never-again") and line breaks, but
not across the end of a sentence or a blank line. Links, e-mail addresses and mentions are not
searched.

The score is the number of words in the matched triggers: a matched phrase counts more than a
single word. Equal scores list the more severe playbook first.

Exit 0 whether or not a playbook matches.`,
		Example: `  postctl crisis match "where is my order, it still has no tracking"
  pbpaste | postctl crisis match -
  postctl crisis match --format json "my bag smelled of mould" | jq -r '.matches[0].playbook'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf(fmt.Errorf("%s needs the message: give it as arguments, or - to read it from stdin", cmd.CommandPath()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			opts := crisisMatchOptions{Dir: g.Dir, Format: format}
			if len(args) == 1 && args[0] == "-" {
				opts.Stdin = true
			} else {
				opts.Text = strings.Join(args, " ")
				if strings.TrimSpace(opts.Text) == "" {
					return usageErrorf(errors.New("the message is empty: give the text to match"))
				}
			}
			return runCrisisMatch(f, opts)
		},
	}
}

func runCrisisMatch(f *Factory, opts crisisMatchOptions) error {
	text := opts.Text
	if opts.Stdin {
		b, err := io.ReadAll(io.LimitReader(f.Streams.In, matchInputLimit+1))
		if err != nil {
			return fmt.Errorf("cannot read the message from stdin: %w", err)
		}
		if len(b) > matchInputLimit {
			return usageErrorf(fmt.Errorf("the message on stdin is longer than %d MiB: give the message, not a file", matchInputLimit>>20))
		}
		text = string(b)
		if strings.TrimSpace(text) == "" {
			return usageErrorf(errors.New("stdin held no message to match"))
		}
	}
	cal, _, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	active := cal.ActiveCrisis()
	var out []view.PlaybookMatch
	for _, r := range crisis.Match(cal, text) {
		m := view.PlaybookMatch{Playbook: playbookSummary(opts.Dir, r.Playbook, active), Score: r.Score}
		for _, h := range r.Hits {
			hit := view.PlaybookHit{Trigger: h.Trigger, Words: h.Words}
			for _, s := range h.Spans {
				hit.Spans = append(hit.Spans, view.MatchSpan{Start: s.Start, End: s.End})
			}
			m.Hits = append(m.Hits, hit)
		}
		for _, id := range r.Playbook.Replies {
			ref := view.MatchReply{ID: id.Value, Missing: true}
			for _, rp := range cal.Replies {
				if rp != nil && rp.ID.Value == id.Value {
					ref.Title, ref.Missing = rp.Title.Value, false
					break
				}
			}
			m.Replies = append(m.Replies, ref)
		}
		out = append(out, m)
	}
	if err := view.RenderCrisisMatch(f.Streams, opts.Format, text, out); err != nil {
		return err
	}
	if active != nil && slices.ContainsFunc(out, func(m view.PlaybookMatch) bool { return !m.Playbook.Active }) {
		fmt.Fprintf(f.Streams.ErrOut, "Note: the crisis %q is active: another playbook can be activated only after 'postctl crisis resolve'\n",
			active.Crisis.Playbook.Value)
	}
	if len(cal.Playbooks) == 0 {
		fmt.Fprintln(f.Streams.ErrOut, "No playbooks yet: add one under playbooks/ (see docs/files.md), with the triggers to watch for.")
	}
	for _, pb := range sortedPlaybooks(cal) {
		if bad := crisis.Unmatchable(pb); len(bad) > 0 {
			fmt.Fprintf(f.Streams.ErrOut, "Note: playbook %q has %s without a word, which never %s: %s\n", pb.ID.Value,
				replyPlural(len(bad), "a trigger", "triggers"), replyPlural(len(bad), "matches", "match"), strings.Join(crisisQuoted(bad), ", "))
		}
	}
	return nil
}

func crisisQuoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
