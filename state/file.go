package state

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/postctl/postctl/calendar"
)

// DefaultPath is where the file backend keeps the state, relative to the calendar directory.
const DefaultPath = ".postctl/state.json"

// ErrConflict means another run changed the state or holds its lock: nothing was written, and
// running again is safe.
var ErrConflict = errors.New("the state changed or is locked by another run")

// File is the file backend: one JSON file inside the calendar directory, replaced atomically, and
// a lock file beside it. Every access goes through os.Root, so neither the path from
// calendar.yaml nor a symbolic link can make postctl read or write outside the calendar.
type File struct {
	FS   string // the calendar directory on disk, as the user named it
	Path string // slash-separated, relative to FS; default DefaultPath

	// last is the file as this File last wrote it. Write compares the file on disk with it
	// instead of decoding the whole state again for the serial: any other writer changes the
	// bytes, so the compare-and-swap stays exact, and an apply's run of intents and results no
	// longer costs a decode of the growing state each.
	mu   sync.Mutex
	last *written
}

// written is a state file's bytes with the serial and lineage they hold.
type written struct {
	data    []byte
	serial  uint64
	lineage string
}

// Backend is a state backend: File or Git.
type Backend interface {
	fmt.Stringer
	Read() (*State, error)
	Write(s *State, expect uint64) error // compare-and-swap on the serial
	Lock(info LockInfo) (*Lock, error)
	LockHolder() (*LockInfo, error)
	ForceUnlock(id string) error
}

var _ Backend = (*File)(nil)

// Open returns the state backend calendar.yaml's `state` chooses for the calendar in dir.
func Open(cal *calendar.Calendar, dir string) (Backend, error) {
	if cal == nil || cal.Config == nil {
		return nil, errors.New("calendar.yaml cannot be read, so where the state is kept is unknown: run postctl validate")
	}
	if dir == "" {
		dir = "."
	}
	where := func(pos calendar.Pos) string {
		return fmt.Sprintf("%s:%d:%d", filepath.Join(dir, "calendar.yaml"), pos.Line, pos.Col)
	}
	st := cal.Config.State
	switch st.Backend.Value {
	case "", "file":
	case "git":
		g := &Git{Dir: dir, Branch: DefaultGitBranch, Remote: DefaultGitRemote, Path: DefaultGitPath}
		if st.Branch.Set {
			g.Branch = st.Branch.Value
			if plumbing.NewBranchReferenceName(g.Branch).Validate() != nil || strings.HasPrefix(g.Branch, "-") {
				return nil, fmt.Errorf("%s: state branch %q is not a valid git branch name", where(st.Branch.Pos), g.Branch)
			}
		}
		if st.Remote.Set {
			g.Remote = st.Remote.Value
			if g.Remote == "" || strings.ContainsAny(g.Remote, "/ \\\t\n:") {
				return nil, fmt.Errorf("%s: state remote %q is not a remote name such as %s", where(st.Remote.Pos), g.Remote, DefaultGitRemote)
			}
		}
		if st.Path.Set {
			p, ok := validGitPath(st.Path.Value)
			if !ok {
				return nil, fmt.Errorf("%s: state path %q must be a file in the state branch, such as %s", where(st.Path.Pos), st.Path.Value, DefaultGitPath)
			}
			g.Path = p
		}
		return g, nil
	default:
		return nil, fmt.Errorf("%s: unknown state backend %q: use file or git", where(st.Backend.Pos), st.Backend.Value)
	}
	p := DefaultPath
	if st.Path.Set {
		p = st.Path.Value
		clean := path.Clean(p)
		if p == "" || !filepath.IsLocal(filepath.FromSlash(clean)) || strings.Contains(p, `\`) || clean == "." {
			return nil, fmt.Errorf("%s: state path %q must be a file inside the calendar directory, such as %s", where(st.Path.Pos), p, DefaultPath)
		}
		p = clean
	}
	return &File{FS: dir, Path: p}, nil
}

func (f *File) path() string {
	if f.Path == "" {
		return DefaultPath
	}
	return f.Path
}

func (f *File) lockPath() string { return f.path() + ".lock" }

// display is a path inside the calendar as the user would type it.
func (f *File) display(p string) string {
	return filepath.Join(f.dir(), filepath.FromSlash(p))
}

func (f *File) dir() string {
	if f.FS == "" {
		return "."
	}
	return f.FS
}

// String is the state file's path as the user would type it.
func (f *File) String() string { return f.display(f.path()) }

func (f *File) root() (*os.Root, error) {
	r, err := os.OpenRoot(f.dir())
	if err != nil {
		return nil, fmt.Errorf("cannot open the calendar directory for the state: %w", err)
	}
	return r, nil
}

// Read returns the recorded state: New() with serial 0 when there is no state file yet, a
// *CorruptError when the file cannot be trusted and a *VersionError when a newer postctl wrote it.
func (f *File) Read() (*State, error) {
	r, err := f.root()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	s, _, err := f.read(r)
	return s, err
}

// read reads the state file; exists is false when there is none.
func (f *File) read(r *os.Root) (s *State, exists bool, err error) {
	data, err := r.ReadFile(f.path())
	if errors.Is(err, fs.ErrNotExist) {
		return New(), false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read the state: %w", err)
	}
	s, err = Decode(f.String(), data)
	return s, true, err
}

// CorruptError is a state file that cannot be trusted. It is never overwritten.
type CorruptError struct {
	Path      string
	Line, Col int // 0 when the problem has no single place
	Msg       string
}

func (e *CorruptError) Error() string {
	at := e.Path
	if e.Line > 0 {
		at += fmt.Sprintf(":%d:%d", e.Line, e.Col)
	}
	return fmt.Sprintf("%s: the state file is corrupt: %s; postctl will not overwrite it: repair it or restore it from a backup", at, e.Msg)
}

// VersionError is a state file written by a newer postctl. It is never overwritten.
type VersionError struct {
	Path    string
	Version int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s: written by a newer postctl (format %d); this postctl reads format %d: upgrade postctl", e.Path, e.Version, Version)
}

// Decode parses and checks a state file's contents; name says where they came from in errors.
// decodeValid decodes a well-formed state of a known shape in one pass.
func decodeValid(data []byte) (*State, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s State
	if err := dec.Decode(&s); err != nil || s.Version < 1 {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // trailing data
	}
	return &s, true
}

func Decode(name string, data []byte) (*State, error) {
	corrupt := func(off int64, format string, args ...any) error {
		e := &CorruptError{Path: name, Msg: fmt.Sprintf(format, args...)}
		if off >= 0 {
			e.Line, e.Col = lineCol(data, off)
		}
		return e
	}
	// The usual case, a valid file, decodes once; anything else takes the slower path below, which
	// finds out what is wrong and where.
	if s, ok := decodeValid(data); ok {
		if s.Version > Version {
			return nil, &VersionError{Path: name, Version: s.Version}
		}
		if s.check() == nil {
			if s.Publications == nil {
				s.Publications = map[string]*Publication{}
			}
			return s, nil
		}
	}
	var top map[string]json.RawMessage
	err := json.Unmarshal(data, &top)
	if err == nil && top == nil {
		return nil, corrupt(-1, "expected a JSON object, found null")
	}
	if err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case len(bytes.TrimSpace(data)) == 0:
			return nil, corrupt(-1, "the file is empty")
		case errors.As(err, &se):
			off := se.Offset
			if strings.HasPrefix(se.Error(), "invalid character") {
				off-- // the offset is just past the character
			}
			return nil, corrupt(off, "%s", strings.TrimPrefix(se.Error(), "json: "))
		case errors.As(err, &te):
			return nil, corrupt(-1, "expected a JSON object, found %s", te.Value)
		}
		return nil, corrupt(-1, "%v", err)
	}
	// The version first: a newer format may have any shape.
	rawVersion, ok := top["version"]
	if !ok {
		return nil, corrupt(-1, "no version")
	}
	var version int
	if err := json.Unmarshal(rawVersion, &version); err != nil || version < 1 {
		return nil, corrupt(locate(data, "version"), "version %s: expected a format number such as %d", rawVersion, Version)
	}
	if version > Version {
		return nil, &VersionError{Path: name, Version: version}
	}

	// Unknown fields are refused: rewriting the file without them would lose what they record.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s State
	if err := dec.Decode(&s); err != nil {
		// A record's own decoding says which address it is at, which the decoder's path leaves out.
		if off, msg, ok := recordError(data); ok {
			return nil, corrupt(off, "%s", msg)
		}
		off, msg := explain(data, 0, "", err)
		return nil, corrupt(off, "%s", msg)
	}
	if err := s.check(); err != nil {
		var ce *checkError
		if errors.As(err, &ce) {
			off := locate(data, ce.at...)
			if ce.key {
				off = locateKeyOf(data, ce.at...)
			}
			return nil, corrupt(off, "%s", ce.msg)
		}
		return nil, corrupt(-1, "%v", err)
	}
	if s.Publications == nil {
		s.Publications = map[string]*Publication{}
	}
	return &s, nil
}

// recordError decodes each publication on its own and explains the first that fails.
func recordError(data []byte) (off int64, msg string, ok bool) {
	var top struct {
		Publications map[string]json.RawMessage `json:"publications"`
	}
	if json.Unmarshal(data, &top) != nil {
		return 0, "", false
	}
	addrs := make([]string, 0, len(top.Publications))
	for a := range top.Publications {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		raw := top.Publications[addr]
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var p *Publication
		if err := dec.Decode(&p); err != nil {
			base := locate(data, "publications", addr)
			if base < 0 {
				return 0, "", false
			}
			off, msg := explain(raw, base, fmt.Sprintf("publications[%q]", addr), err)
			return off, msg, true
		}
	}
	return 0, "", false
}

// explain turns a decoding error of data, found at offset base of the file, into a message and the
// offset it is about (-1: none). prefix names where data is.
func explain(data []byte, base int64, prefix string, err error) (int64, string) {
	at := func(off int64) int64 {
		if off < 0 {
			return -1
		}
		return base + off
	}
	field := func(f string) string {
		switch {
		case prefix == "" && f == "":
			return "the state"
		case prefix == "":
			return f
		case f == "":
			return prefix
		}
		return prefix + "." + f
	}
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	msg := strings.TrimPrefix(err.Error(), "json: ")
	switch {
	case errors.As(err, &te):
		off := int64(-1)
		if te.Field != "" {
			off = locate(data, strings.Split(te.Field, ".")...)
		}
		return at(off), fmt.Sprintf("%s: expected %s, found %s", field(te.Field), jsonType(te.Type.String()), te.Value)
	case errors.As(err, &pe):
		value := strings.Trim(pe.Value, `"`)
		off := int64(bytes.Index(data, []byte(strconv.Quote(value))))
		return at(off), fmt.Sprintf("%s: %q is not an RFC 3339 time such as 2026-12-01T09:00:00Z", field(""), value)
	}
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		msg = "unknown field " + name
		if prefix != "" {
			msg = prefix + ": " + msg
		}
		return at(locateKey(data, strings.Trim(name, `"`))), msg
	}
	return -1, field("") + ": " + msg
}

// checkError is a problem in a decoded state and the JSON keys that lead to it.
type checkError struct {
	at  []string
	msg string
	key bool // about the last key itself rather than its value
}

func (e *checkError) Error() string { return e.msg }

// check verifies what the JSON types cannot: what Read accepts and what Write writes are the same.
func (s *State) check() error {
	if s.Lineage == "" {
		return &checkError{[]string{"lineage"}, "no lineage", false}
	}
	if s.Serial == 0 {
		return &checkError{[]string{"serial"}, "serial 0: a written state has serial 1 or more", false}
	}
	for _, addr := range s.Addresses() {
		p := s.Publications[addr]
		post, channel, err := SplitAddress(addr)
		switch {
		case err != nil:
			return &checkError{[]string{"publications", addr}, fmt.Sprintf("publications: key %q is not post-id@channel", addr), true}
		case p == nil:
			return &checkError{[]string{"publications", addr}, fmt.Sprintf("publications[%q] is null", addr), false}
		case p.Post != post || p.Channel != channel:
			return &checkError{[]string{"publications", addr}, fmt.Sprintf("publications[%q] records post %q on channel %q, not those of its address", addr, p.Post, p.Channel), false}
		case !knownStatus(p.Status):
			return &checkError{[]string{"publications", addr, "status"}, fmt.Sprintf("publications[%q]: unknown status %q: expected %s", addr, p.Status, statusList()), false}
		}
	}
	return nil
}

var allStatuses = []Status{Scheduled, Published, Pending, Cancelled, Held, Missed, Failed}

func knownStatus(st Status) bool {
	for _, s := range allStatuses {
		if s == st {
			return true
		}
	}
	return false
}

func statusList() string {
	names := make([]string, len(allStatuses))
	for i, s := range allStatuses {
		names[i] = string(s)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Encode is the state file's contents: indented JSON with sorted map keys and a final newline,
// so that a state kept in git diffs line by line.
func Encode(s *State) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // URLs with & stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write replaces the state file with s if its serial on disk is still expect (0: no file yet),
// else it returns an error wrapping ErrConflict. It sets s.Serial to expect+1. The file is
// replaced atomically and durably: a crash leaves the old state or the new one, never a mix.
// An unreadable or newer state file on disk is never overwritten.
//
// The serial check and the replacement are not one atomic step: runs that write exclude each
// other with Lock, and the serial catches a state that changed since it was read.
func (f *File) Write(s *State, expect uint64) error {
	r, err := f.root()
	if err != nil {
		return err
	}
	defer r.Close()
	cur, exists, err := f.current(r)
	if err != nil {
		return err
	}
	if cur.serial != expect {
		return fmt.Errorf("%s is at serial %d, not %d: another run wrote it since it was read: %w", f, cur.serial, expect, ErrConflict)
	}
	if s.Lineage == "" {
		s.Lineage = cur.lineage // a fresh lineage when there is no file
	} else if exists && s.Lineage != cur.lineage {
		return fmt.Errorf("%s has lineage %s, not %s: it was replaced by another state since it was read: %w", f, cur.lineage, s.Lineage, ErrConflict)
	}
	if s.Publications == nil {
		s.Publications = map[string]*Publication{}
	}
	oldVersion, oldSerial := s.Version, s.Serial
	s.Version, s.Serial = Version, expect+1
	data, err := f.encodeChecked(s)
	if err == nil {
		err = writeAtomic(r, f.path(), data)
	}
	if err != nil {
		s.Version, s.Serial = oldVersion, oldSerial
		return err
	}
	f.mu.Lock()
	f.last = &written{data: data, serial: s.Serial, lineage: s.Lineage}
	f.mu.Unlock()
	return nil
}

// current is the serial and lineage of the state file on disk (serial 0 and a fresh lineage
// when there is none), from the bytes this File last wrote when the file still holds them.
func (f *File) current(r *os.Root) (cur written, exists bool, err error) {
	data, err := r.ReadFile(f.path())
	if errors.Is(err, fs.ErrNotExist) {
		return written{lineage: New().Lineage}, false, nil
	}
	if err != nil {
		return written{}, false, fmt.Errorf("read the state: %w", err)
	}
	f.mu.Lock()
	last := f.last
	f.mu.Unlock()
	if last != nil && bytes.Equal(data, last.data) {
		return *last, true, nil
	}
	s, err := Decode(f.String(), data)
	if err != nil {
		return written{}, true, err
	}
	return written{serial: s.Serial, lineage: s.Lineage}, true, nil
}

func (f *File) encodeChecked(s *State) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("refusing to write an invalid state to %s: %w", f, err)
	}
	return Encode(s)
}

// syncFile is a seam for tests of a write that fails half-way.
var syncFile = (*os.File).Sync

// writeAtomic writes data to a temporary file beside name, syncs it, renames it over name and
// syncs the directory, so that the rename itself survives a crash.
func writeAtomic(r *os.Root, name string, data []byte) (err error) {
	dir := path.Dir(name)
	if err := r.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the state directory: %w", err)
	}
	tmp := name + ".tmp-" + randomHex(6)
	t, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write the state: %w", err)
	}
	defer func() {
		if err != nil {
			t.Close()
			r.Remove(tmp)
			err = fmt.Errorf("write the state (the previous state is unchanged): %w", err)
		}
	}()
	if err = t.Chmod(0o644); err != nil && runtime.GOOS != "windows" { // whatever the umask
		return err
	}
	if _, err = t.Write(data); err != nil {
		return err
	}
	if err = syncFile(t); err != nil {
		return err
	}
	if err = t.Close(); err != nil {
		return err
	}
	if err = r.Rename(tmp, name); err != nil {
		return err
	}
	return syncDir(r, dir)
}

func syncDir(r *os.Root, dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be synced there; NTFS journals the rename
	}
	d, err := r.Open(dir)
	if err != nil {
		return fmt.Errorf("sync the state directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return fmt.Errorf("sync the state directory: %w", err)
	}
	return nil
}

// LockInfo says who holds the state lock. The caller fills it in (its clock, user and host);
// Lock gives it an ID when it has none.
type LockInfo struct {
	ID        string    `json:"id"`
	Who       string    `json:"who"`       // user@host
	Operation string    `json:"operation"` // the command: plan, apply, state mv, ...
	Version   string    `json:"version"`   // postctl's version
	Created   time.Time `json:"created"`
}

// Lock is a held state lock.
type Lock struct {
	Info     LockInfo
	file     *File
	released bool
}

// NoLock returns a Lock that holds nothing and whose Unlock does nothing, for a backend that keeps
// runs apart some other way (the git backend's push).
func NoLock(info LockInfo) *Lock {
	if info.ID == "" {
		info.ID = NewLockID()
	}
	return &Lock{Info: info}
}

// LockedError says another run holds the state lock. It unwraps to ErrConflict.
type LockedError struct {
	Path string // the lock file
	Dir  string // the calendar directory, for the unlock command
	Info LockInfo
	Err  error // why the lock file could not be read; Info is empty then
}

func (e *LockedError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("state is locked, but the lock file %s cannot be read (%v): another run may be in progress; if none is, delete %s", e.Path, e.Err, e.Path)
	}
	unlock := "postctl unlock " + e.Info.ID
	if e.Dir != "." && e.Dir != "" {
		unlock += " --dir " + shellQuote(e.Dir)
	}
	return fmt.Sprintf("state is locked by %s: another run is in progress; if it crashed, run: %s", e.Info.describe(), unlock)
}

func (e *LockedError) Unwrap() error { return ErrConflict }

// describe is "ana@laptop (plan, since 2026-11-22 14:05:00 UTC, lock ID 3f2a…)".
func (i LockInfo) describe() string {
	who := i.Who
	if who == "" {
		who = "an unknown user"
	}
	var parts []string
	if i.Operation != "" {
		parts = append(parts, i.Operation)
	}
	if !i.Created.IsZero() {
		parts = append(parts, "since "+i.Created.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	if i.Version != "" {
		parts = append(parts, "postctl "+i.Version)
	}
	parts = append(parts, "lock ID "+i.ID)
	return who + " (" + strings.Join(parts, ", ") + ")"
}

// String describes the holder as the lock messages do.
func (i LockInfo) String() string { return i.describe() }

// NewLockID returns a random lock ID.
func NewLockID() string { return randomHex(8) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// Lock takes the state lock for a run, or returns a *LockedError naming its holder.
func (f *File) Lock(info LockInfo) (*Lock, error) {
	if info.ID == "" {
		info.ID = NewLockID()
	}
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	r, err := f.root()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if err := r.MkdirAll(path.Dir(f.lockPath()), 0o755); err != nil {
		return nil, fmt.Errorf("create the state directory: %w", err)
	}
	var lf *os.File
	for attempt := 0; ; attempt++ {
		lf, err = r.OpenFile(f.lockPath(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
		held, rerr := f.readLockSettled(r)
		if errors.Is(rerr, fs.ErrNotExist) && attempt < 3 {
			continue // released a moment ago: try again
		}
		le := &LockedError{Path: f.display(f.lockPath()), Dir: f.dir(), Err: rerr}
		if held != nil {
			le.Info = *held
		}
		return nil, le
	}
	if err != nil {
		return nil, fmt.Errorf("take the state lock: %w", err)
	}
	if _, err = lf.Write(data); err == nil {
		err = syncFile(lf)
	}
	if cerr := lf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.Remove(f.lockPath())
		return nil, fmt.Errorf("take the state lock: %w", err)
	}
	return &Lock{Info: info, file: f}, nil
}

// readLockSettled reads a lock file that another run may have created a moment ago and not yet
// written: an empty or partial file is read again for a short while.
func (f *File) readLockSettled(r *os.Root) (*LockInfo, error) {
	var err error
	for i := 0; i < 20; i++ {
		var info *LockInfo
		info, err = readLock(r, f.lockPath())
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return info, err
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil, err
}

func readLock(r *os.Root, name string) (*LockInfo, error) {
	data, err := r.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var info LockInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("not a lock: %w", err)
	}
	if info.ID == "" {
		return nil, errors.New("not a lock: no id")
	}
	return &info, nil
}

// LockHolder returns who holds the state lock, or nil when it is free.
func (f *File) LockHolder() (*LockInfo, error) {
	r, err := f.root()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	info, err := readLock(r, f.lockPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the lock file %s cannot be read (%v): if no run is in progress, delete it", f.display(f.lockPath()), err)
	}
	return info, nil
}

// Unlock releases the lock. It leaves the lock file alone when it no longer holds this run's ID:
// someone forced it open and another run may hold it now.
func (l *Lock) Unlock() error {
	if l.released {
		return nil
	}
	if l.file == nil { // NoLock: nothing is held
		l.released = true
		return nil
	}
	r, err := l.file.root()
	if err != nil {
		return err
	}
	defer r.Close()
	held, err := readLock(r, l.file.lockPath())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.released = true
		return fmt.Errorf("the state lock (lock ID %s) was removed while this run held it, by postctl unlock or by hand: check the state with postctl state list", l.Info.ID)
	case err != nil:
		return fmt.Errorf("release the state lock: %w", err)
	case held.ID != l.Info.ID:
		l.released = true
		return fmt.Errorf("the state lock was forced open while this run held it (lock ID %s) and is now held by %s: check the state with postctl state list", l.Info.ID, held.describe())
	}
	if err := r.Remove(l.file.lockPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("release the state lock: %w", err)
	}
	l.released = true
	return nil
}

// ForceUnlock removes the state lock of a run that crashed. id must be the lock's ID, so that a
// lock taken since by another run is not removed by mistake.
func (f *File) ForceUnlock(id string) error {
	held, err := f.LockHolder()
	if err != nil {
		return err
	}
	if held == nil {
		return fmt.Errorf("the state is not locked: there is no %s", f.display(f.lockPath()))
	}
	if held.ID != id {
		return fmt.Errorf("lock ID %q does not match: the state is locked by %s; check that run has stopped before unlocking it", id, held.describe())
	}
	r, err := f.root()
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Remove(f.lockPath()); err != nil {
		return fmt.Errorf("remove the state lock: %w", err)
	}
	return nil
}

// lineCol turns a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// locate finds the offset of the value at a path of object keys, or -1.
func locate(data []byte, keys ...string) int64 {
	_, v := locatePath(data, keys)
	return v
}

// locateKeyOf finds the offset of the last key of a path of object keys, or -1.
func locateKeyOf(data []byte, keys ...string) int64 {
	k, _ := locatePath(data, keys)
	return k
}

func locatePath(data []byte, keys []string) (keyOff, off int64) {
	dec := json.NewDecoder(bytes.NewReader(data))
	keyOff, off = -1, -1
	for depth, key := range keys {
		t, err := dec.Token()
		if err != nil || t != json.Delim('{') {
			return keyOff, off
		}
		found := false
		for dec.More() {
			before := dec.InputOffset()
			k, err := dec.Token()
			if err != nil {
				return keyOff, off
			}
			if k == key {
				found = true
				keyOff = valueStart(data, before)
				break
			}
			if skipValue(dec) != nil {
				return keyOff, off
			}
		}
		if !found {
			return keyOff, off
		}
		off = valueStart(data, dec.InputOffset())
		if depth == len(keys)-1 {
			return keyOff, off
		}
	}
	return keyOff, off
}

// locateKey finds the first object key named key at any depth, or -1.
func locateKey(data []byte, key string) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	var objects []bool // whether each open container is an object
	expectKey := false
	for {
		before := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return -1
		}
		switch t {
		case json.Delim('{'):
			objects = append(objects, true)
			expectKey = true
			continue
		case json.Delim('['):
			objects = append(objects, false)
			expectKey = false
			continue
		case json.Delim('}'), json.Delim(']'):
			objects = objects[:len(objects)-1]
		default:
			if expectKey {
				if s, ok := t.(string); ok && s == key {
					return valueStart(data, before)
				}
				expectKey = false
				continue
			}
		}
		expectKey = len(objects) > 0 && objects[len(objects)-1]
	}
}

func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

// valueStart skips the separators and spaces after off: where the next token begins.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
		off++
	}
	return off
}

// jsonType names a Go type by the JSON a person would write for it.
func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "state."), strings.HasPrefix(goType, "*state."):
		return "an object"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "uint"):
		return "a whole number, 0 or more"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case goType == "time.Time":
		return "an RFC 3339 time"
	}
	return "a string"
}

// shellQuote quotes a directory for the command a message suggests.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
