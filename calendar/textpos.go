package calendar

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// TextPos maps a byte offset inside a scalar's value to its line and column in the source file.
// Literal blocks and single-line plain or quoted scalars without escapes map exactly; for other
// styles it falls back to the scalar's own position rather than risk pointing at a wrong line.
func TextPos(src []byte, s String, offset int) Pos {
	n := s.node
	if n == nil || offset < 0 || offset > len(s.Value) {
		return s.Pos
	}
	lines := strings.Split(string(src), "\n")
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		return literalPos(lines, n, offset)
	case n.Style&(yaml.FoldedStyle) != 0:
		return foldedPos(lines, n, s.Value, offset, s.Pos)
	case !strings.Contains(s.Value, "\n"):
		if n.Line < 1 || n.Line > len(lines) {
			return s.Pos
		}
		line := lines[n.Line-1]
		start := byteIndexOfCol(line, n.Column)
		if start >= 0 && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			// Decoding the source (escapes, '') up to the closing quote maps every offset; a value
			// written over several lines has no closing quote on this one.
			if p, ok := quotedPos(line, start+1, n, s.Value, offset); ok {
				return p
			}
			return foldedPos(lines, n, s.Value, offset, s.Pos)
		}
		// Only trust the mapping when the source spells the value exactly.
		if start < 0 || start+len(s.Value) > len(line) || line[start:start+len(s.Value)] != s.Value {
			return foldedPos(lines, n, s.Value, offset, s.Pos) // written over several lines
		}
		return Pos{n.Line, utf8.RuneCountInString(line[:start+offset]) + 1}
	}
	return s.Pos
}

// literalPos maps an offset in a literal block scalar ("|") whose content starts on the line after
// the indicator and keeps its lines as written, less the block's indentation. Every source line up
// to the offset's must read as the value's line behind its indentation; when they do not (an anchor
// or tag on a line of its own, an explicit indentation indicator, a file cut short) it falls back.
func literalPos(lines []string, n *yaml.Node, offset int) Pos {
	lineStart := strings.LastIndexByte(n.Value[:offset], '\n') + 1
	lineEnd := len(n.Value)
	if i := strings.IndexByte(n.Value[lineStart:], '\n'); i >= 0 {
		lineEnd = lineStart + i
	}
	indent := 0
	for i, want := range strings.Split(n.Value[:lineEnd], "\n") {
		src := n.Line + i // n.Line is the indicator's line; content starts on the next
		if src < 1 || src >= len(lines) {
			return Pos{n.Line, n.Column}
		}
		text := strings.TrimSuffix(lines[src], "\r")
		if !strings.HasSuffix(text, want) || strings.Trim(text[:len(text)-len(want)], " ") != "" {
			return Pos{n.Line, n.Column}
		}
		indent = len(text) - len(want)
	}
	return Pos{n.Line + strings.Count(n.Value[:offset], "\n") + 1, indent + utf8.RuneCountInString(n.Value[lineStart:offset]) + 1}
}

// byteIndexOfCol converts a 1-based character column into a byte index of line.
func byteIndexOfCol(line string, col int) int {
	i := 0
	for c := 1; c < col; c++ {
		if i >= len(line) {
			return -1
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
	}
	return i
}

// quotedPos maps an offset in a one-line quoted scalar by decoding its source from after the
// opening quote: escapes such as \" or \u00e9 in double quotes, a doubled quote in single
// quotes. It succeeds only when the decoded text up to the closing quote is the value, so it
// never guesses.
func quotedPos(line string, start int, n *yaml.Node, value string, offset int) (Pos, bool) {
	double := n.Style&yaml.DoubleQuotedStyle != 0
	decoded := make([]byte, 0, len(value))
	col := 0
	for i := start; i < len(line); {
		if len(decoded) == offset && col == 0 {
			col = utf8.RuneCountInString(line[:i]) + 1
		}
		c := line[i]
		switch {
		case !double && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
			decoded = append(decoded, '\'')
			i += 2
			continue
		case !double && c == '\'', double && c == '"':
			return Pos{n.Line, col}, col > 0 && string(decoded) == value
		case double && c == '\\':
			r, size, ok := yamlEscape(line[i+1:])
			if !ok {
				return Pos{}, false
			}
			decoded = utf8.AppendRune(decoded, r)
			i += 1 + size
			continue
		}
		decoded = append(decoded, c)
		i++
	}
	return Pos{}, false
}

// yamlEscapes are the one-character escapes of a double-quoted scalar (YAML 1.2, section 5.7).
var yamlEscapes = map[byte]rune{'0': 0, 'a': 7, 'b': 8, 't': 9, '\t': 9, 'n': 10, 'v': 11, 'f': 12,
	'r': 13, 'e': 0x1b, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85, '_': 0xa0, 'L': 0x2028, 'P': 0x2029}

// yamlEscape decodes the escape that follows a backslash.
func yamlEscape(s string) (r rune, size int, ok bool) {
	if s == "" {
		return 0, 0, false
	}
	if r, ok := yamlEscapes[s[0]]; ok {
		return r, 1, true
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[0]]
	if digits == 0 || len(s) < 1+digits {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(s[1:1+digits], 16, 32)
	if err != nil {
		return 0, 0, false
	}
	return rune(v), 1 + digits, true
}
