package voice

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/social"
)

// linter lints texts with an engine; one per goroutine, reusing its buffers.
type linter struct {
	e   *Engine
	cal *calendar.Calendar
	buf []byte
	d   doc

	uses []use // consistency: spellings seen, collected over the texts of a file
}

// use is one occurrence of a consistency spelling.
type use struct {
	p          *phrase
	text       int // which text of the file
	start, end int
}

func newLinter(e *Engine, cal *calendar.Calendar) *linter { return &linter{e: e, cal: cal} }

// LintText lints one text on its own; consistency runs within the text.
func (e *Engine) LintText(cal *calendar.Calendar, t Text) []Match {
	l := newLinter(e, cal)
	out := l.lint(&t, 0, true)
	for _, u := range l.inconsistent() {
		out = append(out, l.match(u.p.rule, u.start, u.end, t.Value[u.start:u.end], ""))
	}
	sortMatches(out, e)
	return out
}

// lint lints one text: the matches of every rule in rule order, then platform-limit when the text
// is published (limits); consistency spellings go to l.uses, tagged with textIndex.
func (l *linter) lint(t *Text, textIndex int, limits bool) []Match {
	d := &l.d
	*d = doc{t: t, units: d.units[:0], hits: d.hits[:0], sentences: d.sentences[:0], starts: d.starts, folded: d.folded[:0], counts: d.counts}
	clear(d.counts)
	d.toks = social.Tokenize(t.Value, t.Placeholders)
	d.buildUnits()
	l.findPhrases(d)

	var out []Match
	for _, r := range l.e.rules {
		if !r.picks(t) {
			continue
		}
		if len(r.channels) > 0 && !intersects(r.channels, t.Channels) {
			continue
		}
		switch r.typ {
		case existence:
			out = l.existence(out, r)
		case substitution:
			out = l.substitution(out, r)
		case capitalization:
			out = l.capitalization(out, r)
		case require:
			out = l.require(out, r)
		case occurrence:
			out = l.occurrence(out, r)
		case length:
			out = l.length(out, r)
		case metric:
			out = l.metric(out, r)
		case link:
			out = l.link(out, r)
		case consistency:
			for _, h := range d.hits {
				if h.p.rule == r {
					l.uses = append(l.uses, use{p: h.p, text: textIndex, start: h.start, end: h.end})
				}
			}
		}
	}
	if !limits {
		return out
	}
	return l.platformLimits(out)
}

// picks says whether the rule's where selects the text, apart from channels.
func (r *rule) picks(t *Text) bool {
	if len(r.kinds) > 0 && !slices.Contains(r.kinds, t.Kind) {
		return false
	}
	if len(r.pillars)+len(r.tags) == 0 {
		return true
	}
	return (t.Pillar != "" && slices.Contains(r.pillars, t.Pillar)) || intersects(r.tags, t.Tags)
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// match builds a finding of r over text[start:end]; m is what {{match}} says.
func (l *linter) match(r *rule, start, end int, m, fix string) Match {
	if fix == "" {
		fix = r.suggest
	}
	var msg string
	if len(r.message) == 1 {
		msg = r.message[0]
	} else {
		msg = strings.Join(r.message, collapseSpace(m))
	}
	return Match{Rule: r.id, Level: r.level, Message: msg, Fix: fix, Start: start, End: end}
}

func (l *linter) whole(r *rule, m, fix string) Match {
	return l.match(r, 0, len(l.d.t.Value), m, fix)
}

// ruleHits are the rule's phrase hits, without those overlapping an earlier, longer one.
func (l *linter) ruleHits(r *rule, f func(h hit)) {
	last := -1
	for _, h := range l.d.hits {
		if h.p.rule != r || h.start < last {
			continue
		}
		last = h.end
		f(h)
	}
}

func (l *linter) existence(out []Match, r *rule) []Match {
	d := &l.d
	text := d.t.Value
	n := len(out)
	l.ruleHits(r, func(h hit) {
		out = append(out, l.match(r, h.start, h.end, text[h.start:h.end], ""))
	})
	for _, p := range r.patterns {
		if !d.contains(p) {
			continue
		}
		for _, m := range p.re.FindAllStringIndex(text, -1) {
			if !hasSpan(out[n:], m[0], m[1]) {
				out = append(out, l.match(r, m[0], m[1], text[m[0]:m[1]], ""))
			}
		}
	}
	return out
}

func hasSpan(ms []Match, start, end int) bool {
	for _, m := range ms {
		if m.Start == start && m.End == end {
			return true
		}
	}
	return false
}

func (l *linter) substitution(out []Match, r *rule) []Match {
	d := &l.d
	text := d.t.Value
	l.ruleHits(r, func(h hit) {
		got := collapseSpace(text[h.start:h.end])
		want := h.p.preferred
		if got == want {
			return
		}
		if h.unit >= 0 && d.sentenceStart(d.units[h.unit]) && startsUpper(got) && !hasUpper(want) {
			want = capitalize(want)
			if got == want {
				return
			}
		}
		fix := ""
		if r.suggest == "" {
			fix = "write '" + want + "'"
		}
		out = append(out, l.match(r, h.start, h.end, text[h.start:h.end], fix))
	})
	return out
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToTitle(r)) + s[n:]
}

// functionWords stay lower-case in title style unless they start the text or a sentence.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "but": true, "or": true, "nor": true, "for": true,
	"so": true, "yet": true, "as": true, "at": true, "by": true, "in": true, "of": true, "off": true,
	"on": true, "per": true, "to": true, "up": true, "via": true, "vs": true, "with": true, "from": true, "into": true,
}

func (l *linter) capitalization(out []Match, r *rule) []Match {
	d := &l.d
	text := d.t.Value
	report := func(t social.Token, want string) {
		fix := ""
		if r.suggest == "" && want != t.Text {
			fix = "write '" + want + "'"
		}
		out = append(out, l.match(r, t.Start, t.End, t.Text, fix))
	}
	if r.style == "sentence" {
		for _, s := range d.sentencesOf() {
			if s.first < 0 {
				continue
			}
			t := d.toks[s.first]
			if t.Kind != social.Word || r.exceptions[t.Text] {
				continue // a hashtag, mention, link, emoji or placeholder may start a sentence
			}
			if first, _ := utf8.DecodeRuneInString(t.Text); unicode.IsLower(first) {
				report(t, capitalize(t.Text))
			}
		}
		return out
	}
	if r.style == "title" {
		d.sentencesOf()
	}
	for i, t := range d.toks {
		if t.Kind != social.Word || r.exceptions[t.Text] {
			continue
		}
		w := text[t.Start:t.End]
		switch r.style {
		case "title":
			first, _ := utf8.DecodeRuneInString(w)
			if unicode.IsLower(first) && (d.starts[i] || !functionWords[foldString(w)]) {
				report(t, capitalize(w))
			}
		case "lower":
			if hasUpper(w) {
				report(t, strings.ToLower(w))
			}
		case "upper":
			if strings.IndexFunc(w, unicode.IsLower) >= 0 {
				report(t, strings.ToUpper(w))
			}
		}
	}
	return out
}

// leadOnly says whether the text gets the rules that ask for something in a publication's first
// text: require and occurrence min.
func leadOnly(t *Text) bool { return t.Lead || t.Kind == KindReply }

func (l *linter) require(out []Match, r *rule) []Match {
	d := &l.d
	if !leadOnly(d.t) {
		return out
	}
	for _, h := range d.hits {
		if h.p.rule == r && l.within(r, h.end) {
			return out
		}
	}
	for _, p := range r.patterns {
		if !d.contains(p) {
			continue
		}
		if r.within == 0 {
			if p.re.MatchString(d.t.Value) {
				return out
			}
			continue
		}
		for _, m := range p.re.FindAllStringIndex(d.t.Value, -1) {
			if l.within(r, m[1]) {
				return out
			}
		}
	}
	return append(out, l.whole(r, "", ""))
}

// within says whether a match ending at byte end lies within the rule's first N graphemes.
func (l *linter) within(r *rule, end int) bool {
	if r.within == 0 || end <= r.within { // a grapheme has at least one byte
		return true
	}
	return social.Named("generic").Count(l.d.t.Value[:end]) <= r.within
}

// occurrenceKind is what an occurrence rule counts.
type occurrenceKind int

const (
	occHashtag occurrenceKind = iota
	occMention
	occEmoji
	occExclamation
	occQuestion
	occCapsWord
	occLink
	numOccurrence
)

// occurrenceCounts counts everything occurrence rules count, in one pass for all of them.
func (d *doc) occurrenceCounts() *[numOccurrence]int {
	if d.occDone {
		return &d.occ
	}
	d.occDone = true
	c := &d.occ
	for _, t := range d.toks {
		switch t.Kind {
		case social.Hashtag:
			c[occHashtag]++
		case social.Mention:
			c[occMention]++
		case social.Link:
			c[occLink]++
		case social.Word:
			c[occCapsWord] += occurrences(occCapsWord, t)
		case social.Emoji, social.Punct:
			if t.Kind == social.Emoji {
				c[occEmoji]++
			}
			c[occExclamation] += occurrences(occExclamation, t)
			c[occQuestion] += occurrences(occQuestion, t)
		}
	}
	return c
}

func (l *linter) occurrence(out []Match, r *rule) []Match {
	d := &l.d
	n := d.occurrenceCounts()[r.token]
	if r.max != nil && float64(n) > *r.max {
		seen := 0
		for _, t := range d.toks {
			if seen += occurrences(r.token, t); float64(seen) > *r.max {
				return append(out, l.match(r, t.Start, t.End, t.Text, ""))
			}
		}
	}
	if r.min != nil && float64(n) < *r.min && leadOnly(d.t) {
		out = append(out, l.whole(r, strconv.Itoa(n), ""))
	}
	return out
}

// occurrences is how many of what an occurrence rule counts the token is.
func occurrences(what occurrenceKind, t social.Token) int {
	switch what {
	case occHashtag:
		return b2i(t.Kind == social.Hashtag)
	case occMention:
		return b2i(t.Kind == social.Mention)
	case occEmoji:
		return b2i(t.Kind == social.Emoji)
	case occLink:
		return b2i(t.Kind == social.Link)
	case occCapsWord:
		if t.Kind != social.Word {
			return 0
		}
		upper := 0 // letters of scripts without case (Hebrew, CJK) are not capitals
		for i := 0; i < len(t.Text); i++ {
			c := t.Text[i]
			if c >= utf8.RuneSelf {
				upper = -1
				break
			}
			if 'a' <= c && c <= 'z' {
				return 0
			}
			if 'A' <= c && c <= 'Z' {
				upper++
			}
		}
		if upper >= 0 {
			return b2i(upper >= 3)
		}
		upper = 0
		for _, c := range t.Text {
			if unicode.IsLower(c) {
				return 0
			}
			if unicode.IsUpper(c) {
				upper++
			}
		}
		return b2i(upper >= 3)
	case occExclamation, occQuestion:
		if t.Kind != social.Punct && t.Kind != social.Emoji {
			return 0
		}
		n := 0
		for _, c := range t.Text {
			n += marks(what, c)
		}
		return n
	}
	return 0
}

func marks(what occurrenceKind, c rune) int {
	if c < utf8.RuneSelf && c != '!' && c != '?' {
		return 0
	}
	if what == occExclamation {
		switch c {
		case '!', '！', '❗', '❕', '⁉', '⁈':
			return 1
		case '‼':
			return 2
		}
		return 0
	}
	switch c {
	case '?', '？', '؟', '❓', '❔', '⁉', '⁈':
		return 1
	case '⁇':
		return 2
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// channels the channel-dependent rules run on: the text's channels that the rule selects, or the
// generic platform for a text without channels.
func (l *linter) eachChannel(r *rule, f func(channel string, p social.Platform)) {
	t := l.d.t
	if len(t.Channels) == 0 {
		if len(r.channels) == 0 {
			f("", social.Named("generic"))
		}
		return
	}
	for _, ch := range t.Channels {
		if len(r.channels) == 0 || slices.Contains(r.channels, ch) {
			f(ch, l.e.platform(l.cal, ch))
		}
	}
}

func (e *Engine) platform(cal *calendar.Calendar, channel string) social.Platform {
	if p, ok := e.platforms[channel]; ok {
		return p
	}
	if cal != nil {
		if ch, ok := cal.Channel(channel); ok {
			return social.For(ch)
		}
	}
	return social.Named("generic")
}

// upperBound is a length the platform's count cannot exceed, found without counting: a grapheme is
// at least a byte (tokens are whole graphemes), and Mastodon counts an http(s) link as 23.
func (d *doc) upperBound(p social.Platform) int {
	n := len(d.t.Value)
	if p.Name == "mastodon" {
		for _, t := range d.toks {
			if t.Kind == social.Link && strings.Contains(t.Text, "://") {
				n += 23 - len(t.Text)
			}
		}
	}
	return n
}

func (l *linter) length(out []Match, r *rule) []Match {
	d := &l.d
	l.eachChannel(r, func(channel string, p social.Platform) {
		if r.min == nil && float64(d.upperBound(p)) <= *r.max {
			return
		}
		n := d.count(p)
		fix := ""
		switch {
		case r.max != nil && float64(n) > *r.max:
			fix = fmt.Sprintf("%s%s; cut %s", counted(n, p), onChannel(channel), num(float64(n)-*r.max))
		case r.min != nil && float64(n) < *r.min:
			fix = fmt.Sprintf("%s%s; add %s", counted(n, p), onChannel(channel), num(*r.min-float64(n)))
		default:
			return
		}
		if r.suggest != "" {
			fix = r.suggest
		}
		out = append(out, l.whole(r, strconv.Itoa(n), fix))
	})
	return out
}

func onChannel(ch string) string {
	if ch == "" {
		return ""
	}
	return " on " + ch
}

// platformLimits adds the built-in check against each channel's hard limit; channels on the same
// platform share one finding.
func (l *linter) platformLimits(out []Match) []Match {
	d := &l.d
	chans := d.t.Channels
	for i, ch := range chans {
		p := l.e.platform(l.cal, ch)
		if p.Limit <= 0 || d.upperBound(p) <= p.Limit {
			continue
		}
		n := d.count(p)
		if n <= p.Limit {
			continue
		}
		same := []string{ch}
		seen := false
		for j, other := range chans {
			if j != i && l.e.platform(l.cal, other) == p {
				if j < i {
					seen = true // reported with the earlier channel
				}
				same = append(same, other)
			}
		}
		if seen {
			continue
		}
		where := "channel " + ch
		if len(same) > 1 {
			where = "channels " + strings.Join(same, ", ")
		}
		out = append(out, Match{Rule: PlatformLimit, Level: calendar.Error,
			Message: fmt.Sprintf("%s; %s allows %d (%s)", counted(n, p), platformName(p), p.Limit, where),
			Fix:     "cut at least " + counted(n-p.Limit, p),
			Start:   0, End: len(d.t.Value)})
	}
	return out
}

// counted is n in the platform's unit: "1 grapheme", "41 graphemes".
func counted(n int, p social.Platform) string {
	if n == 1 {
		return "1 " + strings.TrimSuffix(p.Unit(), "s")
	}
	return fmt.Sprintf("%d %s", n, p.Unit())
}

func platformName(p social.Platform) string {
	switch p.Name {
	case "mastodon":
		return "Mastodon"
	case "bluesky":
		return "Bluesky"
	}
	return p.Name
}

func (l *linter) metric(out []Match, r *rule) []Match {
	d := &l.d
	text := d.t.Value
	switch r.metric {
	case "reading_grade":
		words, sentences, syllables := 0, 0, 0
		for _, s := range d.sentencesOf() {
			if s.words > 0 {
				words += s.words
				sentences++
			}
		}
		if words < 10 {
			return out
		}
		for _, t := range d.toks {
			if isProseWord(t) {
				syllables += syllablesOf(t)
			}
		}
		grade := 0.39*float64(words)/float64(sentences) + 11.8*float64(syllables)/float64(words) - 15.59
		grade = math.Round(grade*10) / 10
		if grade > *r.max {
			fix := ""
			if r.suggest == "" {
				fix = fmt.Sprintf("grade %.1f: %s in %s, %.1f syllables a word", grade, plural(words, "word"), plural(sentences, "sentence"), float64(syllables)/float64(words))
			}
			out = append(out, l.whole(r, strconv.FormatFloat(grade, 'f', 1, 64), fix))
		}
	case "sentence_length":
		for _, s := range d.sentencesOf() {
			w := s.words
			if float64(w) <= *r.max {
				continue
			}
			last := s.end - 1
			for last > s.start && d.toks[last].Kind == social.Newline {
				last--
			}
			start, end := d.toks[s.start].Start, d.toks[last].End
			fix := ""
			if r.suggest == "" {
				fix = fmt.Sprintf("%d words; split it", w)
			}
			out = append(out, l.match(r, start, end, firstWords(text, d.toks[s.start:last+1], 6), fix))
		}
	}
	return out
}

func isProseWord(t social.Token) bool {
	if t.Kind == social.Placeholder {
		return true
	}
	if t.Kind != social.Word {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t.Text)
	return unicode.IsLetter(r)
}

// firstWords is the start of a sentence, up to n tokens, with an ellipsis when it goes on.
func firstWords(text string, toks []social.Token, n int) string {
	if len(toks) <= n {
		return collapseSpace(text[toks[0].Start:toks[len(toks)-1].End])
	}
	return collapseSpace(text[toks[0].Start:toks[n-1].End]) + "…"
}

// syllablesOf estimates a word's syllables: groups of vowels, less a silent final e; at least one.
func syllablesOf(t social.Token) int {
	if t.Kind == social.Placeholder {
		return 1
	}
	if n, ok := syllablesASCII(t.Text); ok {
		return n
	}
	n, prevVowel, letters := 0, false, 0
	var last, beforeLast rune
	for _, c := range t.Text {
		c = unicode.ToLower(c)
		if !unicode.IsLetter(c) {
			prevVowel = false
			continue
		}
		letters++
		v := isVowel(c)
		if v && !prevVowel {
			n++
		}
		prevVowel = v
		beforeLast, last = last, c
	}
	if last == 'e' && letters > 2 && n > 1 && beforeLast != 'l' && !isVowel(beforeLast) {
		n--
	}
	return max(n, 1)
}

// syllablesASCII is syllablesOf for an ASCII word; false for any other.
func syllablesASCII(w string) (int, bool) {
	n, prevVowel, letters := 0, false, 0
	var last, beforeLast byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return 0, false
		}
		c = lowerASCII(c)
		if c < 'a' || c > 'z' {
			prevVowel = false
			continue
		}
		letters++
		v := asciiVowel[c]
		if v && !prevVowel {
			n++
		}
		prevVowel = v
		beforeLast, last = last, c
	}
	if last == 'e' && letters > 2 && n > 1 && beforeLast != 'l' && !asciiVowel[beforeLast] {
		n--
	}
	return max(n, 1), true
}

var asciiVowel = [128]bool{'a': true, 'e': true, 'i': true, 'o': true, 'u': true, 'y': true}

func isVowel(c rune) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'à', 'á', 'â', 'ä', 'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï', 'ò', 'ó', 'ô', 'ö', 'ù', 'ú', 'û', 'ü', 'ø', 'å', 'æ', 'œ':
		return true
	}
	return false
}

func (l *linter) link(out []Match, r *rule) []Match {
	d := &l.d
	for _, t := range d.toks {
		if t.Kind != social.Link {
			continue
		}
		if problems := r.linkProblems(t.Text); len(problems) > 0 {
			fix := r.suggest
			if fix == "" {
				fix = strings.Join(problems, "; ")
			}
			out = append(out, l.match(r, t.Start, t.End, t.Text, fix))
		}
	}
	return out
}

func (r *rule) linkProblems(raw string) []string {
	var problems []string
	u := parseLink(raw)
	if r.httpsOnly && u.scheme == "http" {
		problems = append(problems, "use https")
	}
	if u.host == "" {
		return problems
	}
	if len(r.allow) > 0 && !inDomains(u.host, r.allow) {
		problems = append(problems, u.host+" is not an allowed domain ("+strings.Join(r.allow, ", ")+")")
	}
	if inDomains(u.host, r.deny) {
		problems = append(problems, "do not link to "+u.host)
	}
	if len(r.params) > 0 && (len(r.paramsDomains) == 0 || inDomains(u.host, r.paramsDomains)) {
		var missing []string
		for _, p := range r.params {
			if !hasParam(u.query, p) {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, "add "+strings.Join(missing, ", "))
		}
	}
	return problems
}

// parsedLink is what link rules look at in a link: no allocation for the common, lower-case link.
type parsedLink struct {
	scheme, host, query string
}

// parseLink splits a link token into scheme (lower-case; "" for www.…), host (lower-case, without
// user, port or final dot) and raw query.
func parseLink(raw string) parsedLink {
	var u parsedLink
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		u.scheme, rest = strings.ToLower(rest[:i]), rest[i+3:]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, u.query = rest[:i], rest[i+1:]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") { // IPv6 literal
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			rest = rest[:i+1]
		}
	} else if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	u.host = strings.TrimSuffix(strings.ToLower(rest), ".")
	return u
}

// hasParam says whether a raw query has the parameter name, percent-encoded or not.
func hasParam(query, name string) bool {
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		k, _, _ := strings.Cut(kv, "=")
		if k == name {
			return true
		}
		if strings.ContainsAny(k, "%+") {
			if dk, err := url.QueryUnescape(k); err == nil && dk == name {
				return true
			}
		}
	}
	return false
}

// inDomains says whether host is one of the domains or a subdomain of one.
func inDomains(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// inconsistent resolves consistency over the uses collected so far: per rule and list, the first
// spelling used wins; later uses of other spellings are returned.
func (l *linter) inconsistent() []use {
	if len(l.uses) == 0 {
		return nil
	}
	type key struct {
		r    *rule
		pair int
	}
	first := map[key]int{}
	var out []use
	for _, u := range l.uses {
		k := key{u.p.rule, u.p.pair}
		if alt, ok := first[k]; !ok {
			first[k] = u.p.alt
		} else if alt != u.p.alt {
			out = append(out, u)
		}
	}
	return out
}

func sortMatches(ms []Match, e *Engine) {
	order := func(id string) int {
		if rs := e.byID[id]; len(rs) > 0 {
			return rs[0].index
		}
		return len(e.rules)
	}
	slices.SortStableFunc(ms, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return order(a.Rule) - order(b.Rule)
	})
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
