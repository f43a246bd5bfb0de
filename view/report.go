package view

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/postctl/postctl/strategy"
)

// RenderCoverage writes `postctl report`: text or json.
func RenderCoverage(s *Streams, format string, r strategy.Report) error {
	if format == "json" {
		return coverageJSON(s.Out, r)
	}
	return coverageText(s, r)
}

const dateLayout = "2006-01-02"

// lastDay is the last day the report covers: To is exclusive.
func lastDay(r strategy.Report) time.Time { return r.To.Add(-time.Nanosecond).In(r.Location) }

func day(t time.Time, loc *time.Location) string { return t.In(loc).Format(dateLayout) }

// dates shows a from/to pair as written, a single day once.
func dates(from, to string) string {
	if from == to {
		return from
	}
	return from + " to " + to
}

// width is the display width of plain text: postctl's ids are ASCII, and the bar and mark
// characters it draws are one column each.
func width(s string) int { return utf8.RuneCountInString(s) }

func pad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-width(s))) }

func padLeft(s string, w int) string { return strings.Repeat(" ", max(0, w-width(s))) + s }

// clip shortens free text to w columns on a terminal, so lines fit; piped output keeps it whole.
func clip(s string, w int, tty bool) string {
	if !tty || width(s) <= w {
		return s
	}
	if w < 2 {
		return "…"
	}
	r := []rune(s)
	return string(r[:w-1]) + "…"
}

type coverageView struct {
	p    Palette
	r    strategy.Report
	w    io.Writer
	cols int // the width lines fit in on a terminal
	tty  bool
}

func coverageText(s *Streams, r strategy.Report) error {
	if r.Location == nil {
		r.Location = time.UTC
	}
	v := &coverageView{p: s.Palette(), r: r, w: s.Out, cols: s.Width, tty: s.OutTTY}
	if v.cols <= 0 {
		v.cols = 80
	}
	fmt.Fprintf(v.w, "%s %s to %s (%s)\n", v.p.Bold("Coverage"), day(r.From, r.Location), lastDay(r).Format(dateLayout), r.Location)
	v.weeks()
	v.months()
	v.emptyDays()
	v.campaigns()
	v.blackouts()
	return nil
}

func (v *coverageView) section(title string) {
	fmt.Fprintf(v.w, "\n%s\n", v.p.Bold(title))
}

func (v *coverageView) weeks() {
	v.section("Posts per week")
	if len(v.r.Weeks) == 0 || len(v.r.Channels) == 0 {
		fmt.Fprintln(v.w, "  no weeks")
		return
	}
	// Each cell: the count, "<n" when below min_per_week n, "^" when a day is over max_per_day.
	type cell struct {
		text  string
		below bool
		over  bool
	}
	rows := make([][]cell, len(v.r.Weeks))
	colW := make([]int, len(v.r.Channels))
	for i, ch := range v.r.Channels {
		colW[i] = width(ch)
	}
	anyBelow, anyOver := false, false
	for i, w := range v.r.Weeks {
		for j, c := range w.Channels {
			text := fmt.Sprint(c.Posts)
			if c.Below() {
				text += fmt.Sprintf(" <%d", c.MinPerWeek)
				anyBelow = true
			}
			if len(c.DaysOverMax) > 0 {
				text += " ^"
				anyOver = true
			}
			rows[i] = append(rows[i], cell{text, c.Below(), len(c.DaysOverMax) > 0})
			colW[j] = max(colW[j], width(text))
		}
	}
	headers := append([]string(nil), v.r.Channels...)
	showStart := true
	total := func() int {
		n := 2 + len("2026-W48")
		if showStart {
			n += 2 + len(dateLayout)
		}
		for _, w := range colW {
			n += 2 + w
		}
		return n
	}
	// On a terminal the table fits its width: first without the start dates, then with channel
	// names cut short (never the counts).
	if v.tty && total() > v.cols {
		showStart = false
	}
	for v.tty && total() > v.cols {
		widest := 0
		for j := range colW {
			if colW[j] > colW[widest] {
				widest = j
			}
		}
		need := 0
		for _, row := range rows {
			need = max(need, width(row[widest].text))
		}
		if colW[widest] <= max(need, 4) {
			break
		}
		colW[widest]--
		headers[widest] = clip(v.r.Channels[widest], colW[widest], true)
	}
	head := "  " + pad("week", len("2026-W48"))
	if showStart {
		head += "  " + pad("starts", len(dateLayout))
	}
	for j, h := range headers {
		head += "  " + padLeft(h, colW[j])
	}
	fmt.Fprintln(v.w, v.p.Dim(strings.TrimRight(head, " ")))
	for i, w := range v.r.Weeks {
		line := "  " + w.Name()
		if showStart {
			line += "  " + day(w.Start, v.r.Location)
		}
		for j, c := range rows[i] {
			text := padLeft(c.text, colW[j])
			switch {
			case c.over:
				text = v.p.Red(text)
			case c.below:
				text = v.p.Yellow(text)
			}
			line += "  " + text
		}
		fmt.Fprintln(v.w, line)
	}
	var legend []string
	if anyBelow {
		legend = append(legend, "<n: below min_per_week n")
	}
	if anyOver {
		legend = append(legend, "^: a day over max_per_day")
	}
	if len(legend) > 0 {
		fmt.Fprintln(v.w, v.p.Dim("  "+strings.Join(legend, "; ")))
	}
}

func (v *coverageView) months() {
	v.section("Pillar mix")
	if len(v.r.Months) == 0 {
		fmt.Fprintln(v.w, "  no months")
		return
	}
	nameW, targetsW := 0, 0
	for _, m := range v.r.Months {
		nameW = max(nameW, width(monthName(m.Start, v.r.Location)))
		for _, p := range m.Pillars {
			nameW = max(nameW, width(p.Pillar)+2)
			targetsW = max(targetsW, width(targets(p)))
		}
	}
	for _, m := range v.r.Months {
		head := fmt.Sprintf("  %s  %s", pad(monthName(m.Start, v.r.Location), nameW), countOf(m.Posts, "post", "posts"))
		if m.WithoutPillar > 0 && m.Posts > 0 {
			head += fmt.Sprintf(", %d without a pillar", m.WithoutPillar)
		}
		if !m.Judged() {
			head += fmt.Sprintf(": too few to judge (fewer than %d)", strategy.MinPostsPerMonth)
		}
		fmt.Fprintln(v.w, head)
		if m.Posts == 0 {
			continue
		}
		for _, p := range m.Pillars {
			line := fmt.Sprintf("    %s  %3d  %4s", pad(p.Pillar, nameW-2), p.Posts, percent(p.Share))
			status := ""
			switch p.Status {
			case strategy.Over:
				status = v.p.Yellow("over max_share")
			case strategy.Under:
				status = v.p.Cyan("under target")
			}
			// The targets column is padded only when a status follows it: no trailing blanks.
			switch t := targets(p); {
			case status != "":
				line += "  " + v.p.Dim(pad(t, targetsW)) + "  " + status
			case t != "":
				line += "  " + v.p.Dim(t)
			}
			fmt.Fprintln(v.w, line)
		}
	}
}

// targets shows a pillar's target share and max_share.
func targets(p strategy.PillarShare) string {
	var out []string
	if p.Target != nil {
		out = append(out, "target "+percent(*p.Target))
	}
	if p.MaxShare != nil {
		out = append(out, "max "+percent(*p.MaxShare))
	}
	return strings.Join(out, ", ")
}

func monthName(t time.Time, loc *time.Location) string { return t.In(loc).Format("January 2006") }

func percent(share float64) string { return fmt.Sprintf("%d%%", int(math.Round(share*100))) }

func (v *coverageView) emptyDays() {
	v.section("Empty days")
	if len(v.r.EmptyDays) == 0 {
		fmt.Fprintln(v.w, "  none: every day has a publication")
		return
	}
	for _, d := range v.r.EmptyDays {
		n := d.Days(v.r.Location)
		when := day(d.First, v.r.Location)
		if n > 1 {
			when += " to " + day(d.Last, v.r.Location)
		}
		fmt.Fprintf(v.w, "  %s  %s\n", pad(when, len("2026-11-22 to 2026-11-30")), countOf(n, "day", "days"))
	}
}

func (v *coverageView) campaigns() {
	v.section("Campaigns")
	if len(v.r.Campaigns) == 0 {
		fmt.Fprintln(v.w, "  none in these dates")
		return
	}
	idW, datesW, postsW := 0, 0, 0
	for _, c := range v.r.Campaigns {
		idW = max(idW, width(c.ID))
		datesW = max(datesW, width(dates(c.From, c.To)))
		postsW = max(postsW, width(countOf(c.Posts, "post", "posts")))
	}
	// The bar is the report's range; a campaign fills the part it runs in.
	barW := min(40, max(10, v.cols-(2+idW+2+datesW+2+2+2+postsW)-2))
	indent := strings.Repeat(" ", 2+idW+2)
	for _, c := range v.r.Campaigns {
		fmt.Fprintf(v.w, "  %s  %s  %s  %s\n", v.p.Bold(pad(c.ID, idW)), pad(dates(c.From, c.To), datesW),
			v.p.Green(v.bar(c.Start, c.End, barW)), countOf(c.Posts, "post", "posts"))
		if len(c.Channels) > 0 {
			fmt.Fprintf(v.w, "%s%s\n", indent, v.p.Dim(clip("on "+strings.Join(c.Channels, ", "), v.cols-len(indent), v.tty)))
		}
		if len(c.Outside) > 0 {
			msg := fmt.Sprintf("%s outside its dates: %s", countOf(len(c.Outside), "post", "posts"), strings.Join(c.Outside, ", "))
			fmt.Fprintf(v.w, "%s%s\n", indent, v.p.Yellow(clip(msg, v.cols-len(indent), v.tty)))
		}
	}
}

// bar draws [start, end) against the report's range in n columns.
func (v *coverageView) bar(start, end time.Time, n int) string {
	span := v.r.To.Sub(v.r.From)
	var b strings.Builder
	b.WriteByte('|')
	for i := range n {
		from := v.r.From.Add(span * time.Duration(i) / time.Duration(n))
		to := v.r.From.Add(span * time.Duration(i+1) / time.Duration(n))
		if start.Before(to) && end.After(from) {
			b.WriteString("█")
		} else {
			b.WriteString("·")
		}
	}
	b.WriteByte('|')
	return b.String()
}

func (v *coverageView) blackouts() {
	v.section("Blackouts")
	if len(v.r.Blackouts) == 0 {
		fmt.Fprintln(v.w, "  none in these dates")
		return
	}
	nameW, datesW := 0, 0
	for _, b := range v.r.Blackouts {
		nameW = max(nameW, width(blackoutName(b)))
		datesW = max(datesW, width(dates(b.From, b.To)))
	}
	indent := strings.Repeat(" ", 2+nameW+2)
	for _, b := range v.r.Blackouts {
		held := "holds " + countOf(len(b.Held), "publication", "publications")
		if len(b.Held) > 0 {
			held = v.p.Red(held)
		}
		fmt.Fprintf(v.w, "  %s  %s  %s\n", v.p.Bold(pad(blackoutName(b), nameW)), pad(dates(b.From, b.To), datesW), held)
		if r := strings.TrimSpace(b.Reason); r != "" {
			fmt.Fprintf(v.w, "%s%s\n", indent, v.p.Dim(clip(strings.Join(strings.Fields(r), " "), v.cols-len(indent), v.tty)))
		}
	}
}

func blackoutName(b strategy.BlackoutCoverage) string {
	if b.Name == "" {
		return "(unnamed)"
	}
	return b.Name
}

// coverageWire is the JSON form of `postctl report`; its fields are stable.
type coverageWire struct {
	FormatVersion string         `json:"format_version"`
	From          string         `json:"from"` // the first day
	To            string         `json:"to"`   // the last day, included
	Timezone      string         `json:"timezone"`
	Channels      []string       `json:"channels"`
	Weeks         []weekWire     `json:"weeks"`
	Months        []monthWire    `json:"months"`
	EmptyDays     []dayRangeWire `json:"empty_days"`
	Campaigns     []campaignWire `json:"campaigns"`
	Blackouts     []blackoutWire `json:"blackouts"`
}

type weekWire struct {
	Week     string            `json:"week"`  // ISO week, 2027-W02
	Start    string            `json:"start"` // its Monday
	Channels []weekChannelWire `json:"channels"`
}

type weekChannelWire struct {
	Channel     string   `json:"channel"`
	Posts       int      `json:"posts"`
	MinPerWeek  *int     `json:"min_per_week"` // null when the channel has none
	BelowMin    bool     `json:"below_min"`
	MaxPerDay   *int     `json:"max_per_day"`
	DaysOverMax []string `json:"days_over_max"`
}

type monthWire struct {
	Month         string       `json:"month"` // 2027-01
	Posts         int          `json:"posts"`
	WithoutPillar int          `json:"without_pillar"`
	Judged        bool         `json:"judged"` // false: too few posts to judge the mix
	Pillars       []pillarWire `json:"pillars"`
}

type pillarWire struct {
	Pillar      string   `json:"pillar"`
	Posts       int      `json:"posts"`
	Share       float64  `json:"share"`
	TargetShare *float64 `json:"target_share"`
	MaxShare    *float64 `json:"max_share"`
	Status      string   `json:"status"` // ok, over, under or too-few-posts
}

type dayRangeWire struct {
	From string `json:"from"`
	To   string `json:"to"` // included
	Days int    `json:"days"`
}

type campaignWire struct {
	Campaign          string   `json:"campaign"`
	From              string   `json:"from"` // as written in strategy.yaml
	To                string   `json:"to"`
	Posts             int      `json:"posts"`
	Channels          []string `json:"channels"`
	PostsOutsideDates []string `json:"posts_outside_dates"`
}

type blackoutWire struct {
	Name         string   `json:"name"`
	From         string   `json:"from"`
	To           string   `json:"to"`
	Reason       string   `json:"reason"`
	Held         int      `json:"held"`
	Publications []string `json:"publications"` // post-id@channel
}

func coverageJSON(w io.Writer, r strategy.Report) error {
	if r.Location == nil {
		r.Location = time.UTC
	}
	loc := r.Location
	out := coverageWire{
		FormatVersion: FormatVersion,
		From:          day(r.From, loc),
		To:            lastDay(r).Format(dateLayout),
		Timezone:      loc.String(),
		Channels:      orEmpty(r.Channels),
		Weeks:         []weekWire{},
		Months:        []monthWire{},
		EmptyDays:     []dayRangeWire{},
		Campaigns:     []campaignWire{},
		Blackouts:     []blackoutWire{},
	}
	for _, wk := range r.Weeks {
		ww := weekWire{Week: wk.Name(), Start: day(wk.Start, loc), Channels: []weekChannelWire{}}
		for _, c := range wk.Channels {
			cw := weekChannelWire{Channel: c.Channel, Posts: c.Posts, BelowMin: c.Below(), DaysOverMax: []string{}}
			if c.MinPerWeek > 0 {
				cw.MinPerWeek = &c.MinPerWeek
			}
			if c.MaxPerDay > 0 {
				cw.MaxPerDay = &c.MaxPerDay
			}
			for _, d := range c.DaysOverMax {
				cw.DaysOverMax = append(cw.DaysOverMax, day(d, loc))
			}
			ww.Channels = append(ww.Channels, cw)
		}
		out.Weeks = append(out.Weeks, ww)
	}
	for _, m := range r.Months {
		mw := monthWire{Month: m.Start.In(loc).Format("2006-01"), Posts: m.Posts, WithoutPillar: m.WithoutPillar,
			Judged: m.Judged(), Pillars: []pillarWire{}}
		for _, p := range m.Pillars {
			mw.Pillars = append(mw.Pillars, pillarWire{Pillar: p.Pillar, Posts: p.Posts, Share: math.Round(p.Share*1e4) / 1e4,
				TargetShare: p.Target, MaxShare: p.MaxShare, Status: string(p.Status)})
		}
		out.Months = append(out.Months, mw)
	}
	for _, d := range r.EmptyDays {
		out.EmptyDays = append(out.EmptyDays, dayRangeWire{From: day(d.First, loc), To: day(d.Last, loc), Days: d.Days(loc)})
	}
	for _, c := range r.Campaigns {
		out.Campaigns = append(out.Campaigns, campaignWire{Campaign: c.ID, From: c.From, To: c.To, Posts: c.Posts,
			Channels: orEmpty(c.Channels), PostsOutsideDates: orEmpty(c.Outside)})
	}
	for _, b := range r.Blackouts {
		out.Blackouts = append(out.Blackouts, blackoutWire{Name: b.Name, From: b.From, To: b.To, Reason: b.Reason,
			Held: len(b.Held), Publications: orEmpty(b.Held)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// orEmpty keeps lists as [] rather than null in JSON.
func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
