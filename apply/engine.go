package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

// Store is what the engine needs of a state backend: a read, and a compare-and-swap write on the
// serial that fails with state.ErrConflict when another run moved first.
type Store interface {
	Read() (*state.State, error)
	Write(s *state.State, expect uint64) error
}

// Defaults of the retry policy.
const (
	DefaultMaxAttempts  = 5
	DefaultBaseDelay    = time.Second
	DefaultMaxRetryTime = 2 * time.Minute
)

// Options say what to carry out, against what.
type Options struct {
	Plan      *plan.Plan
	Calendar  *calendar.Calendar // the post texts and media files (read through Calendar.FS)
	Store     Store
	Providers map[string]Provider // by channel id

	Now   func() time.Time                                 // default time.Now
	Sleep func(ctx context.Context, d time.Duration) error // default: a timer, cut short by ctx
	Rand  func() float64                                   // in [0, 1), for jitter; default math/rand/v2

	MaxAttempts  int           // calls per publication and run; default DefaultMaxAttempts
	BaseDelay    time.Duration // first backoff; default DefaultBaseDelay
	MaxRetryTime time.Duration // total backoff per publication; default DefaultMaxRetryTime

	// PublishLate publishes an interrupted publication the platform confirms absent even when
	// its time passed more than its channel's max_delay ago; otherwise it is recorded missed.
	PublishLate bool

	// OnEvent, when set, receives each event as it happens (for --format json lines).
	OnEvent func(Event)

	// RunID identifies this run in the intents it records; default random.
	RunID string
	// Exclusive says the store's lock keeps every other run out (the file backend), so a pending
	// intent of another run is from a run that stopped and is resolved at once. Without it (the git
	// backend, where the push is the compare-and-swap) another run's intent younger than Lease may
	// still be in flight: the run stops with a conflict rather than race it.
	Exclusive bool
	Lease     time.Duration // default DefaultLease
}

// DefaultLease is how long another run's intent counts as in flight without an exclusive lock:
// longer than one call with all its retries can take.
const DefaultLease = 10 * time.Minute

// Status is how one publication came out of a run.
type Status string

const (
	Done      Status = "done"    // the call went through and its result is recorded
	Failed    Status = "failed"  // refused, or not carried out; the state says why
	Unknown   Status = "unknown" // the outcome is not known: the record stays pending, the next apply asks the platform
	NotRun    Status = "not-run" // the run stopped (a conflict) before reaching it
	Confirmed Status = "confirmed"
)

// Outcome is what happened to one change of the plan.
type Outcome struct {
	Address  string
	Action   plan.Action
	Status   Status
	Result   state.Status // the record's status afterwards ("" when it was removed or never written)
	RemoteID string
	URL      string
	Attempts int
	Err      error
}

// Report is the outcome of a run, in plan order.
type Report struct {
	Outcomes []Outcome
	Moves    int
	Held     int    // holds recorded (no platform call)
	Released int    // ended holds forgotten
	Serial   uint64 // the state's serial after the run
}

// Count counts outcomes by status.
func (r *Report) Count(s Status) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

// Failed says whether anything failed or is left unknown.
func (r *Report) Failed() bool { return r.Count(Failed)+r.Count(Unknown)+r.Count(NotRun) > 0 }

// Event types, as --format json writes them.
const (
	EventStart    = "apply_start"
	EventComplete = "apply_complete"
	EventErrored  = "apply_errored"
	EventSummary  = "apply_summary"
)

// Event is one step a run reports.
type Event struct {
	Type     string
	Address  string
	Action   plan.Action
	RemoteID string
	URL      string
	Err      error
	Outcome  *Outcome // apply_complete and apply_errored
	Report   *Report  // apply_summary only
}

// Key is a publication's idempotency key: the SHA-256 of its address and content hash, the same
// in every run for the same content, and different as soon as the content changes.
func Key(address, contentHash string) string {
	sum := sha256.Sum256([]byte(address + "\x00" + contentHash))
	return hex.EncodeToString(sum[:])
}

// keyFor is the key of a publication whose record withdrew cancels scheduled posts before: each
// new creation after a cancel gets its own key.
func keyFor(address, contentHash string, r *state.Publication) string {
	if r == nil || r.Cancels == 0 {
		return Key(address, contentHash)
	}
	return Key(address, fmt.Sprintf("%s\x00cancels=%d", contentHash, r.Cancels))
}

type engine struct {
	opts   Options
	st     *state.State
	serial uint64
	report *Report
}

// Run carries out the plan's changes in order. Before every irreversible call it records the
// record as pending with an intent and writes the state; after the call, the result, one write
// per step. A failing publication does not stop the others. A conflict writing the state stops
// the run at once, before any further call: the error wraps state.ErrConflict. The report lists
// every change either way.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = DefaultBaseDelay
	}
	if opts.MaxRetryTime <= 0 {
		opts.MaxRetryTime = DefaultMaxRetryTime
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.RunID == "" {
		opts.RunID = fmt.Sprintf("%016x", rand.Uint64())
	}
	st, err := opts.Store.Read()
	if err != nil {
		return nil, err
	}
	p := opts.Plan
	if st.Serial != p.StateSerial || (p.Lineage != "" && st.Lineage != p.Lineage) {
		return nil, fmt.Errorf("the state is at serial %d, the plan was made at serial %d: plan again: %w", st.Serial, p.StateSerial, state.ErrConflict)
	}
	e := &engine{opts: opts, st: st, serial: st.Serial, report: &Report{Serial: st.Serial}}
	err = e.run(ctx)
	e.report.Serial = e.serial
	e.emit(Event{Type: EventSummary, Report: e.report})
	return e.report, err
}

func (e *engine) emit(ev Event) {
	if e.opts.OnEvent != nil {
		e.opts.OnEvent(ev)
	}
}

// write journals the state: a compare-and-swap on the serial this run last wrote.
func (e *engine) write() error {
	if err := e.opts.Store.Write(e.st, e.serial); err != nil {
		return err
	}
	e.serial = e.st.Serial
	return nil
}

func (e *engine) run(ctx context.Context) error {
	p := e.opts.Plan
	if len(p.Moves) > 0 {
		for _, m := range p.Moves {
			if e.st.Get(m.From) == nil || e.st.Get(m.To) != nil {
				continue // already carried by an earlier, interrupted run
			}
			if err := e.st.Move(m.From, m.To); err != nil {
				return err
			}
			e.report.Moves++
		}
		if e.report.Moves > 0 {
			if err := e.write(); err != nil {
				return err
			}
			crashPoint()
		}
	}
	if err := e.holds(); err != nil {
		return err
	}
	var stop error
	for _, c := range holdsFirst(p.Changes) {
		if !c.Action.IsChange() {
			continue
		}
		if stop == nil && ctx.Err() != nil {
			stop = fmt.Errorf("interrupted: %w", ctx.Err()) // Ctrl-C: no new calls
		}
		if stop != nil {
			e.report.Outcomes = append(e.report.Outcomes, Outcome{Address: c.Address, Action: c.Action, Status: NotRun, Err: stop})
			continue
		}
		e.emit(Event{Type: EventStart, Address: c.Address, Action: c.Action})
		o := e.change(ctx, c)
		if o.Err != nil && (errors.Is(o.Err, state.ErrConflict) || isWriteError(o.Err)) {
			stop = o.Err
		}
		if r := e.st.Get(c.Address); r != nil && o.Result == "" {
			o.Result = r.Status
		}
		e.report.Outcomes = append(e.report.Outcomes, o)
		if o.Err != nil {
			e.emit(Event{Type: EventErrored, Address: c.Address, Action: c.Action, Err: o.Err, Outcome: &o})
		} else {
			e.emit(Event{Type: EventComplete, Address: c.Address, Action: c.Action, RemoteID: o.RemoteID, URL: o.URL, Outcome: &o})
		}
	}
	return stop
}

// holdsFirst orders the changes so that posts a blackout or crisis holds are withdrawn from the
// platform before anything else goes out: in a crisis, stopping promotions comes first.
func holdsFirst(changes []plan.Change) []plan.Change {
	out := make([]plan.Change, 0, len(changes))
	for _, c := range changes {
		if c.Hold {
			out = append(out, c)
		}
	}
	for _, c := range changes {
		if !c.Hold {
			out = append(out, c)
		}
	}
	return out
}

// holds records the plan's holds in the state, and forgets ended ones, in one write: no
// platform is called. A record that changed since the plan (another status) is left alone.
func (e *engine) holds() error {
	now := e.opts.Now().UTC()
	for _, h := range e.opts.Plan.Holds {
		r := e.st.Get(h.Address)
		switch {
		case h.Release:
			if r != nil && r.Status == state.Held {
				delete(e.st.Publications, h.Address)
				e.report.Released++
			}
		case r == nil:
			e.st.Publications[h.Address] = &state.Publication{Post: h.Post, Channel: h.Channel, Status: state.Held,
				ContentHash: h.Hash, PlannedAt: h.At, UpdatedAt: now, Reason: h.Reason}
			e.report.Held++
		case r.Status == state.Cancelled:
			r.Status, r.Reason, r.UpdatedAt, r.PlannedAt, r.ContentHash = state.Held, h.Reason, now, h.At, h.Hash
			e.report.Held++
		}
	}
	if e.report.Held+e.report.Released == 0 {
		return nil
	}
	if err := e.write(); err != nil {
		return err
	}
	crashPoint()
	return nil
}

// writeError is a failure to journal: the run cannot go on without its write-ahead log.
type writeError struct{ err error }

func (w *writeError) Error() string { return w.err.Error() }
func (w *writeError) Unwrap() error { return w.err }

func isWriteError(err error) bool {
	var we *writeError
	return errors.As(err, &we)
}

// journal writes the state and wraps a failure as a writeError.
func (e *engine) journal() error {
	if err := e.write(); err != nil {
		if errors.Is(err, state.ErrConflict) {
			return err
		}
		return &writeError{fmt.Errorf("cannot record the state, so the run stops before any further call: %w", err)}
	}
	return nil
}

func (e *engine) change(ctx context.Context, c plan.Change) Outcome {
	o := Outcome{Address: c.Address, Action: c.Action, Status: Failed}
	prov := e.opts.Providers[c.Channel]
	if prov == nil {
		o.Err = fmt.Errorf("%s: no provider for channel %q", c.Address, c.Channel)
		return o
	}
	switch c.Action {
	case plan.Publish:
		e.create(ctx, c, prov, "publish", &o)
	case plan.Schedule:
		e.create(ctx, c, prov, "schedule", &o)
	case plan.Unknown:
		e.resolve(ctx, c, prov, &o)
	case plan.Reschedule:
		e.reschedule(ctx, c, prov, &o)
	case plan.Cancel:
		e.cancel(ctx, c, prov, c.Reason, &o)
	case plan.Replace:
		if !e.cancel(ctx, c, prov, "replaced: "+c.Reason, &o) {
			return o
		}
		now := e.opts.Now()
		switch {
		case !c.At.After(now):
			e.create(ctx, c, prov, "publish", &o)
		case e.native(c, prov, now):
			e.create(ctx, c, prov, "schedule", &o)
		default:
			// Published when due by a later apply: the cancelled record lets the plan decide afresh.
		}
	default:
		o.Err = fmt.Errorf("%s: apply does not carry out %q", c.Address, c.Action)
	}
	return o
}

// native says whether a replacement can be scheduled on the platform.
func (e *engine) native(c plan.Change, prov Provider, now time.Time) bool {
	if _, ok := prov.(Scheduler); !ok || e.opts.Calendar == nil {
		return false
	}
	ch, ok := e.opts.Calendar.Channel(c.Channel)
	post := e.post(c.Post)
	return ok && ch.Scheduling.Value == "native" && post != nil && len(post.Thread) == 0 && c.At.Sub(now) >= plan.NativeLead
}

func (e *engine) post(id string) *calendar.Post {
	if e.opts.Calendar == nil {
		return nil
	}
	if calendar.IsStatement(id) {
		if st := e.opts.Calendar.Statement(); st != nil && st.ID.Value == id {
			return st
		}
		return nil
	}
	for _, p := range e.opts.Calendar.Posts {
		if p != nil && p.ID.Value == id {
			return p
		}
	}
	return nil
}

// publication builds what the provider needs from the calendar: texts and media bytes.
func (e *engine) publication(c plan.Change) (*Publication, error) {
	post := e.post(c.Post)
	if post == nil {
		return nil, fmt.Errorf("%s: the post is no longer in the calendar", c.Address)
	}
	hash := c.Hash
	if hash == "" {
		hash = plan.ContentHash(e.opts.Calendar, post, c.Channel)
	}
	pub := &Publication{Address: c.Address, Post: c.Post, Channel: c.Channel, Key: keyFor(c.Address, hash, e.st.Get(c.Address)), ContentHash: hash,
		At: post.Time, Text: post.TextFor(c.Channel).Value}
	var err error
	if pub.Media, err = e.media(post.Media); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Address, err)
	}
	for _, t := range post.Thread {
		part := Part{Text: t.Text.Value}
		if part.Media, err = e.media(t.Media); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Address, err)
		}
		pub.Thread = append(pub.Thread, part)
	}
	if r := e.st.Get(c.Address); r != nil && r.Intent != nil && r.Intent.Key == pub.Key {
		pub.Done = append(pub.Done, r.Thread...)
	}
	return pub, nil
}

func (e *engine) media(list []calendar.Media) ([]Media, error) {
	var out []Media
	for _, m := range list {
		data, err := fs.ReadFile(e.opts.Calendar.FS(), m.File.Value)
		if err != nil {
			return nil, fmt.Errorf("read media %s: %w", m.File.Value, err)
		}
		out = append(out, Media{Path: m.File.Value, Alt: m.Alt.Value, Data: data})
	}
	return out, nil
}

// record is the publication's record, created when there is none.
func (e *engine) record(c plan.Change) *state.Publication {
	r := e.st.Get(c.Address)
	if r == nil {
		r = &state.Publication{Post: c.Post, Channel: c.Channel}
		e.st.Publications[c.Address] = r
	}
	return r
}

// intend records the intent of an irreversible call, durably, before it is made.
func (e *engine) intend(r *state.Publication, action, key, hash string, at time.Time) error {
	attempt := 1
	if r.Intent != nil && r.Intent.Key == key {
		attempt = r.Intent.Attempt + 1
	}
	now := e.opts.Now().UTC()
	r.Status = state.Pending
	r.Intent = &state.Intent{Action: action, Key: key, Attempt: attempt, At: now, Run: e.opts.RunID}
	if hash != "" {
		r.ContentHash = hash
	}
	if !at.IsZero() {
		r.PlannedAt = at
	}
	r.UpdatedAt = now
	r.Reason = ""
	if err := e.journal(); err != nil {
		return err
	}
	crashPoint()
	return nil
}

// settle records the result of a call and clears the intent.
func (e *engine) settle(r *state.Publication, status state.Status, res *Result, reason string) error {
	now := e.opts.Now().UTC()
	r.Status, r.Intent, r.Reason, r.UpdatedAt = status, nil, reason, now
	if res != nil {
		if res.RemoteID != "" {
			r.RemoteID = res.RemoteID
		}
		if res.URL != "" {
			r.URL = res.URL
		}
		if len(res.Thread) > 0 {
			r.Thread = res.Thread
		}
		if status == state.Published {
			r.PublishedAt = res.At.UTC()
			if res.At.IsZero() {
				r.PublishedAt = now
			}
		}
	}
	if err := e.journal(); err != nil {
		return err
	}
	crashPoint()
	return nil
}

// create publishes or schedules a publication: intent, call (with retries), result.
func (e *engine) create(ctx context.Context, c plan.Change, prov Provider, action string, o *Outcome) {
	pub, err := e.publication(c)
	if err != nil {
		o.Err = err
		return
	}
	var call func(context.Context, *Publication) (*Result, error)
	status := state.Published
	if action == "schedule" {
		s, ok := prov.(Scheduler)
		if !ok {
			o.Err = fmt.Errorf("%s: channel %s does not schedule natively", c.Address, c.Channel)
			return
		}
		call, status = s.Schedule, state.Scheduled
	} else {
		call = prov.Publish
	}
	r := e.record(c)
	res, err := e.retry(ctx, o, func() error {
		return e.intend(r, action, pub.Key, pub.ContentHash, pub.At)
	}, func(ctx context.Context) (*Result, error) { return call(ctx, pub) })
	e.finish(c, r, status, res, err, o)
}

// finish records a create's outcome: the result; a permanent refusal as failed; anything else
// leaves the record pending (the call may have gone through), for the next apply to look up.
func (e *engine) finish(c plan.Change, r *state.Publication, status state.Status, res *Result, err error, o *Outcome) {
	switch {
	case err == nil:
		if serr := e.settle(r, status, res, ""); serr != nil {
			o.Err = serr
			o.Status = Unknown
			return
		}
		o.Status, o.Result = Done, status
		if res != nil {
			o.RemoteID, o.URL = res.RemoteID, res.URL
		}
	case isJournal(err):
		o.Err = err // the intent was not recorded, so the call was not made
	case errors.Is(err, ErrPermanent):
		o.Err = fmt.Errorf("%s: %w", c.Address, err)
		if serr := e.settle(r, state.Failed, res, err.Error()); serr != nil {
			o.Err = errors.Join(o.Err, serr)
		}
		o.Status, o.Result = Failed, state.Failed
	default:
		// Keep whatever progress the provider reports (a thread's published parts) with the intent.
		if res != nil && len(res.Thread) > 0 {
			r.Thread = res.Thread
			if werr := e.journal(); werr != nil {
				err = errors.Join(err, werr)
			}
		}
		o.Err = fmt.Errorf("%s: %w; the outcome is unknown: the next apply asks the platform before anything else", c.Address, err)
		o.Status, o.Result = Unknown, state.Pending
	}
}

type journalError struct{ err error }

func (j *journalError) Error() string { return j.err.Error() }
func (j *journalError) Unwrap() error { return j.err }

func isJournal(err error) bool {
	var je *journalError
	return errors.As(err, &je)
}

// retry makes a call until it succeeds, fails for good, or the attempts or the time cap run
// out. before runs ahead of every attempt (the journal's intent); a failure there stops at once.
// Only a *RetryableError is retried: anything else may have gone through, and only a lookup can
// tell.
func (e *engine) retry(ctx context.Context, o *Outcome, before func() error, call func(context.Context) (*Result, error)) (*Result, error) {
	var slept time.Duration
	for attempt := 1; ; attempt++ {
		if before != nil {
			if err := before(); err != nil {
				return nil, &journalError{err}
			}
		}
		o.Attempts++
		res, err := call(ctx)
		if before != nil && err == nil {
			crashPoint() // the call went through; its result is not recorded yet
		}
		var re *RetryableError
		if err == nil || !errors.As(err, &re) || attempt >= e.opts.MaxAttempts {
			return res, err
		}
		d := re.After
		if d <= 0 {
			d = e.backoff(attempt)
		}
		if slept+d > e.opts.MaxRetryTime {
			return res, fmt.Errorf("%w (gave up: the next try would come after %s, beyond the %s retry limit)", err, d.Round(time.Second), e.opts.MaxRetryTime)
		}
		if serr := e.opts.Sleep(ctx, d); serr != nil {
			return res, errors.Join(err, serr)
		}
		slept += d
	}
}

// backoff is the delay before retry n (1-based): exponential, with "equal jitter" so that runs
// retrying together spread out yet never retry at once.
func (e *engine) backoff(n int) time.Duration {
	d := e.opts.BaseDelay << (n - 1)
	half := d / 2
	return half + time.Duration(e.opts.Rand()*float64(half))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// resolve settles a pending record: it asks the platform whether the interrupted call went
// through. Found: the result is recorded. Confirmed absent: the call is made again (now that the
// platform says it is not there, this is not blind). Not known: the record stays pending.
func (e *engine) resolve(ctx context.Context, c plan.Change, prov Provider, o *Outcome) {
	r := e.st.Get(c.Address)
	if r == nil || r.Status != state.Pending || r.Intent == nil {
		o.Err = fmt.Errorf("%s: the state has no interrupted call to resolve (status %q): plan again", c.Address, statusOf(r))
		return
	}
	in := *r.Intent
	if age := e.opts.Now().Sub(in.At); !e.opts.Exclusive && in.Run != e.opts.RunID && age < e.opts.Lease {
		o.Status, o.Result = NotRun, state.Pending
		o.Err = fmt.Errorf("%s: another run started this %s %s ago and may still be making it; retry after %s: %w",
			c.Address, in.Action, age.Round(time.Second), (e.opts.Lease - age).Round(time.Second), state.ErrConflict)
		return
	}
	switch in.Action {
	case "cancel", "reschedule":
		// Both are idempotent on the platform: making the call again settles it.
		if in.Action == "cancel" {
			e.cancel(ctx, c, prov, "cancelled (an interrupted cancel, made again)", o)
		} else {
			e.reschedule(ctx, c, prov, o)
		}
		return
	}
	// Look up what was sent: the recorded key and content, not the calendar's (it may have changed).
	pub := &Publication{Address: c.Address, Post: r.Post, Channel: r.Channel, Key: in.Key, ContentHash: r.ContentHash,
		At: r.PlannedAt, Done: r.Thread}
	complete := false // pub holds the calendar's content, the same that was sent
	if post := e.post(c.Post); post != nil {
		if full, err := e.publication(c); err == nil && full.Key == in.Key {
			pub, complete = full, true
		}
	}
	var found bool
	res, err := e.retry(ctx, o, nil, func(ctx context.Context) (*Result, error) {
		res, ok, err := prov.Lookup(ctx, pub)
		found = ok
		return res, err
	})
	if err != nil {
		// A receiver that deduplicates by itself (a webhook's delivery id) may be sent the same
		// publication again: the same key, so the same delivery.
		if in.Action == "publish" && complete && resendable(prov) {
			fresh := c
			fresh.Hash = pub.ContentHash
			e.create(ctx, fresh, prov, "publish", o)
			return
		}
		o.Status, o.Result = Unknown, state.Pending
		o.Err = fmt.Errorf("%s: cannot tell whether the interrupted %s went through: %w; it stays pending and is never published blind", c.Address, in.Action, err)
		return
	}
	status := state.Published
	if in.Action == "schedule" {
		status = state.Scheduled
	}
	if found {
		if serr := e.settle(r, status, res, ""); serr != nil {
			o.Err = serr
			o.Status = Unknown
			return
		}
		o.Status, o.Result = Confirmed, status
		if res != nil {
			o.RemoteID, o.URL = res.RemoteID, res.URL
		}
		return
	}
	// Confirmed absent.
	post := e.post(c.Post)
	now := e.opts.Now()
	if post == nil || post.Draft() || post.Time.After(now) {
		// Nothing went out, and nothing is due: forget the record; the plan decides afresh.
		delete(e.st.Publications, c.Address)
		if err := e.journal(); err != nil {
			o.Err = err
			return
		}
		crashPoint()
		o.Status = Done
		return
	}
	if late := now.Sub(post.Time); late > e.maxDelay(c.Channel) && !e.opts.PublishLate {
		// Due too long ago to go out now, as the plan would say of any late publication.
		r.Intent = nil
		if err := e.settle(r, state.Missed, nil, fmt.Sprintf("an interrupted %s never reached the platform, and its time passed more than max_delay ago; --publish-late publishes it", in.Action)); err != nil {
			o.Err = err
			return
		}
		o.Status, o.Result = Done, state.Missed
		return
	}
	fresh := c
	fresh.Hash = ""
	e.create(ctx, fresh, prov, "publish", o)
}

// maxDelay is how late a publication on the channel may still go out.
func (e *engine) maxDelay(channel string) time.Duration {
	if e.opts.Calendar != nil {
		if ch, ok := e.opts.Calendar.Channel(channel); ok {
			return ch.Delay()
		}
	}
	return plan.DefaultMaxDelay
}

func statusOf(r *state.Publication) state.Status {
	if r == nil {
		return ""
	}
	return r.Status
}

// cancel withdraws a natively scheduled post. It reports whether it succeeded.
func (e *engine) cancel(ctx context.Context, c plan.Change, prov Provider, reason string, o *Outcome) bool {
	s, ok := prov.(Scheduler)
	if !ok {
		o.Err = fmt.Errorf("%s: channel %s does not schedule natively, so there is nothing to cancel", c.Address, c.Channel)
		return false
	}
	r := e.st.Get(c.Address)
	if r == nil {
		o.Err = fmt.Errorf("%s: no record to cancel", c.Address)
		return false
	}
	remote := r.RemoteID
	pub := &Publication{Address: c.Address, Post: c.Post, Channel: c.Channel, Key: Key(c.Address, r.ContentHash), ContentHash: r.ContentHash, At: r.PlannedAt}
	_, err := e.retry(ctx, o, func() error {
		return e.intend(r, "cancel", pub.Key, "", time.Time{})
	}, func(ctx context.Context) (*Result, error) { return nil, s.Cancel(ctx, pub, remote) })
	switch {
	case err == nil:
		r.RemoteID, r.URL = "", ""
		r.Cancels++
		status := state.Cancelled
		if c.Hold {
			status = state.Held // scheduled again when the hold ends
		}
		if serr := e.settle(r, status, nil, reason); serr != nil {
			o.Err, o.Status = serr, Unknown
			return false
		}
		o.Status, o.Result = Done, status
		return true
	case isJournal(err):
		o.Err = err
	default:
		o.Err = fmt.Errorf("%s: cancel: %w; it stays pending until a later apply cancels it", c.Address, err)
		o.Status, o.Result = Unknown, state.Pending
	}
	return false
}

// reschedule moves a natively scheduled post to its new time.
func (e *engine) reschedule(ctx context.Context, c plan.Change, prov Provider, o *Outcome) {
	s, ok := prov.(Scheduler)
	if !ok {
		o.Err = fmt.Errorf("%s: channel %s does not schedule natively", c.Address, c.Channel)
		return
	}
	pub, err := e.publication(c)
	if err != nil {
		o.Err = err
		return
	}
	r := e.record(c)
	remote := r.RemoteID
	res, err := e.retry(ctx, o, func() error {
		return e.intend(r, "reschedule", pub.Key, pub.ContentHash, pub.At)
	}, func(ctx context.Context) (*Result, error) { return s.Reschedule(ctx, pub, remote) })
	e.finish(c, r, state.Scheduled, res, err, o)
}

// resendable says whether the provider's receiver deduplicates a repeated publication by itself
// (a webhook's delivery id), so that one Lookup cannot settle may be sent again with its key.
func resendable(p Provider) bool {
	r, ok := p.(interface{ SafeToResend() bool })
	return ok && r.SafeToResend()
}
