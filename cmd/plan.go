package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type planOptions struct {
	Dir              string
	Format           string
	At               string // --at as given; empty for the clock
	Out              string
	DetailedExitcode bool
	PublishLate      bool
	AllowEmpty       bool
	Horizon          time.Duration
}

func newPlanCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := planOptions{}
	horizon := ""
	cmd := &cobra.Command{
		Use:   "plan [DIR]",
		Short: "Show what apply would publish, schedule or cancel, and why",
		Long: `Plan compares the calendar (every non-draft post on each of its channels, addressed
post-id@channel) with the recorded state and shows what apply would do now, or at --at:

  +   schedule    create on a platform that schedules natively (single Mastodon posts)
  !   publish     due now: published at apply, which cannot be undone
  ~   reschedule  only the time of a natively scheduled post changed
  -/+ replace     the text or media of a scheduled, not yet public post changed
  -   cancel      a scheduled post was removed, became a draft, or is held
  =   blocked     a published post changed in the calendar: never edited silently
  ?   unknown     an earlier apply was interrupted: apply asks the platform first
  x   missed      due longer ago than the channel's max_delay (default 1h); --publish-late
  #   held        held by a blackout of strategy.yaml or the active crisis

Then it lists what becomes due within --horizon (default 7d), and the summary line.

While a crisis is active (crisis.yaml, see postctl crisis), the plan opens with it: everything its
playbook pauses is held (natively scheduled posts are cancelled and scheduled again when it is
resolved), its holding statement publishes once per channel as crisis:PLAYBOOK:TIME@channel,
and a crisis active longer than the playbook's expires_after is warned about.

The calendar must be valid first: plan prints validate's errors and stops. A post inside a
blackout is not one of them here: the plan holds it. Plan only reads the state, so it takes no
lock: apply locks and re-checks. A plan that would cancel every scheduled post (the calendar
emptied, or the wrong directory) refuses without --allow-empty.

--out FILE saves the plan as JSON with the commit, the state's serial and lineage, each
publication's content hash and valid_until, for apply to carry out exactly.

Exit 0; with --detailed-exitcode 0 when there are no changes and 2 when there are; 1 when the
calendar is invalid or the plan refused; 4 on a usage error.`,
		Example: `  postctl plan
  postctl plan --at 2026-12-24T09:00 --horizon 14d
  postctl plan --out plan.json --detailed-exitcode
  postctl plan --format markdown > comment.md`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			format, err := g.format(formatText, formatJSON, formatMarkdown)
			if err != nil {
				return err
			}
			if horizon != "" {
				d, err := calendar.ParseDuration(horizon)
				if err != nil || d <= 0 {
					return usageErrorf(fmt.Errorf("--horizon %q: expected a duration such as 7d, 36h or 90m", horizon))
				}
				opts.Horizon = d
			}
			opts.Dir, opts.Format = dir, format
			return runPlan(f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.At, "at", "", "plan for this time instead of now: RFC 3339, or a local time such as 2026-12-24T09:00 in the calendar's time zone")
	fl.StringVar(&opts.Out, "out", "", "save the plan as JSON to FILE, for apply")
	fl.BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none")
	fl.BoolVar(&opts.PublishLate, "publish-late", false, "publish what is due longer ago than its channel's max_delay instead of reporting it missed")
	fl.BoolVar(&opts.AllowEmpty, "allow-empty", false, "allow a plan that cancels every scheduled post")
	fl.StringVar(&horizon, "horizon", "7d", "how far ahead to list upcoming publications")
	return cmd
}

// errChanges is plan --detailed-exitcode finding changes: exit 2, with nothing more to say.
var errChanges = fmt.Errorf("changes present: %w", errSilent)

func runPlan(f *Factory, opts planOptions) error {
	cal, findings, at, err := loadForPlan(f, opts.Dir, opts.At)
	if err != nil {
		return err
	}
	// The state is read while the calendar is linted: both take a while on a large calendar.
	type readResult struct {
		st  *state.State
		err error
	}
	stateRead := make(chan readResult, 1)
	go func() {
		backend, err := openStore(cal, opts.Dir)
		if err != nil {
			stateRead <- readResult{nil, err}
			return
		}
		// Reading is enough: plan changes nothing. apply locks the state and re-checks it.
		st, err := backend.Read()
		stateRead <- readResult{st, err}
	}()
	if err := refuseInvalid(f, opts.Dir, opts.Format, cal, append(findings, lint(cal, at)...)); err != nil {
		return err
	}
	read := <-stateRead
	if read.err != nil {
		return read.err
	}
	p, err := computePlan(cal, read.st, opts.Dir, plan.Options{At: at, Horizon: opts.Horizon, PublishLate: opts.PublishLate, AllowEmpty: opts.AllowEmpty})
	if err != nil {
		return err
	}
	if opts.Out != "" {
		var buf bytes.Buffer
		if err := view.WritePlanJSON(&buf, p); err != nil {
			return err
		}
		if err := writeFileAtomic(opts.Out, buf.Bytes()); err != nil {
			return fmt.Errorf("cannot save the plan: %w", err) // writeFileAtomic: temp file, fsync, rename
		}
	}
	if err := view.RenderPlan(f.Streams, opts.Format, p); err != nil {
		return err
	}
	if opts.Out != "" && opts.Format == formatText {
		fmt.Fprintf(f.Streams.Out, "\nSaved the plan to %s; carry it out exactly with: postctl apply %s\n", opts.Out, opts.Out)
	}
	if opts.DetailedExitcode && p.HasChanges() {
		return errChanges
	}
	return nil
}

// loadForPlan loads the calendar for plan and apply, and the time to plan at: --at, in the
// calendar's zone, or the clock.
func loadForPlan(f *Factory, dir, atFlag string) (*calendar.Calendar, calendar.Findings, time.Time, error) {
	cal, findings, err := loadCalendar(f, dir)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	at := f.Clock()
	if atFlag != "" && cal.Location != nil {
		if at, err = calendar.ParseTime(atFlag, cal.Location); err != nil {
			return nil, nil, time.Time{}, usageErrorf(fmt.Errorf("--at %q: %w", atFlag, err))
		}
	}
	return cal, findings, at, nil
}

// refuseInvalid prints the findings that stop a plan, and fails, when there are any.
func refuseInvalid(f *Factory, dir, format string, cal *calendar.Calendar, findings calendar.Findings) error {
	blocking := planBlocking(findings)
	if len(blocking) == 0 {
		return nil
	}
	blocking.Sort()
	report := view.Report{Dir: dir, Files: len(cal.Files), Findings: blocking}
	if err := view.RenderFindings(f.Streams, format, report); err != nil {
		return err
	}
	return errSilent
}

// computePlan plans the calendar against the state and records the commit it was made at.
func computePlan(cal *calendar.Calendar, st *state.State, dir string, opts plan.Options) (*plan.Plan, error) {
	p, err := plan.Compute(cal, st, opts)
	if errors.Is(err, plan.ErrEmpty) {
		return nil, fmt.Errorf("%w: the calendar has none of them any more (is this the right directory?); run with --allow-empty if that is intended", err)
	}
	if err != nil {
		return nil, err
	}
	p.Commit = headCommit(dir)
	return p, nil
}

// planBlocking are the findings that stop a plan: errors, except a post inside a blackout, which
// the plan holds rather than refuses (a blackout added after a post was scheduled must still be
// able to cancel it).
func planBlocking(findings calendar.Findings) calendar.Findings {
	var out calendar.Findings
	for _, f := range findings {
		if f.Level == calendar.Error && f.Rule != "blackout" {
			out = append(out, f)
		}
	}
	return out
}

// headCommit is the commit HEAD names in the calendar's git repository, or "" outside one (or
// before its first commit).
func headCommit(dir string) string {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return ""
	}
	head, err := repo.Head()
	if err != nil {
		return ""
	}
	return head.Hash().String()
}
