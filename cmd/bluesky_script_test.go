package cmd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// A fake Bluesky PDS for the scripts, in the test process (the postctl subprocess reaches it on
// https://127.0.0.1 and trusts its certificate through SSL_CERT_FILE):
//
//	fakepds start FILE       start it; https://pds.invalid in FILE (calendar.yaml) becomes its URL
//	fakepds records N        the repository holds N posts
//	fakepds logins N         createSession was called N times
//	fakepds drop N           drop the connection after storing the next N records
//
// Semantics as the reference PDS: putRecord with swapRecord null creates only if absent (the same
// body again: 200; another: 400 InvalidSwap); getRecord; resolveHandle; createSession.
func init() {
	scriptCmds["fakepds"] = cmdFakePDS
}

type scriptPDS struct {
	mu      sync.Mutex
	records map[string]string // rkey → canonical record
	logins  int
	drop    int
}

func cmdFakePDS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fakepds start FILE | records N | logins N | drop N")
	}
	p := fakeOf[*scriptPDS](ts, "pds")
	if args[0] == "start" {
		startFake(ts, "pds", &scriptPDS{records: map[string]string{}}, args[1], "https://pds.invalid")
		return
	}
	if p == nil {
		ts.Fatalf("fakepds: not started")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch args[0] {
	case "records":
		if len(p.records) != n {
			ts.Fatalf("fakepds: %d records, want %d", len(p.records), n)
		}
	case "logins":
		if p.logins != n {
			ts.Fatalf("fakepds: %d logins, want %d", p.logins, n)
		}
	case "drop":
		p.drop = n
	default:
		ts.Fatalf("fakepds: unknown %s", args[0])
	}
}

func (p *scriptPDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	answer := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	const did = "did:plc:brand"
	uri := func(rkey string) string { return "at://" + did + "/app.bsky.feed.post/" + rkey }
	cid := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "bafyrei" + hex.EncodeToString(sum[:12])
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	if nsid == "com.atproto.server.createSession" {
		var in struct{ Identifier, Password string }
		_ = json.Unmarshal(body, &in)
		if in.Password != "app-password-1" {
			answer(401, map[string]string{"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
			return
		}
		p.logins++
		answer(200, map[string]string{"accessJwt": "a", "refreshJwt": "r", "did": did, "handle": in.Identifier})
		return
	}
	if r.Header.Get("Authorization") != "Bearer a" {
		answer(401, map[string]string{"error": "ExpiredToken", "message": "Token has expired"})
		return
	}
	switch nsid {
	case "com.atproto.identity.resolveHandle":
		answer(400, map[string]string{"error": "InvalidRequest", "message": "Unable to resolve handle"})
	case "com.atproto.repo.getRecord":
		rkey := r.URL.Query().Get("rkey")
		rec, ok := p.records[rkey]
		if !ok {
			answer(400, map[string]string{"error": "RecordNotFound", "message": "Could not locate record"})
			return
		}
		answer(200, map[string]any{"uri": uri(rkey), "cid": cid(rec), "value": json.RawMessage(rec)})
	case "com.atproto.repo.putRecord":
		var in struct {
			Rkey   string
			Record any
		}
		if err := json.Unmarshal(body, &in); err != nil || !strings.Contains(string(body), `"swapRecord":null`) {
			answer(400, map[string]string{"error": "InvalidRequest", "message": "bad request"})
			return
		}
		canon, _ := json.Marshal(in.Record)
		if old, ok := p.records[in.Rkey]; ok && old != string(canon) {
			answer(400, map[string]string{"error": "InvalidSwap", "message": "Record was at " + cid(old)})
			return
		}
		p.records[in.Rkey] = string(canon)
		if p.drop > 0 {
			p.drop--
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
		}
		answer(200, map[string]string{"uri": uri(in.Rkey), "cid": cid(string(canon))})
	default:
		answer(501, map[string]string{"error": "MethodNotImplemented", "message": nsid})
	}
}
