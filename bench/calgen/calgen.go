// Package calgen writes realistic, valid calendar repositories of any size, for benchmarks and
// load tests. The output is deterministic for a given Options value: the same seed gives the same
// bytes.
//
// The generated calendar looks like examples/calendar: outbox channels with Mastodon, Bluesky and
// generic limits, a strategy with pillars, campaigns, cadence, posting windows and a blackout, a
// voice.yaml with rules of every type, crisis playbooks, reply templates and posts spread over
// posts/YYYY-MM/ with threads, per-channel overrides, media, drafts, voice ignores and unicode text.
package calgen

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Options says what to generate. Zero fields take defaults.
type Options struct {
	Posts    int       // number of posts (default 1000)
	Seed     uint64    // random seed (default 1)
	Start    time.Time // the first day with posts (default 2026-12-01); only the date is used
	Days     int       // how many days the posts spread over (default Posts/14, within 60..730)
	Channels int       // 3 or 4 channels (default 4)
}

const timezone = "Europe/Berlin"

func (o Options) withDefaults() Options {
	if o.Posts <= 0 {
		o.Posts = 1000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	}
	o.Start = time.Date(o.Start.Year(), o.Start.Month(), o.Start.Day(), 0, 0, 0, 0, time.UTC)
	if o.Days <= 0 {
		o.Days = min(max(o.Posts/14, 60), 730)
	}
	if o.Channels != 3 {
		o.Channels = 4
	}
	return o
}

// Write generates a calendar into dir, which must not exist or be empty.
func Write(dir string, opts Options) error {
	opts = opts.withDefaults()
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		return fmt.Errorf("calgen: %w", err)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("calgen: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("calgen: %w", err)
	}
	g := &gen{opts: opts, loc: loc, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))}
	g.setup()

	w := newWriter(dir)
	for _, sub := range []string{"media", "playbooks", "replies", "posts"} {
		w.mkdir(sub)
	}
	for i, m := range mediaFiles {
		w.file("media/"+m.name, pngBytes(i))
	}
	w.file("calendar.yaml", g.calendarYAML())
	w.file("strategy.yaml", g.strategyYAML())
	w.file("voice.yaml", []byte(voiceYAML))
	for _, pb := range playbooks {
		w.file("playbooks/"+pb.name+".yaml", []byte(pb.src))
	}
	for _, r := range replies {
		w.file("replies/"+r.name+".yaml", []byte(r.src))
	}
	months := map[string]bool{}
	for i := 0; i < opts.Posts; i++ {
		name, src := g.post(i)
		month := name[:7]
		if !months[month] {
			months[month] = true
			w.mkdir("posts/" + month)
		}
		w.file("posts/"+month+"/"+name+".yaml", src)
	}
	return w.close()
}

// writer creates directories in order and writes files from a pool of goroutines: with 100,000
// posts the file system, not the generator, is the slow part.
type writer struct {
	root string
	jobs chan job
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error
}

type job struct {
	path string
	data []byte
}

func newWriter(root string) *writer {
	w := &writer{root: root, jobs: make(chan job, 256)}
	w.mkdir("")
	for range max(runtime.GOMAXPROCS(0), 4) {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for j := range w.jobs {
				if err := os.WriteFile(j.path, j.data, 0o644); err != nil {
					w.fail(err)
				}
			}
		}()
	}
	return w
}

func (w *writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

// mkdir runs before any file in the directory is queued.
func (w *writer) mkdir(rel string) {
	if err := os.MkdirAll(filepath.Join(w.root, filepath.FromSlash(rel)), 0o755); err != nil {
		w.fail(err)
	}
}

func (w *writer) file(rel string, data []byte) {
	w.jobs <- job{filepath.Join(w.root, filepath.FromSlash(rel)), data}
}

func (w *writer) close() error {
	close(w.jobs)
	w.wg.Wait()
	if w.err != nil {
		return fmt.Errorf("calgen: %w", w.err)
	}
	return nil
}

// --- calendar.yaml and strategy.yaml --------------------------------------------------------------

type channel struct {
	id, platform, description string
}

var allChannels = []channel{
	{"mastodon", "mastodon", "Main community account, English"},
	{"bluesky", "bluesky", "Short versions of our posts for Bluesky"},
	{"newsletter", "generic", "Teaser text for the weekly newsletter"},
	{"mastodon-de", "mastodon", "German-language account for the Berlin neighbourhood"},
}

type campaign struct {
	id, hashtag, description string
	from, to                 time.Time // dates, to inclusive
	pillars                  []string
}

var pillars = []string{"education", "product", "community", "behind-the-scenes"}

var campaignThemes = []struct {
	name, hashtag, description string
	pillars                    []string
}{
	{"winter-blend", "#WinterBlend", "Winter Blend launch and gifting", []string{"product", "education", "community"}},
	{"brew-better", "#BrewBetter", "Four-week home brewing challenge", []string{"education", "community"}},
	{"fresh-crop", "#FreshCrop", "Arrival of the fresh-crop Guji", []string{"product", "education", "behind-the-scenes"}},
	{"cafe-partners", "#CafePartners", "Portraits of the cafés that pour our coffee", []string{"community", "behind-the-scenes"}},
	{"cold-brew-summer", "#ColdBrew", "Cold brew recipes and the summer blend", []string{"product", "education"}},
	{"open-roastery", "#OpenRoastery", "Open days and cuppings at the roastery", []string{"community", "behind-the-scenes"}},
}

type gen struct {
	opts      Options
	loc       *time.Location
	rng       *rand.Rand
	channels  []channel
	campaigns []campaign
	blackout  time.Time // first day of the Christmas blackout
	end       time.Time
}

func (g *gen) setup() {
	g.channels = allChannels[:g.opts.Channels]
	g.end = g.opts.Start.AddDate(0, 0, g.opts.Days-1)
	// A three-week campaign every six weeks, cycling through the themes.
	for k, d := 0, g.opts.Start.AddDate(0, 0, 3); !d.After(g.end); k, d = k+1, d.AddDate(0, 0, 42) {
		th := campaignThemes[k%len(campaignThemes)]
		id := th.name
		if k >= len(campaignThemes) {
			id = fmt.Sprintf("%s-%d", th.name, d.Year())
			if k >= 2*len(campaignThemes) {
				id = fmt.Sprintf("%s-%d-%d", th.name, d.Year(), k)
			}
		}
		g.campaigns = append(g.campaigns, campaign{id: id, hashtag: th.hashtag, description: th.description,
			from: d, to: d.AddDate(0, 0, 20), pillars: th.pillars})
	}
	g.blackout = time.Date(g.opts.Start.Year(), 12, 24, 0, 0, 0, 0, time.UTC)
	if g.blackout.Before(g.opts.Start) {
		g.blackout = g.blackout.AddDate(1, 0, 0)
	}
}

func date(t time.Time) string { return t.Format("2006-01-02") }

func (g *gen) calendarYAML() []byte {
	var b bytes.Buffer
	b.WriteString("# yaml-language-server: $schema=schemas/calendar.schema.json\n#\n# Generated by bench/calgen: a large calendar for benchmarks.\n\n")
	b.WriteString("brand: Northwind Roasters\ntimezone: " + timezone + "\n\nchannels:\n")
	for _, c := range g.channels {
		fmt.Fprintf(&b, "  %s:\n    provider: outbox\n    platform: %s\n    description: %s\n", c.id, c.platform, c.description)
		if c.id == "newsletter" {
			b.WriteString("    dir: .postctl/outbox\n    max_delay: 3h\n")
		}
	}
	b.WriteString("\nstate:\n  backend: file\n  path: .postctl/state.json\n")
	return b.Bytes()
}

func (g *gen) strategyYAML() []byte {
	var b bytes.Buffer
	b.WriteString("# yaml-language-server: $schema=schemas/strategy.schema.json\n\n")
	due := date(g.end.AddDate(0, 1, 0))
	fmt.Fprintf(&b, "goals:\n  - metric: followers\n    target: 2500\n    due: %s\n    channels: [mastodon]\n    description: Grow the Mastodon account with people who brew at home\n", due)
	fmt.Fprintf(&b, "  - metric: followers\n    target: 1200\n    due: %s\n    channels: [bluesky]\n", due)
	fmt.Fprintf(&b, "  - metric: newsletter subscribers\n    target: 900\n    due: %s\n    channels: [newsletter]\n", due)
	b.WriteString(`
pillars:
  education:
    description: Brewing guides, coffee basics and the why behind a good cup
    share: 0.35
    max_share: 0.45
  product:
    description: Our coffees, subscriptions and gifts
    share: 0.25
    max_share: 0.35
  community:
    description: Customers, café partners and events at the roastery
    share: 0.25
    max_share: 0.35
  behind-the-scenes:
    description: Roasting, sourcing, packing and the people who do it
    share: 0.15
    max_share: 0.25

campaigns:
`)
	for _, c := range g.campaigns {
		fmt.Fprintf(&b, "  %s:\n    description: %s\n    from: %s\n    to: %s\n    hashtags: [%q]\n    pillars: [%s]\n",
			c.id, c.description, date(c.from), date(c.to), c.hashtag, strings.Join(c.pillars, ", "))
	}
	// Generated calendars put many posts on one day; keep the cadence permissive.
	perDay := max(50, 2*((g.opts.Posts+g.opts.Days-1)/g.opts.Days))
	b.WriteString("\ncadence:\n")
	for _, c := range g.channels {
		fmt.Fprintf(&b, "  %s:\n    max_per_day: %d\n    min_per_week: 1\n", c.id, perDay)
	}
	b.WriteString(`
posting_windows:
  - days: [mon, tue, wed, thu, fri]
    from: "08:00"
    to: "20:00"
  - days: [sat, sun]
    from: "09:00"
    to: "20:00"

blackouts:
`)
	fmt.Fprintf(&b, "  - name: Christmas\n    from: %s\n    to: %s\n    reason: Roastery closed and team off; greetings are fine, no selling\n    pillars: [product]\n    tags: [promo]\n",
		date(g.blackout), date(g.blackout.AddDate(0, 0, 2)))
	return b.Bytes()
}

// --- posts ---------------------------------------------------------------------------------------

type mediaFile struct{ name, alt string }

var mediaFiles = []mediaFile{
	{"bag.png", "A kraft paper bag of Northwind Roasters coffee on a wooden table next to a cup of black coffee"},
	{"roaster.png", "Jana at the drum roaster, checking the colour of a bean sample against a card"},
	{"cupping.png", "Six cupping bowls on a long table, each with a spoon and a card naming the origin"},
	{"packing.png", "Two people at the packing station folding labels onto bags of freshly roasted coffee"},
}

var (
	// topics pairs a title with the sentence a post about it opens with, per pillar.
	topics = map[string][][2]string{
		"education": {
			{"Grind size basics", "Grind size is the first thing to change when a cup tastes sour."},
			{"Water and coffee", "Water matters more than most people think."},
			{"Why weigh your coffee", "A scale makes your morning coffee taste the same every day."},
			{"Resting fresh beans", "Fresh beans need a few days of rest after roasting."},
			{"The bloom", "The bloom is the short wait after the first pour."},
			{"Cold brew at home", "Cold brew is coffee made slowly with cold water."},
			{"French press", "A French press likes a coarse grind and four minutes."},
			{"Storing beans", "Store your beans in a dark, airtight tin, not in the fridge."},
		},
		"product": {
			{"Guji is back", "Our Guji from Hambela is back in the shop."},
			{"Winter Blend", "The Winter Blend is two coffees in one bag."},
			{"Gift subscription", "A gift subscription sends fresh coffee every month."},
			{"New decaf", "The new decaf keeps all the sweetness and none of the buzz."},
			{"Café bags", "Our espresso blend now comes in a 1 kg bag for cafés."},
			{"Sample boxes", "Sample boxes hold three small bags from three countries."},
		},
		"community": {
			{"Thanks for coming", "Thank you to everyone who came to the cupping on Saturday."},
			{"New café partner", "Café Krone in Neukölln now pours our coffee."},
			{"Your setups", "Share your brewing setup with us and we will repost our favourites."},
			{"Open day", "Our open day had more visitors than chairs."},
			{"Meet the team", "Meet Zoë, who answers your emails every morning."},
			{"Tasting club", "Twelve of you joined the tasting club this month."},
		},
		"behind-the-scenes": {
			{"Roasting by hand", "Jana roasts every batch by hand on our 15 kg drum."},
			{"Test roasts", "Every green coffee sample gets a test roast first."},
			{"Packing day", "Packing day starts at six, before the first trams."},
			{"Morning cupping", "We cup every roast the next morning and taste it blind."},
			{"Green coffee arrives", "The sacks from Ethiopia came in by train this week."},
			{"The roast log", "Our roast log has notes for every batch since 2019."},
		},
	}
	details = []string{
		"It takes two minutes and makes a real difference.",
		"Try it tomorrow and tell us what changed.",
		"In the cup you get plum, cocoa and a little orange peel.",
		"It is just as good with milk as it is black.",
		"Ask us at the counter if you want to know more.",
		"We wrote down every step so you can follow along.",
		"Our recipe: 15 g of coffee for 250 g of water.",
		"The roast date is on every bag, under the label.",
		"We only roast what we can sell within two weeks.",
		"It ships on Monday and reaches most of Germany by Wednesday.",
		"Small steps, big difference in the cup.",
		"Kreuzberg, Neukölln and Wedding all get the same fresh coffee.",
	}
	// Unicode lines: accents, emoji (with ZWJ and flag sequences), CJK and right-to-left scripts.
	unicodeLines = []string{
		"Grüße aus der Rösterei, und merci à tous nos amis à Lyon ☕",
		"Café crème, piñata, smørrebrød: our team speaks many languages.",
		"今日のおすすめは浅煎りのエチオピアです。",
		"新鲜烘焙的咖啡，每周一发货。",
		"커피 한 잔의 여유를 즐기세요.",
		"قهوة طازجة كل صباح من برلين.",
		"קפה טרי מהקלייה שלנו בברלין.",
		"From Sidama 🇪🇹 to Kreuzberg 🇩🇪, in three months.",
		"Our head roaster 👩🏽‍🍳 says hello.",
		"Ελληνικός καφές, türk kahvesi, café de olla: all welcome here.",
		"Спасибо за ваши письма.",
	}
	linkPaths = []string{"shop", "brew-guide", "subscriptions", "journal", "events", "wholesale"}
	tagBank   = []string{"brewing", "gear", "origin", "roasting", "events", "recipes", "team", "shipping", "gift", "launch", "promo", "pour-over", "espresso"}
	slugs     = []string{"brew", "roast", "guji", "cupping", "grind", "water", "packing", "cafe", "gift", "decaf", "espresso", "team"}
)

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

type built struct {
	topic            [2]string // title, first sentence
	pillar, campaign string
	hashtag          string
	link             string
}

// post builds post i: its file name (without .yaml, prefixed by the date) and its YAML.
func (g *gen) post(i int) (string, []byte) {
	r := g.rng
	day := g.opts.Start.AddDate(0, 0, i*g.opts.Days/g.opts.Posts)
	hour := 8 + r.IntN(12) // 08:00 .. 19:55: far from DST changes at night
	if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && hour < 9 {
		hour = 9 + r.IntN(11)
	}
	minute := 5 * r.IntN(12)
	at := time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, g.loc)

	var p built
	p.pillar = pick(r, pillars)
	for _, c := range g.campaigns {
		if !day.Before(c.from) && !day.After(c.to) && r.IntN(10) < 6 {
			p.campaign, p.hashtag = c.id, c.hashtag
			p.pillar = pick(r, c.pillars)
			break
		}
	}
	inBlackout := !day.Before(g.blackout) && day.Before(g.blackout.AddDate(0, 0, 3))
	if inBlackout && p.pillar == "product" {
		p.pillar = "community" // the blackout holds product posts; a real calendar plans around it
	}
	p.topic = pick(r, topics[p.pillar])
	name := fmt.Sprintf("%s-%s-%05d", date(day), pick(r, slugs), i)

	// Channels: a newsletter issue on its own, or a mix of the social channels.
	var chans []string
	newsletter := g.hasChannel("newsletter") && r.IntN(10) == 0
	if newsletter {
		chans = []string{"newsletter"}
	} else {
		for _, c := range g.channels {
			if c.id != "newsletter" && r.IntN(3) > 0 {
				chans = append(chans, c.id)
			}
		}
		if len(chans) == 0 {
			chans = []string{pick(r, []string{"mastodon", "bluesky"})}
		}
	}
	onBluesky := contains(chans, "bluesky")

	var tags []string
	for n := r.IntN(3); n > 0; n-- {
		if t := pick(r, tagBank); !contains(tags, t) && !(inBlackout && t == "promo") {
			tags = append(tags, t)
		}
	}
	sponsored := p.pillar == "education" && !newsletter && r.IntN(40) == 0
	if sponsored {
		tags = append(tags, "sponsored")
	}
	p.link = fmt.Sprintf("https://northwind-roasters.example/%s?utm_source=social&utm_medium=organic&utm_campaign=%s",
		pick(r, linkPaths), or(p.campaign, p.pillar))

	var b bytes.Buffer
	b.Grow(1536)
	b.WriteString("# yaml-language-server: $schema=../../schemas/post.schema.json\n")
	if r.IntN(10) == 0 {
		b.WriteString("id: " + name + "\n")
	}
	b.WriteString("publish_at: " + g.publishAt(at) + "\n")
	b.WriteString("channels: [" + strings.Join(chans, ", ") + "]\n")
	if r.IntN(20) == 0 {
		b.WriteString("status: draft\n")
	} else if r.IntN(4) == 0 {
		b.WriteString("status: scheduled\n")
	}
	if r.IntN(3) > 0 {
		b.WriteString("title: " + p.topic[0] + "\n")
	}
	b.WriteString("pillar: " + p.pillar + "\n")
	if p.campaign != "" {
		b.WriteString("campaign: " + p.campaign + "\n")
	}
	if len(tags) > 0 {
		b.WriteString("tags: [" + strings.Join(tags, ", ") + "]\n")
	}

	var text string
	if newsletter {
		text = g.newsletterText(&p)
	} else {
		text = g.socialText(&p, sponsored)
	}
	writeBlock(&b, "text", text, "")

	// Bluesky counts 300 graphemes; runes are never fewer than graphemes, so a rune budget is safe.
	var overrides []string
	if onBluesky && (utf8.RuneCountInString(text) > 280 || r.IntN(8) == 0) {
		overrides = append(overrides, "bluesky", g.shortText(&p, sponsored))
	}
	if contains(chans, "mastodon-de") && r.IntN(4) == 0 {
		overrides = append(overrides, "mastodon-de", germanText(r, &p, sponsored))
	}
	if len(overrides) > 0 {
		b.WriteString("overrides:\n")
		for k := 0; k < len(overrides); k += 2 {
			b.WriteString("  " + overrides[k] + ":\n")
			writeBlock(&b, "text", overrides[k+1], "    ")
		}
	}
	if r.IntN(4) == 0 {
		m := pick(r, mediaFiles)
		b.WriteString("media:\n  - file: media/" + m.name + "\n    alt: " + m.alt + "\n")
	}
	if !newsletter && r.IntN(6) == 0 {
		b.WriteString("thread:\n")
		for n := 1 + r.IntN(3); n > 0; n-- {
			item := pick(r, details) + " " + pick(r, details)
			if r.IntN(3) == 0 {
				m := pick(r, mediaFiles)
				b.WriteString("  - text: " + strconv.Quote(item) + "\n    media:\n      - file: media/" + m.name + "\n        alt: " + m.alt + "\n")
			} else {
				b.WriteString("  - >-\n    " + item + "\n")
			}
		}
	}
	if r.IntN(50) == 0 {
		b.WriteString("voice:\n  ignore:\n    - rule: " + pick(r, []string{"one-exclamation", "emoji-budget", "sentence-length", "max-hashtags"}) +
			"\n      reason: " + pick(r, []string{"The launch deserves it.", "Quoted from a customer, word for word.", "Agreed with the partner."}) + "\n")
	}
	if r.IntN(100) == 0 {
		b.WriteString("moved_from: old-" + name + "\n")
	}
	return name, b.Bytes()
}

func (g *gen) hasChannel(id string) bool {
	for _, c := range g.channels {
		if c.id == id {
			return true
		}
	}
	return false
}

// publishAt writes a time mostly as local time, sometimes with its offset or in UTC.
func (g *gen) publishAt(t time.Time) string {
	switch n := g.rng.IntN(20); {
	case n == 0:
		return t.UTC().Format("2006-01-02T15:04:05Z")
	case n < 3:
		return t.Format("2006-01-02T15:04:05-07:00")
	default:
		return t.Format("2006-01-02T15:04")
	}
}

// socialText is a Mastodon-sized post: at most about 420 characters plus a link.
func (g *gen) socialText(p *built, sponsored bool) string {
	r := g.rng
	var s strings.Builder
	if sponsored {
		s.WriteString("Paid partnership with Mahlwerk #ad. ")
	}
	s.WriteString(p.topic[1])
	for n := 1 + r.IntN(3); n > 0; n-- {
		s.WriteString(" " + pick(r, details))
	}
	if r.IntN(5) == 0 {
		s.WriteString("\n\n" + pick(r, unicodeLines))
	}
	if r.IntN(2) == 0 {
		s.WriteString("\n\n" + p.link)
	}
	g.hashtags(&s, p)
	return s.String()
}

// shortText fits Bluesky's 300 graphemes.
func (g *gen) shortText(p *built, sponsored bool) string {
	r := g.rng
	var s strings.Builder
	if sponsored {
		s.WriteString("Paid partnership #ad. ")
	}
	s.WriteString(p.topic[1])
	if r.IntN(3) == 0 {
		s.WriteString(" ☕")
	}
	s.WriteString("\n\n" + p.link)
	g.hashtags(&s, p)
	return s.String()
}

func (g *gen) newsletterText(p *built) string {
	r := g.rng
	var s strings.Builder
	s.WriteString("This week in the newsletter: " + p.topic[1])
	for n := 4 + r.IntN(3); n > 0; n-- {
		s.WriteString(" " + pick(r, details))
	}
	s.WriteString("\n\nRead the full issue: " + p.link)
	return s.String()
}

func (g *gen) hashtags(s *strings.Builder, p *built) {
	if p.hashtag != "" {
		s.WriteString("\n\n" + p.hashtag)
	} else if g.rng.IntN(3) == 0 {
		s.WriteString("\n\n#Coffee")
	}
}

var germanSentences = []string{
	"Frisch geröstet in Kreuzberg, jeden Montag.",
	"Unser Tipp: etwas feiner mahlen, wenn der Kaffee sauer schmeckt.",
	"Danke an alle, die am Samstag zur Verkostung gekommen sind.",
	"Die Bohnen aus Äthiopien sind endlich da.",
	"Mehr dazu gibt es bei uns an der Theke.",
}

func germanText(r *rand.Rand, p *built, sponsored bool) string {
	s := pick(r, germanSentences) + " " + pick(r, germanSentences)
	if sponsored {
		s = "Werbung #Anzeige. " + s
	}
	if r.IntN(2) == 0 {
		s += "\n\n" + p.link
	}
	return s
}

// writeBlock writes key: | with the text as a literal block scalar at indent.
func writeBlock(b *bytes.Buffer, key, text, indent string) {
	b.WriteString(indent + key + ": |\n")
	for _, line := range strings.Split(text, "\n") {
		if line != "" {
			b.WriteString(indent + "  " + line)
		}
		b.WriteByte('\n')
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pngBytes is a small, valid, deterministic PNG: a 32×24 gradient in one of a few colours.
func pngBytes(k int) []byte {
	base := []color.RGBA{{0x8b, 0x5a, 0x2b, 0xff}, {0x3e, 0x27, 0x23, 0xff}, {0xd7, 0xcc, 0xc8, 0xff}, {0x6d, 0x4c, 0x41, 0xff}}[k%4]
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, color.RGBA{base.R, uint8(int(base.G) + x), uint8(int(base.B) + y), 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return b.Bytes()
}
