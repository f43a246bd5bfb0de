package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// fakePDS implements just enough XRPC with the reference PDS's semantics: an in-memory repository
// keyed by record key; putRecord with swapRecord null creates only if absent (identical → 200, no
// change; different → 400 InvalidSwap); access tokens that expire (401 ExpiredToken) and are
// refreshed; resolveHandle; uploadBlob with content-addressed refs. Faults are injected per call.
type fakePDS struct {
	t  *testing.T
	mu sync.Mutex

	did, handle, password string
	records               map[string]fakeRecord // by rkey
	order                 []string
	handles               map[string]string
	blobs                 map[string]string // cid → mime type

	logins, refreshes, puts, resolves int
	access, refresh                   string
	tokenN                            int
	calls                             map[string]int
	// fault, when set, may answer a call itself (return true). stored says whether putRecord
	// stored a record already (for faults after the commit).
	fault func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool
	after func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool // after the call's effect
}

type fakeRecord struct {
	cid   string
	value json.RawMessage
}

func newFakePDS(t *testing.T) (*fakePDS, *httptest.Server) {
	f := &fakePDS{t: t, did: "did:plc:brand123", handle: "brand.test", password: "app-pass-1234",
		records: map[string]fakeRecord{}, handles: map[string]string{"alice.test": "did:plc:alice"},
		blobs: map[string]string{}, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func canonical(raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "!" + string(raw)
	}
	b, _ := json.Marshal(v) // map keys sorted
	return string(b)
}

func cidOf(b []byte) string {
	s := sha256.Sum256(b)
	return "bafyrei" + hex.EncodeToString(s[:12])
}

func xrpcErr(w http.ResponseWriter, code int, name, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": name, "message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (f *fakePDS) newTokens() {
	f.tokenN++
	f.access = "access-" + strconv.Itoa(f.tokenN)
	f.refresh = "refresh-" + strconv.Itoa(f.tokenN)
}

// expire makes the current access token stale.
func (f *fakePDS) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.access = "stale-" + f.access
}

func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	c, _, err := hj.Hijack()
	if err == nil {
		c.Close()
	}
}

func (f *fakePDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	f.mu.Lock()
	f.calls[nsid]++
	n := f.calls[nsid]
	fault := f.fault
	f.mu.Unlock()
	if fault != nil && fault(w, r, nsid, n) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")

	f.mu.Lock()
	defer f.mu.Unlock()
	switch nsid {
	case "com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		json.Unmarshal(body, &in)
		if in.Identifier != f.handle || in.Password != f.password {
			xrpcErr(w, 401, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		f.logins++
		f.newTokens()
		writeJSON(w, map[string]string{"accessJwt": f.access, "refreshJwt": f.refresh, "did": f.did, "handle": f.handle})
		return
	case "com.atproto.server.refreshSession":
		if auth != f.refresh {
			xrpcErr(w, 400, "ExpiredToken", "Token has expired")
			return
		}
		f.refreshes++
		f.newTokens()
		writeJSON(w, map[string]string{"accessJwt": f.access, "refreshJwt": f.refresh, "did": f.did, "handle": f.handle})
		return
	}
	if auth != f.access {
		xrpcErr(w, 401, "ExpiredToken", "Token has expired")
		return
	}
	switch nsid {
	case "com.atproto.identity.resolveHandle":
		f.resolves++
		did, ok := f.handles[r.URL.Query().Get("handle")]
		if !ok {
			xrpcErr(w, 400, "InvalidRequest", "Unable to resolve handle")
			return
		}
		writeJSON(w, map[string]string{"did": did})
	case "com.atproto.repo.uploadBlob":
		cid := cidOf(body)
		f.blobs[cid] = r.Header.Get("Content-Type")
		writeJSON(w, map[string]any{"blob": map[string]any{"$type": "blob", "ref": map[string]string{"$link": cid}, "mimeType": r.Header.Get("Content-Type"), "size": len(body)}})
	case "com.atproto.repo.getRecord":
		q := r.URL.Query()
		if q.Get("repo") != f.did || q.Get("collection") != "app.bsky.feed.post" {
			xrpcErr(w, 400, "InvalidRequest", "bad repo or collection")
			return
		}
		rec, ok := f.records[q.Get("rkey")]
		if !ok {
			xrpcErr(w, 400, "RecordNotFound", "Could not locate record")
			return
		}
		writeJSON(w, map[string]any{"uri": f.uri(q.Get("rkey")), "cid": rec.cid, "value": rec.value})
	case "com.atproto.repo.putRecord":
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			xrpcErr(w, 400, "InvalidRequest", "bad json")
			return
		}
		swap, ok := raw["swapRecord"]
		if !ok || string(swap) != "null" {
			f.t.Errorf("putRecord without swapRecord: null: %s", body)
		}
		var in struct {
			Repo, Collection, Rkey string
			Record                 json.RawMessage
		}
		json.Unmarshal(body, &in)
		if in.Repo != f.did || in.Collection != "app.bsky.feed.post" || !ValidTID(in.Rkey) {
			xrpcErr(w, 400, "InvalidRequest", "bad repo, collection or rkey")
			return
		}
		f.puts++
		canon := canonical(in.Record)
		if old, ok := f.records[in.Rkey]; ok {
			if canonical(old.value) != canon {
				xrpcErr(w, 400, "InvalidSwap", "Record was at "+old.cid)
				return
			}
		} else {
			f.records[in.Rkey] = fakeRecord{cid: cidOf([]byte(canon)), value: in.Record}
			f.order = append(f.order, in.Rkey)
		}
		if f.after != nil && f.after(w, r, nsid, n) {
			return
		}
		writeJSON(w, map[string]string{"uri": f.uri(in.Rkey), "cid": f.records[in.Rkey].cid})
	default:
		xrpcErr(w, 501, "MethodNotImplemented", nsid)
	}
}

func (f *fakePDS) uri(rkey string) string {
	return "at://" + f.did + "/app.bsky.feed.post/" + rkey
}

func (f *fakePDS) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.records)
}

func (f *fakePDS) value(t *testing.T, rkey string) map[string]any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	rec, ok := f.records[rkey]
	if !ok {
		t.Fatalf("no record %s", rkey)
	}
	var v map[string]any
	if err := json.Unmarshal(rec.value, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

var bskyNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newTestBluesky(t *testing.T, srv *httptest.Server) *Bluesky {
	t.Helper()
	b, err := NewBluesky(BlueskyConfig{Channel: "sky", Service: srv.URL, Handle: "@brand.test", Password: []byte("app-pass-1234"),
		Client: srv.Client(), Now: func() time.Time { return bskyNow }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bskyPub(id, text string, parts ...string) *Publication {
	p := &Publication{Address: id + "@sky", Post: id, Channel: "sky", Key: Key(id+"@sky", "hash-"+text),
		At: time.Date(2026, 12, 1, 8, 55, 0, 0, time.UTC), Text: text}
	for _, s := range parts {
		p.Thread = append(p.Thread, Part{Text: s})
	}
	return p
}

func rkeyOf(t *testing.T, uri string) string {
	t.Helper()
	i := strings.LastIndexByte(uri, '/')
	if i < 0 || !strings.HasPrefix(uri, "at://") {
		t.Fatalf("not an at uri: %q", uri)
	}
	return uri[i+1:]
}

func TestBlueskyTID(t *testing.T) {
	p := bskyPub("a", "Hello")
	seen := map[string]bool{}
	var prev string
	for n := 0; n < 5; n++ {
		k, err := BlueskyTID(p, n)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := BlueskyTID(bskyPub("a", "Hello"), n)
		if k != again {
			t.Errorf("part %d: key %s then %s: not stable", n, k, again)
		}
		if !ValidTID(k) || len(k) != 13 || strings.IndexByte("234567abcdefghij", k[0]) < 0 {
			t.Errorf("part %d: %q is not a valid TID", n, k)
		}
		for _, c := range k {
			if !strings.ContainsRune(tidAlphabet, c) {
				t.Errorf("%q has %q", k, c)
			}
		}
		if prev != "" && k <= prev {
			t.Errorf("thread keys not ascending: %s then %s", prev, k)
		}
		if seen[k] {
			t.Errorf("duplicate key %s", k)
		}
		seen[k], prev = true, k
	}
	// Decodes back to publish_at's second (plus the sub-second offset).
	k, _ := BlueskyTID(p, 0)
	var v uint64
	for _, c := range k {
		v = v<<5 | uint64(strings.IndexRune(tidAlphabet, c))
	}
	us := int64(v >> 10)
	if got := time.UnixMicro(us).UTC().Truncate(time.Second); !got.Equal(p.At) {
		t.Errorf("the key's time is %s, want %s", got, p.At)
	}
	// Another post at the same minute gets another key.
	if k2, _ := BlueskyTID(bskyPub("b", "Hello"), 0); k2 == k {
		t.Errorf("two posts share key %s", k)
	}
	if EncodeTID(0) != "2222222222222" || ValidTID("k222222222222") || ValidTID("222222222222") || ValidTID("222222222222!") {
		t.Error("TID encoding or validation is wrong")
	}
	if _, err := BlueskyTID(&Publication{Address: "x@sky"}, 0); !errors.Is(err, ErrPermanent) {
		t.Errorf("no publish_at: %v, want permanent", err)
	}
}

func TestBlueskyPublishOnceAndLookup(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, srv)
	ctx := context.Background()

	pubs := []*Publication{bskyPub("a", "First post"), bskyPub("b", "Second post"), bskyPub("c", "Third post")}
	for _, p := range pubs {
		if _, found, err := b.Lookup(ctx, p); err != nil || found {
			t.Fatalf("lookup before: found %v, %v", found, err)
		}
		res, err := b.Publish(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		rkey, _ := BlueskyTID(p, 0)
		if res.RemoteID != f.uri(rkey) || res.URL != "https://bsky.app/profile/brand.test/post/"+rkey {
			t.Errorf("result %+v", res)
		}
		v := f.value(t, rkey)
		if v["text"] != p.Text || v["createdAt"] != "2026-12-01T08:55:00.000Z" || v["$type"] != "app.bsky.feed.post" {
			t.Errorf("record %v", v)
		}
		// A resend is a no-op answered 200.
		again, err := b.Publish(ctx, p)
		if err != nil || again.RemoteID != res.RemoteID {
			t.Fatalf("resend: %+v, %v", again, err)
		}
		got, found, err := b.Lookup(ctx, p)
		if err != nil || !found || got.RemoteID != res.RemoteID {
			t.Fatalf("lookup after: %+v %v %v", got, found, err)
		}
	}
	if f.count() != 3 {
		t.Errorf("%d records, want 3", f.count())
	}
	if f.logins != 1 || b.Logins() != 1 {
		t.Errorf("createSession called %d times, want once", f.logins)
	}

	// A different post under a taken key: InvalidSwap, read back, different: permanent.
	other := bskyPub("a", "First post")
	other.Text = "Edited behind our back"
	if _, err := b.Publish(ctx, other); !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "different post") {
		t.Errorf("different body under the same key: %v", err)
	}
	if f.count() != 3 {
		t.Errorf("%d records, want 3", f.count())
	}
}

func TestBlueskySessionRefresh(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, srv)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		if i%2 == 1 {
			f.expire()
		}
		if _, err := b.Publish(ctx, bskyPub(fmt.Sprint("p", i), fmt.Sprint("Post ", i))); err != nil {
			t.Fatal(err)
		}
	}
	if f.logins != 1 || f.refreshes != 3 || f.count() != 6 {
		t.Errorf("logins %d refreshes %d records %d; want 1, 3, 6", f.logins, f.refreshes, f.count())
	}
	// A refused refresh token: one new login, not one per post.
	f.mu.Lock()
	f.access, f.refresh = "gone", "gone"
	f.mu.Unlock()
	for i := 6; i < 9; i++ {
		if _, err := b.Publish(ctx, bskyPub(fmt.Sprint("p", i), fmt.Sprint("Post ", i))); err != nil {
			t.Fatal(err)
		}
	}
	if f.logins != 2 {
		t.Errorf("logins %d, want 2", f.logins)
	}
}

func TestBlueskyWrongPassword(t *testing.T) {
	_, srv := newFakePDS(t)
	b, _ := NewBluesky(BlueskyConfig{Channel: "sky", Service: srv.URL, Handle: "brand.test", Password: []byte("s3cret-wrong"), Client: srv.Client()})
	_, err := b.Publish(context.Background(), bskyPub("a", "Hi"))
	if !errors.Is(err, ErrPermanent) || strings.Contains(err.Error(), "s3cret-wrong") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestBlueskyFaults(t *testing.T) {
	ctx := context.Background()

	t.Run("drop after commit", func(t *testing.T) {
		f, srv := newFakePDS(t)
		b := newTestBluesky(t, srv)
		f.after = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
			if n == 1 {
				drop(w)
				return true
			}
			return false
		}
		p := bskyPub("a", "Hello")
		_, err := b.Publish(ctx, p)
		var re *RetryableError
		if !errors.As(err, &re) {
			t.Fatalf("dropped connection: %v, want retryable", err)
		}
		if f.count() != 1 {
			t.Fatalf("%d records", f.count())
		}
		res, found, err := b.Lookup(ctx, p)
		if err != nil || !found {
			t.Fatalf("lookup: %v %v", found, err)
		}
		again, err := b.Publish(ctx, p)
		if err != nil || again.RemoteID != res.RemoteID || f.count() != 1 {
			t.Fatalf("resend: %+v %v, %d records", again, err, f.count())
		}
	})

	t.Run("429 ratelimit-reset", func(t *testing.T) {
		f, srv := newFakePDS(t)
		b := newTestBluesky(t, srv)
		f.fault = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
			if nsid == "com.atproto.repo.putRecord" && n == 1 {
				w.Header().Set("ratelimit-reset", strconv.FormatInt(bskyNow.Add(90*time.Second).Unix(), 10))
				xrpcErr(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
				return true
			}
			return false
		}
		p := bskyPub("a", "Hello")
		_, err := b.Publish(ctx, p)
		var re *RetryableError
		if !errors.As(err, &re) || re.After != 90*time.Second {
			t.Fatalf("429: %v (%+v)", err, re)
		}
		if _, err := b.Publish(ctx, p); err != nil || f.count() != 1 {
			t.Fatalf("retry: %v, %d records", err, f.count())
		}
	})

	t.Run("429 Retry-After", func(t *testing.T) {
		f, srv := newFakePDS(t)
		b := newTestBluesky(t, srv)
		f.fault = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
			if nsid == "com.atproto.repo.putRecord" && n == 1 {
				w.Header().Set("Retry-After", "7")
				xrpcErr(w, 429, "RateLimitExceeded", "slow down")
				return true
			}
			return false
		}
		_, err := b.Publish(ctx, bskyPub("a", "Hello"))
		var re *RetryableError
		if !errors.As(err, &re) || re.After != 7*time.Second {
			t.Fatalf("429: %v", err)
		}
	})

	t.Run("500 then resend", func(t *testing.T) {
		f, srv := newFakePDS(t)
		b := newTestBluesky(t, srv)
		f.after = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
			if n == 1 {
				xrpcErr(w, 500, "InternalServerError", "Internal Server Error")
				return true
			}
			return false
		}
		p := bskyPub("a", "Hello")
		_, err := b.Publish(ctx, p)
		var re *RetryableError
		if !errors.As(err, &re) {
			t.Fatalf("500: %v", err)
		}
		for i := 0; i < 3; i++ {
			if _, err := b.Publish(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if f.count() != 1 {
			t.Errorf("%d records, want 1", f.count())
		}
	})

	t.Run("400 permanent", func(t *testing.T) {
		f, srv := newFakePDS(t)
		b := newTestBluesky(t, srv)
		f.fault = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
			if nsid == "com.atproto.repo.putRecord" {
				xrpcErr(w, 400, "InvalidRecord", "Record/text must not be longer than 300 graphemes")
				return true
			}
			return false
		}
		_, err := b.Publish(ctx, bskyPub("a", "Hello"))
		if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "must not be longer") {
			t.Errorf("400: %v", err)
		}
	})

	t.Run("concurrent resends", func(t *testing.T) {
		f, srv := newFakePDS(t)
		b := newTestBluesky(t, srv)
		p := bskyPub("a", "Hello", "part two")
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := b.Publish(ctx, p); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if f.count() != 2 || f.logins != 1 {
			t.Errorf("%d records, %d logins; want 2, 1", f.count(), f.logins)
		}
	})
}

func TestBlueskyLimits(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, srv)
	ctx := context.Background()
	cases := map[string]*Publication{
		"graphemes": bskyPub("a", strings.Repeat("é", 301)),
		"bytes":     bskyPub("b", strings.Repeat("👩‍👩‍👧‍👦", 130)), // 130 graphemes, 3250 bytes
		"part":      bskyPub("c", "ok", strings.Repeat("x", 301)),
	}
	five := bskyPub("d", "five images")
	for i := 0; i < 5; i++ {
		five.Media = append(five.Media, Media{Path: fmt.Sprintf("i%d.png", i), Alt: "x", Data: []byte("png")})
	}
	cases["images"] = five
	for name, p := range cases {
		if _, err := b.Publish(ctx, p); !errors.Is(err, ErrPermanent) {
			t.Errorf("%s: %v, want permanent", name, err)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("calls made before refusing: %v", f.calls)
	}
	if _, err := b.Publish(ctx, bskyPub("e", strings.Repeat("é", 300))); err != nil {
		t.Errorf("300 graphemes: %v", err)
	}
}

func TestBlueskyFacets(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, srv)
	text := "Café ☕👩🏽‍💻 — grüße @alice.test and @nobody.test, see www.example.com/x?y=1 or https://e.example/ü #Kaffeé!"
	p := bskyPub("a", text)
	res, err := b.Publish(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	v := f.value(t, rkeyOf(t, res.RemoteID))
	raw := []byte(text)
	type fc struct{ slice, typ, val string }
	var got []fc
	for _, x := range v["facets"].([]any) {
		m := x.(map[string]any)
		idx := m["index"].(map[string]any)
		s, e := int(idx["byteStart"].(float64)), int(idx["byteEnd"].(float64))
		feat := m["features"].([]any)[0].(map[string]any)
		val := ""
		for _, k := range []string{"uri", "did", "tag"} {
			if s, ok := feat[k].(string); ok {
				val = s
			}
		}
		got = append(got, fc{string(raw[s:e]), feat["$type"].(string), val})
	}
	want := []fc{
		{"@alice.test", "app.bsky.richtext.facet#mention", "did:plc:alice"},
		{"www.example.com/x?y=1", "app.bsky.richtext.facet#link", "https://www.example.com/x?y=1"},
		{"https://e.example/ü", "app.bsky.richtext.facet#link", "https://e.example/ü"},
		{"#Kaffeé", "app.bsky.richtext.facet#tag", "Kaffeé"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("facets\n got %q\nwant %q", got, want)
	}
	// The resend builds the same facets: no change, no second record.
	if _, err := b.Publish(context.Background(), p); err != nil || f.count() != 1 {
		t.Errorf("resend: %v, %d records", err, f.count())
	}
}

func TestBlueskyThreadAndMedia(t *testing.T) {
	f, srv := newFakePDS(t)
	b := newTestBluesky(t, srv)
	ctx := context.Background()
	p := bskyPub("t", "Thread start", "part one", "part two", "part three")
	p.Media = []Media{{Path: "media/cup.jpg", Alt: "A cup of coffee", Data: []byte("\xff\xd8\xff fake jpeg")}}
	p.Thread[1].Media = []Media{{Path: "media/chart", Alt: "A chart", Data: []byte("\x89PNG\r\n\x1a\n fake")}}

	// The third part fails for good: the first two are done and returned with the error.
	f.fault = func(w http.ResponseWriter, r *http.Request, nsid string, n int) bool {
		if nsid == "com.atproto.repo.putRecord" && n == 3 {
			xrpcErr(w, 503, "", "unavailable")
			return true
		}
		return false
	}
	res, err := b.Publish(ctx, p)
	var re *RetryableError
	if !errors.As(err, &re) || res == nil || len(res.Thread) != 1 {
		t.Fatalf("failing part: %+v, %v", res, err)
	}
	if f.count() != 2 {
		t.Fatalf("%d records after the failure, want 2", f.count())
	}
	f.fault = nil

	// Resume with Done: the done part is not sent again.
	p.Done = res.Thread
	putsBefore := f.puts
	res2, err := b.Publish(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if f.puts-putsBefore != 2 || f.count() != 4 {
		t.Errorf("resume: %d puts, %d records; want 2, 4", f.puts-putsBefore, f.count())
	}
	if res2.RemoteID != res.RemoteID || len(res2.Thread) != 3 || res2.Thread[0] != res.Thread[0] {
		t.Errorf("resumed result %+v", res2)
	}

	root := f.value(t, rkeyOf(t, res2.RemoteID))
	emb := root["embed"].(map[string]any)
	imgs := emb["images"].([]any)
	if emb["$type"] != "app.bsky.embed.images" || len(imgs) != 1 || imgs[0].(map[string]any)["alt"] != "A cup of coffee" ||
		imgs[0].(map[string]any)["image"].(map[string]any)["mimeType"] != "image/jpeg" {
		t.Errorf("embed %v", emb)
	}
	if _, ok := root["reply"]; ok {
		t.Error("the first post has a reply")
	}
	cids := map[string]string{}
	f.mu.Lock()
	for k, r := range f.records {
		cids[f.uri(k)] = r.cid
	}
	f.mu.Unlock()
	prev := res2.RemoteID
	for i, uri := range res2.Thread {
		v := f.value(t, rkeyOf(t, uri))
		reply := v["reply"].(map[string]any)
		rt, pa := reply["root"].(map[string]any), reply["parent"].(map[string]any)
		if rt["uri"] != res2.RemoteID || rt["cid"] != cids[res2.RemoteID] || pa["uri"] != prev || pa["cid"] != cids[prev] {
			t.Errorf("part %d reply %v", i+1, reply)
		}
		prev = uri
	}
	part2 := f.value(t, rkeyOf(t, res2.Thread[1]))
	if mt := part2["embed"].(map[string]any)["images"].([]any)[0].(map[string]any)["image"].(map[string]any)["mimeType"]; mt != "image/png" {
		t.Errorf("sniffed type %v", mt)
	}
	// Keys in thread order.
	keys := []string{rkeyOf(t, res2.RemoteID)}
	for _, u := range res2.Thread {
		keys = append(keys, rkeyOf(t, u))
	}
	if !sort.StringsAreSorted(keys) {
		t.Errorf("keys out of order: %v", keys)
	}

	// A rerun that lost Done resends everything: nothing new.
	p.Done = nil
	if _, err := b.Publish(ctx, p); err != nil || f.count() != 4 {
		t.Errorf("rerun without Done: %v, %d records", err, f.count())
	}
	// Lookup finds the whole thread; with a part missing it asks for a resend.
	got, found, err := b.Lookup(ctx, p)
	if err != nil || !found || len(got.Thread) != 3 {
		t.Errorf("lookup: %+v %v %v", got, found, err)
	}
	f.mu.Lock()
	delete(f.records, rkeyOf(t, res2.Thread[2]))
	f.mu.Unlock()
	if _, _, err := b.Lookup(ctx, p); !errors.Is(err, ErrBlueskyThreadIncomplete) {
		t.Errorf("lookup of a partial thread: %v", err)
	}
	if f.logins != 1 {
		t.Errorf("%d logins", f.logins)
	}
}

func TestBlueskyFor(t *testing.T) {
	ch := blueskyChannel("https://pds.example", "brand.test", "BSKY_PASSWORD")
	env := map[string]string{"BSKY_PASSWORD": "very-secret-pw"}
	getenv := func(k string) string { return env[k] }
	if _, err := BlueskyFor("calendar.yaml", "sky", ch, getenv, time.Now); err != nil {
		t.Fatal(err)
	}
	_, err := BlueskyFor("calendar.yaml", "sky", ch, func(string) string { return "" }, time.Now)
	if err == nil || !strings.Contains(err.Error(), "BSKY_PASSWORD") {
		t.Errorf("missing variable: %v", err)
	}
	if _, err := BlueskyFor("calendar.yaml", "sky", blueskyChannel("http://pds.example", "brand.test", "BSKY_PASSWORD"), getenv, time.Now); err == nil || strings.Contains(err.Error(), "very-secret-pw") {
		t.Errorf("http service: %v", err)
	}
	local := blueskyChannel("http://127.0.0.1:2583", "brand.test", "BSKY_PASSWORD")
	if _, err := BlueskyFor("calendar.yaml", "sky", local, getenv, time.Now); err == nil {
		t.Error("a local PDS over http without allow_http")
	}
	local.AllowHTTP = true
	if _, err := BlueskyFor("calendar.yaml", "sky", local, getenv, time.Now); err != nil {
		t.Errorf("local PDS: %v", err)
	}
	ch.Timeout = calendar.String{Value: "5s", Set: true}
	prov, err := BlueskyFor("calendar.yaml", "sky", ch, getenv, time.Now)
	if err != nil || prov.(*Bluesky).client.Timeout != 5*time.Second {
		t.Errorf("timeout 5s: %v", err)
	}
	ch.Timeout.Value = "soon"
	if _, err := BlueskyFor("calendar.yaml", "sky", ch, getenv, time.Now); err == nil || !strings.Contains(err.Error(), `timeout "soon" is not a positive duration`) {
		t.Errorf("timeout soon: %v", err)
	}
}

func blueskyChannel(service, handle, env string) calendar.Channel {
	s := func(v string) calendar.String { return calendar.String{Value: v, Set: v != ""} }
	return calendar.Channel{Provider: s("bluesky"), Service: s(service), Handle: s(handle), AppPasswordEnv: s(env)}
}
