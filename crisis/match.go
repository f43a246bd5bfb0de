package crisis

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/social"
)

// Result is a playbook whose triggers occur in a message.
type Result struct {
	Playbook *calendar.Playbook
	// Score sums the words of the matched triggers: a longer phrase is stronger evidence than a
	// single word. A trigger counts once however often it occurs.
	Score int
	// Hits are the matched triggers in the order they first occur in the text.
	Hits []Hit
}

// Hit is one trigger found in the text.
type Hit struct {
	Trigger string // as the playbook writes it
	Words   int    // how many words it has
	Spans   []Span // each occurrence, in text order, not overlapping
}

// Span is a byte range [Start, End) of the text, on rune boundaries.
type Span struct{ Start, End int }

// Match returns the playbooks whose triggers occur in text, best first: by score, then by
// severity (critical first), then by id.
//
// Matching is on whole words, ignoring case: the text and each trigger are split into words with
// social.Tokenize, and a trigger of several words matches those words in a row. Rules:
//   - A hashtag's body counts as words (#recall matches recall); links, e-mail addresses and
//     mentions do not, and neither do emoji.
//   - Hyphens, dots and underscores inside a word separate words: the trigger "pour over" and
//     the trigger "pour-over" both match "pour-over", "pour over" and #pour_over.
//   - Apostrophes are one: ’ and ʼ match '.
//   - A phrase runs across a line break, but not across a blank line, the end of a sentence
//     (. ! ? ; …), a link, a mention or an emoji.
//   - Word forms are not guessed: "recall" does not match "recalling" or "recalls". A playbook
//     lists the forms it watches for (the example lists recall and recalled).
//   - Letters are compared after simple case folding: "Schimmel" matches "SCHIMMEL", "Café"
//     matches "CAFÉ"; accents count ("cafe" does not match "café"), and so does the way a letter
//     is encoded (precomposed é does not match e followed by a combining accent).
//
// A trigger without any word (only an emoji, a link or a mention) never matches: see Unmatchable.
func Match(cal *calendar.Calendar, text string) []Result {
	if cal == nil {
		return nil
	}
	words := splitWords(text)
	if len(words) == 0 {
		return nil
	}
	at := map[string][]int{} // where each word occurs
	for i, w := range words {
		at[w.text] = append(at[w.text], i)
	}
	var out []Result
	for _, pb := range cal.Playbooks {
		if pb == nil {
			continue
		}
		r := Result{Playbook: pb}
		seen := map[string]bool{}
		for _, tr := range pb.Triggers {
			tw := splitWords(tr.Value)
			if len(tw) == 0 {
				continue
			}
			key := wordKey(tw)
			if seen[key] {
				continue
			}
			seen[key] = true
			h := Hit{Trigger: tr.Value, Words: len(tw)}
			next := 0 // occurrences do not overlap
			for _, i := range at[tw[0].text] {
				if i < next || !matchAt(words, i, tw) {
					continue
				}
				last := words[i+len(tw)-1]
				h.Spans = append(h.Spans, Span{Start: words[i].start, End: last.end})
				next = i + len(tw)
			}
			if len(h.Spans) > 0 {
				r.Hits = append(r.Hits, h)
				r.Score += h.Words
			}
		}
		if len(r.Hits) == 0 {
			continue
		}
		sort.SliceStable(r.Hits, func(i, j int) bool { return r.Hits[i].Spans[0].Start < r.Hits[j].Spans[0].Start })
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if ra, rb := SeverityRank(a.Playbook.Severity.Value), SeverityRank(b.Playbook.Severity.Value); ra != rb {
			return ra < rb
		}
		return a.Playbook.ID.Value < b.Playbook.ID.Value
	})
	return out
}

// Unmatchable lists the playbook's triggers that have no word to match: only emoji, links,
// mentions or punctuation.
func Unmatchable(pb *calendar.Playbook) []string {
	var out []string
	for _, tr := range pb.Triggers {
		if len(splitWords(tr.Value)) == 0 {
			out = append(out, tr.Value)
		}
	}
	return out
}

// Severities are the playbook severities, the most severe first.
var Severities = []string{"critical", "high", "medium", "low"}

// SeverityRank orders severities: 0 for critical, up to 3 for low; an unknown severity after them.
func SeverityRank(severity string) int {
	for i, s := range Severities {
		if s == severity {
			return i
		}
	}
	return len(Severities)
}

// word is one folded word of a text, with where it is; seq numbers the runs of words that a
// phrase may span (a sentence end, blank line, link, mention or emoji starts a new run).
type word struct {
	text       string
	start, end int
	seq        int
}

func matchAt(words []word, i int, tw []word) bool {
	if i+len(tw) > len(words) {
		return false
	}
	seq := words[i].seq
	for k, w := range tw {
		if words[i+k].text != w.text || words[i+k].seq != seq {
			return false
		}
	}
	return true
}

func wordKey(ws []word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

// splitWords splits text into folded words.
func splitWords(text string) []word {
	var out []word
	seq := 0
	newline := false
	for _, t := range social.Tokenize(text, false) {
		switch t.Kind {
		case social.Word:
			out = appendParts(out, text, t.Start, t.End, t.Start, seq)
		case social.Hashtag:
			// The '#' belongs to the first word's span, so that a match shows the whole tag.
			out = appendParts(out, text, t.Start+1, t.End, t.Start, seq)
		case social.Punct:
			if sentenceEnd(t.Text) {
				seq++
			}
		case social.Newline:
			// A line wrap inside a paragraph (an e-mail's) keeps a phrase together; a blank line
			// ends it.
			if newline {
				seq++
			}
		default: // links, mentions, e-mails, emoji
			seq++
		}
		newline = t.Kind == social.Newline
	}
	return out
}

// appendParts appends the words of text[start:end], separated by '-', '.' and '_'; the first
// starts at first.
func appendParts(out []word, text string, start, end, first, seq int) []word {
	from := start
	for i := start; i <= end; i++ {
		if i < end && text[i] != '-' && text[i] != '.' && text[i] != '_' {
			continue
		}
		if i > from {
			s := from
			if from == start {
				s = first
			}
			out = append(out, word{text: fold(text[from:i]), start: s, end: i, seq: seq})
		}
		from = i + 1
	}
	return out
}

func sentenceEnd(p string) bool {
	switch p {
	case ".", "!", "?", ";", "…", "。", "！", "？", "‼", "⁇", "⁈", "⁉":
		return true
	}
	return false
}

// fold lower-cases a word by simple case folding and makes every apostrophe '.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '’', 'ʼ':
			r = '\''
		default:
			// Upper then lower joins the forms simple folding joins: ſ and s, K (Kelvin) and k,
			// final ς and σ.
			r = unicode.ToLower(unicode.ToUpper(r))
		}
		b.WriteRune(r)
	}
	return b.String()
}
