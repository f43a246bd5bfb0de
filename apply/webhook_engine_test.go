package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

// The engine with the webhook provider and a receiver that deduplicates on the delivery id: lost
// answers, within a run and across runs, still make each publication appear exactly once.

const whCalendar = `brand: Test
timezone: UTC
channels:
  hooks:
    provider: webhook
    url: https://hooks.example/postctl
    secret_env: WEBHOOK_SECRET
`

var whNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func whLoad(t *testing.T, ids ...string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{"calendar.yaml": {Data: []byte(whCalendar)}}
	for _, id := range ids {
		fsys["posts/"+id+".yaml"] = &fstest.MapFile{Data: []byte("publish_at: 2026-12-01T08:55:00Z\nchannels: [hooks]\ntext: Hello from " + id + ".\nthread:\n  - And more.\n")}
	}
	return loadFS(t, fsys)
}

// whStore keeps the state in memory, encoded, with the compare-and-swap on the serial.
type whStore struct {
	mu   sync.Mutex
	data []byte
}

func (s *whStore) Read() (*state.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data == nil {
		return state.New(), nil
	}
	return state.Decode("state.json", s.data)
}

func (s *whStore) Write(st *state.State, expect uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur uint64
	if s.data != nil {
		old, err := state.Decode("state.json", s.data)
		if err != nil {
			return err
		}
		cur = old.Serial
	}
	if cur != expect {
		return fmt.Errorf("at serial %d, not %d: %w", cur, expect, state.ErrConflict)
	}
	st.Serial = expect + 1
	data, err := state.Encode(st)
	if err != nil {
		return err
	}
	s.data = data
	return nil
}

func whApply(t *testing.T, cal *calendar.Calendar, store *whStore, w *Webhook) *Report {
	t.Helper()
	st, err := store.Read()
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Compute(cal, st, plan.Options{At: whNow})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Plan: p, Calendar: cal, Store: store,
		Providers: map[string]Provider{"hooks": w}, Now: func() time.Time { return whNow }, Exclusive: true,
		Sleep: func(context.Context, time.Duration) error { return nil }, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestWebhookEngineExactlyOnce(t *testing.T) {
	rc := newReceiver(t, []byte(webhookSecret))
	rc.now = func() time.Time { return whNow }
	var mu sync.Mutex
	// Answers still to lose, by post: "one" commits then times out twice (within the first run);
	// "two" is processed and the connection dropped on every attempt of the first run.
	lose := map[string]int{"one": 2, "two": 3}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, body := rc.verify(w, r)
		if id == "" {
			return
		}
		rc.process(id)
		var doc struct{ Post string }
		_ = json.Unmarshal(body, &doc)
		mu.Lock()
		n := lose[doc.Post]
		if n > 0 {
			lose[doc.Post] = n - 1
		}
		mu.Unlock()
		switch {
		case n > 0 && doc.Post == "one":
			<-r.Context().Done() // the client times out
		case n > 0:
			hijackClose(t, w)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer srv.Close()
	cal := whLoad(t, "one", "two", "three")
	hook, err := NewWebhook(WebhookConfig{Channel: "hooks", URL: srv.URL + "/postctl", Secret: []byte(webhookSecret),
		AllowHTTP: true, Timeout: 300 * time.Millisecond, Now: func() time.Time { return whNow }})
	if err != nil {
		t.Fatal(err)
	}
	store := &whStore{}

	rep := whApply(t, cal, store, hook)
	got := map[string]Status{}
	for _, o := range rep.Outcomes {
		got[o.Address] = o.Status
	}
	if got["one@hooks"] != Done || got["three@hooks"] != Done || got["two@hooks"] == Done {
		t.Fatalf("first run: %v", got)
	}

	// The next run resends "two" with the same delivery id; the receiver has it already.
	rep = whApply(t, cal, store, hook)
	st, _ := store.Read()
	for _, addr := range []string{"one@hooks", "two@hooks", "three@hooks"} {
		if r := st.Get(addr); r == nil || r.Status != state.Published {
			t.Errorf("%s: %+v", addr, r)
		}
	}
	// A third run has nothing to do.
	rep = whApply(t, cal, store, hook)
	if len(rep.Outcomes) != 0 {
		t.Errorf("third run: %+v", rep.Outcomes)
	}

	seen := rc.seen()
	if len(seen) != 3 {
		t.Errorf("receiver saw %v", seen)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for id, bodies := range rc.attempts {
		if seen[id] != 1 {
			t.Errorf("%s seen %d times", id, seen[id])
		}
		for _, b := range bodies[1:] {
			if string(b) != string(bodies[0]) {
				t.Errorf("%s: a resend changed the body:\n%s\n%s", id, b, bodies[0])
			}
		}
	}
	var counts []int
	for _, bodies := range rc.attempts {
		counts = append(counts, len(bodies))
	}
	sort.Ints(counts)
	if fmt.Sprint(counts) != "[1 3 4]" {
		t.Errorf("attempts per delivery %v, want three: 1, one: 3 (two lost answers), two: 4 (three in the first run, one resend)", counts)
	}
}
