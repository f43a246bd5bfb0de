package social

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/rivo/uniseg"
)

// tk is an expected token; want fills in its offsets by finding each text after the previous one.
type tk struct {
	kind Kind
	text string
}

func want(t *testing.T, text string, tks ...tk) []Token {
	t.Helper()
	var out []Token
	at := 0
	for _, x := range tks {
		i := strings.Index(text[at:], x.text)
		if i < 0 {
			t.Fatalf("bad test: %q not in %q after offset %d", x.text, text, at)
		}
		start := at + i
		out = append(out, Token{Kind: x.kind, Start: start, End: start + len(x.text), Text: x.text})
		at = start + len(x.text)
	}
	return out
}

func w(s string) tk  { return tk{Word, s} }
func p(s string) tk  { return tk{Punct, s} }
func e(s string) tk  { return tk{Emoji, s} }
func h(s string) tk  { return tk{Hashtag, s} }
func m(s string) tk  { return tk{Mention, s} }
func l(s string) tk  { return tk{Link, s} }
func em(s string) tk { return tk{Email, s} }
func ph(s string) tk { return tk{Placeholder, s} }
func nl(s string) tk { return tk{Newline, s} }

func TestTokenize(t *testing.T) {
	tests := []struct {
		name         string
		text         string
		placeholders bool
		want         []tk
	}{
		{"empty", "", false, nil},
		{"spaces only", " \t\u00a0\u3000 ", false, nil},
		{"ascii prose", "Don't miss our pour-over class: V60 at 3.5 bars, e-mail the co-op.", false, []tk{
			w("Don't"), w("miss"), w("our"), w("pour-over"), w("class"), p(":"), w("V60"), w("at"), w("3.5"),
			w("bars"), p(","), w("e-mail"), w("the"), w("co-op"), p("."),
		}},
		{"joiners join one at a time", "a--b end. x_y _z_ U.S.A. don’t ’quoted’", false, []tk{
			w("a"), p("-"), p("-"), w("b"), w("end"), p("."), w("x_y"), p("_"), w("z"), p("_"), w("U.S.A"), p("."),
			w("don’t"), p("’"), w("quoted"), p("’"),
		}},
		{"three exclamation marks", "Wow!!!", false, []tk{w("Wow"), p("!"), p("!"), p("!")}},
		{"hashtags", "#coffee #Café_2024 #1 #1st a#b ##double (#paren) #tag.", false, []tk{
			h("#coffee"), h("#Café_2024"), p("#"), w("1"), h("#1st"), w("a"), p("#"), w("b"), p("#"), h("#double"),
			p("("), h("#paren"), p(")"), h("#tag"), p("."),
		}},
		{"hashtag ends before emoji", "#flatwhite☕", false, []tk{h("#flatwhite"), e("☕")}},
		{"mentions", "@ana @ana@example.social, @alice.bsky.social. (@bo_b) x@ @", false, []tk{
			m("@ana"), m("@ana@example.social"), p(","), m("@alice.bsky.social"), p("."), p("("), m("@bo_b"), p(")"),
			w("x"), p("@"), p("@"),
		}},
		{"mention after a word is not one", "hi_@ana", false, []tk{w("hi"), p("_"), p("@"), w("ana")}},
		{"emails", "ana@example.com, first.last+tag@mail.example.co.uk. ana@localhost", false, []tk{
			em("ana@example.com"), p(","), em("first.last+tag@mail.example.co.uk"), p("."),
			w("ana"), p("@"), w("localhost"),
		}},
		{"link with trailing period", "Read https://northwind.example/blog/v60.", false, []tk{
			w("Read"), l("https://northwind.example/blog/v60"), p("."),
		}},
		{"parenthesised link", "(see https://en.example/wiki/Pour_(coffee)) and (https://x.example/a)", false, []tk{
			p("("), w("see"), l("https://en.example/wiki/Pour_(coffee)"), p(")"), w("and"),
			p("("), l("https://x.example/a"), p(")"),
		}},
		{"link containing #! and @", "https://x.example/#!/a?b=c&d=@e!", false, []tk{l("https://x.example/#!/a?b=c&d=@e"), p("!")}},
		{"link followed by emoji", "https://x.example/a🎉 done", false, []tk{l("https://x.example/a"), e("🎉"), w("done")}},
		{"links: case, www, quotes, brackets", `HTTPS://X.EXAMPLE/A "http://x.example/q?x=1" [www.example.com/x?y=1], x www.`, false, []tk{
			l("HTTPS://X.EXAMPLE/A"), p(`"`), l("http://x.example/q?x=1"), p(`"`), p("["), l("www.example.com/x?y=1"),
			p("]"), p(","), w("x"), w("www"), p("."),
		}},
		{"not a link", "https:// xhttps://x.example", false, []tk{
			w("https"), p(":"), p("/"), p("/"), w("xhttps"), p(":"), p("/"), p("/"), w("x.example"),
		}},
		{"IRI keeps letters", "https://例え.example/パス。次", false, []tk{l("https://例え.example/パス"), p("。"), w("次")}},
		{"emoji ZWJ family", "we 👩‍👩‍👧‍👦!", false, []tk{w("we"), e("👩‍👩‍👧‍👦"), p("!")}},
		{"flags", "🇵🇹🇧🇷 🏳️‍🌈 🏴󠁧󠁢󠁳󠁣󠁴󠁿", false, []tk{e("🇵🇹"), e("🇧🇷"), e("🏳️‍🌈"), e("🏴󠁧󠁢󠁳󠁣󠁴󠁿")}},
		{"lone regional indicator", "🇵", false, []tk{p("🇵")}},
		{"keycaps", "1️⃣ #️⃣ 10", false, []tk{e("1️⃣"), e("#️⃣"), w("10")}},
		{"skin tones", "👍🏽 ☝🏿 👋", false, []tk{e("👍🏽"), e("☝🏿"), e("👋")}},
		{"text and emoji presentation", "© ©️ ↔ ↔️ ☺︎ ☕ ℹ️ ™", false, []tk{
			p("©"), e("©️"), p("↔"), e("↔️"), p("☺︎"), e("☕"), e("ℹ️"), p("™"),
		}},
		{"emoji between words", "good☕morning", false, []tk{w("good"), e("☕"), w("morning")}},
		{"combining marks stay in words", "cafe\u0301 na\u0308ive Ñandu", false, []tk{
			w("cafe\u0301"), w("na\u0308ive"), w("Ñandu"),
		}},
		{"combining mark on punctuation", "a.\u0301b", false, []tk{w("a"), p(".\u0301"), w("b")}},
		{"arabic", "مرحبا بالعالم، قهوة!", false, []tk{w("مرحبا"), w("بالعالم"), p("،"), w("قهوة"), p("!")}},
		{"hebrew", "שלום עולם. קפה", false, []tk{w("שלום"), w("עולם"), p("."), w("קפה")}},
		{"persian zero-width non-joiner", "می\u200cخواهم", false, []tk{w("می\u200cخواهم")}},
		{"cjk", "日本語のテキスト、カフェ。", false, []tk{w("日本語のテキスト"), p("、"), w("カフェ"), p("。")}},
		{"hindi", "नमस्ते दुनिया", false, []tk{w("नमस्ते"), w("दुनिया")}},
		{"placeholders on", "Hi {{name}}, order {{ order }} {{{x}}} {{a{b}} {{open", true, []tk{
			w("Hi"), ph("{{name}}"), p(","), w("order"), ph("{{ order }}"), p("{"), ph("{{x}}"), p("}"),
			p("{"), p("{"), w("a"), p("{"), w("b"), p("}"), p("}"), p("{"), p("{"), w("open"),
		}},
		{"placeholders off", "Hi {{name}}", false, []tk{w("Hi"), p("{"), p("{"), w("name"), p("}"), p("}")}},
		{"line breaks", "a\r\nb\nc\rd\u2028e\n\n", false, []tk{
			w("a"), nl("\r\n"), w("b"), nl("\n"), w("c"), nl("\r"), w("d"), nl("\u2028"), w("e"), nl("\n"), nl("\n"),
		}},
		{"invisible characters are skipped", "\ufeffa\u200bb\x00c\u00ad", false, []tk{w("a"), w("b"), w("c")}},
		{"invalid utf-8", "a\xffb", false, []tk{w("a"), p("\xff"), w("b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokenize(tt.text, tt.placeholders)
			if diff := cmp.Diff(got, want(t, tt.text, tt.want...)); diff != "" {
				t.Errorf("Tokenize(%q) (-got +want):\n%s", tt.text, diff)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	var got []string
	for k := Word; k <= Newline+1; k++ {
		got = append(got, k.String())
	}
	want := []string{"word", "hashtag", "mention", "link", "email", "emoji", "placeholder", "punct", "newline", "Kind(9)"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Kind.String (-got +want):\n%s", diff)
	}
}

func TestEmojiTables(t *testing.T) {
	tests := []struct {
		r           rune
		pict, emoji bool
	}{
		{'©', true, false},
		{'↔', true, false},
		{'☕', true, true},
		{'😀', true, true},
		{0x1F1E6, false, true}, // regional indicator A
		{0x1F3FD, false, true}, // skin tone
		{'a', false, false},
		{'日', false, false},
	}
	for _, tt := range tests {
		got := [2]bool{unicode.Is(extendedPictographic, tt.r), unicode.Is(emojiPresentation, tt.r)}
		if diff := cmp.Diff(got, [2]bool{tt.pict, tt.emoji}); diff != "" {
			t.Errorf("%U Extended_Pictographic, Emoji_Presentation (-got +want):\n%s", tt.r, diff)
		}
	}
}

// checkTokens checks what must hold for every text.
func checkTokens(t *testing.T, text string, toks []Token) {
	t.Helper()
	bounds := map[int]bool{0: true}
	g := uniseg.NewGraphemes(text)
	for g.Next() {
		_, to := g.Positions()
		bounds[to] = true
	}
	prev := 0
	for i, tok := range toks {
		if tok.Start < prev || tok.End <= tok.Start || tok.End > len(text) {
			t.Fatalf("token %d %+v: out of order, empty or out of bounds (previous ended at %d)", i, tok, prev)
		}
		if tok.Text != text[tok.Start:tok.End] {
			t.Fatalf("token %d %+v: Text is not text[Start:End] = %q", i, tok, text[tok.Start:tok.End])
		}
		if !bounds[tok.Start] || !bounds[tok.End] {
			t.Fatalf("token %d %+v splits a grapheme cluster", i, tok)
		}
		// Only spaces and invisible characters are skipped.
		for _, r := range text[prev:tok.Start] {
			if r == '\n' || r == '\r' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				t.Fatalf("token %d %+v: %q skipped before it", i, tok, r)
			}
		}
		prev = tok.End
		var ok bool
		switch tok.Kind {
		case Word:
			r, _ := utf8.DecodeRuneInString(tok.Text)
			ok = isWordRune(r) || invisible(r)
		case Hashtag:
			ok = len(tok.Text) > 1 && tok.Text[0] == '#'
		case Mention:
			ok = len(tok.Text) > 1 && tok.Text[0] == '@'
		case Link:
			lower := strings.ToLower(tok.Text)
			ok = strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "www.")
		case Email:
			ok = strings.Contains(tok.Text, "@")
		case Placeholder:
			ok = strings.HasPrefix(tok.Text, "{{") && strings.HasSuffix(tok.Text, "}}")
		case Newline:
			ok = tok.Text == "\r\n" || utf8.RuneCountInString(tok.Text) == 1
		case Emoji, Punct:
			ok = uniseg.GraphemeClusterCount(tok.Text) == 1
		}
		if !ok {
			t.Fatalf("token %d %+v is not a %s", i, tok, tok.Kind)
		}
	}
	for _, r := range text[prev:] {
		if r == '\n' || r == '\r' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			t.Fatalf("%q skipped at the end", r)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"", "Don't miss our pour-over class! #coffee @ana@example.social https://x.example/(a)#!/b.",
		"ana@example.com 👩‍👩‍👧‍👦 🇵🇹 1️⃣ 👍🏽 © cafe\u0301 مرحبا שלום 日本語",
		"{{name}} {{ x }} {{{", "a\r\nb\r\rc\u2028", "\xff\xfe#\u0301@\u0301.\u20e3",
		"www.x https://x.example/a🎉 (https://a.example/b)) [www.c.example]]",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, placeholders bool) {
		checkTokens(t, text, Tokenize(text, placeholders))
		if got, want := Named("bluesky").Count(text), uniseg.GraphemeClusterCount(text); got != want {
			t.Fatalf("bluesky Count(%q) = %d, want %d", text, got, want)
		}
		if got, want := Named("mastodon").Count(text), mastodonCount(text); got != want {
			t.Fatalf("mastodon Count(%q) = %d, want %d", text, got, want)
		}
	})
}

// mastodonCount counts as Mastodon's StatusLengthValidator does, the slow way: rewrite the text,
// then count its grapheme clusters.
func mastodonCount(text string) int {
	var b strings.Builder
	at := 0
	for _, tok := range Tokenize(text, false) {
		switch {
		case tok.Kind == Link && strings.Contains(tok.Text, "://"):
			b.WriteString(text[at:tok.Start] + strings.Repeat("x", 23))
			at = tok.End
		case tok.Kind == Mention && strings.Count(tok.Text, "@") == 2:
			b.WriteString(text[at:tok.Start] + tok.Text[:strings.LastIndexByte(tok.Text, '@')])
			at = tok.End
		}
	}
	b.WriteString(text[at:])
	return uniseg.GraphemeClusterCount(b.String())
}

// post is a typical 300-byte post.
const post = "New this week: our Ethiopia Guji natural, roasted light for pour-over. Expect blueberry, " +
	"jasmine and a long, sweet finish. Brew it on a V60 at 1:16 with water just off the boil. " +
	"Thanks, @ana@example.social for the tasting notes! Order: https://northwind.example/guji?utm_source=social #coffee #V60!!!"

func BenchmarkTokenize(b *testing.B) {
	texts := map[string]string{
		"ascii300":   post,
		"unicode300": strings.Repeat("Café crème ☕ com açúcar, 👍🏽 ótimo! مرحبا 日本語 ", 5)[:300],
	}
	for _, name := range []string{"ascii300", "unicode300"} {
		text := texts[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				Tokenize(text, false)
			}
		})
	}
}

func TestBenchmarkPostIs300Bytes(t *testing.T) {
	if len(post) != 300 {
		t.Errorf("len(post) = %d, want 300", len(post))
	}
}

// BenchmarkTokenizeCalendar tokenizes 40,000 different 300-byte texts, the texts of a
// 10,000-post calendar, per op.
func BenchmarkTokenizeCalendar(b *testing.B) {
	texts := make([]string, 40000)
	for i := range texts {
		texts[i] = post[:len(post)-1-i%7] + strings.Repeat("!", 1+i%7)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, text := range texts {
			Tokenize(text, false)
		}
	}
}

// A run of '_' is a run of Punct: each one may start an e-mail address's local part, and the scan
// for its '@' is made once per run, not once per '_' (which took minutes on a 1 MiB file).
func TestTokenizeLongUnderscoreRun(t *testing.T) {
	text := strings.Repeat("_", 200_000) + " a_b@example.com"
	toks := Tokenize(text, false)
	if len(toks) != 200_001 || toks[len(toks)-1].Kind != Email || toks[0].Kind != Punct {
		t.Fatalf("%d tokens, last %+v", len(toks), toks[len(toks)-1])
	}
}

func BenchmarkTokenizeRuns(b *testing.B) {
	for _, unit := range []string{"_", "a ", "#_", "a\n\n", "@a", "a@"} {
		text := strings.Repeat(unit, 50_000)
		b.Run(fmt.Sprintf("%q", unit), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Tokenize(text, false)
			}
		})
	}
}
