package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/social"
)

// The mastodon provider posts statuses through the Mastodon client API.
//
// Exactly once: every POST /api/v1/statuses carries Idempotency-Key: the publication's Key (a
// thread's part n: Key + "#n"). The server remembers a key for about an hour per account, some
// versions answer a repeat with 500, servers such as snac2 ignore it, and it is ignored for
// scheduled posts. So the key is only a help: whenever an attempt's outcome is unknown (the
// connection dropped, a timeout, a 5xx), the provider lists the account's recent statuses and
// matches the text before it posts that part again, in this process (a later Publish of the same
// key, which the engine's retries make) and in the next run (the engine's Lookup). A repeat
// therefore never depends on the server still remembering the key, whatever its age.
// (net/http would by itself replay a POST that carries Idempotency-Key on a reused connection that
// closed; the provider turns that off, so every repeat goes through the lookup.)
//
// Matching: a status's HTML content is reduced to text (tags stripped, entities unescaped,
// <br> and paragraph breaks as newlines, whitespace collapsed) and compared with the
// publication's text reduced the same way (remote mentions @user@domain as @user, since that is
// how the HTML shows them); a thread part must also reply to the part before it.
// The listing goes back at most 200 statuses and no further than a day before publish_at.
//
// Threads: parts go in order, each with in_reply_to_id of the one before, and stop at the first
// failure with the parts already out in the Result. A Lookup that finds a thread's first statuses
// but not all of them answers "not found" and remembers the parts it found, so the Publish that
// follows continues the thread instead of posting its start again.
//
// Media: POST /api/v2/media with the description (alt text), then, on 202, GET /api/v1/media/:id
// every PollInterval until the url is set, before the status that attaches it.
//
// Native scheduling (scheduling: native): Schedule posts with scheduled_at and records the
// ScheduledStatus as "scheduled:<id>"; Reschedule PUTs scheduled_at; Cancel DELETEs (404: gone
// already, which is what was asked). Lookup then also searches the scheduled statuses.
//
// The character limit comes from GET /api/v2/instance (configuration.statuses.max_characters),
// asked once; a longer text is refused before anything is sent. Visibility is always sent. The
// token never appears in errors.

// MastodonConfig configures a mastodon channel. The caller resolves Token from access_token_env.
type MastodonConfig struct {
	Channel      string
	Server       string // https://host
	Token        []byte
	Visibility   string // public (default), unlisted, private, direct
	Language     string // ISO 639 code; empty: the server decides
	Native       bool   // scheduling: native: Lookup also searches the scheduled statuses
	Client       *http.Client
	Now          func() time.Time
	PollInterval time.Duration // media processing poll; 0: 1s
	MediaTimeout time.Duration // how long media may process; 0: 2 minutes
	Timeout      time.Duration // per request; 0: 30s
	AllowHTTP    bool          // allow http:// for a loopback server only (tests against a local server)
}

// Mastodon is the mastodon provider.
type Mastodon struct {
	channel      string
	base         string // scheme://host[:port], no trailing slash
	token        []byte
	visibility   string
	language     string
	native       bool
	client       *http.Client
	now          func() time.Time
	poll         time.Duration
	mediaTimeout time.Duration
	timeout      time.Duration

	mu        sync.Mutex
	account   string
	maxChars  int                       // 0: no known limit
	instance  bool                      // the instance was asked
	uncertain map[string]bool           // part keys whose last attempt may have gone through
	chains    map[string]threadProgress // by Key: an unfinished thread's published statuses
}

// NewMastodon checks cfg and returns the provider.
func NewMastodon(cfg MastodonConfig) (*Mastodon, error) {
	name := cfg.Channel
	if name == "" {
		name = "mastodon"
	}
	if strings.TrimSpace(cfg.Server) == "" {
		return nil, fmt.Errorf("channel %s: the mastodon server is empty", name)
	}
	u, err := url.Parse(strings.TrimSpace(cfg.Server))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("channel %s: the mastodon server is not a valid URL", name)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && cfg.AllowHTTP && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("channel %s: the mastodon server must start with https://", name)
	}
	if len(cfg.Token) == 0 {
		return nil, fmt.Errorf("channel %s: the mastodon access token is empty", name)
	}
	vis := cfg.Visibility
	switch vis {
	case "":
		vis = "public"
	case "public", "unlisted", "private", "direct":
	default:
		return nil, fmt.Errorf("channel %s: visibility %q is not public, unlisted, private or direct", name, vis)
	}
	m := &Mastodon{
		channel:      name,
		base:         u.Scheme + "://" + u.Host,
		token:        bytes.Clone(cfg.Token),
		visibility:   vis,
		language:     cfg.Language,
		native:       cfg.Native,
		now:          cfg.Now,
		poll:         cfg.PollInterval,
		mediaTimeout: cfg.MediaTimeout,
		timeout:      cfg.Timeout,
		uncertain:    map[string]bool{},
		chains:       map[string]threadProgress{},
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.poll <= 0 {
		m.poll = time.Second
	}
	if m.mediaTimeout <= 0 {
		m.mediaTimeout = 2 * time.Minute
	}
	if m.timeout <= 0 {
		m.timeout = 30 * time.Second
	}
	client := &http.Client{}
	if cfg.Client != nil {
		c := *cfg.Client
		client = &c
	}
	// A redirect could take the token elsewhere, or turn a POST into a GET.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	m.client = client
	return m, nil
}

// MastodonFor builds the provider of the mastodon channel ch of calendar.yaml (file, for
// messages): the server, the token from the variable access_token_env names, visibility,
// language and scheduling. Messages name the variable, never its value.
func MastodonFor(file, channel string, ch calendar.Channel, getenv func(string) string, now func() time.Time) (Provider, error) {
	cfg := MastodonConfig{Channel: channel, Server: ch.Server.Value, Visibility: ch.Visibility.Value,
		Language: ch.Language.Value, Native: ch.Scheduling.Value == "native", Now: now}
	at := ch.Server.Pos
	if ch.AccessTokenEnv.Value == "" {
		return nil, fmt.Errorf("%s:%d:%d: channel %s: access_token_env is not set", file, at.Line, at.Col, channel)
	}
	tok := getenv(ch.AccessTokenEnv.Value)
	if tok == "" {
		p := ch.AccessTokenEnv.Pos
		return nil, fmt.Errorf("%s:%d:%d: channel %s: the environment variable %s (access_token_env) is not set", file, p.Line, p.Col, channel, ch.AccessTokenEnv.Value)
	}
	cfg.Token = []byte(tok)
	var err error
	if cfg.Timeout, err = channelTimeout(file, channel, ch); err != nil {
		return nil, err
	}
	m, err := NewMastodon(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s:%d:%d: %w", file, at.Line, at.Col, err)
	}
	return m, nil
}

var (
	_ Provider  = (*Mastodon)(nil)
	_ Scheduler = (*Mastodon)(nil)
)

// mastodonStatus is what the API answers for a status or a scheduled status.
type mastodonStatus struct {
	ID          string  `json:"id"`
	URL         *string `json:"url"`
	URI         string  `json:"uri"`
	Content     string  `json:"content"`
	InReplyToID *string `json:"in_reply_to_id"`
	CreatedAt   string  `json:"created_at"`
	ScheduledAt string  `json:"scheduled_at"`
	Params      *struct {
		Text string `json:"text"`
	} `json:"params"`
}

func (s *mastodonStatus) url() string {
	if s.URL != nil {
		return *s.URL
	}
	return ""
}

// mastodonAnswer is one HTTP exchange's outcome.
type mastodonAnswer struct {
	code   int
	status string
	header http.Header
	body   []byte
}

// call makes one request. A transport failure is a *RetryableError; the answer's status is the
// caller's to judge.
func (m *Mastodon) call(ctx context.Context, method, p string, body io.Reader, contentType string, header map[string]string) (*mastodonAnswer, error) {
	actx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, m.base+p, body)
	if err != nil {
		return nil, fmt.Errorf("mastodon %s: cannot build the request %s %s", m.channel, method, p)
	}
	if body != nil {
		// Without GetBody, net/http never replays the request by itself on a reused connection
		// that closed: with an Idempotency-Key header it would otherwise resend a POST blind, and
		// a server that ignores the key (snac2) would post twice. Whether to send again is
		// decided here, after a lookup.
		req.GetBody = nil
	}
	req.Header.Set("Authorization", "Bearer "+string(m.token))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent())
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mastodon %s: %s %s at %s: %w", m.channel, method, p, m.base, ctx.Err())
		}
		why := transportError(err)
		if errors.Is(actx.Err(), context.DeadlineExceeded) {
			why = fmt.Sprintf("no answer within %s", m.timeout)
		}
		return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: %s %s at %s: %s", m.channel, method, p, m.base, why)}
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if rerr != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// The server acted, but its answer was cut short: the outcome is unknown.
		return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: %s %s at %s: the answer was cut short: %s", m.channel, method, p, m.base, transportError(rerr))}
	}
	return &mastodonAnswer{code: resp.StatusCode, status: resp.Status, header: resp.Header, body: data}, nil
}

// refusal classifies a non-2xx answer: 408, 429 and 5xx are retryable (429 after Retry-After or
// X-RateLimit-Reset); anything else is permanent, with the server's "error" message.
func (m *Mastodon) refusal(what string, a *mastodonAnswer) error {
	msg := ""
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(a.body, &e) == nil && e.Error != "" {
		msg = ": " + e.Error
		if e.Description != "" {
			msg += " (" + e.Description + ")"
		}
	} else {
		msg = snippet(a.body)
		if strings.HasPrefix(strings.TrimSpace(string(a.body)), "<") {
			msg = "" // an HTML error page says nothing useful
		}
	}
	err := fmt.Errorf("mastodon %s: %s: %s%s", m.channel, what, a.status, msg)
	switch {
	case a.code == http.StatusTooManyRequests:
		return &RetryableError{Err: err, After: m.rateLimitWait(a.header)}
	case a.code == http.StatusRequestTimeout || a.code >= 500:
		return &RetryableError{Err: err, After: retryAfter(a.header.Get("Retry-After"), m.now())}
	default:
		return fmt.Errorf("%w: %s%s", ErrPermanent, fmt.Sprintf("mastodon %s: %s: %s", m.channel, what, a.status), msg)
	}
}

// rateLimitWait is how long a 429 asks to wait: Retry-After, else X-RateLimit-Reset (an ISO
// 8601 time).
func (m *Mastodon) rateLimitWait(h http.Header) time.Duration {
	if d := retryAfter(h.Get("Retry-After"), m.now()); d > 0 {
		return d
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			if d := t.Sub(m.now()); d > 0 {
				if d > 24*time.Hour {
					d = 24 * time.Hour
				}
				return d.Round(time.Second) + time.Second
			}
		}
	}
	return 0
}

func ok2xx(code int) bool { return code >= 200 && code < 300 }

// limits asks the instance for its character limit once and refuses a text above it.
func (m *Mastodon) limits(ctx context.Context, texts []string) error {
	m.mu.Lock()
	asked := m.instance
	m.mu.Unlock()
	if !asked {
		a, err := m.call(ctx, http.MethodGet, "/api/v2/instance", nil, "", nil)
		if err != nil {
			return err
		}
		switch {
		case ok2xx(a.code):
			var inst struct {
				Configuration struct {
					Statuses struct {
						MaxCharacters int `json:"max_characters"`
					} `json:"statuses"`
				} `json:"configuration"`
			}
			if json.Unmarshal(a.body, &inst) == nil {
				m.mu.Lock()
				m.maxChars = inst.Configuration.Statuses.MaxCharacters
				m.mu.Unlock()
			}
		case a.code == http.StatusTooManyRequests || a.code >= 500 || a.code == http.StatusRequestTimeout:
			return m.refusal("GET /api/v2/instance", a)
		default:
			// A server without v2 instance (older Mastodon, some compatible servers): it enforces
			// its own limit when the status is posted.
		}
		m.mu.Lock()
		m.instance = true
		m.mu.Unlock()
	}
	m.mu.Lock()
	limit := m.maxChars
	m.mu.Unlock()
	if limit <= 0 {
		return nil
	}
	counter := social.Named("mastodon")
	for i, t := range texts {
		if n := counter.Count(t); n > limit {
			which := "the text"
			if i > 0 {
				which = fmt.Sprintf("thread part %d", i)
			}
			return Permanent("mastodon %s: %s is %d characters, above the instance's limit of %d", m.channel, which, n, limit)
		}
	}
	return nil
}

// partKey is the Idempotency-Key of part i (0: the post itself).
func partKey(key string, i int) string {
	if i == 0 {
		return key
	}
	return key + "#" + strconv.Itoa(i)
}

type mastodonPart struct {
	text  string
	media []Media
}

func partsOf(p *Publication) []mastodonPart {
	out := []mastodonPart{{p.Text, p.Media}}
	for _, t := range p.Thread {
		out = append(out, mastodonPart{t.Text, t.Media})
	}
	return out
}

// Publish posts p and its thread in order, resuming after the parts already out.
func (m *Mastodon) Publish(ctx context.Context, p *Publication) (*Result, error) {
	if p == nil || p.Key == "" {
		return nil, errors.New("mastodon: the publication has no key")
	}
	parts := partsOf(p)
	texts := make([]string, len(parts))
	for i, pt := range parts {
		texts[i] = pt.text
	}
	if err := m.limits(ctx, texts); err != nil {
		return nil, err
	}

	res := &Result{At: m.now()}
	m.mu.Lock()
	progress := m.chains[p.Key]
	m.mu.Unlock()
	chain, rootURL := append([]string(nil), progress.ids...), progress.url
	if len(p.Done) > 0 && len(p.Done)+1 > len(chain) {
		// An earlier run published the post and len(p.Done) parts. The root's id is the first
		// part's in_reply_to_id.
		root := ""
		if len(chain) > 0 {
			root = chain[0]
		} else {
			st, err := m.status(ctx, p.Done[0])
			if err != nil {
				return nil, err
			}
			if st.InReplyToID != nil {
				root = *st.InReplyToID
			}
		}
		chain = append([]string{root}, p.Done...)
	}
	if len(chain) > len(parts) {
		chain = chain[:len(parts)]
	}
	if len(chain) > 0 && rootURL == "" && chain[0] != "" {
		// The post's URL is what the state shows and links to; it is only in the root's status.
		if st, err := m.status(ctx, chain[0]); err == nil {
			rootURL = st.url()
		}
	}
	prev := ""
	if len(chain) > 0 {
		res.RemoteID, res.URL = chain[0], rootURL
		res.Thread = append(res.Thread, chain[1:]...)
		prev = chain[len(chain)-1]
	}
	for i := len(chain); i < len(parts); i++ {
		st, err := m.publishPart(ctx, p, i, parts[i], prev)
		if err != nil {
			if i == 0 {
				return nil, err
			}
			m.remember(p.Key, res)
			return res, err
		}
		if i == 0 {
			res.RemoteID, res.URL = st.ID, st.url()
		} else {
			res.Thread = append(res.Thread, st.ID)
		}
		prev = st.ID
	}
	m.mu.Lock()
	delete(m.chains, p.Key)
	m.mu.Unlock()
	return res, nil
}

// threadProgress is what of a thread is already out: the statuses' ids, root first, and the
// root's URL.
type threadProgress struct {
	ids []string
	url string
}

// remember keeps a thread's progress for the next Publish of the same key in this process.
func (m *Mastodon) remember(key string, res *Result) {
	if res == nil || res.RemoteID == "" {
		return
	}
	m.mu.Lock()
	m.chains[key] = threadProgress{ids: append([]string{res.RemoteID}, res.Thread...), url: res.URL}
	m.mu.Unlock()
}

// publishPart posts one status. When an earlier attempt at the same part may have gone through,
// it first looks for it among the account's statuses.
func (m *Mastodon) publishPart(ctx context.Context, p *Publication, i int, part mastodonPart, replyTo string) (*mastodonStatus, error) {
	key := partKey(p.Key, i)
	m.mu.Lock()
	unsure := m.uncertain[key]
	m.mu.Unlock()
	if unsure {
		list, err := m.recent(ctx, p.At)
		if err != nil {
			return nil, err
		}
		if st := match(list, part.text, replyTo, i == 0); st != nil {
			m.setUncertain(key, false)
			return st, nil
		}
	}
	ids, err := m.uploadAll(ctx, part.media)
	if err != nil {
		return nil, err
	}
	form := m.form(part.text, ids)
	if replyTo != "" {
		form.Set("in_reply_to_id", replyTo)
	}
	what := "POST /api/v1/statuses"
	a, err := m.postStatus(ctx, what, form, key, key)
	if err != nil {
		return nil, err
	}
	var st mastodonStatus
	if err := json.Unmarshal(a.body, &st); err != nil || st.ID == "" {
		m.setUncertain(key, true)
		return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: %s: %s with an answer that is not a status", m.channel, what, a.status)}
	}
	m.setUncertain(key, false)
	return &st, nil
}

// postStatus POSTs a status with an Idempotency-Key. An outcome that may hide a created status (no
// answer, 408, a 5xx: some servers answer a repeated key with 500) marks uncertain, so the next
// attempt lists the account's statuses before it posts again.
func (m *Mastodon) postStatus(ctx context.Context, what string, form url.Values, idempotencyKey, uncertain string) (*mastodonAnswer, error) {
	a, err := m.call(ctx, http.MethodPost, "/api/v1/statuses", strings.NewReader(form.Encode()),
		"application/x-www-form-urlencoded", map[string]string{"Idempotency-Key": idempotencyKey})
	if err != nil {
		m.setUncertain(uncertain, true)
		return nil, err
	}
	if !ok2xx(a.code) {
		if a.code >= 500 || a.code == http.StatusRequestTimeout {
			m.setUncertain(uncertain, true)
		}
		return nil, m.refusal(what, a)
	}
	return a, nil
}

func (m *Mastodon) setUncertain(key string, v bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v {
		m.uncertain[key] = true
	} else {
		delete(m.uncertain, key)
	}
}

// form is a status's fields: visibility always, language when set.
func (m *Mastodon) form(text string, mediaIDs []string) url.Values {
	f := url.Values{}
	f.Set("status", text)
	f.Set("visibility", m.visibility)
	if m.language != "" {
		f.Set("language", m.language)
	}
	for _, id := range mediaIDs {
		f.Add("media_ids[]", id)
	}
	return f
}

// status reads one status.
func (m *Mastodon) status(ctx context.Context, id string) (*mastodonStatus, error) {
	what := "GET /api/v1/statuses/" + url.PathEscape(id)
	a, err := m.call(ctx, http.MethodGet, "/api/v1/statuses/"+url.PathEscape(id), nil, "", nil)
	if err != nil {
		return nil, err
	}
	if !ok2xx(a.code) {
		return nil, m.refusal(what, a)
	}
	var st mastodonStatus
	if err := json.Unmarshal(a.body, &st); err != nil {
		return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: %s: the answer is not a status", m.channel, what)}
	}
	return &st, nil
}

// uploadAll uploads media in order and waits until each is processed.
func (m *Mastodon) uploadAll(ctx context.Context, media []Media) ([]string, error) {
	var ids []string
	for _, md := range media {
		id, err := m.upload(ctx, md)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (m *Mastodon) upload(ctx context.Context, md Media) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	name := path.Base(md.Path)
	if name == "." || name == "/" || name == "" {
		name = "media"
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		return "", err
	}
	fw.Write(md.Data)
	if md.Alt != "" {
		mw.WriteField("description", md.Alt)
	}
	mw.Close()
	what := "POST /api/v2/media (" + name + ")"
	a, err := m.call(ctx, http.MethodPost, "/api/v2/media", &buf, mw.FormDataContentType(), nil)
	if err != nil {
		return "", err
	}
	if !ok2xx(a.code) {
		return "", m.refusal(what, a)
	}
	var att struct {
		ID  string  `json:"id"`
		URL *string `json:"url"`
	}
	if err := json.Unmarshal(a.body, &att); err != nil || att.ID == "" {
		return "", &RetryableError{Err: fmt.Errorf("mastodon %s: %s: the answer is not a media attachment", m.channel, what)}
	}
	if a.code == http.StatusOK && att.URL != nil && *att.URL != "" {
		return att.ID, nil
	}
	// 202: processing; poll until the url is set.
	deadline := time.Now().Add(m.mediaTimeout)
	for {
		t := time.NewTimer(m.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", ctx.Err()
		case <-t.C:
		}
		a, err := m.call(ctx, http.MethodGet, "/api/v1/media/"+url.PathEscape(att.ID), nil, "", nil)
		if err != nil {
			return "", err
		}
		if !ok2xx(a.code) {
			return "", m.refusal("GET /api/v1/media/"+att.ID, a)
		}
		var got struct {
			URL *string `json:"url"`
		}
		if a.code == http.StatusOK && json.Unmarshal(a.body, &got) == nil && got.URL != nil && *got.URL != "" {
			return att.ID, nil
		}
		if time.Now().After(deadline) {
			return "", &RetryableError{Err: fmt.Errorf("mastodon %s: media %s still processing after %s", m.channel, name, m.mediaTimeout)}
		}
	}
}

// accountID is the token's account, asked once.
func (m *Mastodon) accountID(ctx context.Context) (string, error) {
	m.mu.Lock()
	id := m.account
	m.mu.Unlock()
	if id != "" {
		return id, nil
	}
	what := "GET /api/v1/accounts/verify_credentials"
	a, err := m.call(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", nil, "", nil)
	if err != nil {
		return "", err
	}
	if !ok2xx(a.code) {
		return "", m.refusal(what, a)
	}
	var acct struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.body, &acct); err != nil || acct.ID == "" {
		return "", &RetryableError{Err: fmt.Errorf("mastodon %s: %s: the answer is not an account", m.channel, what)}
	}
	m.mu.Lock()
	m.account = acct.ID
	m.mu.Unlock()
	return acct.ID, nil
}

// Lookup limits: statuses read per page and in all.
const (
	mastodonPage      = 40
	mastodonMaxRecent = 200
)

// recent lists the account's statuses, newest first: up to 200, and none created more than a day
// before at (when set).
func (m *Mastodon) recent(ctx context.Context, at time.Time) ([]mastodonStatus, error) {
	id, err := m.accountID(ctx)
	if err != nil {
		return nil, err
	}
	var since time.Time
	if !at.IsZero() {
		since = at.Add(-24 * time.Hour)
	}
	var out []mastodonStatus
	maxID := ""
	for len(out) < mastodonMaxRecent {
		q := url.Values{"limit": {strconv.Itoa(mastodonPage)}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		p := "/api/v1/accounts/" + url.PathEscape(id) + "/statuses?" + q.Encode()
		a, err := m.call(ctx, http.MethodGet, p, nil, "", nil)
		if err != nil {
			return nil, err
		}
		if !ok2xx(a.code) {
			return nil, m.refusal("GET /api/v1/accounts/:id/statuses", a)
		}
		var page []mastodonStatus
		if err := json.Unmarshal(a.body, &page); err != nil {
			return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: the account's statuses are not a list of statuses", m.channel)}
		}
		old := false
		for _, st := range page {
			if !since.IsZero() {
				if t, err := time.Parse(time.RFC3339Nano, st.CreatedAt); err == nil && t.Before(since) {
					old = true
					continue
				}
			}
			out = append(out, st)
		}
		if len(page) == 0 || old || page[len(page)-1].ID == maxID {
			break
		}
		maxID = page[len(page)-1].ID
	}
	return out, nil
}

// match finds the oldest status in list with text whose reply target is replyTo ("" and root:
// not a reply).
func match(list []mastodonStatus, text, replyTo string, root bool) *mastodonStatus {
	want := NormalizeStatusText(text)
	var found *mastodonStatus
	for i := range list {
		st := &list[i]
		if NormalizeStatusHTML(st.Content) != want {
			continue
		}
		switch {
		case replyTo != "":
			if st.InReplyToID == nil || *st.InReplyToID != replyTo {
				continue
			}
		case root:
			if st.InReplyToID != nil && *st.InReplyToID != "" {
				continue
			}
		}
		found = st // newest first: the last match is the oldest
	}
	return found
}

var (
	reBreak = regexp.MustCompile(`(?i)<br\s*/?>|</p>\s*<p[^>]*>`)
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reSpace = regexp.MustCompile(`[ \t\r\f\v\x{00a0}]+`)
	reLines = regexp.MustCompile(`\s*\n\s*`)
	// A remote mention, @user@domain in the text, is shown as @user in the status's content.
	reMention = regexp.MustCompile(`(^|[^\w@])@(\w+)@[\w.-]*\w`)
)

// NormalizeStatusHTML reduces a status's HTML content to comparable text: <br> and paragraph
// breaks become newlines, other tags go (a link's hidden spans keep their text, so the whole URL
// is back), entities are unescaped, and whitespace is collapsed as NormalizeStatusText does.
func NormalizeStatusHTML(s string) string {
	s = reBreak.ReplaceAllString(s, "\n")
	s = reTag.ReplaceAllString(s, "")
	return NormalizeStatusText(html.UnescapeString(s))
}

// NormalizeStatusText collapses a plain text's whitespace (runs of spaces become one, spaces
// around newlines and blank lines go, the ends are trimmed) and shortens remote mentions
// @user@domain to @user, as the server's HTML shows them.
func NormalizeStatusText(s string) string {
	s = reMention.ReplaceAllString(s, "$1@$2")
	s = reSpace.ReplaceAllString(s, " ")
	s = reLines.ReplaceAllString(s, "\n")
	return strings.TrimSpace(s)
}

// Lookup looks for p among the account's recent statuses (and, with native scheduling, its
// scheduled statuses). A thread counts as found when all its parts are there; when only its start
// is, Lookup answers not found and the next Publish continues after the parts found.
func (m *Mastodon) Lookup(ctx context.Context, p *Publication) (*Result, bool, error) {
	if p == nil || p.Key == "" {
		return nil, false, errors.New("mastodon: the publication has no key")
	}
	if p.Text == "" && len(p.Media) == 0 {
		return nil, false, fmt.Errorf("mastodon %s: cannot look up %s: its text is no longer known (the calendar changed), and statuses are matched by their text", m.channel, p.Address)
	}
	list, err := m.recent(ctx, p.At)
	if err != nil {
		return nil, false, err
	}
	parts := partsOf(p)
	var chain []string
	res := &Result{}
	prev := ""
	for i, pt := range parts {
		// A part recorded as done is taken as it is.
		if i > 0 && i-1 < len(p.Done) {
			chain = append(chain, p.Done[i-1])
			prev = p.Done[i-1]
			continue
		}
		st := match(list, pt.text, prev, i == 0)
		if st == nil {
			break
		}
		if i == 0 {
			res.RemoteID, res.URL, res.At = st.ID, st.url(), parseTime(st.CreatedAt)
		}
		chain = append(chain, st.ID)
		prev = st.ID
	}
	if len(chain) == len(parts) {
		res.Thread = chain[1:]
		if len(res.Thread) == 0 {
			res.Thread = nil
		}
		return res, true, nil
	}
	if len(chain) > 0 {
		m.mu.Lock()
		m.chains[p.Key] = threadProgress{ids: chain, url: res.URL}
		m.mu.Unlock()
		return nil, false, nil
	}
	if m.native {
		st, err := m.findScheduled(ctx, p.Text)
		if err != nil {
			return nil, false, err
		}
		if st != nil {
			return &Result{RemoteID: "scheduled:" + st.ID, At: parseTime(st.ScheduledAt)}, true, nil
		}
	}
	return nil, false, nil
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// findScheduled looks for a scheduled status with text.
func (m *Mastodon) findScheduled(ctx context.Context, text string) (*mastodonStatus, error) {
	want := NormalizeStatusText(text)
	maxID := ""
	for n := 0; n < 300; {
		q := url.Values{"limit": {strconv.Itoa(mastodonPage)}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		a, err := m.call(ctx, http.MethodGet, "/api/v1/scheduled_statuses?"+q.Encode(), nil, "", nil)
		if err != nil {
			return nil, err
		}
		if !ok2xx(a.code) {
			return nil, m.refusal("GET /api/v1/scheduled_statuses", a)
		}
		var page []mastodonStatus
		if err := json.Unmarshal(a.body, &page); err != nil {
			return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: the scheduled statuses are not a list", m.channel)}
		}
		for i := range page {
			if page[i].Params != nil && NormalizeStatusText(page[i].Params.Text) == want {
				return &page[i], nil
			}
		}
		n += len(page)
		if len(page) < mastodonPage || page[len(page)-1].ID == maxID {
			break
		}
		maxID = page[len(page)-1].ID
	}
	return nil, nil
}

// Schedule posts p with scheduled_at. The server ignores Idempotency-Key for scheduled posts, so
// after an attempt whose outcome is unknown the scheduled statuses are searched first.
func (m *Mastodon) Schedule(ctx context.Context, p *Publication) (*Result, error) {
	if p == nil || p.Key == "" {
		return nil, errors.New("mastodon: the publication has no key")
	}
	if len(p.Thread) > 0 {
		return nil, Permanent("mastodon %s: a thread cannot be scheduled natively", m.channel)
	}
	if err := m.limits(ctx, []string{p.Text}); err != nil {
		return nil, err
	}
	key := "schedule:" + p.Key
	m.mu.Lock()
	unsure := m.uncertain[key]
	m.mu.Unlock()
	if unsure {
		st, err := m.findScheduled(ctx, p.Text)
		if err != nil {
			return nil, err
		}
		if st != nil {
			m.setUncertain(key, false)
			return &Result{RemoteID: "scheduled:" + st.ID, At: p.At}, nil
		}
	}
	ids, err := m.uploadAll(ctx, p.Media)
	if err != nil {
		return nil, err
	}
	form := m.form(p.Text, ids)
	form.Set("scheduled_at", p.At.UTC().Format(time.RFC3339))
	what := "POST /api/v1/statuses (scheduled)"
	a, err := m.postStatus(ctx, what, form, p.Key, key)
	if err != nil {
		return nil, err
	}
	m.setUncertain(key, false)
	var st mastodonStatus
	if err := json.Unmarshal(a.body, &st); err != nil || st.ID == "" {
		return nil, &RetryableError{Err: fmt.Errorf("mastodon %s: %s: %s with an answer that is not a scheduled status", m.channel, what, a.status)}
	}
	if st.URI != "" || st.Params == nil && st.ScheduledAt == "" {
		// The server published it at once (a time too close, on some servers).
		return &Result{RemoteID: st.ID, URL: st.url(), At: m.now()}, nil
	}
	return &Result{RemoteID: "scheduled:" + st.ID, At: p.At}, nil
}

func scheduledID(channel, remoteID string) (string, error) {
	id, ok := strings.CutPrefix(remoteID, "scheduled:")
	if !ok || id == "" {
		return "", Permanent("mastodon %s: %q is not a scheduled status", channel, remoteID)
	}
	return id, nil
}

// Reschedule moves the scheduled status remoteID to p.At.
func (m *Mastodon) Reschedule(ctx context.Context, p *Publication, remoteID string) (*Result, error) {
	id, err := scheduledID(m.channel, remoteID)
	if err != nil {
		return nil, err
	}
	form := url.Values{"scheduled_at": {p.At.UTC().Format(time.RFC3339)}}
	what := "PUT /api/v1/scheduled_statuses/" + id
	a, err := m.call(ctx, http.MethodPut, "/api/v1/scheduled_statuses/"+url.PathEscape(id), strings.NewReader(form.Encode()),
		"application/x-www-form-urlencoded", nil)
	if err != nil {
		return nil, err
	}
	if a.code == http.StatusNotFound {
		return nil, Permanent("mastodon %s: %s: the scheduled status is gone (published or deleted)", m.channel, what)
	}
	if !ok2xx(a.code) {
		return nil, m.refusal(what, a)
	}
	return &Result{RemoteID: remoteID, At: p.At}, nil
}

// Cancel deletes the scheduled status remoteID; one already gone is cancelled.
func (m *Mastodon) Cancel(ctx context.Context, p *Publication, remoteID string) error {
	id, err := scheduledID(m.channel, remoteID)
	if err != nil {
		return err
	}
	what := "DELETE /api/v1/scheduled_statuses/" + id
	a, err := m.call(ctx, http.MethodDelete, "/api/v1/scheduled_statuses/"+url.PathEscape(id), nil, "", nil)
	if err != nil {
		return err
	}
	if a.code == http.StatusNotFound || ok2xx(a.code) {
		return nil
	}
	return m.refusal(what, a)
}
