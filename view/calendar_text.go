package view

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/rivo/uniseg"

	"github.com/postctl/postctl/agenda"
)

// CalendarWidth is the most columns `postctl calendar` ever writes on a line.
const CalendarWidth = 80

const (
	calCell    = 10 // columns of a day cell: 7 cells and 8 borders make 78
	calPerCell = 3  // entries a day cell shows before "+N more"
)

// calMarkers are the status markers of the text view; upcoming has none.
var calMarkers = []struct {
	Status agenda.Status
	Mark   string
	Name   string
}{
	{agenda.Published, "✓", "published"},
	{agenda.Scheduled, "○", "scheduled on the platform"},
	{agenda.Due, "!", "due: the next apply publishes it"},
	{agenda.Held, "‖", "held"},
	{agenda.Missed, "✗", "missed"},
	{agenda.Blocked, "=", "blocked"},
	{agenda.Unknown, "?", "unknown"},
	{agenda.Draft, "·", "draft"},
}

const (
	calToday    = "*"
	calBlackout = "⊘"
)

// calPillarColours are the ANSI colours of pillars, by their index in strategy.yaml.
var calPillarColours = []string{"36", "35", "34", "32", "33", "96", "95", "94", "92", "93"}

func calMarker(s agenda.Status) string {
	for _, m := range calMarkers {
		if m.Status == s {
			return m.Mark
		}
	}
	return " "
}

// RenderCalendarText writes `postctl calendar`: month grids of the agenda's range, or with week
// one section per day with every entry on its own line. No line is wider than CalendarWidth.
func RenderCalendarText(s *Streams, a *agenda.Agenda, week bool) error {
	v := newCalView(s, a)
	v.header(week)
	if week {
		v.days()
	} else {
		v.months()
	}
	v.spans()
	v.legend(week)
	_, err := io.WriteString(s.Out, v.b.String())
	return err
}

type calView struct {
	a       *agenda.Agenda
	p       Palette
	loc     *time.Location
	b       strings.Builder
	abbrev  map[string]string // channel id → two-letter abbreviation
	pillars map[string]int
	byDay   map[string][]*agenda.Entry // local date → entries, in time order
	today   string
}

func newCalView(s *Streams, a *agenda.Agenda) *calView {
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	v := &calView{a: a, p: s.Palette(), loc: loc, abbrev: calAbbrevs(a), pillars: map[string]int{},
		byDay: map[string][]*agenda.Entry{}}
	for i, name := range a.Pillars {
		v.pillars[name] = i
	}
	for i := range a.Entries {
		e := &a.Entries[i]
		k := e.At.In(loc).Format(dateLayout)
		v.byDay[k] = append(v.byDay[k], e)
	}
	if !a.Now.IsZero() {
		v.today = a.Now.In(loc).Format(dateLayout)
	}
	return v
}

// calAbbrevs gives each channel two letters: its first two, or its first and a later one (or a
// digit) when another channel has them already.
func calAbbrevs(a *agenda.Agenda) map[string]string {
	ids := make([]string, 0, len(a.Channels))
	known := map[string]bool{}
	for _, c := range a.Channels {
		ids = append(ids, c.ID)
		known[c.ID] = true
	}
	for _, e := range a.Entries {
		if !known[e.Channel] {
			ids = append(ids, e.Channel)
			known[e.Channel] = true
		}
	}
	out := map[string]string{}
	taken := map[string]bool{}
	for _, id := range ids {
		r := []rune(strings.ToLower(calClean(id)))
		if len(r) == 0 {
			r = []rune("?")
		}
		var cands []string
		for k := 1; k < len(r); k++ {
			cands = append(cands, string([]rune{r[0], r[k]}))
		}
		for d := '1'; d <= '9'; d++ {
			cands = append(cands, string([]rune{r[0], d}))
		}
		for _, c := range cands {
			if !taken[c] && calWidth(c) == 2 {
				out[id], taken[c] = c, true
				break
			}
		}
		if out[id] == "" {
			out[id] = calFit(string(r), 2)
		}
	}
	return out
}

func (v *calView) line(s string) { v.b.WriteString(s + "\n") }

// header names the range, brand and zone, counts the entries and names the active crisis.
func (v *calView) header(week bool) {
	a := v.a
	first, last := a.From.In(v.loc), a.To.Add(-time.Nanosecond).In(v.loc)
	var title string
	switch {
	case week && first.Weekday() == time.Monday && first.AddDate(0, 0, 6).Format(dateLayout) == last.Format(dateLayout):
		y, w := first.ISOWeek()
		title = fmt.Sprintf("Week %d-W%02d · %s – %s", y, w, first.Format("Mon 2 Jan"), last.Format("Mon 2 Jan 2006"))
	case first.Day() == 1 && last.AddDate(0, 0, 1).Day() == 1 && first.Year() == last.Year() && first.Month() == last.Month():
		title = first.Format("January 2006")
	case first.Format(dateLayout) == last.Format(dateLayout):
		title = first.Format("Mon 2 Jan 2006")
	default:
		title = fmt.Sprintf("%s – %s", first.Format("Mon 2 Jan 2006"), last.Format("Mon 2 Jan 2006"))
	}
	parts := []string{title}
	if a.Brand != "" {
		parts = append(parts, calClean(a.Brand))
	}
	parts = append(parts, v.loc.String())
	v.joinWrap(parts, " · ", "", v.p.Bold)

	counts := map[agenda.Status]int{}
	for _, e := range a.Entries {
		counts[e.Status]++
	}
	n := len(a.Entries)
	items := []string{fmt.Sprintf("%d %s", n, pluralWord(n, "publication", "publications"))}
	for _, m := range calMarkers {
		if c := counts[m.Status]; c > 0 {
			items = append(items, fmt.Sprintf("%d %s", c, strings.SplitN(m.Name, ":", 2)[0]))
		}
	}
	if c := counts[agenda.Upcoming]; c > 0 {
		items = append(items, fmt.Sprintf("%d upcoming", c))
	}
	v.joinWrap(items, " · ", "", nil)
	if c := a.Crisis; c != nil {
		msg := fmt.Sprintf("Crisis: %s, since %s; what it pauses is held ‖", c.Name, c.Since.In(v.loc).Format("2006-01-02 15:04 MST"))
		v.wrapLine(v.p.Red(msg), msg, "")
	}
}

// wrapLine writes text (styled: coloured; plain: the same without colour) wrapped at the width.
// Only a plain text that fits is written styled; a wrapped one is written plain.
func (v *calView) wrapLine(styled, plain, indent string) {
	if calWidth(plain) <= CalendarWidth {
		v.line(styled)
		return
	}
	lead := plain[:len(plain)-len(strings.TrimLeft(plain, " "))]
	for i, l := range calWrap(plain, CalendarWidth-max(calWidth(indent), len(lead))) {
		if i > 0 {
			l = indent + l
		} else {
			l = lead + l
		}
		v.line(l)
	}
}

// ---- month grids

func (v *calView) months() {
	first := v.a.From.In(v.loc)
	last := v.a.To.Add(-time.Nanosecond).In(v.loc)
	if !v.a.To.After(v.a.From) {
		last = first
	}
	for m := time.Date(first.Year(), first.Month(), 1, 12, 0, 0, 0, time.UTC); !m.After(time.Date(last.Year(), last.Month(), 1, 12, 0, 0, 0, time.UTC)); m = m.AddDate(0, 1, 0) {
		v.month(m.Year(), m.Month())
	}
}

func calBorder(left, mid, right string) string {
	seg := strings.Repeat("─", calCell)
	return left + strings.Repeat(seg+mid, 6) + seg + right
}

// month writes one month's grid, Monday to Sunday.
func (v *calView) month(year int, month time.Month) {
	v.line("")
	if !v.isWholeMonth(year, month) {
		v.line(v.p.Bold(time.Date(year, month, 1, 0, 0, 0, 0, time.UTC).Format("January 2006")))
	}
	v.line(calBorder("┌", "┬", "┐"))
	head := "│"
	for _, d := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
		head += calPad(d, calCell) + "│"
	}
	v.line(head)
	v.line(calBorder("├", "┼", "┤"))
	firstDay := time.Date(year, month, 1, 12, 0, 0, 0, time.UTC)
	start := firstDay.AddDate(0, 0, -((int(firstDay.Weekday()) + 6) % 7))
	// Weeks outside the range are left out, and days outside it left blank: they are not shown,
	// which is not the same as empty.
	first := true
	for wk := start; wk.Before(firstDay.AddDate(0, 1, 0)); wk = wk.AddDate(0, 0, 7) {
		shown := false
		for i := range 7 {
			if d := wk.AddDate(0, 0, i); d.Month() == month && v.inRange(d) {
				shown = true
			}
		}
		if !shown {
			continue
		}
		if !first {
			v.line(calBorder("├", "┼", "┤"))
		}
		first = false
		cells := make([][]string, 7)
		height := 1
		for i := range 7 {
			d := wk.AddDate(0, 0, i)
			if d.Month() != month || !v.inRange(d) {
				cells[i] = []string{strings.Repeat(" ", calCell)}
				continue
			}
			cells[i] = v.cell(d)
			height = max(height, len(cells[i]))
		}
		for row := range height {
			l := "│"
			for i := range 7 {
				c := strings.Repeat(" ", calCell)
				if row < len(cells[i]) {
					c = cells[i][row]
				}
				l += c + "│"
			}
			v.line(l)
		}
	}
	v.line(calBorder("└", "┴", "┘"))
}

func (v *calView) isWholeMonth(year int, month time.Month) bool {
	f, l := v.a.From.In(v.loc), v.a.To.Add(-time.Nanosecond).In(v.loc)
	return f.Day() == 1 && f.Month() == month && f.Year() == year && l.Month() == month && l.Year() == year && l.AddDate(0, 0, 1).Day() == 1
}

// dayStart is the first instant of a day (given as a date at noon UTC) in the calendar's zone.
func (v *calView) dayStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, v.loc)
}

// inRange says whether the day is inside the agenda's range.
func (v *calView) inRange(d time.Time) bool {
	start, end := v.dayStart(d), v.dayStart(d.AddDate(0, 0, 1))
	return end.After(v.a.From) && start.Before(v.a.To)
}

// blackouts are the blackouts covering part of a day.
func (v *calView) blackouts(d time.Time) []agenda.Span {
	start, end := v.dayStart(d), v.dayStart(d.AddDate(0, 0, 1))
	var out []agenda.Span
	for _, b := range v.a.Blackouts {
		if b.From.Before(end) && b.To.After(start) {
			out = append(out, b)
		}
	}
	return out
}

// cell is one day's lines, each exactly calCell columns wide (colour codes aside).
func (v *calView) cell(d time.Time) []string {
	key := d.Format(dateLayout)
	entries := v.byDay[key]
	head := fmt.Sprintf("%2d", d.Day())
	if key == v.today {
		head += calToday
	}
	if len(v.blackouts(d)) > 0 {
		head += " " + calBlackout
	}
	count := ""
	if len(entries) > 0 {
		count = fmt.Sprint(len(entries))
	}
	plainHead := calPad(head, calCell-calWidth(count)) + count
	styled := plainHead
	if key == v.today {
		styled = v.p.Bold(plainHead)
	}
	lines := []string{styled}
	shown := entries
	if len(entries) > calPerCell {
		shown = entries[:calPerCell]
	}
	for _, e := range shown {
		at := e.At.In(v.loc).Format("15:04")
		top := fmt.Sprintf("%s %s %s", at, calPad(v.abbrev[e.Channel], 2), calMarker(e.Status))
		lines = append(lines, v.style(e, calPad(top, calCell)), v.style(e, calPad(calFit(calClean(e.Title), calCell), calCell)))
	}
	if more := len(entries) - len(shown); more > 0 {
		lines = append(lines, v.p.Dim(calPad(fmt.Sprintf("+%d more", more), calCell)))
	}
	return lines
}

// style colours an entry's text by its pillar; drafts are dim, missed red.
func (v *calView) style(e *agenda.Entry, text string) string {
	switch e.Status {
	case agenda.Draft:
		return v.p.Dim(text)
	case agenda.Missed, agenda.Blocked:
		return v.p.Red(text)
	}
	if i, ok := v.pillars[e.Pillar]; ok && e.Pillar != "" {
		return v.p.wrap(calPillarColours[i%len(calPillarColours)], text)
	}
	return text
}

// ---- week (day by day) view

func (v *calView) days() {
	first := v.a.From.In(v.loc)
	last := v.a.To.Add(-time.Nanosecond).In(v.loc)
	chw := 0
	for _, e := range v.a.Entries {
		chw = max(chw, calWidth(e.Channel))
	}
	chw = min(chw, 12)
	for d := time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, time.UTC); !d.After(time.Date(last.Year(), last.Month(), last.Day(), 12, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		key := d.Format(dateLayout)
		v.line("")
		head := d.Format("Mon 2 Jan")
		styledHead := v.p.Bold(head)
		if key == v.today {
			head += " (today)"
			styledHead = v.p.Bold(head)
		}
		for _, b := range v.blackouts(d) {
			name := b.Name
			if name == "" {
				name = "blackout"
			}
			head += "  " + calBlackout + " " + calClean(name)
			styledHead += "  " + v.p.Yellow(calBlackout+" "+calClean(name))
		}
		shift := v.clockChange(d)
		if shift != "" {
			head += "  " + shift
			styledHead += "  " + v.p.Dim(shift)
		}
		v.wrapLine(styledHead, head, "  ")
		entries := v.byDay[key]
		if len(entries) == 0 {
			v.line(v.p.Dim("  nothing"))
			continue
		}
		tw := 5 // "15:04"; with the zone on the day the clocks change
		if shift != "" {
			for _, e := range entries {
				tw = max(tw, calWidth(e.At.In(v.loc).Format("15:04 MST")))
			}
		}
		for _, e := range entries {
			v.entryLine(e, chw, tw)
		}
	}
}

// clockChange describes a change of the clocks during the day ("clocks change: CET → CEST"), or
// is empty.
func (v *calView) clockChange(d time.Time) string {
	start, end := v.dayStart(d), v.dayStart(d.AddDate(0, 0, 1))
	before, off1 := start.Zone()
	after, off2 := end.Add(-time.Nanosecond).Zone()
	if off1 == off2 {
		return ""
	}
	dir := "forward"
	if off2 < off1 {
		dir = "back"
	}
	return fmt.Sprintf("clocks go %s: %s → %s", dir, before, after)
}

// entryLine is "  09:00  mastodon  ✓  Title…  (pillar)", and the reason of a held, missed,
// blocked or unknown entry below it.
func (v *calView) entryLine(e *agenda.Entry, chw, tw int) {
	at := e.At.In(v.loc).Format("15:04")
	if tw > 5 { // the clocks change that day: 02:30 happens twice, or not at all
		at = calPad(e.At.In(v.loc).Format("15:04 MST"), tw)
	}
	ch := calPad(calFit(e.Channel, chw), chw)
	pillar := ""
	if e.Pillar != "" {
		pillar = calFit(calClean(e.Pillar), 16)
	}
	prefix := fmt.Sprintf("  %s  %s  %s  ", at, ch, calMarker(e.Status))
	room := CalendarWidth - calWidth(prefix)
	if pillar != "" {
		room -= calWidth(pillar) + 2
	}
	title := calClean(e.Title)
	if e.Statement {
		title = "⚑ " + title
	}
	title = calFit(title, room)
	plain := prefix + title
	styled := v.style(e, plain)
	if pillar != "" {
		gap := strings.Repeat(" ", room-calWidth(title)+2)
		styled += gap + v.p.Dim(pillar)
	}
	v.line(styled)
	indent := strings.Repeat(" ", calWidth(prefix))
	switch e.Status {
	case agenda.Held, agenda.Missed, agenda.Blocked, agenda.Unknown:
		if e.Reason != "" {
			for _, l := range calWrap(calClean(e.Reason), CalendarWidth-len(indent)) {
				v.line(v.p.Dim(indent + l))
			}
		}
	case agenda.Published:
		if e.URL != "" {
			v.line(v.p.Dim(indent + calFit(calClean(e.URL), CalendarWidth-len(indent))))
		}
	}
}

// ---- blackouts, campaigns, legend

func (v *calView) spans() {
	if len(v.a.Blackouts) > 0 {
		v.line("")
		v.line(v.p.Bold("Blackouts"))
		for _, b := range v.a.Blackouts {
			text := calClean(calOr(b.Name, "blackout"))
			if len(b.Channels) > 0 {
				text += " (" + strings.Join(b.Channels, ", ") + ")"
			}
			if b.Reason != "" {
				text += ": " + calClean(b.Reason)
			}
			v.spanLine(calSpanDates(b, v.loc), text)
		}
	}
	if len(v.a.Campaigns) > 0 {
		v.line("")
		v.line(v.p.Bold("Campaigns"))
		for _, c := range v.a.Campaigns {
			text := calClean(c.Name)
			if len(c.Channels) > 0 {
				text += " (" + strings.Join(c.Channels, ", ") + ")"
			}
			if len(c.Hashtags) > 0 {
				text += " " + strings.Join(c.Hashtags, " ")
			}
			v.spanLine(calSpanDates(c, v.loc), text)
		}
	}
}

// spanLine writes "  DATES  text", the text wrapped under itself.
func (v *calView) spanLine(dates, text string) {
	prefix := "  " + dates + "  "
	indent := strings.Repeat(" ", calWidth(prefix))
	for i, l := range calWrap(text, CalendarWidth-calWidth(prefix)) {
		if i == 0 {
			v.line(prefix + l)
		} else {
			v.line(indent + l)
		}
	}
}

// calSpanDates shows [From, To) as its first and last day.
func calSpanDates(s agenda.Span, loc *time.Location) string {
	from := s.From.In(loc)
	last := s.To.Add(-time.Nanosecond).In(loc)
	f := from.Format(dateLayout)
	if from.Hour() != 0 || from.Minute() != 0 {
		f += from.Format(" 15:04")
	}
	l := last.Format(dateLayout)
	if end := s.To.In(loc); end.Hour() != 0 || end.Minute() != 0 {
		l = end.Format("2006-01-02 15:04")
	}
	if f == l {
		return f
	}
	return f + " – " + l
}

func (v *calView) legend(week bool) {
	v.line("")
	var items []string
	for _, c := range v.a.Channels {
		items = append(items, v.abbrev[c.ID]+" "+c.ID)
	}
	if !week && len(items) > 0 {
		v.legendLine("Channels:", items, nil)
	}
	var marks []string
	for _, m := range calMarkers {
		marks = append(marks, m.Mark+" "+strings.SplitN(m.Name, ":", 2)[0])
	}
	if !week {
		marks = append(marks, calToday+" today", calBlackout+" blackout", "N publications that day")
	} else {
		marks = append(marks, calBlackout+" blackout", "⚑ holding statement")
	}
	v.legendLine("Markers:", marks, nil)
	if v.p.on && len(v.a.Pillars) > 0 {
		var names, styled []string
		for i, name := range v.a.Pillars {
			names = append(names, calClean(name))
			styled = append(styled, v.p.wrap(calPillarColours[i%len(calPillarColours)], calClean(name)))
		}
		v.legendLine("Pillars:", names, styled)
	}
}

// joinWrap writes items joined by sep, wrapped between items at the width.
func (v *calView) joinWrap(items []string, sep, indent string, style func(string) string) {
	if style == nil {
		style = func(s string) string { return s }
	}
	line := ""
	for _, it := range items {
		it = calFit(it, CalendarWidth-calWidth(indent))
		switch {
		case line == "":
			line = it
		case calWidth(line)+calWidth(sep)+calWidth(it) <= CalendarWidth:
			line += sep + it
		default:
			v.line(style(line))
			line = indent + it
		}
	}
	v.line(style(line))
}

// legendLine writes "Label: a · b · c" wrapped at the width; styled, when given, replaces each
// item on output.
func (v *calView) legendLine(label string, items, styled []string) {
	const sep = "  "
	indent := strings.Repeat(" ", calWidth(label)+1)
	line, plainLen := label+" ", calWidth(label)+1
	first := true
	for i, it := range items {
		out := it
		if styled != nil {
			out = styled[i]
		}
		w := calWidth(it)
		add := w
		if !first {
			add += len(sep)
		}
		if !first && plainLen+add > CalendarWidth {
			v.line(strings.TrimRight(line, " "))
			line, plainLen, first = indent, len(indent), true
			add = w
		}
		if !first {
			line += sep
		}
		line += out
		plainLen += add
		first = false
	}
	v.line(line)
}

// ---- widths

// calClean makes text one line of printable characters.
func calClean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// calWidth is the columns text takes on a terminal: wide runes and emoji take two.
func calWidth(s string) int { return uniseg.StringWidth(s) }

// calPad pads s with spaces to w columns.
func calPad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-calWidth(s))) }

// calFit cuts s to at most w columns, whole grapheme clusters, ending with "…" when cut.
func calFit(s string, w int) string {
	if calWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	state := -1
	rest := s
	for len(rest) > 0 {
		var cluster string
		var cw int
		cluster, rest, cw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+cw > w-1 {
			break
		}
		b.WriteString(cluster)
		used += cw
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

// calWrap breaks text into lines of at most w columns at spaces; a longer word is cut.
func calWrap(text string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		if calWidth(word) > w {
			word = calFit(word, w)
		}
		switch {
		case line == "":
			line = word
		case calWidth(line)+1+calWidth(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	return append(out, line)
}

func calOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
