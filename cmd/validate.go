package cmd

import (
	"errors"
	"fmt"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/strategy"
	"github.com/postctl/postctl/view"
	"github.com/postctl/postctl/voice"
	"github.com/spf13/cobra"
)

type validateOptions struct {
	Dir    string
	Format string
	Strict bool
}

func newValidateCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check every file of a calendar repository",
		Long: `Validate checks the whole calendar: each file against its schema, references between files
(channels, pillars, campaigns, playbooks, reply templates), times (including daylight saving gaps
and overlaps), media files and alt text, reply placeholders, and secrets committed by mistake.

It lints every post, override, thread item, reply template and holding statement against the
brand-voice rules of voice.yaml and each channel's platform limit (Mastodon 500 characters with
links counted as 23, Bluesky 300 graphemes), and checks upcoming publications against
strategy.yaml: cadence, pillar mix per month, campaign dates, blackouts and posting windows.
Publications before now (--now) are history and are not held to the strategy. While a crisis
is active, each post it holds gets a warning, and so does a crisis older than its expires_after.

Every finding is reported with its file:line:col, all of them in one run. Exit 0 when valid
(warnings allowed unless --strict), 1 when invalid, 4 on a usage error.`,
		Example: `  postctl validate
  postctl validate examples/calendar
  postctl validate --format github   # inline annotations in GitHub Actions
  postctl validate --format json | jq '.findings[]'`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			format, err := g.format(formatText, formatJSON, formatGitHub, formatMarkdown)
			if err != nil {
				return err
			}
			return runValidate(f, validateOptions{Dir: dir, Format: format, Strict: g.Strict})
		},
	}
}

func runValidate(f *Factory, opts validateOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	findings = append(findings, lint(cal, f.Clock())...)
	findings.Sort()
	report := view.Report{Dir: opts.Dir, Files: len(cal.Files), Findings: findings, Strict: opts.Strict}
	if err := view.RenderFindings(f.Streams, opts.Format, report); err != nil {
		return err
	}
	if !report.Valid() {
		return errSilent
	}
	return nil
}

// lint runs the checks beyond the files themselves: brand voice, strategy and the active crisis.
func lint(cal *calendar.Calendar, now time.Time) calendar.Findings {
	var out calendar.Findings
	out = append(out, voice.Check(cal)...)
	out = append(out, strategy.Check(cal, now)...)
	out = append(out, crisis.Check(cal, now)...)
	return out
}

// loadCalendar opens and loads the calendar in dir.
func loadCalendar(f *Factory, dir string) (*calendar.Calendar, calendar.Findings, error) {
	fsys, err := f.OpenDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open calendar directory: %w", err)
	}
	cal, findings, err := calendar.Load(fsys)
	if errors.Is(err, calendar.ErrNotCalendar) {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	return cal, findings, err
}
