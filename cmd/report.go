package cmd

import (
	"fmt"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/strategy"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type reportOptions struct {
	Dir      string
	Format   string
	From, To string // dates as given; empty for the defaults
}

func newReportCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := reportOptions{}
	cmd := &cobra.Command{
		Use:   "report [DIR]",
		Short: "Show how the calendar covers the strategy",
		Long: `Report shows how the scheduled posts cover strategy.yaml over a range of days: posts per
channel per ISO week against min_per_week (and days over max_per_day), the pillar mix of each
month against its target shares, days without any post, campaigns on a timeline and what each
blackout holds. Drafts are left out; weeks and months are counted whole.

The range runs from --from (default: today) to --to, included (default: the day of the last
scheduled post, and at least four weeks). Dates are in the calendar's time zone.

A calendar with errors is still reported, from what could be read, with a warning on stderr.
Exit 0; 1 when DIR holds no calendar; 4 on a usage error.`,
		Example: `  postctl report
  postctl report examples/calendar --from 2027-01-01 --to 2027-01-31
  postctl report --format json | jq '.weeks[] | select(any(.channels[]; .below_min))'`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			if err := checkDateRange(opts.From, opts.To); err != nil {
				return err
			}
			opts.Dir, opts.Format = dir, format
			return runReport(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "first day of the report, YYYY-MM-DD (default today)")
	cmd.Flags().StringVar(&opts.To, "to", "", "last day of the report, included, YYYY-MM-DD (default the day of the last scheduled post, at least four weeks on)")
	return cmd
}

// checkDateRange checks --from and --to: dates, and --to not before --from.
func checkDateRange(from, to string) error {
	f, err := flagDate("--from", from)
	if err != nil {
		return err
	}
	t, err := flagDate("--to", to)
	if err != nil {
		return err
	}
	if from != "" && to != "" && t.Before(f) {
		return usageErrorf(fmt.Errorf("--to %s is before --from %s", to, from))
	}
	return nil
}

// flagDate checks a date flag's form; the calendar's time zone gives it an instant later.
func flagDate(name, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", value)
	if err != nil {
		return time.Time{}, usageErrorf(fmt.Errorf("%s %q: expected a date such as 2026-12-01", name, value))
	}
	return t, nil
}

func runReport(f *Factory, opts reportOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	loc := time.UTC
	if cal.Location != nil {
		loc = cal.Location
	}
	from := strategy.Today(cal, f.Clock())
	if opts.From != "" {
		if from, err = calendar.ParseDate(opts.From, loc); err != nil {
			return usageErrorf(fmt.Errorf("--from: %w", err))
		}
	}
	var to time.Time
	if opts.To != "" {
		if to, err = calendar.ParseBound(opts.To, loc, true); err != nil {
			return usageErrorf(fmt.Errorf("--to: %w", err))
		}
		if !to.After(from) {
			return usageErrorf(fmt.Errorf("--to %s is before the first day of the report, %s (today; give --from for another)",
				opts.To, from.In(loc).Format("2006-01-02")))
		}
	} else {
		to = strategy.DefaultEnd(cal, from)
	}
	if n := findings.Count(calendar.Error); n > 0 {
		p := view.Palette{}
		if f.Streams.Color {
			p = f.Streams.Palette()
		}
		fmt.Fprintf(f.Streams.ErrOut, "%s the calendar has %d %s; run postctl validate\n", p.Yellow("warning:"), n, pluralize(n, "error", "errors"))
	}
	return view.RenderCoverage(f.Streams, opts.Format, strategy.Coverage(cal, from, to))
}

func pluralize(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
