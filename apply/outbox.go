package apply

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// DefaultOutboxDir is where the outbox provider writes, inside the calendar, when the channel
// names no dir.
const DefaultOutboxDir = ".postctl/outbox"

// Outbox is the offline provider: each publication becomes one JSON file,
// DIR/CHANNEL/POST-ID.json inside the calendar. The file is written once: its existence is the
// publication, and the key inside it makes a repeat a no-op (the same key) or a refusal (another
// content under the same address).
type Outbox struct {
	Root    string           // the calendar directory on disk
	Dir     string           // slash-separated, inside Root; default DefaultOutboxDir
	Now     func() time.Time // default time.Now
	Channel string
}

var _ Provider = (*Outbox)(nil)

// OutboxFile is one publication as the outbox writes it.
type OutboxFile struct {
	Address     string        `json:"address"`
	Key         string        `json:"key"`
	Text        string        `json:"text"`
	Thread      []OutboxPart  `json:"thread"`
	Media       []OutboxMedia `json:"media"`
	PublishAt   time.Time     `json:"publish_at"`
	PublishedAt time.Time     `json:"published_at"`
}

type OutboxPart struct {
	Text  string        `json:"text"`
	Media []OutboxMedia `json:"media"`
}

type OutboxMedia struct {
	Path string `json:"path"`
	Alt  string `json:"alt"`
}

// CheckOutboxDir checks a channel's dir setting: a directory inside the calendar.
func CheckOutboxDir(dir string) (string, error) {
	if dir == "" {
		return DefaultOutboxDir, nil
	}
	clean := path.Clean(dir)
	if !filepath.IsLocal(filepath.FromSlash(clean)) || strings.Contains(dir, `\`) || clean == "." {
		return "", fmt.Errorf("outbox dir %q must be a directory inside the calendar, such as %s", dir, DefaultOutboxDir)
	}
	return clean, nil
}

func (o *Outbox) dir() string {
	if o.Dir == "" {
		return DefaultOutboxDir
	}
	return o.Dir
}

func (o *Outbox) file(p *Publication) (string, error) {
	if p.Post == "" || strings.ContainsAny(p.Post, `/\`) || p.Post == "." || p.Post == ".." {
		return "", Permanent("post id %q cannot name an outbox file", p.Post)
	}
	ch := o.Channel
	if ch == "" {
		ch = p.Channel
	}
	return path.Join(o.dir(), ch, p.Post+".json"), nil
}

func (o *Outbox) result(name string, f *OutboxFile) *Result {
	// The remote id is the file's path inside the calendar; a file has no URL to share.
	return &Result{RemoteID: name, At: f.PublishedAt}
}

// read returns the outbox file, or nil when there is none.
func read(r *os.Root, name string) (*OutboxFile, error) {
	data, err := r.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f OutboxFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s is not an outbox file: %w", name, err)
	}
	return &f, nil
}

// Lookup says whether the publication's file exists with its key.
func (o *Outbox) Lookup(_ context.Context, p *Publication) (*Result, bool, error) {
	name, err := o.file(p)
	if err != nil {
		return nil, false, err
	}
	r, err := os.OpenRoot(o.Root)
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	f, err := read(r, name)
	if err != nil || f == nil {
		return nil, false, err
	}
	if f.Key != p.Key {
		return nil, false, Permanent("%s holds another publication (key %.12s, not %.12s)", name, f.Key, p.Key)
	}
	return o.result(name, f), true, nil
}

// Publish writes the publication's file: to a temporary file, synced, then linked to its name,
// which fails when the name exists (create-only), and the directory synced.
func (o *Outbox) Publish(_ context.Context, p *Publication) (*Result, error) {
	name, err := o.file(p)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(o.Root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if f, err := read(r, name); err != nil {
		return nil, err
	} else if f != nil {
		return o.existing(name, f, p)
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	out := OutboxFile{Address: p.Address, Key: p.Key, Text: p.Text, Thread: []OutboxPart{}, Media: outboxMedia(p.Media),
		PublishAt: p.At.UTC(), PublishedAt: now().UTC()}
	for _, t := range p.Thread {
		out.Thread = append(out.Thread, OutboxPart{Text: t.Text, Media: outboxMedia(t.Media)})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	dir := path.Dir(name)
	if err := r.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	tmp := name + ".tmp-" + hex.EncodeToString(suffix[:])
	if err := writeSynced(r, tmp, buf.Bytes()); err != nil {
		r.Remove(tmp)
		return nil, err
	}
	err = r.Link(tmp, name)
	r.Remove(tmp)
	if errors.Is(err, fs.ErrExist) {
		f, rerr := read(r, name) // another run wrote it a moment ago
		if rerr != nil || f == nil {
			return nil, errors.Join(err, rerr)
		}
		return o.existing(name, f, p)
	}
	if err != nil {
		return nil, err
	}
	if err := syncDir(r, dir); err != nil {
		return nil, err
	}
	return o.result(name, &out), nil
}

// existing is a repeat: the earlier result with the same key, a refusal with another.
func (o *Outbox) existing(name string, f *OutboxFile, p *Publication) (*Result, error) {
	if f.Key != p.Key {
		return nil, Permanent("%s already holds another publication of %s (key %.12s, not %.12s): remove it to publish again", name, p.Address, f.Key, p.Key)
	}
	return o.result(name, f), nil
}

func outboxMedia(list []Media) []OutboxMedia {
	out := []OutboxMedia{}
	for _, m := range list {
		out = append(out, OutboxMedia{Path: m.Path, Alt: m.Alt})
	}
	return out
}

func writeSynced(r *os.Root, name string, data []byte) error {
	f, err := r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(r *os.Root, dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := r.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // some file systems cannot sync a directory; the link is there either way
	return nil
}
