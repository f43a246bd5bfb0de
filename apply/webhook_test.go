package apply

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postctl/postctl/calendar"
	"gopkg.in/yaml.v3"
)

var webhookNow = time.Date(2026, 11, 27, 9, 0, 30, 0, time.UTC)

const webhookSecret = "s3cr3t-v4lue-never-shown"

func webhookPub(n int) *Publication {
	return &Publication{
		Address:     fmt.Sprintf("launch-%d@hooks", n),
		Post:        fmt.Sprintf("launch-%d", n),
		Channel:     "hooks",
		Key:         fmt.Sprintf("k-%d-5f2c9a", n),
		ContentHash: "sha256:abc",
		At:          time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("CET", 3600)),
		Text:        "We launch today <3 & more: https://example.com/?a=1&b=2",
		Media:       []Media{{Path: "media/launch.png", Alt: "The new logo", Data: []byte("PNG")}},
		Thread: []Part{
			{Text: "Part two."},
			{Text: "Part three, with a picture.", Media: []Media{{Path: "media/b.png", Alt: "B", Data: []byte("B")}}},
		},
	}
}

// receiver is a webhook receiver as a real one would be written: it verifies both signatures,
// deduplicates on the delivery id and records every attempt.
type receiver struct {
	t      *testing.T
	secret []byte // nil: expects unsigned deliveries
	swKey  []byte
	now    func() time.Time

	mu        sync.Mutex
	attempts  map[string][][]byte // every body received, by delivery id
	delivered map[string]int      // deliveries processed (after deduplication), by id
	order     []string
	headers   []http.Header
}

func newReceiver(t *testing.T, secret []byte) *receiver {
	return &receiver{t: t, secret: secret, swKey: secret, now: func() time.Time { return webhookNow },
		attempts: map[string][][]byte{}, delivered: map[string]int{}}
}

// verify reads and checks a delivery; it answers the id and body, or "" after writing an error.
func (rc *receiver) verify(w http.ResponseWriter, r *http.Request) (string, []byte) {
	t := rc.t
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("receiver: reading the body: %v", err)
		return "", nil
	}
	id := r.Header.Get("webhook-id")
	rc.mu.Lock()
	rc.attempts[id] = append(rc.attempts[id], body)
	rc.headers = append(rc.headers, r.Header.Clone())
	rc.mu.Unlock()

	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("receiver: %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.Header.Get("User-Agent"), "postctl/") {
		t.Errorf("receiver: User-Agent %q", r.Header.Get("User-Agent"))
	}
	var doc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Errorf("receiver: body is not JSON: %v", err)
	}
	if id == "" || doc.ID != id || r.Header.Get("X-Postctl-Delivery") != id {
		t.Errorf("receiver: ids disagree: webhook-id %q, X-Postctl-Delivery %q, body %q", id, r.Header.Get("X-Postctl-Delivery"), doc.ID)
	}
	tsText := r.Header.Get("webhook-timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		t.Errorf("receiver: webhook-timestamp %q", tsText)
	} else if d := rc.now().Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		t.Errorf("receiver: webhook-timestamp %d is %s away from now", ts, d)
	}

	if rc.secret == nil {
		if r.Header.Get("X-Hub-Signature-256") != "" || r.Header.Get("webhook-signature") != "" {
			t.Errorf("receiver: an unsigned channel sent signatures")
		}
		return id, body
	}
	// GitHub style.
	m := hmac.New(sha256.New, rc.secret)
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want)) {
		http.Error(w, "bad X-Hub-Signature-256", http.StatusUnauthorized)
		return "", nil
	}
	// Standard Webhooks: a space-separated list of versioned signatures; one must match.
	m = hmac.New(sha256.New, rc.swKey)
	m.Write([]byte(id + "." + tsText + "."))
	m.Write(body)
	expected := m.Sum(nil)
	ok := false
	for _, sig := range strings.Fields(r.Header.Get("webhook-signature")) {
		v, b64, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if v == "v1" && err == nil && hmac.Equal(got, expected) {
			ok = true
		}
	}
	if !ok {
		http.Error(w, "bad webhook-signature", http.StatusUnauthorized)
		return "", nil
	}
	return id, body
}

// process records a verified delivery once per id; it says whether it was a duplicate.
func (rc *receiver) process(id string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.delivered[id]++
	if rc.delivered[id] > 1 {
		return true
	}
	rc.order = append(rc.order, id)
	return false
}

// processedOnce counts the ids processed, without duplicates: what the receiver's users see.
func (rc *receiver) seen() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]int{}
	for _, id := range rc.order {
		out[id]++
	}
	return out
}

func (rc *receiver) bodies(id string) [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.attempts[id]...)
}

// ok is the normal handler: verify, process, answer 200.
func (rc *receiver) ok(w http.ResponseWriter, r *http.Request) {
	id, _ := rc.verify(w, r)
	if id == "" {
		return
	}
	dup := rc.process(id)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"received":true,"duplicate":%t}`, dup)
}

func hijackClose(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

func newTestWebhook(t *testing.T, srvURL string, timeout time.Duration, secret []byte) *Webhook {
	t.Helper()
	w, err := NewWebhook(WebhookConfig{Channel: "hooks", URL: srvURL + "/hooks/T0KEN-in-path?sig=Q5ECRET", Secret: secret,
		AllowHTTP: true, Timeout: timeout, Now: func() time.Time { return webhookNow }})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

type attempt struct {
	err   error
	after time.Duration
}

// publishRetrying does what the engine does: retry while the error is a *RetryableError.
func publishRetrying(t *testing.T, w *Webhook, p *Publication, max int) (*Result, error, []attempt) {
	t.Helper()
	var tries []attempt
	for range max {
		res, err := w.Publish(context.Background(), p)
		var re *RetryableError
		if errors.As(err, &re) {
			tries = append(tries, attempt{err, re.After})
			continue
		}
		tries = append(tries, attempt{err, 0})
		return res, err, tries
	}
	return nil, errors.New("gave up"), tries
}

func checkNoLeak(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{webhookSecret, "T0KEN", "Q5ECRET"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows %q", err, s)
		}
	}
}

func TestWebhookDeliversSignedBody(t *testing.T) {
	rc := newReceiver(t, []byte(webhookSecret))
	srv := httptest.NewServer(http.HandlerFunc(rc.ok))
	defer srv.Close()
	w := newTestWebhook(t, srv.URL, 2*time.Second, []byte(webhookSecret))
	p := webhookPub(1)

	res, err := w.Publish(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != p.Key || !res.At.Equal(webhookNow) {
		t.Errorf("result %+v", res)
	}
	if len(res.Thread) != 2 || res.Thread[0] != p.Key+"/1" {
		t.Errorf("thread ids %q", res.Thread)
	}
	bodies := rc.bodies(p.Key)
	if len(bodies) != 1 {
		t.Fatalf("%d attempts", len(bodies))
	}
	want := `{"id":"k-1-5f2c9a","type":"post.published","channel":"hooks","address":"launch-1@hooks","post":"launch-1",` +
		`"text":"We launch today <3 & more: https://example.com/?a=1&b=2",` +
		`"thread":[{"text":"Part two.","media":[]},{"text":"Part three, with a picture.","media":[{"path":"media/b.png","alt":"B","sha256":"df7e70e5021544f4834bbee64a9e3789febc4be81470df629cad6ddb03320a5c"}]}],` +
		`"media":[{"path":"media/launch.png","alt":"The new logo","sha256":"` + sha256hex("PNG") + `"}],` +
		`"publish_at":"2026-11-27T09:00:00Z","sent_at":"2026-11-27T09:00:00Z"}`
	if string(bodies[0]) != want {
		t.Errorf("body\n got %s\nwant %s", bodies[0], want)
	}
	if got := rc.seen(); got[p.Key] != 1 {
		t.Errorf("receiver saw %v", got)
	}
}

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestWebhookAnswerIDAndURL(t *testing.T) {
	for _, tc := range []struct{ answer, id, url string }{
		{`{"id":"msg-77","url":"https://chat.example/m/77"}`, "msg-77", "https://chat.example/m/77"},
		{`{"id":1234567890123}`, "1234567890123", ""},
		{`accepted`, "k-1-5f2c9a", ""},
		{``, "k-1-5f2c9a", ""},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, tc.answer)
		}))
		res, err := newTestWebhook(t, srv.URL, time.Second, nil).Publish(context.Background(), webhookPub(1))
		srv.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.answer, err)
		}
		if res.RemoteID != tc.id || res.URL != tc.url {
			t.Errorf("%s: result %+v", tc.answer, res)
		}
	}
}

// TestWebhookFaults is the fault matrix: each receiver misbehaves on the first attempt(s); the
// engine's retry loop resends the identical body with the same delivery id, and the receiver,
// deduplicating on it, sees the publication once (or not at all for a refusal).
func TestWebhookFaults(t *testing.T) {
	inOneMinute := webhookNow.Add(90 * time.Second).Format(http.TimeFormat)
	type fault func(rc *receiver, w http.ResponseWriter, r *http.Request) // one bad attempt
	for _, tc := range []struct {
		name      string
		timeout   time.Duration
		bad       int // attempts that misbehave before the receiver behaves
		fault     fault
		wantAfter []time.Duration // After of the retryable attempts; nil: not checked
		permanent bool
		seen      int // times the receiver's users see the publication
		wantInErr string
	}{
		{name: "accept then drop before reading", bad: 1, seen: 1, wantAfter: []time.Duration{0},
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) { hijackClose(rc.t, w) }},
		{name: "accept, process, then drop", bad: 2, seen: 1, wantAfter: []time.Duration{0, 0},
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				if id, _ := rc.verify(w, r); id != "" {
					rc.process(id)
				}
				hijackClose(rc.t, w)
			}},
		{name: "commit then time out", timeout: 300 * time.Millisecond, bad: 1, seen: 1, wantInErr: "no answer within 300ms",
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				if id, _ := rc.verify(w, r); id != "" {
					rc.process(id)
				}
				select {
				case <-r.Context().Done():
				case <-time.After(3 * time.Second):
				}
			}},
		{name: "429 Retry-After seconds", bad: 1, seen: 1, wantAfter: []time.Duration{7 * time.Second}, wantInErr: "429",
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				w.Header().Set("Retry-After", "7")
				http.Error(w, "slow down", http.StatusTooManyRequests)
			}},
		{name: "429 Retry-After HTTP date", bad: 1, seen: 1, wantAfter: []time.Duration{90 * time.Second},
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				w.Header().Set("Retry-After", inOneMinute)
				w.WriteHeader(http.StatusTooManyRequests)
			}},
		{name: "500 twice", bad: 2, seen: 1, wantAfter: []time.Duration{0, 0}, wantInErr: "500",
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				http.Error(w, "boom", http.StatusInternalServerError)
			}},
		{name: "503 Retry-After", bad: 1, seen: 1, wantAfter: []time.Duration{2 * time.Second},
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				w.Header().Set("Retry-After", "2")
				w.WriteHeader(http.StatusServiceUnavailable)
			}},
		{name: "408", bad: 1, seen: 1, wantAfter: []time.Duration{0},
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				w.WriteHeader(http.StatusRequestTimeout)
			}},
		{name: "slow response within the timeout", timeout: 2 * time.Second, bad: 1, seen: 1,
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				time.Sleep(400 * time.Millisecond)
				rc.ok(w, r)
			}},
		{name: "400 refused", bad: 1, permanent: true, seen: 0, wantInErr: "400 Bad Request: unknown channel",
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				http.Error(w, "unknown channel", http.StatusBadRequest)
			}},
		{name: "401 bad signature", bad: 1, permanent: true, seen: 0, wantInErr: "401",
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.secret = []byte("another secret")
				rc.verify(w, r)
			}},
		{name: "301 moved", bad: 1, permanent: true, seen: 0, wantInErr: "redirects are not followed",
			fault: func(rc *receiver, w http.ResponseWriter, r *http.Request) {
				rc.verify(w, r)
				http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := newReceiver(t, []byte(webhookSecret))
			var mu sync.Mutex
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				calls++
				n := calls
				mu.Unlock()
				if n <= tc.bad {
					tc.fault(rc, w, r)
					return
				}
				rc.ok(w, r)
			}))
			defer srv.Close()
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 2 * time.Second
			}
			w := newTestWebhook(t, srv.URL, timeout, []byte(webhookSecret))
			p := webhookPub(1)
			res, err, tries := publishRetrying(t, w, p, 5)
			for _, a := range tries {
				checkNoLeak(t, a.err)
			}
			if tc.permanent {
				if !errors.Is(err, ErrPermanent) || len(tries) != 1 {
					t.Fatalf("want one permanent refusal, got %v after %d attempts", err, len(tries))
				}
			} else {
				if err != nil {
					t.Fatalf("after %d attempts: %v", len(tries), err)
				}
				if res.RemoteID != p.Key {
					t.Errorf("remote id %q", res.RemoteID)
				}
			}
			if tc.wantInErr != "" && !strings.Contains(tries[0].err.Error(), tc.wantInErr) {
				t.Errorf("first error %q does not say %q", tries[0].err, tc.wantInErr)
			}
			if tc.wantAfter != nil {
				var got []time.Duration
				for _, a := range tries[:len(tries)-1] {
					got = append(got, a.after)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.wantAfter) {
					t.Errorf("Retry-After: got %v, want %v", got, tc.wantAfter)
				}
			}
			// Every attempt that reached the receiver carried the identical body and the same id.
			var all [][]byte
			rc.mu.Lock()
			for id, bs := range rc.attempts {
				if id != p.Key {
					t.Errorf("an attempt with delivery id %q", id)
				}
				all = append(all, bs...)
			}
			rc.mu.Unlock()
			for i, b := range all[1:] {
				if !bytes.Equal(b, all[0]) {
					t.Errorf("attempt %d sent a different body:\n%s\n%s", i+2, b, all[0])
				}
			}
			if got := rc.seen()[p.Key]; got != tc.seen {
				t.Errorf("the receiver's users saw the publication %d times, want %d", got, tc.seen)
			}
		})
	}
}

// TestWebhookManyPublicationsOnce: several publications, each interrupted after the receiver
// processed it, then resent; deduplicating on the id, the receiver has each exactly once.
func TestWebhookManyPublicationsOnce(t *testing.T) {
	rc := newReceiver(t, []byte(webhookSecret))
	var mu sync.Mutex
	attempts := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := rc.verify(w, r)
		if id == "" {
			return
		}
		rc.process(id)
		mu.Lock()
		attempts[id]++
		n := attempts[id]
		mu.Unlock()
		if n == 1 {
			hijackClose(t, w) // processed, but the answer is lost
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	w := newTestWebhook(t, srv.URL, time.Second, []byte(webhookSecret))
	for i := 1; i <= 4; i++ {
		if _, err, _ := publishRetrying(t, w, webhookPub(i), 3); err != nil {
			t.Fatal(err)
		}
		// A later run (a new process) resends it once more: still once.
		w2 := newTestWebhook(t, srv.URL, time.Second, []byte(webhookSecret))
		if _, err := w2.Publish(context.Background(), webhookPub(i)); err != nil {
			t.Fatal(err)
		}
	}
	seen := rc.seen()
	if len(seen) != 4 {
		t.Errorf("receiver saw %v", seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
		if bs := rc.bodies(id); len(bs) != 3 || !bytes.Equal(bs[0], bs[1]) || !bytes.Equal(bs[0], bs[2]) {
			t.Errorf("%s: %d attempts, bodies differ or missing", id, len(bs))
		}
	}
}

func TestWebhookBodyStable(t *testing.T) {
	clock := webhookNow
	w1, _ := NewWebhook(WebhookConfig{Channel: "hooks", URL: "https://h.example/x", Now: func() time.Time { return clock }})
	w2, _ := NewWebhook(WebhookConfig{Channel: "hooks", URL: "https://h.example/x", Now: func() time.Time { return clock.Add(time.Hour) }})
	a, _ := w1.Payload(webhookPub(1))
	b, _ := w2.Payload(webhookPub(1))
	if !bytes.Equal(a, b) {
		t.Errorf("two processes built different bodies:\n%s\n%s", a, b)
	}
	// Without publish_at, sent_at is the first attempt's time, kept for the retries.
	p := webhookPub(2)
	p.At = time.Time{}
	first, _ := w1.Payload(p)
	clock = clock.Add(time.Minute)
	again, _ := w1.Payload(p)
	if !bytes.Equal(first, again) || !bytes.Contains(first, []byte(`"sent_at":"2026-11-27T09:00:30Z"`)) {
		t.Errorf("body without publish_at:\n%s\n%s", first, again)
	}
	if bytes.Contains(first, []byte("publish_at")) {
		t.Errorf("empty publish_at sent: %s", first)
	}
}

func TestWebhookUnsigned(t *testing.T) {
	rc := newReceiver(t, nil)
	srv := httptest.NewServer(http.HandlerFunc(rc.ok))
	defer srv.Close()
	if _, err := newTestWebhook(t, srv.URL, time.Second, nil).Publish(context.Background(), webhookPub(1)); err != nil {
		t.Fatal(err)
	}
	if len(rc.headers) != 1 || rc.headers[0].Get("webhook-id") == "" {
		t.Fatalf("headers %v", rc.headers)
	}
}

func TestWebhookStandardWebhooksSecret(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	rc := newReceiver(t, []byte(secret))
	rc.swKey = key
	srv := httptest.NewServer(http.HandlerFunc(rc.ok))
	defer srv.Close()
	if _, err := newTestWebhook(t, srv.URL, time.Second, []byte(secret)).Publish(context.Background(), webhookPub(1)); err != nil {
		t.Fatal(err)
	}
}

func TestWebhookHTTPS(t *testing.T) {
	rc := newReceiver(t, []byte(webhookSecret))
	srv := httptest.NewTLSServer(http.HandlerFunc(rc.ok))
	defer srv.Close()
	w, err := NewWebhook(WebhookConfig{Channel: "hooks", URL: srv.URL + "/hook", Secret: []byte(webhookSecret),
		Client: srv.Client(), Now: func() time.Time { return webhookNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Publish(context.Background(), webhookPub(1)); err != nil {
		t.Fatal(err)
	}
	if rc.seen()["k-1-5f2c9a"] != 1 {
		t.Errorf("receiver saw %v", rc.seen())
	}
}

func TestWebhookRefusesPlainHTTP(t *testing.T) {
	for _, tc := range []struct {
		url       string
		allowHTTP bool
		want      string
	}{
		{"http://hooks.example/T0KEN", false, "only https:// is allowed unless the channel sets allow_http: true"},
		{"ftp://hooks.example/T0KEN", true, "must start with https://"},
		{"https:///T0KEN", false, "no host"},
		{"", false, "url is empty"},
		{"https://hooks.example/%zzT0KEN", false, "not a valid URL"},
	} {
		_, err := NewWebhook(WebhookConfig{Channel: "hooks", URL: tc.url, AllowHTTP: tc.allowHTTP, Secret: []byte(webhookSecret)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.url, err, tc.want)
		}
		checkNoLeak(t, err)
	}
	if _, err := NewWebhook(WebhookConfig{URL: "http://127.0.0.1:1/x", AllowHTTP: true}); err != nil {
		t.Errorf("allow_http: %v", err)
	}
}

func TestWebhookNetworkErrors(t *testing.T) {
	// Nothing listens: retryable, and the message shows neither the path nor the secret.
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	_, err := newTestWebhook(t, addr, time.Second, []byte(webhookSecret)).Publish(context.Background(), webhookPub(1))
	var re *RetryableError
	if !errors.As(err, &re) {
		t.Fatalf("connection refused: %v, want retryable", err)
	}
	checkNoLeak(t, err)

	// The caller gave up: not retryable.
	block := make(chan struct{})
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = newTestWebhook(t, srv.URL, 5*time.Second, nil).Publish(ctx, webhookPub(1))
	if err == nil || errors.As(err, &re) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestWebhookLookupAndResend(t *testing.T) {
	w, err := NewWebhook(WebhookConfig{Channel: "hooks", URL: "https://h.example/x"})
	if err != nil {
		t.Fatal(err)
	}
	res, found, err := w.Lookup(context.Background(), webhookPub(1))
	if res != nil || found || !errors.Is(err, ErrNoLookup) {
		t.Errorf("Lookup: %v %v %v", res, found, err)
	}
	if !SafeToResend(w) {
		t.Error("a webhook is safe to resend")
	}
	var p Provider = noResend{}
	if SafeToResend(p) {
		t.Error("a provider without Resender is not")
	}
}

type noResend struct{}

func (noResend) Publish(context.Context, *Publication) (*Result, error) { return nil, nil }
func (noResend) Lookup(context.Context, *Publication) (*Result, bool, error) {
	return nil, false, nil
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-3", 0}, {"12", 12 * time.Second}, {"soon", 0},
		{webhookNow.Add(-time.Minute).Format(http.TimeFormat), 0},
		{webhookNow.Add(time.Hour).Format(http.TimeFormat), time.Hour},
		{"99999999", 7 * 24 * time.Hour},
	} {
		if got := retryAfter(tc.v, webhookNow); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestWebhookFor(t *testing.T) {
	rc := newReceiver(t, []byte(webhookSecret))
	srv := httptest.NewServer(http.HandlerFunc(rc.ok))
	defer srv.Close()
	env := map[string]string{"HOOK_URL": srv.URL + "/hooks/T0KEN", "HOOK_SECRET": webhookSecret}
	getenv := func(k string) string { return env[k] }
	now := func() time.Time { return webhookNow }
	channel := func(src string) calendar.Channel {
		var ch calendar.Channel
		if err := yaml.Unmarshal([]byte(src), &ch); err != nil {
			t.Fatal(err)
		}
		return ch
	}

	prov, err := WebhookFor("cal/calendar.yaml", "hooks", channel("provider: webhook\nurl_env: HOOK_URL\nsecret_env: HOOK_SECRET\nallow_http: true\ntimeout: 2s\n"), getenv, now)
	if err != nil {
		t.Fatal(err)
	}
	if prov.(*Webhook).timeout != 2*time.Second {
		t.Errorf("timeout %v", prov.(*Webhook).timeout)
	}
	if _, err := prov.Publish(context.Background(), webhookPub(1)); err != nil {
		t.Fatal(err)
	}
	if rc.seen()["k-1-5f2c9a"] != 1 {
		t.Errorf("receiver saw %v", rc.seen())
	}

	for _, tc := range []struct{ src, want string }{
		{"provider: webhook\nurl_env: HOOK_URL\nsecret_env: HOOK_SECRET\n", "cal/calendar.yaml:2:10: channel hooks: the webhook url uses http://"},
		{"provider: webhook\nurl_env: NOPE\n", "cal/calendar.yaml:2:10: channel hooks: the environment variable NOPE (url_env) is not set"},
		{"provider: webhook\nurl: https://h.example/T0KEN\nsecret_env: NOPE\n", "cal/calendar.yaml:3:13: channel hooks: the environment variable NOPE (secret_env) is not set"},
		{"provider: webhook\nurl: https://h.example/T0KEN\ntimeout: soon\n", `cal/calendar.yaml:3:10: channel hooks: timeout "soon" is not a positive duration`},
	} {
		_, err := WebhookFor("cal/calendar.yaml", "hooks", channel(tc.src), getenv, now)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
		checkNoLeak(t, err)
	}
}
