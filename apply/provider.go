// Package apply carries out a plan exactly once: before every irreversible call it records an
// intent in the state, durably; after it, the result. A publication whose intent has no result is
// unknown until its provider confirms what happened; it is never published again blind.
package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/postctl/postctl/calendar"
)

// Provider publishes to one channel. Each platform implements it in its own file; the engine knows
// nothing of any platform, so adding one never touches the engine.
type Provider interface {
	// Publish makes a publication public: the post, its media first, then its thread in order,
	// stopping at the first failure. A repeat with the same Key must not create a second post
	// (outbox: the file exists; webhook: the same delivery id; Bluesky: the same record key;
	// Mastodon: Idempotency-Key plus a lookup).
	Publish(ctx context.Context, p *Publication) (*Result, error)
	// Lookup asks the platform whether the publication with p.Key exists, after an interrupted
	// call. found false with a nil error means the platform confirms it does not exist.
	Lookup(ctx context.Context, p *Publication) (res *Result, found bool, err error)
}

// Scheduler is implemented by providers that schedule natively (Mastodon scheduled statuses).
type Scheduler interface {
	Schedule(ctx context.Context, p *Publication) (*Result, error)
	Reschedule(ctx context.Context, p *Publication, remoteID string) (*Result, error)
	Cancel(ctx context.Context, p *Publication, remoteID string) error
}

// Publication is one post on one channel, as a provider needs it.
type Publication struct {
	Address     string // post-id@channel
	Post        string
	Channel     string
	Key         string // idempotency key, derived from the address and content: stable across runs
	ContentHash string
	At          time.Time // publish_at
	Text        string
	Media       []Media
	Thread      []Part // follow-ups, published in order as replies
	// Done holds the remote ids of thread parts an earlier, interrupted run already published, so
	// a resumed thread continues where it stopped.
	Done []string
}

// Part is one follow-up of a thread.
type Part struct {
	Text  string
	Media []Media
}

// Media is an attached file.
type Media struct {
	Path string // inside the calendar
	Alt  string
	Data []byte
}

// Result is what the platform answered.
type Result struct {
	RemoteID string
	URL      string
	Thread   []string // remote ids of the thread's parts, in order
	At       time.Time
}

// Error classes a provider returns, so the engine decides about retries without knowing the
// platform: a *RetryableError is retried with backoff (honouring After); anything else is not.
type RetryableError struct {
	Err   error
	After time.Duration // Retry-After or a rate-limit reset; 0: the engine's backoff decides
}

func (e *RetryableError) Error() string { return e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// ErrPermanent marks a refusal that retrying cannot change (a 4xx other than 408 and 429).
var ErrPermanent = errors.New("refused by the platform")

// Permanent wraps err as a permanent refusal.
func Permanent(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPermanent, fmt.Sprintf(format, args...))
}

// channelTimeout is the channel's timeout setting: how long one request may wait for an answer.
// Zero when unset, for the provider's default.
func channelTimeout(file, channel string, ch calendar.Channel) (time.Duration, error) {
	if !ch.Timeout.Set {
		return 0, nil
	}
	d, err := calendar.ParseDuration(ch.Timeout.Value)
	if err != nil || d <= 0 {
		p := ch.Timeout.Pos
		return 0, fmt.Errorf("%s:%d:%d: channel %s: timeout %q is not a positive duration", file, p.Line, p.Col, channel, ch.Timeout.Value)
	}
	return d, nil
}
