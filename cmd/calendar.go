package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/postctl/postctl/agenda"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/state"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

const (
	formatICS  = "ics"
	formatHTML = "html"
)

type calendarOptions struct {
	Dir      string
	Format   string
	From, To string // dates as given; empty for the defaults
	Week     bool
	Channels []string
	Out      string
}

func newCalendarCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := calendarOptions{}
	cmd := &cobra.Command{
		Use:   "calendar [DIR]",
		Short: "Show the calendar: a month or week on the terminal, an iCalendar feed, a static page",
		Long: `Calendar shows every publication (a post on one of its channels) between two days, with
what will happen to it as plan sees it now: upcoming, scheduled on the platform, due, published,
held by a blackout or the active crisis, missed, blocked or unknown. Drafts are shown too, dimmed
and marked, except in the iCalendar feed. The active crisis's holding statement is one entry per
channel. Blackouts and campaigns that overlap the range are listed.

  text   a month grid (Monday to Sunday) that fits 80 columns: each day with its number (*
         today, ⊘ in a blackout), its count, its first three publications (time, channel in
         two letters and a marker: ✓ published, ○ scheduled, ! due, ‖ held, ✗ missed,
         = blocked, ? unknown, · draft; then the title cut to the cell) and "+N more"; then
         the blackouts, campaigns and a legend. Coloured by pillar on a terminal. --week lists
         each day's publications in full instead, with why one is held or missed.
  json   the same data for other tools (format_version 1.0), with texts, lengths and limits.
  ics    an iCalendar (RFC 5545) feed to subscribe to: one event per publication, stable UIDs.
  html   one self-contained page with the month grids and a preview of each post.

The range: --from and --to are days in the calendar's time zone, --to included. By default text
and json show the month of today (with --week, the ISO week of today), ics everything from 30
days ago on, html this month and the next two. --from alone shows a month (a week with --week)
from that day.

--channel (repeatable) keeps only those channels. --out FILE writes the output to FILE
atomically instead of stdout (creating its directory), for a feed or page published from CI.

A calendar with errors is still shown, from what could be read (a post whose publish_at cannot
be read is left out), with a warning on stderr: run postctl validate for the details. The state
is only read, without a lock, as plan does; a state that cannot be read is warned about and the
statuses then come from the calendar alone.
Exit 0; 1 when DIR holds no calendar; 4 on a usage error.`,
		Example: `  postctl calendar
  postctl calendar --week
  postctl calendar --from 2026-12-01 --to 2027-02-28 --channel mastodon
  postctl calendar --format ics --out public/calendar.ics
  postctl calendar --format html --out public/index.html`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			format, err := g.format(formatText, formatJSON, formatICS, formatHTML)
			if err != nil {
				return err
			}
			if err := checkDateRange(opts.From, opts.To); err != nil {
				return err
			}
			opts.Dir, opts.Format = dir, format
			return runCalendar(f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "first day to show, YYYY-MM-DD")
	fl.StringVar(&opts.To, "to", "", "last day to show, included, YYYY-MM-DD")
	fl.BoolVar(&opts.Week, "week", false, "show a week, each publication on its own line (default: the week of today)")
	fl.StringArrayVar(&opts.Channels, "channel", nil, "show only this channel (repeatable)")
	fl.StringVar(&opts.Out, "out", "", "write the output to FILE instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("channel", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		dir := g.Dir
		if len(args) > 0 {
			dir = args[0]
		}
		cal, _, err := loadCalendar(f, dir)
		if err != nil || cal.Config == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return cal.Config.Channels.Keys(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func runCalendar(f *Factory, opts calendarOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	if err := checkChannels(cal, opts.Channels); err != nil {
		return err
	}
	now := f.Clock()
	from, to, err := calendarRange(cal, opts, now)
	if err != nil {
		return err
	}
	p := view.Palette{}
	if f.Streams.Color {
		p = f.Streams.Palette()
	}
	warn := func(format string, args ...any) {
		fmt.Fprintf(f.Streams.ErrOut, "%s %s\n", p.Yellow("warning:"), fmt.Sprintf(format, args...))
	}
	if n := findings.Count(calendar.Error); n > 0 {
		warn("the calendar has %d %s; showing what could be read: run postctl validate", n, pluralize(n, "error", "errors"))
	}
	var st *state.State
	if cal.Config != nil {
		backend, err := openStore(cal, opts.Dir)
		if err == nil {
			st, err = backend.Read() // reading is enough: no lock, as plan
		}
		if err != nil {
			warn("the state cannot be read, so published and scheduled posts are not marked: %v", err)
			st = nil
		}
	}
	pl, err := plan.Compute(cal, st, plan.Options{At: now, AllowEmpty: true})
	if err != nil && !errors.Is(err, plan.ErrEmpty) {
		return err
	}
	a := agenda.Build(cal, st, pl, agenda.Options{From: from, To: to, Now: now, Channels: opts.Channels,
		IncludeDrafts: opts.Format != formatICS})

	out := f.Streams
	var buf bytes.Buffer
	if opts.Out != "" {
		out = &view.Streams{In: f.Streams.In, Out: &buf, ErrOut: f.Streams.ErrOut}
	}
	switch opts.Format {
	case formatJSON:
		err = view.RenderCalendarJSON(out, a)
	case formatICS:
		err = view.RenderCalendarICS(out, a)
	case formatHTML:
		err = view.RenderCalendarHTML(out, a)
	default:
		err = view.RenderCalendarText(out, a, opts.Week)
	}
	if err != nil {
		return err
	}
	if opts.Out != "" {
		// A page or feed published from CI goes into a directory that may not exist yet.
		if dir := filepath.Dir(opts.Out); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("cannot write %s: %w", opts.Out, err)
			}
		}
		if err := writeFileAtomic(opts.Out, buf.Bytes()); err != nil {
			return fmt.Errorf("cannot write %s: %w", opts.Out, err)
		}
	}
	return nil
}

// checkChannels refuses a --channel that calendar.yaml does not define.
func checkChannels(cal *calendar.Calendar, channels []string) error {
	if len(channels) == 0 {
		return nil
	}
	var ids []string
	if cal.Config != nil {
		ids = cal.Config.Channels.Keys()
	}
	for _, ch := range channels {
		if slices.Contains(ids, ch) {
			continue
		}
		msg := fmt.Sprintf("--channel %q: no such channel in calendar.yaml", ch)
		if guess := schema.Closest(ch, ids); guess != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", guess)
		} else if len(ids) > 0 {
			msg += " (its channels: " + strings.Join(ids, ", ") + ")"
		}
		return usageErrorf(errors.New(msg))
	}
	return nil
}

// calendarRange is [from, to) between local midnights: the flags', or the format's default.
func calendarRange(cal *calendar.Calendar, opts calendarOptions, now time.Time) (time.Time, time.Time, error) {
	loc := time.UTC
	if cal.Location != nil {
		loc = cal.Location
	}
	local := now.In(loc)
	today := calendar.StartOfDay(local.Year(), local.Month(), local.Day(), loc)
	monthOf := func(t time.Time) (time.Time, time.Time) {
		t = t.In(loc)
		return calendar.StartOfDay(t.Year(), t.Month(), 1, loc), calendar.StartOfDay(t.Year(), t.Month()+1, 1, loc)
	}
	weekOf := func(t time.Time) (time.Time, time.Time) {
		t = t.In(loc)
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		return calendar.StartOfDay(t.Year(), t.Month(), t.Day()-back, loc), calendar.StartOfDay(t.Year(), t.Month(), t.Day()-back+7, loc)
	}
	var from, to time.Time
	switch {
	case opts.Week:
		from, to = weekOf(today)
	case opts.Format == formatICS:
		from = calendar.StartOfDay(local.Year(), local.Month(), local.Day()-30, loc)
		to = feedEnd(cal, from)
	case opts.Format == formatHTML:
		from, _ = monthOf(today)
		to = calendar.StartOfDay(from.Year(), from.Month()+3, 1, loc)
	default:
		from, to = monthOf(today)
	}
	if opts.From != "" {
		d, err := calendar.ParseDate(opts.From, loc)
		if err != nil {
			return from, to, usageErrorf(fmt.Errorf("--from: %w", err))
		}
		from = d
		if opts.To == "" {
			t := d.In(loc)
			switch {
			case opts.Week:
				to = calendar.StartOfDay(t.Year(), t.Month(), t.Day()+7, loc)
			case opts.Format == formatICS:
				to = feedEnd(cal, from)
			case opts.Format == formatHTML:
				to = calendar.StartOfDay(t.Year(), t.Month()+3, t.Day(), loc)
			default:
				to = calendar.StartOfDay(t.Year(), t.Month()+1, t.Day(), loc)
			}
		}
	}
	if opts.To != "" {
		d, err := calendar.ParseBound(opts.To, loc, true)
		if err != nil {
			return from, to, usageErrorf(fmt.Errorf("--to: %w", err))
		}
		if !d.After(from) {
			return from, to, usageErrorf(fmt.Errorf("--to %s is before the first day shown, %s (give --from for another)",
				opts.To, from.In(loc).Format("2006-01-02")))
		}
		to = d
	}
	return from, to, nil
}

// feedEnd is the day after the last post, blackout or campaign, and at least the day after from.
func feedEnd(cal *calendar.Calendar, from time.Time) time.Time {
	last := from
	for _, p := range cal.Posts {
		if p != nil && p.Time.After(last) {
			last = p.Time
		}
	}
	if cal.Strategy != nil {
		for _, b := range cal.Strategy.Blackouts {
			if b.End.After(last) {
				last = b.End.Add(-time.Nanosecond)
			}
		}
		for _, c := range cal.Strategy.Campaigns {
			if c.Value.End.After(last) {
				last = c.Value.End.Add(-time.Nanosecond)
			}
		}
	}
	if a := cal.ActiveCrisis(); a != nil && a.Since().After(last) {
		last = a.Since()
	}
	loc := from.Location()
	if cal.Location != nil {
		loc = cal.Location
	}
	l := last.In(loc)
	return calendar.StartOfDay(l.Year(), l.Month(), l.Day()+1, loc)
}
