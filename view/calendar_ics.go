package view

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/postctl/postctl/agenda"
)

// RenderCalendarICS writes `postctl calendar --format ics`: an RFC 5545 feed a team subscribes
// to. One VEVENT per publication, 15 minutes long at its time in UTC, and one all-day VEVENT
// per blackout. Every event is TRANSP:TRANSPARENT: a post going out is not a meeting, so the
// feed never makes anyone look busy.
//
// UID is a hash of the publication's address (post-id@channel), so every run gives an event the
// same UID and subscribed apps update it rather than add a duplicate; the hash keeps '.', '_',
// '-' and a statement's ':' out of the UID. A post moved to another channel is a new address,
// hence a new event.
//
// SEQUENCE is the seconds from 2020-01-01 UTC to the agenda's Now (capped at 2^31-1, in 2088).
// Nothing is stored between runs, and no number computed from the content alone can both stay
// put while it is unchanged and grow whenever it changes (an edit and its revert would have to
// be both larger and smaller than each other). So the feed says every event is at least as new
// as this run: an edit or a move always reaches apps that honour SEQUENCE (imports, Outlook,
// Thunderbird), at the cost of unchanged events being re-sent as updates, which subscriptions
// do anyway. Limits: two runs within one second share a number, and a clock set back lowers it.
// There is no LAST-MODIFIED: postctl does not know when a post was last edited.
//
// An empty agenda is a VCALENDAR with no component: calendar apps show an empty calendar,
// although RFC 5545's grammar asks for at least one component.
func RenderCalendarICS(s *Streams, a *agenda.Agenda) error {
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	brand := a.Brand
	if brand == "" {
		brand = "postctl"
	}
	// A feed of every publication runs to megabytes: written through a buffer, not built whole.
	w := &icsWriter{b: bufio.NewWriterSize(s.Out, 64<<10), stamp: icsTime(a.Now), seq: icsSequence(a.Now)}
	w.prop("BEGIN", "VCALENDAR")
	w.prop("PRODID", "-//postctl//postctl "+icsVersion()+"//EN")
	w.prop("VERSION", "2.0")
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", "PUBLISH")
	w.text("X-WR-CALNAME", brand)
	if loc != time.Local {
		w.text("X-WR-TIMEZONE", loc.String())
	}
	w.prop("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	w.prop("X-PUBLISHED-TTL", "PT1H")
	for _, e := range a.Entries {
		w.entry(a, e)
	}
	for _, b := range a.Blackouts {
		w.blackout(b, loc)
	}
	w.prop("END", "VCALENDAR")
	return w.b.Flush()
}

type icsWriter struct {
	b     *bufio.Writer
	stamp string // DTSTAMP: the agenda's Now
	seq   int64
}

// prop writes one content line whose value is already in iCalendar syntax.
func (w *icsWriter) prop(name, value string) { icsFoldTo(w.b, name+":"+value) }

// text writes a TEXT property, escaped.
func (w *icsWriter) text(name, value string) { w.prop(name, icsEscape(value)) }

// list writes a multi-valued TEXT property (CATEGORIES): each value escaped, empty and repeated
// values left out, nothing when none is left.
func (w *icsWriter) list(name string, values ...string) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, icsEscape(v))
		}
	}
	if len(out) > 0 {
		w.prop(name, strings.Join(out, ","))
	}
}

func (w *icsWriter) begin(uid string) {
	w.prop("BEGIN", "VEVENT")
	w.prop("UID", icsUID(uid))
	w.prop("DTSTAMP", w.stamp)
}

func (w *icsWriter) end() {
	w.prop("SEQUENCE", fmt.Sprint(w.seq))
	w.prop("TRANSP", "TRANSPARENT")
	w.prop("END", "VEVENT")
}

func (w *icsWriter) entry(a *agenda.Agenda, e agenda.Entry) {
	w.begin(e.Address)
	w.prop("DTSTART", icsTime(e.At))
	w.prop("DURATION", "PT15M")
	title := e.Title
	if title == "" {
		title = e.Post
	}
	w.text("SUMMARY", icsPrefix[e.Status]+"["+e.Channel+"] "+title)
	w.text("DESCRIPTION", icsDescription(a, e))
	var crisis string
	if e.Statement {
		crisis = "crisis"
	}
	w.list("CATEGORIES", append([]string{e.Pillar, e.Campaign, crisis}, e.Tags...)...)
	w.prop("STATUS", icsStatus(e.Status))
	if u, ok := icsURL(e); ok {
		w.prop("URL", u)
	}
	w.end()
}

// blackout is an all-day event over the blackout's days; one that starts or ends inside a day
// keeps its exact bounds instead.
func (w *icsWriter) blackout(b agenda.Span, loc *time.Location) {
	w.begin("blackout\x00" + b.Name + "\x00" + b.From.UTC().Format(time.RFC3339))
	if midnight(b.From, loc) && midnight(b.To, loc) {
		w.prop("DTSTART;VALUE=DATE", b.From.In(loc).Format("20060102"))
		w.prop("DTEND;VALUE=DATE", b.To.In(loc).Format("20060102"))
	} else {
		w.prop("DTSTART", icsTime(b.From))
		w.prop("DTEND", icsTime(b.To))
	}
	w.text("SUMMARY", "Blackout: "+b.Name)
	var d []string
	if b.Reason != "" {
		d = append(d, b.Reason)
	}
	if len(b.Channels) > 0 {
		d = append(d, "Channels: "+strings.Join(b.Channels, ", "))
	}
	if len(d) > 0 {
		w.text("DESCRIPTION", strings.Join(d, "\n"))
	}
	w.list("CATEGORIES", "blackout")
	w.end()
}

func midnight(t time.Time, loc *time.Location) bool {
	h, m, s := t.In(loc).Clock()
	return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0
}

// icsPrefix marks, in the title, the publications that will not go out as planned.
var icsPrefix = map[agenda.Status]string{
	agenda.Held:    "HELD: ",
	agenda.Missed:  "MISSED: ",
	agenda.Draft:   "DRAFT: ",
	agenda.Blocked: "BLOCKED: ",
}

// icsStatus: CONFIRMED once it is on the platform (scheduled or published), CANCELLED when it
// will not go out (missed, draft), TENTATIVE while it still may (upcoming, due, blocked, unknown,
// and held: a held post comes back when its hold ends, and calendar apps hide cancelled events,
// so the team would no longer see what the crisis or blackout holds).
func icsStatus(s agenda.Status) string {
	switch s {
	case agenda.Scheduled, agenda.Published:
		return "CONFIRMED"
	case agenda.Missed, agenda.Draft:
		return "CANCELLED"
	}
	return "TENTATIVE"
}

// icsURL is the published post's address, when it is an http(s) URL a URI value can carry as is.
func icsURL(e agenda.Entry) (string, bool) {
	if e.Status != agenda.Published || e.URL == "" {
		return "", false
	}
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.ContainsFunc(e.URL, func(r rune) bool { return r <= ' ' || r == 0x7f || r > '~' }) {
		return "", false
	}
	return e.URL, true
}

// icsDescription is the post as published (each part of a thread, with its media's alt texts),
// then its status, length, URL, file and address.
func icsDescription(a *agenda.Agenda, e agenda.Entry) string {
	var b strings.Builder
	parts := append([]agenda.Part{{Text: e.Text, Media: e.Media, Length: e.Length}}, e.Thread...)
	if e.Text == "" && len(e.Media) == 0 && len(e.Thread) == 0 {
		parts = nil
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteString("\n")
		}
		if len(parts) > 1 {
			fmt.Fprintf(&b, "%d/%d (%s)\n", i+1, len(parts), icsLength(p.Length, e))
		}
		b.WriteString(strings.TrimRight(p.Text, "\r\n")) // a YAML block's final newline
		for _, m := range p.Media {
			alt := m.Alt
			if alt == "" {
				alt = "no alt text"
			}
			fmt.Fprintf(&b, "\n[%s: %s] %s", mediaKind(m.File), alt, m.File)
		}
		b.WriteString("\n")
	}
	if len(parts) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("Status: " + string(e.Status))
	if e.Reason != "" {
		b.WriteString(" (" + e.Reason + ")")
	}
	if len(parts) <= 1 {
		b.WriteString("\nLength: " + icsLength(e.Length, e))
	}
	if e.Statement && a.Crisis != nil {
		fmt.Fprintf(&b, "\nHolding statement of the active crisis: %s", a.Crisis.Name)
	}
	if e.URL != "" {
		b.WriteString("\nURL: " + e.URL)
	}
	if e.File != "" {
		b.WriteString("\nFile: " + e.File)
	}
	b.WriteString("\nAddress: " + e.Address)
	return b.String()
}

// icsLength is "281/300 graphemes", with how far over the limit it is.
func icsLength(n int, e agenda.Entry) string {
	unit := e.Unit
	if unit == "" {
		unit = "characters"
	}
	if e.Limit <= 0 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	s := fmt.Sprintf("%d/%d %s", n, e.Limit, unit)
	if n > e.Limit {
		s += fmt.Sprintf(", %d over the limit", n-e.Limit)
	}
	return s
}

func mediaKind(file string) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".mp4", ".m4v", ".mov", ".webm":
		return "video"
	case ".mp3", ".m4a", ".ogg", ".opus", ".wav", ".flac":
		return "audio"
	}
	return "image"
}

// icsUID is a stable, valid UID for key: hex of its SHA-256 (first 16 bytes) at postctl.
func icsUID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@postctl"
}

// icsTime is a DATE-TIME in UTC ("Z" form).
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

var icsEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// icsSequence is every event's SEQUENCE: see RenderCalendarICS.
func icsSequence(now time.Time) int64 {
	return min(max(int64(now.Sub(icsEpoch)/time.Second), 0), math.MaxInt32)
}

func icsVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// icsEscape writes s as an RFC 5545 TEXT value: backslash, semicolon and comma escaped, line
// breaks (LF, CRLF or CR) as \n. Control characters other than tab cannot appear in TEXT and
// are dropped; invalid UTF-8 becomes U+FFFD.
func icsEscape(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t' || (r >= ' ' && r != 0x7f):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icsLineMax is the most octets on one line, without its CRLF (RFC 5545 3.1).
const icsLineMax = 75

// icsFold ends a content line with CRLF, folded so no line is longer than 75 octets:
// continuation lines start with one space. It never splits a UTF-8 sequence, nor an escape
// ("\," "\n"…) from its backslash, which strict parsers could misread.
func icsFold(line string) string {
	var b strings.Builder
	b.Grow(len(line) + len(line)/icsLineMax*3 + 2)
	icsFoldTo(&b, line)
	return b.String()
}

// icsFoldTo writes the folded line to b.
func icsFoldTo(b io.StringWriter, line string) {
	if len(line) <= icsLineMax {
		b.WriteString(line)
		b.WriteString("\r\n")
		return
	}
	n := 0 // octets on the current line
	for i := 0; i < len(line); {
		_, size := utf8.DecodeRuneInString(line[i:])
		if line[i] == '\\' && i+1 < len(line) {
			_, next := utf8.DecodeRuneInString(line[i+1:])
			size += next
		}
		if n+size > icsLineMax {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteString(line[i : i+size])
		n += size
		i += size
	}
	b.WriteString("\r\n")
}
