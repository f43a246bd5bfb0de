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
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
)

// The webhook provider POSTs one signed JSON document per publication.
//
// Exactly once: the delivery id is the publication's Key, the same on every attempt and in every
// run, sent as the body's "id", as X-Postctl-Delivery and as the Standard Webhooks webhook-id; a
// receiver deduplicates on it. The body is byte-identical on every attempt for the same publication
// (even from another process): "sent_at" is the publication's publish_at, not the wall clock, and
// the time of each attempt travels only in the webhook-timestamp header, which the Standard
// Webhooks signature covers. Because a resend is safe, the webhook is a Resender; it cannot be
// asked what it received, so Lookup answers ErrNoLookup.
//
// Signatures (when a secret is set): X-Hub-Signature-256 as GitHub sends it, "sha256=" + hex
// HMAC-SHA256(secret, body); and Standard Webhooks' webhook-signature, "v1," + base64
// HMAC-SHA256(key, id + "." + timestamp + "." + body), where key is the secret, or, for a secret
// written as Standard Webhooks prints them ("whsec_" + base64), the bytes it encodes. The secret
// and the URL's path and query (which often carry a token, as Slack's do) never appear in errors.

// ErrNoLookup says the provider cannot ask the platform whether a publication exists.
var ErrNoLookup = errors.New("the platform cannot be asked whether a publication exists")

// WebhookConfig configures a webhook channel. The caller resolves URL from url or url_env and
// Secret from secret_env.
type WebhookConfig struct {
	Channel   string
	URL       string
	Secret    []byte // empty: deliveries are not signed
	AllowHTTP bool
	Timeout   time.Duration // per attempt; 0: 30s
	Client    *http.Client  // nil: a default client; redirects are never followed
	Now       func() time.Time
}

// Webhook is the webhook provider.
type Webhook struct {
	channel string
	url     string
	where   string // scheme://host, for messages
	secret  []byte
	swKey   []byte // Standard Webhooks signing key
	timeout time.Duration
	client  *http.Client
	now     func() time.Time

	mu    sync.Mutex
	first map[string]time.Time // sent_at for publications without publish_at, by Key
}

// DefaultWebhookTimeout bounds one attempt when the channel sets no timeout.
const DefaultWebhookTimeout = 30 * time.Second

// maxWebhookResponse bounds how much of a response is read.
const maxWebhookResponse = 1 << 20

// NewWebhook checks cfg and returns the provider.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	name := cfg.Channel
	if name == "" {
		name = "webhook"
	}
	if strings.TrimSpace(cfg.URL) == "" {
		return nil, fmt.Errorf("channel %s: the webhook url is empty", name)
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url.Parse quotes the URL in its error; it may hold a token.
		return nil, fmt.Errorf("channel %s: the webhook url is not a valid URL", name)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !cfg.AllowHTTP {
			return nil, fmt.Errorf("channel %s: the webhook url uses http://; only https:// is allowed unless the channel sets allow_http: true", name)
		}
	default:
		return nil, fmt.Errorf("channel %s: the webhook url must start with https://", name)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("channel %s: the webhook url has no host", name)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("channel %s: the webhook timeout is negative", name)
	}
	w := &Webhook{
		channel: cfg.Channel,
		url:     u.String(),
		where:   u.Scheme + "://" + u.Host,
		timeout: cfg.Timeout,
		now:     cfg.Now,
		first:   map[string]time.Time{},
	}
	if w.timeout == 0 {
		w.timeout = DefaultWebhookTimeout
	}
	if w.now == nil {
		w.now = time.Now
	}
	if len(cfg.Secret) > 0 {
		w.secret = bytes.Clone(cfg.Secret)
		w.swKey = w.secret
		if s, ok := strings.CutPrefix(string(cfg.Secret), "whsec_"); ok {
			if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) > 0 {
				w.swKey = k
			}
		}
	}
	client := &http.Client{}
	if cfg.Client != nil {
		c := *cfg.Client
		client = &c
	}
	// A redirected POST becomes a GET, and could leave https; a webhook that moved is a
	// configuration error to fix, not something to follow.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	w.client = client
	return w, nil
}

// WebhookFor builds the provider of the webhook channel ch of calendar.yaml (file, for messages):
// the URL from url or the variable url_env names, the secret from the variable secret_env names.
// Messages name the variables, never their values.
func WebhookFor(file, channel string, ch calendar.Channel, getenv func(string) string, now func() time.Time) (Provider, error) {
	cfg := WebhookConfig{Channel: channel, URL: ch.URL.Value, AllowHTTP: ch.AllowHTTP, Now: now}
	at := ch.URL.Pos
	if ch.URLEnv.Value != "" {
		cfg.URL, at = getenv(ch.URLEnv.Value), ch.URLEnv.Pos
		if cfg.URL == "" {
			return nil, fmt.Errorf("%s:%d:%d: channel %s: the environment variable %s (url_env) is not set", file, at.Line, at.Col, channel, ch.URLEnv.Value)
		}
	}
	if ch.SecretEnv.Value != "" {
		secret := getenv(ch.SecretEnv.Value)
		if secret == "" {
			p := ch.SecretEnv.Pos
			return nil, fmt.Errorf("%s:%d:%d: channel %s: the environment variable %s (secret_env) is not set", file, p.Line, p.Col, channel, ch.SecretEnv.Value)
		}
		cfg.Secret = []byte(secret)
	}
	var err error
	if cfg.Timeout, err = channelTimeout(file, channel, ch); err != nil {
		return nil, err
	}
	w, err := NewWebhook(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %w", file, at.Line, at.Col, err)
	}
	return w, nil
}

var (
	_ Provider = (*Webhook)(nil)
	_ Resender = (*Webhook)(nil)
)

// SafeToResend is true: the receiver deduplicates on the delivery id.
func (w *Webhook) SafeToResend() bool { return true }

// Lookup cannot ask a webhook anything: it answers ErrNoLookup, never "not found".
func (w *Webhook) Lookup(ctx context.Context, p *Publication) (*Result, bool, error) {
	return nil, false, fmt.Errorf("webhook %s: %w", w.channel, ErrNoLookup)
}

type webhookMedia struct {
	Path   string `json:"path"`
	Alt    string `json:"alt"`
	SHA256 string `json:"sha256,omitempty"`
}

type webhookPart struct {
	Text  string         `json:"text"`
	Media []webhookMedia `json:"media"`
}

type webhookBody struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	Channel   string         `json:"channel"`
	Address   string         `json:"address"`
	Post      string         `json:"post"`
	Text      string         `json:"text"`
	Thread    []webhookPart  `json:"thread"`
	Media     []webhookMedia `json:"media"`
	PublishAt string         `json:"publish_at,omitempty"`
	SentAt    string         `json:"sent_at"`
}

// WebhookEventType is the body's "type".
const WebhookEventType = "post.published"

func webhookMediaOf(ms []Media) []webhookMedia {
	out := make([]webhookMedia, 0, len(ms))
	for _, m := range ms {
		wm := webhookMedia{Path: m.Path, Alt: m.Alt}
		if m.Data != nil {
			sum := sha256.Sum256(m.Data)
			wm.SHA256 = hex.EncodeToString(sum[:])
		}
		out = append(out, wm)
	}
	return out
}

// Payload is the body delivered for p: the same bytes on every call for the same publication.
func (w *Webhook) Payload(p *Publication) ([]byte, error) {
	if p == nil || p.Key == "" {
		return nil, errors.New("webhook: the publication has no key")
	}
	channel := p.Channel
	if channel == "" {
		channel = w.channel
	}
	b := webhookBody{
		ID:      p.Key,
		Type:    WebhookEventType,
		Channel: channel,
		Address: p.Address,
		Post:    p.Post,
		Text:    p.Text,
		Thread:  make([]webhookPart, 0, len(p.Thread)),
		Media:   webhookMediaOf(p.Media),
	}
	for _, t := range p.Thread {
		b.Thread = append(b.Thread, webhookPart{Text: t.Text, Media: webhookMediaOf(t.Media)})
	}
	if !p.At.IsZero() {
		b.PublishAt = p.At.UTC().Format(time.RFC3339)
		b.SentAt = b.PublishAt
	} else {
		// Without publish_at, the first attempt's time, kept for this process's retries.
		w.mu.Lock()
		t, ok := w.first[p.Key]
		if !ok {
			t = w.now().UTC().Truncate(time.Second)
			w.first[p.Key] = t
		}
		w.mu.Unlock()
		b.SentAt = t.Format(time.RFC3339)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("webhook %s: %w", w.channel, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SignHub is the X-Hub-Signature-256 value for body.
func SignHub(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// SignStandard is the Standard Webhooks webhook-signature value for id, timestamp and body.
func SignStandard(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Publish delivers p. The whole thread and its media descriptions travel in the one delivery, so
// p.Done does not matter here.
func (w *Webhook) Publish(ctx context.Context, p *Publication) (*Result, error) {
	body, err := w.Payload(p)
	if err != nil {
		return nil, err
	}
	id := p.Key
	actx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhook %s: cannot build the request to %s", w.channel, w.where)
	}
	ts := w.now().Unix()
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent())
	h.Set("X-Postctl-Delivery", id)
	h.Set("X-Postctl-Event", WebhookEventType)
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	if len(w.secret) > 0 {
		h.Set("X-Hub-Signature-256", SignHub(w.secret, body))
		h.Set("webhook-signature", SignStandard(w.swKey, id, ts, body))
	}

	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// The caller gave up (shutdown); whether the receiver got it is unknown.
			return nil, fmt.Errorf("webhook %s: delivery %s to %s: %w", w.channel, id, w.where, ctx.Err())
		}
		why := transportError(err)
		if errors.Is(actx.Err(), context.DeadlineExceeded) {
			why = fmt.Sprintf("no answer within %s", w.timeout)
		}
		return nil, &RetryableError{Err: fmt.Errorf("webhook %s: delivery %s to %s: %s", w.channel, id, w.where, why)}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxWebhookResponse))

	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		// The status is the receiver's word; a body cut short by the timeout changes nothing.
		res := &Result{RemoteID: id, At: w.now()}
		var answer struct {
			ID  json.RawMessage `json:"id"`
			URL string          `json:"url"`
		}
		if json.Unmarshal(data, &answer) == nil {
			if rid := rawID(answer.ID); rid != "" {
				res.RemoteID = rid
			}
			res.URL = answer.URL
		}
		for i := range p.Thread {
			// The thread travels in the one delivery; its parts have no ids of their own.
			res.Thread = append(res.Thread, res.RemoteID+"/"+strconv.Itoa(i+1))
		}
		return res, nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return nil, &RetryableError{
			Err:   fmt.Errorf("webhook %s: delivery %s to %s: %s%s", w.channel, id, w.where, resp.Status, snippet(data)),
			After: retryAfter(resp.Header.Get("Retry-After"), w.now()),
		}
	case code >= 300 && code < 400:
		return nil, Permanent("webhook %s: delivery %s to %s: %s (redirects are not followed; set the new URL)", w.channel, id, w.where, resp.Status)
	default:
		return nil, Permanent("webhook %s: delivery %s to %s: %s%s", w.channel, id, w.where, resp.Status, snippet(data))
	}
}

// rawID reads an "id" that is a JSON string or number.
func rawID(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// transportError describes err without the URL the http package puts in it.
func transportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// snippet is the start of a response body, for an error message.
func snippet(data []byte) string {
	s := strings.TrimSpace(string(data))
	if s == "" || !utf8.ValidString(s) {
		return ""
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return ": " + s
}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date. 0 when absent or unusable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > 7*24*3600 {
			n = 7 * 24 * 3600
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func userAgent() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "postctl/" + v
}
