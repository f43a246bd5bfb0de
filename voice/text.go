package voice

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postctl/postctl/social"
)

// doc is one text being linted: its tokens, words and sentences, computed once and shared by the
// rules. A linter reuses the slices from text to text.
type doc struct {
	t    *Text
	toks []social.Token

	units []unit // words: Word tokens and the words of hashtags
	hits  []hit  // every phrase of every rule found in the text, by start

	folded     []byte // the text case-folded, for pattern prefilters; set by foldedText
	foldedDone bool
	occ        [numOccurrence]int // occurrence counts by what is counted; set by occurrenceCounts
	occDone    bool

	sentences []sentence // set by sentencesOf
	sentDone  bool
	starts    []bool // token index → it is the first content token of a sentence

	counts map[string]int // platform name → length as the platform counts it
}

type unit struct {
	start, end int // the word; for a hashtag without its '#'
	tok        int // index into toks
	hashtag    bool
	joined     bool // follows the previous unit with only whitespace between
	stem       int  // end of the word before a possessive 's, or 0
}

type hit struct {
	p          *phrase
	start, end int
	unit       int // first unit, or -1 for symbols and literals
}

type sentence struct {
	start, first, end int // token indices: the sentence's first token, its first word-like token, and its end (exclusive)
	words             int // prose words, as metrics count them
}

// foldedText is the text case-folded, in a buffer reused from text to text.
func (d *doc) foldedText() []byte {
	if !d.foldedDone {
		d.folded = appendFold(d.folded[:0], d.t.Value)
		d.foldedDone = true
	}
	return d.folded
}

// contains says whether the text can hold a match of p, by its required literal.
func (d *doc) contains(p *pattern) bool {
	if p.literal == "" {
		return true
	}
	if p.fold {
		return containsFold(d.t.Value, p.literal, d.foldedText)
	}
	return strings.Contains(d.t.Value, p.literal)
}

// buildUnits lists the words of the text.
func (d *doc) buildUnits() {
	text := d.t.Value
	prevWord := -2 // token index of the last Word unit, when nothing but line breaks followed it
	for i, t := range d.toks {
		switch t.Kind {
		case social.Word:
			u := unit{start: t.Start, end: t.End, tok: i, joined: prevWord >= 0}
			if s := possessive(text[t.Start:t.End]); s > 0 {
				u.stem = t.Start + s
			}
			d.units = append(d.units, u)
			prevWord = i
		case social.Hashtag:
			d.units = append(d.units, unit{start: t.Start + 1, end: t.End, tok: i, hashtag: true})
			prevWord = -2
		case social.Newline:
		default:
			prevWord = -2
		}
	}
}

// possessive is the length of w without a trailing 's or ’s, or 0.
func possessive(w string) int {
	switch {
	case len(w) > 2 && (strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "'S")):
		return len(w) - 2
	case len(w) > 4 && (strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "’S")):
		return len(w) - 4
	}
	return 0
}

// findPhrases finds every phrase of the engine in the text, once for all rules.
func (l *linter) findPhrases(d *doc) {
	e := l.e
	text := d.t.Value
	if len(e.words) > 0 {
		for i := range d.units {
			u := &d.units[i]
			if !e.firstWords.maybe(text[u.start:u.end]) && (u.stem == 0 || !e.firstWords.maybe(text[u.start:u.stem])) {
				continue
			}
			l.buf = appendFold(l.buf[:0], text[u.start:u.end])
			for _, p := range e.words[string(l.buf)] {
				if end, ok := d.matchFrom(p, i); ok {
					d.hits = append(d.hits, hit{p: p, start: u.start, end: end, unit: i})
				}
			}
			if u.stem > 0 {
				l.buf = appendFold(l.buf[:0], text[u.start:u.stem])
				for _, p := range e.words[string(l.buf)] {
					if len(p.words) == 1 && (!p.caseSensitive || text[u.start:u.stem] == p.raw[0]) {
						d.hits = append(d.hits, hit{p: p, start: u.start, end: u.stem, unit: i})
					}
				}
			}
		}
	}
	if len(e.symbols) > 0 {
		for _, t := range d.toks {
			if t.Kind != social.Hashtag && t.Kind != social.Mention && t.Kind != social.Emoji {
				continue
			}
			l.buf = appendFold(l.buf[:0], t.Text)
			for _, p := range e.symbols[string(l.buf)] {
				if !p.caseSensitive || t.Text == p.raw[0] {
					d.hits = append(d.hits, hit{p: p, start: t.Start, end: t.End, unit: -1})
				}
			}
		}
	}
	for _, p := range e.literal {
		if !d.contains(p.re) {
			continue
		}
		for _, m := range p.re.re.FindAllStringIndex(text, -1) {
			if d.wordBounded(m[0], m[1]) && !d.insideSymbol(m[0], m[1]) {
				d.hits = append(d.hits, hit{p: p, start: m[0], end: m[1], unit: -1})
			}
		}
	}
	sortHits(d.hits)
}

// matchFrom matches p's words from unit i on and returns the end of the match.
func (d *doc) matchFrom(p *phrase, i int) (int, bool) {
	text := d.t.Value
	if len(p.words) > 1 && d.units[i].hashtag {
		return 0, false
	}
	for j := range p.words {
		k := i + j
		if k >= len(d.units) || (j > 0 && !d.units[k].joined) {
			return 0, false
		}
		u := d.units[k]
		w := text[u.start:u.end]
		if !d.wordIs(w, p, j) {
			if j == len(p.words)-1 && u.stem > 0 && d.wordIs(text[u.start:u.stem], p, j) {
				return u.stem, true
			}
			return 0, false
		}
		if j == len(p.words)-1 {
			return u.end, true
		}
	}
	return 0, false
}

func (d *doc) wordIs(w string, p *phrase, j int) bool {
	if p.caseSensitive {
		return w == p.raw[j]
	}
	return foldEqual(w, p.words[j])
}

// wordBounded says whether a literal match does not start or end inside a word.
func (d *doc) wordBounded(start, end int) bool {
	text := d.t.Value
	if start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:start]); isWordRune(r) {
			if f, _ := utf8.DecodeRuneInString(text[start:]); isWordRune(f) {
				return false
			}
		}
	}
	if end < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[end:]); isWordRune(r) {
			if f, _ := utf8.DecodeLastRuneInString(text[:end]); isWordRune(f) {
				return false
			}
		}
	}
	return true
}

// insideSymbol says whether a span overlaps a link, mention, e-mail address or placeholder.
func (d *doc) insideSymbol(start, end int) bool {
	for _, t := range d.toks {
		if t.Start >= end {
			break
		}
		switch t.Kind {
		case social.Link, social.Mention, social.Email, social.Placeholder:
			if t.End > start {
				return true
			}
		}
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func sortHits(h []hit) {
	// insertion sort: few hits per text, mostly in order already
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && hitLess(h[j], h[j-1]); j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

func hitLess(a, b hit) bool {
	if a.start != b.start {
		return a.start < b.start
	}
	return a.end > b.end // the longer match first
}

// Sentences.

// terminal says whether a Punct token can end a sentence.
func terminal(s string) bool {
	if len(s) == 1 {
		return s[0] == '.' || s[0] == '!' || s[0] == '?'
	}
	switch s {
	case "…", "‼", "⁉", "⁈", "⁇", "。", "！", "？", "؟":
		return true
	}
	return false
}

// closer says whether a Punct token closes a quote or bracket, which may follow a sentence's end.
func closer(s string) bool {
	if len(s) == 1 {
		return s[0] == '"' || s[0] == '\'' || s[0] == ')' || s[0] == ']'
	}
	switch s {
	case "”", "’", "»", "«", "›", "」", "』":
		return true
	}
	return false
}

// abbreviations end with a period that does not end a sentence (folded, without the final period).
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "cf": true, "approx": true, "incl": true, "ca": true,
	"a.m": true, "p.m": true, "mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"z.b": true, "bzw": true, "usw": true, "ggf": true, "inkl": true, "evtl": true, "u.a": true, "d.h": true,
}

// sentencesOf splits the text into sentences over its tokens.
func (d *doc) sentencesOf() []sentence {
	if d.sentDone {
		return d.sentences
	}
	d.sentDone = true
	toks := d.toks
	if cap(d.starts) >= len(toks) {
		d.starts = d.starts[:len(toks)]
		clear(d.starts)
	} else {
		d.starts = make([]bool, len(toks))
	}
	cur := sentence{start: -1, first: -1}
	closeSentence := func(end int) {
		if cur.start >= 0 {
			cur.end = end
			for _, t := range toks[cur.start:end] {
				if isProseWord(t) {
					cur.words++
				}
			}
			d.sentences = append(d.sentences, cur)
		}
		cur = sentence{start: -1, first: -1}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case social.Newline:
			if i > 0 && toks[i-1].Kind == social.Newline {
				closeSentence(i)
			}
			continue
		case social.Punct:
			if cur.start < 0 {
				cur.start = i
			}
			if !terminal(t.Text) || (t.Text == "." && d.abbreviation(i)) {
				continue
			}
			// A run of terminals and closing punctuation ends a sentence when whitespace follows.
			j := i
			for j+1 < len(toks) && toks[j+1].Start == toks[j].End && toks[j+1].Kind == social.Punct && (terminal(toks[j+1].Text) || closer(toks[j+1].Text)) {
				j++
			}
			if j+1 == len(toks) || toks[j+1].Start > toks[j].End || toks[j+1].Kind == social.Newline {
				closeSentence(j + 1)
				i = j
			}
			continue
		}
		if cur.start < 0 {
			cur.start = i
		}
		if cur.first < 0 {
			cur.first = i
			d.starts[i] = true
		}
	}
	closeSentence(len(toks))
	return d.sentences
}

// abbreviation says whether the period at token i closes an abbreviation. Initials are not
// recognised ("90 °C." ends a sentence); a name after one is capitalised anyway.
func (d *doc) abbreviation(i int) bool {
	if i == 0 {
		return false
	}
	prev := d.toks[i-1]
	if prev.Kind != social.Word || prev.End != d.toks[i].Start {
		return false
	}
	if len(prev.Text) > 8 {
		return false
	}
	var buf [32]byte
	return abbreviations[string(appendFold(buf[:0], prev.Text))]
}

// sentenceStart says whether unit u is the first word of a sentence.
func (d *doc) sentenceStart(u unit) bool {
	d.sentencesOf()
	return d.starts[u.tok]
}

// count is the text's length as platform p counts it, computed once per platform.
func (d *doc) count(p social.Platform) int {
	if n, ok := d.counts[p.Name]; ok {
		return n
	}
	n := p.Count(d.t.Value)
	if d.counts == nil {
		d.counts = make(map[string]int, 2)
	}
	d.counts[p.Name] = n
	return n
}

// wordFilter rules out most words as the first word of a phrase without folding them or looking
// them up: by their first two letters and their length.
type wordFilter struct {
	bigrams [1 << 16 / 64]uint64 // folded ASCII first two bytes
	lengths uint64               // byte lengths below 64
	all     bool                 // a first word the filter cannot describe: let every word through
}

func (f *wordFilter) add(folded string) {
	if len(folded) < 2 || len(folded) >= 64 || folded[0] >= utf8.RuneSelf || folded[1] >= utf8.RuneSelf {
		f.all = true
		return
	}
	b := uint16(folded[0])<<8 | uint16(folded[1])
	f.bigrams[b/64] |= 1 << (b % 64)
	f.lengths |= 1 << len(folded)
}

// maybe says whether w could be the first word of a phrase.
func (f *wordFilter) maybe(w string) bool {
	if f.all || len(w) < 2 || w[0] >= utf8.RuneSelf || w[1] >= utf8.RuneSelf {
		return true
	}
	if len(w) >= 64 || f.lengths&(1<<len(w)) == 0 {
		// an ASCII start can still hide a longer non-ASCII word whose folded length differs
		for i := 2; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				return true
			}
		}
		return false
	}
	b := uint16(lowerASCII(w[0]))<<8 | uint16(lowerASCII(w[1]))
	return f.bigrams[b/64]&(1<<(b%64)) != 0
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
