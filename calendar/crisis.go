package calendar

import (
	"strings"
	"time"
)

// ActiveCrisis is the crisis in force: crisis.yaml and the playbook it names.
type ActiveCrisis struct {
	Crisis *Crisis
	// Playbook is nil when crisis.yaml names no playbook of the calendar; the crisis then pauses
	// everything, because holding too much is the safe mistake.
	Playbook *Playbook
}

// ActiveCrisis returns the active crisis, or nil when there is none or its activated_at cannot be
// read (validate reports that).
func (c *Calendar) ActiveCrisis() *ActiveCrisis {
	if c == nil || c.Crisis == nil || c.Crisis.Time.IsZero() {
		return nil
	}
	a := &ActiveCrisis{Crisis: c.Crisis}
	for _, pb := range c.Playbooks {
		if pb != nil && pb.ID.Value == c.Crisis.Playbook.Value {
			a.Playbook = pb
			break
		}
	}
	return a
}

// Since is when the crisis was activated.
func (a *ActiveCrisis) Since() time.Time { return a.Crisis.Time }

// Pauses says whether the playbook's pause selects the post on channel. It says nothing about
// time: plan decides which publications are still to come.
func (a *ActiveCrisis) Pauses(p *Post, channel string) bool {
	if a.Playbook == nil {
		return true
	}
	return a.Playbook.Pause.Selects(p, channel)
}

// ExpiresAt is activated_at plus the playbook's expires_after; false when it sets none.
func (a *ActiveCrisis) ExpiresAt() (time.Time, bool) {
	if a.Playbook == nil || !a.Playbook.ExpiresAfter.Set {
		return time.Time{}, false
	}
	d, err := ParseDuration(a.Playbook.ExpiresAfter.Value)
	if err != nil || d <= 0 {
		return time.Time{}, false
	}
	return a.Crisis.Time.Add(d), true
}

// StatementPrefix starts the id of every holding statement. Post ids cannot contain ':', so a
// statement's address never clashes with a post's.
const StatementPrefix = "crisis:"

// StatementID is the id the holding statement of this activation is published under:
// crisis:PLAYBOOK:ACTIVATED_AT (UTC). A later activation of the same playbook is another
// publication, so its statement goes out again; within one activation it goes out once.
func (a *ActiveCrisis) StatementID() string {
	return StatementPrefix + a.Crisis.Playbook.Value + ":" + a.Crisis.Time.UTC().Format("20060102T150405Z")
}

// IsStatement says whether a post id is a holding statement's.
func IsStatement(id string) bool { return strings.HasPrefix(id, StatementPrefix) }

// Statement is the playbook's holding statement as a post due at activated_at, on its channels
// (default: every channel of the calendar); nil when the playbook has none. File is the
// playbook's file, so findings and plans point there.
func (a *ActiveCrisis) Statement(c *Calendar) *Post {
	if a.Playbook == nil || a.Playbook.HoldingStatement == nil {
		return nil
	}
	hs := a.Playbook.HoldingStatement
	channels := hs.Channels
	if len(channels) == 0 && c.Config != nil {
		for _, e := range c.Config.Channels {
			channels = append(channels, e.Key)
		}
	}
	title := a.Playbook.Name.Value
	if title == "" {
		title = a.Playbook.ID.Value
	}
	return &Post{
		File:      a.Playbook.File,
		ID:        String{Value: a.StatementID(), Set: true},
		PublishAt: a.Crisis.ActivatedAt,
		Channels:  channels,
		Title:     String{Value: "Holding statement: " + title, Set: true},
		Text:      hs.Text,
		Overrides: hs.Overrides,
		Thread:    hs.Thread,
		Media:     hs.Media,
		Time:      a.Crisis.Time,
	}
}

// Statement returns the active crisis's holding statement as a post, or nil.
func (c *Calendar) Statement() *Post {
	if a := c.ActiveCrisis(); a != nil {
		return a.Statement(c)
	}
	return nil
}

// DefaultMaxDelay is how late a publication may still go out when its channel sets no max_delay.
const DefaultMaxDelay = time.Hour

// Delay is the channel's max_delay: how late a publication may still go out.
func (ch Channel) Delay() time.Duration {
	if ch.MaxDelay.Set {
		if d, err := ParseDuration(ch.MaxDelay.Value); err == nil {
			return d
		}
	}
	return DefaultMaxDelay
}
