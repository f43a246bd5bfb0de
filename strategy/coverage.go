package strategy

import (
	"fmt"
	"slices"
	"time"

	"github.com/postctl/postctl/calendar"
)

// Status is how a pillar's share of a month compares with its targets.
type Status string

const (
	OK          Status = "ok"
	Over        Status = "over"          // above max_share
	Under       Status = "under"         // more than 0.15 below its target share
	TooFewPosts Status = "too-few-posts" // the month has fewer than MinPostsPerMonth posts: not judged
)

// Report is how well a range of days is covered, as plain data for `postctl report`. Weeks and
// months are whole: a week or month that the range cuts counts all of its publications, so its
// numbers compare with min_per_week and the pillar shares. Drafts are left out.
type Report struct {
	From, To  time.Time // the range: From inclusive, To exclusive
	Location  *time.Location
	Channels  []string // calendar.yaml's channels, then any others posts name
	Weeks     []Week
	Months    []Month
	EmptyDays []DayRange // days in the range without any publication
	Campaigns []CampaignCoverage
	Blackouts []BlackoutCoverage
}

// Week is one ISO week (Monday to Sunday) that overlaps the range.
type Week struct {
	Start    time.Time   // the first instant of its Monday
	Year     int         // ISO year
	Number   int         // ISO week number
	Channels []WeekCount // one per Report.Channels, in that order
}

// Name is the ISO week, as 2027-W02.
func (w Week) Name() string { return fmt.Sprintf("%d-W%02d", w.Year, w.Number) }

// WeekCount is a channel's publications in a week against its cadence.
type WeekCount struct {
	Channel     string
	Posts       int
	MinPerWeek  int         // 0 when the channel has none
	MaxPerDay   int         // 0 when the channel has none
	DaysOverMax []time.Time // the first instants of days with more than MaxPerDay publications
}

// Below says whether the week has fewer publications than min_per_week. Unlike validate, which
// judges only weeks with posts scheduled before and after them, the report marks every week.
func (c WeekCount) Below() bool { return c.MinPerWeek > 0 && c.Posts < c.MinPerWeek }

// Month is one calendar month that overlaps the range, with its pillar mix. Each post counts once,
// whatever its channels.
type Month struct {
	Start         time.Time // the first instant of its first day
	Posts         int
	WithoutPillar int
	Pillars       []PillarShare // strategy.yaml's pillars in order, then any others posts name
}

// Judged says whether the month has enough posts for its mix to be judged.
func (m Month) Judged() bool { return m.Posts >= MinPostsPerMonth }

// PillarShare is one pillar's part of a month's posts.
type PillarShare struct {
	Pillar   string
	Posts    int
	Share    float64 // of the month's posts; 0 when it has none
	Target   *float64
	MaxShare *float64
	Status   Status
}

// DayRange is a run of days, both included.
type DayRange struct {
	First, Last time.Time // the first instants of the first and the last day
}

// Days is how many days the range holds.
func (r DayRange) Days(loc *time.Location) int {
	return int(dayOf(r.Last, loc)-dayOf(r.First, loc)) + 1
}

// CampaignCoverage is a campaign that overlaps the range, or has posts in it.
type CampaignCoverage struct {
	ID         string
	From, To   string    // as written in strategy.yaml; a date "to" is the whole day
	Start, End time.Time // End exclusive
	Posts      int       // all of the campaign's posts, in the range or not
	Channels   []string  // the channels its posts go to
	Outside    []string  // ids of its posts outside its dates
}

// BlackoutCoverage is a blackout that overlaps the range, with the publications it holds.
type BlackoutCoverage struct {
	Name, Reason string
	From, To     string    // as written
	Start, End   time.Time // End exclusive
	Held         []string  // publications it holds, as post-id@channel
}

// Coverage computes the report for [from, to).
func Coverage(cal *calendar.Calendar, from, to time.Time) Report {
	loc := location(cal)
	r := Report{From: from, To: to, Location: loc}
	if cal == nil || !to.After(from) {
		return r
	}
	posts := scheduled(cal, loc)
	pubs := publications(posts)
	r.Channels = reportChannels(cal, pubs)
	first, last := dayOf(from, loc), dayOf(to.Add(-time.Nanosecond), loc)
	r.Weeks = weeks(cadences(cal), r.Channels, pubs, first, last, loc)
	r.Months = months(cal.Strategy, posts, first, last, loc)
	r.EmptyDays = emptyDays(pubs, first, last, loc)
	if st := cal.Strategy; st != nil {
		r.Campaigns = campaigns(st, posts, r.Channels, from, to)
		r.Blackouts = blackouts(st, pubs, from, to)
	}
	return r
}

func reportChannels(cal *calendar.Calendar, pubs []publication) []string {
	var out []string
	if cal.Config != nil {
		out = append(out, cal.Config.Channels.Keys()...)
	}
	var extra []string
	for _, p := range pubs {
		if !slices.Contains(out, p.channel) && !slices.Contains(extra, p.channel) {
			extra = append(extra, p.channel)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

func weeks(cads []cadence, channels []string, pubs []publication, first, last day, loc *time.Location) []Week {
	type key struct {
		week    day
		channel string
	}
	counts := map[key]int{}
	perDay := map[key]int{} // day, channel
	for _, p := range pubs {
		if w := p.post.day.monday(); w >= first.monday() && w <= last {
			counts[key{w, p.channel}]++
			perDay[key{p.post.day, p.channel}]++
		}
	}
	var out []Week
	for w := first.monday(); w <= last; w += 7 {
		y, n := w.date().ISOWeek()
		week := Week{Start: w.start(loc), Year: y, Number: n}
		for _, ch := range channels {
			c := WeekCount{Channel: ch, Posts: counts[key{w, ch}]}
			for _, cad := range cads {
				if cad.channel.Value == ch {
					c.MinPerWeek, c.MaxPerDay = cad.minPerWeek, cad.maxPerDay
				}
			}
			if c.MaxPerDay > 0 {
				for d := w; d < w+7; d++ {
					if perDay[key{d, ch}] > c.MaxPerDay {
						c.DaysOverMax = append(c.DaysOverMax, d.start(loc))
					}
				}
			}
			week.Channels = append(week.Channels, c)
		}
		out = append(out, week)
	}
	return out
}

func months(st *calendar.Strategy, posts []entry, first, last day, loc *time.Location) []Month {
	tallies := map[month]monthTally{}
	for _, t := range monthCounts(posts) {
		tallies[t.month] = t
	}
	var out []Month
	for m := monthOf(first); m <= monthOf(last); m++ {
		t := tallies[m]
		mo := Month{Start: m.first().start(loc), Posts: t.total, WithoutPillar: t.total}
		var names []string
		if st != nil {
			names = st.Pillars.Keys()
		}
		var others []string
		for name := range t.pillars {
			if !slices.Contains(names, name) {
				others = append(others, name)
			}
		}
		slices.Sort(others)
		for _, name := range append(names, others...) {
			n := t.pillars[name]
			mo.WithoutPillar -= n
			ps := PillarShare{Pillar: name, Posts: n}
			if t.total > 0 {
				ps.Share = float64(n) / float64(t.total)
			}
			var p calendar.Pillar
			if st != nil {
				p, _ = st.Pillars.Get(name)
			}
			if validShare(p.Share) {
				ps.Target = p.Share
			}
			if validShare(p.MaxShare) {
				ps.MaxShare = p.MaxShare
			}
			ps.Status = statusOf(ps.Share, p, t.total)
			mo.Pillars = append(mo.Pillars, ps)
		}
		out = append(out, mo)
	}
	return out
}

func emptyDays(pubs []publication, first, last day, loc *time.Location) []DayRange {
	busy := map[day]bool{}
	for _, p := range pubs {
		busy[p.post.day] = true
	}
	var out []DayRange
	for d := first; d <= last; d++ {
		if busy[d] {
			continue
		}
		end := d
		for end+1 <= last && !busy[end+1] {
			end++
		}
		out = append(out, DayRange{First: d.start(loc), Last: end.start(loc)})
		d = end
	}
	return out
}

func campaigns(st *calendar.Strategy, posts []entry, channels []string, from, to time.Time) []CampaignCoverage {
	var out []CampaignCoverage
	for _, e := range st.Campaigns {
		c := e.Value
		if !validSpan(c.Start, c.End) {
			continue
		}
		cc := CampaignCoverage{ID: e.Key.Value, From: c.From.Value, To: c.To.Value, Start: c.Start, End: c.End}
		inRange := c.Start.Before(to) && c.End.After(from)
		used := map[string]bool{}
		for i := range posts {
			p := &posts[i]
			if p.Campaign.Value != cc.ID {
				continue
			}
			cc.Posts++
			if !p.Time.Before(from) && p.Time.Before(to) {
				inRange = true
			}
			for _, ch := range p.channels {
				used[ch] = true
			}
			if p.Time.Before(c.Start) || !p.Time.Before(c.End) {
				cc.Outside = append(cc.Outside, p.ID.Value)
			}
		}
		if !inRange {
			continue
		}
		for _, ch := range channels {
			if used[ch] {
				cc.Channels = append(cc.Channels, ch)
			}
		}
		out = append(out, cc)
	}
	return out
}

func blackouts(st *calendar.Strategy, pubs []publication, from, to time.Time) []BlackoutCoverage {
	var out []BlackoutCoverage
	for _, b := range st.Blackouts {
		if !validSpan(b.Start, b.End) || !b.Start.Before(to) || !b.End.After(from) {
			continue
		}
		bc := BlackoutCoverage{Name: b.Name.Value, Reason: b.Reason.Value, From: b.From.Value, To: b.To.Value,
			Start: b.Start, End: b.End}
		for _, p := range pubs {
			if !p.post.Time.Before(b.Start) && p.post.Time.Before(b.End) && b.Selector().Selects(p.post.Post, p.channel) {
				bc.Held = append(bc.Held, p.post.ID.Value+"@"+p.channel)
			}
		}
		out = append(out, bc)
	}
	return out
}

// MinReportDays is the shortest default report: four weeks.
const MinReportDays = 28

// DefaultEnd is where a report that starts at from ends when no end is given: after the day of the
// last scheduled publication, and at least four weeks after from.
func DefaultEnd(cal *calendar.Calendar, from time.Time) time.Time {
	loc := location(cal)
	end := (dayOf(from, loc) + MinReportDays).start(loc)
	if posts := scheduled(cal, loc); len(posts) > 0 {
		if e := (posts[len(posts)-1].day + 1).start(loc); e.After(end) {
			end = e
		}
	}
	return end
}

// Today is the first instant of now's day in the calendar's time zone.
func Today(cal *calendar.Calendar, now time.Time) time.Time {
	loc := location(cal)
	return dayOf(now, loc).start(loc)
}
