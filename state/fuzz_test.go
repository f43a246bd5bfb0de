package state

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
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

// FuzzReadLock reads arbitrary bytes as the file backend's lock file, and does with it what the
// commands do: LockHolder, Lock, the holder's description, ForceUnlock with some ID and the Unlock
// of a run that held the lock with that ID. None of them panics; while the lock file is there,
// unreadable or someone else's, Lock never succeeds and refuses with a *LockedError (with the
// holder when the file can be read, with why not when it cannot); ForceUnlock and Unlock remove
// it only when it is a readable lock with their ID.
func FuzzReadLock(f *testing.F) {
	valid := []byte(`{
  "id": "3f2a9c0d1e2b4a5f",
  "who": "ana@laptop",
  "operation": "apply",
  "version": "v0.4.0",
  "created": "2026-11-22T15:05:00+01:00"
}
`)
	f.Add(valid, "3f2a9c0d1e2b4a5f")
	f.Add(valid, "other")
	f.Add(valid[:len(valid)/2], "3f2a9c0d1e2b4a5f")
	for _, seed := range []string{"", "garbage", "{}", `{"id":""}`, `{"id":"x"}`, "null", "[]", `"x"`, `{"id":1}`,
		`{"id":"x","created":"9999-12-31T23:59:59+23:59"}`, `{"id":"x","created":"0000-01-01T00:00:00-23:59"}`,
		`{"id":"x","created":"10000-01-01T00:00:00Z"}`, `{"id":"x","created":""}`, `{"id":"x"} {"id":"y"}`,
		`{"id":"x","who":"","operation":"","version":"","created":"0001-01-01T00:00:00Z"}`, `{"ID":"x","Who":"\u0000\n"}`} {
		f.Add([]byte(seed), "x")
	}
	f.Fuzz(func(t *testing.T, data []byte, id string) {
		dir := t.TempDir()
		file := &File{FS: dir, Path: DefaultPath}
		lockFile := filepath.Join(dir, filepath.FromSlash(DefaultPath+".lock"))
		if err := os.MkdirAll(filepath.Dir(lockFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(lockFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
		present := func() bool {
			_, err := os.Lstat(lockFile)
			return err == nil
		}

		holder, herr := file.LockHolder()
		switch {
		case herr != nil && holder != nil:
			t.Fatalf("LockHolder returned a holder and an error: %v", herr)
		case herr == nil && holder == nil:
			t.Fatal("LockHolder says the state is free while the lock file is there")
		case holder != nil:
			if holder.ID == "" {
				t.Fatal("LockHolder returned a holder without an ID")
			}
			_ = holder.String()
		}

		l, err := file.Lock(LockInfo{Who: "bo@ci", Operation: "apply", Created: t0})
		if err == nil {
			l.Unlock()
			t.Fatalf("Lock succeeded over the lock file %q", data)
		}
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrConflict) {
			t.Fatalf("Lock over a lock file: %T %v, want a *LockedError", err, err)
		}
		if (le.Err == nil) != (herr == nil) {
			t.Fatalf("Lock says the lock file cannot be read: %v; LockHolder: %v", le.Err, herr)
		}
		if holder != nil {
			if diff := cmp.Diff(*holder, le.Info); diff != "" {
				t.Fatalf("Lock and LockHolder disagree on the holder (-LockHolder +Lock):\n%s", diff)
			}
		}
		_ = le.Error()
		if !present() {
			t.Fatal("a refused Lock removed the lock file")
		}

		// The Unlock of a run that held the lock with this ID.
		mine := &Lock{Info: LockInfo{ID: id}, file: file}
		uerr := mine.Unlock()
		if owned := holder != nil && holder.ID == id; owned != !present() || owned != (uerr == nil) {
			t.Fatalf("Unlock with lock ID %q of a lock held by %v: %v; the lock file is there: %v", id, holder, uerr, present())
		}
		if !present() {
			if err := os.WriteFile(lockFile, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}

		ferr := file.ForceUnlock(id)
		if forced := holder != nil && holder.ID == id; forced != !present() || forced != (ferr == nil) {
			t.Fatalf("ForceUnlock %q of a lock held by %v: %v; the lock file is there: %v", id, holder, ferr, present())
		}
		if present() {
			return
		}
		l, err = file.Lock(LockInfo{})
		if err != nil {
			t.Fatalf("Lock after ForceUnlock: %v", err)
		}
		if err := l.Unlock(); err != nil {
			t.Fatalf("Unlock: %v", err)
		}
		if present() {
			t.Fatal("the lock file is there after Unlock")
		}
		if h, err := file.LockHolder(); h != nil || err != nil {
			t.Fatalf("LockHolder of a free state: %v, %v", h, err)
		}
	})
}
