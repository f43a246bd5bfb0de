package apply

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

// The engine with the Bluesky provider and a PDS that loses answers after committing: each
// publication and each thread part exists exactly once, and a later run confirms what the lost
// answers left unknown.

const bskyCalendar = `brand: Test
timezone: UTC
channels:
  sky:
    provider: bluesky
    handle: brand.test
    app_password_env: BSKY_APP_PASSWORD
`

func bskyLoad(t *testing.T, ids ...string) *calendar.Calendar {
	t.Helper()
	fsys := fstest.MapFS{"calendar.yaml": {Data: []byte(bskyCalendar)}}
	for _, id := range ids {
		fsys["posts/"+id+".yaml"] = &fstest.MapFile{Data: []byte("publish_at: 2026-12-01T08:55:00Z\nchannels: [sky]\ntext: Hello from " + id + " #coffee\nthread:\n  - And more.\n  - The end.\n")}
	}
	return loadFS(t, fsys)
}

func TestBlueskyEngineExactlyOnce(t *testing.T) {
	f, srv := newFakePDS(t)
	var mu sync.Mutex
	lost := 0
	// Every putRecord of the first run's first four is committed and its answer lost: the
	// connection is dropped after the record is stored.
	f.after = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
		mu.Lock()
		defer mu.Unlock()
		if n%3 == 1 && lost < 4 {
			lost++
			drop(w)
			return true
		}
		return false
	}
	b := newTestBluesky(t, srv)
	cal := bskyLoad(t, "one", "two", "three")
	store := &whStore{}
	run := func() *Report {
		t.Helper()
		st, err := store.Read()
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Compute(cal, st, plan.Options{At: whNow})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Run(t.Context(), Options{Plan: p, Calendar: cal, Store: store,
			Providers: map[string]Provider{"sky": b}, Now: func() time.Time { return whNow }, Exclusive: true,
			Sleep: func(context.Context, time.Duration) error { return nil }, MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	var statuses []string
	for i := 0; i < 3; i++ {
		for _, o := range run().Outcomes {
			statuses = append(statuses, fmt.Sprintf("run %d %s %s", i+1, o.Address, o.Status))
		}
	}
	// "one" loses three answers (every attempt of the first run): unknown, never resent blind;
	// the second run's Lookup finds the post and its whole thread.
	if got := fmt.Sprint(statuses); got != "[run 1 one@sky unknown run 1 three@sky done run 1 two@sky done run 2 one@sky confirmed]" {
		t.Errorf("outcomes %s", got)
	}
	st, _ := store.Read()
	for _, addr := range []string{"one@sky", "two@sky", "three@sky"} {
		r := st.Get(addr)
		if r == nil || r.Status != state.Published || len(r.Thread) != 2 {
			t.Errorf("%s: %+v", addr, r)
		}
	}
	if rep := run(); len(rep.Outcomes) != 0 {
		t.Errorf("a further run: %+v", rep.Outcomes)
	}
	if f.count() != 9 {
		t.Errorf("%d records, want 9 (three posts of three parts)", f.count())
	}
	if f.logins != 1 {
		t.Errorf("%d logins, want 1", f.logins)
	}
	if lost != 4 {
		t.Errorf("%d answers lost, want 4", lost)
	}
}
