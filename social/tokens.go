// Package social splits the text of a social post into tokens and counts its length the way each
// platform counts it.
package social

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

//go:generate go run ./internal/gentables

// Kind is what a token is.
type Kind int

const (
	Word        Kind = iota // letters, digits, marks, with inner ' ’ - . _ joining letter/digit runs: don't, pour-over, e-mail, V60, 3.5
	Hashtag                 // "#tag" (Text includes '#'; letters/digits/marks/_ after '#', not all digits)
	Mention                 // "@user" or "@user@domain"
	Link                    // https://…, http://…, www.… ; trailing . , ; : ! ? ' " ) ] (unbalanced) are not part of it
	Email                   // a@b.example
	Emoji                   // one grapheme cluster that displays as an emoji (ZWJ sequences, flags, keycaps, skin tones = 1)
	Placeholder             // {{name}} — only when tokenizing a reply template
	Punct                   // any other non-space grapheme cluster; "!!!" is three Punct tokens
	Newline                 // a line break ("\n"; "\r\n" is one)
)

var kindNames = [...]string{"word", "hashtag", "mention", "link", "email", "emoji", "placeholder", "punct", "newline"}

// String names the kind in lower case: "word", "hashtag", …
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Token is one piece of a post's text.
type Token struct {
	Kind       Kind
	Start, End int    // byte offsets into the text
	Text       string // text[Start:End]
}

// Tokenize splits text into tokens. Spaces other than line breaks are skipped, and so are invisible
// characters: control characters and clusters of format characters and variation selectors only
// (a lone zero-width space, joiner or byte order mark). Every token is made of whole grapheme
// clusters. placeholders makes {{name}} one Placeholder token, as in a reply template; otherwise
// its braces are Punct.
//
// A pictograph shown as text by default ("©", "↔") is Punct unless U+FE0F, a skin tone or a ZWJ
// makes it an emoji; a lone regional indicator or skin tone is Punct too.
//
// Hashtags, mentions and links start only at the start of the text or after a character that is
// not a letter, digit, mark or '_': "a#b" is a word, '#' and a word; "ana@example.com" is an Email.
// An http(s) link's '#', '!' and '@' are the link's.
func Tokenize(text string, placeholders bool) []Token {
	return tokenize(text, placeholders, nil)
}

// tokenize appends the tokens of text to toks.
func tokenize(text string, placeholders bool, toks []Token) []Token {
	if toks == nil && text != "" {
		// Posts average five bytes a token (the example calendar: 5.0, at most 3.5); one
		// allocation serves almost every text.
		toks = make([]Token, 0, len(text)/4+2)
	}
	s := scanner{text: text, placeholders: placeholders, toks: toks, wordyEnd: -1}
	for i := 0; i < len(text); {
		i = s.next(i)
	}
	if len(s.toks) == 0 {
		return nil
	}
	return s.toks
}

// Character classes of ASCII bytes (asciiClass), each a whole grapheme cluster on the fast path.
const (
	cWord  = 1 << iota // A-Z a-z 0-9
	cUser              // A-Z a-z 0-9 _ : a user name, a hashtag's body
	cSpace             // space, tab, vertical tab, form feed
	cURL               // may be part of a link
	cLocal             // may be part of an email address's local part
	cJoin              // ' - . _ : joins two runs of a word
	cCtrl              // other control characters: invisible
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if alnum {
			t[c] |= cWord | cUser | cLocal
		}
		if c > ' ' && c < 0x7f && !strings.ContainsRune("<>\"{}|\\^`", rune(c)) {
			t[c] |= cURL
		}
		switch {
		case c == '_':
			t[c] |= cUser | cLocal | cJoin
		case c == '.' || c == '-':
			t[c] |= cLocal | cJoin
		case c == '%' || c == '+':
			t[c] |= cLocal
		case c == '\'':
			t[c] |= cJoin
		case c == ' ' || c == '\t' || c == '\v' || c == '\f':
			t[c] |= cSpace
		case c < ' ' && c != '\n' && c != '\r' || c == 0x7f:
			t[c] |= cCtrl
		}
	}
	return t
}()

type scanner struct {
	text         string
	placeholders bool
	toks         []Token
	wordyEnd     int    // end of the last token when it ends in a letter, digit, mark or '_'; else -1
	noEmail      [2]int // (start, end): a local part from start to end that is no e-mail address

	// When measure is set the scanner keeps no tokens and sums, in delta, what Mastodon's
	// counting adds to the text's grapheme count.
	measure bool
	delta   int

	// The last grapheme cluster found, [cPos, cEnd) with base rune cRune, and uniseg's state after
	// it: the scanners often ask for one cluster twice, and then for the one after it.
	cPos, cEnd int
	cRune      rune
	cState     int
}

func (s *scanner) emit(k Kind, start, end int, wordy bool) int {
	if wordy {
		s.wordyEnd = end
	}
	if s.measure {
		s.mastodonDelta(k, s.text[start:end])
		return end
	}
	s.toks = append(s.toks, Token{Kind: k, Start: start, End: end, Text: s.text[start:end]})
	return end
}

// next reads the token or space starting at i and returns where the next one starts.
func (s *scanner) next(i int) int {
	t := s.text
	if c := t[i]; c < utf8.RuneSelf && (i+1 == len(t) || t[i+1] < utf8.RuneSelf) {
		return s.ascii(i, c)
	}
	e, r := s.cluster(i)
	if e == i+1 && r < utf8.RuneSelf {
		return s.ascii(i, byte(r)) // an ASCII byte before a non-ASCII cluster
	}
	switch {
	case isEmoji(t[i:e], r):
		return s.emit(Emoji, i, e, false)
	case r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029:
		return s.emit(Newline, i, e, false)
	case unicode.IsSpace(r) || invisible(r):
		if blank(t[i:e]) {
			return e
		}
		// A space carrying a mark or skin tone shows something: Punct.
	case isWordRune(r):
		return s.wordOrEmail(i)
	}
	return s.emit(Punct, i, e, r == '_')
}

// ascii reads the token or space starting at the single-byte cluster c at i.
func (s *scanner) ascii(i int, c byte) int {
	free := s.wordyEnd != i // not right after a letter, digit, mark or '_'
	switch cl := asciiClass[c]; {
	case cl&cWord != 0:
		if free && (c|0x20 == 'h' || c|0x20 == 'w') {
			if end := s.link(i); end > 0 {
				return s.emit(Link, i, end, isWordRune(lastRune(s.text[:end])))
			}
		}
		return s.wordOrEmail(i)
	case cl&cSpace != 0:
		return i + 1
	case c == '\n':
		return s.emit(Newline, i, i+1, false)
	case c == '\r':
		if i+1 < len(s.text) && s.text[i+1] == '\n' {
			return s.emit(Newline, i, i+2, false)
		}
		return s.emit(Newline, i, i+1, false)
	case cl&cCtrl != 0:
		return i + 1
	case c == '#' && free:
		if end := s.hashtag(i); end > 0 {
			return s.emit(Hashtag, i, end, true)
		}
	case c == '@' && free:
		if end := s.mention(i); end > 0 {
			return s.emit(Mention, i, end, true)
		}
	case c == '{' && s.placeholders:
		if end := s.placeholder(i); end > 0 {
			return s.emit(Placeholder, i, end, false)
		}
	case c == '_':
		if end := s.email(i); end > 0 {
			return s.emit(Email, i, end, true)
		}
	}
	return s.emit(Punct, i, i+1, c == '_')
}

// wordOrEmail reads the word or email address starting at i.
func (s *scanner) wordOrEmail(i int) int {
	end := s.word(i)
	// Most words end at a space; only look for an address when one could go on.
	if end < len(s.text) && (s.text[end] == '@' || s.text[end] < utf8.RuneSelf && asciiClass[s.text[end]]&cLocal != 0) {
		if e := s.email(i); e > 0 {
			return s.emit(Email, i, e, true)
		}
	}
	return s.emit(Word, i, end, true)
}

// cluster returns the end of the grapheme cluster at i and its base rune: its first rune, or for
// a cluster that starts with a prepended format character (U+0600…) the first visible one.
func (s *scanner) cluster(i int) (int, rune) {
	if s.cEnd > 0 {
		if i == s.cPos {
			return s.cEnd, s.cRune
		}
		if i != s.cEnd {
			s.cState = -1
		}
	} else {
		s.cState = -1
	}
	cl, _, _, state := uniseg.FirstGraphemeClusterInString(s.text[i:], s.cState)
	if cl == "" { // not reached: the text at i is never empty
		cl = s.text[i : i+1]
	}
	r, size := utf8.DecodeRuneInString(cl)
	if r >= utf8.RuneSelf && invisible(r) {
		for _, r2 := range cl[size:] {
			if !invisible(r2) {
				r = r2
				break
			}
		}
	}
	s.cPos, s.cEnd, s.cRune, s.cState = i, i+len(cl), r, state
	return s.cEnd, r
}

// single reports whether the grapheme cluster at i is the ASCII byte there alone.
func (s *scanner) single(i int) bool {
	t := s.text
	switch {
	case t[i] >= utf8.RuneSelf:
		return false
	case i+1 == len(t):
		return true
	case t[i+1] < utf8.RuneSelf:
		return t[i] != '\r' || t[i+1] != '\n'
	}
	e, _ := s.cluster(i)
	return e == i+1
}

// wordRun returns the end of the run of letter, digit and mark clusters (and '_' when underscore)
// at i; i when there is none.
func (s *scanner) wordRun(i int, underscore bool) int {
	t := s.text
	class := uint8(cWord)
	if underscore {
		class = cUser
	}
	for i < len(t) {
		if c := t[i]; c < utf8.RuneSelf && (i+1 == len(t) || t[i+1] < utf8.RuneSelf) {
			if asciiClass[c]&class == 0 {
				return i
			}
			i++
			continue
		}
		e, r := s.cluster(i)
		if !(isWordRune(r) || underscore && r == '_' && e == i+1) || isEmoji(t[i:e], r) {
			return i
		}
		i = e
	}
	return i
}

// word returns the end of the word at i: runs of letters, digits and marks joined by one ' ’ - . _.
func (s *scanner) word(i int) int {
	t := s.text
	end := s.wordRun(i, false)
	for end < len(t) {
		next := end + 1
		switch {
		case t[end] < utf8.RuneSelf:
			if asciiClass[t[end]]&cJoin == 0 || !s.single(end) {
				return end
			}
		case strings.HasPrefix(t[end:], "’"):
			if e, _ := s.cluster(end); e != end+len("’") {
				return end
			}
			next = end + len("’")
		default:
			return end
		}
		e := s.wordRun(next, false)
		if e == next {
			return end
		}
		end = e
	}
	return end
}

// hashtag returns the end of the hashtag at '#' at i, or -1.
func (s *scanner) hashtag(i int) int {
	end := s.wordRun(i+1, true)
	if end == i+1 {
		return -1
	}
	for _, r := range s.text[i+1 : end] {
		if !unicode.IsNumber(r) {
			return end
		}
	}
	return -1 // "#1" is a number, not a tag
}

// mention returns the end of the mention at '@' at i, or -1. The user name is Mastodon's
// ([a-z0-9_]+ joined by runs of . and -, which also covers Bluesky handles); the domain, when
// there is one, is word characters joined by runs of . and -.
func (s *scanner) mention(i int) int {
	end := s.asciiRun(i+1, cUser)
	if end == i+1 {
		return -1
	}
	for {
		k := end
		for k < len(s.text) && (s.text[k] == '.' || s.text[k] == '-') && s.single(k) {
			k++
		}
		if k == end {
			break
		}
		e := s.asciiRun(k, cUser)
		if e == k {
			break
		}
		end = e
	}
	if end < len(s.text) && s.text[end] == '@' && s.single(end) {
		if e, _ := s.domain(end+1, true); e > 0 {
			end = e
		}
	}
	return end
}

func (s *scanner) asciiRun(i int, class uint8) int {
	for i < len(s.text) && s.text[i] < utf8.RuneSelf && asciiClass[s.text[i]]&class != 0 && s.single(i) {
		i++
	}
	return i
}

// domain returns the end of the domain at i, runs of word characters joined by runs of . and -,
// and how many dots joined them; -1 when there is none.
func (s *scanner) domain(i int, underscore bool) (end, dots int) {
	t := s.text
	end = s.wordRun(i, underscore)
	if end == i {
		return -1, 0
	}
	for {
		k, d := end, 0
		for k < len(t) && (t[k] == '.' || t[k] == '-') && s.single(k) {
			if t[k] == '.' {
				d++
			}
			k++
		}
		if k == end {
			return end, dots
		}
		e := s.wordRun(k, underscore)
		if e == k {
			return end, dots
		}
		end, dots = e, dots+d
	}
}

// email returns the end of the email address at i, or -1: a local part of letters, digits and
// . _ % + -, then '@' and a domain with at least one dot.
func (s *scanner) email(i int) int {
	if i > s.noEmail[0] && i < s.noEmail[1] {
		// Inside a local part already found to lead to no address: it ends at the same place, so
		// no address starts here either. Without this, a run of n '_' would cost n².
		return -1
	}
	t := s.text
	j := i
	for j < len(t) {
		if c := t[j]; c < utf8.RuneSelf && (j+1 == len(t) || t[j+1] < utf8.RuneSelf) {
			if asciiClass[c]&cLocal == 0 {
				break
			}
			j++
			continue
		}
		e := s.wordRun(j, false)
		if e == j {
			break
		}
		j = e
	}
	if j == i || j == len(t) || t[j] != '@' || !s.single(j) {
		s.noEmail = [2]int{i, j}
		return -1
	}
	end, dots := s.domain(j+1, false)
	if end < 0 || dots == 0 {
		s.noEmail = [2]int{i, j}
		return -1
	}
	return end
}

// link returns the end of the link at i, or -1. A link runs to a space or a character that cannot
// be in a URL; trailing punctuation and an unbalanced closing bracket are left out.
func (s *scanner) link(i int) int {
	t := s.text
	var body int
	switch {
	case hasPrefixFold(t[i:], "https://"):
		body = i + len("https://")
	case hasPrefixFold(t[i:], "http://"):
		body = i + len("http://")
	case hasPrefixFold(t[i:], "www."):
		body = i + len("www.")
	default:
		return -1
	}
	j := body
	for j < len(t) {
		if c := t[j]; c < utf8.RuneSelf && (j+1 == len(t) || t[j+1] < utf8.RuneSelf) {
			if asciiClass[c]&cURL == 0 {
				break
			}
			j++
			continue
		}
		e, r := s.cluster(j)
		if r < utf8.RuneSelf {
			if asciiClass[r]&cURL == 0 {
				break
			}
		} else if !isWordRune(r) || isEmoji(t[j:e], r) {
			break // IRIs keep letters; symbols, punctuation and emoji end the link
		}
		j = e
	}
	for j > body {
		switch t[j-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '"':
			j--
			continue
		case ')':
			if strings.Count(t[i:j], ")") > strings.Count(t[i:j], "(") {
				j--
				continue
			}
		case ']':
			if strings.Count(t[i:j], "]") > strings.Count(t[i:j], "[") {
				j--
				continue
			}
		}
		break
	}
	if j == body {
		return -1
	}
	return j
}

// placeholder returns the end of the {{name}} at i, or -1. Like calendar.PlaceholderRE, anything
// but braces may stand between the double braces.
func (s *scanner) placeholder(i int) int {
	t := s.text
	if !strings.HasPrefix(t[i:], "{{") || !s.single(i+1) {
		return -1
	}
	k := strings.IndexAny(t[i+2:], "{}")
	if k < 0 {
		return -1
	}
	k += i + 2
	if !strings.HasPrefix(t[k:], "}}") || !s.single(k+1) {
		return -1
	}
	return k + 2
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&cWord != 0
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// invisible reports whether r shows nothing: a control or format character or a variation selector.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// blank reports whether s is only spaces and invisible characters.
func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !invisible(r) {
			return false
		}
	}
	return true
}

// isEmoji reports whether the grapheme cluster cl with base rune r displays as an emoji: a flag
// (a pair of regional indicators), a keycap, an emoji modifier or ZWJ sequence, a pictograph with
// U+FE0F, or a pictograph that is an emoji by default. A pictograph with text presentation
// ("©" or "↔" alone, or with U+FE0E) is not.
func isEmoji(cl string, r rune) bool {
	if r < 0xA9 && len(cl) == 1 {
		return false
	}
	size := utf8.RuneLen(r)
	if 0x1F1E6 <= r && r <= 0x1F1FF { // regional indicators pair up into flags
		r2, _ := utf8.DecodeRuneInString(cl[size:])
		return 0x1F1E6 <= r2 && r2 <= 0x1F1FF
	}
	ep := unicode.Is(extendedPictographic, r)
	if len(cl) == size {
		return ep && unicode.Is(emojiPresentation, r)
	}
	if strings.Contains(cl, "\u20e3") {
		return true // keycap
	}
	if strings.Contains(cl, "\ufe0e") {
		return false // text presentation asked for
	}
	if ep && unicode.Is(emojiPresentation, r) {
		return true
	}
	if strings.Contains(cl, "\ufe0f") &&
		(ep || unicode.Is(emojiPresentation, r) || r == '#' || r == '*' || '0' <= r && r <= '9') {
		return true
	}
	if !ep {
		return false
	}
	for k, r2 := range cl[size:] {
		if 0x1F3FB <= r2 && r2 <= 0x1F3FF || r2 == 0x200D && size+k+3 < len(cl) {
			return true // skin tone, or a pictograph joined to another
		}
	}
	return false
}
