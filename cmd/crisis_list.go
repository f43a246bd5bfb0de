package cmd

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type crisisListOptions struct {
	Dir    string
	Format string
}

func newCrisisListCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the crisis playbooks, the most severe first",
		Long: `List shows every playbook under playbooks/ with its severity, what it pauses and whether it
publishes a holding statement, the most severe first (critical, high, medium, low), then by id.
The active crisis, if any, is marked.

On a terminal the table is aligned with a header and severities are coloured; piped, each
playbook is one tab-separated line: id, name, severity, what it pauses, holding statement (yes
or no), and "active" for the active crisis.`,
		Example: `  postctl crisis list
  postctl crisis list --format json | jq -r '.playbooks[] | select(.severity == "critical") | .id'`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			return runCrisisList(f, crisisListOptions{Dir: g.Dir, Format: format})
		},
	}
}

func runCrisisList(f *Factory, opts crisisListOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	active := cal.ActiveCrisis()
	var out []view.PlaybookSummary
	for _, pb := range sortedPlaybooks(cal) {
		out = append(out, playbookSummary(opts.Dir, pb, active))
	}
	if err := view.RenderCrisisList(f.Streams, opts.Format, out); err != nil {
		return err
	}
	if len(out) == 0 && opts.Format == formatText {
		fmt.Fprintln(f.Streams.ErrOut, "No playbooks yet: add one under playbooks/ (see docs/files.md), so that a crisis finds a plan ready.")
	}
	if active != nil && active.Playbook == nil {
		fmt.Fprintf(f.Streams.ErrOut, "Warning: the active crisis names playbook %q, which is not in playbooks/: it pauses everything (postctl crisis status)\n",
			active.Crisis.Playbook.Value)
	}
	if broken := brokenPlaybooks(opts.Dir, findings); len(broken) > 0 {
		fmt.Fprintf(f.Streams.ErrOut, "Note: %d %s errors (run 'postctl validate'): %s\n",
			len(broken), replyPlural(len(broken), "playbook has", "playbooks have"), strings.Join(broken, ", "))
	}
	return nil
}

// sortedPlaybooks are the calendar's playbooks, the most severe first, then by id.
func sortedPlaybooks(cal *calendar.Calendar) []*calendar.Playbook {
	var out []*calendar.Playbook
	for _, pb := range cal.Playbooks {
		if pb != nil {
			out = append(out, pb)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := crisis.SeverityRank(out[i].Severity.Value), crisis.SeverityRank(out[j].Severity.Value)
		if ri != rj {
			return ri < rj
		}
		return out[i].ID.Value < out[j].ID.Value
	})
	return out
}

// playbookSummary is a playbook for the crisis views; active is the active crisis or nil.
func playbookSummary(dir string, pb *calendar.Playbook, active *calendar.ActiveCrisis) view.PlaybookSummary {
	return view.PlaybookSummary{
		ID:          pb.ID.Value,
		Name:        pb.Name.Value,
		Severity:    pb.Severity.Value,
		Description: strings.TrimSpace(pb.Description.Value),
		File:        replyPath(dir, pb.File),
		Triggers:    calendar.Values(pb.Triggers),
		Pause: view.PlaybookPause{All: pb.Pause.All, Channels: calendar.Values(pb.Pause.Channels),
			Pillars: calendar.Values(pb.Pause.Pillars), Tags: calendar.Values(pb.Pause.Tags)},
		Statement:    pb.HoldingStatement != nil,
		Active:       active != nil && active.Playbook == pb,
		ExpiresAfter: pb.ExpiresAfter.Value,
	}
}

// brokenPlaybooks are the playbook files with errors, as the user would type them.
func brokenPlaybooks(dir string, findings calendar.Findings) []string {
	var out []string
	for _, fd := range findings {
		if fd.Level == calendar.Error && strings.HasPrefix(fd.File, "playbooks/") && !slices.Contains(out, replyPath(dir, fd.File)) {
			out = append(out, replyPath(dir, fd.File))
		}
	}
	return out
}
