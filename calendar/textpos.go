package calendar

import (
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
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			start++
		}
		// Only trust the mapping when the source spells the value exactly (no escapes, no '').
		if start < 0 || start+len(s.Value) > len(line) || line[start:start+len(s.Value)] != s.Value {
			return foldedPos(lines, n, s.Value, offset, s.Pos) // written over several lines
		}
		// An escape (\\ or '') can spell a prefix of the value at other columns: "\\\\" is \\.
		if n.Style&yaml.DoubleQuotedStyle != 0 && strings.Contains(s.Value, `\`) ||
			n.Style&yaml.SingleQuotedStyle != 0 && strings.Contains(s.Value, "'") {
			return s.Pos
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
