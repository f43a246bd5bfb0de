package crisis

import (
	"fmt"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
)

// RuleCrisis is the rule id of the findings about an active crisis.
const RuleCrisis = "crisis"

// timeLayout is how the findings show a time, in the calendar's zone.
const timeLayout = "2006-01-02 15:04 MST"

// Check warns about what the active crisis does at now: one warning per publication it holds (at
// the post's publish_at, its held channels together), saying whether the post comes back when the
// crisis is resolved or will be missed because its time passed, and one at crisis.yaml's
// activated_at once the crisis has been active longer than the playbook's expires_after. Without an
// active crisis it reports nothing, and nothing either when crisis.yaml names an unknown playbook:
// that is already an error of the calendar's own checks, which stops plan and apply (a crisis
// without its playbook would hold everything). A holding statement over its platform limit is
// voice's finding.
//
// It decides which publications are held as Holds does, in one pass over the posts and without
// allocating per post beyond the findings, so it stays fast on a calendar of 10,000 posts.
func Check(cal *calendar.Calendar, now time.Time) calendar.Findings {
	a := cal.ActiveCrisis()
	if a == nil || a.Playbook == nil {
		return nil
	}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	since := a.Since()
	name := Name(a)
	sinceText := since.In(loc).Format(timeLayout)
	var out calendar.Findings

	if exp, ok := a.ExpiresAt(); ok && now.After(exp) {
		// Worded as plan's warning about the same crisis.
		line, col := at(a.Crisis.ActivatedAt)
		out = append(out, calendar.Finding{File: a.Crisis.File, Line: line, Col: col, Rule: RuleCrisis, Level: calendar.Warning,
			Message: fmt.Sprintf("the crisis %q has been active for %s, longer than its playbook's expires_after %s: resolve it with postctl crisis resolve, or raise expires_after in the playbook",
				a.Crisis.Playbook.Value, Age(now.Sub(since)), calendar.FormatDuration(exp.Sub(since)))})
	}

	var delays []channelDelay // few channels: a slice beats a map
	delay := func(ch string) time.Duration {
		for _, d := range delays {
			if d.channel == ch {
				return d.delay
			}
		}
		d := calendar.DefaultMaxDelay
		if c, found := cal.Channel(ch); found {
			d = c.Delay()
		}
		delays = append(delays, channelDelay{ch, d})
		return d
	}
	var held []string // the post's held channels, reused from post to post
	var b strings.Builder
	for _, p := range cal.Posts {
		if p == nil || p.Draft() || p.Time.IsZero() {
			continue
		}
		held = held[:0]
		for _, ch := range p.Channels {
			if !a.Pauses(p, ch.Value) {
				continue
			}
			if inWindow(p.Time, since, now, delay(ch.Value)) {
				held = append(held, ch.Value)
			}
		}
		if len(held) == 0 {
			continue
		}
		b.Reset()
		fmt.Fprintf(&b, "held by the crisis %s, active since %s: ", name, sinceText)
		switch {
		case p.Time.After(now):
			b.WriteString("not published until the crisis is resolved")
		case p.Time.Before(since):
			fmt.Fprintf(&b, "its time (%s) came within its channel's max_delay before the crisis: it will be missed, not published late, unless apply --publish-late",
				p.Time.In(loc).Format(timeLayout))
		default:
			fmt.Fprintf(&b, "its time (%s) passed during the crisis: it will be missed, not published late, unless apply --publish-late",
				p.Time.In(loc).Format(timeLayout))
		}
		b.WriteString(" (on ")
		for i, ch := range held {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ch)
		}
		b.WriteString(")")
		line, col := at(p.PublishAt)
		out = append(out, calendar.Finding{File: p.File, Line: line, Col: col, Rule: RuleCrisis, Level: calendar.Warning, Message: b.String()})
	}
	return out
}

// Holding says whether the active crisis a holds post p on channel at now, as Holds decides.
func Holding(cal *calendar.Calendar, a *calendar.ActiveCrisis, p *calendar.Post, channel string, now time.Time) bool {
	if a == nil || p == nil || p.Draft() || p.Time.IsZero() || !a.Pauses(p, channel) {
		return false
	}
	d := calendar.DefaultMaxDelay
	if c, found := cal.Channel(channel); found {
		d = c.Delay()
	}
	return inWindow(p.Time, a.Since(), now, d)
}

// inWindow says whether a publication at t is still to go out while a crisis active since since
// holds it: due from now on, or since the activation less max_delay.
func inWindow(t, since, now time.Time, maxDelay time.Duration) bool {
	from := now
	if start := since.Add(-maxDelay); start.Before(from) {
		from = start
	}
	return !t.Before(from)
}

type channelDelay struct {
	channel string
	delay   time.Duration
}

// Name names the active crisis in messages: "shipping-outage" (Shipping outage), or only the quoted
// id when the playbook is unknown or has no name.
func Name(a *calendar.ActiveCrisis) string {
	id := fmt.Sprintf("%q", a.Crisis.Playbook.Value)
	if a.Playbook == nil || a.Playbook.Name.Value == "" {
		return id
	}
	return id + " (" + a.Playbook.Name.Value + ")"
}

// Age says how long a crisis has been active, as every view shows it: days and hours, or hours
// and minutes under a day: 3d 4h, 5h 20m, 45m, less than a minute.
func Age(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	hours, mins := rest/time.Hour, (rest%time.Hour)/time.Minute
	switch {
	case d < time.Minute:
		return "less than a minute"
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	}
	return fmt.Sprintf("%dm", mins)
}

func at(s calendar.String) (int, int) {
	if s.Pos.Line == 0 {
		return 1, 1
	}
	return s.Pos.Line, s.Pos.Col
}
