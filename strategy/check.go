package strategy

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
)

// MinPostsPerMonth is how many posts a month needs before its pillar mix is judged: with fewer, one
// post moves a share by more than ten points.
const MinPostsPerMonth = 10

// maxNamed is how many other posts a finding names before it only counts the rest.
const maxNamed = 5

// underTarget is how far below its target share a pillar may fall before it is worth a suggestion.
const underTarget = 0.15

// Check lints the calendar's publications against strategy.yaml. It looks forward: publications
// before now are history and are not reported, and days, weeks and months that ended before now
// are not judged (a day, week or month that is under way still counts its earlier publications).
func Check(cal *calendar.Calendar, now time.Time) calendar.Findings {
	var out calendar.Findings
	for _, r := range Results(cal, now) {
		out = append(out, r.Finding)
	}
	return out
}

// Result is a finding with what it is about: the posts it names and the period it judges, so that
// a review can keep the findings that concern what a change touched.
type Result struct {
	calendar.Finding
	Posts    []string  // ids of the posts the finding is about
	From, To time.Time // the day, week or month it judges; zero when it is about its posts alone
}

// Results is Check with each finding's subject.
func Results(cal *calendar.Calendar, now time.Time) []Result {
	if cal == nil || cal.Strategy == nil {
		return nil
	}
	loc := location(cal)
	posts := scheduled(cal, loc)
	k := &checker{cal: cal, st: cal.Strategy, loc: loc, now: now, today: dayOf(now, loc), posts: posts,
		pubs: publications(posts)}
	k.cadence()
	k.pillarMix()
	k.campaigns()
	k.blackouts()
	k.postingWindows()
	return k.results
}

type checker struct {
	cal     *calendar.Calendar
	st      *calendar.Strategy
	loc     *time.Location
	now     time.Time
	today   day
	posts   []entry
	pubs    []publication
	results []Result
	subject Result // what the next finding is about; add consumes it
}

func (k *checker) add(file string, p calendar.Pos, rule string, level calendar.Level, format string, args ...any) {
	if p.Line == 0 {
		p = calendar.Pos{Line: 1, Col: 1}
	}
	r := k.subject
	r.Finding = calendar.Finding{File: file, Line: p.Line, Col: p.Col, Rule: rule, Level: level, Message: fmt.Sprintf(format, args...)}
	k.results = append(k.results, r)
	k.subject = Result{}
}

// about sets the subject of the next finding: posts, and the period [from, to) it judges.
func (k *checker) about(posts []string, from, to time.Time) {
	k.subject = Result{Posts: posts, From: from, To: to}
}

// future says whether a publication at t is checked: it is not history.
func (k *checker) future(t time.Time) bool { return !t.Before(k.now) }

func (k *checker) cadence() {
	if len(k.st.Cadence) == 0 {
		return
	}
	for _, c := range cadences(k.cal) {
		pubs := on(k.pubs, c.channel.Value)
		if c.maxPerDay > 0 {
			k.maxPerDay(c.channel.Value, c.maxPerDay, pubs)
		}
		if c.minGap > 0 {
			k.minGap(c.channel.Value, c.minGap, pubs)
		}
		if c.minPerWeek > 0 {
			k.minPerWeek(c.channel.Value, c.minPerWeekPos, c.minPerWeek, pubs)
		}
	}
}

// maxPerDay reports each publication beyond the limit on a local day, in time order.
func (k *checker) maxPerDay(ch string, limit int, pubs []publication) {
	for i := 0; i < len(pubs); {
		j := i
		for j < len(pubs) && pubs[j].post.day == pubs[i].post.day {
			j++
		}
		if d := pubs[i].post.day; j-i > limit && d >= k.today {
			for n := i + limit; n < j; n++ {
				p := pubs[n]
				if !k.future(p.post.Time) {
					continue
				}
				var others []string
				for m := i; m < j && len(others) < maxNamed; m++ {
					if m != n {
						others = append(others, pubs[m].post.ID.Value)
					}
				}
				if more := j - i - 1 - len(others); more > 0 {
					others = append(others, fmt.Sprintf("%d more", more))
				}
				k.about([]string{p.post.ID.Value}, d.start(k.loc), (d + 1).start(k.loc))
				k.add(p.post.File, p.post.PublishAt.Pos, "cadence", calendar.Warning,
					"%s has %d posts on %s (this one and %s); max_per_day is %d",
					ch, j-i, d.date().Format("Mon 2006-01-02"), strings.Join(others, ", "), limit)
			}
		}
		i = j
	}
}

// minGap reports a publication that follows the one before it on the channel too closely.
func (k *checker) minGap(ch string, gap time.Duration, pubs []publication) {
	for i := 1; i < len(pubs); i++ {
		prev, p := pubs[i-1], pubs[i]
		d := p.post.Time.Sub(prev.post.Time)
		if d >= gap || !k.future(p.post.Time) {
			continue
		}
		when := "at the same time as " + prev.post.ID.Value
		if d > 0 {
			when = calendar.FormatDuration(d) + " after " + prev.post.ID.Value
		}
		k.about([]string{prev.post.ID.Value, p.post.ID.Value}, prev.post.Time, p.post.Time)
		k.add(p.post.File, p.post.PublishAt.Pos, "cadence", calendar.Warning,
			"%s on %s; min_gap is %s", when, ch, calendar.FormatDuration(gap))
	}
}

// minPerWeek reports weeks with too few publications on the channel, but only weeks with
// publications scheduled around them: weeks before the first and after the last scheduled post are
// not planned yet, rather than thin.
func (k *checker) minPerWeek(ch string, pos calendar.Pos, limit int, pubs []publication) {
	counts := map[day]int{}
	first, last := day(math.MaxInt64), day(math.MinInt64)
	for _, p := range pubs {
		if !k.future(p.post.Time) {
			continue
		}
		w := p.post.day.monday()
		counts[w]++
		first, last = min(first, w), max(last, w)
	}
	if len(counts) < 2 {
		return
	}
	for w := first + 7; w < last; w += 7 {
		n := counts[w]
		if n >= limit {
			continue
		}
		has := "no posts"
		if n > 0 {
			has = countOf(n, "post", "posts")
		}
		k.about(nil, w.start(k.loc), (w + 7).start(k.loc))
		k.add(file, pos, "cadence", calendar.Warning, "week of %s (%s) has %s on %s; min_per_week is %d",
			w, isoWeek(w), has, ch, limit)
	}
}

// pillarMix judges each month that has not ended, counting each post once whatever its channels.
func (k *checker) pillarMix() {
	if len(k.st.Pillars) == 0 {
		return
	}
	for _, m := range monthCounts(k.posts) {
		if !m.month.end(k.loc).After(k.now) || m.total < MinPostsPerMonth {
			continue
		}
		for _, e := range k.st.Pillars {
			n := m.pillars[e.Key.Value]
			share := float64(n) / float64(m.total)
			switch statusOf(share, e.Value, m.total) {
			case Over:
				k.about(nil, m.month.first().start(k.loc), m.month.end(k.loc))
				k.add(file, e.Key.Pos, "pillar-mix", calendar.Warning, "%s: %s is %d of %d posts (%s); max_share is %s",
					m.month.name(), e.Key.Value, n, m.total, percent(share), percent(*e.Value.MaxShare))
			case Under:
				k.about(nil, m.month.first().start(k.loc), m.month.end(k.loc))
				k.add(file, e.Key.Pos, "pillar-mix", calendar.Suggestion, "%s: %s is %d of %d posts (%s); its target share is %s",
					m.month.name(), e.Key.Value, n, m.total, percent(share), percent(*e.Value.Share))
			}
		}
	}
}

// monthTally is one month's posts by pillar.
type monthTally struct {
	month   month
	total   int
	pillars map[string]int
}

// monthCounts tallies posts by local month, in order.
func monthCounts(posts []entry) []monthTally {
	var out []monthTally
	index := map[month]int{}
	for i := range posts {
		p := &posts[i]
		m := monthOf(p.day)
		j, ok := index[m]
		if !ok {
			j = len(out)
			index[m] = j
			out = append(out, monthTally{month: m, pillars: map[string]int{}})
		}
		out[j].total++
		if p.Pillar.Value != "" {
			out[j].pillars[p.Pillar.Value]++
		}
	}
	slices.SortFunc(out, func(a, b monthTally) int { return int(a.month - b.month) })
	return out
}

// statusOf judges a pillar's share of a month's posts.
func statusOf(share float64, p calendar.Pillar, total int) Status {
	const eps = 1e-9
	switch {
	case total < MinPostsPerMonth:
		return TooFewPosts
	case validShare(p.MaxShare) && share > *p.MaxShare+eps:
		return Over
	case validShare(p.Share) && share < *p.Share-underTarget-eps:
		return Under
	}
	return OK
}

func validShare(s *float64) bool { return s != nil && *s >= 0 && *s <= 1 }

func (k *checker) campaigns() {
	for i := range k.posts {
		p := &k.posts[i]
		if !p.Campaign.Set || !k.future(p.Time) {
			continue
		}
		c, ok := k.st.Campaigns.Get(p.Campaign.Value)
		if !ok {
			continue // an unknown campaign is a reference error
		}
		id := p.Campaign.Value
		if validSpan(c.Start, c.End) {
			switch {
			case p.Time.Before(c.Start):
				k.about([]string{p.ID.Value}, time.Time{}, time.Time{})
				k.add(p.File, p.Campaign.Pos, "campaign", calendar.Warning, "%s is before campaign %s starts (%s)",
					k.when(p.Time, c.From, c.To), id, span(c.From, c.To))
			case !p.Time.Before(c.End):
				k.about([]string{p.ID.Value}, time.Time{}, time.Time{})
				k.add(p.File, p.Campaign.Pos, "campaign", calendar.Warning, "%s is after campaign %s ended (%s)",
					k.when(p.Time, c.From, c.To), id, span(c.From, c.To))
			}
		}
		if len(c.Channels) > 0 {
			seen := map[string]bool{}
			for _, ch := range p.Channels {
				if ch.Value == "" || seen[ch.Value] || hasValue(c.Channels, ch.Value) {
					continue
				}
				seen[ch.Value] = true
				k.about([]string{p.ID.Value}, time.Time{}, time.Time{})
				k.add(p.File, ch.Pos, "campaign", calendar.Warning, "campaign %s runs on %s, not on %s",
					id, strings.Join(calendar.Values(c.Channels), ", "), ch.Value)
			}
		}
		if len(c.Pillars) > 0 && p.Pillar.Value != "" && !hasValue(c.Pillars, p.Pillar.Value) {
			k.about([]string{p.ID.Value}, time.Time{}, time.Time{})
			k.add(p.File, p.Pillar.Pos, "campaign", calendar.Warning, "pillar %s is not one of campaign %s's pillars (%s)",
				p.Pillar.Value, id, strings.Join(calendar.Values(c.Pillars), ", "))
		}
	}
}

// when shows a post's time as precisely as the bounds it is compared with: a date against dates.
func (k *checker) when(t time.Time, from, to calendar.String) string {
	if isDate(from.Value) && isDate(to.Value) {
		return t.In(k.loc).Format("2006-01-02")
	}
	return t.In(k.loc).Format("2006-01-02T15:04")
}

func isDate(s string) bool { return len(s) == len("2006-01-02") }

// span shows a campaign's or blackout's bounds as written: a date "to" is the whole day.
func span(from, to calendar.String) string {
	if from.Value == to.Value {
		return from.Value
	}
	return from.Value + " to " + to.Value
}

func (k *checker) blackouts() {
	for _, b := range k.st.Blackouts {
		if !validSpan(b.Start, b.End) || !b.End.After(k.now) {
			continue
		}
		for i := range k.posts {
			p := &k.posts[i]
			if p.Time.Before(b.Start) || !p.Time.Before(b.End) || !k.future(p.Time) {
				continue
			}
			var held []string
			for _, ch := range p.channels {
				if b.Selector().Selects(p.Post, ch) {
					held = append(held, ch)
				}
			}
			if len(held) == 0 {
				continue
			}
			reason := ""
			if r := strings.Join(strings.Fields(b.Reason.Value), " "); r != "" { // one line, even from a block scalar
				reason = ": " + r
			}
			k.about([]string{p.ID.Value}, time.Time{}, time.Time{})
			k.add(p.File, p.PublishAt.Pos, "blackout", calendar.Error, "%s holds this post on %s%s",
				blackoutName(b), strings.Join(held, ", "), reason)
		}
	}
}

// blackoutName names a blackout with its dates.
func blackoutName(b calendar.Blackout) string {
	if b.Name.Value == "" {
		return "blackout " + span(b.From, b.To)
	}
	return fmt.Sprintf("blackout %q (%s)", b.Name.Value, span(b.From, b.To))
}

// window is a posting window with its times parsed: minutes since midnight. A window whose to is
// before its from runs past midnight; its days are the days it starts on.
type window struct {
	channels []string // empty: every channel
	days     [7]bool  // by time.Weekday
	from, to int
}

func (w window) covers(ch string) bool {
	return len(w.channels) == 0 || slices.Contains(w.channels, ch)
}

// allows says whether a local time falls in the window: from and to are both inclusive.
func (w window) allows(t time.Time) bool {
	wd := t.Weekday()
	sec := t.Hour()*3600 + t.Minute()*60 + t.Second()
	from, to := w.from*60, w.to*60
	if from <= to {
		return w.days[wd] && sec >= from && sec <= to
	}
	return (w.days[wd] && sec >= from) || (w.days[(wd+6)%7] && sec <= to)
}

// spansOn shows the times the window is open on a weekday: a window that runs past midnight from
// the day before shows as its morning part, 00:00-02:00.
func (w window) spansOn(wd time.Weekday) []string {
	var out []string
	if w.to < w.from && w.days[(wd+6)%7] {
		out = append(out, fmt.Sprintf("00:00-%02d:%02d", w.to/60, w.to%60))
	}
	if w.days[wd] {
		out = append(out, w.String())
	}
	return out
}

func (w window) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", w.from/60, w.from%60, w.to/60, w.to%60)
}

var weekdays = map[string]time.Weekday{"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday}

// windows parses the posting windows, leaving out any that strategy.yaml's checks reject.
func windows(st *calendar.Strategy) []window {
	var out []window
	for _, pw := range st.PostingWindows {
		from, ok1 := clock(pw.From.Value)
		to, ok2 := clock(pw.To.Value)
		if !ok1 || !ok2 || from == to {
			continue
		}
		w := window{channels: calendar.Values(pw.Channels), from: from, to: to}
		if len(pw.Days) == 0 {
			w.days = [7]bool{true, true, true, true, true, true, true}
		}
		valid := true
		for _, d := range pw.Days {
			wd, ok := weekdays[d.Value]
			if !ok {
				valid = false
			}
			w.days[wd] = true
		}
		if valid {
			out = append(out, w)
		}
	}
	return out
}

// clock reads HH:MM as minutes since midnight.
func clock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

func (k *checker) postingWindows() {
	ws := windows(k.st)
	if len(ws) == 0 {
		return
	}
	for i := range k.posts {
		p := &k.posts[i]
		if !k.future(p.Time) {
			continue
		}
		local := p.local
		var outside []string
		for _, ch := range p.channels {
			covered, allowed := false, false
			for _, w := range ws {
				if w.covers(ch) {
					covered = true
					allowed = allowed || w.allows(local)
				}
			}
			if covered && !allowed {
				outside = append(outside, ch)
			}
		}
		if len(outside) == 0 {
			continue
		}
		wd := local.Weekday()
		var open []string
		for _, w := range ws {
			if !slices.ContainsFunc(outside, w.covers) {
				continue
			}
			for _, s := range w.spansOn(wd) {
				if !slices.Contains(open, s) {
					open = append(open, s)
				}
			}
		}
		day := local.Format("Mon")
		windows := fmt.Sprintf("no window on %s", day)
		if len(open) > 0 {
			windows = fmt.Sprintf("%s: %s", day, strings.Join(open, ", "))
		}
		k.about([]string{p.ID.Value}, time.Time{}, time.Time{})
		k.add(p.File, p.PublishAt.Pos, "posting-window", calendar.Suggestion,
			"%s is outside the posting windows for %s (%s)",
			local.Format("Mon 2006-01-02 15:04"), strings.Join(outside, ", "), windows)
	}
}

// percent rounds a share to a whole percentage.
func percent(share float64) string {
	return fmt.Sprintf("%d%%", int(math.Round(share*100)))
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
