package apply

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// snacBinary finds snac2 (https://codeberg.org/grunfink/snac2, a small ActivityPub server with a
// Mastodon-compatible API): $POSTCTL_SNAC, snac on PATH, or where .ci/run unpacks Debian trixie's
// snac2 package.
func snacBinary() string {
	if p := os.Getenv("POSTCTL_SNAC"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("snac"); err == nil {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".cache", "postctl", "snac", "usr", "bin", "snac")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// TestMastodonRealSnac publishes through the mastodon provider to a real snac2 server on
// 127.0.0.1 (a post, a 2-part thread, a post with an image and its description), reads them back
// through the API, and looks them up as a next run would. .ci/run installs snac2.
func TestMastodonRealSnac(t *testing.T) {
	bin := snacBinary()
	if bin == "" {
		t.Skip("snac2 is not installed ($POSTCTL_SNAC, snac on PATH, or ~/.cache/postctl/snac/usr/bin/snac as .ci/run unpacks it): the real-server mastodon test needs it")
	}
	if testing.Short() {
		t.Skip("starts a real snac2 server")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "snac")
	port := freePort(t)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	// snac init asks: address, port, host name, URL prefix, admin email.
	init := exec.Command(bin, "init", data)
	init.Stdin = strings.NewReader("127.0.0.1\n" + strconv.Itoa(port) + "\n" + addr + "\n\n\n")
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("snac init: %v\n%s", err, out)
	}
	add := exec.Command(bin, "adduser", data, "brand")
	add.Stdin = strings.NewReader("\n")
	out, err := add.CombinedOutput()
	if err != nil {
		t.Fatalf("snac adduser: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`User password is (\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("snac adduser printed no password:\n%s", out)
	}
	password := string(m[1])

	var log lockedBuffer
	cmd := exec.Command(bin, "httpd", data)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("snac's log:\n%s", log.String())
		}
	})
	base := "http://" + addr
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(15 * time.Second)
	var version string
	for {
		resp, err := client.Get(base + "/api/v1/instance")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			version = resp.Header.Get("X-Creator")
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("snac exited before answering: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("snac does not answer on %s after 15s:\n%s", addr, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("snac at %s (%s)", base, version)

	post := func(p string, form url.Values, into any) {
		t.Helper()
		resp, err := client.PostForm(base+p, form)
		if err != nil {
			t.Fatalf("POST %s: %v", p, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %s", p, resp.StatusCode, body)
		}
		if s, ok := into.(*string); ok {
			*s = strings.TrimSpace(string(body))
			return
		}
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("POST %s: %v: %s", p, err, body)
		}
	}
	// OAuth: register an app, log in through snac's own form endpoint for the code, exchange it.
	const redir = "urn:ietf:wg:oauth:2.0:oob"
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	post("/api/v1/apps", url.Values{"client_name": {"postctl"}, "redirect_uris": {redir}, "scopes": {"read write"}}, &app)
	var code string
	post("/oauth/x-snac-login", url.Values{"login": {"brand"}, "passwd": {password}, "redir": {redir}, "cid": {app.ClientID}, "state": {""}}, &code)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	post("/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "redirect_uri": {redir}}, &tok)
	if tok.AccessToken == "" {
		t.Fatal("snac gave no access token")
	}

	if _, err := NewMastodon(MastodonConfig{Channel: "snac", Server: base, Token: []byte(tok.AccessToken)}); err == nil {
		t.Fatal("http:// accepted without AllowHTTP")
	}
	// snac's httpd answers one request per connection without saying so (no Connection: close):
	// a request on a reused connection can be reset after snac acted on it. Fresh connections only.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	prov, err := NewMastodon(MastodonConfig{Channel: "snac", Server: base, Token: []byte(tok.AccessToken), AllowHTTP: true, Client: fresh,
		PollInterval: 100 * time.Millisecond, MediaTimeout: 20 * time.Second, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	now := time.Now().UTC()
	pub := func(id, text string, thread ...string) *Publication {
		p := &Publication{Address: id + "@snac", Post: id, Channel: "snac", Key: "k-" + id, At: now, Text: text}
		for _, s := range thread {
			p.Thread = append(p.Thread, Part{Text: s})
		}
		return p
	}

	type status struct {
		mastodonStatus
		MediaAttachments []struct {
			Description string `json:"description"`
		} `json:"media_attachments"`
	}
	get := func(id string) status {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/statuses/"+url.PathEscape(id), nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET status %s: %v", id, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET status %s: %d %s", id, resp.StatusCode, body)
		}
		var st status
		if err := json.Unmarshal(body, &st); err != nil {
			t.Fatalf("GET status %s: %v: %s", id, err, body)
		}
		return st
	}
	same := func(st status, text string) {
		t.Helper()
		if got, want := NormalizeStatusHTML(st.Content), NormalizeStatusText(text); got != want {
			t.Errorf("status %s reads %q (content %q), want %q", st.ID, got, st.Content, want)
		}
	}
	reply := func(st status) string {
		if st.InReplyToID == nil {
			return ""
		}
		return *st.InReplyToID
	}

	// A post.
	single := pub("launch", "Spring launch: fresh & bright.\nDetails soon.")
	res, err := prov.Publish(ctx, single)
	if err != nil {
		t.Fatalf("publish a post: %v", err)
	}
	if res.RemoteID == "" {
		t.Fatalf("publish a post: no id: %+v", res)
	}
	st := get(res.RemoteID)
	same(st, single.Text)
	if reply(st) != "" {
		t.Errorf("the post is a reply to %s", reply(st))
	}

	// A 2-part thread.
	thread := pub("thread", "A thread about our roasts, 1/2", "Part two: the light roast, 2/2")
	tres, err := prov.Publish(ctx, thread)
	if err != nil {
		t.Fatalf("publish a thread: %v", err)
	}
	if len(tres.Thread) != 1 {
		t.Fatalf("thread result %+v: want one follow-up id", tres)
	}
	root, second := get(tres.RemoteID), get(tres.Thread[0])
	same(root, thread.Text)
	same(second, thread.Thread[0].Text)
	if reply(root) != "" {
		t.Errorf("the thread's root is a reply to %s", reply(root))
	}
	if reply(second) != tres.RemoteID {
		t.Errorf("the thread's second part replies to %q, want %q", reply(second), tres.RemoteID)
	}

	// A post with an image and its description.
	pngData := testPNG(t)
	const alt = "A diagonal orange line on a white square"
	withImage := pub("photo", "Our new label")
	withImage.Media = []Media{{Path: "media/label.png", Alt: alt, Data: pngData}}
	mres, err := prov.Publish(ctx, withImage)
	if err != nil {
		t.Fatalf("publish a post with an image: %v", err)
	}
	mst := get(mres.RemoteID)
	same(mst, withImage.Text)
	if len(mst.MediaAttachments) != 1 {
		t.Fatalf("the image post has %d attachments, want 1: %+v", len(mst.MediaAttachments), mst)
	}
	if got := mst.MediaAttachments[0].Description; got != alt {
		t.Errorf("the image's description is %q, want %q", got, alt)
	}

	// A next run: a fresh provider (no memory of this one) finds what was published, by text.
	again, err := NewMastodon(MastodonConfig{Channel: "snac", Server: base, Token: []byte(tok.AccessToken), AllowHTTP: true, Client: fresh, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	lres, found, err := again.Lookup(ctx, single)
	if err != nil || !found || lres.RemoteID != res.RemoteID {
		t.Errorf("lookup of the published post: %+v found=%v err=%v, want id %s", lres, found, err, res.RemoteID)
	}
	lres, found, err = again.Lookup(ctx, thread)
	if err != nil || !found || lres.RemoteID != tres.RemoteID || len(lres.Thread) != 1 || lres.Thread[0] != tres.Thread[0] {
		t.Errorf("lookup of the published thread: %+v found=%v err=%v, want %s %v", lres, found, err, tres.RemoteID, tres.Thread)
	}
	lres, found, err = again.Lookup(ctx, pub("later", "Not published yet: the summer menu"))
	if err != nil || found {
		t.Errorf("lookup of an unpublished post: %+v found=%v err=%v, want not found", lres, found, err)
	}
}

// AllowHTTP opens http:// to loopback servers only; without it, https:// stays required.
func TestMastodonAllowHTTPLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		server string
		allow  bool
		ok     bool
	}{
		{"https://social.example", false, true},
		{"http://127.0.0.1:8001", false, false},
		{"http://127.0.0.1:8001", true, true},
		{"http://[::1]:8001", true, true},
		{"http://localhost:8001", true, true},
		{"http://social.example", true, false},
		{"http://10.0.0.1", true, false},
		{"ftp://127.0.0.1", true, false},
	} {
		_, err := NewMastodon(MastodonConfig{Server: tc.server, Token: []byte("t"), AllowHTTP: tc.allow})
		if (err == nil) != tc.ok {
			t.Errorf("%s allow_http=%v: err=%v, want ok=%v", tc.server, tc.allow, err, tc.ok)
		}
	}
}
