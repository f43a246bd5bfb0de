package voice

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldRune maps r to one representative of its simple case-folding orbit, the same one RE2's (?i)
// treats as equal: ASCII letters to lower case, and K (Kelvin) and ſ (long s) to k and s, so that
// folded text can prefilter case-insensitive patterns without missing a match.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	low, ascii := r, rune(-1)
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			ascii = f
		}
		low = min(low, f)
	}
	if ascii >= 0 {
		return foldRune(ascii)
	}
	return low
}

// appendFold appends s case-folded to buf.
func appendFold(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		buf = utf8.AppendRune(buf, foldRune(r))
		i += n
	}
	return buf
}

// foldString returns s case-folded; it does not allocate for text that is already folded ASCII.
func foldString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return string(appendFold(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

// foldEqual says whether s equals the already folded string folded, ignoring case.
func foldEqual(s, folded string) bool {
	j := 0
	for i := 0; i < len(s); {
		if j >= len(folded) {
			return false
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != folded[j] {
				return false
			}
			i++
			j++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		g, m := utf8.DecodeRuneInString(folded[j:])
		if foldRune(r) != g {
			return false
		}
		i += n
		j += m
	}
	return j == len(folded)
}

// requiredLiteral is a literal that every match of re contains, and whether it is matched
// case-insensitively; "" when there is none to find (an alternation, a class).
func requiredLiteral(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return string(re.Rune), re.Flags&syntax.FoldCase != 0
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiteral(re.Sub[0])
		}
	case syntax.OpConcat:
		best, bestFold := "", false
		consider := func(s string, f bool) {
			if len(s) > len(best) {
				best, bestFold = s, f
			}
		}
		// Adjacent literals with the same case flag are one literal: "boost" "s"? is not, but
		// "last" " " "chance" would be if the parser had split them.
		var run []rune
		runFold := false
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				f := sub.Flags&syntax.FoldCase != 0
				if len(run) > 0 && f != runFold {
					consider(string(run), runFold)
					run = run[:0]
				}
				run, runFold = append(run, sub.Rune...), f
				continue
			}
			if len(run) > 0 {
				consider(string(run), runFold)
				run = nil
			}
			consider(requiredLiteral(sub))
		}
		if len(run) > 0 {
			consider(string(run), runFold)
		}
		return best, bestFold
	}
	return "", false
}

// matchesEmpty says whether re can match without consuming text, which for a rule means a finding
// (or a satisfied requirement) in every text.
func matchesEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpRepeat:
		return re.Min == 0 || matchesEmpty(re.Sub[0])
	case syntax.OpPlus, syntax.OpCapture:
		return matchesEmpty(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !matchesEmpty(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if matchesEmpty(sub) {
				return true
			}
		}
	}
	return false
}

// collapseSpace joins the words of s with single spaces: a phrase matched across a line break reads
// as written in a message.
func collapseSpace(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\n' || c == '\r' || c == '\t' || (c == ' ' && i+1 < len(s) && s[i+1] == ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
	}
	return s
}

// containsFold says whether text contains lit, a folded literal, ignoring case, without folding the
// text when lit is ASCII: only K (Kelvin) and ſ (long s) fold to ASCII letters, so unless the text
// has one of those, ASCII case-insensitive search is exact.
func containsFold(text, lit string, fallback func() []byte) bool {
	if lit == "" {
		return true
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] >= utf8.RuneSelf {
			return bytes.Contains(fallback(), []byte(lit))
		}
	}
	if (strings.ContainsAny(lit, "ks")) && (strings.Contains(text, "\u212a") || strings.Contains(text, "ſ")) {
		return bytes.Contains(fallback(), []byte(lit))
	}
	first := lit[0]
	other := first // the other case of the first byte
	if 'a' <= first && first <= 'z' {
		other = first - 'a' + 'A'
	}
	// Candidates are the next position of each case of the first byte, each found once.
	next := func(c byte, from int) int {
		if from > len(text)-len(lit) {
			return -1
		}
		if j := strings.IndexByte(text[from:], c); j >= 0 {
			return from + j
		}
		return -1
	}
	a, b := next(first, 0), -1
	if other != first {
		b = next(other, 0)
	}
	for a >= 0 || b >= 0 {
		i := a
		if i < 0 || (b >= 0 && b < i) {
			i = b
		}
		if i+len(lit) <= len(text) && equalFoldASCII(text[i:i+len(lit)], lit) {
			return true
		}
		if i == a {
			a = next(first, i+1)
		} else {
			b = next(other, i+1)
		}
	}
	return false
}

// equalFoldASCII says whether s, folded, equals the folded ASCII lit.
func equalFoldASCII(s, lit string) bool {
	for i := 0; i < len(lit); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}
