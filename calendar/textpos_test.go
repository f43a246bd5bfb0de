package calendar

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// scalarFor decodes the first value under a "text" key, depth first, the way Load decodes it.
func scalarFor(t testing.TB, src string) String {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	n := findKey(&doc, "text")
	if n == nil {
		t.Fatalf("no text key in %q", src)
	}
	var s String
	if err := n.Decode(&s); err != nil {
		t.Fatalf("decode text of %q: %v", src, err)
	}
	return s
}

func findKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	for _, c := range n.Content {
		if f := findKey(c, key); f != nil {
			return f
		}
	}
	return nil
}

func TestTextPos(t *testing.T) {
	tests := []struct {
		name string
		src  string
		at   string // the offset is where this first occurs in the value
		want Pos
		// fallback says the scalar's own position is the expected answer.
		fallback bool
	}{
		{name: "literal", src: "id: x\ntext: |\n  Hello {{name}},\n  thanks.\n", at: "{{name}}", want: Pos{3, 9}},
		{name: "literal second line", src: "id: x\ntext: |\n  Hello {{name}},\n  thanks.\n", at: "thanks", want: Pos{4, 3}},
		{name: "literal start", src: "text: |\n  Hello\n", at: "Hello", want: Pos{2, 3}},
		{name: "literal nested in a list", src: "thread:\n  - media: []\n    text: |\n      first line\n      second {{x}}\n", at: "{{x}}", want: Pos{5, 14}},
		{name: "literal with more-indented lines", src: "text: |\n  list:\n    - {{x}}\n", at: "{{x}}", want: Pos{3, 7}},
		{name: "literal with blank lines inside", src: "text: |\n  Para one.\n\n  Para {{two}}.\n", at: "{{two}}", want: Pos{4, 8}},
		{name: "literal offset on a blank line", src: "text: |\n  Para one.\n\n  Para two.\n", at: "\n\n", want: Pos{2, 12}},
		{name: "literal leading blank line", src: "text: |\n\n  after {{x}}\n", at: "{{x}}", want: Pos{3, 9}},
		{name: "literal with unicode before the match", src: "text: |\n  Grüße, 😀 {{name}}\n", at: "{{name}}", want: Pos{2, 12}},
		{name: "literal with a tab inside", src: "text: |\n  a\tb {{x}}\n", at: "{{x}}", want: Pos{2, 7}},
		{name: "literal strip", src: "text: |-\n  one\n  two {{x}}\nid: y\n", at: "{{x}}", want: Pos{3, 7}},
		{name: "literal keep", src: "text: |+\n  one {{x}}\n\n\nid: y\n", at: "{{x}}", want: Pos{2, 7}},
		{name: "literal with comment after indicator", src: "text: | # greeting\n  Hi {{x}}\n", at: "{{x}}", want: Pos{2, 6}},
		{name: "literal with anchor on the same line", src: "text: &t |\n  Hi {{x}}\n", at: "{{x}}", want: Pos{2, 6}},
		{name: "literal deeper indentation", src: "a:\n  b:\n    text: |\n        deep {{x}}\n", at: "{{x}}", want: Pos{4, 14}},
		// With an explicit indentation indicator the content keeps the extra spaces.
		{name: "literal explicit indentation", src: "text: |2\n     indented {{x}}\n", at: "{{x}}", want: Pos{2, 15}},
		{name: "literal CRLF", src: "text: |\r\n  one\r\n  two {{x}}\r\n", at: "{{x}}", want: Pos{3, 7}},
		// yaml.v3 places an anchored node at its anchor, a line above the indicator: not a line to guess from.
		{name: "literal with anchor on its own line", src: "text: &t\n  |\n  Hi {{x}}\n", at: "{{x}}", fallback: true},
		{name: "literal with tag on its own line", src: "text: !!str\n  |\n  Hi {{x}}\n", at: "{{x}}", fallback: true},
		// yaml.v3 also breaks lines at a lone CR, which the file's \n lines do not show.
		{name: "literal with CR line breaks", src: "text: |\r  one\r  two {{x}}\r", at: "{{x}}", fallback: true},
		{name: "literal file without final newline", src: "text: |\n  Hi {{x}}", at: "{{x}}", want: Pos{2, 6}},

		{name: "plain", src: "text: Hi {{name}}, thanks\n", at: "{{name}}", want: Pos{1, 10}},
		{name: "plain with comment", src: "text: Hi {{x}} # note\n", at: "{{x}}", want: Pos{1, 10}},
		{name: "plain with unicode before", src: "text: Grüße 😀 {{x}}\n", at: "{{x}}", want: Pos{1, 15}},
		{name: "plain in a list item", src: "items:\n  - text: Hi {{x}}\n", at: "{{x}}", want: Pos{2, 14}},
		{name: "double-quoted without escapes", src: `text: "Hi {{name}}, thanks"` + "\n", at: "{{name}}", want: Pos{1, 11}},
		{name: "single-quoted without escapes", src: "text: 'Hi {{name}}'\n", at: "{{name}}", want: Pos{1, 11}},
		// Escapes are decoded from the source, so a column is that of the source that spells it.
		{name: "double-quoted with escapes", src: `text: "Say \"hi\" {{name}}"` + "\n", at: "{{name}}", want: Pos{1, 19}},
		{name: "double-quoted unicode escape", src: `text: "caf\u00e9 {{x}}"` + "\n", at: "{{x}}", want: Pos{1, 18}},
		{name: "double-quoted offset at an escape", src: `text: "caf\u00e9 {{x}}"` + "\n", at: "é", want: Pos{1, 11}},
		{name: "double-quoted 32-bit escape", src: `text: "\U0001F600 {{x}}"` + "\n", at: "{{x}}", want: Pos{1, 19}},
		{name: "double-quoted escapes spelling a prefix", src: `text: "a\\\\"` + "\n", at: `\`, want: Pos{1, 9}},
		{name: "single-quoted with doubled quote", src: "text: 'It''s {{x}}'\n", at: "{{x}}", want: Pos{1, 14}},
		{name: "single-quoted doubled quote spelling a prefix", src: "text: 'a'''\n", at: "'", want: Pos{1, 9}},
		{name: "flow mapping, quoted with escapes", src: `{id: x, text: "a\tb {{x}}"}` + "\n", at: "{{x}}", want: Pos{1, 21}},
		// Folded and multi-line scalars map exactly where rejoining the source lines gives the value.
		{name: "folded", src: "text: >\n  folded {{x}}\n  more\n", at: "{{x}}", want: Pos{2, 10}},
		{name: "folded second line", src: "text: >\n  folded\n  more {{x}}\n", at: "{{x}}", want: Pos{3, 8}},
		{name: "folded strip", src: "text: >-\n  folded {{x}}\n", at: "{{x}}", want: Pos{2, 10}},
		{name: "multi-line plain", src: "text: first line\n  second {{x}}\n", at: "{{x}}", want: Pos{2, 10}},
		{name: "multi-line plain, offset on the first line", src: "text: first {{x}} line\n  second\n", at: "{{x}}", want: Pos{1, 13}},
		{name: "multi-line double-quoted", src: "text: \"first\n  second {{x}}\"\n", at: "{{x}}", want: Pos{2, 10}},
		// A blank line in a folded block is a line break in the value, and more-indented lines
		// keep theirs: rejoining with spaces does not give the value back.
		{name: "folded with a blank line", src: "text: >\n  one\n\n  two {{x}}\n", at: "{{x}}", fallback: true},
		{name: "folded with a more-indented line", src: "text: >\n  one\n    two {{x}}\n", at: "{{x}}", fallback: true},
		{name: "multi-line double-quoted with escapes", src: "text: \"fi\\trst\n  second {{x}}\"\n", at: "{{x}}", fallback: true},
		{name: "tagged plain", src: "text: !!str Hi {{x}}\n", at: "{{x}}", fallback: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scalarFor(t, tt.src)
			off := strings.Index(s.Value, tt.at)
			if off < 0 {
				t.Fatalf("%q not in value %q", tt.at, s.Value)
			}
			want := tt.want
			if tt.fallback {
				want = s.Pos
			}
			got := TextPos([]byte(tt.src), s, off)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("TextPos(%q, %d) (-got +want):\n%s", s.Value, off, diff)
			}
			if !tt.fallback {
				checkSpelledAt(t, tt.src, got, s.Value, off)
			}
		})
	}
}

// checkSpelledAt asserts that the source has the value's character at offset at p (or, for a
// line break in the value, that p is at the end of its line).
func checkSpelledAt(t testing.TB, src string, p Pos, value string, offset int) {
	t.Helper()
	lines := strings.Split(src, "\n")
	if p.Line < 1 || p.Line > len(lines) {
		t.Fatalf("line %d is outside the file (%d lines)", p.Line, len(lines))
	}
	line := []rune(strings.TrimSuffix(lines[p.Line-1], "\r"))
	if p.Col < 1 || p.Col > len(line)+1 {
		t.Fatalf("column %d is outside line %d %q", p.Col, p.Line, string(line))
	}
	if offset == len(value) {
		return
	}
	want, _ := utf8.DecodeRuneInString(value[offset:])
	// A line break in the value, or a space that YAML folded a line break into, is at the end of a
	// source line.
	atEnd := p.Col == len(line)+1 || strings.TrimSpace(string(line[p.Col-1:])) == ""
	if want == '\n' || (want == ' ' && atEnd) {
		if !atEnd {
			t.Errorf("offset %d is a line break, but %d:%d is not at the end of %q", offset, p.Line, p.Col, string(line))
		}
		return
	}
	if p.Col <= len(line) && spelledByEscape(string(line[p.Col-1:]), want) {
		return
	}
	if p.Col > len(line) || line[p.Col-1] != want {
		t.Errorf("at %d:%d the source has %q, the value has %q", p.Line, p.Col, string(line[min(p.Col-1, len(line)):]), want)
	}
}

// spelledByEscape says whether src starts with a quoted scalar's spelling of r: a double-quoted
// escape or a doubled single quote.
func spelledByEscape(src string, r rune) bool {
	if strings.HasPrefix(src, "''") {
		return r == '\''
	}
	if !strings.HasPrefix(src, `\`) {
		return false
	}
	got, _, ok := yamlEscape(src[1:])
	return ok && got == r
}

func TestTextPosOutOfRange(t *testing.T) {
	src := "text: Hi {{x}}\n"
	s := scalarFor(t, src)
	for _, off := range []int{-1, len(s.Value) + 1, 1 << 30} {
		if got := TextPos([]byte(src), s, off); got != s.Pos {
			t.Errorf("TextPos(offset %d) = %v, want the scalar's position %v", off, got, s.Pos)
		}
	}
	if got := TextPos([]byte(src), s, len(s.Value)); got != (Pos{1, 15}) {
		t.Errorf("TextPos(end of value) = %v, want 1:15, just after it", got)
	}
	// A String built without a node (an id taken from the file name) has nothing to map into.
	bare := String{Value: "launch", Pos: Pos{0, 0}}
	if got := TextPos([]byte(src), bare, 2); got != bare.Pos {
		t.Errorf("TextPos(no node) = %v, want %v", got, bare.Pos)
	}
	// The source of another version of the file must not move the position to a wrong line.
	if got := TextPos([]byte("id: x\n"), s, 3); got != s.Pos {
		t.Errorf("TextPos(other source) = %v, want %v", got, s.Pos)
	}
}
