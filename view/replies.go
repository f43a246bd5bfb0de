package view

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
)

// ReplyTemplate is a reply template as the reply views show it.
type ReplyTemplate struct {
	ID        string
	Title     string
	File      string // as the user would type it: inside the calendar directory they named
	Tags      []string
	Channels  []string // empty: fits every channel
	Variables []ReplyVariable
	Text      string
}

// ReplyVariable is one variable of a template.
type ReplyVariable struct {
	Name string
	// Required says a value must be given: the variable is declared required or has no default.
	Required    bool
	Default     *string
	Pattern     string
	Description string
}

// RenderedReply is a filled-in template measured against a channel, or the problems that kept it
// from being filled in.
type RenderedReply struct {
	ID       string
	Channel  string // empty when no channel was given or implied: counted as generic
	Platform string
	Text     string
	Length   int
	Limit    int // 0: no limit
	Unit     string
	Findings []ReplyFinding
	Problems []calendar.RenderProblem
	Notes    []string // said beside the length, e.g. why it was counted as generic
}

// Over is how far the text is over the limit, or 0.
func (r RenderedReply) Over() int {
	if r.Limit == 0 || r.Length <= r.Limit {
		return 0
	}
	return r.Length - r.Limit
}

// ReplyFinding is a brand-voice finding in a rendered reply; Start and End are byte offsets into
// the text.
type ReplyFinding struct {
	Rule       string
	Level      calendar.Level
	Message    string
	Fix        string
	Start, End int
}

// RenderReplyList writes the templates as a table (aligned with a header on a terminal,
// tab-separated when piped) or as JSON.
func RenderReplyList(s *Streams, format string, replies []ReplyTemplate) error {
	if format == "json" {
		out := replyListWire{FormatVersion: FormatVersion, Replies: make([]replySummaryWire, 0, len(replies))}
		for _, r := range replies {
			out.Replies = append(out.Replies, replySummaryWire{ID: r.ID, Title: r.Title, File: r.File,
				Tags: replyList(r.Tags), Channels: replyList(r.Channels)})
		}
		return replyJSON(s.Out, out)
	}
	if !s.OutTTY {
		// One line per template, tab-separated, for cut, awk and fzf.
		for _, r := range replies {
			fmt.Fprintf(s.Out, "%s\t%s\t%s\t%s\n", r.ID, r.Title, strings.Join(r.Tags, ","), strings.Join(r.Channels, ","))
		}
		return nil
	}
	p := s.Palette()
	rows := [][]string{{"ID", "TITLE", "TAGS", "CHANNELS"}}
	for _, r := range replies {
		rows = append(rows, []string{r.ID, r.Title, strings.Join(r.Tags, ", "), replyChannels(r.Channels)})
	}
	widths := make([]int, 4)
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	// A narrow terminal shortens titles, then tags, rather than wrapping every row.
	if s.Width > 0 {
		over := widths[0] + widths[1] + widths[2] + widths[3] + 6 - s.Width
		for _, c := range []struct{ col, floor int }{{1, 24}, {2, 12}} {
			if over <= 0 || widths[c.col] <= c.floor {
				continue
			}
			cut := min(over, widths[c.col]-c.floor)
			widths[c.col] -= cut
			over -= cut
		}
	}
	for i, row := range rows {
		cells := make([]string, 4)
		for j, c := range row {
			c = replyTruncate(c, widths[j])
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				c = p.Bold(c)
			case j == 0:
				c = p.Cyan(c)
			case j == 3 && len(replies[i-1].Channels) == 0:
				c = p.Dim(c)
			}
			if j < 3 {
				c += pad
			}
			cells[j] = c
		}
		fmt.Fprintln(s.Out, strings.TrimRight(strings.Join(cells, "  "), " "))
	}
	return nil
}

func replyChannels(channels []string) string {
	if len(channels) == 0 {
		return "any"
	}
	return strings.Join(channels, ", ")
}

func replyTruncate(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// RenderReplyShow writes one template: its metadata, variables and raw text, or JSON.
func RenderReplyShow(s *Streams, format string, r ReplyTemplate) error {
	if format == "json" {
		w := replyTemplateToWire(r)
		return replyJSON(s.Out, struct {
			FormatVersion string `json:"format_version"`
			replyTemplateWire
		}{FormatVersion, w})
	}
	p := s.Palette()
	fmt.Fprintf(s.Out, "%s  %s\n", p.Bold(r.Title), p.Dim("("+r.ID+")"))
	fmt.Fprintf(s.Out, "%s\n\n", p.Dim(r.File))
	tags := strings.Join(r.Tags, ", ")
	if tags == "" {
		tags = "none"
	}
	fmt.Fprintf(s.Out, "%s      %s\n", p.Bold("Tags:"), tags)
	fmt.Fprintf(s.Out, "%s  %s\n", p.Bold("Channels:"), replyChannels(r.Channels))
	if len(r.Variables) > 0 {
		fmt.Fprintf(s.Out, "\n%s\n", p.Bold("Variables:"))
		nameW, needW := 0, 0
		needs := make([]string, len(r.Variables))
		for i, v := range r.Variables {
			needs[i] = "required"
			if v.Default != nil && !v.Required {
				needs[i] = fmt.Sprintf("default %q", *v.Default)
			}
			nameW = max(nameW, utf8.RuneCountInString(v.Name))
			needW = max(needW, utf8.RuneCountInString(needs[i]))
		}
		for i, v := range r.Variables {
			line := fmt.Sprintf("  %s%s  %s%s", p.Cyan(v.Name), strings.Repeat(" ", nameW-utf8.RuneCountInString(v.Name)),
				needs[i], strings.Repeat(" ", needW-utf8.RuneCountInString(needs[i])))
			if v.Description != "" {
				line += "  " + v.Description
			}
			fmt.Fprintln(s.Out, strings.TrimRight(line, " "))
			if v.Pattern != "" {
				fmt.Fprintf(s.Out, "  %s  %s\n", strings.Repeat(" ", nameW+needW+2), p.Dim("pattern "+v.Pattern))
			}
		}
	}
	fmt.Fprintf(s.Out, "\n%s\n", p.Bold("Text:"))
	for _, line := range strings.Split(r.Text, "\n") {
		line = calendar.PlaceholderRE.ReplaceAllStringFunc(line, p.Cyan)
		fmt.Fprintln(s.Out, strings.TrimRight("  "+line, " "))
	}
	fmt.Fprintf(s.Out, "\n%s %s\n", p.Dim("Render with:"), replyRenderCommand(r))
	return nil
}

// replyRenderCommand is the command line that renders the template, with a --var for each value it needs.
func replyRenderCommand(r ReplyTemplate) string {
	cmd := "postctl replies render " + r.ID
	for _, v := range r.Variables {
		if v.Required {
			cmd += " --var " + v.Name + "=…"
		}
	}
	return cmd
}

// RenderReplyRender writes a rendered reply. In text the reply alone goes to stdout; the length
// and findings go to stderr, so that `| pbcopy` copies exactly what to paste. On a terminal they
// all go to stdout, below a separator.
func RenderReplyRender(s *Streams, format string, r RenderedReply) error {
	if format == "json" {
		out := replyRenderedWire{FormatVersion: FormatVersion, ID: r.ID, Channel: r.Channel, Platform: r.Platform,
			Text: r.Text, Length: r.Length, Limit: r.Limit, Unit: r.Unit, OverLimit: r.Over() > 0,
			Findings: make([]replyFindingWire, 0, len(r.Findings)), Problems: make([]replyProblemWire, 0, len(r.Problems))}
		for _, f := range r.Findings {
			out.Findings = append(out.Findings, replyFindingWire{Rule: f.Rule, Level: f.Level.String(), Message: f.Message,
				Fix: f.Fix, Start: f.Start, End: f.End, Excerpt: replyExcerpt(r.Text, f)})
		}
		for _, p := range r.Problems {
			out.Problems = append(out.Problems, replyProblemWire{Kind: p.Kind.String(), Variable: p.Variable, Message: p.String()})
		}
		return replyJSON(s.Out, out)
	}
	if len(r.Problems) > 0 {
		return nil // the command's error lists them
	}
	meta := s.ErrOut
	if s.OutTTY {
		fmt.Fprintln(s.Out, r.Text)
		fmt.Fprintln(s.Out, s.Palette().Dim(strings.Repeat("─", 40)))
		meta = s.Out
	} else {
		// Exactly the text: a trailing line break would be pasted too.
		io.WriteString(s.Out, r.Text)
	}
	p := s.Palette()
	if !s.OutTTY {
		p = Palette{} // stderr beside a pipe: colour follows stdout
	}
	fmt.Fprintln(meta, replyLengthLine(p, r))
	for _, n := range r.Notes {
		fmt.Fprintln(meta, p.Dim(n))
	}
	for _, f := range r.Findings {
		lvl := map[calendar.Level]func(string) string{calendar.Error: p.Red, calendar.Warning: p.Yellow}[f.Level]
		if lvl == nil {
			lvl = p.Cyan
		}
		msg := f.Message
		if ex := replyExcerpt(r.Text, f); ex != "" && !strings.Contains(msg, ex) {
			msg += fmt.Sprintf(" (at %q)", ex)
		}
		fmt.Fprintf(meta, "%s: %s %s\n", lvl(f.Level.String()), msg, p.Dim("["+f.Rule+"]"))
		if f.Fix != "" {
			fmt.Fprintf(meta, "  %s\n", p.Dim("fix: "+f.Fix))
		}
	}
	return nil
}

func replyLengthLine(p Palette, r RenderedReply) string {
	if r.Channel == "" {
		return fmt.Sprintf("%d %s, counted as generic: no channel, no limit", r.Length, r.Unit)
	}
	where := "on " + r.Channel
	if r.Limit == 0 {
		return fmt.Sprintf("%d %s %s (no limit)", r.Length, r.Unit, where)
	}
	line := fmt.Sprintf("%d/%d %s %s", r.Length, r.Limit, r.Unit, where)
	if over := r.Over(); over > 0 {
		return p.Red("✗ " + line + fmt.Sprintf(": %d over the limit", over))
	}
	return p.Green("✓ ") + line
}

// replyExcerpt is the text a finding points at, when that is short enough to quote.
func replyExcerpt(text string, f ReplyFinding) string {
	whole := f.Start == 0 && f.End == len(text) // a finding about the whole text: its message says it
	if whole || f.Start < 0 || f.End <= f.Start || f.End > len(text) || f.End-f.Start > 60 {
		return ""
	}
	return text[f.Start:f.End]
}

// RenderReplyExport writes every template for tools that import saved replies: JSON, or CSV with
// a header row and multi-valued fields joined with ';'.
func RenderReplyExport(w io.Writer, format string, replies []ReplyTemplate) error {
	if format == "csv" {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "title", "tags", "channels", "variables", "text"})
		for _, r := range replies {
			names := make([]string, len(r.Variables))
			for i, v := range r.Variables {
				names[i] = v.Name
			}
			_ = cw.Write([]string{r.ID, r.Title, strings.Join(r.Tags, ";"), strings.Join(r.Channels, ";"), strings.Join(names, ";"), r.Text})
		}
		cw.Flush()
		return cw.Error()
	}
	out := replyExportWire{FormatVersion: FormatVersion, Replies: make([]replyTemplateWire, 0, len(replies))}
	for _, r := range replies {
		out.Replies = append(out.Replies, replyTemplateToWire(r))
	}
	return replyJSON(w, out)
}

// The JSON forms of the reply views; their fields are stable.

type replyListWire struct {
	FormatVersion string             `json:"format_version"`
	Replies       []replySummaryWire `json:"replies"`
}

type replySummaryWire struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	File     string   `json:"file"`
	Tags     []string `json:"tags"`
	Channels []string `json:"channels"` // empty: fits every channel
}

type replyTemplateWire struct {
	ID        string              `json:"id"`
	Title     string              `json:"title"`
	File      string              `json:"file"`
	Tags      []string            `json:"tags"`
	Channels  []string            `json:"channels"`
	Variables []replyVariableWire `json:"variables"`
	Text      string              `json:"text"`
}

type replyVariableWire struct {
	Name        string  `json:"name"`
	Required    bool    `json:"required"` // a value must be given
	Default     *string `json:"default"`  // null: none
	Pattern     string  `json:"pattern,omitempty"`
	Description string  `json:"description,omitempty"`
}

type replyExportWire struct {
	FormatVersion string              `json:"format_version"`
	Replies       []replyTemplateWire `json:"replies"`
}

type replyRenderedWire struct {
	FormatVersion string             `json:"format_version"`
	ID            string             `json:"id"`
	Channel       string             `json:"channel"` // empty: counted as generic
	Platform      string             `json:"platform"`
	Text          string             `json:"text"`
	Length        int                `json:"length"`
	Limit         int                `json:"limit"` // 0: none
	Unit          string             `json:"unit"`
	OverLimit     bool               `json:"over_limit"`
	Findings      []replyFindingWire `json:"findings"`
	Problems      []replyProblemWire `json:"problems"` // non-empty: nothing was rendered
}

type replyFindingWire struct {
	Rule    string `json:"rule"`
	Level   string `json:"level"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	Start   int    `json:"start"` // byte offsets into text
	End     int    `json:"end"`
	Excerpt string `json:"excerpt,omitempty"`
}

type replyProblemWire struct {
	Kind     string `json:"kind"`
	Variable string `json:"variable,omitempty"`
	Message  string `json:"message"`
}

func replyTemplateToWire(r ReplyTemplate) replyTemplateWire {
	w := replyTemplateWire{ID: r.ID, Title: r.Title, File: r.File, Tags: replyList(r.Tags), Channels: replyList(r.Channels),
		Variables: make([]replyVariableWire, 0, len(r.Variables)), Text: r.Text}
	for _, v := range r.Variables {
		w.Variables = append(w.Variables, replyVariableWire{Name: v.Name, Required: v.Required, Default: v.Default,
			Pattern: v.Pattern, Description: v.Description})
	}
	return w
}

// replyList makes an empty list [] in JSON rather than null.
func replyList(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func replyJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // texts hold links with '&': keep them readable
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
