package voice

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
)

// matched lints text with e and returns the matched texts of rule id.
func matched(e *Engine, t Text, id string) []string {
	var out []string
	for _, m := range e.LintText(nil, t) {
		if m.Rule == id {
			out = append(out, t.Value[m.Start:m.End])
		}
	}
	return out
}

type textCase struct {
	name string
	text Text
	want []string // matched texts
}

func runCases(t *testing.T, e *Engine, id string, cases []textCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(matched(e, c.text, id), c.want); diff != "" {
				t.Errorf("%q: matches (-got +want):\n%s", c.text.Value, diff)
			}
		})
	}
}

func TestExistenceTokens(t *testing.T) {
	e, _ := engine(t, `
		- id: no-health
		  type: existence
		  level: error
		  message: "'{{match}}' is a health claim."
		  tokens: [detox, fat-burning, boost immunity, "C++", "#ad", "@rival", "🔥"]
		- id: exact
		  type: existence
		  level: warning
		  message: no {{match}}
		  tokens: [NW]
		  case_sensitive: true
	`)
	runCases(t, e, "no-health", []textCase{
		{"word", post("A gentle detox for mornings."), []string{"detox"}},
		{"case-insensitive", post("DETOX and Detox"), []string{"DETOX", "Detox"}},
		{"hashtag word", post("New in: #detox and #Detox"), []string{"detox", "Detox"}},
		{"longer hashtag", post("Try our #detoxtea"), nil},
		{"inside a link", post("https://example.com/detox and www.example.com/detox"), nil},
		{"inside a mention and address", post("Ask @detox or detox@example.com or @ana@detox.example"), nil},
		{"inside a longer word", post("detoxing, retox, detox-tea"), nil},
		{"compound", post("No fat-burning here, nor fat burning"), []string{"fat-burning"}},
		{"possessive", post("The detox's promise"), []string{"detox"}},
		{"phrase", post("It will boost immunity."), []string{"boost immunity"}},
		{"phrase over a line break", post("It will boost\n  immunity."), []string{"boost\n  immunity"}},
		{"phrase over a blank line", post("boost\n\nimmunity"), []string{"boost\n\nimmunity"}},
		{"phrase broken by punctuation", post("boost, immunity"), nil},
		{"phrase in a hashtag", post("#boost immunity"), nil},
		{"literal token", post("We love C++ and C+ and XC++"), []string{"C++"}},
		{"hashtag token", post("#ad #AD #adventure ad"), []string{"#ad", "#AD"}},
		{"mention token", post("@rival and @rivals and @Rival"), []string{"@rival", "@Rival"}},
		{"emoji token", post("Hot 🔥 coffee"), []string{"🔥"}},
	})
	runCases(t, e, "exact", []textCase{
		{"case-sensitive", post("NW roasters, nw, Nw"), []string{"NW"}},
	})
	got := e.LintText(nil, post("detox"))
	want := []Match{{Rule: "no-health", Level: 0, Message: "'detox' is a health claim.", Start: 0, End: 5}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("match (-got +want):\n%s", diff)
	}
	if got := e.LintText(nil, post("boost\n immunity"))[0].Message; got != "'boost immunity' is a health claim." {
		t.Errorf("message of a phrase over lines: %q", got)
	}
}

func TestExistencePlaceholders(t *testing.T) {
	e, _ := engine(t, `
		- id: no-name
		  type: existence
		  level: warning
		  message: x
		  tokens: [name]
	`)
	reply := Text{Value: "Hi {{name}}, your name is safe.", Kind: KindReply, Placeholders: true}
	if diff := cmp.Diff(matched(e, reply, "no-name"), []string{"name"}); diff != "" {
		t.Errorf("placeholder matched as a word (-got +want):\n%s", diff)
	}
}

func TestExistencePatterns(t *testing.T) {
	e, _ := engine(t, `
		- id: pressure
		  type: existence
		  level: suggestion
		  message: "'{{match}}' pushes."
		  patterns: ['(?i)\blast chance\b', '(?i)\bboosts? (your )?immun\w*', 'SALE', 'k+elvin']
	`)
	runCases(t, e, "pressure", []textCase{
		{"folded literal", post("LAST CHANCE! Last chance."), []string{"LAST CHANCE", "Last chance"}},
		{"word boundary", post("the lastchance"), nil},
		{"optional parts", post("Boosts your immune system; boost immunity"), []string{"Boosts your immune", "boost immunity"}},
		{"case as written", post("SALE sale Sale"), []string{"SALE"}},
		{"patterns see links", post("https://shop.example/SALE"), []string{"SALE"}},
		{"kelvin sign folds like k", post("\u212aelvin LAST \u212aELVIN"), nil},
		{"non-ASCII text", post("Ünsere last chance für Grüße"), []string{"last chance"}},
	})
	e2, _ := engine(t, `
		- id: kelvin
		  type: existence
		  level: warning
		  message: x
		  patterns: ['(?i)kelvin']
	`)
	runCases(t, e2, "kelvin", []textCase{
		// The prefilter must not skip a text that only matches through Unicode case folding.
		{"kelvin sign", post("\u212aelvin and ſ"), []string{"\u212aelvin"}},
	})
}

func TestSubstitution(t *testing.T) {
	e, _ := engine(t, `
		- id: brand
		  type: substitution
		  level: error
		  message: "Write 'Northwind Roasters', not '{{match}}'."
		  swap:
		    northwind roasters: Northwind Roasters
		    nw roasters: Northwind Roasters
		- id: spelling
		  type: substitution
		  level: warning
		  message: "'{{match}}' is a misspelling."
		  swap:
		    expresso: espresso
		    pour over: pour-over
		    Espresso: espresso
	`)
	runCases(t, e, "brand", []textCase{
		{"preferred form", post("Northwind Roasters is here."), nil},
		{"wrong case", post("northwind Roasters and NORTHWIND ROASTERS"), []string{"northwind Roasters", "NORTHWIND ROASTERS"}},
		{"other form", post("Try NW Roasters."), []string{"NW Roasters"}},
		{"preferred over a line break", post("Northwind\n  Roasters"), nil},
		{"possessive", post("northwind roasters's beans"), []string{"northwind roasters"}},
	})
	runCases(t, e, "spelling", []textCase{
		{"lower", post("An expresso."), []string{"expresso"}},
		{"sentence start", post("Expresso is strong. Pour over is slow."), []string{"Expresso", "Pour over"}},
		{"capitalised preferred form at a sentence start", post("Espresso first. Then espresso, not Espresso."), []string{"Espresso"}},
		{"hashtag", post("#expresso"), []string{"expresso"}},
	})
	fixes := func(text string) []string {
		var out []string
		for _, m := range e.LintText(nil, post(text)) {
			out = append(out, m.Fix)
		}
		return out
	}
	if diff := cmp.Diff(fixes("Expresso or expresso? Pour over."), []string{"write 'Espresso'", "write 'espresso'", "write 'Pour-over'"}); diff != "" {
		t.Errorf("fixes (-got +want):\n%s", diff)
	}
}

func TestCapitalizationSentence(t *testing.T) {
	e, _ := engine(t, `
		- id: case
		  type: capitalization
		  level: suggestion
		  message: "Capital: '{{match}}'."
		  style: sentence
		  exceptions: [iPhone, "#ad"]
	`)
	runCases(t, e, "case", []textCase{
		{"fine", post("One. Two! Three? Four… Five."), nil},
		{"start", post("one sentence."), []string{"one"}},
		{"after a period", post("One. two. Three."), []string{"two"}},
		{"after a blank line", post("A list\n\nnext part\nand more"), []string{"next"}},
		{"single line break is not a sentence end", post("A line\nnext line"), nil},
		{"no space after the period", post("Version 3.5 ships.next"), nil},
		{"abbreviations", post("Beans, e.g. from Huila, etc. are fine vs. others. Mr. smith too."), nil},
		{"closing quote", post(`She said "stop." then left.`), []string{"then"}},
		{"opening punctuation", post(`"hello," she said. (and more.)`), []string{"hello", "and"}},
		{"symbols start sentences", post("#coffee time. @ana says hi. https://x.example now. 15 g. ☕ yes. V60 it."), nil},
		{"exceptions", post("iPhone photos. #ad paid."), nil},
		{"ellipsis", post("Wait… what"), []string{"what"}},
		{"uncased scripts", post("קפה טרי. 今日のおすすめ. ok"), []string{"ok"}},
		{"placeholder", Text{Value: "{{name}}, hi. {{name}} again.", Kind: KindReply, Placeholders: true}, nil},
	})
	ms := e.LintText(nil, post("fine. écoute."))
	if diff := cmp.Diff(hits(post("fine. écoute."), ms), []hitT{
		{"case", "fine", "Capital: 'fine'.", "write 'Fine'"},
		{"case", "écoute", "Capital: 'écoute'.", "write 'Écoute'"},
	}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestCapitalizationStyles(t *testing.T) {
	e, _ := engine(t, `
		- id: title
		  type: capitalization
		  level: suggestion
		  message: x
		  style: title
		  exceptions: [iPhone]
		- id: lower
		  type: capitalization
		  level: suggestion
		  message: x
		  style: lower
		  exceptions: [Berlin]
		- id: upper
		  type: capitalization
		  level: suggestion
		  message: x
		  style: upper
	`)
	runCases(t, e, "title", []textCase{
		{"fine", post("The Art of the Pour-over in Berlin"), nil},
		{"lower words", post("The art of Coffee"), []string{"art"}},
		{"function word first", post("the Art. of Coffee"), []string{"the", "of"}},
		{"exceptions and numbers", post("My iPhone and 3 Cups"), nil},
	})
	runCases(t, e, "lower", []textCase{
		{"fine", post("all lower in Berlin #Coffee @Ana"), nil},
		{"capitals", post("Hello World"), []string{"Hello", "World"}},
	})
	runCases(t, e, "upper", []textCase{
		{"fine", post("ALL CAPS 15 G"), nil},
		{"lower", post("ALL Caps"), []string{"Caps"}},
	})
}

func TestRequire(t *testing.T) {
	e, _ := engine(t, `
		- id: disclosure
		  type: require
		  level: error
		  message: Say '#ad' early.
		  patterns: ['#ad\b', '#Anzeige\b']
		  tokens: [Werbung]
		  within: 20
		  suggest: Start with '#ad'.
	`)
	runCases(t, e, "disclosure", []textCase{
		{"present", post("#ad Our grinder partner."), nil},
		{"token", post("Werbung: unser Partner."), nil},
		{"too late", post("Our grinder partner is great. #ad"), []string{"Our grinder partner is great. #ad"}},
		{"within graphemes, not bytes", post("☕☕☕☕☕☕☕☕☕☕☕☕☕☕ #ad"), nil},
		{"missing", post("Nothing to see."), []string{"Nothing to see."}},
		{"thread item", Text{Value: "No disclosure.", Kind: KindPost, Channels: []string{"mastodon"}}, nil},
		{"reply template", Text{Value: "No disclosure.", Kind: KindReply}, []string{"No disclosure."}},
	})
	ms := e.LintText(nil, post("Nothing."))
	want := []Match{{Rule: "disclosure", Message: "Say '#ad' early.", Fix: "Start with '#ad'.", Start: 0, End: 8}}
	if diff := cmp.Diff(ms, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestOccurrence(t *testing.T) {
	e, _ := engine(t, `
		- id: hashtags
		  type: occurrence
		  level: warning
		  message: too many ({{match}})
		  token: hashtag
		  max: 2
		- id: bangs
		  type: occurrence
		  level: warning
		  message: x
		  token: exclamation
		  max: 1
		- id: questions
		  type: occurrence
		  level: warning
		  message: x
		  token: question
		  max: 0
		- id: emoji
		  type: occurrence
		  level: warning
		  message: x
		  token: emoji
		  max: 2
		- id: caps
		  type: occurrence
		  level: warning
		  message: x
		  token: caps_word
		  max: 1
		- id: mentions
		  type: occurrence
		  level: warning
		  message: x
		  token: mention
		  max: 1
		- id: links
		  type: occurrence
		  level: warning
		  message: "{{match}} links"
		  token: link
		  min: 1
	`)
	link := " https://x.example"
	runCases(t, e, "hashtags", []textCase{
		{"fine", post("#a #b" + link), nil},
		{"third", post("#a #b #c #d" + link), []string{"#c"}},
	})
	runCases(t, e, "bangs", []textCase{
		{"one", post("Yes!" + link), nil},
		{"second", post("Yes! No!" + link), []string{"!"}},
		{"double mark counts two", post("Yes‼" + link), []string{"‼"}},
		{"emoji double mark", post("Yes‼️" + link), []string{"‼️"}},
		{"not in links", post("https://x.example/!a!b"), nil},
		{"after a link", post("https://x.example/!!"), []string{"!"}},
	})
	runCases(t, e, "questions", []textCase{
		{"question", post("Why?" + link), []string{"?"}},
		{"in a link query", post("https://x.example/?a=1"), nil},
	})
	runCases(t, e, "emoji", []textCase{
		{"sequences count once", post("👩🏽‍🍳 🇩🇪" + link), nil},
		{"third", post("☕ 👩🏽‍🍳 🇩🇪 1️⃣" + link), []string{"🇩🇪"}},
	})
	runCases(t, e, "caps", []textCase{
		{"short and mixed", post("V60 NW-20417 USA" + link), nil},
		{"second", post("USA and NEW York" + link), []string{"NEW"}},
		{"uncased scripts", post("קפה טרי 今日のおすすめ" + link), nil},
	})
	runCases(t, e, "mentions", []textCase{
		{"second", post("@a and @b@c.example" + link), []string{"@b@c.example"}},
	})
	runCases(t, e, "links", []textCase{
		{"lead without link", post("No link."), []string{"No link."}},
		{"thread item", Text{Value: "No link.", Kind: KindPost}, nil},
	})
	if got := e.LintText(nil, post("No link."))[0].Message; got != "0 links" {
		t.Errorf("min message: %q", got)
	}
}

func TestLength(t *testing.T) {
	e, cal := engine(t, `
		- id: short
		  type: length
		  level: warning
		  message: "{{match}} is too long"
		  max: 30
		- id: newsletter
		  type: length
		  level: suggestion
		  message: too short
		  min: 10
		  where:
		    channels: [newsletter]
	`)
	long := "A text of forty characters, more or less"
	both := Text{Value: long, Kind: KindPost, Channels: []string{"mastodon", "bluesky"}, Lead: true}
	got := hits(both, e.LintText(cal, both))
	want := []hitT{
		{"short", long, "40 is too long", "40 characters on mastodon; cut 10"},
		{"short", long, "40 is too long", "40 graphemes on bluesky; cut 10"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// Mastodon counts a link as 23 characters.
	linked := post("See https://northwind-roasters.example/a/very/long/path")
	if diff := cmp.Diff(matched(e, linked, "short"), []string(nil)); diff != "" {
		t.Errorf("link counted in full (-got +want):\n%s", diff)
	}
	// Graphemes, not bytes: a family emoji is one.
	if m := matched(e, Text{Value: "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", Channels: []string{"bluesky"}}, "short"); m != nil {
		t.Errorf("emoji counted as bytes: %v", m)
	}
	newsletter := Text{Value: "Short.", Channels: []string{"newsletter"}}
	if diff := cmp.Diff(matched(e, newsletter, "newsletter"), []string{"Short."}); diff != "" {
		t.Errorf("min (-got +want):\n%s", diff)
	}
	if m := matched(e, Text{Value: "Short."}, "newsletter"); m != nil {
		t.Errorf("channel rule on a text without channel: %v", m)
	}
	if m := matched(e, Text{Value: long}, "short"); len(m) != 1 {
		t.Errorf("text without channel counts as generic: %v", m)
	}
}

func TestPlatformLimit(t *testing.T) {
	e, cal := engine(t, `[]`)
	text := ""
	for range 31 {
		text += "Ten chars. "
	}
	t1 := Text{Value: text, Channels: []string{"mastodon", "bluesky", "newsletter"}}
	want := []Match{{Rule: PlatformLimit, Message: "341 graphemes; Bluesky allows 300 (channel bluesky)", Fix: "cut at least 41 graphemes", End: len(text)}}
	if diff := cmp.Diff(e.LintText(cal, t1), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	shared := Text{Value: text, Channels: []string{"bluesky", "mastodon", "bsky-de"}}
	cal.Config.Channels = append(cal.Config.Channels, calendar.Entry[calendar.Channel]{Key: calendar.String{Value: "bsky-de"}, Value: calendar.Channel{Provider: calendar.String{Value: "bluesky"}}})
	want = []Match{{Rule: PlatformLimit, Message: "341 graphemes; Bluesky allows 300 (channels bluesky, bsky-de)", Fix: "cut at least 41 graphemes", End: len(text)}}
	if diff := cmp.Diff(e.LintText(cal, shared), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	long := ""
	for range 26 {
		long += "Twenty characters!! "
	}
	t2 := Text{Value: long + "https://x.example/ " + long[:39], Channels: []string{"mastodon"}}
	want = []Match{{Rule: PlatformLimit, Message: "583 characters; Mastodon allows 500 (channel mastodon)", Fix: "cut at least 83 characters", End: len(t2.Value)}}
	if diff := cmp.Diff(e.LintText(cal, t2), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestMetric(t *testing.T) {
	e, _ := engine(t, `
		- id: grade
		  type: metric
		  level: warning
		  message: grade {{match}}
		  metric: reading_grade
		  max: 8
		- id: sentences
		  type: metric
		  level: suggestion
		  message: "long: {{match}}"
		  metric: sentence_length
		  max: 12
	`)
	simple := "We roast on Monday. You get it on Wednesday. It tastes of plum and cocoa."
	hard := "Meticulously characterised agricultural cooperatives collaboratively institutionalise environmentally sustainable cultivation methodologies."
	runCases(t, e, "grade", []textCase{
		{"simple", post(simple), nil},
		{"hard", post(hard), []string{hard}},
		{"under ten words", post("Meticulously characterised agricultural cooperatives."), nil},
		{"links and numbers are not words", post("Extraordinarily https://x.example 1 2 3 4 5 6 7 8 9 #a @b ☕"), nil},
	})
	ms := e.LintText(nil, post(hard))
	if len(ms) == 0 || ms[0].Message != "grade 49.7" || ms[0].Fix != "grade 49.7: 10 words in 1 sentence, 5.2 syllables a word" {
		t.Errorf("grade finding: %+v", ms)
	}
	long := "This sentence has far more than twelve words in it, and it goes on and on. Short one."
	runCases(t, e, "sentences", []textCase{
		{"long", post(long), []string{"This sentence has far more than twelve words in it, and it goes on and on."}},
		{"numbers are not words", post("We sell 1 2 3 4 5 6 7 8 9 10 11 12 13 bags."), nil},
	})
	ms = e.LintText(nil, post(long))
	if want := "long: This sentence has far more than…"; len(ms) == 0 || ms[len(ms)-1].Message != want {
		t.Errorf("sentence finding: %+v, want message %q", ms, want)
	}
}

func TestSyllables(t *testing.T) {
	for word, want := range map[string]int{"coffee": 2, "roast": 1, "table": 2, "make": 1, "the": 1, "every": 3, "Neukölln": 2, "V60": 1, "x": 1, "handwritten": 3} {
		if got := syllablesOf(tokenOf(word)); got != want {
			t.Errorf("syllables of %q = %d, want %d", word, got, want)
		}
	}
}

func TestLink(t *testing.T) {
	e, _ := engine(t, `
		- id: tracked
		  type: link
		  level: error
		  message: "fix {{match}}"
		  https_only: true
		  require_params: [utm_source, utm_medium]
		  params_domains: [shop.example]
		- id: domains
		  type: link
		  level: warning
		  message: "{{match}}"
		  allow_domains: [shop.example, partner.example]
		  deny_domains: [bit.ly]
	`)
	runCases(t, e, "tracked", []textCase{
		{"fine", post("https://shop.example/a?utm_source=s&utm_medium=m and https://other.example/"), nil},
		{"http", post("http://other.example/x."), []string{"http://other.example/x"}},
		{"www without scheme", post("www.other.example"), nil},
		{"subdomain needs params", post("https://www.shop.example/a?utm_source=s"), []string{"https://www.shop.example/a?utm_source=s"}},
		{"encoded param name", post("https://shop.example/?utm%5Fsource=a&utm_medium=b"), nil},
		{"not a subdomain", post("https://myshop.example/"), nil},
	})
	runCases(t, e, "domains", []textCase{
		{"allowed", post("https://shop.example/ https://WWW.Partner.Example:443/x"), nil},
		{"not allowed", post("https://evil.example/"), []string{"https://evil.example/"}},
		{"denied", post("https://bit.ly/abc"), []string{"https://bit.ly/abc"}},
	})
	ms := e.LintText(nil, post("http://shop.example/a?utm_medium=m https://bit.ly/x"))
	got := hits(post("http://shop.example/a?utm_medium=m https://bit.ly/x"), ms)
	want := []hitT{
		{"tracked", "http://shop.example/a?utm_medium=m", "fix http://shop.example/a?utm_medium=m", "use https; add utm_source"},
		{"domains", "https://bit.ly/x", "https://bit.ly/x", "bit.ly is not an allowed domain (shop.example, partner.example); do not link to bit.ly"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestConsistencyInText(t *testing.T) {
	e, _ := engine(t, `
		- id: one-spelling
		  type: consistency
		  level: warning
		  message: "mixed: {{match}}"
		  pairs:
		    - [email, e-mail]
		    - [pour-over, pour over]
	`)
	runCases(t, e, "one-spelling", []textCase{
		{"one spelling", post("Email us. We read every email."), nil},
		{"mixed", post("Email us, or send an e-mail, or an EMAIL."), []string{"e-mail"}},
		{"first wins", post("E-mail us, or send an email."), []string{"email"}},
		{"phrase", post("A pour-over, or pour\nover?"), []string{"pour\nover"}},
		{"hashtag", post("#email or e-mail"), []string{"e-mail"}},
	})
}

func TestWhere(t *testing.T) {
	e, _ := engine(t, `
		- id: scoped
		  type: existence
		  level: warning
		  message: x
		  tokens: [sale]
		  where:
		    channels: [mastodon]
		    kinds: [post]
		    pillars: [product]
		    tags: [promo]
	`)
	base := Text{Value: "sale", Kind: KindPost, Channels: []string{"bluesky", "mastodon"}, Pillar: "product"}
	cases := []struct {
		name string
		edit func(*Text)
		want int
	}{
		{"all match", func(*Text) {}, 1},
		{"tag instead of pillar", func(t *Text) { t.Pillar, t.Tags = "education", []string{"x", "promo"} }, 1},
		{"neither pillar nor tag", func(t *Text) { t.Pillar = "education" }, 0},
		{"other channel", func(t *Text) { t.Channels = []string{"bluesky"} }, 0},
		{"no channel", func(t *Text) { t.Channels = nil }, 0},
		{"other kind", func(t *Text) { t.Kind = KindReply }, 0},
	}
	for _, c := range cases {
		tx := base
		c.edit(&tx)
		if got := len(matched(e, tx, "scoped")); got != c.want {
			t.Errorf("%s: %d matches, want %d", c.name, got, c.want)
		}
	}
}

func TestUnicode(t *testing.T) {
	e, _ := engine(t, `
		- id: words
		  type: existence
		  level: warning
		  message: "{{match}}"
		  tokens: [café, קפה, naïve, grüße]
		- id: emoji
		  type: occurrence
		  level: warning
		  message: x
		  token: emoji
		  max: 1
	`)
	runCases(t, e, "words", []textCase{
		{"precomposed", post("Un café crème"), []string{"café"}},
		{"combining mark stays in the word", post("cafe\u0301s and cafe\u0301"), nil},
		{"right to left", post("קפה טרי מהקלייה, קפה!"), []string{"קפה", "קפה"}},
		{"bidi marks around", post("\u200fקפה\u200f"), []string{"קפה"}},
		{"case folding beyond ASCII", post("NAÏVE und GRÜSSE und Grüße"), []string{"NAÏVE", "Grüße"}},
	})
	runCases(t, e, "emoji", []textCase{
		{"zwj family is one", post("👨‍👩‍👧‍👦 hi"), nil},
		{"second", post("👨‍👩‍👧‍👦 hi 👩🏽‍🍳 and 🇩🇪"), []string{"👩🏽‍🍳"}},
	})
	// Offsets are bytes into the text, after multi-byte characters.
	text := "Grüße 👨‍👩‍👧‍👦 naïve"
	ms := e.LintText(nil, post(text))
	if len(ms) != 2 || text[ms[1].Start:ms[1].End] != "naïve" {
		t.Errorf("offsets: %+v", ms)
	}
}
