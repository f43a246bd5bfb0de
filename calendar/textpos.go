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
		return s.Pos
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
			return s.Pos
		}
		return Pos{n.Line, utf8.RuneCountInString(line[:start+offset]) + 1}
	}
	return s.Pos
}

// literalPos maps an offset in a literal block scalar ("|") whose content starts on the line after
// the indicator and keeps its lines as written, less the block's indentation.
func literalPos(lines []string, n *yaml.Node, offset int) Pos {
	valueLine := strings.Count(n.Value[:offset], "\n")
	lineStart := strings.LastIndexByte(n.Value[:offset], '\n') + 1
	src := n.Line + valueLine // n.Line is the indicator's line; content starts on the next
	if src < 1 || src >= len(lines)+1 {
		return Pos{n.Line, n.Column}
	}
	indent := blockIndent(lines, n.Line)
	text := lines[src]
	if len(text) < indent {
		return Pos{src + 1, 1}
	}
	return Pos{src + 1, indent + utf8.RuneCountInString(n.Value[lineStart:offset]) + 1}
}

// blockIndent is the indentation of a block scalar's first non-empty content line.
func blockIndent(lines []string, indicatorLine int) int {
	for i := indicatorLine; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		}
	}
	return 0
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
