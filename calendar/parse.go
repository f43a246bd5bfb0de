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
		return nil, fmt.Errorf("file is %s; a calendar file may be at most 1 MiB", size)
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
	if i := bytes.IndexByte(src, 0); i >= 0 {
		line, col := offsetPos(src, i)
		return fail(line, col, "file", "this is a binary file, not YAML text (it contains a NUL byte)")
	}
	if !utf8.Valid(src) {
		i := invalidUTF8(src)
		line, col := offsetPos(src, i)
		return fail(line, col, "file", "the file is not UTF-8 text (invalid byte here); save it as UTF-8")
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(1, 1, "file", fmt.Sprintf("the file is empty: expected %s", expectedContent[kind]))
		}
		line, col, msg := locateYAMLError(src, err)
		return fail(line, col, "yaml", msg)
	}
	if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].ShortTag() == "!!null") {
		return fail(1, 1, "file", fmt.Sprintf("the file is empty: expected %s", expectedContent[kind]))
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

	switch {
	case strings.Contains(msg, "tab character") || (strings.Contains(msg, "cannot start any token") && tabIndentLine(lines, line) > 0):
		if l := tabIndentLine(lines, line); l > 0 {
			return l, strings.IndexByte(text(l), '\t') + 1, "a tab is used for indentation; YAML needs spaces"
		}
	case strings.Contains(msg, "cannot start any token"):
		l := text(line)
		i := strings.IndexAny(l, "@`%")
		if i < 0 {
			i = firstNonBlank(line) - 1
		}
		return line, runeCol(l, i), fmt.Sprintf("%q cannot start a value; put the value in quotes", l[i:i+1])
	case msg == "found unexpected end of stream":
		l := text(line)
		if i := strings.IndexAny(l, `"'`); i >= 0 {
			return line, runeCol(l, i), fmt.Sprintf("the quoted text that starts here is never closed (missing the closing %c)", l[i])
		}
		return line, firstNonBlank(line), "the file ends in the middle of a value"
	case msg == "did not find expected ',' or ']'" || msg == "did not find expected ',' or '}'":
		open, closer, what := "[", "]", "list"
		if strings.HasSuffix(msg, "'}'") {
			open, closer, what = "{", "}", "mapping"
		}
		l := text(line)
		if i := strings.Index(l, open); i >= 0 {
			return line, runeCol(l, i), fmt.Sprintf("the %s opened here with '%s' is never closed (missing '%s' or ',')", what, open, closer)
		}
	case msg == "did not find expected '-' indicator":
		if l, col := sequenceCulprit(lines, line); l > 0 {
			return l, col, "this line breaks the list above it: list items start with '- ' at the same indentation"
		}
	case msg == "did not find expected key":
		return line, firstNonBlank(line), "unexpected content here: check the indentation (keys of one mapping line up, list items start with '- ')"
	case msg == "mapping values are not allowed in this context":
		l := text(line)
		first := strings.Index(l, ": ")
		if second := strings.Index(l[first+2:], ": "); first >= 0 && second >= 0 && strings.TrimSpace(l[:first]) != "" && !strings.HasPrefix(strings.TrimSpace(l[:first]), "-") {
			return line, runeCol(l, first+2+second), "a second ': ' on this line: put text that contains ': ' in quotes"
		}
		return line, firstNonBlank(line), "unexpected 'key: value' here: check the indentation, or put text that contains ': ' in quotes"
	case msg == "could not find expected ':'":
		return line, firstNonBlank(line), "expected 'key: value' on this line (missing ':' after the key?)"
	case msg == "found unknown escape character":
		l := text(line)
		if i := strings.IndexByte(l, '\\'); i >= 0 {
			return line, runeCol(l, i), "unknown escape sequence in double-quoted text; write \\\\ for a backslash, or use single quotes"
		}
	case msg == "control characters are not allowed":
		for i, r := range string(src) {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
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

// tabIndentLine finds the first line at or after from (or the one before) whose indentation holds a tab.
func tabIndentLine(lines []string, from int) int {
	for l := max(1, from-1); l <= len(lines) && l <= from+1; l++ {
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

// sequenceCulprit finds the line that breaks a block sequence starting at line start: one at the
// sequence's indentation that is not an item, or one indented between the dash and the item's content.
func sequenceCulprit(lines []string, start int) (int, int) {
	s := lines[start-1]
	dash := strings.Index(s, "- ")
	if dash < 0 {
		return 0, 0
	}
	content := dash + 2 + len(s[dash+2:]) - len(strings.TrimLeft(s[dash+2:], " "))
	for l := start + 1; l <= len(lines); l++ {
		t := lines[l-1]
		trimmed := strings.TrimLeft(t, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(t) - len(trimmed)
		if indent < dash {
			return 0, 0
		}
		if (indent == dash && !strings.HasPrefix(trimmed, "-")) || (indent > dash && indent < content) {
			return l, indent + 1
		}
	}
	return 0, 0
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
