package view

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	// A real iCalendar parser, used by these tests only: the feed must be read back by
	// something other than the code that wrote it.
	ical "github.com/emersion/go-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/agenda"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A long line of two-, three- and four-byte runes: its folds fall inside multi-byte sequences
// unless the writer takes care.
const icsLong = "Ünïcödé everywhere: 咖啡豆は焙煎したてが一番おいしい。新しいブレンドを試してください！ " +
	"☕🫘🔥 and a very long tail of text so the DESCRIPTION folds many times over, well past 75 octets; " +
	"ẞ ß Ω 😀😃😄😁😆😅🤣😂🙂🙃"

func icsSample(t testing.TB) *agenda.Agenda {
	berlin := mustLoad(t, "Europe/Berlin")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	return &agenda.Agenda{
		Brand:    `Röstwerk; Kaffee, Berlin \ Mitte`,
		Location: berlin,
		From:     at("2027-03-01 00:00"),
		To:       at("2027-04-01 00:00"),
		Now:      time.Date(2027, 3, 10, 9, 30, 0, 0, time.UTC),
		Channels: []agenda.Channel{{ID: "masto", Provider: "mastodon", Platform: "mastodon"}, {ID: "bsky", Provider: "bluesky", Platform: "bluesky"}},
		Pillars:  []string{"product", "community"},
		Entries: []agenda.Entry{
			{
				Address: "launch.v2_final-cut@masto", Post: "launch.v2_final-cut", Channel: "masto",
				Title: "Spring launch; beans, grinders & more", At: at("2027-03-02 09:00"),
				File: "posts/2027-03/launch.yaml", Pillar: "product", Campaign: "spring-27", Tags: []string{"launch", "promo"},
				Status: agenda.Published, URL: "https://social.example/@roest/1099",
				Text:   "Our spring blend is here: bright, fruity; a little wild.\nPath: C:\\beans\\spring\n\nTry it → https://roest.example/spring",
				Media:  []agenda.Media{{File: "media/spring.jpg", Alt: "A bag of beans, red label; \"Spring\""}},
				Length: 130, Limit: 500, Unit: "characters",
			},
			{
				Address: "long-read@bsky", Post: "long-read", Channel: "bsky",
				Title: "咖啡 long read 🫘", At: at("2027-03-05 12:15"),
				File: "posts/2027-03/long-read.yaml", Pillar: "community", Tags: []string{"story", "tag,with comma"},
				Status: agenda.Held, Reason: "blackout Fasting week holds pillar product",
				Text: icsLong, Length: 320, Limit: 300, Unit: "graphemes",
				Thread: []agenda.Part{
					{Text: "2nd part, with a comma; and a semicolon", Length: 40},
					{Text: "3rd part 🎉", Media: []agenda.Media{{File: "media/clip.mp4"}}, Length: 10},
				},
			},
			{
				Address: "missed@masto", Post: "missed", Channel: "masto", Title: "Missed one", At: at("2027-03-08 18:00"),
				File: "posts/2027-03/missed.yaml", Status: agenda.Missed, Reason: "its time passed 2h ago", Text: "Late", Length: 4, Limit: 500, Unit: "characters",
			},
			{
				Address: "idea@bsky", Post: "idea", Channel: "bsky", Title: "", At: at("2027-03-12 10:00"),
				File: "drafts/idea.yaml", Status: agenda.Draft, Length: 0, Limit: 300, Unit: "graphemes",
			},
			{
				Address: "weekly@masto", Post: "weekly", Channel: "masto", Title: "Weekly roast", At: at("2027-03-15 08:00"),
				File: "posts/weekly.yaml", Pillar: "product", Status: agenda.Scheduled, Text: "Roast day!", Length: 10, Limit: 500, Unit: "characters",
			},
			{
				Address: "crisis:outage@masto", Post: "crisis:outage", Channel: "masto", Title: "Holding statement", At: at("2027-03-16 14:05"),
				File: "crisis/outage.yaml", Status: agenda.Due, Statement: true, Text: "We know the shop is down. Updates here.", Length: 39, Limit: 500, Unit: "characters",
			},
			{
				Address: "tasting@bsky", Post: "tasting", Channel: "bsky", Title: "Tasting night", At: at("2027-03-20 19:30"),
				File: "posts/tasting.yaml", Pillar: "community", Campaign: "spring-27", Status: agenda.Upcoming, Text: "Join us", Length: 7,
			},
		},
		Blackouts: []agenda.Span{
			{Name: "Fasting week", From: at("2027-03-05 00:00"), To: at("2027-03-07 00:00"), Reason: "No selling, please; be kind", Channels: []string{"masto", "bsky"}},
			{Name: "Maintenance", From: at("2027-03-25 22:00"), To: at("2027-03-26 06:00")},
		},
		Crisis: &agenda.Crisis{Playbook: "outage", Name: "Shop outage", Since: at("2027-03-16 13:00")},
	}
}

func renderICS(t testing.TB, a *agenda.Agenda) string {
	t.Helper()
	var out bytes.Buffer
	if err := RenderCalendarICS(&Streams{Out: &out}, a); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func parseICS(t testing.TB, s string) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(s)).Decode()
	if err != nil {
		t.Fatalf("the parser refuses the feed: %v\n%s", err, s)
	}
	return cal
}

func propText(t *testing.T, props ical.Props, name string) string {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		t.Errorf("no %s", name)
		return ""
	}
	if len(props.Values(name)) != 1 {
		t.Errorf("%d %s properties, want one", len(props.Values(name)), name)
	}
	s, err := p.Text()
	if err != nil {
		t.Errorf("%s: %v", name, err)
	}
	return s
}

// checkLines checks the physical lines: CRLF ends, at most 75 octets, no split UTF-8 sequence,
// continuation lines starting with one space.
func checkLines(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Errorf("the feed does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > icsLineMax {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
		if line == "" || line == " " {
			t.Errorf("line %d: bad continuation %q", i+1, line)
		}
	}
}

var uidRE = regexp.MustCompile(`^[0-9a-f]{32}@postctl$`)

func TestCalendarICSRoundTrip(t *testing.T) {
	a := icsSample(t)
	out := renderICS(t, a)
	checkLines(t, out)
	cal := parseICS(t, out)

	for name, want := range map[string]string{
		ical.PropVersion: "2.0", ical.PropProductID: "-//postctl//postctl dev//EN", ical.PropCalendarScale: "GREGORIAN",
		ical.PropMethod: "PUBLISH", "X-WR-CALNAME": a.Brand, "X-WR-TIMEZONE": "Europe/Berlin", "X-PUBLISHED-TTL": "PT1H",
	} {
		if got := propText(t, cal.Props, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if d, err := cal.Props.Get(ical.PropRefreshInterval).Duration(); err != nil || d != time.Hour {
		t.Errorf("REFRESH-INTERVAL = %v, %v; want 1h", d, err)
	}

	events := cal.Events()
	if len(events) != len(a.Entries)+len(a.Blackouts) {
		t.Fatalf("%d events, want %d", len(events), len(a.Entries)+len(a.Blackouts))
	}
	uids := map[string]bool{}
	for i, e := range a.Entries {
		ev := events[i]
		t.Run(e.Address, func(t *testing.T) {
			uid := propText(t, ev.Props, ical.PropUID)
			if !uidRE.MatchString(uid) || uids[uid] {
				t.Errorf("UID %q: not a fresh hex@postctl", uid)
			}
			uids[uid] = true
			if uid != icsUID(e.Address) {
				t.Errorf("UID %q is not derived from the address", uid)
			}
			if p := ev.Props.Get(ical.PropDateTimeStart); p == nil || !strings.HasSuffix(p.Value, "Z") {
				t.Errorf("DTSTART is not in UTC: %+v", p)
			}
			start, err := ev.DateTimeStart(nil)
			if err != nil || !start.Equal(e.At) {
				t.Errorf("DTSTART = %v (%v), want %v", start, err, e.At)
			}
			if end, err := ev.DateTimeEnd(nil); err != nil || end.Sub(start) != 15*time.Minute {
				t.Errorf("end = %v (%v), want 15 minutes after the start", end, err)
			}
			stamp, err := ev.Props.DateTime(ical.PropDateTimeStamp, nil)
			if err != nil || !stamp.Equal(a.Now) || !strings.HasSuffix(ev.Props.Get(ical.PropDateTimeStamp).Value, "Z") {
				t.Errorf("DTSTAMP = %v (%v), want %v in UTC", stamp, err, a.Now)
			}
			title := e.Title
			if title == "" {
				title = e.Post
			}
			if got, want := propText(t, ev.Props, ical.PropSummary), icsPrefix[e.Status]+"["+e.Channel+"] "+title; got != want {
				t.Errorf("SUMMARY = %q, want %q", got, want)
			}
			desc := propText(t, ev.Props, ical.PropDescription)
			if diff := cmp.Diff(icsDescription(a, e), desc); diff != "" {
				t.Errorf("DESCRIPTION does not round-trip (-want +got):\n%s", diff)
			}
			wantIn := []string{e.Text, "Status: " + string(e.Status), e.Reason, "File: " + e.File, "Address: " + e.Address}
			for _, p := range e.Thread {
				wantIn = append(wantIn, p.Text)
			}
			for _, m := range e.Media {
				wantIn = append(wantIn, m.Alt, m.File)
			}
			for _, s := range wantIn {
				if !strings.Contains(desc, s) {
					t.Errorf("DESCRIPTION lacks %q:\n%s", s, desc)
				}
			}
			var cats []string
			if p := ev.Props.Get(ical.PropCategories); p != nil {
				if cats, err = p.TextList(); err != nil {
					t.Error(err)
				}
			}
			var wantCats []string
			for _, c := range append([]string{e.Pillar, e.Campaign}, e.Tags...) {
				if c != "" {
					wantCats = append(wantCats, c)
				}
			}
			if e.Statement {
				wantCats = append(wantCats, "crisis")
			}
			if !cmp.Equal(cats, wantCats) {
				t.Errorf("CATEGORIES = %q, want %q", cats, wantCats)
			}
			if st, err := ev.Status(); err != nil || string(st) != icsStatus(e.Status) {
				t.Errorf("STATUS = %q (%v), want %q", st, err, icsStatus(e.Status))
			}
			u, err := ev.Props.URI(ical.PropURL)
			if e.Status == agenda.Published {
				if err != nil || u == nil || u.String() != e.URL {
					t.Errorf("URL = %v (%v), want %q", u, err, e.URL)
				}
			} else if u != nil {
				t.Errorf("URL %v on an unpublished post", u)
			}
			if n, err := ev.Props.Get(ical.PropSequence).Int(); err != nil || int64(n) != icsSequence(a.Now) {
				t.Errorf("SEQUENCE = %d (%v)", n, err)
			}
		})
	}

	// The blackouts: an all-day one and one with times.
	allDay, timed := events[len(a.Entries)], events[len(a.Entries)+1]
	if p := allDay.Props.Get(ical.PropDateTimeStart); p.ValueType() != ical.ValueDate || p.Value != "20270305" {
		t.Errorf("all-day DTSTART = %+v", p)
	}
	if p := allDay.Props.Get(ical.PropDateTimeEnd); p.ValueType() != ical.ValueDate || p.Value != "20270307" {
		t.Errorf("all-day DTEND = %+v (exclusive: the day after the last)", p)
	}
	for _, ev := range []ical.Event{allDay, timed} {
		if got := propText(t, ev.Props, ical.PropTransparency); got != "TRANSPARENT" {
			t.Errorf("TRANSP = %q", got)
		}
		if got := propText(t, ev.Props, ical.PropCategories); got != "blackout" {
			t.Errorf("CATEGORIES = %q", got)
		}
		if uid := propText(t, ev.Props, ical.PropUID); !uidRE.MatchString(uid) || uids[uid] {
			t.Errorf("blackout UID %q", uid)
		}
	}
	if got := propText(t, allDay.Props, ical.PropDescription); got != "No selling, please; be kind\nChannels: masto, bsky" {
		t.Errorf("blackout DESCRIPTION = %q", got)
	}
	start, err1 := timed.DateTimeStart(nil)
	end, err2 := timed.DateTimeEnd(nil)
	if err1 != nil || err2 != nil || !start.Equal(a.Blackouts[1].From) || !end.Equal(a.Blackouts[1].To) {
		t.Errorf("timed blackout %v–%v (%v, %v)", start, end, err1, err2)
	}

	// The long description folds inside multi-byte text.
	if !regexp.MustCompile(`[^\x00-\x7f]\r\n [^\x00-\x7f]`).MatchString(out) {
		t.Errorf("no fold between two multi-byte runes: the sample no longer tests it")
	}
}

// Every run gives the same UIDs: apps update events rather than duplicate them.
func TestCalendarICSStable(t *testing.T) {
	a := icsSample(t)
	first := renderICS(t, a)
	if again := renderICS(t, icsSample(t)); again != first {
		t.Errorf("two runs differ:\n%s", cmp.Diff(first, again))
	}
	b := icsSample(t)
	b.Now = b.Now.Add(10 * time.Minute)
	b.Entries[0].Text += " (edited)"
	b.Entries[1].At = b.Entries[1].At.Add(time.Hour)
	before, after := parseICS(t, first).Events(), parseICS(t, renderICS(t, b)).Events()
	for i, ev := range after[:len(b.Entries)] {
		old := before[i]
		if ev.Props.Get(ical.PropUID).Value != old.Props.Get(ical.PropUID).Value {
			t.Errorf("%s: UID changed", b.Entries[i].Address)
		}
		n, _ := ev.Props.Get(ical.PropSequence).Int()
		m, _ := old.Props.Get(ical.PropSequence).Int()
		if n <= m {
			t.Errorf("%s: SEQUENCE %d after %d: an edit or a move must raise it", b.Entries[i].Address, n, m)
		}
	}
}

func TestCalendarICSEmpty(t *testing.T) {
	a := &agenda.Agenda{Brand: "Empty", Location: mustLoad(t, "America/New_York"), Now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	out := renderICS(t, a)
	checkLines(t, out)
	cal := parseICS(t, out)
	if n := len(cal.Children); n != 0 {
		t.Errorf("%d components, want none", n)
	}
	if got := propText(t, cal.Props, "X-WR-TIMEZONE"); got != "America/New_York" {
		t.Errorf("X-WR-TIMEZONE = %q", got)
	}
	want := "BEGIN:VCALENDAR\r\nPRODID:-//postctl//postctl dev//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n" +
		"METHOD:PUBLISH\r\nX-WR-CALNAME:Empty\r\nX-WR-TIMEZONE:America/New_York\r\n" +
		"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\nEND:VCALENDAR\r\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// No brand, no zone: a name and UTC all the same.
	cal = parseICS(t, renderICS(t, &agenda.Agenda{}))
	if got := propText(t, cal.Props, "X-WR-CALNAME"); got != "postctl" {
		t.Errorf("X-WR-CALNAME = %q", got)
	}
	if got := propText(t, cal.Props, "X-WR-TIMEZONE"); got != "UTC" {
		t.Errorf("X-WR-TIMEZONE = %q", got)
	}
}

// Posts around the DST changes land on the right UTC instants, whatever zone their time was
// written in.
func TestCalendarICSDST(t *testing.T) {
	berlin, ny, tokyo := mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/New_York"), mustLoad(t, "Asia/Tokyo")
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 3, 28, 1, 30, 0, 0, berlin), "20270328T003000Z"}, // CET, before the change
		{time.Date(2027, 3, 28, 3, 30, 0, 0, berlin), "20270328T013000Z"}, // CEST, after it
		{time.Date(2027, 3, 27, 9, 0, 0, 0, berlin), "20270327T080000Z"},
		{time.Date(2027, 3, 29, 9, 0, 0, 0, berlin), "20270329T070000Z"},
		{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "20261025T013000Z"}, // 02:30 CET, the second one
		{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "20261025T003000Z"}, // 02:30 CEST, the first one
		{time.Date(2027, 3, 14, 1, 30, 0, 0, ny), "20270314T063000Z"},        // EST
		{time.Date(2027, 3, 14, 3, 30, 0, 0, ny), "20270314T073000Z"},        // EDT
		{time.Date(2027, 3, 15, 9, 0, 0, 0, tokyo), "20270315T000000Z"},
		{time.Date(2027, 3, 15, 9, 0, 0, 0, time.FixedZone("", -3*3600-30*60)), "20270315T123000Z"},
	}
	a := &agenda.Agenda{Brand: "DST", Location: berlin, Now: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	for i, c := range cases {
		a.Entries = append(a.Entries, agenda.Entry{Address: "p" + string(rune('a'+i)) + "@masto", Post: "p", Channel: "masto", At: c.at, Status: agenda.Upcoming})
	}
	events := parseICS(t, renderICS(t, a)).Events()
	for i, c := range cases {
		p := events[i].Props.Get(ical.PropDateTimeStart)
		if p.Value != c.want {
			t.Errorf("%v: DTSTART %s, want %s", c.at, p.Value, c.want)
		}
		if got, err := p.DateTime(nil); err != nil || !got.Equal(c.at) {
			t.Errorf("%v: parsed %v (%v)", c.at, got, err)
		}
	}
}

// UPDATE_GOLDEN=1 rewrites the golden file; read it after.
func TestCalendarICSGolden(t *testing.T) {
	golden(t, filepath.Join("testdata", "ics", "calendar.ics"), renderICS(t, icsSample(t)))
}

func TestICSEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"plain":                  "plain",
		`a\b`:                    `a\\b`,
		"a;b,c":                  `a\;b\,c`,
		"one\ntwo":               `one\ntwo`,
		"one\r\ntwo\rthree":      `one\ntwo\nthree`,
		"tab\there":              "tab\there",
		"bell\a nul\x00 del\x7f": "bell nul del",
		"bad \xff utf8":          "bad \uFFFD utf8",
		`\n is not a newline`:    `\\n is not a newline`,
		"咖啡, ☕; 🫘":               `咖啡\, ☕\; 🫘`,
	} {
		if got := icsEscape(in); got != want {
			t.Errorf("icsEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestICSFold(t *testing.T) {
	cases := []string{
		"",
		"SUMMARY:short",
		"DESCRIPTION:" + strings.Repeat("x", 63), // 75 octets: one line
		"DESCRIPTION:" + strings.Repeat("x", 64), // 76: folds
		"DESCRIPTION:" + strings.Repeat("x", 300), // many folds
		"DESCRIPTION:" + strings.Repeat("é", 100),
		"DESCRIPTION:" + strings.Repeat("咖", 100),
		"DESCRIPTION:x" + strings.Repeat("😀", 100), // 4-byte runes off the boundary
		"DESCRIPTION:" + strings.Repeat(`\,`, 100),
		"DESCRIPTION:" + strings.Repeat("x", 62) + `\n` + strings.Repeat("y", 80),
		"DESCRIPTION:" + icsEscape(icsLong),
	}
	for _, line := range cases {
		folded := icsFold(line)
		checkFolded(t, line, folded)
	}
	if got := icsFold("DESCRIPTION:" + strings.Repeat("x", 64)); got != "DESCRIPTION:"+strings.Repeat("x", 63)+"\r\n x\r\n" {
		t.Errorf("fold at 75 octets: %q", got)
	}
	// An escape stays with its backslash.
	if got := icsFold("DESCRIPTION:" + strings.Repeat("x", 62) + `\,y`); got != "DESCRIPTION:"+strings.Repeat("x", 62)+"\r\n \\,y\r\n" {
		t.Errorf("escape split: %q", got)
	}
}

// checkFolded checks one folded content line: CRLF ends, at most 75 octets a line, no split
// rune, and unfolding gives the line back.
func checkFolded(t testing.TB, line, folded string) {
	t.Helper()
	if !strings.HasSuffix(folded, "\r\n") {
		t.Fatalf("no CRLF at the end: %q", folded)
	}
	for i, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
		if len(l) > icsLineMax {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if utf8.ValidString(line) && !utf8.ValidString(l) {
			t.Errorf("line %d splits a rune: %q", i, l)
		}
		if i > 0 && (!strings.HasPrefix(l, " ") || l == " ") {
			t.Errorf("continuation line %d: %q", i, l)
		}
	}
	if got := icsUnfold(folded); got != line {
		t.Errorf("unfold(fold(%q)) = %q", line, got)
	}
}

// icsUnfold undoes icsFold (RFC 5545 3.1): CRLF followed by one space or tab goes.
func icsUnfold(s string) string {
	s = strings.TrimSuffix(s, "\r\n")
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.ReplaceAll(s, "\r\n\t", "")
}

// icsText is what an escaped TEXT value should read back as: line breaks as LF, control
// characters gone, invalid UTF-8 replaced.
func icsText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || (r >= ' ' && r != 0x7f) {
			return r
		}
		return -1
	}, s)
}

// FuzzICSText: any text, escaped and folded into a DESCRIPTION, keeps every line within 75
// octets without splitting a rune, and reads back the same through unfolding and through the
// real parser.
func FuzzICSText(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d\ne", icsLong, strings.Repeat("😀", 40), "\r\n\r\x00\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := "DESCRIPTION:" + icsEscape(s)
		folded := icsFold(line)
		checkFolded(t, line, folded)
		want := icsText(s)
		cal, err := ical.NewDecoder(strings.NewReader("BEGIN:VCALENDAR\r\n" + folded + "END:VCALENDAR\r\n")).Decode()
		if err != nil {
			t.Fatalf("parse: %v\n%q", err, folded)
		}
		got, err := cal.Props.Text(ical.PropDescription)
		if err != nil || got != want {
			t.Errorf("read back %q (%v), want %q", got, err, want)
		}
	})
}

func TestICSSequenceBounds(t *testing.T) {
	for now, want := range map[time.Time]int64{
		time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC):  0,
		time.Date(2020, 1, 1, 0, 0, 1, 0, time.UTC):  1,
		time.Date(2088, 1, 19, 0, 0, 0, 0, time.UTC): 2147472000,
		time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC):  2147483647, // capped: SEQUENCE is a 32-bit INTEGER
	} {
		if got := icsSequence(now); got != want {
			t.Errorf("icsSequence(%v) = %d, want %d", now, got, want)
		}
	}
}

// Only an http(s) URL of a published post becomes a URL property; the description keeps it as text.
func TestICSURL(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://social.example/@roest/1":  true,
		"http://example.org/p?a=1&b=2":     true,
		"":                                 false,
		"javascript:alert(1)":              false,
		"https://example.org/a b":          false,
		"https://example.org/\r\nX-EVIL:1": false,
		"https://exämple.org/":             false,
		"/relative":                        false,
	} {
		if _, got := icsURL(agenda.Entry{Status: agenda.Published, URL: u}); got != ok {
			t.Errorf("icsURL(%q) = %v, want %v", u, got, ok)
		}
	}
	if _, got := icsURL(agenda.Entry{Status: agenda.Scheduled, URL: "https://example.org/"}); got {
		t.Errorf("a URL on a post not yet published")
	}
}
