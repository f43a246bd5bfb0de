package calendar

import (
	"strings"
	"unicode/utf8"
)

// mark is a character at a 1-based line and column.
type mark struct {
	line, col int
	ch        byte
}

// yamlScan is what a rough, line-based reading of a file that failed to parse finds about its quotes
// and flow brackets. yaml.v3 reports where it gave up, which for an unclosed quote or bracket is often
// lines after the mistake; this finds the mistake itself. It is only ever used to place and word an
// error yaml.v3 has already raised, so being approximate cannot make a valid file fail.
type yamlScan struct {
	openQuote *mark  // a quoted scalar still open at the end of the file
	spans     []span // quoted scalars that start on one line and end on a later one
	unclosed  []mark // flow '[' and '{' never closed, outermost first
	stray     []mark // ']' and '}' that close nothing
}

// span is a quoted scalar from start to the line its closing quote is on.
type span struct {
	start   mark
	endLine int
}

func scanYAML(lines []string) *yamlScan {
	sc := &yamlScan{}
	var stack []mark
	var quote *mark
	skipIndent := -1 // lines indented deeper than this continue a block or plain scalar
	for li, s := range lines {
		line := li + 1
		indent := len(s) - len(strings.TrimLeft(s, " "))
		if quote == nil && len(stack) == 0 && skipIndent >= 0 {
			if strings.TrimSpace(s) == "" || indent > skipIndent {
				continue
			}
			skipIndent = -1
		}
		// The node on this line starts after any "- " indicators; a key there is its mapping's
		// indentation, which continuation lines must exceed.
		parent, node := indent, indent
		if quote == nil && len(stack) == 0 {
			for node < len(s) && s[node] == '-' && (node+1 == len(s) || s[node+1] == ' ') {
				parent = node
				node++
				for node < len(s) && s[node] == ' ' {
					node++
				}
			}
		}
		valueStart := quote == nil // a value may begin at the start of a line
		plain := false             // the line ends inside a plain scalar
		i := 0
		if quote == nil {
			i = indent
		}
	chars:
		for i < len(s) {
			c := s[i]
			if quote != nil {
				switch {
				case quote.ch == '"' && c == '\\':
					i++
				case quote.ch == '\'' && c == '\'' && i+1 < len(s) && s[i+1] == '\'':
					i++
				case c == quote.ch:
					if quote.line != line {
						sc.spans = append(sc.spans, span{*quote, line})
					}
					quote, valueStart = nil, false
				}
				i++
				continue
			}
			col := utf8.RuneCountInString(s[:i]) + 1
			inFlow := len(stack) > 0
			next := byte(' ')
			if i+1 < len(s) {
				next = s[i+1]
			}
			switch {
			case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
				break chars
			case c == ' ' || c == '\t':
			case (c == '"' || c == '\'') && valueStart:
				quote = &mark{line, col, c}
				plain = false
			case (c == '[' || c == '{') && (valueStart || inFlow):
				stack = append(stack, mark{line, col, c})
				valueStart, plain = true, false
			case (c == ']' || c == '}') && (valueStart || inFlow || !plain):
				open := byte('[')
				if c == '}' {
					open = '{'
				}
				if inFlow && stack[len(stack)-1].ch == open {
					stack = stack[:len(stack)-1]
				} else {
					sc.stray = append(sc.stray, mark{line, col, c})
				}
				valueStart = false
			case c == ',' && inFlow:
				valueStart = true
			case c == ':' && (next == ' ' || next == '\t' || (inFlow && strings.IndexByte(",]}", next) >= 0)):
				if !inFlow {
					parent = node
				}
				valueStart, plain = true, false
			case (c == '-' || c == '?') && valueStart && next == ' ':
			case (c == '|' || c == '>') && valueStart && !inFlow:
				skipIndent = parent
				break chars
			default:
				if valueStart && !inFlow {
					plain = true
				}
				valueStart = false
			}
			i++
		}
		if plain && quote == nil && len(stack) == 0 {
			skipIndent = parent
		}
	}
	sc.openQuote = quote
	sc.unclosed = stack
	return sc
}

// spanEndingAt is a quoted scalar that began on an earlier line and closes on line.
func (sc *yamlScan) spanEndingAt(line int) (span, bool) {
	for _, sp := range sc.spans {
		if sp.endLine == line {
			return sp, true
		}
	}
	return span{}, false
}

// innermostUnclosed is the last flow opener of kind ('[' or '{') left open, if any.
func (sc *yamlScan) innermostUnclosed(kind byte) (mark, bool) {
	for i := len(sc.unclosed) - 1; i >= 0; i-- {
		if sc.unclosed[i].ch == kind {
			return sc.unclosed[i], true
		}
	}
	return mark{}, false
}

// strayUpTo is the first closing bracket that closes nothing, on or before line.
func (sc *yamlScan) strayUpTo(line int) (mark, bool) {
	if len(sc.stray) > 0 && sc.stray[0].line <= line {
		return sc.stray[0], true
	}
	return mark{}, false
}
