package cmd

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

// crisisFile is the file that says a crisis is active.
const crisisFile = "crisis.yaml"

type crisisStatusOptions struct {
	Dir    string
	Format string
}

func newCrisisStatusCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Say whether a crisis is active, since when, by whom, and what it holds",
		Long: `Status reads crisis.yaml: without it, "No crisis is active." With it, the playbook and its
severity, when the crisis was activated (in the calendar's time zone) and how long ago, by whom
and why, how many publications it holds (still to come, and due since the activation, which
are missed once it is resolved) and where the holding statement goes.

A crisis active longer than its playbook's expires_after gets a warning: resolve it, or review
the playbook. A crisis.yaml that names no playbook of the calendar pauses everything.

Exit 0 whether or not a crisis is active; 1 when crisis.yaml cannot be read.`,
		Example: `  postctl crisis status
  postctl crisis status --format json | jq .active`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			return runCrisisStatus(f, crisisStatusOptions{Dir: g.Dir, Format: format})
		},
	}
}

func runCrisisStatus(f *Factory, opts crisisStatusOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	now := f.Clock()
	out := view.CrisisStatus{Now: now, Location: cal.Location, File: replyPath(opts.Dir, crisisFile)}
	a := cal.ActiveCrisis()
	if a == nil {
		// A crisis.yaml that cannot be read may still be meant: never say "no crisis" over it.
		if errs := replyErrors(findings, crisisFile); len(errs) > 0 {
			return fmt.Errorf("%s cannot be read, so whether a crisis is active is unclear: %s", out.File, findingsList(opts.Dir, errs))
		}
		if cal.Crisis != nil {
			return fmt.Errorf("%s has no valid activated_at, so whether a crisis is active is unclear: run 'postctl validate'", out.File)
		}
		if _, err := fs.Stat(cal.FS(), crisisFile); err == nil {
			return fmt.Errorf("%s exists but cannot be read: run 'postctl validate'", out.File)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot read %s: %w", out.File, err)
		}
		return view.RenderCrisisStatus(f.Streams, opts.Format, out)
	}
	out.Active = true
	out.Playbook = a.Crisis.Playbook.Value
	out.Since, out.By, out.Reason = a.Since(), a.Crisis.By.Value, a.Crisis.Reason.Value
	if a.Playbook != nil {
		s := playbookSummary(opts.Dir, a.Playbook, a)
		out.Known = &s
		if at, ok := a.ExpiresAt(); ok {
			out.ExpiresAt = at
		}
	} else {
		var ids []string
		for _, pb := range cal.Playbooks {
			if pb != nil {
				ids = append(ids, pb.ID.Value)
			}
		}
		out.Suggestion = schema.Closest(out.Playbook, ids)
		for _, file := range []string{"playbooks/" + out.Playbook + ".yaml", "playbooks/" + out.Playbook + ".yml"} {
			if len(replyErrors(findings, file)) > 0 {
				out.Unreadable = replyPath(opts.Dir, file)
			}
		}
	}
	out.Held = runbookHeld(opts.Dir, crisis.Active(cal, now))
	if st := a.Statement(cal); st != nil {
		out.StatementID, out.StatementChannels = st.ID.Value, calendar.Values(st.Channels)
	}
	return view.RenderCrisisStatus(f.Streams, opts.Format, out)
}
