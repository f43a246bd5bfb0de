// Package strategy checks a calendar's posts against its strategy.yaml (cadence, pillar mix,
// campaigns, blackouts, posting windows) and computes the coverage data behind `postctl report`.
//
// Both look at publications: each non-draft post on each of its channels. Days, ISO weeks
// (Monday to Sunday) and months are those of the calendar's time zone, so a day is 23 or 25 hours
// long when the clocks change. Inputs that Load already reported as missing or invalid (no
// strategy, a publish_at that did not parse, a campaign without dates) are skipped here.
package strategy

import (
	"fmt"
	"slices"
	"time"

	"github.com/postctl/postctl/calendar"
	"gopkg.in/yaml.v3"
)

// file is where strategy findings that are not about one post go.
const file = "strategy.yaml"

// entry is a published post with what the checks read of it again and again, worked out once.
type entry struct {
	*calendar.Post
	local    time.Time // Time in the calendar's time zone
	day      day
	channels []string // once each, in the order written
}

// publication is one post on one channel.
type publication struct {
	post    *entry
	channel string
}

// day is a civil date in the calendar's time zone, as days since 1970-01-01. Counting in civil
// days keeps date arithmetic free of DST: a 23-hour day is still one day.
type day int64

func dayOf(t time.Time, loc *time.Location) day {
	y, m, d := t.In(loc).Date()
	return civil(y, m, d)
}

func civil(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// date is the day as a UTC midnight, for its year, month, weekday and ISO week.
func (d day) date() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// start is the first instant of the day in loc.
func (d day) start(loc *time.Location) time.Time {
	t := d.date()
	return calendar.StartOfDay(t.Year(), t.Month(), t.Day(), loc)
}

// monday is the first day of the day's ISO week.
func (d day) monday() day {
	return d - day((int(d.date().Weekday())+6)%7)
}

func (d day) String() string { return d.date().Format("2006-01-02") }

// isoWeek names the ISO week that starts on monday, as 2027-W02.
func isoWeek(monday day) string {
	y, w := monday.date().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// month is a calendar month as year*12 + month-1.
type month int

func monthOf(d day) month {
	t := d.date()
	return month(t.Year()*12 + int(t.Month()) - 1)
}

func (m month) year() int         { return int(m) / 12 }
func (m month) month() time.Month { return time.Month(int(m)%12 + 1) }

// name is the month as people write it: January 2027.
func (m month) name() string { return fmt.Sprintf("%s %d", m.month(), m.year()) }

// key is the month as 2027-01.
func (m month) key() string { return fmt.Sprintf("%d-%02d", m.year(), m.month()) }

func (m month) first() day { return civil(m.year(), m.month(), 1) }

// end is the first instant of the next month in loc.
func (m month) end(loc *time.Location) time.Time { return (m + 1).first().start(loc) }

func location(cal *calendar.Calendar) *time.Location {
	if cal != nil && cal.Location != nil {
		return cal.Location
	}
	return time.UTC
}

// scheduled returns the posts that are published (not drafts, with a valid time) sorted by time;
// posts at the same instant keep file order.
func scheduled(cal *calendar.Calendar, loc *time.Location) []entry {
	if cal == nil {
		return nil
	}
	posts := make([]*calendar.Post, 0, len(cal.Posts))
	total := 0
	for _, p := range cal.Posts {
		if p != nil && !p.Draft() && !p.Time.IsZero() {
			posts = append(posts, p)
			total += len(p.Channels)
		}
	}
	// Sorting pointers rather than entries: Load may list posts in any order.
	slices.SortStableFunc(posts, func(a, b *calendar.Post) int { return a.Time.Compare(b.Time) })
	out := make([]entry, len(posts))
	names := make([]string, 0, total) // one array backs every entry's channels
	for i, p := range posts {
		local := p.Time.In(loc)
		y, m, d := local.Date()
		first := len(names)
		for _, c := range p.Channels {
			if c.Value != "" && !slices.Contains(names[first:], c.Value) {
				names = append(names, c.Value)
			}
		}
		out[i] = entry{Post: p, local: local, day: civil(y, m, d), channels: names[first:len(names):len(names)]}
	}
	return out
}

// publications returns every publication of posts (sorted by time), in the posts' order.
func publications(posts []entry) []publication {
	n := 0
	for i := range posts {
		n += len(posts[i].channels)
	}
	out := make([]publication, 0, n)
	for i := range posts {
		p := &posts[i]
		for _, c := range p.channels {
			out = append(out, publication{post: p, channel: c})
		}
	}
	return out
}

// on returns the publications on a channel, keeping their order.
func on(pubs []publication, channel string) []publication {
	n := 0
	for _, p := range pubs {
		if p.channel == channel {
			n++
		}
	}
	out := make([]publication, 0, n)
	for _, p := range pubs {
		if p.channel == channel {
			out = append(out, p)
		}
	}
	return out
}

func hasValue(list []calendar.String, v string) bool {
	for _, s := range list {
		if s.Value == v {
			return true
		}
	}
	return false
}

// validSpan says whether Load could parse both bounds of a campaign or blackout.
func validSpan(start, end time.Time) bool {
	return !start.IsZero() && !end.IsZero() && end.After(start)
}

// cadence is a channel's cadence with the values the schema accepts; 0 where unset or invalid.
type cadence struct {
	channel       calendar.String
	maxPerDay     int
	minPerWeek    int
	minPerWeekPos calendar.Pos // the min_per_week value, or the channel key
	minGap        time.Duration
}

// cadences reads strategy.yaml's cadence. The typed model keeps neither the positions of numbers
// nor whether they were whole (YAML decodes max_per_day: 2.5 into an int as 2), so the numbers are
// read from the file's YAML where it is at hand.
func cadences(cal *calendar.Calendar) []cadence {
	if cal == nil || cal.Strategy == nil || len(cal.Strategy.Cadence) == 0 {
		return nil
	}
	var root *yaml.Node
	var doc yaml.Node
	if err := yaml.Unmarshal(cal.File(file).Source, &doc); err == nil && len(doc.Content) > 0 {
		root = lookup(doc.Content[0], "cadence")
	}
	var out []cadence
	for _, e := range cal.Strategy.Cadence {
		c := cadence{channel: e.Key, minPerWeekPos: e.Key.Pos}
		node := lookup(root, e.Key.Value)
		whole := func(v *int, key string, least int) int {
			if v == nil || *v < least {
				return 0
			}
			if n := lookup(node, key); n != nil && n.Tag != "!!int" {
				return 0
			}
			return *v
		}
		c.maxPerDay = whole(e.Value.MaxPerDay, "max_per_day", 1)
		c.minPerWeek = whole(e.Value.MinPerWeek, "min_per_week", 1)
		if n := lookup(node, "min_per_week"); n != nil {
			c.minPerWeekPos = calendar.Pos{Line: n.Line, Col: n.Column}
		}
		if e.Value.MinGap.Set {
			if gap, err := calendar.ParseDuration(e.Value.MinGap.Value); err == nil && gap > 0 {
				c.minGap = gap
			}
		}
		out = append(out, c)
	}
	return out
}

// lookup returns the value of key in a YAML mapping, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
