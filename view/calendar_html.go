package view

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/postctl/postctl/agenda"
)

// The page `postctl calendar --format html` writes: one self-contained file a team can publish
// from CI. Inline CSS only, a Content-Security-Policy that forbids fetching anything, no script:
// it works offline, without JavaScript, and prints. Every text goes through html/template.

//go:embed calendar.html.tmpl
var calendarHTMLSource string

var calendarHTMLTemplate = template.Must(template.New("calendar.html").Parse(calendarHTMLSource))

// pillarColours is the fixed palette the page colours pillars with, by the pillar's index in the
// strategy: the same order as the terminal's. Each is dark enough to be seen as a stripe on white
// (at least 3:1).
const pillarColours = 8

// RenderCalendarHTML writes `postctl calendar --format html`.
func RenderCalendarHTML(s *Streams, a *agenda.Agenda) error {
	var buf bytes.Buffer
	if err := calendarHTMLTemplate.Execute(&buf, newHTMLPage(a)); err != nil {
		return fmt.Errorf("render the calendar page: %w", err)
	}
	_, err := s.Out.Write(buf.Bytes())
	return err
}

type htmlPage struct {
	Brand     string
	Zone      string
	Range     string
	FromISO   string
	ToISO     string // the last day
	Generated string
	NowISO    string
	Count     int
	Crisis    *htmlCrisis
	Months    []htmlMonth
	Weekdays  []htmlWeekday
	Pillars   []htmlPillar
	Statuses  []htmlStatus
	Blackouts []htmlSpan
	Campaigns []htmlSpan
}

type htmlCrisis struct {
	Name, Playbook, Since, SinceISO string
}

type htmlWeekday struct{ Short, Long string }

type htmlMonth struct {
	ID      string
	Title   string
	Count   int
	Weeks   [][]htmlDay
	Entries []*htmlEntry
}

type htmlDay struct {
	Blank    bool // a day of another month, to fill the week
	Day      int
	ISO      string
	Label    string // "Tuesday 1 December 2026"
	Outside  bool   // not in [From, To)
	Today    bool
	Blackout string // "Blackout: Christmas" when a blackout covers any of the day
	Entries  []*htmlEntry
}

type htmlEntry struct {
	ID        string
	Address   string
	Date      string
	Time      string
	ISO       string
	Channel   string
	Platform  string
	Title     string
	Pillar    string
	Colour    string // CSS class of the pillar's colour
	Campaign  string
	Tags      string
	File      string
	Status    string
	Reason    string
	URL       string
	Statement bool
	Parts     []htmlPart
	Thread    bool
}

type htmlPart struct {
	N      int
	Text   string
	Media  []agenda.Media
	Length string
	Over   bool
}

type htmlPillar struct{ Name, Colour string }

type htmlStatus struct{ Name, Meaning string }

type htmlSpan struct {
	Name     string
	Dates    string
	Reason   string
	Channels string
	Hashtags string
}

// statusMeanings is the legend, in the order a post goes through them.
var statusMeanings = []htmlStatus{
	{string(agenda.Upcoming), "publishes at its time"},
	{string(agenda.Scheduled), "scheduled on the platform"},
	{string(agenda.Due), "its time has come: the next apply publishes it"},
	{string(agenda.Published), "public; the badge links to it"},
	{string(agenda.Held), "held by a blackout or the active crisis"},
	{string(agenda.Missed), "its time passed without it going out"},
	{string(agenda.Draft), "a draft: never published"},
	{string(agenda.Blocked), "changed after publishing, or refused by the platform"},
	{string(agenda.Unknown), "an interrupted apply: the next one asks the platform"},
}

const (
	htmlDate     = "2006-01-02"
	htmlDateTime = "2006-01-02 15:04 MST"
)

func newHTMLPage(a *agenda.Agenda) htmlPage {
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	from, to := a.From.In(loc), a.To.In(loc)
	last := to.Add(-time.Nanosecond)
	p := htmlPage{
		Brand:     a.Brand,
		Zone:      loc.String(),
		FromISO:   from.Format(htmlDate),
		ToISO:     last.Format(htmlDate),
		Generated: a.Now.In(loc).Format(htmlDateTime),
		NowISO:    a.Now.UTC().Format(time.RFC3339),
		Count:     len(a.Entries),
		Statuses:  statusMeanings,
	}
	p.Range = dates(p.FromISO, p.ToISO)
	if !to.After(from) {
		p.Range, p.ToISO = p.FromISO, p.FromISO
	}
	if c := a.Crisis; c != nil {
		p.Crisis = &htmlCrisis{Name: c.Name, Playbook: c.Playbook, Since: c.Since.In(loc).Format(htmlDateTime), SinceISO: c.Since.UTC().Format(time.RFC3339)}
	}
	for d := range 7 {
		wd := time.Weekday((d + 1) % 7)
		p.Weekdays = append(p.Weekdays, htmlWeekday{Short: wd.String()[:3], Long: wd.String()})
	}
	colour := map[string]string{}
	for i, name := range a.Pillars {
		c := fmt.Sprintf("p%d", i%pillarColours)
		colour[name] = c
		p.Pillars = append(p.Pillars, htmlPillar{Name: name, Colour: c})
	}
	platform := map[string]string{}
	for _, ch := range a.Channels {
		platform[ch.ID] = ch.Platform
	}

	byDay := map[string][]*htmlEntry{}
	for i, e := range a.Entries {
		he := newHTMLEntry(i, e, loc, colour, platform)
		byDay[he.Date] = append(byDay[he.Date], he)
	}

	today := a.Now.In(loc).Format(htmlDate)
	if to.After(from) {
		for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc); m.Before(to); m = m.AddDate(0, 1, 0) {
			p.Months = append(p.Months, newHTMLMonth(m, from, to, today, a.Blackouts, byDay))
		}
	}
	for _, b := range a.Blackouts {
		p.Blackouts = append(p.Blackouts, newHTMLSpan(b, loc))
	}
	for _, c := range a.Campaigns {
		p.Campaigns = append(p.Campaigns, newHTMLSpan(c, loc))
	}
	return p
}

func newHTMLMonth(first, from, to time.Time, today string, blackouts []agenda.Span, byDay map[string][]*htmlEntry) htmlMonth {
	loc := first.Location()
	m := htmlMonth{ID: "m" + first.Format("2006-01"), Title: first.Format("January 2006")}
	// Monday-based column of the 1st.
	lead := (int(first.Weekday()) + 6) % 7
	var week []htmlDay
	for range lead {
		week = append(week, htmlDay{Blank: true})
	}
	for d := first; d.Month() == first.Month(); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		iso := d.Format(htmlDate)
		day := htmlDay{
			Day:     d.Day(),
			ISO:     iso,
			Label:   d.Format("Monday 2 January 2006"),
			Outside: !d.Before(to) || !next.After(from),
			Today:   iso == today,
		}
		var names []string
		for _, b := range blackouts {
			if b.From.Before(next) && b.To.After(d) {
				name := b.Name
				if len(b.Channels) > 0 {
					name = strings.TrimSpace(name + " (" + strings.Join(b.Channels, ", ") + ")")
				}
				if name != "" {
					names = append(names, name)
				}
				day.Blackout = "Blackout"
			}
		}
		if len(names) > 0 {
			day.Blackout += ": " + strings.Join(names, "; ")
		}
		if !day.Outside {
			day.Entries = byDay[iso]
			m.Entries = append(m.Entries, day.Entries...)
		}
		week = append(week, day)
		if len(week) == 7 {
			m.Weeks = append(m.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, htmlDay{Blank: true})
		}
		m.Weeks = append(m.Weeks, week)
	}
	m.Count = len(m.Entries)
	return m
}

func newHTMLEntry(i int, e agenda.Entry, loc *time.Location, colour, platform map[string]string) *htmlEntry {
	at := e.At.In(loc)
	he := &htmlEntry{
		ID:        fmt.Sprintf("e%d", i+1),
		Address:   e.Address,
		Date:      at.Format(htmlDate),
		Time:      at.Format("15:04"),
		ISO:       e.At.UTC().Format(time.RFC3339),
		Channel:   e.Channel,
		Platform:  platform[e.Channel],
		Title:     e.Title,
		Pillar:    e.Pillar,
		Colour:    "pn",
		Campaign:  e.Campaign,
		Tags:      strings.Join(e.Tags, ", "),
		File:      e.File,
		Status:    string(e.Status),
		Reason:    e.Reason,
		URL:       e.URL,
		Statement: e.Statement,
		Thread:    len(e.Thread) > 0,
	}
	if he.Status == "" {
		he.Status = string(agenda.Unknown)
	}
	if he.Title == "" {
		he.Title = e.Post
	}
	if he.Platform == he.Channel {
		he.Platform = "" // "mastodon (mastodon)" says it twice
	}
	if c, ok := colour[e.Pillar]; ok {
		he.Colour = c
	}
	he.Parts = append(he.Parts, newHTMLPart(1, e.Text, e.Media, e.Length, e.Limit, e.Unit))
	for j, t := range e.Thread {
		he.Parts = append(he.Parts, newHTMLPart(j+2, t.Text, t.Media, t.Length, e.Limit, e.Unit))
	}
	return he
}

func newHTMLPart(n int, text string, media []agenda.Media, length, limit int, unit string) htmlPart {
	if unit == "" {
		unit = "characters"
	}
	p := htmlPart{N: n, Text: strings.TrimRight(text, "\n"), Media: media}
	if limit > 0 {
		p.Length = fmt.Sprintf("%d/%d %s", length, limit, unit)
		if length > limit {
			p.Over = true
			p.Length += fmt.Sprintf(", %d over the limit", length-limit)
		}
	} else {
		p.Length = fmt.Sprintf("%d %s", length, unit)
	}
	return p
}

func newHTMLSpan(s agenda.Span, loc *time.Location) htmlSpan {
	from, to := s.From.In(loc), s.To.In(loc)
	midnight := func(t time.Time) bool { return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 }
	var d string
	if midnight(from) && midnight(to) {
		d = dates(from.Format(htmlDate), to.Add(-time.Nanosecond).Format(htmlDate))
	} else {
		d = dates(from.Format("2006-01-02 15:04"), to.Format("2006-01-02 15:04"))
	}
	name := s.Name
	if name == "" {
		name = "(unnamed)"
	}
	hs := htmlSpan{Name: name, Dates: d, Reason: strings.Join(strings.Fields(s.Reason), " "), Channels: strings.Join(s.Channels, ", ")}
	var tags []string
	for _, h := range s.Hashtags {
		if !strings.HasPrefix(h, "#") {
			h = "#" + h
		}
		tags = append(tags, h)
	}
	hs.Hashtags = strings.Join(tags, " ")
	return hs
}
