package calendar

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// segment is the part of one source line that holds a piece of a scalar's value.
type segment struct {
	line  int // 0-based index into the file's lines
	start int // byte index in that line where the piece starts
	text  string
}

// foldedPos maps an offset in a value whose source lines YAML joined with single spaces: a folded
// block (">") or a plain or quoted scalar written over several lines. The mapping is used only when
// joining the pieces of the source gives back the value exactly (no blank or more-indented lines,
// no escapes); otherwise the scalar's own position is the honest answer.
func foldedPos(lines []string, n *yaml.Node, value string, offset int, fallback Pos) Pos {
	var segs []segment
	if n.Style&yaml.FoldedStyle != 0 {
		segs = foldedSegments(lines, n)
		value = strings.TrimRight(value, "\n")
	} else {
		segs = flowSegments(lines, n, len(value))
	}
	texts := make([]string, len(segs))
	for i, s := range segs {
		texts[i] = s.text
	}
	joined := strings.Join(texts, " ")
	if len(segs) == 0 || joined != value || offset > len(value) {
		return fallback
	}
	for _, s := range segs {
		if offset <= len(s.text) {
			return Pos{s.line + 1, utf8.RuneCountInString(lines[s.line][:s.start+offset]) + 1}
		}
		offset -= len(s.text) + 1
	}
	return fallback
}

// foldedSegments are the content lines of a folded block whose indicator is on n.Line.
func foldedSegments(lines []string, n *yaml.Node) []segment {
	var segs []segment
	indent := -1
	for i := n.Line; i < len(lines); i++ { // n.Line is 1-based: lines[n.Line] follows the indicator
		text := strings.TrimSuffix(lines[i], "\r")
		trimmed := strings.TrimLeft(text, " ")
		if trimmed == "" {
			if indent < 0 {
				continue
			}
			break // a blank line folds differently; stop and let the comparison decide
		}
		in := len(text) - len(trimmed)
		if indent < 0 {
			indent = in
		}
		if in < indent {
			break
		}
		segs = append(segs, segment{i, indent, text[indent:]})
	}
	return segs
}

// flowSegments are the source pieces of a plain or quoted scalar that starts at n and spans lines,
// up to want bytes of value.
func flowSegments(lines []string, n *yaml.Node, want int) []segment {
	if n.Line < 1 || n.Line > len(lines) {
		return nil
	}
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	first := strings.TrimSuffix(lines[n.Line-1], "\r")
	start := byteIndexOfCol(first, n.Column)
	if start < 0 {
		return nil
	}
	if quoted {
		start++
	}
	segs := []segment{{n.Line - 1, start, strings.TrimRight(first[start:], " ")}}
	total := len(segs[0].text)
	for i := n.Line; i < len(lines) && total < want; i++ {
		text := strings.TrimSuffix(lines[i], "\r")
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" {
			return nil // a blank line is a line break in the value, not a space
		}
		piece := strings.TrimRight(trimmed, " \t")
		segs = append(segs, segment{i, len(text) - len(trimmed), piece})
		total += 1 + len(piece)
	}
	if quoted {
		// The last piece ends at the closing quote; escapes ("\\", "''") would shift every column.
		last := &segs[len(segs)-1]
		over := total - want
		if over < 1 || over > len(last.text) || last.text[len(last.text)-over] != first[start-1] {
			return nil
		}
		last.text = last.text[:len(last.text)-over]
		escape := `\`
		if n.Style&yaml.SingleQuotedStyle != 0 {
			escape = "'"
		}
		for _, s := range segs {
			if strings.Contains(s.text, escape) {
				return nil
			}
		}
	}
	return segs
}
