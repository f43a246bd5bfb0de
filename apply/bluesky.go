package apply

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rivo/uniseg"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/social"
)

// The Bluesky provider writes app.bsky.feed.post records to the account's repository on its PDS
// over XRPC.
//
// Exactly once: every record's key is a TID derived from the publication alone (see BlueskyTID), and
// its body is built deterministically (createdAt is publish_at, never the wall clock), so every
// attempt, in any run, sends the same bytes to the same key. It is written with putRecord and
// swapRecord: null, which creates the record only if the key is free: the identical body again is
// answered 200 and changes nothing, a different body 400 InvalidSwap, which is read back with
// getRecord and compared (text, facets, reply, embed). A resend therefore never makes a second
// post, so the provider is a Resender, and Lookup asks getRecord for the derived key.
//
// Session: createSession is called once per provider, lazily, and its tokens are reused for every
// post; an access token the PDS calls expired (401 ExpiredToken) is refreshed with refreshSession
// once and the call retried. Only when the refresh token itself is refused does the provider log
// in again. The app password never appears in errors.
//
// Threads: the parts are replies in order, each with reply.root (the first post) and reply.parent
// (the part before), as strong refs (uri + cid). A resumed thread (p.Done) skips the parts already
// published: their keys are derived, so their uri and cid are read back with getRecord by key,
// not parsed from the stored ids (Result.Thread holds the parts' at:// URIs). Publishing stops at
// the first failure and returns the parts done so far with the error; because keys are
// deterministic, a rerun that lacks p.Done resends the done parts harmlessly (200, no change).
//
// Media: each file is uploaded with uploadBlob before its post (blob refs are content addressed,
// so a re-upload gives the same ref) and attached as app.bsky.embed.images with its alt text.
//
// Checked before anything is sent: every text at most 300 graphemes and 3000 bytes, at most four
// images a post, a publish_at (the key and createdAt are derived from it).

// BlueskyConfig configures a Bluesky channel. The caller resolves Password from app_password_env.
type BlueskyConfig struct {
	Channel  string
	Service  string // the PDS, e.g. https://bsky.social
	Handle   string
	Password []byte
	Client   *http.Client  // nil: a default client
	Timeout  time.Duration // per request of the default client; 0: 60s
	Now      func() time.Time
}

// DefaultBlueskyService is the PDS when the channel names none.
const DefaultBlueskyService = "https://bsky.social"

// Limits of an app.bsky.feed.post.
const (
	BlueskyMaxGraphemes = 300
	BlueskyMaxBytes     = 3000
	BlueskyMaxImages    = 4
)

const (
	bskyPostCollection = "app.bsky.feed.post"
	maxBlueskyResponse = 4 << 20
)

// Bluesky is the Bluesky provider.
type Bluesky struct {
	channel  string
	service  string // scheme://host[/path], without a trailing slash
	handle   string
	password []byte
	client   *http.Client
	now      func() time.Time

	mu      sync.Mutex // guards the session
	session *bskySession
	logins  int // createSession calls, for tests
}

type bskySession struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	DID        string `json:"did"`
	Handle     string `json:"handle"`
}

// NewBluesky checks cfg and returns the provider. No call is made until the first publication.
func NewBluesky(cfg BlueskyConfig) (*Bluesky, error) {
	name := cfg.Channel
	if name == "" {
		name = "bluesky"
	}
	service := strings.TrimSpace(cfg.Service)
	if service == "" {
		service = DefaultBlueskyService
	}
	u, err := url.Parse(service)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("channel %s: service %q is not an http(s) URL", name, service)
	}
	if strings.TrimSpace(cfg.Handle) == "" {
		return nil, fmt.Errorf("channel %s: the Bluesky handle is empty", name)
	}
	if len(cfg.Password) == 0 {
		return nil, fmt.Errorf("channel %s: the Bluesky app password is empty", name)
	}
	b := &Bluesky{
		channel:  cfg.Channel,
		service:  strings.TrimSuffix(u.Scheme+"://"+u.Host+u.Path, "/"),
		handle:   strings.TrimPrefix(strings.TrimSpace(cfg.Handle), "@"),
		password: bytes.Clone(cfg.Password),
		now:      cfg.Now,
	}
	if b.now == nil {
		b.now = time.Now
	}
	b.client = cfg.Client
	if b.client == nil {
		timeout := cfg.Timeout
		if timeout <= 0 {
			timeout = 60 * time.Second
		}
		b.client = &http.Client{Timeout: timeout}
	}
	return b, nil
}

// BlueskyFor builds the provider of the Bluesky channel ch of calendar.yaml (file, for messages):
// the PDS from service (default https://bsky.social; http only for a loopback host and allow_http), the handle,
// the app password from the variable app_password_env names. Messages name the variable, never
// its value.
func BlueskyFor(file, channel string, ch calendar.Channel, getenv func(string) string, now func() time.Time) (Provider, error) {
	at := ch.Handle.Pos
	if strings.TrimSpace(ch.Handle.Value) == "" {
		return nil, fmt.Errorf("%s:%d:%d: channel %s: a bluesky channel needs a handle", file, at.Line, at.Col, channel)
	}
	pw := ch.AppPasswordEnv
	if pw.Value == "" {
		return nil, fmt.Errorf("%s:%d:%d: channel %s: a bluesky channel needs app_password_env, the environment variable holding an app password", file, at.Line, at.Col, channel)
	}
	secret := getenv(pw.Value)
	if secret == "" {
		return nil, fmt.Errorf("%s:%d:%d: channel %s: the environment variable %s (app_password_env) is not set", file, pw.Pos.Line, pw.Pos.Col, channel, pw.Value)
	}
	if s := ch.Service.Value; s != "" {
		u, err := url.Parse(s)
		p := ch.Service.Pos
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("%s:%d:%d: channel %s: service %q is not a URL", file, p.Line, p.Col, channel, s)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && ch.AllowHTTP && isLoopback(u.Hostname())) {
			return nil, fmt.Errorf("%s:%d:%d: channel %s: service must start with https:// (http:// only for a local PDS, with allow_http: true)", file, p.Line, p.Col, channel)
		}
	}
	timeout, err := channelTimeout(file, channel, ch)
	if err != nil {
		return nil, err
	}
	b, err := NewBluesky(BlueskyConfig{Channel: channel, Service: ch.Service.Value, Handle: ch.Handle.Value, Password: []byte(secret), Now: now, Timeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %w", file, at.Line, at.Col, err)
	}
	return b, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var (
	_ Provider = (*Bluesky)(nil)
	_ Resender = (*Bluesky)(nil)
)

// SafeToResend is true: a resend writes the same body to the same record key, which the PDS
// answers without creating anything.
func (b *Bluesky) SafeToResend() bool { return true }

// Logins is how many times the provider called createSession.
func (b *Bluesky) Logins() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.logins
}

// TIDs.

const tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// EncodeTID writes the 63-bit value v (top bit clear) as a 13-character TID.
func EncodeTID(v uint64) string {
	v &^= 1 << 63
	var out [13]byte
	for i := 12; i >= 0; i-- {
		out[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(out[:])
}

// ValidTID says whether s is a well-formed TID: 13 characters of the sortable base32 alphabet,
// the first without its top bit.
func ValidTID(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(tidAlphabet, s[i])
		if k < 0 || (i == 0 && k >= 16) {
			return false
		}
	}
	return true
}

// BlueskyTID is the record key of part n of p (0: the post itself, 1…: its thread's parts).
//
// 53 bits of microseconds since the epoch, 10 bits of clock id. Both come from p.At and a SHA-256
// of p.Key (the address and content hash; the address when there is no key), never from the clock:
// the microseconds are publish_at's, plus a millisecond offset within its second taken from the
// hash (so two posts of one channel at the same minute do not collide even when their 10-bit clock
// ids do), plus n for a thread's part n, which keeps a thread's keys in order; the clock id is the
// hash's first 10 bits. The same publication always gets the same keys, in any run; a post edited
// since (another content hash) gets other keys.
func BlueskyTID(p *Publication, n int) (string, error) {
	if p.At.IsZero() {
		return "", Permanent("bluesky: %s has no publish_at, from which its record key and createdAt are derived", p.Address)
	}
	us := p.At.UTC().Truncate(time.Second).UnixMicro()
	if us < 0 || us >= 1<<53-2_000_000 {
		return "", Permanent("bluesky: publish_at %s of %s is out of range for a record key", p.At.UTC().Format(time.RFC3339), p.Address)
	}
	id := p.Key
	if id == "" {
		id = p.Address
	}
	h := sha256.Sum256([]byte(id))
	clock := uint64(binary.BigEndian.Uint16(h[0:2]) >> 6)
	ms := uint64(binary.BigEndian.Uint32(h[2:6]) % 1000)
	t := uint64(us) + ms*1000 + uint64(n)
	return EncodeTID(t<<10 | clock), nil
}

// Records.

type bskyRecord struct {
	Type      string          `json:"$type"`
	Text      string          `json:"text"`
	Facets    []bskyFacet     `json:"facets,omitempty"`
	Reply     *bskyReply      `json:"reply,omitempty"`
	Embed     json.RawMessage `json:"embed,omitempty"`
	CreatedAt string          `json:"createdAt"`
}

type bskyFacet struct {
	Index    bskyByteSlice `json:"index"`
	Features []bskyFeature `json:"features"`
}

type bskyByteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

type bskyFeature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	DID  string `json:"did,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

type bskyRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

type bskyReply struct {
	Root   bskyRef `json:"root"`
	Parent bskyRef `json:"parent"`
}

type bskyImage struct {
	Alt   string          `json:"alt"`
	Image json.RawMessage `json:"image"`
}

type bskyImages struct {
	Type   string      `json:"$type"`
	Images []bskyImage `json:"images"`
}

// checkText refuses a text over Bluesky's limits.
func checkBlueskyText(what, text string) error {
	if n := len(text); n > BlueskyMaxBytes {
		return Permanent("bluesky: %s is %d bytes; a post holds at most %d", what, n, BlueskyMaxBytes)
	}
	if n := uniseg.GraphemeClusterCount(text); n > BlueskyMaxGraphemes {
		return Permanent("bluesky: %s is %d characters (graphemes); a post holds at most %d", what, n, BlueskyMaxGraphemes)
	}
	return nil
}

// check refuses, before anything is sent, what the platform would refuse.
func (b *Bluesky) check(p *Publication) error {
	if p == nil {
		return errors.New("bluesky: no publication")
	}
	if _, err := BlueskyTID(p, 0); err != nil {
		return err
	}
	if err := checkBlueskyText(p.Address+": the text", p.Text); err != nil {
		return err
	}
	if len(p.Media) > BlueskyMaxImages {
		return Permanent("bluesky: %s has %d images; a post holds at most %d", p.Address, len(p.Media), BlueskyMaxImages)
	}
	for i, t := range p.Thread {
		if err := checkBlueskyText(fmt.Sprintf("%s: thread part %d", p.Address, i+1), t.Text); err != nil {
			return err
		}
		if len(t.Media) > BlueskyMaxImages {
			return Permanent("bluesky: %s: thread part %d has %d images; a post holds at most %d", p.Address, i+1, len(t.Media), BlueskyMaxImages)
		}
	}
	for _, list := range append([][]Media{p.Media}, partsMedia(p.Thread)...) {
		for _, m := range list {
			if m.Data == nil {
				return Permanent("bluesky: %s: media %s was not read", p.Address, m.Path)
			}
		}
	}
	return nil
}

func partsMedia(parts []Part) [][]Media {
	out := make([][]Media, 0, len(parts))
	for _, t := range parts {
		out = append(out, t.Media)
	}
	return out
}

// facets are the links, mentions and hashtags of text, over UTF-8 byte ranges (end exclusive). A
// mention whose handle does not resolve gets no facet.
func (b *Bluesky) facets(ctx context.Context, text string, dids map[string]string) ([]bskyFacet, error) {
	var out []bskyFacet
	for _, t := range social.Tokenize(text, false) {
		var f bskyFeature
		switch t.Kind {
		case social.Link:
			uri := t.Text
			if !strings.HasPrefix(strings.ToLower(uri), "http://") && !strings.HasPrefix(strings.ToLower(uri), "https://") {
				uri = "https://" + uri
			}
			f = bskyFeature{Type: "app.bsky.richtext.facet#link", URI: uri}
		case social.Hashtag:
			f = bskyFeature{Type: "app.bsky.richtext.facet#tag", Tag: strings.TrimPrefix(t.Text, "#")}
		case social.Mention:
			handle := strings.ToLower(strings.TrimPrefix(t.Text, "@"))
			did, ok := dids[handle]
			if !ok {
				var err error
				if did, err = b.resolveHandle(ctx, handle); err != nil {
					return nil, err
				}
				dids[handle] = did
			}
			if did == "" {
				continue
			}
			f = bskyFeature{Type: "app.bsky.richtext.facet#mention", DID: did}
		default:
			continue
		}
		out = append(out, bskyFacet{Index: bskyByteSlice{ByteStart: t.Start, ByteEnd: t.End}, Features: []bskyFeature{f}})
	}
	return out, nil
}

// resolveHandle answers the DID of handle, or "" when the PDS says it does not resolve.
func (b *Bluesky) resolveHandle(ctx context.Context, handle string) (string, error) {
	if !strings.Contains(handle, ".") || strings.Contains(handle, "@") {
		return "", nil // not a Bluesky handle (a bare word or a fediverse address)
	}
	r, err := b.call(ctx, http.MethodGet, "com.atproto.identity.resolveHandle", url.Values{"handle": {handle}}, nil, "")
	if err != nil {
		return "", err
	}
	switch {
	case r.status == http.StatusOK:
		var out struct {
			DID string `json:"did"`
		}
		if json.Unmarshal(r.data, &out) != nil || !strings.HasPrefix(out.DID, "did:") {
			return "", &RetryableError{Err: fmt.Errorf("bluesky %s: resolveHandle answered no DID", b.channel)}
		}
		return out.DID, nil
	case r.status == http.StatusBadRequest || r.status == http.StatusNotFound:
		return "", nil
	default:
		return "", b.classify("resolveHandle @"+handle, r)
	}
}

// uploadImages uploads ms and returns the embed, or nil when there are none.
func (b *Bluesky) uploadImages(ctx context.Context, ms []Media) (json.RawMessage, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	emb := bskyImages{Type: "app.bsky.embed.images"}
	for _, m := range ms {
		ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(m.Path)))
		if ct == "" {
			ct = http.DetectContentType(m.Data)
		}
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = strings.TrimSpace(ct[:i])
		}
		r, err := b.call(ctx, http.MethodPost, "com.atproto.repo.uploadBlob", nil, m.Data, ct)
		if err != nil {
			return nil, err
		}
		if r.status != http.StatusOK {
			return nil, b.classify("uploadBlob "+m.Path, r)
		}
		var out struct {
			Blob json.RawMessage `json:"blob"`
		}
		if json.Unmarshal(r.data, &out) != nil || len(out.Blob) == 0 {
			return nil, &RetryableError{Err: fmt.Errorf("bluesky %s: uploadBlob %s answered no blob", b.channel, m.Path)}
		}
		emb.Images = append(emb.Images, bskyImage{Alt: m.Alt, Image: out.Blob})
	}
	return marshalNoEscape(emb)
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// record builds the record of one post: the same bytes for the same input on every call.
func (b *Bluesky) record(ctx context.Context, p *Publication, text string, media []Media, reply *bskyReply, dids map[string]string) (*bskyRecord, error) {
	facets, err := b.facets(ctx, text, dids)
	if err != nil {
		return nil, err
	}
	embed, err := b.uploadImages(ctx, media)
	if err != nil {
		return nil, err
	}
	return &bskyRecord{
		Type:      bskyPostCollection,
		Text:      text,
		Facets:    facets,
		Reply:     reply,
		Embed:     embed,
		CreatedAt: p.At.UTC().Format("2006-01-02T15:04:05.000Z"),
	}, nil
}

// sameRecord compares what matters of two records: text, facets, reply and embed, as JSON values
// (key order and spacing do not matter).
func sameRecord(a, b json.RawMessage) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	for _, k := range []string{"text", "facets", "reply", "embed"} {
		if !reflect.DeepEqual(x[k], y[k]) {
			return false
		}
	}
	return true
}

// XRPC.

type xrpcResponse struct {
	status int
	data   []byte
	header http.Header
	err    string // the XRPC error name
	msg    string // its message
}

// do makes one XRPC call with token (empty: none). A transport failure is retryable.
func (b *Bluesky) do(ctx context.Context, method, nsid string, query url.Values, body []byte, contentType, token string) (*xrpcResponse, error) {
	u := b.service + "/xrpc/" + nsid
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("bluesky %s: cannot build the request %s", b.channel, nsid)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("bluesky %s: %s at %s: %w", b.channel, nsid, b.service, ctx.Err())
		}
		return nil, &RetryableError{Err: fmt.Errorf("bluesky %s: %s at %s: %s", b.channel, nsid, b.service, transportError(err))}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBlueskyResponse))
	if err != nil && resp.StatusCode/100 == 2 {
		return nil, &RetryableError{Err: fmt.Errorf("bluesky %s: %s at %s: reading the answer: %s", b.channel, nsid, b.service, transportError(err))}
	}
	r := &xrpcResponse{status: resp.StatusCode, data: data, header: resp.Header}
	if r.status/100 != 2 {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &e) == nil {
			r.err, r.msg = e.Error, e.Message
		}
	}
	return r, nil
}

// login makes sure there is a session: createSession once per provider. Called with b.mu held.
func (b *Bluesky) login(ctx context.Context) error {
	if b.session != nil {
		return nil
	}
	body, err := json.Marshal(map[string]string{"identifier": b.handle, "password": string(b.password)})
	if err != nil {
		return err
	}
	b.logins++
	r, err := b.do(ctx, http.MethodPost, "com.atproto.server.createSession", nil, body, "application/json", "")
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		if r.status == http.StatusUnauthorized {
			return Permanent("bluesky %s: login as %s refused: %s (check the app password)", b.channel, b.handle, xrpcWhy(r))
		}
		return b.classify("createSession", r)
	}
	var s bskySession
	if json.Unmarshal(r.data, &s) != nil || s.AccessJwt == "" || s.DID == "" {
		return &RetryableError{Err: fmt.Errorf("bluesky %s: createSession answered no session", b.channel)}
	}
	b.session = &s
	return nil
}

// refresh replaces the session whose access token was stale: refreshSession, or, when the refresh
// token is refused too, a new login. Called with b.mu held.
func (b *Bluesky) refresh(ctx context.Context, stale string) error {
	if b.session != nil && b.session.AccessJwt != stale {
		return nil // another call refreshed it already
	}
	if b.session != nil && b.session.RefreshJwt != "" {
		r, err := b.do(ctx, http.MethodPost, "com.atproto.server.refreshSession", nil, nil, "", b.session.RefreshJwt)
		if err != nil {
			return err
		}
		if r.status == http.StatusOK {
			var s bskySession
			if json.Unmarshal(r.data, &s) == nil && s.AccessJwt != "" {
				if s.DID == "" {
					s.DID = b.session.DID
				}
				if s.Handle == "" {
					s.Handle = b.session.Handle
				}
				b.session = &s
				return nil
			}
		}
		if r.status != http.StatusBadRequest && r.status != http.StatusUnauthorized && r.status != http.StatusOK {
			return b.classify("refreshSession", r)
		}
	}
	b.session = nil
	return b.login(ctx)
}

// call makes an authenticated XRPC call; an expired access token is refreshed once.
func (b *Bluesky) call(ctx context.Context, method, nsid string, query url.Values, body []byte, contentType string) (*xrpcResponse, error) {
	b.mu.Lock()
	err := b.login(ctx)
	var token string
	if err == nil {
		token = b.session.AccessJwt
	}
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := b.do(ctx, method, nsid, query, body, contentType, token)
	if err != nil || !expiredToken(r) {
		return r, err
	}
	b.mu.Lock()
	err = b.refresh(ctx, token)
	if err == nil {
		token = b.session.AccessJwt
	}
	b.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return b.do(ctx, method, nsid, query, body, contentType, token)
}

func expiredToken(r *xrpcResponse) bool {
	return r.status == http.StatusUnauthorized || (r.status == http.StatusBadRequest && r.err == "ExpiredToken")
}

func (b *Bluesky) did() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.session == nil {
		return ""
	}
	return b.session.DID
}

func (b *Bluesky) profileHandle() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.session != nil && b.session.Handle != "" {
		return b.session.Handle
	}
	return b.handle
}

func xrpcWhy(r *xrpcResponse) string {
	s := http.StatusText(r.status)
	if r.err != "" {
		s = r.err
	}
	if r.msg != "" {
		s += ": " + r.msg
	}
	return strconv.Itoa(r.status) + " " + s
}

// classify turns an unsuccessful answer into an error: 408, 429 and 5xx retryable (429 after the
// rate limit's reset), any other 4xx permanent with the XRPC error message.
func (b *Bluesky) classify(what string, r *xrpcResponse) error {
	err := fmt.Errorf("bluesky %s: %s: %s", b.channel, what, xrpcWhy(r))
	switch {
	case r.status == http.StatusTooManyRequests:
		after := time.Duration(0)
		if v := strings.TrimSpace(r.header.Get("ratelimit-reset")); v != "" {
			if n, perr := strconv.ParseInt(v, 10, 64); perr == nil {
				if d := time.Unix(n, 0).Sub(b.now()); d > 0 {
					after = min(d, 24*time.Hour)
				}
			}
		}
		if after == 0 {
			after = retryAfter(r.header.Get("Retry-After"), b.now())
		}
		return &RetryableError{Err: err, After: after}
	case r.status == http.StatusRequestTimeout || r.status >= 500 || r.status < 400:
		return &RetryableError{Err: err}
	default:
		return fmt.Errorf("%w: %w", ErrPermanent, err)
	}
}

// Publishing.

// getRecord reads the post with key rkey: its ref and value, or found false.
func (b *Bluesky) getRecord(ctx context.Context, rkey string) (ref bskyRef, value json.RawMessage, found bool, err error) {
	if err := b.ensureSession(ctx); err != nil {
		return ref, nil, false, err
	}
	q := url.Values{"repo": {b.did()}, "collection": {bskyPostCollection}, "rkey": {rkey}}
	r, err := b.call(ctx, http.MethodGet, "com.atproto.repo.getRecord", q, nil, "")
	if err != nil {
		return ref, nil, false, err
	}
	switch {
	case r.status == http.StatusOK:
		var out struct {
			URI   string          `json:"uri"`
			CID   string          `json:"cid"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(r.data, &out) != nil || out.URI == "" || out.CID == "" {
			return ref, nil, false, &RetryableError{Err: fmt.Errorf("bluesky %s: getRecord %s answered no record", b.channel, rkey)}
		}
		return bskyRef{URI: out.URI, CID: out.CID}, out.Value, true, nil
	case r.status == http.StatusBadRequest && r.err == "RecordNotFound", r.status == http.StatusNotFound:
		return ref, nil, false, nil
	default:
		return ref, nil, false, b.classify("getRecord "+rkey, r)
	}
}

func (b *Bluesky) ensureSession(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.login(ctx)
}

// put writes rec under rkey unless the key is taken; a taken key holding the same post is success.
func (b *Bluesky) put(ctx context.Context, rkey string, rec *bskyRecord) (bskyRef, error) {
	var ref bskyRef
	if err := b.ensureSession(ctx); err != nil {
		return ref, err
	}
	recJSON, err := marshalNoEscape(rec)
	if err != nil {
		return ref, err
	}
	body, err := marshalNoEscape(struct {
		Repo       string          `json:"repo"`
		Collection string          `json:"collection"`
		RKey       string          `json:"rkey"`
		Record     json.RawMessage `json:"record"`
		SwapRecord *string         `json:"swapRecord"` // null: create only if absent
	}{b.did(), bskyPostCollection, rkey, recJSON, nil})
	if err != nil {
		return ref, err
	}
	r, err := b.call(ctx, http.MethodPost, "com.atproto.repo.putRecord", nil, body, "application/json")
	if err != nil {
		return ref, err
	}
	switch {
	case r.status == http.StatusOK:
		if json.Unmarshal(r.data, &ref) == nil && ref.URI != "" && ref.CID != "" {
			return ref, nil
		}
		// An answer without the ref: read it back.
	case r.status == http.StatusBadRequest && r.err == "InvalidSwap":
		// The key is taken: by this post (an earlier attempt) or by another.
	default:
		return ref, b.classify("putRecord "+rkey, r)
	}
	got, value, found, err := b.getRecord(ctx, rkey)
	if err != nil {
		return ref, err
	}
	if !found {
		return ref, &RetryableError{Err: fmt.Errorf("bluesky %s: putRecord %s: the key is taken but the record cannot be read", b.channel, rkey)}
	}
	if !sameRecord(value, recJSON) {
		return ref, Permanent("bluesky %s: record %s: a different post already has this record key", b.channel, rkey)
	}
	return got, nil
}

func (b *Bluesky) postURL(rkey string) string {
	return "https://bsky.app/profile/" + b.profileHandle() + "/post/" + rkey
}

// Publish writes the post, then its thread's parts in order, skipping the parts in p.Done; it
// stops at the first failure and returns the parts done so far with the error.
func (b *Bluesky) Publish(ctx context.Context, p *Publication) (*Result, error) {
	if err := b.check(p); err != nil {
		return nil, err
	}
	dids := map[string]string{}
	rkey0, _ := BlueskyTID(p, 0)
	var root bskyRef
	var err error
	if len(p.Done) > 0 {
		root, err = b.existing(ctx, p, 0)
	} else {
		root, err = b.publishOne(ctx, p, 0, nil, dids)
	}
	if err != nil {
		return nil, err
	}
	res := &Result{RemoteID: root.URI, URL: b.postURL(rkey0), At: b.now()}
	parent := root
	for i := range p.Thread {
		n := i + 1
		var ref bskyRef
		if i < len(p.Done) {
			ref, err = b.existing(ctx, p, n)
		} else {
			ref, err = b.publishOne(ctx, p, n, &bskyReply{Root: root, Parent: parent}, dids)
		}
		if err != nil {
			return res, err
		}
		res.Thread = append(res.Thread, ref.URI)
		parent = ref
	}
	return res, nil
}

// publishOne writes part n (0: the post) of p.
func (b *Bluesky) publishOne(ctx context.Context, p *Publication, n int, reply *bskyReply, dids map[string]string) (bskyRef, error) {
	text, media := p.Text, p.Media
	if n > 0 {
		text, media = p.Thread[n-1].Text, p.Thread[n-1].Media
	}
	rkey, err := BlueskyTID(p, n)
	if err != nil {
		return bskyRef{}, err
	}
	rec, err := b.record(ctx, p, text, media, reply, dids)
	if err != nil {
		return bskyRef{}, err
	}
	return b.put(ctx, rkey, rec)
}

// existing reads the ref of part n that an earlier run published; absent, it publishes nothing and
// fails: the earlier run's record says it is there.
func (b *Bluesky) existing(ctx context.Context, p *Publication, n int) (bskyRef, error) {
	rkey, err := BlueskyTID(p, n)
	if err != nil {
		return bskyRef{}, err
	}
	ref, _, found, err := b.getRecord(ctx, rkey)
	if err != nil {
		return ref, err
	}
	if !found {
		return ref, Permanent("bluesky %s: %s: part %d was recorded as published but record %s is not there (deleted?)", b.channel, p.Address, n, rkey)
	}
	return ref, nil
}

// ErrBlueskyThreadIncomplete says a lookup found the post but not its whole thread.
var ErrBlueskyThreadIncomplete = errors.New("the thread is incomplete")

// Lookup reads the post's derived key: absent is a confirmed "not published"; present and the
// same post (when p carries its text) is found, with the thread's parts. A thread found only in
// part is an error, so the engine resends (safe: the present parts are answered unchanged).
func (b *Bluesky) Lookup(ctx context.Context, p *Publication) (*Result, bool, error) {
	rkey0, err := BlueskyTID(p, 0)
	if err != nil {
		return nil, false, err
	}
	ref, value, found, err := b.getRecord(ctx, rkey0)
	if err != nil || !found {
		return nil, false, err
	}
	if p.Text != "" {
		var rec struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(value, &rec) != nil || rec.Text != p.Text {
			return nil, false, Permanent("bluesky %s: record %s: a different post has the record key of %s", b.channel, rkey0, p.Address)
		}
	}
	res := &Result{RemoteID: ref.URI, URL: b.postURL(rkey0), At: b.now()}
	for i := range p.Thread {
		rkey, _ := BlueskyTID(p, i+1)
		pref, _, ok, err := b.getRecord(ctx, rkey)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, fmt.Errorf("bluesky %s: %s: %w: %d of %d parts are there", b.channel, p.Address, ErrBlueskyThreadIncomplete, i, len(p.Thread))
		}
		res.Thread = append(res.Thread, pref.URI)
	}
	return res, true, nil
}
