// Package state is what earlier applies did: one record per publication (post-id@channel) with
// its remote id, URL, content hash, times and status, under a serial that every write increments
// and a lineage that ties a state to the calendar it was created for.
package state

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Version is the state file format this build reads and writes. A newer file is refused, never
// overwritten.
const Version = 1

// Status is where a publication stands on its platform.
type Status string

const (
	// Scheduled: created on a platform that schedules natively, not yet public.
	Scheduled Status = "scheduled"
	// Published: public.
	Published Status = "published"
	// Pending: an irreversible call was started (an intent is recorded) and its result is not
	// known; apply must ask the platform before anything else.
	Pending Status = "pending"
	// Cancelled: a natively scheduled publication that was withdrawn.
	Cancelled Status = "cancelled"
	// Held: withdrawn or kept back by a blackout or crisis; it may come back.
	Held Status = "held"
	// Missed: its time passed while it could not go out; it is not published without --publish-late.
	Missed Status = "missed"
	// Failed: the platform refused it for good (a 4xx); the post must change before a retry.
	Failed Status = "failed"
)

// State is the whole recorded state.
type State struct {
	Version      int                     `json:"version"`
	Serial       uint64                  `json:"serial"`
	Lineage      string                  `json:"lineage"`
	Publications map[string]*Publication `json:"publications"`
}

// Publication is the record of one post on one channel.
type Publication struct {
	Post        string    `json:"post"`
	Channel     string    `json:"channel"`
	Status      Status    `json:"status"`
	RemoteID    string    `json:"remote_id,omitempty"`
	URL         string    `json:"url,omitempty"`
	ContentHash string    `json:"content_hash"`          // plan.ContentHash of what was sent
	PlannedAt   time.Time `json:"planned_at"`            // publish_at when it was applied
	PublishedAt time.Time `json:"published_at,omitzero"` // when it became public
	UpdatedAt   time.Time `json:"updated_at"`
	Reason      string    `json:"reason,omitempty"` // why held, missed or failed
	Intent      *Intent   `json:"intent,omitempty"` // an irreversible call in flight
	// Thread holds the remote ids of a thread's follow-ups, in order, as they are published.
	Thread []string `json:"thread,omitempty"`
	// Cancels counts the scheduled posts withdrawn from the platform (a hold, a replacement): the
	// next one is created with a new idempotency key, because the platform may still answer the
	// old key with the withdrawn post (Mastodon keeps a key for an hour).
	Cancels int `json:"cancels,omitempty"`
}

// Intent is written durably before an irreversible call and cleared with its result.
type Intent struct {
	Action  string    `json:"action"` // publish, schedule, reschedule, cancel, replace
	Key     string    `json:"key"`    // idempotency key: from the address and content
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	// Run identifies the apply that made the call: another run's recent intent may still be in
	// flight and is left alone (see apply.Options.Exclusive).
	Run string `json:"run,omitempty"`
}

// Address is "post-id@channel".
func Address(post, channel string) string { return post + "@" + channel }

// SplitAddress splits "post-id@channel"; a post id cannot contain '@', so the last one splits.
func SplitAddress(addr string) (post, channel string, err error) {
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 || i == len(addr)-1 {
		return "", "", fmt.Errorf("%q is not a publication address: expected post-id@channel", addr)
	}
	return addr[:i], addr[i+1:], nil
}

// New returns an empty state with a fresh lineage.
func New() *State {
	return &State{Version: Version, Lineage: newLineage(), Publications: map[string]*Publication{}}
}

func newLineage() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// Get returns the record at addr, or nil.
func (s *State) Get(addr string) *Publication {
	if s == nil {
		return nil
	}
	return s.Publications[addr]
}

// Addresses lists the recorded addresses in order.
func (s *State) Addresses() []string {
	out := make([]string, 0, len(s.Publications))
	for a := range s.Publications {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Move renames a record, for `state mv` and for posts renamed with moved_from.
func (s *State) Move(from, to string) error {
	p, ok := s.Publications[from]
	if !ok {
		return fmt.Errorf("%s: %w", from, ErrNoRecord)
	}
	if _, taken := s.Publications[to]; taken {
		return fmt.Errorf("%s is already recorded; remove it first with postctl state rm", to)
	}
	post, channel, err := SplitAddress(to)
	if err != nil {
		return err
	}
	delete(s.Publications, from)
	p.Post, p.Channel = post, channel
	s.Publications[to] = p
	return nil
}

// ErrNoRecord means the state has no record at an address.
var ErrNoRecord = errors.New("no such publication in the state")
