package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type crisisResolveOptions struct {
	Dir    string
	Format string
	Reason string
	By     string
	Commit bool
	Push   bool
}

func newCrisisResolveCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := crisisResolveOptions{}
	cmd := &cobra.Command{
		Use:   "resolve",
		Short: "Resolve the active crisis: remove crisis.yaml, and commit and push that",
		Long: `Resolve removes crisis.yaml and lists what that changes: the held publications still to come
are back in the plan, and those whose time passed while they were held are missed: plan reports
them and apply does not publish them without --publish-late, so nothing goes out late by
surprise.

--commit commits the removal alone on the branch checked out, with go-git (refusing when other
changes are staged); --push, which implies --commit, pushes the branch to its upstream remote,
or origin. --reason and --by go into the commit message.

Exit 0 when resolved; 1 when no crisis is active or a step failed; 3 when committed but the push
was refused because the remote moved on (pull, check crisis.yaml, push again); 4 on a usage
error.`,
		Example: `  postctl crisis resolve
  postctl crisis resolve --commit --push --reason "Carrier back since 09:10"`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			opts.Reason, opts.By = crisis.CleanReason(opts.Reason), strings.TrimSpace(opts.By)
			if cmd.Flags().Changed("by") && opts.By == "" {
				return usageErrorf(errors.New(`--by is blank: give a name, e.g. --by "Mia Schulz <mia@example.com>"`))
			}
			opts.Commit = opts.Commit || opts.Push
			opts.Dir, opts.Format = g.Dir, format
			return runCrisisResolve(f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Reason, "reason", "", "why the crisis is over, for the commit message (optional)")
	fl.StringVar(&opts.By, "by", "", `who resolves it, for the commit (default: git config user.name and user.email, else $USER)`)
	fl.BoolVar(&opts.Commit, "commit", false, "commit the removal of crisis.yaml on the branch checked out")
	fl.BoolVar(&opts.Push, "push", false, "commit and push the branch to its remote, so CI applies it")
	return cmd
}

func runCrisisResolve(f *Factory, opts crisisResolveOptions) error {
	cal, _, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	file := replyPath(opts.Dir, crisis.File)
	// No crisis is a failure (exit 1), as `git stash pop` without a stash or `terraform state rm`
	// of an unknown address: resolve is asked to change something, and a script or a runbook
	// step must be able to tell that nothing was resolved (someone else resolved it, or this is
	// the wrong directory). The message says so plainly.
	if _, err := fs.Stat(cal.FS(), crisis.File); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no crisis is active: there is no %s to resolve", file)
	}
	now := f.Clock()
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	// Resolving never refuses an invalid calendar: removing crisis.yaml must always be possible,
	// also when crisis.yaml itself is what is broken.
	out := view.CrisisChange{Resolve: true, At: now, Location: loc, File: file}
	if c := cal.Crisis; c != nil {
		out.Playbook, out.By, out.Reason = c.Playbook.Value, c.By.Value, c.Reason.Value
	}
	if a := cal.ActiveCrisis(); a != nil {
		out.Since = a.Since()
		if a.Playbook != nil {
			out.Name = a.Playbook.Name.Value
		}
		for _, h := range crisisHeldView(opts.Dir, crisis.Active(cal, now)) {
			if h.At.After(now) {
				out.Back = append(out.Back, h)
			} else {
				out.Missed = append(out.Missed, h)
			}
		}
	}

	var commit *crisisCommit
	by := opts.By
	if by == "" {
		by = crisisPerson(f, opts.Dir)
	}
	if opts.Commit {
		if commit, err = prepareCrisisCommit(opts.Dir, by); err != nil {
			return err
		}
	}
	if err := crisis.Remove(opts.Dir); err != nil {
		return err
	}
	if commit != nil {
		if err := commit.run(f, opts.Push, resolveMessage(out, by, opts.Reason, now.In(loc)), now.In(loc), file, &out.Git); err != nil {
			return renderThen(f, opts.Format, out, err)
		}
	}
	return view.RenderCrisisChange(f.Streams, opts.Format, out)
}

// resolveMessage is the commit message of a resolution: which crisis, how long it lasted, who
// ended it and why.
func resolveMessage(c view.CrisisChange, by, reason string, at time.Time) string {
	name := c.Playbook
	if name == "" {
		name = "(unreadable crisis.yaml)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "crisis: resolve %s\n\n", name)
	if !c.Since.IsZero() {
		fmt.Fprintf(&b, "Active for %s, since %s.\n", view.CrisisDuration(at.Sub(c.Since)), c.Since.In(at.Location()).Format(time.RFC3339))
	}
	if reason != "" {
		fmt.Fprintf(&b, "Reason: %s\n", reason)
	}
	if by != "" {
		fmt.Fprintf(&b, "Resolved by %s at %s\n", by, at.Format(time.RFC3339))
	} else {
		fmt.Fprintf(&b, "Resolved at %s\n", at.Format(time.RFC3339))
	}
	return b.String()
}
