// Package agenda is the calendar as a calendar app shows it: every publication in a range of days,
// in the calendar's time zone, with what will happen to it (upcoming, held, missed, published…),
// and the blackouts and campaigns around it. It is plain data: the views (a month or week grid on
// the terminal, an iCalendar feed, a static HTML page, JSON) render it.
package agenda

import "time"

// Agenda is the publications of a calendar between From and To.
type Agenda struct {
	Brand     string
	Location  *time.Location // the calendar's time zone; days and weeks are in it
	From, To  time.Time      // [From, To): local midnights
	Now       time.Time
	Channels  []Channel // every channel of calendar.yaml, in file order
	Pillars   []string  // the strategy's pillars, in file order (views colour by index)
	Entries   []Entry   // publications in [From, To), in time order, then by address
	Blackouts []Span    // blackouts overlapping [From, To)
	Campaigns []Span    // campaigns overlapping [From, To)
	Crisis    *Crisis   // the active crisis; nil when none
}

// Channel is one channel of the calendar.
type Channel struct {
	ID       string
	Provider string
	Platform string // mastodon, bluesky or generic: whose limits and counting apply
}

// Status is what will happen, or happened, to a publication.
type Status string

const (
	Upcoming  Status = "upcoming"  // publishes at its time (when due, or scheduled on the platform)
	Scheduled Status = "scheduled" // scheduled on the platform by an earlier apply
	Due       Status = "due"       // its time has come: the next apply publishes it
	Published Status = "published" // public
	Held      Status = "held"      // held by a blackout or the active crisis
	Missed    Status = "missed"    // its time passed without it going out
	Draft     Status = "draft"     // never published
	Blocked   Status = "blocked"   // changed after it was published, or refused by the platform
	Unknown   Status = "unknown"   // an interrupted apply: the next one asks the platform
)

// Entry is one publication: a post on one channel.
type Entry struct {
	Address  string // post-id@channel
	Post     string
	Channel  string
	Title    string // the post's title, or the first words of its text
	At       time.Time
	File     string
	Pillar   string
	Campaign string
	Tags     []string
	Status   Status
	Reason   string // why held, missed or blocked, as plan says it
	URL      string // where it was published, when known
	// Statement says it is the active crisis's holding statement.
	Statement bool

	Text   string  // as the channel publishes it (override applied)
	Thread []Part  // follow-ups
	Media  []Media // attached to the first part
	Length int     // Text counted as the platform counts it
	Limit  int     // the platform's limit; 0: none
	Unit   string  // "characters" or "graphemes"
}

// Part is one follow-up of a thread.
type Part struct {
	Text   string
	Media  []Media
	Length int
}

// Media is an attached file with its alt text.
type Media struct {
	File string
	Alt  string
}

// Span is a blackout or a campaign: [From, To) with a name.
type Span struct {
	Name     string
	From, To time.Time
	Reason   string   // blackouts
	Channels []string // what it applies to; empty: every channel
	Hashtags []string // campaigns
}

// Crisis is the active crisis.
type Crisis struct {
	Playbook string
	Name     string
	Since    time.Time
}
