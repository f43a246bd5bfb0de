// Package voice is the brand-voice engine: it compiles the rules of voice.yaml once and lints every
// text of a calendar with them — post texts, overrides and thread items, reply templates and crisis
// holding statements — plus the built-in platform length limits (rule platform-limit).
//
// Semantics beyond docs/files.md, decided here:
//
//   - Words. Each text is tokenized once with social.Tokenize; tokens, substitution and consistency
//     spellings are matched against its Word tokens (and the word of a hashtag: #detox is the word
//     detox), case-insensitively by Unicode simple case folding unless case_sensitive. Words joined
//     by ' - . _ are one word: the token "burning" does not match "fat-burning". A possessive 's
//     (or ’s) may follow the last word: "Northwind's" matches "northwind". A phrase matches its
//     words separated by any whitespace, line breaks included, but not by punctuation. Links,
//     mentions, e-mail addresses and {{placeholders}} are never words. A token that is one hashtag,
//     mention or emoji ("#ad") matches that token exactly (case-insensitively); any other token that
//     is not made of words ("C++") is matched literally where it is not part of a longer word.
//   - Patterns are RE2 over the whole text, links included, with the case as written.
//   - {{match}} is the matched text with its whitespace collapsed to single spaces. For length it is
//     the count, for occurrence min the count, for reading_grade the grade, for sentence_length the
//     sentence's first words. A require rule has no match, so a {{match}} in its message is an error.
//   - require with within: the whole match lies in the text's first N graphemes.
//   - platform-limit names the channel, or all of the text's channels on that platform at once. A
//     post's main text that every channel overrides is published nowhere, so it has no platform
//     limit; the other rules still hold for it, on all the post's channels.
//   - Scope. A rule whose where names channels applies to a text only on those of the text's
//     channels; a text without channels (a reply template without channels) gets no
//     channel-scoped rules. require and occurrence min apply to lead texts (Text.Lead) and reply
//     templates only, never to thread follow-ups.
//   - Sentences start at the text's start, after . ! ? … (and ‼ ⁉ ⁈ ⁇ 。 ！ ？ ؟) followed by
//     whitespace, possibly behind closing quotes or brackets, and after a blank line. A period after
//     one of a fixed list of abbreviations (e.g. i.e. etc. vs. cf. a.m. p.m. Mr. Dr. z.B. …) does
//     not end one. Punctuation that opens a sentence is skipped to find its first word.
//   - Words for metrics are Word tokens that start with a letter, and placeholders (one syllable);
//     numbers, links, mentions, hashtags and emoji are not words. Syllables are vowel groups, less a
//     silent final e, at least one per word.
//   - caps_word counts words of at least three capital letters and no lower-case letter; letters of
//     scripts without case (Hebrew, CJK) are not capitals. ‼ counts as two exclamation marks.
//   - Without suggest, a finding's fix says what to write (substitution, capitalization), the count
//     and how much to cut or add (length), the grade's inputs (reading_grade), the sentence's words
//     (sentence_length) or every problem of the link (link).
//   - http:// links break https_only; a scheme-less www. link does not (the platform picks one).
//     A link gets at most one finding per rule; its fix names every problem.
//   - Consistency runs over the texts of one file in file order: the first spelling of a list used
//     wins, every later use of another spelling of that list is a finding.
//   - Positions: a finding about a span points at its first character (for a hashtag's word, the
//     character after '#'); a finding about a whole
//     text (require, length, platform-limit, reading_grade, occurrence min) points at the scalar.
//   - voice.ignore silences the rule's findings in the post's file. An ignore that silences nothing
//     is a suggestion (voice-ignore); ignoring platform-limit is a warning and has no effect, since
//     the platform would reject the post.
//   - A rule with an error in its definition is reported at its place in voice.yaml and skipped;
//     a warning about a definition (case_sensitive without tokens) does not stop the rule.
package voice

import (
	"github.com/postctl/postctl/calendar"
)

// Kinds of text.
const (
	KindPost             = "post"
	KindReply            = "reply"
	KindHoldingStatement = "holding_statement"
)

// PlatformLimit is the rule id of the built-in check against a platform's hard length limit.
const PlatformLimit = "platform-limit"

// IgnoreRule is the rule id of findings about voice.ignore entries.
const IgnoreRule = "voice-ignore"

// Text is one text to lint, with what the rules' where selects on.
type Text struct {
	Value        string
	Kind         string   // post | reply | holding_statement
	Channels     []string // the channels the text is published on; none for a generic reply
	Pillar       string
	Tags         []string
	Lead         bool // the first text of a publication: require and occurrence min apply
	Placeholders bool // {{name}} is a placeholder (reply templates)
}

// Match is one finding inside a text.
type Match struct {
	Rule         string
	Level        calendar.Level
	Message, Fix string
	Start, End   int // byte offsets into Text.Value; 0 and len(Value) for a finding about the whole text
}

// Check compiles the calendar's rules and lints all of its texts.
func Check(cal *calendar.Calendar) calendar.Findings {
	e, findings := Compile(cal)
	findings = append(findings, e.Lint(cal)...)
	sortFindings(findings)
	return findings
}
