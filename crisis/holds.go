// Package crisis is the crisis side of postctl: which publications a playbook holds, which
// playbooks a message suggests, and activating and resolving a crisis in crisis.yaml.
package crisis

import (
	"sort"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/state"
)

// Held is one publication a playbook holds.
type Held struct {
	Address string // post-id@channel
	Post    *calendar.Post
	Channel string
	At      time.Time
	// Due says its time has passed (at the time Holds was asked about): once the crisis is
	// resolved it is missed, never published late by surprise.
	Due bool
}

// Holds lists, in time order, the non-draft publications that pb's pause selects and that are
// still to go out at now: those due from now on, and, while the crisis has been active since
// `since`, those due since then that their channel's max_delay would still have let out. A nil
// pb pauses everything (an unknown playbook). since zero: only publications from now on (what
// the playbook would hold if activated now).
//
// plan decides the same way (a publication due longer ago than max_delay before the activation
// was missed anyway); it also knows from the state what already went out, which Holds does not.
func Holds(cal *calendar.Calendar, pb *calendar.Playbook, since, now time.Time) []Held {
	var out []Held
	delays := map[string]time.Duration{}
	for _, p := range cal.Posts {
		if p == nil || p.Draft() || p.Time.IsZero() {
			continue
		}
		for _, ch := range p.Channels {
			if pb != nil && !pb.Pause.Selects(p, ch.Value) {
				continue
			}
			from := now
			if !since.IsZero() {
				d, ok := delays[ch.Value]
				if !ok {
					d = calendar.DefaultMaxDelay
					if c, found := cal.Channel(ch.Value); found {
						d = c.Delay()
					}
					delays[ch.Value] = d
				}
				if start := since.Add(-d); start.Before(from) {
					from = start
				}
			}
			if p.Time.Before(from) {
				continue
			}
			out = append(out, Held{Address: state.Address(p.ID.Value, ch.Value), Post: p, Channel: ch.Value, At: p.Time,
				Due: !p.Time.After(now)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Address < out[j].Address
	})
	return out
}

// Active lists what the active crisis holds at now; nil without an active crisis.
func Active(cal *calendar.Calendar, now time.Time) []Held {
	a := cal.ActiveCrisis()
	if a == nil {
		return nil
	}
	return Holds(cal, a.Playbook, a.Since(), now)
}
