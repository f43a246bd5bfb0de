package view

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/postctl/postctl/calendar"
)

// FormatVersion versions every JSON document postctl writes; it changes only incompatibly.
const FormatVersion = "1.0"

// Report is the result of a validation run, as data for the views.
type Report struct {
	Dir      string // the calendar directory as the user named it; prefixes file paths
	Files    int    // files checked
	Findings calendar.Findings
	Strict   bool
}

// Valid says whether the run passes.
func (r Report) Valid() bool { return !r.Findings.Failed(r.Strict) }

func (r Report) path(file string) string {
	if r.Dir == "" || r.Dir == "." {
		return file
	}
	return path.Join(r.Dir, file)
}

func (r Report) location(f calendar.Finding) string {
	switch {
	case f.Line == 0:
		return r.path(f.File)
	default:
		return fmt.Sprintf("%s:%d:%d", r.path(f.File), f.Line, f.Col)
	}
}

// RenderFindings writes the report in format: text, json, github or markdown.
func RenderFindings(s *Streams, format string, r Report) error {
	switch format {
	case "json":
		return findingsJSON(s.Out, r)
	case "github":
		return findingsGitHub(s.Out, r)
	case "markdown":
		return findingsMarkdown(s.Out, r)
	}
	return findingsText(s, r)
}

func findingsText(s *Streams, r Report) error {
	p := s.Palette()
	levelText := func(l calendar.Level) string {
		switch l {
		case calendar.Error:
			return p.Red("error")
		case calendar.Warning:
			return p.Yellow("warning")
		}
		return p.Cyan("suggestion")
	}
	if s.OutTTY {
		// Aligned columns read better on a terminal; piped output stays one grep-able line each.
		width := 0
		for _, f := range r.Findings {
			width = max(width, len(r.location(f)))
		}
		for _, f := range r.Findings {
			loc := r.location(f)
			lvl := f.Level.String()
			fmt.Fprintf(s.Out, "%s%s  %s%s  %s  %s\n", p.Bold(loc), strings.Repeat(" ", width-len(loc)),
				levelText(f.Level), strings.Repeat(" ", len("suggestion")-len(lvl)), f.Message, p.Dim(f.Rule))
			if f.Fix != "" {
				fmt.Fprintf(s.Out, "%s  %s\n", strings.Repeat(" ", width+2+len("suggestion")), p.Dim("fix: "+f.Fix))
			}
		}
	} else {
		for _, f := range r.Findings {
			fmt.Fprintf(s.Out, "%s: %s: %s [%s]\n", r.location(f), f.Level, withFix(f), f.Rule)
		}
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(s.Out)
	}
	fmt.Fprintln(s.Out, summaryLine(p, r))
	return nil
}

// withFix is the message with its suggested fix, for one-line formats.
func withFix(f calendar.Finding) string {
	if f.Fix == "" {
		return f.Message
	}
	return f.Message + " (fix: " + f.Fix + ")"
}

func summaryLine(p Palette, r Report) string {
	errs, warns, suggs := r.Findings.Count(calendar.Error), r.Findings.Count(calendar.Warning), r.Findings.Count(calendar.Suggestion)
	checked := fmt.Sprintf("%d %s checked", r.Files, plural(r.Files, "file", "files"))
	if len(r.Findings) == 0 {
		return p.Green("✓ ") + checked + ": no problems found."
	}
	counts := []string{countOf(errs, "error", "errors"), countOf(warns, "warning", "warnings")}
	if suggs > 0 {
		counts = append(counts, countOf(suggs, "suggestion", "suggestions"))
	}
	line := fmt.Sprintf("%s in %d %s (%s).", strings.Join(counts, ", "), r.Findings.Files(), plural(r.Findings.Files(), "file", "files"), checked)
	if !r.Valid() {
		if errs == 0 {
			line += " Warnings fail because of --strict."
		}
		return p.Red("✗ ") + line
	}
	return p.Yellow("! ") + line + " Valid."
}

func countOf(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// findingsWire is the JSON form of a validation report; its fields are stable.
type findingsWire struct {
	FormatVersion string        `json:"format_version"`
	Valid         bool          `json:"valid"`
	Summary       summaryWire   `json:"summary"`
	Findings      []findingWire `json:"findings"`
}

type summaryWire struct {
	Files       int `json:"files"`
	Errors      int `json:"errors"`
	Warnings    int `json:"warnings"`
	Suggestions int `json:"suggestions"`
}

type findingWire struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Level   string `json:"level"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func findingsJSON(w io.Writer, r Report) error {
	out := findingsWire{
		FormatVersion: FormatVersion,
		Valid:         r.Valid(),
		Summary: summaryWire{Files: r.Files, Errors: r.Findings.Count(calendar.Error),
			Warnings: r.Findings.Count(calendar.Warning), Suggestions: r.Findings.Count(calendar.Suggestion)},
		Findings: make([]findingWire, 0, len(r.Findings)),
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, findingWire{File: r.path(f.File), Line: f.Line, Column: f.Col,
			Level: f.Level.String(), Rule: f.Rule, Message: f.Message, Fix: f.Fix})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// findingsGitHub writes GitHub Actions workflow commands, which become inline annotations.
func findingsGitHub(w io.Writer, r Report) error {
	for _, f := range r.Findings {
		cmd := map[calendar.Level]string{calendar.Error: "error", calendar.Warning: "warning", calendar.Suggestion: "notice"}[f.Level]
		props := "file=" + ghProperty(r.path(f.File))
		if f.Line > 0 {
			props += fmt.Sprintf(",line=%d,col=%d", f.Line, f.Col)
		}
		props += ",title=" + ghProperty("postctl "+f.Rule)
		fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, ghData(withFix(f)))
	}
	fmt.Fprintln(w, summaryLine(Palette{}, r))
	return nil
}

func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func findingsMarkdown(w io.Writer, r Report) error {
	fmt.Fprintf(w, "### postctl validate\n\n%s\n", summaryLine(Palette{}, r))
	if len(r.Findings) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\n| Location | Level | Message | Rule |\n|---|---|---|---|")
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	for _, f := range r.Findings {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", r.location(f), f.Level, cell.Replace(withFix(f)), f.Rule)
	}
	return nil
}
