package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// A fake Mastodon server for the scripts, in the test process (the postctl subprocess reaches it on
// https://127.0.0.1 and trusts its certificate through SSL_CERT_FILE):
//
//	fakemastodon start FILE     start it; https://mastodon.invalid in FILE (calendar.yaml) becomes its URL
//	fakemastodon statuses N     N statuses are public
//	fakemastodon scheduled N    N statuses are scheduled
//	fakemastodon show           write the public and scheduled statuses to stdout, in id order
//
// Semantics as Mastodon: POST /api/v1/statuses with scheduled_at creates a scheduled status (id and
// params), without it a public status; a repeated Idempotency-Key answers the first status (for
// the whole script: stricter than Mastodon, which keeps a key for an hour);
// DELETE /api/v1/scheduled_statuses/:id removes one (404 when gone).
func init() {
	scriptCmds["fakemastodon"] = cmdFakeMastodon
}

type scriptMastodon struct {
	mu        sync.Mutex
	next      int
	base      string
	statuses  map[string]map[string]any // id → status
	scheduled map[string]map[string]any // id → scheduled status
	keys      map[string]map[string]any // Idempotency-Key → the answer
}

func newScriptMastodon() *scriptMastodon {
	return &scriptMastodon{statuses: map[string]map[string]any{}, scheduled: map[string]map[string]any{}, keys: map[string]map[string]any{}}
}

func cmdFakeMastodon(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fakemastodon start FILE | statuses N | scheduled N | show")
	}
	m := fakeOf[*scriptMastodon](ts, "mastodon")
	if args[0] == "start" {
		if len(args) != 2 {
			ts.Fatalf("usage: fakemastodon start FILE")
		}
		m = newScriptMastodon()
		m.base = startFake(ts, "mastodon", m, args[1], "https://mastodon.invalid")
		return
	}
	if m == nil {
		ts.Fatalf("fakemastodon: not started")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch args[0] {
	case "statuses", "scheduled":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		got := len(m.statuses)
		if args[0] == "scheduled" {
			got = len(m.scheduled)
		}
		if got != want {
			ts.Fatalf("fakemastodon: %d %s, want %d", got, args[0], want)
		}
	case "show":
		var lines []string
		for id, st := range m.statuses {
			lines = append(lines, fmt.Sprintf("public %s: %s", id, st["content"]))
		}
		for id, st := range m.scheduled {
			lines = append(lines, fmt.Sprintf("scheduled %s at %s: %s", id, st["scheduled_at"], st["params"].(map[string]any)["text"]))
		}
		sort.Strings(lines)
		fmt.Fprintln(ts.Stdout(), strings.Join(lines, "\n"))
	default:
		ts.Fatalf("fakemastodon: unknown subcommand %q", args[0])
	}
}

func (m *scriptMastodon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	answer := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/instance":
		answer(200, map[string]any{"configuration": map[string]any{"statuses": map[string]any{"max_characters": 500}}})
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/accounts/verify_credentials":
		answer(200, map[string]any{"id": "1", "acct": "northwind"})
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/accounts/1/statuses":
		answer(200, m.list(m.statuses))
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/scheduled_statuses":
		answer(200, m.list(m.scheduled))
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses":
		if err := r.ParseForm(); err != nil {
			answer(400, map[string]any{"error": err.Error()})
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if st, ok := m.keys[key]; ok && key != "" {
			answer(200, st)
			return
		}
		m.next++
		id := strconv.Itoa(m.next)
		var st map[string]any
		if at := r.PostForm.Get("scheduled_at"); at != "" {
			st = map[string]any{"id": id, "scheduled_at": at, "params": map[string]any{"text": r.PostForm.Get("status"), "visibility": r.PostForm.Get("visibility")}}
			m.scheduled[id] = st
		} else {
			url := m.base + "/@northwind/" + id
			st = map[string]any{"id": id, "uri": url, "url": url, "content": r.PostForm.Get("status"), "created_at": "2026-01-01T00:00:00.000Z", "in_reply_to_id": nil}
			if to := r.PostForm.Get("in_reply_to_id"); to != "" {
				st["in_reply_to_id"] = to
			}
			m.statuses[id] = st
		}
		m.keys[key] = st
		answer(200, st)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/v1/scheduled_statuses/"):
		id := strings.TrimPrefix(r.URL.Path, "/api/v1/scheduled_statuses/")
		if _, ok := m.scheduled[id]; !ok {
			answer(404, map[string]any{"error": "Record not found"})
			return
		}
		delete(m.scheduled, id)
		answer(200, map[string]any{})
	default:
		answer(404, map[string]any{"error": "not implemented by the fake: " + r.Method + " " + r.URL.Path})
	}
}

func (m *scriptMastodon) list(from map[string]map[string]any) []map[string]any {
	out := []map[string]any{}
	for _, st := range from {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(out[i]["id"].(string))
		b, _ := strconv.Atoi(out[j]["id"].(string))
		return a > b // newest first, as Mastodon lists
	})
	return out
}
