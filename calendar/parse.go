package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/postctl/postctl/schema"
	"gopkg.in/yaml.v3"
)

// MaxFileSize bounds what is read of one file; no calendar file comes near it, and a bound keeps
// memory flat whatever is committed by mistake.
const MaxFileSize = 1 << 20

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	if d, ok := fsys.(*DirFS); ok {
		if src, ok := d.readFast(name, MaxFileSize+1); ok && len(src) <= MaxFileSize {
			return src, nil
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", plainError(err))
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", plainError(err))
	}
	if len(src) > MaxFileSize {
		size := "more than 1 MiB"
		if st, err := f.Stat(); err == nil {
			size = fmt.Sprintf("%.1f MiB", float64(st.Size())/(1<<20))
		}
		return nil, fmt.Errorf("the file is %s; a calendar file may be at most 1 MiB", size)
	}
	return src, nil
}

var expectedContent = map[schema.Kind]string{
	schema.Calendar: "brand, timezone and channels",
	schema.Strategy: "goals, pillars, campaigns, cadence, posting_windows or blackouts",
	schema.Voice:    "rules",
	schema.Post:     "a post with publish_at, channels and text",
	schema.Playbook: "a playbook with name, severity and pause",
	schema.Reply:    "a reply template with title and text",
	schema.Crisis:   "playbook, activated_at and reason",
}

// parseYAML parses one file into a document node. On failure it returns nil and a finding placed
// as precisely as the parser allows.
func parseYAML(file string, kind schema.Kind, src []byte) (*yaml.Node, Findings) {
	fail := func(line, col int, rule, msg string) (*yaml.Node, Findings) {
		return nil, Findings{{File: file, Line: line, Col: col, Rule: rule, Level: Error, Message: msg}}
	}
	if bytes.HasPrefix(src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(src, []byte{0xFE, 0xFF}) {
		// What some Windows editors save as "Unicode": its NUL bytes would read as binary.
		return fail(1, 1, "file", "the file is UTF-16 text; save it as UTF-8")
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		line, col := offsetPos(src, i)
		return fail(line, col, "file", "this is a binary file, not YAML text (it contains a NUL byte)")
	}
	if !utf8.Valid(src) {
		i := invalidUTF8(src)
		line, col := offsetPos(src, i)
		return fail(line, col, "file", "the file is not UTF-8 text (invalid byte here); save it as UTF-8")
	}
	if i, r := yamlOnlyBreak(src); i >= 0 {
		// YAML would count lines differently from the file (and from every position reported).
		line, col := offsetPos(src, i)
		if r == '\r' {
			return fail(line, col, "file", "a carriage return (CR) without a line feed: YAML reads it as a line break; save the file with LF or CRLF line endings")
		}
		return fail(line, col, "file", fmt.Sprintf("invisible character U+%04X here is read by YAML as a line break; delete it (or write \\u%04X inside double quotes)", r, r))
	}
	empty := func() (*yaml.Node, Findings) {
		what, comments := "the file is empty", false
		for _, l := range strings.Split(string(src), "\n") {
			if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
				comments = true
			} else if t != "" {
				comments = false
				break
			}
		}
		if comments {
			what = "the file holds only comments"
		}
		return fail(1, 1, "file", fmt.Sprintf("%s: expected %s", what, expectedContent[kind]))
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return empty()
		}
		line, col, msg := locateYAMLError(src, err)
		return fail(line, col, "yaml", msg)
	}
	if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].ShortTag() == "!!null") {
		return empty()
	}
	// A list or a text where the file's keys belong: say what the file is for, not "a mapping".
	if root := doc.Content[0]; root.Kind == yaml.SequenceNode || root.Kind == yaml.ScalarNode {
		got := "a list"
		if root.Kind == yaml.ScalarNode {
			got = "just a text"
		}
		return fail(root.Line, root.Column, "schema", fmt.Sprintf("expected %s, written as 'key: value' lines; got %s", expectedContent[kind], got))
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		line := second.Line
		if len(second.Content) > 0 {
			line = second.Content[0].Line
		}
		return fail(max(line-1, 1), 1, "yaml", "a file holds one document, but a second one starts here ('---'); put each post in its own file")
	} else if !errors.Is(err, io.EOF) {
		line, col, msg := locateYAMLError(src, err)
		return fail(line, col, "yaml", msg)
	}
	return &doc, nil
}

var yamlErrorRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// Parser errors (as opposed to scanner errors) carry a 0-based line in yaml.v3's messages.
var parserErrors = []string{
	"did not find expected key",
	"did not find expected node content",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
}

// locateYAMLError turns yaml.v3's "yaml: line N: message" into a line, a column and a message a
// person can act on. yaml.v3 reports no column and sometimes the line where the construct began, so
// the column (and for some errors the line) is found by reading the source around it.
func locateYAMLError(src []byte, err error) (int, int, string) {
	lines := strings.Split(string(src), "\n")
	m := yamlErrorRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 1, 1, "invalid YAML: " + err.Error()
	}
	line := 1
	if m[1] != "" {
		line, _ = strconv.Atoi(m[1])
	}
	msg := m[2]
	for _, p := range parserErrors {
		if msg == p && m[1] != "" {
			line++
		}
	}
	line = max(1, min(line, len(lines)))
	text := func(l int) string { return lines[l-1] }
	firstNonBlank := func(l int) int { return len(text(l)) - len(strings.TrimLeft(text(l), " \t")) + 1 }
	sc := scanYAML(lines)
	unclosedFlow := func(o mark) (int, int, string) {
		what, closer := "list", ']'
		if o.ch == '{' {
			what, closer = "mapping", '}'
		}
		return o.line, o.col, fmt.Sprintf("the %s opened here with '%c' is never closed (missing '%c' or ',')", what, o.ch, closer)
	}
	// A quote left open swallows the lines after it up to the next quote character, and yaml.v3
	// complains only there; a stray ']' or '}' confuses it the same way. Point at the cause.
	cause := func(l int) (int, int, string, bool) {
		for _, at := range []int{l, l - 1} {
			if sp, ok := sc.spanEndingAt(at); ok {
				return sp.start.line, sp.start.col, fmt.Sprintf("the quoted text that starts here runs on to line %d; is the closing %c missing?", sp.endLine, sp.start.ch), true
			}
		}
		if c, ok := sc.strayUpTo(l); ok {
			open := '['
			if c.ch == '}' {
				open = '{'
			}
			return c.line, c.col, fmt.Sprintf("'%c' closes nothing: there is no '%c' open before it", c.ch, open), true
		}
		return 0, 0, "", false
	}

	switch {
	case strings.Contains(msg, "tab character") || (strings.Contains(msg, "cannot start any token") && tabIndentLine(lines, line, line+1) > 0):
		// A tab inside a block scalar is reported at the scalar's first line: look further on.
		if l := tabIndentLine(lines, line, len(lines)); l > 0 {
			return l, runeCol(text(l), strings.IndexByte(text(l), '\t')), "a tab is used for indentation; YAML needs spaces"
		}
	case strings.Contains(msg, "cannot start any token"):
		l := text(line)
		i := strings.IndexAny(l, "@`%")
		if i < 0 {
			i = firstNonBlank(line) - 1
		}
		return line, runeCol(l, i), fmt.Sprintf("%q cannot start a value; put the value in quotes", l[i:i+1])
	case msg == "found unexpected end of stream":
		if q := sc.openQuote; q != nil {
			return q.line, q.col, fmt.Sprintf("the quoted text that starts here is never closed (missing the closing %c)", q.ch)
		}
		l := text(line)
		if i := strings.IndexAny(l, `"'`); i >= 0 {
			return line, runeCol(l, i), fmt.Sprintf("the quoted text that starts here is never closed (missing the closing %c)", l[i])
		}
		return line, firstNonBlank(line), "the file ends in the middle of a value"
	case msg == "did not find expected ',' or ']'" || msg == "did not find expected ',' or '}'":
		kind := byte('[')
		if strings.HasSuffix(msg, "'}'") {
			kind = '{'
		}
		if o, ok := sc.innermostUnclosed(kind); ok {
			return unclosedFlow(o)
		}
		l := text(line)
		if i := strings.IndexByte(l, kind); i >= 0 {
			return unclosedFlow(mark{line, runeCol(l, i), kind})
		}
	case msg == "did not find expected node content":
		if l, c, m, ok := cause(line); ok {
			return l, c, m
		}
		if n := len(sc.unclosed); n > 0 {
			return unclosedFlow(sc.unclosed[n-1])
		}
	case msg == "did not find expected '-' indicator" || msg == "did not find expected key":
		// yaml.v3 names the line where the enclosing block began; the line at fault is the last
		// one of the shortest prefix of the file that still fails the same way.
		l := culpritLine(src, err.Error(), line)
		if cl, cc, cm, ok := cause(l); ok {
			return cl, cc, cm
		}
		if col, ok := afterClosingQuote(text(l)); ok {
			if q := strings.TrimLeft(text(l)[strings.Index(text(l), ": ")+2:], " "); q[0] == '\'' {
				// Most often an apostrophe: "text: 'Don't'".
				return l, col, "text continues after the closing quote: inside single quotes write an apostrophe as '' (two single quotes), or put the whole value in double quotes"
			}
			return l, col, "text continues after the closing quote: put the whole value in quotes (single quotes around text that contains double quotes)"
		}
		if msg == "did not find expected '-' indicator" {
			return l, firstNonBlank(l), "this line breaks the list above it: list items start with '- ' at the same indentation"
		}
		return l, firstNonBlank(l), "unexpected content here: check the indentation (keys of one mapping line up, list items start with '- ')"
	case msg == "block sequence entries are not allowed in this context":
		l := text(line)
		if i := strings.Index(l, ": - "); i >= 0 {
			return line, runeCol(l, i+2), "a list cannot start on the same line as its key: put each '- item' on a line of its own below the key, or write [a, b]"
		}
	case msg == "mapping values are not allowed in this context":
		if cl, cc, cm, ok := cause(line); ok {
			return cl, cc, cm
		}
		l := text(line)
		first := strings.Index(l, ": ")
		if second := strings.Index(l[first+2:], ": "); first >= 0 && second >= 0 && strings.TrimSpace(l[:first]) != "" && !strings.HasPrefix(strings.TrimSpace(l[:first]), "-") {
			return line, runeCol(l, first+2+second), "a second ': ' on this line: put text that contains ': ' in quotes"
		}
		return line, firstNonBlank(line), "unexpected 'key: value' here: check the indentation, or put text that contains ': ' in quotes"
	case msg == "could not find expected ':'":
		return line, firstNonBlank(line), "expected 'key: value' on this line (missing ':' after the key?)"
	case msg == "found unknown escape character" || msg == "did not find expected hexdecimal number":
		if l, col, ok := badEscape(lines, line); ok {
			esc := string([]rune(text(l))[col-1 : col+1])
			return l, col, fmt.Sprintf("%s is not a valid escape in double-quoted text: write \\\\ for a backslash, or use single quotes", esc)
		}
	case msg == "control characters are not allowed":
		for i, r := range string(src) {
			if !yamlPrintable(r) {
				l, c := offsetPos(src, i)
				return l, c, fmt.Sprintf("control character U+%04X is not allowed in YAML text", r)
			}
		}
	case strings.HasPrefix(msg, "unknown anchor"):
		name := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor "), " referenced"), "'")
		if i := bytes.Index(src, []byte("*"+name)); i >= 0 {
			l, c := offsetPos(src, i)
			return l, c, fmt.Sprintf("alias *%s refers to an anchor &%s that is not defined before it", name, name)
		}
	case strings.HasPrefix(msg, "exceeded max depth"):
		if i := deepestFlow(src, schema.MaxDepth); i >= 0 {
			l, c := offsetPos(src, i)
			return l, c, fmt.Sprintf("nesting is deeper than %d levels", schema.MaxDepth)
		}
	}
	return line, firstNonBlank(line), "invalid YAML: " + msg
}

// tabIndentLine finds the first line from the one before from up to to whose indentation holds a tab.
func tabIndentLine(lines []string, from, to int) int {
	for l := max(1, from-1); l <= len(lines) && l <= to; l++ {
		s := lines[l-1]
		indent := s[:len(s)-len(strings.TrimLeft(s, " \t"))]
		if strings.Contains(indent, "\t") {
			return l
		}
		// A tab right after a key's colon or a list dash is still indentation to YAML.
		if i := strings.IndexByte(s, '\t'); i >= 0 && strings.TrimSpace(s[:i]) != "" && strings.HasSuffix(strings.TrimRight(s[:i], " "), "-") {
			return l
		}
	}
	return 0
}

// yamlPrintable is the set of characters YAML allows, as yaml.v3's reader checks it.
func yamlPrintable(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0x7E) || r == 0x85 ||
		(r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// badEscape finds the first backslash, on line from or after it, that starts no valid YAML escape
// (yaml.v3 names only the line of the quoted text, which may hold valid escapes before the bad one).
func badEscape(lines []string, from int) (int, int, bool) {
	const simple = "0abt\tnvfre \"/\\N_LP"
	for l := max(1, from); l <= len(lines); l++ {
		s := lines[l-1]
		for i := 0; i+1 < len(s); i++ {
			if s[i] != '\\' {
				continue
			}
			if n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i+1]]; n > 0 {
				if i+2+n > len(s) || strings.Trim(s[i+2:i+2+n], "0123456789abcdefABCDEF") != "" {
					return l, runeCol(s, i), true
				}
				i += 1 + n
			} else if strings.IndexByte(simple, s[i+1]) >= 0 {
				i++
			} else {
				return l, runeCol(s, i), true
			}
		}
	}
	return 0, 0, false
}

// culpritLine returns the smallest line n >= from such that the file cut after line n fails to
// parse with the same error message, found by bisection (a prefix that holds the bad line fails).
func culpritLine(src []byte, message string, from int) int {
	lines := bytes.SplitAfter(src, []byte("\n"))
	fails := func(n int) bool {
		var doc yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:n], nil), &doc)
		return err != nil && sameYAMLProblem(err.Error(), message)
	}
	lo, hi := max(1, from), len(lines)
	if lo > hi || !fails(hi) {
		return from
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// sameYAMLProblem compares two yaml.v3 errors by their message, ignoring the line.
func sameYAMLProblem(a, b string) bool {
	strip := func(s string) string { return yamlErrorRE.ReplaceAllString(s, "$2") }
	return strip(a) == strip(b)
}

// afterClosingQuote finds text after a quoted value on a "key: 'value' more" line, and returns the
// column where that text starts.
func afterClosingQuote(line string) (int, bool) {
	i := strings.Index(line, ": ")
	if i < 0 {
		return 0, false
	}
	rest := strings.TrimLeft(line[i+2:], " ")
	start := len(line) - len(rest)
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return 0, false
	}
	q := rest[0]
	for j := 1; j < len(rest); j++ {
		if rest[j] == '\\' && q == '"' {
			j++
			continue
		}
		if rest[j] == q {
			if q == '\'' && j+1 < len(rest) && rest[j+1] == '\'' {
				j++
				continue
			}
			after := strings.TrimLeft(rest[j+1:], " ")
			if after != "" && !strings.HasPrefix(after, "#") {
				return runeCol(line, start+j+1), true
			}
			return 0, false
		}
	}
	return 0, false
}

// deepestFlow returns the offset where flow nesting first passes limit, or -1.
func deepestFlow(src []byte, limit int) int {
	depth := 0
	for i, b := range src {
		switch b {
		case '[', '{':
			depth++
			if depth > limit {
				return i
			}
		case ']', '}':
			depth--
		}
	}
	return -1
}

// offsetPos converts a byte offset into a 1-based line and a 1-based column counted in characters.
func offsetPos(src []byte, off int) (int, int) {
	off = min(off, len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, utf8.RuneCount(src[start:off]) + 1
}

// runeCol is the 1-based character column of byte index i in line s.
func runeCol(s string, i int) int {
	return utf8.RuneCountInString(s[:i]) + 1
}

// yamlOnlyBreak finds a character YAML reads as a line break although the file's lines are split at
// '\n' only: a CR without LF, NEL, LS or PS. It returns its offset, or -1.
func yamlOnlyBreak(src []byte) (int, rune) {
	for i, r := range string(src) {
		switch r {
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				continue
			}
			return i, r
		case '\u0085', '\u2028', '\u2029':
			return i, r
		}
	}
	return -1, 0
}

func invalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}
