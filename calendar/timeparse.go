package calendar

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve the same on every machine, with or without zoneinfo
)

// TimeError explains why a calendar time cannot be used. Candidates holds the two instants a local
// time could mean when it falls in a DST gap or overlap, so the message can name both.
type TimeError struct {
	Input      string
	Reason     string
	Candidates []time.Time
}

func (e *TimeError) Error() string { return e.Reason }

var localLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"}
var offsetLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

// ParseTime reads a calendar time: RFC 3339 with an offset, or a local time (2026-11-27T09:00) in
// loc. A local time in a DST gap or overlap is an error naming both candidate instants: a post must
// never go out an hour off by a silent guess.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	hasOffset := strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") || hasNumericOffset(s)
	if hasOffset {
		for _, layout := range offsetLayouts {
			if t, err := time.Parse(layout, strings.Replace(s, "z", "Z", 1)); err == nil {
				return t, nil
			}
		}
		return time.Time{}, &TimeError{Input: s, Reason: invalidTimeReason(s)}
	}
	for _, layout := range localLayouts {
		if naive, err := time.Parse(layout, s); err == nil {
			return resolveLocal(s, naive, loc)
		}
	}
	return time.Time{}, &TimeError{Input: s, Reason: invalidTimeReason(s)}
}

func hasNumericOffset(s string) bool {
	if len(s) < 6 {
		return false
	}
	tail := s[len(s)-6:]
	return (tail[0] == '+' || tail[0] == '-') && tail[3] == ':'
}

var timeShapeRE = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?([Zz]|[+-]([0-9]{2}):([0-9]{2}))?)?`)

// invalidTimeReason says which part of a time that does not parse is wrong: the date, the clock
// or the offset.
func invalidTimeReason(s string) string {
	if m := timeShapeRE.FindStringSubmatch(s); m != nil {
		if _, err := time.Parse("2006-01-02", m[1]); err != nil {
			return fmt.Sprintf("%s is not a real date", m[1])
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		switch {
		case m[2] != "" && (n(2) > 23 || n(3) > 59 || n(4) > 59):
			clock := m[2] + ":" + m[3]
			if m[4] != "" {
				clock += ":" + m[4]
			}
			return fmt.Sprintf("%s is not a valid time of day: hours go from 00 to 23, minutes and seconds from 00 to 59", clock)
		case m[6] != "" && (n(6) > 23 || n(7) > 59):
			return fmt.Sprintf("%s is not a valid UTC offset: write one such as +01:00 or -05:00", m[5])
		}
	}
	return fmt.Sprintf("%q is not a valid time: expected a local time such as 2026-12-01T09:00 or a time with an offset such as 2026-12-01T09:00:00+01:00", s)
}

// resolveLocal finds every instant whose wall clock in loc reads naive's fields.
func resolveLocal(input string, naive time.Time, loc *time.Location) (time.Time, error) {
	candidates := localCandidates(naive, loc)
	switch len(candidates) {
	case 1:
		return candidates[0], nil
	case 0:
		before, after := gapOffsets(naive, loc)
		a := naive.Add(-time.Duration(before) * time.Second).In(time.FixedZone("", before))
		b := naive.Add(-time.Duration(after) * time.Second).In(time.FixedZone("", after))
		skipped := "that hour" // Lord Howe, for one, moves its clocks by 30 minutes
		if d := time.Duration(after-before) * time.Second; d != time.Hour {
			skipped = fmt.Sprintf("those %d minutes", int(d.Minutes()))
		}
		return time.Time{}, &TimeError{Input: input, Candidates: []time.Time{a, b}, Reason: fmt.Sprintf(
			"%s does not exist in %s: the clocks skip %s (daylight saving time starts); write %s (which is %s local) or %s (which is %s local)",
			input, loc, skipped, a.Format(time.RFC3339), a.In(loc).Format("15:04 MST"), b.Format(time.RFC3339), b.In(loc).Format("15:04 MST"))}
	default:
		a, b := candidates[0], candidates[1]
		return time.Time{}, &TimeError{Input: input, Candidates: candidates, Reason: fmt.Sprintf(
			"%s is ambiguous in %s: the clocks pass it twice (daylight saving time ends); write %s (%s) or %s (%s)",
			input, loc, a.Format(time.RFC3339), a.Format("MST"), b.Format(time.RFC3339), b.Format("MST"))}
	}
}

// localCandidates returns the instants, earliest first, that read as naive's wall clock in loc.
func localCandidates(naive time.Time, loc *time.Location) []time.Time {
	wall := naive.Unix()
	seen := map[int]bool{}
	var out []time.Time
	// Offsets in force a day either side cover every transition a wall time can fall between.
	for _, probe := range []int64{wall - 86400, wall, wall + 86400} {
		_, off := time.Unix(probe, 0).In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		t := time.Unix(wall-int64(off), int64(naive.Nanosecond())).In(loc)
		if _, o := t.Zone(); o == off {
			out = append(out, t)
		}
	}
	if len(out) == 2 && out[1].Before(out[0]) {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

// gapOffsets returns the UTC offsets before and after the transition that skips naive's wall time.
func gapOffsets(naive time.Time, loc *time.Location) (int, int) {
	wall := naive.Unix()
	_, before := time.Unix(wall-86400, 0).In(loc).Zone()
	_, after := time.Unix(wall+86400, 0).In(loc).Zone()
	return before, after
}

// ParseDate reads a date (2026-12-01) and returns the first instant of that day in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, &TimeError{Input: s, Reason: fmt.Sprintf("%q is not a real date", s)}
	}
	return StartOfDay(d.Year(), d.Month(), d.Day(), loc), nil
}

// StartOfDay is the first instant of a day in loc. Where midnight itself falls in a DST gap (as in
// some zones), the day starts when the clocks resume.
func StartOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	naive := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if c := localCandidates(naive, loc); len(c) > 0 {
		return c[0]
	}
	_, after := gapOffsets(naive, loc)
	t := naive.Add(-time.Duration(after) * time.Second)
	for i := 0; i < 24*4; i++ { // walk forward to the first instant that exists
		if t.In(loc).Day() == d {
			return t.In(loc)
		}
		t = t.Add(15 * time.Minute)
	}
	return t.In(loc)
}

// ParseBound reads a campaign or blackout bound: a date or a time. For an end bound a date means the
// whole day, so the returned instant is the start of the next day (bounds are half-open).
func ParseBound(s string, loc *time.Location, end bool) (time.Time, error) {
	if len(s) == len("2006-01-02") {
		t, err := ParseDate(s, loc)
		if err != nil || !end {
			return t, err
		}
		d, _ := time.Parse("2006-01-02", s)
		next := d.AddDate(0, 0, 1)
		return StartOfDay(next.Year(), next.Month(), next.Day(), loc), nil
	}
	return ParseTime(s, loc)
}

// ParseDuration reads a duration with units d, h, m, s (Go's time.ParseDuration has no days).
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("%q is not a duration such as 90m, 1h30m or 2d", s)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		var unit time.Duration
		switch rest[i] {
		case 'd':
			unit = 24 * time.Hour
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return 0, fmt.Errorf("%q is not a duration such as 90m, 1h30m or 2d", s)
		}
		if n > int64((1<<63-1)/unit) || total > (1<<63-1)-time.Duration(n)*unit {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	return total, nil
}

// FormatDuration writes a duration the way the calendar's files do, as ParseDuration reads it:
// 3h, 1h30m, 2d.
func FormatDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.unit
		}
	}
	return b.String()
}
