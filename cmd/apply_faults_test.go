//go:build unix

package cmd

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/postctl/postctl/state"
)

// TestApplyFaultMatrix publishes to a Mastodon that fails the way servers do — a 429 with
// Retry-After, a 503, an answer lost after the status was created, no answer within the channel's
// timeout after it was created, and a lost answer whose lookup fails too — on the first request
// for every idempotency key. Each fault is combined with a SIGKILL of postctl apply at every step
// of its journal (the run is killed for real, at step 1, 2, … until a run gets through), after
// which apply runs again until it finishes. Another case starts four applies at the same moment
// on the same calendar. Every case must end with each text on the server exactly once, each
// publication recorded as published with the server's id, and a further apply calling nothing.
func TestApplyFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds postctl and runs it a few hundred times")
	}
	bin := buildPostctl(t)
	for _, fault := range []string{"none", "429", "503", "lost-answer", "timeout-after-accept", "lost-answer-lookup-fails"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			for k := 1; ; k++ {
				if k > 40 {
					t.Fatal("apply was still killed at step 40: more steps than this calendar has")
				}
				through := false
				t.Run(fmt.Sprintf("crash-at-%d", k), func(t *testing.T) {
					f := startFaultyMastodon(t, fault)
					dir := faultCalendar(t, f)
					code := runPostctl(t, bin, dir, k, f.env...)
					through = code != -int(syscall.SIGKILL)
					t.Logf("killed at step %d: %v; %s; server: %s", k, !through, stateSummary(dir), f.summary())
					finishApply(t, bin, dir, f.env)
					f.checkExactlyOnce(t, bin, dir)
				})
				if through {
					break
				}
			}
		})
	}
	t.Run("four-at-once", func(t *testing.T) {
		t.Parallel()
		f := startFaultyMastodon(t, "lost-answer")
		dir := faultCalendar(t, f)
		codes := make([]int, 4)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() { codes[i] = runPostctl(t, bin, dir, 0, f.env...) })
		}
		wg.Wait()
		t.Logf("exit codes %v; %s; server: %s", codes, stateSummary(dir), f.summary())
		for _, c := range codes {
			if c != 0 && c != 1 && c != 3 { // 3: the state is locked by another run
				t.Errorf("exit codes %v: want 0, 1 or 3", codes)
			}
		}
		finishApply(t, bin, dir, f.env)
		f.checkExactlyOnce(t, bin, dir)
	})
}

// finishApply reruns apply, as the next scheduled CI run would, until it exits 0. Each run gets
// further; the bound leaves room for a loaded machine, where a request may also miss the 1s timeout.
func finishApply(t *testing.T, bin, dir string, env []string) {
	t.Helper()
	for run := 0; ; run++ {
		if run == 6 {
			t.Fatal("apply did not finish in 6 runs")
		}
		unlockCrashed(t, bin, dir)
		code := runPostctl(t, bin, dir, 0, env...)
		if code == 0 {
			return
		}
		if code != 1 {
			t.Fatalf("rerun %d: exit %d", run+1, code)
		}
	}
}

// The calendar's texts, each published once: two publications, one of them a thread of two.
var faultTexts = []string{"First.", "Second.", "Second, part two."}

func faultCalendar(t *testing.T, f *faultyMastodon) string {
	dir := t.TempDir()
	files := map[string]string{
		"calendar.yaml": "brand: Test\ntimezone: UTC\nchannels:\n  m:\n    provider: mastodon\n    server: " + f.url +
			"\n    access_token_env: MASTO_TOKEN\n    timeout: 1s\n",
		"posts/a.yaml": "publish_at: 2026-12-01T08:50\nchannels: [m]\ntext: First.\n",
		"posts/b.yaml": "publish_at: 2026-12-01T08:55\nchannels: [m]\ntext: Second.\nthread:\n  - Second, part two.\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// faultyMastodon is the scripts' fake Mastodon (Idempotency-Key answers the status it created)
// with one fault on the first status creation of each key.
type faultyMastodon struct {
	*scriptMastodon
	fault string
	url   string
	env   []string // what postctl needs to reach it

	mu       sync.Mutex
	keys     map[string]bool // Idempotency-Keys that met the fault
	lookups  int
	injected int
}

func startFaultyMastodon(t *testing.T, fault string) *faultyMastodon {
	f := &faultyMastodon{scriptMastodon: newScriptMastodon(), fault: fault, keys: map[string]bool{}}
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	f.url, f.base = srv.URL, srv.URL
	certs := filepath.Join(t.TempDir(), "certs.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(certs, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f.env = []string{"SSL_CERT_FILE=" + certs, "MASTO_TOKEN=token"}
	return f
}

func (f *faultyMastodon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	first := false
	if r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses" {
		key := r.Header.Get("Idempotency-Key")
		first = !f.keys[key]
		f.keys[key] = true
	}
	lookup := r.Method == http.MethodGet && r.URL.Path == "/api/v1/accounts/1/statuses"
	if lookup {
		f.lookups++
	}
	failLookup := lookup && f.fault == "lost-answer-lookup-fails" && f.lookups == 1
	if (first && f.fault != "none") || failLookup {
		f.injected++
	}
	f.mu.Unlock()

	if failLookup {
		http.Error(w, `{"error":"Bad gateway"}`, http.StatusBadGateway)
		return
	}
	if !first {
		f.scriptMastodon.ServeHTTP(w, r)
		return
	}
	switch f.fault {
	case "429":
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":"Too many requests"}`, http.StatusTooManyRequests)
	case "503":
		http.Error(w, `{"error":"Service unavailable"}`, http.StatusServiceUnavailable)
	case "lost-answer", "lost-answer-lookup-fails":
		f.scriptMastodon.ServeHTTP(httptest.NewRecorder(), r) // created, then the connection drops
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	case "timeout-after-accept":
		rec := httptest.NewRecorder()
		f.scriptMastodon.ServeHTTP(rec, r)
		time.Sleep(1500 * time.Millisecond) // past the channel's timeout: 1s
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	default:
		f.scriptMastodon.ServeHTTP(w, r)
	}
}

func (f *faultyMastodon) summary() string {
	f.scriptMastodon.mu.Lock()
	defer f.scriptMastodon.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("%d statuses, %d faults injected, %d lookups", len(f.statuses), f.injected, f.lookups)
}

// checkExactlyOnce checks the server and the state agree: each text once on the server, each
// publication published with that status's id and URL, the thread part replying to its post.
// Then a further apply must change nothing on the server.
func (f *faultyMastodon) checkExactlyOnce(t *testing.T, bin, dir string) {
	t.Helper()
	byText := func() map[string][]map[string]any {
		f.scriptMastodon.mu.Lock()
		defer f.scriptMastodon.mu.Unlock()
		out := map[string][]map[string]any{}
		for _, st := range f.statuses {
			text, _ := st["content"].(string)
			out[text] = append(out[text], st)
		}
		return out
	}
	got := byText()
	var texts []string
	for text, sts := range got {
		texts = append(texts, fmt.Sprintf("%q×%d", text, len(sts)))
	}
	sort.Strings(texts)
	for _, want := range faultTexts {
		if len(got[want]) != 1 {
			t.Errorf("%q is on the server %d times, want once (server: %s)", want, len(got[want]), strings.Join(texts, ", "))
		}
	}
	if len(got) != len(faultTexts) {
		t.Errorf("the server has %s; want each of %q once", strings.Join(texts, ", "), faultTexts)
	}
	if t.Failed() {
		return
	}
	data, err := os.ReadFile(filepath.Join(dir, ".postctl", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Decode("state.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for addr, text := range map[string]string{"a@m": "First.", "b@m": "Second."} {
		r, remote := st.Get(addr), got[text][0]
		switch {
		case r == nil:
			t.Errorf("%s: no record", addr)
		case r.Status != state.Published || r.Intent != nil:
			t.Errorf("%s: status %s, intent %+v; want published", addr, r.Status, r.Intent)
		case r.RemoteID != remote["id"] || r.URL != remote["url"]:
			t.Errorf("%s: recorded %s %s, the server has %s %s", addr, r.RemoteID, r.URL, remote["id"], remote["url"])
		}
	}
	if part := got["Second, part two."][0]; part["in_reply_to_id"] != got["Second."][0]["id"] {
		t.Errorf("the thread part replies to %v, want %v", part["in_reply_to_id"], got["Second."][0]["id"])
	}
	if len(st.Publications) != 2 {
		raw, _ := json.Marshal(st.Publications)
		t.Errorf("%d records, want 2: %s", len(st.Publications), raw)
	}
	if code := runPostctl(t, bin, dir, 0, f.env...); code != 0 {
		t.Errorf("a further apply: exit %d", code)
	}
	if n := len(byText()); n != len(faultTexts) {
		t.Errorf("a further apply changed the server: %d texts, want %d", n, len(faultTexts))
	}
}
