package view

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffLine is one line of a line diff: ' ' kept, '-' removed, '+' added.
type diffLine struct {
	Op   byte
	Text string
}

// lineDiff compares two texts line by line, so a one-word edit in a long post shows as one
// changed line among kept ones rather than the whole text twice.
func lineDiff(before, after string) []diffLine {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(withNewline(before), withNewline(after))
	var out []diffLine
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line != "" {
				out = append(out, diffLine{op, strings.TrimSuffix(line, "\n")})
			}
		}
	}
	return out
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
