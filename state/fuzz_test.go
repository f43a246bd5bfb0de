package state

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecode reads arbitrary bytes as a state file: Decode never panics, refuses with a
// *CorruptError (with a position inside the file when it has one) or a *VersionError, and what it
// accepts survives Encode and Decode unchanged, so a state it reads is one it can write back.
func FuzzDecode(f *testing.F) {
	s := New()
	s.Serial = 3
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s.Publications["launch@mastodon"] = &Publication{Post: "launch", Channel: "mastodon", Status: Published, RemoteID: "1",
		URL: "https://social.example/@a/1?x=1&y=2", ContentHash: "ab", PlannedAt: at, PublishedAt: at, UpdatedAt: at}
	s.Publications["launch@bluesky"] = &Publication{Post: "launch", Channel: "bluesky", Status: Pending, ContentHash: "cd", PlannedAt: at,
		UpdatedAt: at, Intent: &Intent{Action: "publish", Key: "k", Attempt: 2, At: at, Run: "r"}, Thread: []string{"t1"}, Cancels: 1}
	valid, err := Encode(s)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	for _, seed := range []string{"", "{}", "[]", "null", `{"version": 1, "serial": 1, "lineage": "l"}`, `{"version": 99, "serial": 1, "lineage": "l"}`,
		string(valid[:len(valid)/2]), strings.Replace(string(valid), `"published"`, `"sent"`, 1)} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode("state.json", data)
		if err != nil {
			var ce *CorruptError
			var ve *VersionError
			switch {
			case errors.As(err, &ce):
				lines := bytes.Count(data, []byte("\n")) + 1
				if ce.Line < 0 || ce.Line > lines || (ce.Line == 0) != (ce.Col == 0) {
					t.Fatalf("corrupt at %d:%d of a %d-line file: %v", ce.Line, ce.Col, lines, err)
				}
			case errors.As(err, &ve):
			default:
				t.Fatalf("Decode: %T %v, want a *CorruptError or *VersionError", err, err)
			}
			return
		}
		out, err := Encode(got)
		if err != nil {
			t.Fatalf("Encode of a decoded state: %v", err)
		}
		again, err := Decode("state.json", out)
		if err != nil {
			t.Fatalf("Decode of the re-encoded state: %v\n%s", err, out)
		}
		if diff := cmp.Diff(again, got); diff != "" {
			t.Fatalf("round trip (-again +decoded):\n%s", diff)
		}
	})
}
