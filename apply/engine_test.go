package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

const testCalendar = `brand: Test
timezone: UTC
channels:
  a:
    provider: outbox
  b:
    provider: outbox
  masto:
    provider: mastodon
    server: https://social.example
    access_token_env: MASTODON_TOKEN
    scheduling: native
`

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// loadFS loads a test calendar and fails the test on any error finding.
func loadFS(t *testing.T, fsys fstest.MapFS) *calendar.Calendar {
	t.Helper()
	cal, findings, err := calendar.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Level == calendar.Error {
			t.Fatalf("calendar: %s:%d:%d: %s", f.File, f.Line, f.Col, f.Message)
		}
	}
	return cal
}

// testPNG is a small real PNG: a diagonal orange line on a white square.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 80, 20, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func loadCal(t *testing.T, posts map[string]string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{"calendar.yaml": {Data: []byte(testCalendar)}, "media/cup.png": {Data: []byte("PNG")}}
	for id, src := range posts {
		fsys["posts/"+id+".yaml"] = &fstest.MapFile{Data: []byte(src)}
	}
	return loadFS(t, fsys)
}

func due(channels string, extra ...string) string {
	return "publish_at: 2026-12-01T08:55:00Z\nchannels: [" + channels + "]\ntext: Hello.\n" + strings.Join(extra, "\n")
}

// memStore is a state backend in memory with the file backend's compare-and-swap, and a hook
// that can make a write conflict.
type memStore struct {
	mu       sync.Mutex
	st       *state.State
	writes   int
	conflict int // the write number that conflicts; 0: none
}

func (m *memStore) Read() (*state.State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.st == nil {
		return state.New(), nil
	}
	return clone(m.st), nil
}

func (m *memStore) Write(s *state.State, expect uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	var cur uint64
	if m.st != nil {
		cur = m.st.Serial
	}
	if m.writes == m.conflict {
		cur++ // another run wrote in between
		m.st.Serial = cur
	}
	if cur != expect {
		return fmt.Errorf("at serial %d, not %d: %w", cur, expect, state.ErrConflict)
	}
	s.Serial = expect + 1
	m.st = clone(s)
	return nil
}

func clone(s *state.State) *state.State {
	c := *s
	c.Publications = map[string]*state.Publication{}
	for a, p := range s.Publications {
		cp := *p
		if p.Intent != nil {
			in := *p.Intent
			cp.Intent = &in
		}
		c.Publications[a] = &cp
	}
	return &c
}

// fake is a provider that publishes into a map and fails as scripted, per address and call.
type fake struct {
	mu        sync.Mutex
	published map[string]*Publication // by key: what the platform holds
	calls     []string                // "publish a@x", "lookup a@x"
	script    map[string][]error      // address → errors for successive calls; nil entries succeed
	acceptErr map[string]bool         // address: the error comes after the platform published it
}

func newFake() *fake {
	return &fake{published: map[string]*Publication{}, script: map[string][]error{}, acceptErr: map[string]bool{}}
}

func (f *fake) next(addr string) error {
	s := f.script[addr]
	if len(s) == 0 {
		return nil
	}
	f.script[addr] = s[1:]
	return s[0]
}

func (f *fake) Publish(_ context.Context, p *Publication) (*Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "publish "+p.Address)
	err := f.next(p.Address)
	if err != nil && !f.acceptErr[p.Address] {
		return nil, err
	}
	f.published[p.Key] = p
	if err != nil {
		return nil, err // published, but the answer was lost
	}
	return &Result{RemoteID: "id-" + p.Address, URL: "https://x.example/" + p.Address, At: now}, nil
}

func (f *fake) Lookup(_ context.Context, p *Publication) (*Result, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "lookup "+p.Address)
	if err := f.next("lookup " + p.Address); err != nil {
		return nil, false, err
	}
	if _, ok := f.published[p.Key]; !ok {
		return nil, false, nil
	}
	return &Result{RemoteID: "id-" + p.Address, URL: "https://x.example/" + p.Address, At: now}, true, nil
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.published)
}

type run struct {
	cal    *calendar.Calendar
	store  *memStore
	prov   *fake
	slept  []time.Duration
	events []string
	// shared: the store has no exclusive lock (the git backend); later moves the clock of the
	// next run on by that much.
	shared bool
	later  time.Duration
}

func newRun(t *testing.T, posts map[string]string) *run {
	return &run{cal: loadCal(t, posts), store: &memStore{}, prov: newFake()}
}

func (r *run) apply(t *testing.T) (*Report, error) {
	t.Helper()
	st, err := r.store.Read()
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Compute(r.cal, st, plan.Options{At: now.Add(r.later), PublishLate: r.later > 0})
	if err != nil {
		t.Fatal(err)
	}
	r.events = nil
	return Run(context.Background(), Options{Plan: p, Calendar: r.cal, Store: r.store,
		Providers: map[string]Provider{"a": r.prov, "b": r.prov},
		Exclusive: !r.shared,
		Now:       func() time.Time { return now.Add(r.later) },
		Sleep:     func(_ context.Context, d time.Duration) error { r.slept = append(r.slept, d); return nil },
		Rand:      func() float64 { return 0.5 },
		OnEvent: func(e Event) {
			s := e.Type + " " + e.Address
			if e.Err != nil {
				s += ": " + e.Err.Error()
			}
			r.events = append(r.events, strings.TrimSpace(s))
		},
	})
}

func (r *run) statuses() map[string]state.Status {
	out := map[string]state.Status{}
	if r.store.st != nil {
		for a, p := range r.store.st.Publications {
			out[a] = p.Status
		}
	}
	return out
}

func outcomes(rep *Report) []string {
	var out []string
	for _, o := range rep.Outcomes {
		out = append(out, fmt.Sprintf("%s %s %s", o.Address, o.Action, o.Status))
	}
	sort.Strings(out)
	return out
}

func TestPublishesEachOnceAndJournals(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a, b"), "two": due("a", "media:\n  - file: media/cup.png\n    alt: A cup.\nthread:\n  - More.")})
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a publish done", "one@b publish done", "two@a publish done"}); diff != "" {
		t.Error(diff)
	}
	// One intent and one result per publication.
	if r.store.writes != 6 || r.store.st.Serial != 6 {
		t.Errorf("writes %d, serial %d; want 6", r.store.writes, r.store.st.Serial)
	}
	rec := r.store.st.Get("two@a")
	if rec.Status != state.Published || rec.Intent != nil || rec.RemoteID != "id-two@a" || rec.ContentHash == "" || !rec.PublishedAt.Equal(now) {
		t.Errorf("record %+v", rec)
	}
	for _, p := range r.prov.published {
		if p.Address == "two@a" {
			if len(p.Media) != 1 || string(p.Media[0].Data) != "PNG" || p.Media[0].Alt != "A cup." || len(p.Thread) != 1 || p.Thread[0].Text != "More." {
				t.Errorf("publication %+v", p)
			}
			if p.Key != Key("two@a", rec.ContentHash) {
				t.Errorf("key %s", p.Key)
			}
		}
	}
	wantEvents := []string{"apply_start one@a", "apply_complete one@a", "apply_start one@b", "apply_complete one@b",
		"apply_start two@a", "apply_complete two@a", "apply_summary"}
	if diff := cmp.Diff(r.events, wantEvents); diff != "" {
		t.Error(diff)
	}
	// Again: nothing to do.
	rep, err = r.apply(t)
	if err != nil || len(rep.Outcomes) != 0 || r.prov.count() != 3 {
		t.Errorf("second run: %v, %v, %d published", err, outcomes(rep), r.prov.count())
	}
}

func TestKeyIsStable(t *testing.T) {
	if Key("a@b", "h") != Key("a@b", "h") || Key("a@b", "h") == Key("a@b", "g") || Key("a@b", "h") == Key("a@c", "h") {
		t.Error("key not stable or not distinct")
	}
}

// Without an exclusive lock (the git backend), another run's recent intent may still be in flight:
// the run stops with a conflict instead of looking it up and racing it. Once the intent is older
// than the lease, its run has stopped, and the lookup settles it without publishing again.
func TestAnotherRunsRecentIntentIsLeftAlone(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a")})
	r.shared = true
	r.prov.script["one@a"] = []error{context.DeadlineExceeded}
	r.prov.acceptErr["one@a"] = true
	if _, err := r.apply(t); err != nil {
		t.Fatal(err)
	}
	r.prov.calls = nil
	rep, err := r.apply(t)
	if !errors.Is(err, state.ErrConflict) {
		t.Fatalf("a second run during the first one's call: %v, want a conflict", err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown not-run"}); diff != "" {
		t.Error(diff)
	}
	if len(r.prov.calls) != 0 {
		t.Errorf("the second run called the platform: %v", r.prov.calls)
	}
	r.later = DefaultLease + time.Minute
	rep, err = r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown confirmed"}); diff != "" {
		t.Error(diff)
	}
	if r.prov.count() != 1 {
		t.Errorf("published %d times, want once", r.prov.count())
	}
}

// A timeout after the platform accepted: the record stays pending; the next run looks it up,
// finds it and records it, without publishing again.
func TestTimeoutAfterAcceptLeavesPendingAndLookupFindsIt(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a"), "two": due("b")})
	r.prov.script["one@a"] = []error{context.DeadlineExceeded}
	r.prov.acceptErr["one@a"] = true
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a publish unknown", "two@b publish done"}); diff != "" {
		t.Error(diff)
	}
	if !rep.Failed() {
		t.Error("an unknown outcome must fail the run")
	}
	if got := r.statuses(); got["one@a"] != state.Pending || got["two@b"] != state.Published {
		t.Errorf("statuses %v", got)
	}
	if r.store.st.Get("one@a").Intent == nil {
		t.Error("the intent must stay")
	}
	r.prov.calls = nil
	rep, err = r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown confirmed"}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(r.prov.calls, []string{"lookup one@a"}); diff != "" {
		t.Error(diff)
	}
	if r.prov.count() != 2 || r.statuses()["one@a"] != state.Published || r.store.st.Get("one@a").RemoteID != "id-one@a" {
		t.Errorf("%d published, %v", r.prov.count(), r.statuses())
	}
}

// A pending record the platform confirms absent is published: confirmed, not blind.
func TestPendingConfirmedAbsentIsPublished(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a")})
	r.prov.script["one@a"] = []error{errors.New("connection reset")} // refused before publishing
	if _, err := r.apply(t); err != nil {
		t.Fatal(err)
	}
	if r.statuses()["one@a"] != state.Pending {
		t.Fatalf("statuses %v", r.statuses())
	}
	r.prov.calls = nil
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.prov.calls, []string{"lookup one@a", "publish one@a"}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown done"}); diff != "" {
		t.Error(diff)
	}
	if in := r.store.st.Get("one@a"); in.Status != state.Published {
		t.Errorf("record %+v", in)
	}
}

// A lookup that fails leaves the record pending and the run failed: never published blind.
func TestLookupErrorStaysPending(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a")})
	r.prov.script["one@a"] = []error{errors.New("connection reset")}
	r.apply(t)
	r.prov.script["lookup one@a"] = []error{errors.New("server down")}
	r.prov.calls = nil
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.prov.calls, []string{"lookup one@a"}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown unknown"}); diff != "" {
		t.Error(diff)
	}
	if r.statuses()["one@a"] != state.Pending || r.prov.count() != 0 {
		t.Errorf("%v", r.statuses())
	}
}

func TestRetries(t *testing.T) {
	r := newRun(t, map[string]string{"limited": due("a"), "flaky": due("b"), "bad": due("a", "id: bad")})
	r.prov.script["limited@a"] = []error{&RetryableError{Err: errors.New("429 too many requests"), After: 7 * time.Second}}
	r.prov.script["flaky@b"] = []error{&RetryableError{Err: errors.New("500")}, &RetryableError{Err: errors.New("502")}}
	r.prov.script["bad@a"] = []error{Permanent("400 text too long")}
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"bad@a publish failed", "flaky@b publish done", "limited@a publish done"}); diff != "" {
		t.Error(diff)
	}
	// Retry-After honoured; backoff 1s then 2s with equal jitter at 0.5: 0.75s, 1.5s.
	if diff := cmp.Diff(r.slept, []time.Duration{1500 * time.Millisecond, 750 * time.Millisecond, 7 * time.Second}); diff != "" {
		sorted := append([]time.Duration(nil), r.slept...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		if diff2 := cmp.Diff(sorted, []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 7 * time.Second}); diff2 != "" {
			t.Error(diff2)
		}
	}
	bad := r.store.st.Get("bad@a")
	if bad.Status != state.Failed || !strings.Contains(bad.Reason, "400 text too long") || bad.Intent != nil {
		t.Errorf("bad: %+v", bad)
	}
	if got := r.store.st.Get("flaky@b").Intent; got != nil {
		t.Errorf("intent left: %+v", got)
	}
	// The permanent refusal was tried once.
	n := 0
	for _, c := range r.prov.calls {
		if c == "publish bad@a" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("bad@a called %d times", n)
	}
	// The refused post is blocked until it changes: the next run does nothing.
	rep, _ = r.apply(t)
	if len(rep.Outcomes) != 0 {
		t.Errorf("second run: %v", outcomes(rep))
	}
}

func TestRetriesGiveUp(t *testing.T) {
	r := newRun(t, map[string]string{"down": due("a"), "slow": due("b")})
	for i := 0; i < 10; i++ {
		r.prov.script["down@a"] = append(r.prov.script["down@a"], &RetryableError{Err: errors.New("503")})
	}
	r.prov.script["slow@b"] = []error{&RetryableError{Err: errors.New("429"), After: time.Hour}}
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"down@a publish unknown", "slow@b publish unknown"}); diff != "" {
		t.Error(diff)
	}
	calls := map[string]int{}
	for _, c := range r.prov.calls {
		calls[c]++
	}
	if calls["publish down@a"] != DefaultMaxAttempts || calls["publish slow@b"] != 1 {
		t.Errorf("calls %v", calls)
	}
	if in := r.store.st.Get("down@a").Intent; in == nil || in.Attempt != DefaultMaxAttempts {
		t.Errorf("intent %+v", in)
	}
}

// A conflict writing the state stops the run before any further call.
func TestConflictStopsTheRun(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a"), "two": due("a"), "three": due("a")})
	r.store.conflict = 3 // the second publication's intent (three@a: by time, then address)
	rep, err := r.apply(t)
	if !errors.Is(err, state.ErrConflict) {
		t.Fatalf("err %v", err)
	}
	if diff := cmp.Diff(r.prov.calls, []string{"publish one@a"}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a publish done", "three@a publish failed", "two@a publish not-run"}); diff != "" {
		t.Error(diff)
	}
}

// A plan made against another serial is refused before anything.
func TestStalePlanIsRefused(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a")})
	st, _ := r.store.Read()
	p, _ := plan.Compute(r.cal, st, plan.Options{At: now})
	r.store.Write(state.New(), 0)
	_, err := Run(context.Background(), Options{Plan: p, Calendar: r.cal, Store: r.store, Providers: map[string]Provider{"a": r.prov}})
	if !errors.Is(err, state.ErrConflict) || len(r.prov.calls) != 0 {
		t.Errorf("err %v, calls %v", err, r.prov.calls)
	}
}

// threadProvider publishes a thread part by part and fails at a scripted part.
type threadProvider struct {
	fake
	failAt int // 1-based part to fail (0 = the post itself); -1: none
	parts  []string
}

func (tp *threadProvider) Publish(_ context.Context, p *Publication) (*Result, error) {
	res := &Result{RemoteID: "root"}
	if len(p.Done) == 0 {
		if tp.failAt == 0 {
			return nil, &RetryableError{Err: errors.New("down")}
		}
		tp.parts = append(tp.parts, p.Text)
	} else {
		res.Thread = append(res.Thread, p.Done...)
	}
	for i := len(res.Thread); i < len(p.Thread); i++ {
		if tp.failAt == i+1 {
			return res, errors.New("timeout on part")
		}
		tp.parts = append(tp.parts, p.Thread[i].Text)
		res.Thread = append(res.Thread, fmt.Sprintf("part%d", i+1))
	}
	return res, nil
}

func (tp *threadProvider) Lookup(_ context.Context, p *Publication) (*Result, bool, error) {
	return nil, false, errors.New("cannot look up")
}

// A thread stops at its first failure, keeps the parts already out, and a confirmed-absent
// resume continues where it stopped.
func TestThreadStopsAtFirstFailure(t *testing.T) {
	r := newRun(t, map[string]string{"t": due("a", "thread:\n  - Two.\n  - Three.\n  - Four.")})
	tp := &threadProvider{failAt: 2}
	st, _ := r.store.Read()
	p, _ := plan.Compute(r.cal, st, plan.Options{At: now})
	rep, err := Run(context.Background(), Options{Plan: p, Calendar: r.cal, Store: r.store, Providers: map[string]Provider{"a": tp}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tp.parts, []string{"Hello.", "Two."}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"t@a publish unknown"}); diff != "" {
		t.Error(diff)
	}
	rec := r.store.st.Get("t@a")
	if rec.Status != state.Pending || !cmp.Equal(rec.Thread, []string{"part1"}) {
		t.Errorf("record %+v", rec)
	}
}

func TestMovesFirst(t *testing.T) {
	r := newRun(t, map[string]string{"new": due("a", "moved_from: old")})
	st := state.New()
	st.Publications["old@a"] = &state.Publication{Post: "old", Channel: "a", Status: state.Published, PlannedAt: now.Add(-5 * time.Minute)}
	r.store.Write(st, 0)
	rep, err := r.apply(t)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Moves != 1 || r.store.st.Get("new@a") == nil || r.store.st.Get("old@a") != nil {
		t.Errorf("moves %d, %v", rep.Moves, r.statuses())
	}
	if len(r.prov.calls) != 0 {
		t.Errorf("calls %v", r.prov.calls)
	}
}

// dedupProvider cannot look anything up, but its receiver deduplicates on the key (a webhook).
type dedupProvider struct{ *fake }

func (d dedupProvider) Lookup(context.Context, *Publication) (*Result, bool, error) {
	return nil, false, errors.New("the platform cannot be asked whether a publication exists")
}
func (d dedupProvider) SafeToResend() bool { return true }

// A pending publication whose provider cannot look it up is resent with the same key only when
// the receiver deduplicates; otherwise it stays unknown.
func TestResendOnlyWhenTheReceiverDeduplicates(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a")})
	r.prov.script["one@a"] = []error{context.DeadlineExceeded}
	r.prov.acceptErr["one@a"] = true
	r.apply(t)
	key := r.store.st.Get("one@a").Intent.Key
	st, _ := r.store.Read()
	p, _ := plan.Compute(r.cal, st, plan.Options{At: now})
	rep, err := Run(context.Background(), Options{Plan: p, Calendar: r.cal, Store: r.store,
		Providers: map[string]Provider{"a": dedupProvider{r.prov}}, Now: func() time.Time { return now }, Exclusive: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown done"}); diff != "" {
		t.Error(diff)
	}
	if r.prov.count() != 1 || r.prov.published[key] == nil {
		t.Errorf("the resend must carry the same key: %d published", r.prov.count())
	}
	if in := r.store.st.Get("one@a"); in.Status != state.Published {
		t.Errorf("record %+v", in)
	}
}

// An interrupted run (Ctrl-C) makes no new calls.
func TestInterruptStopsNewCalls(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a"), "two": due("a")})
	st, _ := r.store.Read()
	p, _ := plan.Compute(r.cal, st, plan.Options{At: now})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, Options{Plan: p, Calendar: r.cal, Store: r.store, Providers: map[string]Provider{"a": r.prov}})
	if !errors.Is(err, context.Canceled) || len(r.prov.calls) != 0 {
		t.Errorf("err %v, calls %v", err, r.prov.calls)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a publish not-run", "two@a publish not-run"}); diff != "" {
		t.Error(diff)
	}
}

// An interrupted publication the platform confirms absent, and whose time is now more than
// max_delay ago, is missed rather than published late.
func TestPendingConfirmedAbsentTooLateIsMissed(t *testing.T) {
	r := newRun(t, map[string]string{"one": due("a")})
	r.prov.script["one@a"] = []error{errors.New("connection reset")}
	r.apply(t)
	st, _ := r.store.Read()
	later := now.Add(3 * time.Hour)
	p, _ := plan.Compute(r.cal, st, plan.Options{At: later})
	r.prov.calls = nil
	rep, err := Run(context.Background(), Options{Plan: p, Calendar: r.cal, Store: r.store, Providers: map[string]Provider{"a": r.prov}, Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.prov.calls, []string{"lookup one@a"}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(outcomes(rep), []string{"one@a unknown done"}); diff != "" {
		t.Error(diff)
	}
	if rec := r.store.st.Get("one@a"); rec.Status != state.Missed || rec.Intent != nil {
		t.Errorf("record %+v", rec)
	}
}
