package apply

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

// The engine with the mastodon provider against the fake server: a run whose calls lose their
// answers leaves publications pending; the next run's Lookup finds them, or continues a thread
// after the parts out, and every status exists once.
func TestMastodonEngineExactlyOnce(t *testing.T) {
	m, ts := newMastoServer(t)
	fsys := fstest.MapFS{"calendar.yaml": {Data: []byte("brand: Test\ntimezone: UTC\nchannels:\n  masto:\n    provider: mastodon\n    server: " + ts.URL + "\n    access_token_env: MASTO_TOKEN\n")}}
	post := func(id, extra string) {
		fsys["posts/"+id+".yaml"] = &fstest.MapFile{Data: []byte("publish_at: 2026-12-01T08:55:00Z\nchannels: [masto]\ntext: Hello from " + id + ".\n" + extra)}
	}
	post("one", "")
	post("two", "thread:\n  - Part two.\n  - Part three.\n")
	post("three", "")
	cal := loadFS(t, fsys)
	// "one": created, the connection dropped; "two": its second part answers 500; "three": the
	// repeat of its key answers 500 (some versions), after a dropped answer.
	m.dropText["Hello from one."] = 1
	m.failText["Part two."] = 1
	m.dropText["Hello from three."] = 1
	m.repeat500 = true

	store := &whStore{}
	run := func() *Report {
		t.Helper()
		st, err := store.Read()
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Compute(cal, st, plan.Options{At: m.clock})
		if err != nil {
			t.Fatal(err)
		}
		// A new process each run: nothing remembered in memory.
		prov := newMastoProvider(t, m, ts)
		rep, err := Run(context.Background(), Options{Plan: p, Calendar: cal, Store: store,
			Providers: map[string]Provider{"masto": prov}, Now: func() time.Time { return m.clock }, Exclusive: true,
			Sleep: func(context.Context, time.Duration) error { return nil }, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := run()
	got := map[string]Status{}
	for _, o := range rep.Outcomes {
		got[o.Address] = o.Status
	}
	if got["one@masto"] != Unknown || got["two@masto"] != Unknown || got["three@masto"] != Unknown {
		t.Fatalf("first run: %v", got)
	}
	run()
	rep = run()
	if len(rep.Outcomes) != 0 {
		t.Errorf("third run: %+v", rep.Outcomes)
	}
	st, _ := store.Read()
	for _, addr := range []string{"one@masto", "two@masto", "three@masto"} {
		if r := st.Get(addr); r == nil || r.Status != state.Published || r.RemoteID == "" {
			t.Errorf("%s: %+v", addr, r)
		}
	}
	if r := st.Get("two@masto"); r == nil || len(r.Thread) != 2 {
		t.Errorf("two: %+v", r)
	}
	for _, text := range []string{"Hello from one.", "Hello from two.", "Part two.", "Part three.", "Hello from three."} {
		if n := m.count(text); n != 1 {
			t.Errorf("%q: %d statuses", text, n)
		}
	}
	if len(m.statuses) != 5 {
		t.Errorf("%d statuses", len(m.statuses))
	}
}
