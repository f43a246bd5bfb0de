package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postctl/postctl/calendar"
)

// mastoServer behaves like a Mastodon server as its API documentation describes it, with faults.
type mastoServer struct {
	t        *testing.T
	mu       sync.Mutex
	clock    time.Time
	nextID   int
	statuses []*mStatus // creation order
	keys     map[string]mKey
	media    map[string]*mMedia
	sched    map[string]*mSched
	maxChars int

	repeat500 bool  // a repeated Idempotency-Key answers 500, as some versions did
	dropNext  int   // the next n creates drop the connection after the status exists
	script    []int // codes for the next POST /api/v1/statuses, before it does anything
	polls     int   // media GETs before a media is processed
	noV2      bool
	failText  map[string]int // text → POSTs of it still to answer 500 before creating
	dropText  map[string]int // text → creates of it still to drop the connection after

	posts   int // POST /api/v1/statuses received
	forms   []map[string][]string
	keySeen []string
	auth    []string
}

type mStatus struct {
	ID, Text, Visibility, Language, ReplyTo string
	Media                                   []string
	Created                                 time.Time
}

type mKey struct {
	id string
	at time.Time
}

type mMedia struct {
	desc, name string
	polls      int
}

type mSched struct {
	at   time.Time
	text string
}

func newMastoServer(t *testing.T) (*mastoServer, *httptest.Server) {
	m := &mastoServer{t: t, clock: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), nextID: 1000,
		keys: map[string]mKey{}, failText: map[string]int{}, dropText: map[string]int{}, media: map[string]*mMedia{}, sched: map[string]*mSched{}, maxChars: 500}
	ts := httptest.NewTLSServer(m)
	t.Cleanup(ts.Close)
	return m, ts
}

func (m *mastoServer) id() string { m.nextID++; return strconv.Itoa(m.nextID) }

// content renders text as Mastodon does: paragraphs, <br>, links with hidden spans.
func mContent(text string) string {
	var paras []string
	for _, para := range strings.Split(text, "\n\n") {
		var lines []string
		for _, line := range strings.Split(para, "\n") {
			words := strings.Split(line, " ")
			for i, w := range words {
				if rest, ok := strings.CutPrefix(w, "https://"); ok {
					words[i] = `<a href="https://` + html.EscapeString(rest) + `" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">` + html.EscapeString(rest) + `</span><span class="invisible"></span></a>`
				} else {
					words[i] = html.EscapeString(w)
				}
			}
			lines = append(lines, strings.Join(words, " "))
		}
		paras = append(paras, "<p>"+strings.Join(lines, "<br />")+"</p>")
	}
	return strings.Join(paras, "")
}

func (m *mastoServer) statusJSON(s *mStatus) map[string]any {
	var reply any
	if s.ReplyTo != "" {
		reply = s.ReplyTo
	}
	var atts []any
	for _, id := range s.Media {
		atts = append(atts, map[string]any{"id": id, "description": m.media[id].desc})
	}
	return map[string]any{"id": s.ID, "url": "https://masto.test/@brand/" + s.ID, "uri": "https://masto.test/users/brand/statuses/" + s.ID,
		"content": mContent(s.Text), "in_reply_to_id": reply, "visibility": s.Visibility, "language": s.Language,
		"created_at": s.Created.Format("2006-01-02T15:04:05.000Z"), "media_attachments": atts}
}

func mWriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (m *mastoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.auth = append(m.auth, r.Header.Get("Authorization"))
	if r.Header.Get("Authorization") != "Bearer s3cret-token" {
		mWriteJSON(w, 401, map[string]string{"error": "The access token is invalid"})
		return
	}
	w.Header().Set("X-RateLimit-Limit", "300")
	w.Header().Set("X-RateLimit-Remaining", "299")
	w.Header().Set("X-RateLimit-Reset", m.clock.Add(5*time.Minute).Format(time.RFC3339Nano))
	p := r.URL.Path
	switch {
	case r.Method == "GET" && p == "/api/v2/instance":
		if m.noV2 {
			mWriteJSON(w, 404, map[string]string{"error": "Not found"})
			return
		}
		mWriteJSON(w, 200, map[string]any{"configuration": map[string]any{"statuses": map[string]any{"max_characters": m.maxChars}}})
	case r.Method == "GET" && p == "/api/v1/accounts/verify_credentials":
		mWriteJSON(w, 200, map[string]any{"id": "7", "username": "brand"})
	case r.Method == "GET" && p == "/api/v1/accounts/7/statuses":
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit <= 0 || limit > 40 {
			limit = 20
		}
		maxID, _ := strconv.Atoi(r.URL.Query().Get("max_id"))
		out := []any{}
		for i := len(m.statuses) - 1; i >= 0 && len(out) < limit; i-- {
			n, _ := strconv.Atoi(m.statuses[i].ID)
			if maxID != 0 && n >= maxID {
				continue
			}
			out = append(out, m.statusJSON(m.statuses[i]))
		}
		mWriteJSON(w, 200, out)
	case r.Method == "GET" && strings.HasPrefix(p, "/api/v1/statuses/"):
		id := strings.TrimPrefix(p, "/api/v1/statuses/")
		for _, s := range m.statuses {
			if s.ID == id {
				mWriteJSON(w, 200, m.statusJSON(s))
				return
			}
		}
		mWriteJSON(w, 404, map[string]string{"error": "Record not found"})
	case r.Method == "POST" && p == "/api/v1/statuses":
		m.createStatus(w, r)
	case r.Method == "POST" && p == "/api/v2/media":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			mWriteJSON(w, 422, map[string]string{"error": "Validation failed: File can't be blank"})
			return
		}
		f, fh, err := r.FormFile("file")
		if err != nil {
			mWriteJSON(w, 422, map[string]string{"error": "Validation failed: File can't be blank"})
			return
		}
		io.Copy(io.Discard, f)
		id := m.id()
		m.media[id] = &mMedia{desc: r.FormValue("description"), name: fh.Filename, polls: m.polls}
		if m.polls > 0 {
			mWriteJSON(w, 202, map[string]any{"id": id, "type": "image", "url": nil, "description": r.FormValue("description")})
			return
		}
		mWriteJSON(w, 200, map[string]any{"id": id, "type": "image", "url": "https://masto.test/media/" + id, "description": r.FormValue("description")})
	case r.Method == "GET" && strings.HasPrefix(p, "/api/v1/media/"):
		md := m.media[strings.TrimPrefix(p, "/api/v1/media/")]
		if md == nil {
			mWriteJSON(w, 404, map[string]string{"error": "Record not found"})
			return
		}
		if md.polls > 0 {
			md.polls--
			mWriteJSON(w, 206, map[string]any{"id": strings.TrimPrefix(p, "/api/v1/media/"), "url": nil})
			return
		}
		mWriteJSON(w, 200, map[string]any{"id": strings.TrimPrefix(p, "/api/v1/media/"), "url": "https://masto.test/media/x"})
	case r.Method == "GET" && p == "/api/v1/scheduled_statuses":
		ids := make([]string, 0, len(m.sched))
		for id := range m.sched {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		out := []any{}
		for _, id := range ids {
			out = append(out, m.schedJSON(id))
		}
		mWriteJSON(w, 200, out)
	case strings.HasPrefix(p, "/api/v1/scheduled_statuses/"):
		id := strings.TrimPrefix(p, "/api/v1/scheduled_statuses/")
		s := m.sched[id]
		if s == nil {
			mWriteJSON(w, 404, map[string]string{"error": "Record not found"})
			return
		}
		switch r.Method {
		case "GET":
			mWriteJSON(w, 200, m.schedJSON(id))
		case "PUT":
			r.ParseForm()
			at, err := time.Parse(time.RFC3339, r.FormValue("scheduled_at"))
			if err != nil || at.Sub(m.clock) < 5*time.Minute {
				mWriteJSON(w, 422, map[string]string{"error": "Validation failed: Scheduled at The scheduled date must be in the future"})
				return
			}
			s.at = at
			mWriteJSON(w, 200, m.schedJSON(id))
		case "DELETE":
			delete(m.sched, id)
			mWriteJSON(w, 200, map[string]any{})
		}
	default:
		mWriteJSON(w, 404, map[string]string{"error": "Not found"})
	}
}

func (m *mastoServer) schedJSON(id string) map[string]any {
	s := m.sched[id]
	return map[string]any{"id": id, "scheduled_at": s.at.Format("2006-01-02T15:04:05.000Z"), "params": map[string]any{"text": s.text}, "media_attachments": []any{}}
}

func (m *mastoServer) createStatus(w http.ResponseWriter, r *http.Request) {
	m.posts++
	if len(m.script) > 0 {
		code := m.script[0]
		m.script = m.script[1:]
		switch code {
		case 429:
			w.Header().Set("Retry-After", "7")
			mWriteJSON(w, 429, map[string]string{"error": "Too many requests"})
		case 422:
			mWriteJSON(w, 422, map[string]string{"error": "Validation failed: Text character limit of 500 exceeded"})
		default:
			mWriteJSON(w, code, map[string]string{"error": "We're sorry, but something went wrong on our end."})
		}
		return
	}
	r.ParseForm()
	if n := m.failText[r.PostFormValue("status")]; n > 0 {
		m.failText[r.PostFormValue("status")] = n - 1
		mWriteJSON(w, 500, map[string]string{"error": "We're sorry, but something went wrong on our end."})
		return
	}
	m.forms = append(m.forms, r.PostForm)
	key := r.Header.Get("Idempotency-Key")
	m.keySeen = append(m.keySeen, key)
	text := r.PostFormValue("status")
	if at := r.PostFormValue("scheduled_at"); at != "" {
		// Idempotency-Key is ignored for scheduled posts.
		t, err := time.Parse(time.RFC3339, at)
		if err != nil || t.Sub(m.clock) < 5*time.Minute {
			mWriteJSON(w, 422, map[string]string{"error": "Validation failed: Scheduled at The scheduled date must be at least 5 minutes in the future"})
			return
		}
		id := m.id()
		m.sched[id] = &mSched{at: t, text: text}
		mWriteJSON(w, 200, m.schedJSON(id))
		return
	}
	if k, ok := m.keys[key]; ok && key != "" && m.clock.Sub(k.at) < time.Hour {
		if m.repeat500 {
			mWriteJSON(w, 500, map[string]string{"error": "We're sorry, but something went wrong on our end."})
			return
		}
		for _, s := range m.statuses {
			if s.ID == k.id {
				mWriteJSON(w, 200, m.statusJSON(s))
				return
			}
		}
	}
	if text == "" && len(r.PostForm["media_ids[]"]) == 0 {
		mWriteJSON(w, 422, map[string]string{"error": "Validation failed: Text can't be blank"})
		return
	}
	for _, id := range r.PostForm["media_ids[]"] {
		if md := m.media[id]; md == nil || md.polls > 0 {
			mWriteJSON(w, 422, map[string]string{"error": "Cannot attach files that have not finished processing. Try again in a moment!"})
			return
		}
	}
	s := &mStatus{ID: m.id(), Text: text, Visibility: r.PostFormValue("visibility"), Language: r.PostFormValue("language"),
		ReplyTo: r.PostFormValue("in_reply_to_id"), Media: r.PostForm["media_ids[]"], Created: m.clock}
	if s.Visibility == "" {
		s.Visibility = "unlisted" // a server default that is not public: the provider must send it
	}
	m.statuses = append(m.statuses, s)
	if key != "" {
		m.keys[key] = mKey{id: s.ID, at: m.clock}
	}
	if m.dropNext > 0 || m.dropText[text] > 0 {
		if m.dropNext > 0 {
			m.dropNext--
		} else {
			m.dropText[text]--
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	mWriteJSON(w, 200, m.statusJSON(s))
}

func (m *mastoServer) count(text string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, s := range m.statuses {
		if s.Text == text {
			n++
		}
	}
	return n
}

func (m *mastoServer) with(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f()
}

func newMastoProvider(t *testing.T, m *mastoServer, ts *httptest.Server, mod ...func(*MastodonConfig)) *Mastodon {
	t.Helper()
	cfg := MastodonConfig{Channel: "masto", Server: ts.URL, Token: []byte("s3cret-token"), Language: "en",
		Client: ts.Client(), Now: func() time.Time { return m.clock }, PollInterval: time.Millisecond}
	for _, f := range mod {
		f(&cfg)
	}
	p, err := NewMastodon(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var mastoAt = time.Date(2026, 12, 1, 8, 55, 0, 0, time.UTC)

func mastoPub(key, text string, thread ...string) *Publication {
	p := &Publication{Address: key + "@masto", Post: key, Channel: "masto", Key: "k-" + key, At: mastoAt, Text: text}
	for _, t := range thread {
		p.Thread = append(p.Thread, Part{Text: t})
	}
	return p
}

func isRetryable(err error) bool {
	var re *RetryableError
	return errors.As(err, &re)
}

func TestMastodonPublishOnceAndLookup(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts)
	ctx := context.Background()
	p := mastoPub("a", "Hello & welcome <3\n\nRead https://example.com/launch/notes now.")
	res, err := prov.Publish(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID == "" || res.URL != "https://masto.test/@brand/"+res.RemoteID {
		t.Errorf("result %+v", res)
	}
	f := m.forms[0]
	if f["visibility"][0] != "public" || f["language"][0] != "en" || m.keySeen[0] != "k-a" || m.auth[len(m.auth)-1] != "Bearer s3cret-token" {
		t.Errorf("form %v key %v", f, m.keySeen)
	}
	// A resend with the same key: the server answers the same status.
	res2, err := prov.Publish(ctx, p)
	if err != nil || res2.RemoteID != res.RemoteID {
		t.Errorf("resend %+v %v", res2, err)
	}
	// The next run's Lookup finds it by its text.
	got, found, err := newMastoProvider(t, m, ts).Lookup(ctx, p)
	if err != nil || !found || got.RemoteID != res.RemoteID || got.URL != res.URL {
		t.Errorf("lookup %+v %v %v", got, found, err)
	}
	if n := m.count(p.Text); n != 1 {
		t.Errorf("%d statuses", n)
	}
	// Another text is confirmed absent.
	_, found, err = prov.Lookup(ctx, mastoPub("b", "Other."))
	if err != nil || found {
		t.Errorf("absent: %v %v", found, err)
	}
}

func TestMastodonVisibility(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts, func(c *MastodonConfig) { c.Visibility = "unlisted"; c.Language = "" })
	if _, err := prov.Publish(context.Background(), mastoPub("a", "Hi.")); err != nil {
		t.Fatal(err)
	}
	if v := m.forms[0]["visibility"]; len(v) != 1 || v[0] != "unlisted" || m.forms[0]["language"] != nil {
		t.Errorf("form %v", m.forms[0])
	}
	if _, err := NewMastodon(MastodonConfig{Server: ts.URL, Token: []byte("x"), Visibility: "everyone"}); err == nil {
		t.Error("bad visibility accepted")
	}
}

// The connection drops after the status was created: the engine's next run looks it up; a retry
// in the same run looks before posting again. Either way there is one status.
func TestMastodonDroppedAnswer(t *testing.T) {
	for _, repeat500 := range []bool{false, true} {
		t.Run(fmt.Sprintf("repeat500=%v", repeat500), func(t *testing.T) {
			m, ts := newMastoServer(t)
			m.repeat500 = repeat500
			m.dropNext = 1
			ctx := context.Background()
			p := mastoPub("a", "Launch day.")
			prov := newMastoProvider(t, m, ts)
			_, err := prov.Publish(ctx, p)
			if !isRetryable(err) {
				t.Fatalf("dropped: %v", err)
			}
			// The engine's retry in the same run.
			res, err := prov.Publish(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if m.posts != 1 {
				t.Errorf("%d POSTs: the retry posted again instead of looking first", m.posts)
			}
			// The next run.
			got, found, err := newMastoProvider(t, m, ts).Lookup(ctx, p)
			if err != nil || !found || got.RemoteID != res.RemoteID {
				t.Errorf("lookup %+v %v %v", got, found, err)
			}
			if n := m.count(p.Text); n != 1 {
				t.Errorf("%d statuses", n)
			}
		})
	}
}

// A fresh process that posts again with a key the server remembers: the same status, or the
// 500 some versions answered, which is retryable; the next Lookup settles it.
func TestMastodonRepeatKeyAcrossRuns(t *testing.T) {
	for _, repeat500 := range []bool{false, true} {
		m, ts := newMastoServer(t)
		m.repeat500 = repeat500
		ctx := context.Background()
		p := mastoPub("a", "Once.")
		first, err := newMastoProvider(t, m, ts).Publish(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := newMastoProvider(t, m, ts).Publish(ctx, p)
		if repeat500 {
			if !isRetryable(err) {
				t.Fatalf("repeat: %v", err)
			}
			var found bool
			res, found, err = newMastoProvider(t, m, ts).Lookup(ctx, p)
			if !found || err != nil {
				t.Fatalf("lookup %v %v", found, err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if res.RemoteID != first.RemoteID || m.count(p.Text) != 1 {
			t.Errorf("repeat500=%v: %+v, %d statuses", repeat500, res, m.count(p.Text))
		}
	}
}

// An hour later the server forgot the key: a retry after an unknown outcome still looks first.
func TestMastodonKeyForgottenAfterAnHour(t *testing.T) {
	m, ts := newMastoServer(t)
	m.dropNext = 1
	prov := newMastoProvider(t, m, ts)
	p := mastoPub("a", "Late retry.")
	if _, err := prov.Publish(context.Background(), p); !isRetryable(err) {
		t.Fatal(err)
	}
	m.with(func() { m.clock = m.clock.Add(2 * time.Hour) })
	if _, err := prov.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if n := m.count(p.Text); n != 1 || m.posts != 1 {
		t.Errorf("%d statuses, %d posts", n, m.posts)
	}
}

func TestMastodonErrors(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts)
	ctx := context.Background()

	m.script = []int{429}
	_, err := prov.Publish(ctx, mastoPub("a", "A."))
	var re *RetryableError
	if !errors.As(err, &re) || re.After != 7*time.Second {
		t.Errorf("429: %v", err)
	}
	m.script = []int{500}
	_, err = prov.Publish(ctx, mastoPub("b", "B."))
	if !isRetryable(err) {
		t.Errorf("500: %v", err)
	}
	m.script = []int{422}
	_, err = prov.Publish(ctx, mastoPub("c", "C."))
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "character limit of 500") {
		t.Errorf("422: %v", err)
	}
	if strings.Contains(fmt.Sprint(err), "s3cret") {
		t.Error("the token is in an error")
	}
	// The 500 left "b" uncertain: its retry looks first, finds nothing, posts once.
	if _, err := prov.Publish(ctx, mastoPub("b", "B.")); err != nil || m.count("B.") != 1 {
		t.Errorf("retry of b: %v, %d", err, m.count("B."))
	}
	// A wrong token is permanent and does not show the token.
	bad := newMastoProvider(t, m, ts, func(c *MastodonConfig) { c.Token = []byte("wrong-token") })
	_, err = bad.Publish(ctx, mastoPub("d", "D."))
	if !errors.Is(err, ErrPermanent) || strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("401: %v", err)
	}
}

func TestMastodonRateLimitReset(t *testing.T) {
	prov, _ := NewMastodon(MastodonConfig{Server: "https://x.test", Token: []byte("t"), Now: func() time.Time { return mastoAt }})
	h := http.Header{}
	h.Set("X-RateLimit-Reset", mastoAt.Add(90*time.Second).Format("2006-01-02T15:04:05.000Z"))
	if d := prov.rateLimitWait(h); d < 90*time.Second || d > 92*time.Second {
		t.Errorf("wait %s", d)
	}
	h.Set("Retry-After", "3")
	if d := prov.rateLimitWait(h); d != 3*time.Second {
		t.Errorf("wait %s", d)
	}
}

func TestMastodonInstanceLimit(t *testing.T) {
	m, ts := newMastoServer(t)
	m.maxChars = 30
	prov := newMastoProvider(t, m, ts)
	// A link counts 23: this is 8 + 23 = 31 characters.
	_, err := prov.Publish(context.Background(), mastoPub("a", "Read it https://example.com/a/very/long/path/indeed"))
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "31 characters") || m.posts != 0 {
		t.Errorf("%v, %d posts", err, m.posts)
	}
	// A thread part over the limit stops the whole thread before anything is sent.
	_, err = prov.Publish(context.Background(), mastoPub("b", "Short.", strings.Repeat("x", 31)))
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "thread part 1") || m.posts != 0 {
		t.Errorf("%v, %d posts", err, m.posts)
	}
	if _, err := prov.Publish(context.Background(), mastoPub("c", "Read https://example.com/a/very/long/path")); err != nil {
		t.Error(err)
	}
	// No v2 instance: the server's own limit applies.
	m2, ts2 := newMastoServer(t)
	m2.noV2 = true
	if _, err := newMastoProvider(t, m2, ts2).Publish(context.Background(), mastoPub("a", "Hi.")); err != nil {
		t.Error(err)
	}
}

func TestMastodonThread(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts)
	p := mastoPub("t", "One.", "Two.", "Three.")
	res, err := prov.Publish(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Thread) != 2 {
		t.Fatalf("%+v", res)
	}
	if m.statuses[1].ReplyTo != res.RemoteID || m.statuses[2].ReplyTo != res.Thread[0] || m.statuses[0].ReplyTo != "" {
		t.Errorf("chain %+v %+v %+v", m.statuses[0], m.statuses[1], m.statuses[2])
	}
	if strings.Join(m.keySeen, " ") != "k-t k-t#1 k-t#2" {
		t.Errorf("keys %v", m.keySeen)
	}
	got, found, err := newMastoProvider(t, m, ts).Lookup(context.Background(), p)
	if err != nil || !found || got.RemoteID != res.RemoteID || strings.Join(got.Thread, ",") != strings.Join(res.Thread, ",") {
		t.Errorf("lookup %+v %v %v", got, found, err)
	}
}

// A thread stops at its first failure with the parts out; a later run resumes from Done.
func TestMastodonThreadResume(t *testing.T) {
	m, ts := newMastoServer(t)
	p := mastoPub("t", "One.", "Two.", "Three.")
	prov := newMastoProvider(t, m, ts)
	// The third POST (part 2) fails with a 422.
	ctx := context.Background()
	if _, err := prov.Publish(ctx, mastoPub("x", "warm up")); err != nil {
		t.Fatal(err)
	}
	m.with(func() { m.script = nil })
	// Post the root and part 1, then fail part 2.
	m.with(func() { m.dropNext = 0 })
	res, err := publishFailingAt(t, m, prov, p, 3)
	if err == nil || res == nil || len(res.Thread) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	// The next run: Done holds part 1.
	p2 := mastoPub("t", "One.", "Two.", "Three.")
	p2.Done = res.Thread
	res2, err := newMastoProvider(t, m, ts).Publish(ctx, p2)
	if err != nil {
		t.Fatal(err)
	}
	if res2.RemoteID != res.RemoteID || len(res2.Thread) != 2 || res2.Thread[0] != res.Thread[0] {
		t.Errorf("resumed %+v", res2)
	}
	// The post's URL is the root's, though this run did not publish the root.
	if res2.URL == "" || res2.URL != res.URL {
		t.Errorf("resumed URL %q, want the root's %q", res2.URL, res.URL)
	}
	for _, text := range []string{"One.", "Two.", "Three."} {
		if n := m.count(text); n != 1 {
			t.Errorf("%q: %d statuses", text, n)
		}
	}
	last := m.statuses[len(m.statuses)-1]
	if last.Text != "Three." || last.ReplyTo != res.Thread[0] {
		t.Errorf("last %+v", last)
	} // So too when the same provider retries the failed part.
	p3 := mastoPub("u", "Uno.", "Dos.")
	res3, err := publishFailingAt(t, m, prov, p3, 2)
	if err == nil || res3 == nil || res3.URL == "" {
		t.Fatalf("%+v %v", res3, err)
	}
	res4, err := prov.Publish(ctx, mastoPub("u", "Uno.", "Dos."))
	if err != nil || res4.URL != res3.URL || len(res4.Thread) != 1 {
		t.Errorf("retried %+v %v, want URL %q", res4, err, res3.URL)
	}
}

// publishFailingAt publishes p; the n-th POST of it (1-based) gets a 500.
func publishFailingAt(t *testing.T, m *mastoServer, prov *Mastodon, p *Publication, n int) (*Result, error) {
	t.Helper()
	// Let n-1 POSTs through by publishing with a script that fails the n-th: the fake's script
	// applies to the next POSTs in order, so prepend successes by posting through a wrapper.
	orig := prov.client.Transport
	if orig == nil {
		orig = http.DefaultTransport
	}
	count := 0
	prov.client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == "POST" && r.URL.Path == "/api/v1/statuses" {
			count++
			if count == n {
				m.with(func() { m.script = []int{422} })
			}
		}
		return orig.RoundTrip(r)
	})
	defer func() { prov.client.Transport = orig }()
	return prov.Publish(context.Background(), p)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// An interrupted thread whose start is out but not recorded: Lookup says not found and the
// Publish that follows continues after the parts it found.
func TestMastodonLookupPartialThread(t *testing.T) {
	m, ts := newMastoServer(t)
	ctx := context.Background()
	p := mastoPub("t", "One.", "Two.", "Three.")
	if _, err := publishFailingAt(t, m, newMastoProvider(t, m, ts), p, 2); err == nil {
		t.Fatal("no failure")
	}
	next := newMastoProvider(t, m, ts)
	_, found, err := next.Lookup(ctx, p)
	if err != nil || found {
		t.Fatalf("lookup %v %v", found, err)
	}
	res, err := next.Publish(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"One.", "Two.", "Three."} {
		if n := m.count(text); n != 1 {
			t.Errorf("%q: %d statuses", text, n)
		}
	}
	if m.statuses[1].ReplyTo != res.RemoteID {
		t.Errorf("chain %+v", m.statuses)
	}
}

func TestMastodonMedia(t *testing.T) {
	m, ts := newMastoServer(t)
	m.polls = 3
	prov := newMastoProvider(t, m, ts)
	p := mastoPub("m", "With a picture.")
	p.Media = []Media{{Path: "img/cup.png", Alt: "A cup of coffee.", Data: []byte("PNG")}}
	p.Thread = []Part{{Text: "And another.", Media: []Media{{Path: "b.png", Alt: "B.", Data: []byte("PNG2")}}}}
	if _, err := prov.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if len(m.media) != 2 {
		t.Fatalf("media %v", m.media)
	}
	for id, md := range m.media {
		if md.polls != 0 {
			t.Errorf("media %s not polled to the end", id)
		}
		if md.name == "cup.png" && md.desc != "A cup of coffee." || md.name == "b.png" && md.desc != "B." {
			t.Errorf("media %+v", md)
		}
	}
	if len(m.statuses[0].Media) != 1 || m.media[m.statuses[0].Media[0]].name != "cup.png" || len(m.statuses[1].Media) != 1 {
		t.Errorf("attachments %+v %+v", m.statuses[0], m.statuses[1])
	}
	// Media that never finishes processing is retryable.
	m.polls = 1 << 30
	slow := newMastoProvider(t, m, ts, func(c *MastodonConfig) { c.MediaTimeout = 20 * time.Millisecond })
	p2 := mastoPub("n", "Slow.")
	p2.Media = p.Media
	if _, err := slow.Publish(context.Background(), p2); !isRetryable(err) || m.count("Slow.") != 0 {
		t.Errorf("slow media: %v", err)
	}
}

func TestMastodonSchedule(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts, func(c *MastodonConfig) { c.Native = true })
	ctx := context.Background()
	p := mastoPub("s", "Later.")
	p.At = m.clock.Add(2 * time.Minute)
	if _, err := prov.Schedule(ctx, p); !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "5 minutes") {
		t.Errorf("too soon: %v", err)
	}
	p.At = m.clock.Add(time.Hour)
	res, err := prov.Schedule(ctx, p)
	if err != nil || !strings.HasPrefix(res.RemoteID, "scheduled:") {
		t.Fatalf("%+v %v", res, err)
	}
	id := strings.TrimPrefix(res.RemoteID, "scheduled:")
	if len(m.sched) != 1 || !m.sched[id].at.Equal(p.At) || m.forms[len(m.forms)-1]["visibility"][0] != "public" {
		t.Errorf("sched %+v", m.sched)
	}
	// The next run's Lookup finds the scheduled status.
	got, found, err := newMastoProvider(t, m, ts, func(c *MastodonConfig) { c.Native = true }).Lookup(ctx, p)
	if err != nil || !found || got.RemoteID != res.RemoteID {
		t.Errorf("lookup %+v %v %v", got, found, err)
	}
	p.At = m.clock.Add(3 * time.Hour)
	if _, err := prov.Reschedule(ctx, p, res.RemoteID); err != nil || !m.sched[id].at.Equal(p.At) {
		t.Errorf("reschedule: %v", err)
	}
	p.At = m.clock.Add(time.Minute)
	if _, err := prov.Reschedule(ctx, p, res.RemoteID); !errors.Is(err, ErrPermanent) {
		t.Errorf("reschedule too soon: %v", err)
	}
	if err := prov.Cancel(ctx, p, res.RemoteID); err != nil || len(m.sched) != 0 {
		t.Errorf("cancel: %v", err)
	}
	if err := prov.Cancel(ctx, p, res.RemoteID); err != nil {
		t.Errorf("cancel again: %v", err)
	}
	if _, err := prov.Reschedule(ctx, p, res.RemoteID); !errors.Is(err, ErrPermanent) {
		t.Errorf("reschedule gone: %v", err)
	}
	if err := prov.Cancel(ctx, p, "1234"); !errors.Is(err, ErrPermanent) {
		t.Errorf("cancel of a status: %v", err)
	}
}

// The server ignores Idempotency-Key for scheduled posts: after a 500 the retry searches the
// scheduled statuses before posting again.
func TestMastodonScheduleRetry(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts, func(c *MastodonConfig) { c.Native = true })
	p := mastoPub("s", "Later.")
	p.At = m.clock.Add(time.Hour)
	// A 500 after the scheduled status exists: simulate by scheduling, then answering 500 via
	// a dropped connection on the first attempt.
	orig := prov.client.Transport
	if orig == nil {
		orig = http.DefaultTransport
	}
	first := true
	prov.client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := orig.RoundTrip(r)
		if err == nil && first && r.Method == "POST" {
			first = false
			resp.Body.Close()
			return nil, errors.New("connection reset by peer")
		}
		return resp, err
	})
	if _, err := prov.Schedule(context.Background(), p); !isRetryable(err) {
		t.Fatal(err)
	}
	res, err := prov.Schedule(context.Background(), p)
	if err != nil || len(m.sched) != 1 || m.posts != 1 || !strings.HasPrefix(res.RemoteID, "scheduled:") {
		t.Errorf("%+v %v: %d scheduled, %d posts", res, err, len(m.sched), m.posts)
	}
}

// Lookup pages back with max_id.
func TestMastodonLookupPages(t *testing.T) {
	m, ts := newMastoServer(t)
	prov := newMastoProvider(t, m, ts)
	ctx := context.Background()
	p := mastoPub("old", "The one.")
	res, err := prov.Publish(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if _, err := prov.Publish(ctx, mastoPub(fmt.Sprint(i), fmt.Sprint("Filler ", i))); err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := newMastoProvider(t, m, ts).Lookup(ctx, p)
	if err != nil || !found || got.RemoteID != res.RemoteID {
		t.Errorf("%+v %v %v", got, found, err)
	}
	// Without its text (the calendar changed), Lookup cannot tell, and says so.
	if _, _, err := prov.Lookup(ctx, &Publication{Key: "k", Address: "x@masto"}); err == nil {
		t.Error("lookup without text")
	}
}

func TestNormalizeStatusHTML(t *testing.T) {
	text := "Hello & <welcome>!\n\nSee https://example.com/a?b=1&c=2  now.\nBye."
	if got, want := NormalizeStatusHTML(mContent(text)), NormalizeStatusText(text); got != want {
		t.Errorf("%q != %q", got, want)
	}
	if got := NormalizeStatusHTML(`<p>a<br>b</p><p>c&#39;s</p>`); got != "a\nb\nc's" {
		t.Errorf("%q", got)
	}
	// A remote mention is shown as @user; a mail-like word stays.
	remote := `<p>Thanks <span class="h-card" translate="no"><a href="https://other.example/@ana" class="u-url mention">@<span>ana</span></a></span> and <a href="https://masto.test/tags/tea" class="mention hashtag" rel="tag">#<span>tea</span></a></p>`
	if got, want := NormalizeStatusHTML(remote), NormalizeStatusText("Thanks @ana@other.example and #tea"); got != want {
		t.Errorf("%q != %q", got, want)
	}
	if got := NormalizeStatusText("mail me at a@b.example"); got != "mail me at a@b.example" {
		t.Errorf("%q", got)
	}
}

func TestMastodonFor(t *testing.T) {
	ch := calendar.Channel{Provider: calendar.String{Value: "mastodon"}, Server: calendar.String{Value: "https://masto.test"},
		AccessTokenEnv: calendar.String{Value: "MASTO_TOKEN", Pos: calendar.Pos{Line: 4, Col: 23}}}
	_, err := MastodonFor("calendar.yaml", "m", ch, func(string) string { return "" }, nil)
	if err == nil || !strings.Contains(err.Error(), "MASTO_TOKEN") || !strings.Contains(err.Error(), "calendar.yaml:4:23") {
		t.Errorf("missing: %v", err)
	}
	env := func(k string) string {
		if k == "MASTO_TOKEN" {
			return "tok-value-123"
		}
		return ""
	}
	prov, err := MastodonFor("calendar.yaml", "m", ch, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := prov.(*Mastodon); m.visibility != "public" || m.native {
		t.Errorf("%+v", m)
	}
	ch.Server.Value = "http://masto.test"
	_, err = MastodonFor("calendar.yaml", "m", ch, env, nil)
	if err == nil || strings.Contains(err.Error(), "tok-value-123") || !strings.Contains(err.Error(), "https://") {
		t.Errorf("http: %v", err)
	}
	ch.Server.Value = "https://masto.test"
	ch.Scheduling.Value = "native"
	ch.Visibility.Value = "private"
	prov, _ = MastodonFor("calendar.yaml", "m", ch, env, nil)
	if m := prov.(*Mastodon); m.visibility != "private" || !m.native || m.timeout != 30*time.Second {
		t.Errorf("%+v", m)
	}
	ch.Timeout = calendar.String{Value: "5s", Set: true, Pos: calendar.Pos{Line: 7, Col: 14}}
	prov, _ = MastodonFor("calendar.yaml", "m", ch, env, nil)
	if m := prov.(*Mastodon); m.timeout != 5*time.Second {
		t.Errorf("timeout 5s: %v", m.timeout)
	}
	ch.Timeout.Value = "0s"
	if _, err = MastodonFor("calendar.yaml", "m", ch, env, nil); err == nil || !strings.Contains(err.Error(), `calendar.yaml:7:14: channel m: timeout "0s" is not a positive duration`) {
		t.Errorf("timeout 0s: %v", err)
	}
}
