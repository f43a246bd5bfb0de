package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
)

var sample = Report{
	Dir:   "cal",
	Files: 3,
	Findings: calendar.Findings{
		{File: "posts/a.yaml", Line: 3, Col: 1, Rule: "schema", Level: calendar.Error, Message: `unknown key "titel" (did you mean "title"?)`},
		{File: "posts/long-name.yaml", Line: 12, Col: 5, Rule: "reference", Level: calendar.Warning, Message: "override for channel \"x\", which this post is not published on"},
	},
}

func render(t *testing.T, s *Streams, format string, r Report) string {
	t.Helper()
	var out bytes.Buffer
	s.Out = &out
	if err := RenderFindings(s, format, r); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestFindingsTextPiped(t *testing.T) {
	got := render(t, &Streams{}, "text", sample)
	want := `cal/posts/a.yaml:3:1: error: unknown key "titel" (did you mean "title"?) [schema]
cal/posts/long-name.yaml:12:5: warning: override for channel "x", which this post is not published on [reference]

✗ 1 error, 1 warning in 2 files (3 files checked).
`
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestFindingsTextTTY(t *testing.T) {
	// On a terminal the columns line up; without colour there are no escape codes.
	got := render(t, &Streams{OutTTY: true}, "text", sample)
	want := `cal/posts/a.yaml:3:1           error       unknown key "titel" (did you mean "title"?)  schema
cal/posts/long-name.yaml:12:5  warning     override for channel "x", which this post is not published on  reference

✗ 1 error, 1 warning in 2 files (3 files checked).
`
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	colored := render(t, &Streams{OutTTY: true, Color: true}, "text", sample)
	if !strings.Contains(colored, "\x1b[31merror\x1b[0m") || !strings.Contains(colored, "\x1b[33mwarning\x1b[0m") {
		t.Errorf("coloured output lacks level colours:\n%q", colored)
	}
}

func TestFindingsSummaries(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Report
		want string
	}{
		{"clean", Report{Files: 96}, "✓ 96 files checked: no problems found.\n"},
		{"warnings only", Report{Files: 2, Findings: sample.Findings[1:]}, "! 0 errors, 1 warning in 1 file (2 files checked). Valid.\n"},
		{"strict", Report{Files: 2, Findings: sample.Findings[1:], Strict: true}, "✗ 0 errors, 1 warning in 1 file (2 files checked). Warnings fail because of --strict.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, &Streams{}, "text", tc.r)
			if !strings.HasSuffix(got, tc.want) {
				t.Errorf("got %q, want suffix %q", got, tc.want)
			}
		})
	}
}

func TestFindingsJSON(t *testing.T) {
	var got findingsWire
	if err := json.Unmarshal([]byte(render(t, &Streams{}, "json", sample)), &got); err != nil {
		t.Fatal(err)
	}
	want := findingsWire{
		FormatVersion: "1.0",
		Valid:         false,
		Summary:       summaryWire{Files: 3, Errors: 1, Warnings: 1},
		Findings: []findingWire{
			{File: "cal/posts/a.yaml", Line: 3, Column: 1, Level: "error", Rule: "schema", Message: `unknown key "titel" (did you mean "title"?)`},
			{File: "cal/posts/long-name.yaml", Line: 12, Column: 5, Level: "warning", Rule: "reference", Message: `override for channel "x", which this post is not published on`},
		},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// An empty run is an empty list, not null, so tools can iterate without a check.
	if out := render(t, &Streams{}, "json", Report{}); !strings.Contains(out, `"findings": []`) {
		t.Errorf("empty findings not rendered as []: %s", out)
	}
}

func TestFindingsGitHub(t *testing.T) {
	r := Report{Files: 1, Findings: calendar.Findings{
		{File: "a,b.yaml", Line: 1, Col: 2, Rule: "yaml", Level: calendar.Error, Message: "100% wrong\nsecond line"},
		{File: "c.yaml", Line: 4, Col: 1, Rule: "voice", Level: calendar.Suggestion, Message: "consider"},
	}}
	got := render(t, &Streams{}, "github", r)
	want := "::error file=a%2Cb.yaml,line=1,col=2,title=postctl yaml::100%25 wrong%0Asecond line\n" +
		"::notice file=c.yaml,line=4,col=1,title=postctl voice::consider\n" +
		"✗ 1 error, 0 warnings, 1 suggestion in 2 files (1 file checked).\n"
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}
