package view

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLineDiff(t *testing.T) {
	got := lineDiff("one\ntwo\nthree\n", "one\n2\nthree\nfour")
	want := []diffLine{{' ', "one"}, {'-', "two"}, {'+', "2"}, {' ', "three"}, {'+', "four"}}
	if diff := cmp.Diff(got, want, cmp.AllowUnexported(diffLine{})); diff != "" {
		t.Errorf("lineDiff (-got +want):\n%s", diff)
	}
	if got := lineDiff("", "new"); len(got) != 1 || got[0] != (diffLine{'+', "new"}) {
		t.Errorf("lineDiff from nothing = %v", got)
	}
}
