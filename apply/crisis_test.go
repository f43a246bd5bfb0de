package apply

import (
	"context"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
)

// scheduler is a fake platform that schedules natively and, like Mastodon, answers a key it has
// seen with the status it created for it, even after that status was withdrawn.
type scheduler struct {
	*fake
	scheduled map[string]string // remote id → key
	byKey     map[string]string // key → remote id
	next      int
}

func newScheduler() *scheduler {
	return &scheduler{fake: newFake(), scheduled: map[string]string{}, byKey: map[string]string{}}
}

func (s *scheduler) Schedule(_ context.Context, p *Publication) (*Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "schedule "+p.Address)
	if id, ok := s.byKey[p.Key]; ok {
		return &Result{RemoteID: id, At: p.At}, nil
	}
	s.next++
	id := "scheduled:" + strconv.Itoa(s.next)
	s.scheduled[id], s.byKey[p.Key] = p.Key, id
	return &Result{RemoteID: id, At: p.At}, nil
}

func (s *scheduler) Reschedule(_ context.Context, p *Publication, remoteID string) (*Result, error) {
	return &Result{RemoteID: remoteID, At: p.At}, nil
}

func (s *scheduler) Cancel(_ context.Context, p *Publication, remoteID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "cancel "+p.Address)
	delete(s.scheduled, remoteID)
	return nil
}

const crisisPlaybook = `name: Outage
severity: medium
pause:
  tags: [promo]
holding_statement:
  channels: [a, masto]
  text: We are on it.
`

// A crisis withdraws the scheduled promotion before anything else goes out, records every hold,
// publishes its statement once; resolved, the promotion is scheduled again under a new key.
func TestCrisisHoldsAndStatement(t *testing.T) {
	files := fstest.MapFS{
		"calendar.yaml":         {Data: []byte(testCalendar)},
		"playbooks/outage.yaml": {Data: []byte(crisisPlaybook)},
		"posts/promo.yaml":      {Data: []byte("publish_at: 2026-12-02T09:00:00Z\nchannels: [masto, a]\ntags: [promo]\ntext: Sale.\n")},
		"posts/tip.yaml":        {Data: []byte(due("b"))},
	}
	store := &memStore{}
	sched := newScheduler()
	run := func(at time.Time) *Report {
		t.Helper()
		cal := loadFS(t, files)
		st, err := store.Read()
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Compute(cal, st, plan.Options{At: at})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Run(context.Background(), Options{Plan: p, Calendar: cal, Store: store, Exclusive: true,
			Providers: map[string]Provider{"a": sched.fake, "b": sched.fake, "masto": sched}, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	statuses := func() map[string]state.Status {
		out := map[string]state.Status{}
		for a, r := range store.st.Publications {
			out[a] = r.Status
		}
		return out
	}

	run(now)
	firstKey := sched.scheduled["scheduled:1"]
	if len(sched.scheduled) != 1 || firstKey == "" {
		t.Fatalf("before the crisis: scheduled %v", sched.scheduled)
	}

	files["crisis.yaml"] = &fstest.MapFile{Data: []byte("playbook: outage\nactivated_at: 2026-12-01T09:02:00Z\nreason: Down\n")}
	sched.calls = nil
	rep := run(now.Add(5 * time.Minute))
	const statement = "crisis:outage:20261201T090200Z"
	if diff := cmp.Diff(sched.calls, []string{"cancel promo@masto", "publish " + statement + "@a", "publish " + statement + "@masto"}); diff != "" {
		t.Errorf("calls (-got +want):\n%s", diff)
	}
	if rep.Held != 1 || len(sched.scheduled) != 0 {
		t.Errorf("holds recorded %d (want promo@a), scheduled %v", rep.Held, sched.scheduled)
	}
	want := map[string]state.Status{"tip@b": state.Published, "promo@masto": state.Held, "promo@a": state.Held,
		statement + "@a": state.Published, statement + "@masto": state.Published}
	if diff := cmp.Diff(statuses(), want); diff != "" {
		t.Errorf("statuses (-got +want):\n%s", diff)
	}
	if r := store.st.Get("promo@masto"); r.Cancels != 1 || r.RemoteID != "" {
		t.Errorf("held record %+v", r)
	}

	// Once: a second run has nothing to do and writes nothing.
	writes := store.writes
	if rep := run(now.Add(10 * time.Minute)); len(rep.Outcomes) != 0 || rep.Held != 0 || store.writes != writes {
		t.Errorf("second run during the crisis: %+v, %d writes", rep, store.writes-writes)
	}

	// Resolved within Mastodon's hour: scheduled again under a new key, so not answered with the
	// withdrawn status; the hold on the when-due channel is forgotten.
	delete(files, "crisis.yaml")
	rep = run(now.Add(20 * time.Minute))
	if len(sched.scheduled) != 1 || sched.scheduled["scheduled:2"] == "" || sched.scheduled["scheduled:2"] == firstKey {
		t.Errorf("after the crisis: scheduled %v", sched.scheduled)
	}
	if rep.Released != 1 || store.st.Get("promo@a") != nil {
		t.Errorf("released %d, promo@a %+v", rep.Released, store.st.Get("promo@a"))
	}
	if r := store.st.Get("promo@masto"); r.Status != state.Scheduled || r.RemoteID != "scheduled:2" {
		t.Errorf("scheduled again: %+v", r)
	}
}
