package view

import (
	"encoding/json"
	"time"

	"github.com/postctl/postctl/agenda"
)

// RenderCalendarJSON writes `postctl calendar --format json`: the agenda as versioned wire types.
// from and to are the first and last day shown (to included), times RFC 3339 in the calendar's
// time zone, and every list is present (empty rather than null).
func RenderCalendarJSON(s *Streams, a *agenda.Agenda) error {
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(calendarToWire(a))
}

type calendarWire struct {
	FormatVersion string            `json:"format_version"`
	Brand         string            `json:"brand"`
	Timezone      string            `json:"timezone"`
	From          string            `json:"from"`
	To            string            `json:"to"`
	Now           string            `json:"now"`
	Channels      []calChannelWire  `json:"channels"`
	Pillars       []string          `json:"pillars"`
	Crisis        *calCrisisWire    `json:"crisis"`
	Summary       map[string]int    `json:"summary"`
	Entries       []calEntryWire    `json:"entries"`
	Blackouts     []calBlackoutWire `json:"blackouts"`
	Campaigns     []calCampaignWire `json:"campaigns"`
}

type calChannelWire struct {
	ID       string `json:"id"`
	Provider string `json:"provider"`
	Platform string `json:"platform"`
}

type calCrisisWire struct {
	Playbook string `json:"playbook"`
	Name     string `json:"name"`
	Since    string `json:"since"`
}

type calEntryWire struct {
	Address   string         `json:"address"`
	Post      string         `json:"post"`
	Channel   string         `json:"channel"`
	Title     string         `json:"title"`
	At        string         `json:"at"`
	Date      string         `json:"date"`
	File      string         `json:"file"`
	Pillar    string         `json:"pillar"`
	Campaign  string         `json:"campaign"`
	Tags      []string       `json:"tags"`
	Status    string         `json:"status"`
	Reason    string         `json:"reason"`
	URL       string         `json:"url"`
	Statement bool           `json:"statement"`
	Text      string         `json:"text"`
	Thread    []calPartWire  `json:"thread"`
	Media     []calMediaWire `json:"media"`
	Length    int            `json:"length"`
	Limit     int            `json:"limit"` // 0: none
	Unit      string         `json:"unit"`
	OverLimit bool           `json:"over_limit"`
}

type calPartWire struct {
	Text      string         `json:"text"`
	Media     []calMediaWire `json:"media"`
	Length    int            `json:"length"`
	OverLimit bool           `json:"over_limit"`
}

type calMediaWire struct {
	File string `json:"file"`
	Alt  string `json:"alt"`
}

type calBlackoutWire struct {
	Name     string   `json:"name"`
	From     string   `json:"from"`
	To       string   `json:"to"` // exclusive
	Reason   string   `json:"reason"`
	Channels []string `json:"channels"`
}

type calCampaignWire struct {
	Name     string   `json:"name"`
	From     string   `json:"from"`
	To       string   `json:"to"` // exclusive
	Channels []string `json:"channels"`
	Hashtags []string `json:"hashtags"`
}

func calendarToWire(a *agenda.Agenda) calendarWire {
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	rfc := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	w := calendarWire{FormatVersion: FormatVersion, Brand: a.Brand, Timezone: loc.String(),
		From: a.From.In(loc).Format(dateLayout), To: a.To.Add(-time.Nanosecond).In(loc).Format(dateLayout), Now: rfc(a.Now),
		Channels: []calChannelWire{}, Pillars: orEmpty(a.Pillars), Summary: map[string]int{},
		Entries: []calEntryWire{}, Blackouts: []calBlackoutWire{}, Campaigns: []calCampaignWire{}}
	if !a.To.After(a.From) {
		w.To = w.From
	}
	for _, c := range a.Channels {
		w.Channels = append(w.Channels, calChannelWire{ID: c.ID, Provider: c.Provider, Platform: c.Platform})
	}
	if c := a.Crisis; c != nil {
		w.Crisis = &calCrisisWire{Playbook: c.Playbook, Name: c.Name, Since: rfc(c.Since)}
	}
	for _, e := range a.Entries {
		w.Summary[string(e.Status)]++
		ew := calEntryWire{Address: e.Address, Post: e.Post, Channel: e.Channel, Title: e.Title, At: rfc(e.At),
			Date: e.At.In(loc).Format(dateLayout), File: e.File, Pillar: e.Pillar, Campaign: e.Campaign,
			Tags: orEmpty(e.Tags), Status: string(e.Status), Reason: e.Reason, URL: e.URL, Statement: e.Statement,
			Text: e.Text, Thread: []calPartWire{}, Media: calMediaToWire(e.Media), Length: e.Length, Limit: e.Limit,
			Unit: e.Unit, OverLimit: e.Limit > 0 && e.Length > e.Limit}
		for _, p := range e.Thread {
			ew.Thread = append(ew.Thread, calPartWire{Text: p.Text, Media: calMediaToWire(p.Media), Length: p.Length,
				OverLimit: e.Limit > 0 && p.Length > e.Limit})
		}
		w.Entries = append(w.Entries, ew)
	}
	for _, b := range a.Blackouts {
		w.Blackouts = append(w.Blackouts, calBlackoutWire{Name: b.Name, From: rfc(b.From), To: rfc(b.To), Reason: b.Reason,
			Channels: orEmpty(b.Channels)})
	}
	for _, c := range a.Campaigns {
		w.Campaigns = append(w.Campaigns, calCampaignWire{Name: c.Name, From: rfc(c.From), To: rfc(c.To),
			Channels: orEmpty(c.Channels), Hashtags: orEmpty(c.Hashtags)})
	}
	return w
}

func calMediaToWire(list []agenda.Media) []calMediaWire {
	out := make([]calMediaWire, 0, len(list))
	for _, m := range list {
		out = append(out, calMediaWire{File: m.File, Alt: m.Alt})
	}
	return out
}
