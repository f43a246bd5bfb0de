package view

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/agenda"
)

func htmlBerlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// htmlSample is a small December in Berlin with one of everything the page shows: every kind of
// status, a thread, media with and without alt text, an over-limit post, a title that tries to be
// markup, a blackout, a campaign and an active crisis.
func htmlSample(t testing.TB) *agenda.Agenda {
	t.Helper()
	loc := htmlBerlin(t)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return &agenda.Agenda{
		Brand:    "Northwind & Sons",
		Location: loc,
		From:     at("2026-12-01 00:00"),
		To:       at("2027-01-01 00:00"),
		Now:      at("2026-12-02 09:15"),
		Channels: []agenda.Channel{
			{ID: "mastodon", Provider: "outbox", Platform: "mastodon"},
			{ID: "bluesky", Provider: "outbox", Platform: "bluesky"},
			{ID: "newsletter", Provider: "outbox", Platform: "generic"},
		},
		Pillars: []string{"education", "product", "community"},
		Entries: []agenda.Entry{
			{Address: "winter-blend@mastodon", Post: "winter-blend", Channel: "mastodon", Title: "Winter Blend is here",
				At: at("2026-12-01 08:00"), File: "posts/2026-12/winter-blend.yaml", Pillar: "product", Campaign: "winter-blend",
				Tags: []string{"launch", "blend"}, Status: agenda.Published, URL: "https://social.example/@northwind/1",
				Text:   "Winter Blend is here.\n\nDark chocolate, orange peel. https://northwind.example/winter\n",
				Media:  []agenda.Media{{File: "media/winter.jpg", Alt: "A bag of Winter Blend on a snowy windowsill"}},
				Length: 83, Limit: 500, Unit: "characters"},
			{Address: "winter-blend@bluesky", Post: "winter-blend", Channel: "bluesky", Title: `<script>alert("x")</script> & 'quotes'`,
				At: at("2026-12-01 08:00"), File: "posts/2026-12/winter-blend.yaml", Pillar: "product", Campaign: "winter-blend",
				Status: agenda.Upcoming, Text: "Too long </p><b>bold?</b> & more " + strings.Repeat("x", 10), Length: 320, Limit: 300, Unit: "graphemes"},
			{Address: "grind-size@mastodon", Post: "grind-size", Channel: "mastodon", Title: "Grind size, a thread",
				At: at("2026-12-02 18:30"), File: "posts/2026-12/grind-size.yaml", Pillar: "education",
				Status: agenda.Missed, Reason: "its time passed 14h ago",
				Text: "Grind size matters more than you think. 🧵", Length: 42, Limit: 500, Unit: "characters",
				Thread: []agenda.Part{
					{Text: "Too fine: bitter.\nToo coarse: sour.", Length: 34, Media: []agenda.Media{{File: "media/grind.png"}}},
					{Text: "Start in the middle and move one step at a time.", Length: 48},
				}},
			{Address: "shipping@mastodon", Post: "shipping", Channel: "mastodon", Title: "Shipping is delayed",
				At: at("2026-12-03 10:00"), Status: agenda.Due, Statement: true,
				Text: "Our carrier is down; orders ship when it is back.", Length: 49, Limit: 500, Unit: "characters"},
			{Address: "gift-guide@newsletter", Post: "gift-guide", Channel: "newsletter", Title: "Gift guide",
				At: at("2026-12-10 12:00"), File: "posts/2026-12/gift-guide.yaml", Status: agenda.Draft,
				Text: "Our gift guide.", Length: 15, Unit: "graphemes"},
			{Address: "roast-day@mastodon", Post: "roast-day", Channel: "mastodon", Title: "Roast day",
				At: at("2026-12-14 09:00"), Pillar: "community", Status: agenda.Scheduled,
				Text: "Roast day!", Length: 10, Limit: 500, Unit: "characters"},
			{Address: "roast-day@bluesky", Post: "roast-day", Channel: "bluesky", Title: "Roast day",
				At: at("2026-12-14 09:00"), Pillar: "community", Status: agenda.Blocked, Reason: "changed after it was published",
				Text: "Roast day!", Length: 10, Limit: 300, Unit: "graphemes"},
			{Address: "xmas-sale@mastodon", Post: "xmas-sale", Channel: "mastodon", Title: "Christmas sale",
				At: at("2026-12-24 10:00"), Pillar: "product", Tags: []string{"promo"}, Status: agenda.Held,
				Reason: "held by blackout Christmas", Text: "20% off", Length: 7, Limit: 500, Unit: "characters"},
			{Address: "year-end@mastodon", Post: "year-end", Channel: "mastodon", Title: "Year in review",
				At: at("2026-12-30 16:00"), Pillar: "community", Status: agenda.Unknown,
				Reason: "an interrupted apply: the next one asks the platform",
				Text:   "What a year.", Length: 12, Limit: 500, Unit: "characters"},
		},
		Blackouts: []agenda.Span{
			{Name: "Christmas", From: at("2026-12-24 00:00"), To: at("2026-12-27 00:00"), Reason: "The roastery is closed,\n  no promotions",
				Channels: []string{"mastodon"}},
			{From: at("2026-12-31 18:00"), To: at("2027-01-01 06:00")},
		},
		Campaigns: []agenda.Span{
			{Name: "winter-blend", From: at("2026-12-01 00:00"), To: at("2026-12-12 00:00"), Hashtags: []string{"WinterBlend", "#Northwind"}},
		},
		Crisis: &agenda.Crisis{Playbook: "shipping-outage", Name: "Carrier down", Since: at("2026-12-02 07:00")},
	}
}

func renderHTML(t testing.TB, a *agenda.Agenda) string {
	t.Helper()
	var out bytes.Buffer
	if err := RenderCalendarHTML(&Streams{Out: &out}, a); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestCalendarHTMLGolden compares the sample's page with testdata/html/sample.html;
// UPDATE_GOLDEN=1 rewrites it (read it, and look at it in a browser, after).
func TestCalendarHTMLGolden(t *testing.T) {
	golden(t, filepath.Join("testdata", "html", "sample.html"), renderHTML(t, htmlSample(t)))
}

// golden compares got with the file at path; UPDATE_GOLDEN=1 rewrites the file first.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, string(want)); diff != "" {
		t.Errorf("%s (-got +want), UPDATE_GOLDEN=1 rewrites:\n%s", path, diff)
	}
}

// selfContained checks a page fetches nothing: no script, no image, no stylesheet, frame or
// font from anywhere; the only href with a scheme is a published post's link.
func selfContained(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "src=", "url(", "@import", "srcset"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	links := regexp.MustCompile(`<link [^>]*>`).FindAllString(page, -1)
	if diff := cmp.Diff(links, []string{`<link rel="icon" href="data:,">`}); diff != "" {
		t.Errorf("<link> elements (-got +want):\n%s", diff)
	}
	for _, m := range regexp.MustCompile(`<a [^>]*href="(http[^"]*)"[^>]*>`).FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[0], `class="badge s-published"`) || !strings.Contains(m[0], `rel="noopener noreferrer"`) {
			t.Errorf("external link that is not a published post's: %s", m[0])
		}
	}
	if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`) {
		t.Error("no Content-Security-Policy")
	}
}

func TestCalendarHTMLSelfContained(t *testing.T) {
	selfContained(t, renderHTML(t, htmlSample(t)))
}

// Every text goes through html/template: titles, texts, reasons, names and URLs that try to be
// markup stay text.
func TestCalendarHTMLEscapes(t *testing.T) {
	a := htmlSample(t)
	evil := `<script>alert(1)</script> "q" 'a' & <b>`
	a.Brand = evil
	a.Crisis.Name = evil
	a.Pillars = append(a.Pillars, evil)
	a.Blackouts[0].Name, a.Blackouts[0].Reason = evil, evil
	a.Campaigns[0].Name = evil
	for i := range a.Entries {
		e := &a.Entries[i]
		e.Title, e.Text, e.Reason, e.Channel, e.Tags, e.Pillar = evil, evil+"\n"+evil, evil, evil, []string{evil}, evil
		e.Media = []agenda.Media{{Alt: evil}}
	}
	a.Entries[0].URL = `javascript:alert(1)`
	a.Entries[1].Status, a.Entries[1].URL = agenda.Published, `https://x.example/"><script>alert(1)</script>`
	page := renderHTML(t, a)
	if strings.Contains(page, "<script") || strings.Contains(page, "<b>") {
		t.Fatal("markup from the data reached the page")
	}
	if strings.Contains(page, "javascript:") {
		t.Error("a javascript: URL reached the page")
	}
	for _, want := range []string{
		`&lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34; &#39;a&#39; &amp; &lt;b&gt;`,
		`href="#ZgotmplZ"`,
		`href="https://x.example/%22%3e%3cscript%3ealert%281%29%3c/script%3e"`,
		`<title>&lt;script&gt;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	selfContained(t, page)
}

func TestCalendarHTMLEmpty(t *testing.T) {
	a := htmlSample(t)
	a.Entries, a.Blackouts, a.Campaigns, a.Crisis = nil, nil, nil, nil
	page := renderHTML(t, a)
	for _, want := range []string{
		"<p class=\"notice\">Nothing is scheduled between 2026-12-01 and 2026-12-31.</p>",
		"· 0 publications ·",
		"<caption>December 2026: 0 publications</caption>",
		"<p>No blackouts in this range.</p>",
		"<p>No campaigns in this range.</p>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(page, "data-entry="); n != 0 {
		t.Errorf("%d cards", n)
	}
	if strings.Contains(page, `class="previews"`) {
		t.Error("previews without posts")
	}
	// An empty range still makes a page.
	a.To = a.From
	page = renderHTML(t, a)
	if !strings.Contains(page, "Nothing is scheduled between 2026-12-01 and 2026-12-01.") || strings.Contains(page, `<table class="month"`) {
		t.Errorf("empty range:\n%s", page)
	}
}

// manyEntries is December with n posts spread over its days, each with a realistic text.
func manyEntries(t testing.TB, n int) *agenda.Agenda {
	a := htmlSample(t)
	a.Entries = nil
	text := strings.Repeat("A post of about the usual length, with a link https://northwind.example/x and a #tag. ", 3)
	for i := range n {
		at := time.Date(2026, 12, 1+i%31, 8+i%12, (i*7)%60, 0, 0, a.Location)
		a.Entries = append(a.Entries, agenda.Entry{
			Address: fmt.Sprintf("post-%03d@mastodon", i), Post: fmt.Sprintf("post-%03d", i), Channel: "mastodon",
			Title: fmt.Sprintf("Post number %d", i), At: at, Pillar: a.Pillars[i%len(a.Pillars)],
			Status: agenda.Upcoming, Text: text, Length: len(text), Limit: 500, Unit: "characters",
			Media: []agenda.Media{{File: "media/x.jpg", Alt: "A cup of coffee"}},
		})
	}
	return a
}

func TestCalendarHTMLManyEntries(t *testing.T) {
	a := manyEntries(t, 200)
	start := time.Now()
	page := renderHTML(t, a)
	elapsed := time.Since(start)
	if n := strings.Count(page, "data-entry="); n != 200 {
		t.Errorf("%d cards, want 200", n)
	}
	if n := strings.Count(page, `<article class="preview`); n != 200 {
		t.Errorf("%d previews, want 200", n)
	}
	// 200 posts of ~260 characters each: well under 1 MB.
	if len(page) > 400_000 {
		t.Errorf("page of %d bytes for 200 posts", len(page))
	}
	if elapsed > 2*time.Second {
		t.Errorf("rendering 200 posts took %v", elapsed)
	}
	t.Logf("200 posts: %d bytes in %v", len(page), elapsed)
}

// dayCell is the grid cell of the day iso, up to its end.
func dayCell(t *testing.T, page, iso string) string {
	t.Helper()
	i := strings.Index(page, `<time class="dn" datetime="`+iso+`"`)
	if i < 0 {
		t.Fatalf("no cell for %s", iso)
	}
	j := strings.Index(page[i:], "</td>")
	return page[i : i+j]
}

// Days are calendar days in the zone, across daylight saving changes: the spring-forward night
// (03:30 exists, 02:30 does not) and the fall-back night keep their posts on their own day.
func TestCalendarHTMLDST(t *testing.T) {
	for _, zone := range []string{"Europe/Berlin", "America/New_York"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			a := htmlSample(t)
			a.Location, a.Blackouts, a.Campaigns, a.Crisis = loc, nil, nil, nil
			a.From = time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
			a.To = time.Date(2027, 4, 1, 0, 0, 0, 0, loc)
			a.Now = time.Date(2027, 3, 28, 12, 0, 0, 0, loc)
			entry := func(id string, at time.Time) agenda.Entry {
				return agenda.Entry{Address: id + "@mastodon", Post: id, Channel: "mastodon", Title: id, At: at, Status: agenda.Upcoming, Text: id}
			}
			a.Entries = []agenda.Entry{
				entry("eu-fall-back", time.Date(2026, 10, 25, 2, 30, 0, 0, loc)),
				entry("us-fall-back", time.Date(2026, 11, 1, 1, 30, 0, 0, loc)),
				entry("us-spring-late", time.Date(2027, 3, 14, 23, 30, 0, 0, loc)),
				entry("eu-spring-early", time.Date(2027, 3, 28, 0, 30, 0, 0, loc)),
				entry("eu-spring", time.Date(2027, 3, 28, 3, 30, 0, 0, loc)),
				entry("eu-spring-late", time.Date(2027, 3, 28, 23, 45, 0, 0, loc)),
			}
			page := renderHTML(t, a)
			for _, c := range []struct{ day, id, time string }{
				{"2026-10-25", "eu-fall-back", "02:30"},
				{"2026-11-01", "us-fall-back", "01:30"},
				{"2027-03-14", "us-spring-late", "23:30"},
				{"2027-03-28", "eu-spring-early", "00:30"},
				{"2027-03-28", "eu-spring", "03:30"},
				{"2027-03-28", "eu-spring-late", "23:45"},
			} {
				cell := dayCell(t, page, c.day)
				if !strings.Contains(cell, `<span class="t">`+c.time+`</span> <span class="ch">mastodon</span> <span class="ti">`+c.id+`</span>`) {
					t.Errorf("%s at %s not in its cell:\n%s", c.id, c.time, cell)
				}
			}
			// Every day of each month once, and today marked.
			for _, m := range []struct {
				month string
				days  int
			}{{"2026-10", 31}, {"2026-11", 30}, {"2027-02", 28}, {"2027-03", 31}} {
				if n := strings.Count(page, `<time class="dn" datetime="`+m.month+`-`); n != m.days {
					t.Errorf("%s: %d day cells, want %d", m.month, n, m.days)
				}
			}
			if n := strings.Count(page, `aria-current="date"`); n != 1 || !strings.Contains(page, `today" aria-current="date">`+"\n"+`<time class="dn" datetime="2027-03-28"`) {
				t.Errorf("today is not 2027-03-28 (%d marked)", n)
			}
			if n := strings.Count(page, `<table class="month">`); n != 6 {
				t.Errorf("%d month grids, want 6", n)
			}
		})
	}
}

func TestCalendarHTMLStatuses(t *testing.T) {
	page := renderHTML(t, htmlSample(t))
	for _, want := range []string{
		`<a class="badge s-published" href="https://social.example/@northwind/1" rel="noopener noreferrer" aria-label="status: published, open the post">published ↗</a>`,
		`<span class="badge s-upcoming" aria-label="status: upcoming">upcoming</span>`,
		`<span class="badge s-missed" aria-label="status: missed: its time passed 14h ago">missed</span>`,
		`<span class="badge s-due" aria-label="status: due">due</span> <span class="badge st">holding statement</span>`,
		`<span class="badge s-draft" aria-label="status: draft">draft</span>`,
		`<span class="badge s-scheduled" aria-label="status: scheduled">scheduled</span>`,
		`<span class="badge s-blocked" aria-label="status: blocked: changed after it was published">blocked</span>`,
		`<span class="badge s-held" aria-label="status: held: held by blackout Christmas">held</span>`,
		`<span class="badge s-unknown" aria-label="status: unknown: an interrupted apply: the next one asks the platform">unknown</span>`,
		`<p class="reason">held by blackout Christmas</p>`,
		`<span class="len over">320/300 graphemes, 20 over the limit</span>`,
		`<span class="len">15 graphemes</span>`,
		`<span class="media" role="img" aria-label="image: no alt text">🖼 <span class="noalt">no alt text</span></span>`,
		`<ol class="parts" aria-label="Thread of 3 posts">`,
		"<p class=\"text\">Too fine: bitter.\nToo coarse: sour.</p>",
		`<span class="bo">Blackout: Christmas (mastodon)</span>`,
		`<tr><th scope="row">Christmas</th><td>2026-12-24 to 2026-12-26</td><td>mastodon</td><td>The roastery is closed, no promotions</td></tr>`,
		`<tr><th scope="row">(unnamed)</th><td>2026-12-31 18:00 to 2027-01-01 06:00</td><td>every channel</td><td></td></tr>`,
		`<tr><th scope="row">winter-blend</th><td>2026-12-01 to 2026-12-11</td><td>every channel</td><td>#WinterBlend #Northwind</td></tr>`,
		`<strong>Crisis active:</strong> Carrier down (playbook shipping-outage)`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The blackout shades its days, and a partial day too.
	for _, day := range []string{"2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31"} {
		if !strings.Contains(page, `blackout"><time class="dn" datetime="`+day+`"`) && !strings.Contains(page, "blackout\">\n<time class=\"dn\" datetime=\""+day+"\"") {
			t.Errorf("%s not shaded as a blackout", day)
		}
	}
	if strings.Contains(page, `class="day blackout">`+"\n"+`<time class="dn" datetime="2026-12-27"`) {
		t.Error("the blackout's end day is shaded")
	}
}

func BenchmarkCalendarHTML(b *testing.B) {
	a := manyEntries(b, 600)
	for b.Loop() {
		if err := RenderCalendarHTML(&Streams{Out: &bytes.Buffer{}}, a); err != nil {
			b.Fatal(err)
		}
	}
}
