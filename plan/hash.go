package plan

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"runtime"
	"sync"
	"weak"

	"github.com/postctl/postctl/calendar"
)

// ContentHash is the SHA-256 (hex) of what a publication sends: the post's text for the channel
// (with its override), its media (path, alt text and a hash of the file's bytes) and each thread
// item's text and media. The time is not part of it: state records it apart. Each field is
// length-prefixed, so that no two different contents hash alike, and the hash is stable across
// runs and machines. Each media file is read once per loaded calendar.
func ContentHash(cal *calendar.Calendar, p *calendar.Post, channel string) string {
	return newHasher(cal).hash(p, channel)
}

// hasher computes content hashes with one buffer and the calendar's media hashes at hand.
type hasher struct {
	cal   *calendar.Calendar
	media *mediaHashes
	buf   []byte
}

func newHasher(cal *calendar.Calendar) *hasher {
	return &hasher{cal: cal, media: mediaHashesOf(cal)}
}

func (h *hasher) hash(p *calendar.Post, channel string) string {
	h.buf = h.buf[:0]
	h.field("text", p.TextFor(channel).Value)
	h.mediaFields(p.Media)
	for _, t := range p.Thread {
		h.field("thread", t.Text.Value)
		h.mediaFields(t.Media)
	}
	sum := sha256.Sum256(h.buf)
	return hex.EncodeToString(sum[:])
}

func (h *hasher) mediaFields(list []calendar.Media) {
	for _, m := range list {
		h.field("media", m.File.Value)
		h.field("alt", m.Alt.Value)
		h.field("bytes", h.media.hash(h.cal, m.File.Value))
	}
}

// field appends a tag and a length-prefixed value.
func (h *hasher) field(tag, value string) {
	h.buf = append(h.buf, tag...)
	h.buf = binary.BigEndian.AppendUint64(h.buf, uint64(len(value)))
	h.buf = append(h.buf, value...)
}

// mediaHashes caches the hashes of one calendar's media files by path.
type mediaHashes struct {
	mu sync.Mutex
	m  map[string]string
}

// mediaCache maps a loaded calendar (weakly, so that it can be collected) to its media hashes.
var mediaCache sync.Map // weak.Pointer[calendar.Calendar] → *mediaHashes

// mediaHashesOf returns the cache of a calendar's media hashes; nil without a calendar.
func mediaHashesOf(cal *calendar.Calendar) *mediaHashes {
	if cal == nil || cal.FS() == nil {
		return nil
	}
	wp := weak.Make(cal)
	v, ok := mediaCache.Load(wp)
	if !ok {
		var loaded bool
		v, loaded = mediaCache.LoadOrStore(wp, &mediaHashes{m: map[string]string{}})
		if !loaded {
			runtime.AddCleanup(cal, func(k weak.Pointer[calendar.Calendar]) { mediaCache.Delete(k) }, wp)
		}
	}
	return v.(*mediaHashes)
}

// hash is the hex SHA-256 of a media file's bytes, or a marker when it cannot be read (validate
// reports that).
func (mh *mediaHashes) hash(cal *calendar.Calendar, name string) string {
	if mh == nil {
		return "unreadable"
	}
	mh.mu.Lock()
	defer mh.mu.Unlock()
	if sum, ok := mh.m[name]; ok {
		return sum
	}
	sum := "unreadable"
	if f, err := cal.FS().Open(name); err == nil {
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			sum = hex.EncodeToString(h.Sum(nil))
		}
		f.Close()
	}
	mh.m[name] = sum
	return sum
}
