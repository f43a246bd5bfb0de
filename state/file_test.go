package state

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/postctl/postctl/calendar"
)

var t0 = time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)

func sample() *State {
	s := New()
	s.Publications["launch@mastodon"] = &Publication{
		Post: "launch", Channel: "mastodon", Status: Published, RemoteID: "109", URL: "https://social.example/@nw/109?a=1&b=2",
		ContentHash: "abc", PlannedAt: t0, PublishedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute),
	}
	s.Publications["launch@bluesky"] = &Publication{
		Post: "launch", Channel: "bluesky", Status: Pending, ContentHash: "def", PlannedAt: t0, UpdatedAt: t0,
		Intent: &Intent{Action: "publish", Key: "k1", Attempt: 1, At: t0},
	}
	return s
}

func newFile(t *testing.T) *File {
	t.Helper()
	return &File{FS: t.TempDir(), Path: DefaultPath}
}

func readBytes(t *testing.T, f *File) []byte {
	t.Helper()
	b, err := os.ReadFile(f.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadMissing(t *testing.T) {
	f := newFile(t)
	s, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	if s.Serial != 0 || s.Version != Version || s.Lineage == "" || len(s.Publications) != 0 {
		t.Errorf("Read of no file = %+v, want an empty state at serial 0", s)
	}
	if _, err := os.Stat(filepath.Join(f.FS, ".postctl")); !os.IsNotExist(err) {
		t.Errorf("Read created the state directory: %v", err)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	f := newFile(t)
	s := sample()
	if err := f.Write(s, 0); err != nil {
		t.Fatal(err)
	}
	if s.Serial != 1 {
		t.Errorf("serial after the first write = %d, want 1", s.Serial)
	}
	got, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, s); diff != "" {
		t.Errorf("read back (-got +want):\n%s", diff)
	}

	data := readBytes(t, f)
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.HasPrefix(data, []byte("{\n  \"version\": 1,\n")) {
		t.Errorf("not indented JSON with a final newline:\n%s", data)
	}
	if i, j := bytes.Index(data, []byte(`"launch@bluesky"`)), bytes.Index(data, []byte(`"launch@mastodon"`)); i < 0 || j < i {
		t.Errorf("publications not in key order:\n%s", data)
	}
	if !bytes.Contains(data, []byte("?a=1&b=2")) {
		t.Errorf("URL escaped:\n%s", data)
	}
	st, err := os.Stat(f.String())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	assertNoTemp(t, f)

	// Writing what was read changes nothing but the serial.
	got.Publications["launch@bluesky"].Status = Published
	if err := f.Write(got, 1); err != nil {
		t.Fatal(err)
	}
	again, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	if again.Serial != 2 || again.Lineage != s.Lineage || again.Get("launch@bluesky").Status != Published {
		t.Errorf("second write read back as %+v", again)
	}
}

func assertNoTemp(t *testing.T, f *File) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(f.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWriteCompareAndSwap(t *testing.T) {
	f := newFile(t)
	if err := f.Write(sample(), 0); err != nil {
		t.Fatal(err)
	}
	before := readBytes(t, f)

	// A second run that also read "no state" must not overwrite the first one's.
	other := sample()
	if err := f.Write(other, 0); !errors.Is(err, ErrConflict) {
		t.Fatalf("write expecting no file over serial 1: %v, want ErrConflict", err)
	}
	if other.Serial != 0 {
		t.Errorf("a refused write changed the serial to %d", other.Serial)
	}
	// A stale serial.
	s, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(s, 1); err != nil {
		t.Fatal(err)
	}
	after := readBytes(t, f)
	stale, _ := Decode("old", before)
	if err := f.Write(stale, 1); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "is at serial 2, not 1") {
		t.Fatalf("write expecting serial 1 over serial 2: %v, want ErrConflict naming both", err)
	}
	if !bytes.Equal(readBytes(t, f), after) {
		t.Error("a conflicting write changed the file")
	}
	// Another lineage is another state.
	fresh := New()
	if err := f.Write(fresh, 2); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "lineage") {
		t.Errorf("write of another lineage: %v, want ErrConflict about the lineage", err)
	}
}

// Write trusts the bytes it wrote itself, and nothing else: a write by another File (another
// run) or an edit by hand, even one that keeps the file's length, is decoded and checked.
func TestWriteNoticesOtherWriters(t *testing.T) {
	f := newFile(t)
	s := sample()
	if err := f.Write(s, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Write(s, 1); err != nil {
		t.Fatalf("a second write of this File's own: %v", err)
	}
	other := &File{FS: f.FS, Path: f.Path}
	theirs, err := other.Read()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Write(theirs, 2); err != nil {
		t.Fatal(err)
	}
	if err := f.Write(s, 2); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "is at serial 3, not 2") {
		t.Fatalf("write after another File's: %v, want ErrConflict at serial 3", err)
	}
	// This File's own bytes again, then the serial edited in place to another of the same length.
	if err := other.Write(theirs, 3); err != nil {
		t.Fatal(err)
	}
	data := readBytes(t, other)
	edited := bytes.Replace(data, []byte(`"serial": 4,`), []byte(`"serial": 5,`), 1)
	if bytes.Equal(edited, data) {
		t.Fatalf("no serial 4 in %s", data)
	}
	if err := os.WriteFile(other.String(), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := other.Write(theirs, 4); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "is at serial 5, not 4") {
		t.Fatalf("write after an edit in place: %v, want ErrConflict at serial 5", err)
	}
}

func TestWriteRefusesInvalidState(t *testing.T) {
	f := newFile(t)
	s := New()
	s.Publications["launch@mastodon"] = &Publication{Post: "launch", Channel: "bluesky", Status: Published}
	if err := f.Write(s, 0); err == nil || !strings.Contains(err.Error(), "refusing to write an invalid state") {
		t.Errorf("write of a record under the wrong address: %v", err)
	}
	if _, err := os.Stat(f.String()); !os.IsNotExist(err) {
		t.Errorf("an invalid state was written: %v", err)
	}
}

// A write that fails after the temporary file was created leaves the old state as it was.
func TestWriteFailureLeavesOldFile(t *testing.T) {
	f := newFile(t)
	if err := f.Write(sample(), 0); err != nil {
		t.Fatal(err)
	}
	before := readBytes(t, f)
	syncFile = func(*os.File) error { return errors.New("disk full") }
	defer func() { syncFile = (*os.File).Sync }()
	s, err := f.Read()
	if err != nil {
		t.Fatal(err)
	}
	delete(s.Publications, "launch@mastodon")
	err = f.Write(s, 1)
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "the previous state is unchanged") {
		t.Fatalf("write with a failing sync: %v", err)
	}
	if s.Serial != 1 {
		t.Errorf("a failed write left the serial at %d, want 1", s.Serial)
	}
	if !bytes.Equal(readBytes(t, f), before) {
		t.Error("a failed write changed the file")
	}
	assertNoTemp(t, f)
}

// The same with a directory that became read-only: the temporary file cannot be created.
func TestWriteReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to read-only directories")
	}
	f := newFile(t)
	if err := f.Write(sample(), 0); err != nil {
		t.Fatal(err)
	}
	before := readBytes(t, f)
	dir := filepath.Dir(f.String())
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	s, _ := f.Read()
	if err := f.Write(s, 1); err == nil {
		t.Fatal("write into a read-only directory: no error")
	}
	if !bytes.Equal(readBytes(t, f), before) {
		t.Error("a failed write changed the file")
	}
}

func TestCorruptFileRefused(t *testing.T) {
	const head = "{\n  \"version\": 1,\n  \"serial\": 3,\n  \"lineage\": \"l1\",\n"
	for _, tt := range []struct {
		name, data string
		line, col  int
		msg        string
	}{
		{"empty", "", 0, 0, "the file is empty"},
		{"truncated", head + "  \"publications\": {\n", 6, 1, "unexpected end of JSON input"},
		{"syntax", head + "  \"publications\": {,}\n}\n", 5, 20, "invalid character ',' looking for beginning of object key string"},
		{"array", "[]\n", 0, 0, "expected a JSON object, found array"},
		{"no version", "{\"serial\": 1}\n", 0, 0, "no version"},
		{"serial type", "{\n  \"version\": 1,\n  \"serial\": \"3\",\n  \"lineage\": \"l1\"\n}\n", 3, 13, `serial: expected a whole number, 0 or more, found string`},
		{"serial 0", "{\n  \"version\": 1,\n  \"serial\": 0,\n  \"lineage\": \"l1\"\n}\n", 3, 13, "serial 0: a written state has serial 1 or more"},
		{"no lineage", "{\n  \"version\": 1,\n  \"serial\": 1\n}\n", 0, 0, "no lineage"},
		{"unknown field", head + "  \"owner\": \"x\"\n}\n", 5, 3, `unknown field "owner"`},
		{"bad key", head + "  \"publications\": {\n    \"launch\": {\"post\": \"launch\", \"channel\": \"\", \"status\": \"published\"}\n  }\n}\n", 6, 5,
			`publications: key "launch" is not post-id@channel`},
		{"null record", head + "  \"publications\": {\n    \"launch@mastodon\": null\n  }\n}\n", 6, 24, `publications["launch@mastodon"] is null`},
		{"key disagrees", head + "  \"publications\": {\n    \"launch@mastodon\": {\"post\": \"launch\", \"channel\": \"bluesky\", \"status\": \"published\"}\n  }\n}\n", 6, 24,
			`publications["launch@mastodon"] records post "launch" on channel "bluesky", not those of its address`},
		{"unknown status", head + "  \"publications\": {\n    \"launch@mastodon\": {\n      \"post\": \"launch\",\n      \"channel\": \"mastodon\",\n      \"status\": \"sent\"\n    }\n  }\n}\n", 9, 17,
			`publications["launch@mastodon"]: unknown status "sent": expected scheduled, published, pending, cancelled, held, missed or failed`},
		{"field type", head + "  \"publications\": {\n    \"launch@mastodon\": {\n      \"post\": \"launch\",\n      \"intent\": {\"attempt\": \"one\"}\n    }\n  }\n}\n", 8, 29,
			`publications["launch@mastodon"].intent.attempt: expected a number, found string`},
		{"bad time", head + "  \"publications\": {\n    \"launch@mastodon\": {\n      \"post\": \"launch\",\n      \"planned_at\": \"tomorrow\"\n    }\n  }\n}\n", 8, 21,
			`publications["launch@mastodon"]: "tomorrow" is not an RFC 3339 time such as 2026-12-01T09:00:00Z`},
		{"unknown record field", head + "  \"publications\": {\n    \"launch@mastodon\": {\n      \"post\": \"launch\",\n      \"likes\": 3\n    }\n  }\n}\n", 8, 7,
			`publications["launch@mastodon"]: unknown field "likes"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t)
			name := f.String()
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := f.Read()
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Read = %v, want a *CorruptError", err)
			}
			if diff := cmp.Diff(*ce, CorruptError{Path: name, Line: tt.line, Col: tt.col, Msg: tt.msg}); diff != "" {
				t.Errorf("error (-got +want):\n%s", diff)
			}
			if !strings.Contains(err.Error(), "postctl will not overwrite it") {
				t.Errorf("message does not say the file is kept: %v", err)
			}
			for _, expect := range []uint64{0, 1, 3} {
				if err := f.Write(sample(), expect); !errors.As(err, &ce) {
					t.Errorf("Write over a corrupt file (expect %d) = %v, want a *CorruptError", expect, err)
				}
			}
			if l, err := f.Lock(LockInfo{Who: "ana@laptop"}); err != nil {
				t.Errorf("a corrupt state file keeps the lock from being taken: %v", err)
			} else if err := l.Unlock(); err != nil {
				t.Error(err)
			}
			if got, _ := os.ReadFile(name); string(got) != tt.data {
				t.Errorf("the corrupt file changed:\n%s", got)
			}
		})
	}
}

func TestFutureVersionRefused(t *testing.T) {
	f := newFile(t)
	const data = "{\n  \"version\": 2,\n  \"serial\": 9,\n  \"records\": []\n}\n"
	if err := os.MkdirAll(filepath.Dir(f.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.String(), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := f.Read()
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Version != 2 {
		t.Fatalf("Read = %v, want a *VersionError", err)
	}
	want := f.String() + ": written by a newer postctl (format 2); this postctl reads format 1: upgrade postctl"
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
	if err := f.Write(sample(), 9); !errors.As(err, &ve) {
		t.Errorf("Write over a newer file = %v, want a *VersionError", err)
	}
	if got := readBytes(t, f); string(got) != data {
		t.Errorf("the newer file changed:\n%s", got)
	}
}

// A state path or a symbolic link cannot lead postctl out of the calendar directory.
func TestStaysInsideTheCalendar(t *testing.T) {
	outside := t.TempDir()
	f := newFile(t)
	if err := os.Symlink(outside, filepath.Join(f.FS, ".postctl")); err != nil {
		t.Skip(err)
	}
	if err := f.Write(sample(), 0); err == nil {
		t.Error("wrote through a symbolic link out of the calendar")
	}
	if _, err := f.Lock(LockInfo{}); err == nil {
		t.Error("locked through a symbolic link out of the calendar")
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("files written outside the calendar: %v", entries)
	}
}

func TestLockContention(t *testing.T) {
	f := newFile(t)
	const runs = 8
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		won    []*Lock
		lost   []*LockedError
		others []error
	)
	start := make(chan struct{})
	for i := 0; i < runs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			l, err := f.Lock(LockInfo{Who: "ci@runner", Operation: "apply", Created: t0})
			mu.Lock()
			defer mu.Unlock()
			var le *LockedError
			switch {
			case err == nil:
				won = append(won, l)
			case errors.As(err, &le):
				lost = append(lost, le)
			default:
				others = append(others, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(won) != 1 || len(lost) != runs-1 || len(others) != 0 {
		t.Fatalf("%d won, %d were told it is locked, other errors %v; want exactly one winner", len(won), len(lost), others)
	}
	for _, le := range lost {
		if diff := cmp.Diff(le.Info, won[0].Info); diff != "" {
			t.Errorf("a locked error does not name the winner (-got +want):\n%s", diff)
		}
		if !errors.Is(le, ErrConflict) {
			t.Error("a *LockedError does not unwrap to ErrConflict")
		}
	}
	if err := won[0].Unlock(); err != nil {
		t.Fatal(err)
	}
	l, err := f.Lock(LockInfo{})
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	if len(l.Info.ID) != 16 {
		t.Errorf("lock ID %q, want 16 hex digits", l.Info.ID)
	}
}

func TestLockedErrorMessage(t *testing.T) {
	info := LockInfo{ID: "3f2a9c0d1e2b4a5f", Who: "ana@laptop", Operation: "plan", Created: time.Date(2026, 11, 22, 15, 5, 0, 0, time.FixedZone("CET", 3600))}
	for _, tt := range []struct{ dir, want string }{
		{".", "state is locked by ana@laptop (plan, since 2026-11-22 14:05:00 UTC, lock ID 3f2a9c0d1e2b4a5f): another run is in progress; if it crashed, run: postctl unlock 3f2a9c0d1e2b4a5f"},
		{"my calendar", "state is locked by ana@laptop (plan, since 2026-11-22 14:05:00 UTC, lock ID 3f2a9c0d1e2b4a5f): another run is in progress; if it crashed, run: postctl unlock 3f2a9c0d1e2b4a5f --dir 'my calendar'"},
	} {
		f := &File{FS: t.TempDir(), Path: DefaultPath}
		if _, err := f.Lock(info); err != nil {
			t.Fatal(err)
		}
		_, err := f.Lock(LockInfo{Who: "bo@ci"})
		var le *LockedError
		if !errors.As(err, &le) {
			t.Fatalf("second lock: %v", err)
		}
		le.Dir = tt.dir
		if got := le.Error(); got != tt.want {
			t.Errorf("message\n got %s\nwant %s", got, tt.want)
		}
	}
}

func TestUnreadableLockFile(t *testing.T) {
	f := newFile(t)
	lock := filepath.Join(f.FS, ".postctl", "state.json.lock")
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lock, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := f.Lock(LockInfo{})
	var le *LockedError
	if !errors.As(err, &le) || le.Err == nil || !strings.Contains(err.Error(), "cannot be read") || !errors.Is(err, ErrConflict) {
		t.Errorf("lock over an unreadable lock file: %v", err)
	}
	if err := f.ForceUnlock("x"); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("force unlock of an unreadable lock file: %v", err)
	}
}

func TestForceUnlock(t *testing.T) {
	f := newFile(t)
	if err := f.ForceUnlock("abc"); err == nil || !strings.Contains(err.Error(), "the state is not locked") {
		t.Errorf("force unlock with no lock: %v", err)
	}
	l, err := f.Lock(LockInfo{ID: "1111", Who: "ana@laptop", Operation: "apply", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	err = f.ForceUnlock("2222")
	want := `lock ID "2222" does not match: the state is locked by ana@laptop (apply, since 2026-11-22 14:05:00 UTC, lock ID 1111); check that run has stopped before unlocking it`
	if err == nil || err.Error() != want {
		t.Errorf("force unlock with the wrong ID:\n got %v\nwant %s", err, want)
	}
	if holder, _ := f.LockHolder(); holder == nil || holder.ID != "1111" {
		t.Fatalf("the lock after a refused force unlock: %+v", holder)
	}
	if err := f.ForceUnlock("1111"); err != nil {
		t.Fatal(err)
	}
	if holder, err := f.LockHolder(); holder != nil || err != nil {
		t.Errorf("after force unlock: %+v, %v", holder, err)
	}

	// The forced-out run finds out when it unlocks, and leaves the new holder's lock alone.
	l2, err := f.Lock(LockInfo{ID: "3333", Who: "bo@ci"})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err == nil || !strings.Contains(err.Error(), "now held by bo@ci") {
		t.Errorf("unlock of a lock forced open: %v", err)
	}
	if holder, _ := f.LockHolder(); holder == nil || holder.ID != "3333" {
		t.Errorf("the new holder's lock after the old one unlocked: %+v", holder)
	}
	if err := l2.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l2.Unlock(); err != nil {
		t.Errorf("second unlock: %v", err)
	}
}

func TestOpen(t *testing.T) {
	cal := func(backend, path string) *calendar.Calendar {
		c := &calendar.Calendar{Config: &calendar.Config{}}
		if backend != "" {
			c.Config.State.Backend = calendar.String{Value: backend, Set: true, Pos: calendar.Pos{Line: 9, Col: 12}}
		}
		if path != "" {
			c.Config.State.Path = calendar.String{Value: path, Set: true, Pos: calendar.Pos{Line: 10, Col: 9}}
		}
		return c
	}
	for _, tt := range []struct {
		backend, path string
		want          Backend
		err           string
	}{
		{"", "", &File{FS: "cal", Path: ".postctl/state.json"}, ""},
		{"file", "state/./prod.json", &File{FS: "cal", Path: "state/prod.json"}, ""},
		{"git", "", &Git{Dir: "cal", Branch: "postctl-state", Remote: "origin", Path: "state.json"}, ""},
		{"git", "prod/./state.json", &Git{Dir: "cal", Branch: "postctl-state", Remote: "origin", Path: "prod/state.json"}, ""},
		{"git", "../state.json", nil, `cal/calendar.yaml:10:9: state path "../state.json" must be a file in the state branch, such as state.json`},
		{"s3", "", nil, `cal/calendar.yaml:9:12: unknown state backend "s3": use file or git`},
		{"file", "../state.json", nil, `cal/calendar.yaml:10:9: state path "../state.json" must be a file inside the calendar directory, such as .postctl/state.json`},
		{"file", "/var/state.json", nil, `cal/calendar.yaml:10:9: state path "/var/state.json" must be a file inside the calendar directory, such as .postctl/state.json`},
		{"file", ".", nil, `cal/calendar.yaml:10:9: state path "." must be a file inside the calendar directory, such as .postctl/state.json`},
	} {
		got, err := Open(cal(tt.backend, tt.path), "cal")
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Open(%q, %q) error\n got %v\nwant %s", tt.backend, tt.path, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Open(%q, %q): %v", tt.backend, tt.path, err)
			continue
		}
		if diff := cmp.Diff(got, tt.want, cmpopts.IgnoreUnexported(Git{}, File{})); diff != "" {
			t.Errorf("Open(%q, %q) (-got +want):\n%s", tt.backend, tt.path, diff)
		}
	}
	if _, err := Open(&calendar.Calendar{}, "cal"); err == nil {
		t.Error("Open without a readable calendar.yaml: no error")
	}
}
