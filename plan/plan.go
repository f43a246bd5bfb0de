// Package plan says what apply would do: it compares the calendar (every non-draft post on each of
// its channels is one publication, addressed post-id@channel) with the recorded state (what earlier
// applies did) at a time, and returns the result as plain data for the views and for apply.
//
// # Actions
//
// A publication without a record, or one whose record no longer binds it (cancelled, held, missed,
// failed with another content), is decided afresh:
//
//   - held by a blackout whose span contains its time, or by the active crisis (from activated_at
//     on) whose playbook pauses it: held, without a call. A publication whose hold has ended and
//     whose time has passed is missed, never published late by surprise;
//   - in the future: schedule when its channel schedules natively (provider mastodon with
//     scheduling: native), it is a single post (threads never are) and its time is at least
//     NativeLead ahead; otherwise it is upcoming and publishes when due;
//   - due (publish_at ≤ at): publish (irreversible), unless it is due longer ago than its channel's
//     max_delay (default 1h): missed, which Options.PublishLate turns into publish.
//
// A record binds its publication:
//
//   - pending (an earlier apply was interrupted mid-call): unknown, always, even when the post is
//     gone: apply asks the platform and never publishes blind;
//   - published, or natively scheduled for a time that has passed (the platform published it): no
//     change while the post is unchanged; a changed text, media or time is blocked, with the
//     changed fields, and never edited silently;
//   - natively scheduled for later: cancel when the post was removed, became a draft, dropped the
//     channel or is now held; reschedule when only the time changed and the new time can still be
//     scheduled natively; replace (delete and create) when the content changed, or when the new time
//     cannot be scheduled natively (the replacement is then published now when due, or when due
//     later); a replacement due longer ago than max_delay is cancelled and reported missed unless
//     PublishLate;
//   - held or cancelled: decided afresh while its time is in the future (a resolved crisis or an
//     ended blackout brings it back); once its time has passed it is missed (PublishLate publishes
//     it), or still held while the hold lasts;
//   - missed: stays missed unless PublishLate or its time moved to the future;
//   - failed (the platform refused it for good): blocked while the post is unchanged; a changed
//     post is decided afresh.
//
// A record of another status (written by a newer postctl) is unknown. Records of posts whose time
// or channel cannot be read are left alone: an invalid calendar never cancels anything.
//
// moved_from carries the records of the old id to the new one on each channel (a note in the
// plan, and Plan.Moves for apply), unless the new address already has a record.
//
// # Guard
//
// A plan that would cancel every natively scheduled publication (at least one) because posts were
// removed or became drafts fails with ErrEmpty unless Options.AllowEmpty: a wrong directory or an
// emptied calendar must not silently withdraw everything. Cancellations by a blackout or crisis
// are deliberate and don't count.
//
// # Validity
//
// Plan.ValidUntil is when a saved plan goes stale: the earliest of each natively scheduled time the
// plan creates or moves minus NativeLead, each scheduled time it cancels or replaces, each due
// publication's time plus max_delay (it would be missed by then), and the time of the first
// publication that publishes when due and is not yet due (the plan would lack it). Zero means that
// time alone never makes the plan stale.
//
// # Summary
//
// Summary is the one place that counts the plan: its Line is the summary line every view prints,
// and Changes (> 0) is what --detailed-exitcode reports. Schedule, publish, reschedule, replace,
// cancel and unknown are changes (apply has work to do); blocked, missed and held are reported but
// are not changes.
package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/state"
)

// Action is what apply does with one publication.
type Action string

const (
	Schedule   Action = "schedule"   // + create natively scheduled on the platform
	Publish    Action = "publish"    // ! publish now; irreversible
	Reschedule Action = "reschedule" // ~ move a natively scheduled post
	Replace    Action = "replace"    // -/+ delete a scheduled, not yet public post and create it anew
	Cancel     Action = "cancel"     // - delete a scheduled, not yet public post
	Published  Action = "published"  // = already public and unchanged (not listed as a change)
	Blocked    Action = "blocked"    // = public (or refused) and changed since: never edited silently
	Unknown    Action = "unknown"    // ? an interrupted call: apply asks the platform
	Missed     Action = "missed"     // due longer ago than max_delay: not published without PublishLate
	Held       Action = "held"       // held by a blackout or crisis
)

// IsChange says whether apply has work to do for the action.
func (a Action) IsChange() bool {
	switch a {
	case Schedule, Publish, Reschedule, Replace, Cancel, Unknown:
		return true
	}
	return false
}

// DefaultHorizon is how far ahead the plan lists upcoming publications.
const DefaultHorizon = 7 * 24 * time.Hour

// DefaultMaxDelay is how late a publication may still go out when its channel sets no max_delay.
const DefaultMaxDelay = calendar.DefaultMaxDelay

// NativeLead is how far ahead a post must be to be scheduled natively (Mastodon's minimum).
const NativeLead = 5 * time.Minute

// Options tune a plan.
type Options struct {
	At          time.Time     // the plan's "now"
	Horizon     time.Duration // how far ahead to list upcoming publications; 0 = DefaultHorizon
	PublishLate bool          // publish what is due longer ago than max_delay instead of missing it
	AllowEmpty  bool          // allow a plan that cancels every scheduled publication
}

// Plan is what apply would do.
type Plan struct {
	At          time.Time
	Location    *time.Location // the calendar's time zone, for showing times
	Horizon     time.Duration
	Commit      string // HEAD of the calendar's repository; set by the caller, empty outside git
	StateSerial uint64
	Lineage     string     // the state's lineage; empty while there is no state yet (serial 0)
	Changes     []Change   // in time order, then by address
	Upcoming    []Upcoming // due within (At, At+Horizon], in time order
	Moves       []Move     // records carried to a renamed post's address
	Holds       []Hold     // state-only updates: holds to record, ended holds to forget
	Crisis      *Crisis    // the active crisis; nil when there is none
	Notes       []string
	ValidUntil  time.Time // zero: time alone never makes the plan stale
}

// Crisis is the active crisis as the plan sees it.
type Crisis struct {
	Playbook string // the id crisis.yaml names
	Name     string // the playbook's name; empty when the playbook is unknown
	Severity string
	Known    bool // the playbook exists; an unknown one pauses everything
	Since    time.Time
	By       string
	Reason   string
	File     string // crisis.yaml
	// Held counts the publications the crisis holds in this plan (held, or cancelled on the
	// platform).
	Held      int
	Statement []string // the holding statement's addresses, one per channel
	// ExpiresAfter is the playbook's expires_after (0: none); Expired says the crisis has been
	// active longer than that at the plan's time, which every view warns about loudly.
	ExpiresAfter time.Duration
	Expired      bool
}

// Hold is a state-only update apply makes without calling a platform. A held publication is
// recorded as held, so that once the hold ends a publication whose time passed meanwhile is
// missed rather than published late by surprise. Release forgets a held record whose hold ended
// before its time: the publication is back in the calendar and publishes when due.
type Hold struct {
	Address string
	Post    string
	Channel string
	At      time.Time
	Hash    string
	Reason  string
	Release bool
}

// Change is one publication's action with its reason.
type Change struct {
	Address      string
	Post         string
	Channel      string
	Action       Action
	Reason       string
	Irreversible bool
	At           time.Time // the publication's time (the recorded one when the post is gone)
	File         string    // the post's file; empty when the post is gone
	Hash         string    // ContentHash of the publication as the calendar has it; empty when gone
	MovedFrom    string    // the address its record was carried from
	Fields       []FieldChange
	// Hold says a cancel withdraws a natively scheduled post because a blackout or the crisis
	// holds it: apply records it as held, and it is scheduled again when the hold ends.
	Hold bool
	// Statement says the publication is the active crisis's holding statement.
	Statement bool
}

// FieldChange is one changed field of a publication: publish_at (RFC 3339 in the calendar's time
// zone) or content (short content hashes: state keeps the hash, not the text).
type FieldChange struct {
	Name, Before, After string
}

// Upcoming is a publication that becomes due within the horizon.
type Upcoming struct {
	Address string
	Post    string
	Channel string
	At      time.Time
	File    string
	Native  bool // the platform publishes it (natively scheduled, or scheduled by this plan)
}

// Move is a record carried from a post's old id to its new one.
type Move struct{ From, To string }

// ErrEmpty refuses a plan that would cancel every scheduled publication.
var ErrEmpty = errors.New("the plan would cancel every scheduled publication")

// pub is one desired publication.
type pub struct {
	addr     string
	post     *calendar.Post
	channel  string
	native   bool // the channel schedules natively
	time     time.Time
	maxDelay time.Duration
	hash     string
	// statement is the crisis's holding statement: never held, and due for as long as the
	// crisis lasts (max_delay does not make it missed).
	statement bool
}

type hold struct {
	reason  string
	current bool // the hold still lasts at the plan's time
	crisis  bool // held by the crisis rather than a blackout
}

type computer struct {
	cal    *calendar.Calendar
	st     *state.State
	opts   Options
	at     time.Time
	loc    *time.Location
	plan   *Plan
	crisis *calendar.ActiveCrisis
	// crisisHold is the one hold of every publication the crisis holds.
	crisisHold hold

	hasher     *hasher
	channels   map[string]channelInfo
	desired    map[string]*pub
	posts      map[string]*calendar.Post
	undecided  map[string]bool   // addresses whose channel cannot be read, and posts (by id) whose time cannot
	carried    map[string]string // new address → old address
	carriedOff map[string]string // old address → new address
	native     int               // scheduled records not yet public
	emptied    int               // of those, cancelled because the post is gone or a draft
}

// Compute compares the calendar with the state at opts.At. With ErrEmpty it still returns the
// plan, for callers that want to show it.
func Compute(cal *calendar.Calendar, st *state.State, opts Options) (*Plan, error) {
	if opts.Horizon <= 0 {
		opts.Horizon = DefaultHorizon
	}
	if st == nil {
		st = &state.State{Publications: map[string]*state.Publication{}}
	}
	lineage := st.Lineage
	if st.Serial == 0 {
		lineage = "" // a state never written gets a new lineage at each read: it has none yet
	}
	loc := time.UTC
	if cal.Location != nil {
		loc = cal.Location
	}
	c := &computer{cal: cal, st: st, opts: opts, at: opts.At, loc: loc,
		plan:   &Plan{At: opts.At, Location: loc, Horizon: opts.Horizon, StateSerial: st.Serial, Lineage: lineage},
		hasher: newHasher(cal), channels: map[string]channelInfo{}, desired: make(map[string]*pub, len(cal.Posts)*2), posts: make(map[string]*calendar.Post, len(cal.Posts)), undecided: map[string]bool{},
		carried: map[string]string{}, carriedOff: map[string]string{}}
	c.crisisInfo()
	order := c.collect()
	c.moves()
	for _, d := range order {
		c.decide(d)
	}
	c.orphans()
	sortPlan(c.plan)
	if c.native > 0 && c.emptied == c.native && !opts.AllowEmpty {
		return c.plan, fmt.Errorf("%w (%d of %d)", ErrEmpty, c.emptied, c.native)
	}
	return c.plan, nil
}

// collect lists the desired publications in a stable order.
func (c *computer) collect() []*pub {
	n := 0
	for _, p := range c.cal.Posts {
		if p != nil {
			n += len(p.Channels)
		}
	}
	slab := make([]pub, 0, n) // one allocation for every publication
	order := make([]*pub, 0, n)
	for _, p := range c.cal.Posts {
		if p == nil {
			continue
		}
		id := p.ID.Value
		c.posts[id] = p
		if p.Draft() {
			continue
		}
		for _, chID := range p.Channels {
			addr := state.Address(id, chID.Value)
			ch, ok := c.channel(chID.Value)
			if !ok || p.Time.IsZero() {
				c.undecided[addr] = true
				continue
			}
			if _, dup := c.desired[addr]; dup {
				continue // a channel listed twice, or two posts with one id: validate reports it
			}
			slab = append(slab, pub{addr: addr, post: p, channel: chID.Value, native: ch.native, time: p.Time, maxDelay: ch.maxDelay,
				hash: c.hasher.hash(p, chID.Value)})
			d := &slab[len(slab)-1]
			c.desired[addr] = d
			order = append(order, d)
		}
		if p.Time.IsZero() {
			c.undecided[id] = true // its records are left alone
		}
	}
	if c.crisis != nil {
		if st := c.crisis.Statement(c.cal); st != nil {
			c.posts[st.ID.Value] = st
			for _, chID := range st.Channels {
				addr := state.Address(st.ID.Value, chID.Value)
				ch, ok := c.channel(chID.Value)
				if _, dup := c.desired[addr]; !ok || dup {
					continue
				}
				d := &pub{addr: addr, post: st, channel: chID.Value, native: ch.native, time: st.Time, maxDelay: ch.maxDelay,
					hash: c.hasher.hash(st, chID.Value), statement: true}
				c.desired[addr] = d
				order = append(order, d)
				c.plan.Crisis.Statement = append(c.plan.Crisis.Statement, addr)
			}
		}
	}
	return order
}

// channelInfo is what the plan needs of a channel's settings.
type channelInfo struct {
	native   bool
	maxDelay time.Duration
}

// channel reads a channel's settings once per plan.
func (c *computer) channel(id string) (channelInfo, bool) {
	if info, ok := c.channels[id]; ok {
		return info, true
	}
	ch, ok := c.cal.Channel(id)
	if !ok {
		return channelInfo{}, false
	}
	info := channelInfo{native: ch.Provider.Value == "mastodon" && ch.Scheduling.Value == "native", maxDelay: ch.Delay()}
	c.channels[id] = info
	return info, true
}

// moves carries records of renamed posts (moved_from) to their new addresses.
func (c *computer) moves() {
	renamed := map[string]string{} // old id → new id
	for _, p := range c.cal.Posts {
		if p != nil && p.MovedFrom.Set && p.MovedFrom.Value != "" {
			renamed[p.MovedFrom.Value] = p.ID.Value
		}
	}
	if len(renamed) == 0 {
		return
	}
	for addr := range c.st.Publications {
		post, ch, err := state.SplitAddress(addr)
		if err != nil {
			continue
		}
		newID, ok := renamed[post]
		if !ok {
			continue
		}
		to := state.Address(newID, ch)
		if c.st.Publications[to] != nil {
			c.plan.Notes = append(c.plan.Notes, fmt.Sprintf("%s is not carried to %s (moved_from): %s already has a record", addr, to, to))
			continue
		}
		c.carried[to] = addr
		c.carriedOff[addr] = to
		c.plan.Moves = append(c.plan.Moves, Move{From: addr, To: to})
		c.plan.Notes = append(c.plan.Notes, fmt.Sprintf("%s moved to %s (moved_from): its record goes with it", addr, to))
	}
}

// record is the record that binds addr, carried from a renamed post's old address if need be.
func (c *computer) record(addr string) (*state.Publication, string) {
	if from, ok := c.carried[addr]; ok {
		return c.st.Publications[from], from
	}
	return c.st.Publications[addr], ""
}

func (c *computer) bound(t time.Time) {
	if c.plan.ValidUntil.IsZero() || t.Before(c.plan.ValidUntil) {
		c.plan.ValidUntil = t
	}
}

func (c *computer) add(ch Change) {
	c.plan.Changes = append(c.plan.Changes, ch)
}

// held adds a held publication, and the hold to record unless its record says so already.
func (c *computer) held(d *pub, h *hold, r *state.Publication) {
	c.add(c.change(d, Held, h.reason))
	if h.crisis {
		c.plan.Crisis.Held++
	}
	if r == nil || r.Status != state.Held {
		c.plan.Holds = append(c.plan.Holds, Hold{Address: d.addr, Post: d.post.ID.Value, Channel: d.channel, At: d.time, Hash: d.hash, Reason: h.reason})
	}
}

func (c *computer) change(d *pub, a Action, reason string) Change {
	return Change{Address: d.addr, Post: d.post.ID.Value, Channel: d.channel, Action: a, Reason: reason,
		At: d.time, File: d.post.File, Hash: d.hash, MovedFrom: c.carried[d.addr]}
}

// activeScheduled says whether a record is natively scheduled and not yet public.
func (c *computer) activeScheduled(r *state.Publication) bool {
	return r.Status == state.Scheduled && r.PlannedAt.After(c.at)
}

func (c *computer) decide(d *pub) {
	r, _ := c.record(d.addr)
	if r == nil {
		c.fresh(d, nil)
		return
	}
	if c.activeScheduled(r) {
		c.native++
	}
	switch r.Status {
	case state.Pending:
		c.unknown(d.addr, d, r)
	case state.Published:
		c.published(d, r, "")
	case state.Scheduled:
		if !r.PlannedAt.After(c.at) {
			c.published(d, r, fmt.Sprintf("scheduled on the platform for %s, which has passed", c.when(r.PlannedAt)))
			return
		}
		c.scheduled(d, r)
	case state.Held, state.Cancelled:
		if d.time.After(c.at) {
			n := len(c.plan.Changes)
			c.fresh(d, r)
			if r.Status == state.Held && len(c.plan.Changes) == n && c.hold(d) == nil {
				// The hold ended before its time and the publication goes out when due: forget the
				// hold, so that it is not missed even if no apply runs until then. (One scheduled
				// again now keeps its record, and the count of its cancels, for a new key.)
				c.plan.Holds = append(c.plan.Holds, Hold{Address: d.addr, Post: d.post.ID.Value, Channel: d.channel, At: d.time,
					Hash: d.hash, Reason: "the hold ended before its time", Release: true})
			}
			return
		}
		if h := c.hold(d); h != nil && h.current {
			c.held(d, h, r)
			return
		}
		c.late(d, fmt.Sprintf("was %s and its time, %s, has passed", r.Status, c.when(d.time)))
	case state.Missed:
		if d.time.After(c.at) {
			c.fresh(d, r)
			return
		}
		c.late(d, fmt.Sprintf("missed its time, %s", c.when(d.time)))
	case state.Failed:
		if d.hash == r.ContentHash && d.time.Equal(r.PlannedAt) {
			why := "the platform refused it"
			if r.Reason != "" {
				why += ": " + r.Reason
			}
			c.add(c.change(d, Blocked, why+"; change the post to try again"))
			return
		}
		c.fresh(d, r)
	default:
		c.unknown(d.addr, d, r)
	}
}

// fresh decides a publication that no record binds; r is its record that no longer binds it.
func (c *computer) fresh(d *pub, r *state.Publication) {
	if h := c.hold(d); h != nil {
		if h.current || d.time.After(c.at) {
			c.held(d, h, r)
			return
		}
		c.late(d, h.reason+" at its time, "+c.when(d.time))
		return
	}
	if d.statement && !d.time.After(c.at) {
		// Due for as long as the crisis lasts: a holding statement is never missed.
		ch := c.change(d, Publish, fmt.Sprintf("the holding statement of the crisis %q, activated %s: published now",
			c.crisis.Crisis.Playbook.Value, c.when(d.time)))
		ch.Irreversible, ch.Statement = true, true
		c.add(ch)
		return
	}
	if d.time.After(c.at) {
		if why := c.nativeWhyNot(d); why == "" {
			c.add(c.change(d, Schedule, fmt.Sprintf("new: scheduled on %s for %s", d.channel, c.when(d.time))))
			c.bound(d.time.Add(-NativeLead))
			c.upcoming(d, true)
			return
		}
		c.upcoming(d, false)
		return
	}
	c.due(d, "")
}

// due decides a publication whose time has come: publish, or missed when it is later than
// max_delay. prefix starts the reason.
func (c *computer) due(d *pub, prefix string) {
	ago := c.at.Sub(d.time)
	if ago > d.maxDelay {
		if c.opts.PublishLate {
			ch := c.change(d, Publish, prefix+fmt.Sprintf("was due at %s, %s ago, later than max_delay %s: published late (--publish-late)",
				c.when(d.time), fmtDuration(ago), fmtDuration(d.maxDelay)))
			ch.Irreversible = true
			c.add(ch)
			return
		}
		c.add(c.change(d, Missed, prefix+fmt.Sprintf("was due at %s, %s ago, later than max_delay %s: not published without --publish-late",
			c.when(d.time), fmtDuration(ago), fmtDuration(d.maxDelay))))
		return
	}
	ch := c.change(d, Publish, prefix+fmt.Sprintf("due at %s (%s ago): published now", c.when(d.time), fmtDuration(ago)))
	ch.Irreversible = true
	c.add(ch)
	if !c.opts.PublishLate {
		c.bound(d.time.Add(d.maxDelay))
	}
}

// late decides a publication that was held, cancelled or missed and whose time has passed: missed,
// unless PublishLate.
func (c *computer) late(d *pub, why string) {
	if c.opts.PublishLate {
		ch := c.change(d, Publish, why+": published late (--publish-late)")
		ch.Irreversible = true
		c.add(ch)
		return
	}
	c.add(c.change(d, Missed, why+": not published without --publish-late"))
}

func (c *computer) unknown(addr string, d *pub, r *state.Publication) {
	reason := "an earlier apply was interrupted; apply will ask the platform, never publish again blind"
	if r.Status != state.Pending {
		reason = fmt.Sprintf("the state records status %q, which this postctl does not know; apply will ask the platform", r.Status)
	}
	if d != nil {
		c.add(c.change(d, Unknown, reason))
		return
	}
	post, ch, _ := state.SplitAddress(addr)
	c.add(Change{Address: addr, Post: post, Channel: ch, Action: Unknown, Reason: reason + " (the post is no longer in the calendar)",
		At: r.PlannedAt})
}

// published handles a public publication: unchanged is no change; changed is blocked.
func (c *computer) published(d *pub, r *state.Publication, prefix string) {
	fields := c.fields(d, r)
	if len(fields) == 0 {
		return
	}
	when := r.PublishedAt
	if when.IsZero() {
		when = r.PlannedAt
	}
	reason := prefix
	if reason == "" {
		reason = "published at " + c.when(when)
	}
	if r.URL != "" {
		reason += " (" + r.URL + ")"
	}
	reason += ": a published post is never edited or published again; revert the change, or give the post a new id to publish it anew"
	ch := c.change(d, Blocked, reason)
	ch.Fields = fields
	c.add(ch)
}

// fields lists what changed between the record and the calendar.
func (c *computer) fields(d *pub, r *state.Publication) []FieldChange {
	var out []FieldChange
	if !d.time.Equal(r.PlannedAt) {
		out = append(out, FieldChange{Name: "publish_at", Before: c.rfc(r.PlannedAt), After: c.rfc(d.time)})
	}
	if d.hash != r.ContentHash {
		out = append(out, FieldChange{Name: "content", Before: short(r.ContentHash), After: short(d.hash)})
	}
	return out
}

// scheduled handles a natively scheduled publication that is not public yet.
func (c *computer) scheduled(d *pub, r *state.Publication) {
	if h := c.hold(d); h != nil {
		ch := c.change(d, Cancel, h.reason+": the scheduled post is deleted and scheduled again when the hold ends")
		ch.Hold = true
		c.add(ch)
		if h.crisis {
			c.plan.Crisis.Held++
		}
		c.bound(r.PlannedAt)
		return
	}
	fields := c.fields(d, r)
	if len(fields) == 0 {
		c.upcoming(d, true)
		return
	}
	contentChanged := d.hash != r.ContentHash
	whyNot := c.nativeWhyNot(d)
	c.bound(r.PlannedAt)
	if !contentChanged && whyNot == "" {
		ch := c.change(d, Reschedule, fmt.Sprintf("only the time changed: moved on %s from %s to %s", d.channel, c.when(r.PlannedAt), c.when(d.time)))
		ch.Fields = fields
		c.add(ch)
		c.bound(d.time.Add(-NativeLead))
		c.upcoming(d, true)
		return
	}
	what := "the text or media changed"
	if !contentChanged {
		what = "the time changed to " + c.when(d.time)
	}
	var ch Change
	switch {
	case whyNot == "":
		ch = c.change(d, Replace, what+": the scheduled post is deleted and scheduled again")
		c.bound(d.time.Add(-NativeLead))
		c.upcoming(d, true)
	case d.time.After(c.at):
		ch = c.change(d, Replace, fmt.Sprintf("%s: the scheduled post is deleted, and published when due (%s)", what, whyNot))
		c.upcoming(d, false)
	case c.at.Sub(d.time) > d.maxDelay && !c.opts.PublishLate:
		ch = c.change(d, Cancel, fmt.Sprintf("%s, more than max_delay %s ago: the scheduled post is deleted and the publication missed; --publish-late publishes it",
			what, fmtDuration(d.maxDelay)))
	default:
		ch = c.change(d, Replace, what+": the scheduled post is deleted and published now")
		ch.Irreversible = true
		if !c.opts.PublishLate {
			c.bound(d.time.Add(d.maxDelay))
		}
	}
	ch.Fields = fields
	c.add(ch)
}

// nativeWhyNot says why a future publication is not scheduled natively, or "" when it is.
func (c *computer) nativeWhyNot(d *pub) string {
	switch {
	case !d.native:
		return d.channel + " publishes when due"
	case len(d.post.Thread) > 0:
		return "a thread is never scheduled natively"
	case d.time.Sub(c.at) < NativeLead:
		return "less than 5 minutes ahead"
	}
	return ""
}

func (c *computer) upcoming(d *pub, native bool) {
	if !native {
		c.bound(d.time)
	}
	if !d.time.After(c.at) || d.time.After(c.at.Add(c.opts.Horizon)) {
		return
	}
	c.plan.Upcoming = append(c.plan.Upcoming, Upcoming{Address: d.addr, Post: d.post.ID.Value, Channel: d.channel,
		At: d.time, File: d.post.File, Native: native})
}

// orphans handles records that no publication of the calendar binds.
func (c *computer) orphans() {
	for addr, r := range c.st.Publications {
		movedFrom := ""
		if to, ok := c.carriedOff[addr]; ok {
			addr, movedFrom = to, addr
		}
		if r == nil || c.desired[addr] != nil || c.undecided[addr] {
			continue
		}
		post, ch, err := state.SplitAddress(addr)
		if err != nil || c.undecided[post] {
			continue
		}
		switch {
		case r.Status == state.Pending:
			c.unknown(addr, nil, r)
		case c.activeScheduled(r) && calendar.IsStatement(post):
			// Withdrawing the statement of a resolved crisis is deliberate: not counted by the guard.
			c.add(Change{Address: addr, Post: post, Channel: ch, Action: Cancel, At: r.PlannedAt, MovedFrom: movedFrom,
				Reason: "the holding statement of a crisis that is no longer active: the scheduled statement is deleted"})
			c.bound(r.PlannedAt)
		case c.activeScheduled(r):
			c.native++
			c.emptied++
			file := ""
			reason := "removed from the calendar: the scheduled post is deleted"
			if p := c.posts[post]; p != nil {
				file = p.File
				if p.Draft() {
					reason = "the post is now a draft: the scheduled post is deleted"
				} else {
					reason = fmt.Sprintf("the post is no longer published on %s: the scheduled post is deleted", ch)
				}
			}
			c.add(Change{Address: addr, Post: post, Channel: ch, Action: Cancel, Reason: reason, At: r.PlannedAt, File: file, MovedFrom: movedFrom})
			c.bound(r.PlannedAt)
		}
	}
}

// hold says whether a blackout or the active crisis holds the publication. The crisis holds what
// its playbook pauses from activated_at minus the channel's max_delay on: a publication due a
// little before the activation and not yet out must not go out during the crisis either.
func (c *computer) hold(d *pub) *hold {
	if d.statement {
		return nil
	}
	if a := c.crisis; a != nil && !d.time.Before(a.Since().Add(-d.maxDelay)) && a.Pauses(d.post, d.channel) {
		return &c.crisisHold
	}
	if c.cal.Strategy == nil {
		return nil
	}
	for _, b := range c.cal.Strategy.Blackouts {
		if b.Start.IsZero() || !b.End.After(b.Start) || d.time.Before(b.Start) || !d.time.Before(b.End) {
			continue
		}
		if !b.Selector().Selects(d.post, d.channel) {
			continue
		}
		name := "the blackout"
		if b.Name.Value != "" {
			name = fmt.Sprintf("the blackout %q", b.Name.Value)
		}
		reason := fmt.Sprintf("held by %s until %s", name, c.when(b.End))
		if r := strings.Join(strings.Fields(b.Reason.Value), " "); r != "" {
			reason += " (" + r + ")"
		}
		return &hold{reason: reason, current: c.at.Before(b.End)}
	}
	return nil
}

// crisisInfo finds the active crisis and describes it for the plan.
func (c *computer) crisisInfo() {
	a := c.cal.ActiveCrisis()
	if a == nil {
		return
	}
	c.crisis = a
	c.crisisHold = hold{current: true, crisis: true, reason: fmt.Sprintf("held by the crisis %q, active since %s, until it is resolved",
		a.Crisis.Playbook.Value, c.when(a.Since()))}
	cr := a.Crisis
	info := &Crisis{Playbook: cr.Playbook.Value, Since: a.Since(), By: cr.By.Value, Reason: strings.Join(strings.Fields(cr.Reason.Value), " "), File: cr.File}
	if pb := a.Playbook; pb != nil {
		info.Known, info.Name, info.Severity = true, pb.Name.Value, pb.Severity.Value
	}
	if until, ok := a.ExpiresAt(); ok {
		info.ExpiresAfter = until.Sub(a.Since())
		info.Expired = c.at.After(until)
	}
	c.plan.Crisis = info
}

// when shows a time in the calendar's zone, for reasons.
func (c *computer) when(t time.Time) string { return t.In(c.loc).Format("2006-01-02 15:04 MST") }

func (c *computer) rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(c.loc).Format(time.RFC3339)
}

// short is a content hash as fields show it.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// fmtDuration shows a duration briefly: 5m, 1h30m, 2d3h.
func fmtDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	d = d.Round(time.Minute)
	days, d := d/(24*time.Hour), d%(24*time.Hour)
	hours, mins := d/time.Hour, (d%time.Hour)/time.Minute
	var b strings.Builder
	if days > 0 {
		fmt.Fprintf(&b, "%dd", days)
	}
	if hours > 0 {
		fmt.Fprintf(&b, "%dh", hours)
	}
	if mins > 0 && days == 0 {
		fmt.Fprintf(&b, "%dm", mins)
	}
	if b.Len() == 0 {
		return "0m"
	}
	return b.String()
}

func sortPlan(p *Plan) {
	sort.Slice(p.Changes, func(i, j int) bool {
		a, b := p.Changes[i], p.Changes[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.Address < b.Address
	})
	sort.Slice(p.Upcoming, func(i, j int) bool {
		a, b := p.Upcoming[i], p.Upcoming[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.Address < b.Address
	})
	sort.Slice(p.Moves, func(i, j int) bool { return p.Moves[i].From < p.Moves[j].From })
	sort.Slice(p.Holds, func(i, j int) bool { return p.Holds[i].Address < p.Holds[j].Address })
	sort.Strings(p.Notes)
}
