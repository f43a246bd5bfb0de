package calendar

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/postctl/postctl/schema"
	"gopkg.in/yaml.v3"
)

// badInputs are the classes of broken file a user commits by mistake; each fuzz target starts from
// them as well as from valid files.
var badInputs = []string{
	"",
	"\n\n",
	"# only a comment\n",
	"---\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: |\n\tTabbed line\n",
	"publish_at: 2026-12-01T09:00\n\tchannels: [mastodon]\ntext: Hi\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: \"unclosed\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: 'unclosed\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon\ntext: Hi\n",
	"publish_at: 2026-12-01T09:00\nchannels: {mastodon: 1\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\ntext: Again\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: \"Quoted\" and more\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Note: a colon: here\n",
	"publish_at: 2026-12-01T09:00\nchannels:\n  - mastodon\n bluesky\ntext: Hi\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: @handle first\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: \"bad \\q escape\"\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: *nope\n",
	"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
	"tags: &t [a, *t]\n",
	"tags: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n",
	strings.Repeat("- ", 80) + "x\n",
	"text: " + strings.Repeat("{", 70) + "\n",
	"\x00\x01\x02binary\xff\xfe",
	"publish_at: 2026-12-01T09:00\ntext: caf\xe9\n",
	"\xef\xbb\xbfpublish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: BOM\n",
	"publish_at: 2026-12-01T09:00\r\nchannels: [mastodon]\r\ntext: |\r\n  CRLF\r\n",
	"publish_at: 2026-12-01T09:00\rchannels: [mastodon]\rtext: |\r  lone CR\r",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\n---\ntext: second\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\n...\n",
	"? [a, b]\n: c\n",
	"base: &b {text: Hi}\n<<: *b\npublish_at: 2026-12-01T09:00\n",
	"<<: 42\n",
	"publish_at: 2027-03-28T02:30\nchannels: [mastodon]\ntext: Gap\n",
	"publish_at: 2026-02-30T09:00\nchannels: [mastodon]\ntext: No such day\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\nmedia:\n  - file: ../../etc/passwd\n    alt: x\n",
	"publish_at: !!binary aGVsbG8=\nchannels: [mastodon]\ntext: !!int 12\n",
	"publish_at: .inf\nchannels: [.nan]\ntext: 99999999999999999999999\n",
	"publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: \"token ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\n",
	"text: \x07bell\n",
	"%YAML 1.1\n---\ntext: directive\n",
	"!!map {text: tagged}\n",
	"text: |2\n     explicit indentation\n",
	"text: &x\n  |\n  anchored block\n",
}

// validPosts are realistic posts, the other half of the seed corpus.
var validPosts = []string{
	validCalendar["posts/2026-12/launch.yaml"],
	`# yaml-language-server: $schema=../../schemas/post.schema.json
id: 2026-12-02-brew-ratio
publish_at: 2026-12-02T12:30:00+01:00
channels: [mastodon, bluesky]
status: draft
title: The brew ratio
pillar: education
tags: [brewing, basics]
text: |
  The one number that fixes most home coffee is the ratio. Start with 1:16.

  Too strong? Go to 1:17.
overrides:
  bluesky:
    text: Start with 1:16 ☕
thread:
  - >-
    Why weigh and not use a scoop?
  - text: A cheap kitchen scale does more than a fancy grinder.
    media:
      - file: media/bag.png
        alt: A kitchen scale
voice:
  ignore:
    - rule: no-hype
      reason: Quoting a customer.
moved_from: brew-ratio
`,
}

// lineCount is how many lines a finding may point into: a file's lines, plus the one after a
// final newline.
func lineCount(src []byte) int { return bytes.Count(src, []byte("\n")) + 1 }

func checkFindings(t *testing.T, fsys fstest.MapFS, findings Findings) {
	t.Helper()
	for _, f := range findings {
		if f.Line < 0 || f.Col < 0 || (f.Line == 0) != (f.Col == 0) {
			t.Errorf("finding at %d:%d: %+v", f.Line, f.Col, f)
		}
		if f.Message == "" || strings.Contains(f.Message, "goroutine") || strings.Contains(f.Message, "panic") ||
			strings.Contains(f.Message, "runtime error") {
			t.Errorf("finding message %q: %+v", f.Message, f)
		}
		if f.Rule == "" {
			t.Errorf("finding without a rule: %+v", f)
		}
		file, ok := fsys[f.File]
		if !ok {
			continue // a directory, or a file that is missing
		}
		lines := bytes.Split(file.Data, []byte("\n"))
		if f.Line > len(lines) {
			t.Errorf("finding at line %d of %s, which has %d lines: %+v", f.Line, f.File, len(lines), f)
		} else if f.Line > 0 && f.Col > utf8.RuneCount(lines[f.Line-1])+1 {
			t.Errorf("finding at column %d of line %q: %+v", f.Col, lines[f.Line-1], f)
		}
	}
}

func FuzzLoadPost(f *testing.F) {
	for _, s := range append(append([]string{}, validPosts...), badInputs...) {
		f.Add([]byte(s))
	}
	const post = "posts/2026-12/launch.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := calendarFS(nil)
		fsys[post] = &fstest.MapFile{Data: data}
		type result struct {
			findings Findings
			err      error
		}
		done := make(chan result, 1)
		go func() {
			_, findings, err := Load(fsys)
			done <- result{findings, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Load did not return within 10s on %q", data)
		}
		if r.err != nil {
			t.Fatalf("Load: %v", r.err)
		}
		checkFindings(t, fsys, r.findings)
	})
}

func FuzzParseYAML(f *testing.F) {
	for _, s := range append(append([]string{}, validPosts...), badInputs...) {
		f.Add([]byte(s))
	}
	for _, name := range []string{"calendar.yaml", "strategy.yaml", "voice.yaml", "replies/thanks.yaml", "playbooks/recall.yaml"} {
		f.Add([]byte(validCalendar[name]))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := lineCount(data)
		for _, kind := range schema.Kinds() {
			doc, findings := parseYAML("f.yaml", kind, data)
			if doc == nil && len(findings) != 1 {
				t.Fatalf("%s: no document and %d findings, want 1: %v", kind, len(findings), findings)
			}
			if doc != nil && len(findings) != 0 {
				t.Fatalf("%s: a document and findings %v", kind, findings)
			}
			for _, fd := range findings {
				if fd.Line < 1 || fd.Line > n || fd.Col < 1 || fd.Message == "" {
					t.Fatalf("%s: finding %+v outside the file's %d lines", kind, fd, n)
				}
			}
			if doc == nil {
				continue
			}
			// The schema's builder walks whatever the parser accepted.
			for _, v := range schema.Validate(kind, doc) {
				if v.Line < 1 || v.Col < 1 || v.Message == "" {
					t.Fatalf("%s: violation %+v", kind, v)
				}
			}
		}
	})
}

var scalarStyles = []yaml.Style{0, yaml.LiteralStyle, yaml.FoldedStyle, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.FlowStyle}

func FuzzTextPos(f *testing.F) {
	seeds := []struct {
		src    string
		value  string
		style  uint8
		indent uint8
		offset int
	}{
		{"text: |\n  Hello {{name}},\n  thanks.\n", "Hello {{name}}\n\nthanks", 1, 0, 8},
		{"text: Hi {{x}} # note\n", "Grüße 😀 {{x}}", 0, 2, 12},
		{"text: \"Say \\\"hi\\\" {{x}}\"\n", "Say \"hi\" {{x}}", 3, 1, 10},
		{"text: 'It''s {{x}}'\n", "It's {{x}}", 4, 3, 5},
		{"text: >\n  folded {{x}}\n  more\n", "folded\n{{x}}\n", 2, 0, 7},
		{"text: first line\n  second {{x}}\n", "  leading and trailing  ", 0, 1, 3},
		{"text: &t\n  |\n  Hi {{x}}\n", "tab\there", 1, 4, 4},
		{"text: |\r  one\r  two {{x}}\r", "line\r\nbreaks", 1, 0, 6},
		{"text: |2\n     indented {{x}}\n", "   indented\n", 1, 0, 11},
		{"a:\n  - b: 1\n    text: |-\n      x\n\n      y\n", "\n\nleading blank lines", 1, 2, 1},
		{"text: \"a\\\\\\\\\"\n", "a\\\\", 3, 0, 2},
		{"text: 'a'''\n", "a'", 4, 0, 1},
	}
	for _, s := range seeds {
		f.Add(s.src, s.value, s.style, s.indent, s.offset)
	}
	f.Fuzz(func(t *testing.T, src, value string, style, indent uint8, offset int) {
		// The raw source: whatever scalar sits under the first "text" key.
		checkTextPos(t, src, offset)
		// A generated file: value written in a chosen style, nested a few levels deep.
		if !utf8.ValidString(value) {
			return
		}
		text := &yaml.Node{Kind: yaml.ScalarNode, Value: value, Style: scalarStyles[int(style)%len(scalarStyles)]}
		root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "id"}, {Kind: yaml.ScalarNode, Value: "x"},
			{Kind: yaml.ScalarNode, Value: "text"}, text,
		}}
		for i := 0; i < int(indent%4); i++ {
			root = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "level"}, root}}
			if i%2 == 1 {
				root = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{root}}
			}
		}
		out, err := yaml.Marshal(root)
		if err != nil {
			return
		}
		checkTextPos(t, string(out), offset)
	})
}

func checkTextPos(t *testing.T, src string, offset int) {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(src), &doc) != nil {
		return
	}
	n := findKey(&doc, "text")
	if n == nil || n.Kind != yaml.ScalarNode {
		return
	}
	var s String
	if n.Decode(&s) != nil {
		return
	}
	if len(s.Value) > 0 {
		offset = ((offset % (len(s.Value) + 1)) + len(s.Value) + 1) % (len(s.Value) + 1)
		for offset < len(s.Value) && !utf8.RuneStart(s.Value[offset]) {
			offset++ // offsets come from regexp matches, which start on a character
		}
	} else {
		offset = 0
	}
	got := TextPos([]byte(src), s, offset)
	lines := strings.Split(src, "\n")
	if got == s.Pos {
		return // the fallback: the scalar itself
	}
	if got.Line < 1 || got.Line > len(lines) {
		t.Fatalf("TextPos(%q, %d) = %v: outside the file's %d lines\n%s", s.Value, offset, got, len(lines), src)
	}
	checkSpelledAt(t, src, got, s.Value, offset)
}

// fuzzFiles are the files FuzzLoadFile replaces, one at a time, in an otherwise valid calendar.
var fuzzFiles = []string{"calendar.yaml", "strategy.yaml", "voice.yaml", "replies/thanks.yaml", "playbooks/recall.yaml", "crisis.yaml"}

// FuzzLoadFile loads a calendar whose root file, reply template, playbook or crisis.yaml is
// arbitrary bytes: Load returns within 10 s, without an error or a panic, and every finding is
// inside its file (FuzzLoadPost does the same for a post).
func FuzzLoadFile(f *testing.F) {
	valid := map[string]string{"crisis.yaml": "playbook: recall\nactivated_at: 2026-12-01T09:00:00+01:00\nreason: Batch 42\nby: Ana\n"}
	for name, src := range validCalendar {
		valid[name] = src
	}
	for i, name := range fuzzFiles {
		f.Add(uint8(i), []byte(valid[name]))
		for _, bad := range badInputs {
			f.Add(uint8(i), []byte(bad))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := fuzzFiles[int(which)%len(fuzzFiles)]
		fsys := calendarFS(nil)
		fsys[name] = &fstest.MapFile{Data: data}
		done := make(chan error, 1)
		var findings Findings
		go func() {
			var err error
			_, findings, err = Load(fsys)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil && !(name == "calendar.yaml" && errors.Is(err, ErrNotCalendar)) {
				t.Fatalf("Load with %s = %q: %v", name, data, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load did not return within 10s with %s = %q", name, data)
		}
		checkFindings(t, fsys, findings)
	})
}
