package view

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
)

// The read-only crisis views: crisis list, show, status and match. (activate and resolve are in
// crisis_change.go.)

// PlaybookSummary is a crisis playbook as the crisis views list it.
type PlaybookSummary struct {
	ID           string
	Name         string
	Severity     string // low, medium, high or critical
	Description  string
	File         string // as the user would type it: inside the calendar directory they named
	Triggers     []string
	Pause        PlaybookPause
	Statement    bool   // it has a holding statement
	Active       bool   // crisis.yaml names it
	ExpiresAfter string // as the playbook writes it; empty: none
}

// Title is the playbook's name, or its id when it has none.
func (p PlaybookSummary) Title() string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// PlaybookPause is what a playbook pauses.
type PlaybookPause struct {
	All      bool
	Channels []string
	Pillars  []string
	Tags     []string
}

// Words says what the pause selects: "everything", "channels mastodon, bluesky", "pillar
// product or tags promo, gift", "tag promo on channel mastodon".
func (p PlaybookPause) Words() string {
	if p.All || len(p.Channels)+len(p.Pillars)+len(p.Tags) == 0 {
		return "everything"
	}
	var what []string
	if len(p.Pillars) > 0 {
		what = append(what, rbNamed("pillar", "pillars", p.Pillars))
	}
	if len(p.Tags) > 0 {
		what = append(what, rbNamed("tag", "tags", p.Tags))
	}
	out := strings.Join(what, " or ")
	if len(p.Channels) > 0 {
		where := rbNamed("channel", "channels", p.Channels)
		if out == "" {
			return where
		}
		return out + " on " + where
	}
	return out
}

func rbNamed(one, many string, values []string) string {
	return plural(len(values), one, many) + " " + strings.Join(values, ", ")
}

// RunbookShown is how many held publications the text and Markdown runbooks list.
const RunbookShown = 20

// rbTime is how the crisis views show a time, in the calendar's zone.
const rbTime = "2006-01-02 15:04 MST"

// Runbook is `crisis show`: a playbook with what it would do now.
type Runbook struct {
	PlaybookSummary
	Location *time.Location
	Now      time.Time
	// Since is activated_at when the playbook is the active crisis; zero otherwise. Held is then
	// what the crisis holds; otherwise what the playbook would hold if activated now.
	Since      time.Time
	Held       []RunbookHeld
	Statement  []RunbookText // the holding statement on each of its channels
	Thread     []string      // its follow-up texts, on every channel
	Media      int           // how many images it carries
	Checklist  []string
	Escalation []Contact
	Replies    []RunbookReply
}

func (r Runbook) loc() *time.Location { return rbLoc(r.Location) }

func rbLoc(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// RunbookHeld is one publication a playbook holds.
type RunbookHeld struct {
	Address string // post-id@channel
	Post    string
	Channel string
	Title   string // the post's title, or the first line of its text
	File    string
	At      time.Time
	Due     bool // its time has passed: held since the activation, missed once resolved
}

// RunbookText is the holding statement as one channel publishes it.
type RunbookText struct {
	Channel  string
	Platform string
	Text     string
	Override bool // the channel's override, not the main text
	Length   int
	Limit    int // 0: none
	Unit     string
	Findings []ReplyFinding // brand-voice findings (kind holding_statement)
}

// Over is how far the text is over the limit, or 0.
func (t RunbookText) Over() int {
	if t.Limit == 0 || t.Length <= t.Limit {
		return 0
	}
	return t.Length - t.Limit
}

// Contact is whom to call in a crisis.
type Contact struct {
	Role    string
	Name    string
	Contact string
}

// RunbookReply is a reply template a playbook names, with an example of it.
type RunbookReply struct {
	Template ReplyTemplate // ID alone when Missing
	// Example is the text with the defaults filled in and <name> where a value must be given.
	Example string
	Missing bool // no template has the id
}

// RenderCrisisList writes the playbooks: a table on a terminal, one tab-separated line each
// when piped (id, name, severity, pause, holding statement yes/no, "active"), or JSON.
func RenderCrisisList(s *Streams, format string, list []PlaybookSummary) error {
	if format == "json" {
		out := rbListWire{FormatVersion: FormatVersion, Playbooks: make([]rbSummaryWire, 0, len(list))}
		for _, pb := range list {
			out.Playbooks = append(out.Playbooks, rbSummaryToWire(pb))
		}
		return replyJSON(s.Out, out)
	}
	if !s.OutTTY {
		for _, pb := range list {
			active := ""
			if pb.Active {
				active = "active"
			}
			fmt.Fprintf(s.Out, "%s\t%s\t%s\t%s\t%s\t%s\n", pb.ID, pb.Name, pb.Severity, pb.Pause.Words(), rbYesNo(pb.Statement), active)
		}
		return nil
	}
	p := s.Palette()
	// Columns: ID, NAME, SEVERITY, STATEMENT, PAUSES. The pause is last: on a narrow terminal
	// the name is shortened first, then the pause wraps within its column, so nothing of what a
	// playbook pauses is cut off.
	rows := [][]string{{"ID", "NAME", "SEVERITY", "STATEMENT", "PAUSES"}}
	anyActive := false
	for _, pb := range list {
		rows = append(rows, []string{pb.ID, pb.Name, pb.Severity, rbYesNo(pb.Statement), pb.Pause.Words()})
		anyActive = anyActive || pb.Active
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], width(c))
		}
	}
	if s.Width > 0 {
		fixed := 2 + widths[0] + 2 + widths[1] + 2 + widths[2] + 2 + widths[3] + 2
		if over := fixed + widths[4] - s.Width; over > 0 && widths[1] > 14 {
			cut := min(over, widths[1]-14)
			widths[1] -= cut
			fixed -= cut
		}
		widths[4] = max(20, min(widths[4], s.Width-fixed))
	}
	indent := strings.Repeat(" ", 2+widths[0]+2+widths[1]+2+widths[2]+2+widths[3]+2)
	for i, row := range rows {
		mark := "  "
		if i > 0 && list[i-1].Active {
			mark = p.Red("●") + " "
		}
		cells := make([]string, len(row))
		var more []string // the pause's further lines
		for j, c := range row {
			if j == 4 {
				lines := rbWrap(c, widths[4])
				c, more = lines[0], lines[1:]
			} else {
				c = clip(c, widths[j], true)
			}
			padding := strings.Repeat(" ", max(0, widths[j]-width(c)))
			switch {
			case i == 0:
				c = p.Bold(c)
			case j == 0:
				c = p.Cyan(c)
			case j == 2:
				c = rbSeverity(p, c)
			}
			cells[j] = c + padding
		}
		fmt.Fprintln(s.Out, strings.TrimRight(mark+strings.Join(cells, "  "), " "))
		for _, l := range more {
			fmt.Fprintln(s.Out, indent+l)
		}
	}
	if anyActive {
		fmt.Fprintf(s.Out, "%s\n", p.Dim("● active: postctl crisis status"))
	}
	return nil
}

func rbYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// rbSeverity colours a severity: critical red, high yellow, medium cyan, low dim.
func rbSeverity(p Palette, s string) string {
	switch strings.TrimSpace(s) {
	case "critical":
		return p.Red(s)
	case "high":
		return p.Yellow(s)
	case "medium":
		return p.Cyan(s)
	case "low":
		return p.Dim(s)
	}
	return s
}

// RenderCrisisShow writes the runbook of a playbook: text, markdown or JSON.
func RenderCrisisShow(s *Streams, format string, r Runbook) error {
	switch format {
	case "json":
		return replyJSON(s.Out, rbRunbookToWire(r))
	case "markdown":
		_, err := io.WriteString(s.Out, RunbookMarkdown(r))
		return err
	}
	p := s.Palette()
	w := s.Out
	loc := r.loc()
	cols := s.Width
	if cols <= 0 {
		cols = 80
	}
	fmt.Fprintf(w, "%s  %s\n", p.Bold(r.Title()), p.Dim("("+r.ID+")"))
	if r.File != "" {
		fmt.Fprintln(w, p.Dim(r.File))
	}
	fmt.Fprintf(w, "%s %s\n", p.Bold("Severity:"), rbSeverity(p, rbOr(r.Severity, "not set")))
	if !r.Since.IsZero() {
		fmt.Fprintln(w, p.Red(p.Bold(fmt.Sprintf("Active since %s (%s ago)", r.Since.In(loc).Format(rbTime), crisis.Age(r.Now.Sub(r.Since))))))
	}
	if d := strings.TrimSpace(r.Description); d != "" {
		fmt.Fprintln(w)
		for _, line := range rbWrap(d, min(cols, 100)-2) {
			fmt.Fprintln(w, strings.TrimRight("  "+line, " "))
		}
	}

	fmt.Fprintf(w, "\n%s\n", p.Bold("Triggers"))
	if len(r.Triggers) == 0 {
		fmt.Fprintln(w, "  none: postctl crisis match never suggests this playbook")
	} else {
		fmt.Fprintf(w, "  %s\n", rbTriggers(r.Triggers))
	}

	fmt.Fprintf(w, "\n%s %s\n", p.Bold("Pauses"), r.Pause.Words())
	fmt.Fprintf(w, "  %s\n", rbHeldSummary(r))
	addrW := 0
	for i, h := range r.Held {
		if i < RunbookShown {
			addrW = max(addrW, width(h.Address))
		}
	}
	for i, h := range r.Held {
		if i == RunbookShown {
			fmt.Fprintf(w, "  … and %d more (--format json lists them all)\n", len(r.Held)-RunbookShown)
			break
		}
		line := fmt.Sprintf("  %s  %s  ", h.At.In(loc).Format(rbTime), pad(h.Address, addrW))
		title := clip(h.Title, cols-width(line)-6, s.OutTTY)
		if h.Due {
			title = p.Yellow("due, held") + " " + title
		}
		fmt.Fprintln(w, strings.TrimRight(line+title, " "))
	}

	fmt.Fprintf(w, "\n%s\n", p.Bold("Holding statement"))
	switch {
	case !r.PlaybookSummary.Statement:
		fmt.Fprintln(w, "  none: activating it publishes nothing, it only holds")
	case len(r.Statement) == 0:
		fmt.Fprintln(w, "  on no channel: the calendar has none")
	}
	groups := rbStatementGroups(r.Statement)
	for _, g := range groups {
		label := "on " + strings.Join(g.channels, ", ")
		if g.override {
			label += " (override)"
		}
		fmt.Fprintf(w, "  %s\n", p.Dim(label+":"))
		for _, line := range strings.Split(strings.TrimRight(g.text, "\r\n"), "\n") {
			fmt.Fprintln(w, strings.TrimRight("    "+line, " "))
		}
		chW := 0
		for _, t := range g.texts {
			chW = max(chW, width(t.Channel))
		}
		for _, t := range g.texts {
			fmt.Fprintf(w, "  %s\n", rbLengthLine(p, t, chW))
			for _, f := range t.Findings {
				fmt.Fprintf(w, "      %s\n", rbFinding(p, t.Text, f))
				if f.Fix != "" {
					fmt.Fprintf(w, "        %s\n", p.Dim("fix: "+f.Fix))
				}
			}
		}
	}
	if len(r.Thread) > 0 {
		fmt.Fprintf(w, "  %s\n", p.Dim(fmt.Sprintf("then a thread of %s:", countOf(len(r.Thread), "more post", "more posts"))))
		for _, t := range r.Thread {
			for i, line := range strings.Split(strings.TrimRight(t, "\r\n"), "\n") {
				prefix := "    "
				if i == 0 {
					prefix = "  - "
				}
				fmt.Fprintln(w, strings.TrimRight(prefix+line, " "))
			}
		}
	}
	if r.Media > 0 {
		fmt.Fprintf(w, "  %s\n", p.Dim("with "+countOf(r.Media, "image", "images")))
	}

	runbookSteps(w, p, r.Checklist, r.Escalation)
	if len(r.Replies) > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Bold("Replies"))
		for i, rp := range r.Replies {
			if i > 0 {
				fmt.Fprintln(w)
			}
			if rp.Missing {
				fmt.Fprintf(w, "  %s  %s\n", p.Cyan(rp.Template.ID), p.Yellow("no reply template has this id: run postctl validate"))
				continue
			}
			fmt.Fprintf(w, "  %s  %s\n", p.Cyan(rp.Template.ID), rp.Template.Title)
			for _, line := range strings.Split(rp.Example, "\n") {
				line = rbVarRE(line, p.Cyan)
				fmt.Fprintln(w, strings.TrimRight("    "+line, " "))
			}
			fmt.Fprintf(w, "    %s\n", p.Dim(replyRenderCommand(rp.Template)))
		}
	}
	fmt.Fprintln(w)
	if r.ExpiresAfter != "" {
		fmt.Fprintf(w, "%s %s: crisis status warns when the crisis stays active longer.\n", p.Bold("Expires after"), r.ExpiresAfter)
	}
	if r.Since.IsZero() {
		fmt.Fprintf(w, "%s %s\n", p.Bold("Activate:"), rbActivateCommand(r.ID))
	} else {
		fmt.Fprintf(w, "%s postctl crisis resolve, once it is over\n", p.Bold("Resolve:"))
	}
	return nil
}

// rbHeldSummary says how many publications the playbook holds, or would hold.
func rbHeldSummary(r Runbook) string {
	if !r.Since.IsZero() {
		if len(r.Held) == 0 {
			return "It holds no publication: none it pauses is still to go out."
		}
		due := 0
		for _, h := range r.Held {
			if h.Due {
				due++
			}
		}
		msg := fmt.Sprintf("It holds %s", countOf(len(r.Held), "publication", "publications"))
		if due > 0 {
			msg += fmt.Sprintf(" (%d due since the activation)", due)
		}
		return msg + ":"
	}
	if len(r.Held) == 0 {
		return "Activated now, it would hold no publication: none it pauses is still to go out."
	}
	return fmt.Sprintf("Activated now, it would hold %s:", countOf(len(r.Held), "publication", "publications"))
}

// rbStatementGroup is the channels that publish the same holding statement text.
type rbStatementGroup struct {
	text     string
	override bool
	channels []string
	texts    []RunbookText
}

func rbStatementGroups(texts []RunbookText) []rbStatementGroup {
	var out []rbStatementGroup
	for _, t := range texts {
		found := false
		for i := range out {
			if out[i].text == t.Text && out[i].override == t.Override {
				out[i].channels = append(out[i].channels, t.Channel)
				out[i].texts = append(out[i].texts, t)
				found = true
				break
			}
		}
		if !found {
			out = append(out, rbStatementGroup{text: t.Text, override: t.Override, channels: []string{t.Channel}, texts: []RunbookText{t}})
		}
	}
	return out
}

// rbLengthLine is "✓ mastodon  203/500 characters".
func rbLengthLine(p Palette, t RunbookText, chW int) string {
	name := pad(t.Channel, chW)
	if t.Limit == 0 {
		return fmt.Sprintf("%s %s  %d %s (no limit)", p.Green("✓"), name, t.Length, t.Unit)
	}
	line := fmt.Sprintf("%s  %d/%d %s", name, t.Length, t.Limit, t.Unit)
	if over := t.Over(); over > 0 {
		return p.Red(fmt.Sprintf("✗ %s: %d over the limit", line, over))
	}
	return p.Green("✓") + " " + line
}

func rbFinding(p Palette, text string, f ReplyFinding) string {
	lvl := map[calendar.Level]func(string) string{calendar.Error: p.Red, calendar.Warning: p.Yellow}[f.Level]
	if lvl == nil {
		lvl = p.Cyan
	}
	msg := f.Message
	if ex := replyExcerpt(text, f); ex != "" && !strings.Contains(msg, ex) {
		msg += fmt.Sprintf(" (at %q)", ex)
	}
	return fmt.Sprintf("%s: %s %s", lvl(f.Level.String()), msg, p.Dim("["+f.Rule+"]"))
}

// rbTriggers lists triggers, quoting the phrases.
func rbTriggers(triggers []string) string {
	out := make([]string, len(triggers))
	for i, t := range triggers {
		if strings.ContainsFunc(t, unicode.IsSpace) || strings.ContainsRune(t, ',') {
			t = fmt.Sprintf("%q", t)
		}
		out[i] = t
	}
	return strings.Join(out, ", ")
}

// rbVarRE colours the <name> markers of a reply example.
func rbVarRE(line string, colour func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(line, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(line[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(line[:i])
		b.WriteString(colour(line[i : i+j+1]))
		line = line[i+j+1:]
	}
	b.WriteString(line)
	return b.String()
}

func rbActivateCommand(id string) string {
	return "postctl crisis activate " + id + ` --reason "…"`
}

func rbOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// rbWrap breaks text into lines of at most n columns at spaces; a longer word stays whole.
func rbWrap(text string, n int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case width(line)+1+width(word) <= n:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}

// ---- markdown

// RunbookMarkdown is the runbook as Markdown, to paste into an issue: the checklist is a task list.
func RunbookMarkdown(r Runbook) string {
	var b strings.Builder
	loc := r.loc()
	fmt.Fprintf(&b, "## %s (`%s`)\n\n", rbMD(r.Title()), r.ID)
	facts := []string{"**Severity:** " + rbMD(rbOr(r.Severity, "not set")), "**Pauses:** " + rbMD(r.Pause.Words())}
	if r.ExpiresAfter != "" {
		facts = append(facts, "**Expires after:** "+rbMD(r.ExpiresAfter))
	}
	b.WriteString(strings.Join(facts, " · ") + "\n")
	if !r.Since.IsZero() {
		fmt.Fprintf(&b, "\n**Active since %s** (%s ago).\n", r.Since.In(loc).Format(rbTime), crisis.Age(r.Now.Sub(r.Since)))
	}
	if d := strings.TrimSpace(r.Description); d != "" {
		b.WriteString("\n" + rbQuote(d) + "\n")
	}
	if len(r.Triggers) > 0 {
		fmt.Fprintf(&b, "\n**Triggers:** %s\n", rbMD(rbTriggers(r.Triggers)))
	}

	b.WriteString("\n### Held publications\n\n" + rbHeldSummary(r) + "\n")
	if len(r.Held) > 0 {
		b.WriteString("\n| time | publication | post |\n|---|---|---|\n")
		for i, h := range r.Held {
			if i == RunbookShown {
				fmt.Fprintf(&b, "\n…and %d more.\n", len(r.Held)-RunbookShown)
				break
			}
			title := rbCell(h.Title)
			if h.Due {
				title = "**due, held** " + title
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s |\n", h.At.In(loc).Format(rbTime), h.Address, title)
		}
	}

	b.WriteString("\n### Holding statement\n\n")
	switch {
	case !r.PlaybookSummary.Statement:
		b.WriteString("None: activating it publishes nothing, it only holds.\n")
	case len(r.Statement) == 0:
		b.WriteString("On no channel: the calendar has none.\n")
	}
	for i, g := range rbStatementGroups(r.Statement) {
		if i > 0 {
			b.WriteString("\n")
		}
		label := "On " + strings.Join(g.channels, ", ")
		if g.override {
			label += " (override)"
		}
		b.WriteString(rbMD(label) + ":\n\n" + rbFence(strings.TrimRight(g.text, "\r\n")) + "\n\n")
		for _, t := range g.texts {
			line := fmt.Sprintf("%d %s (no limit)", t.Length, t.Unit)
			if t.Limit > 0 {
				line = fmt.Sprintf("%d/%d %s", t.Length, t.Limit, t.Unit)
				if over := t.Over(); over > 0 {
					line = fmt.Sprintf("**%s: %d over the limit**", line, over)
				}
			}
			fmt.Fprintf(&b, "- %s: %s\n", t.Channel, line)
			for _, f := range t.Findings {
				msg := f.Message
				if ex := replyExcerpt(t.Text, f); ex != "" && !strings.Contains(msg, ex) {
					msg += fmt.Sprintf(" (at %q)", ex)
				}
				fmt.Fprintf(&b, "  - %s: %s (`%s`)\n", f.Level, rbMD(msg), f.Rule)
			}
		}
	}
	if len(r.Thread) > 0 {
		fmt.Fprintf(&b, "\nThen a thread of %s:\n\n", countOf(len(r.Thread), "more post", "more posts"))
		for _, t := range r.Thread {
			b.WriteString(rbFence(strings.TrimRight(t, "\r\n")) + "\n\n")
		}
	}
	if r.Media > 0 {
		fmt.Fprintf(&b, "\nWith %s.\n", countOf(r.Media, "image", "images"))
	}

	if len(r.Checklist) > 0 {
		b.WriteString("\n### Checklist\n\n")
		for _, item := range r.Checklist {
			fmt.Fprintf(&b, "- [ ] %s\n", rbMD(item))
		}
	}
	if len(r.Escalation) > 0 {
		b.WriteString("\n### Escalation\n\n| role | name | contact |\n|---|---|---|\n")
		for _, e := range r.Escalation {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", rbCell(e.Role), rbCell(e.Name), rbCell(e.Contact))
		}
	}
	if len(r.Replies) > 0 {
		b.WriteString("\n### Replies\n")
		for _, rp := range r.Replies {
			if rp.Missing {
				fmt.Fprintf(&b, "\n- `%s`: no reply template has this id (run `postctl validate`).\n", rp.Template.ID)
				continue
			}
			fmt.Fprintf(&b, "\n#### `%s`: %s\n\n%s\n\n`%s`\n", rp.Template.ID, rbMD(rp.Template.Title), rbFence(rp.Example),
				replyRenderCommand(rp.Template))
		}
	}
	if r.Since.IsZero() {
		fmt.Fprintf(&b, "\n**Activate:** `%s`\n", rbActivateCommand(r.ID))
	} else {
		b.WriteString("\n**Resolve:** `postctl crisis resolve`, once it is over.\n")
	}
	return b.String()
}

// rbMD keeps free text from opening HTML or Markdown constructs.
func rbMD(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[").Replace(s)
}

func rbCell(s string) string { return strings.ReplaceAll(rbMD(s), "|", "\\|") }

// rbFence is text to publish or paste as a fenced block, exactly as it is: longer fences than
// any run of backticks in it.
func rbFence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + "text\n" + s + "\n" + fence
}

// rbQuote is text as a Markdown block quote, its line breaks kept.
func rbQuote(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+rbMD(l), " ")
		if i < len(lines)-1 && l != "" {
			lines[i] += "  " // a hard line break
		}
	}
	return strings.Join(lines, "\n")
}

// ---- status

// CrisisStatus is `crisis status`: whether a crisis is active, and what it does.
type CrisisStatus struct {
	Active bool
	// Playbook is the playbook crisis.yaml names; Known is it, or nil when no playbook has the
	// id (the crisis then holds everything), with Suggestion a near id.
	Playbook   string
	Known      *PlaybookSummary
	Suggestion string
	Unreadable string // the playbook's file, when it exists but could not be read
	Since      time.Time
	Now        time.Time
	Location   *time.Location
	By         string
	Reason     string
	ExpiresAt  time.Time     // zero: the playbook sets no expires_after
	Held       []RunbookHeld // what the crisis holds now, in time order
	// StatementID is the holding statement's id; empty when the playbook has none.
	StatementID       string
	StatementChannels []string
	File              string // crisis.yaml as the user would type it
}

// Expired says the crisis has been active longer than its playbook's expires_after.
func (c CrisisStatus) Expired() bool { return !c.ExpiresAt.IsZero() && c.Now.After(c.ExpiresAt) }

// Due counts the held publications whose time passed since the activation.
func (c CrisisStatus) Due() int {
	n := 0
	for _, h := range c.Held {
		if h.Due {
			n++
		}
	}
	return n
}

// ExpiryWarning is the warning for a crisis active longer than its expires_after, or "".
func (c CrisisStatus) ExpiryWarning() string {
	if !c.Expired() || c.Known == nil {
		return ""
	}
	return fmt.Sprintf("active for %s, longer than expires_after %s: resolve it (postctl crisis resolve) or review the playbook",
		crisis.Age(c.Now.Sub(c.Since)), c.Known.ExpiresAfter)
}

// Next is what to do next.
func (c CrisisStatus) Next() string {
	if !c.Active {
		return ""
	}
	return "postctl plan shows what the crisis holds and publishes; postctl crisis resolve ends it."
}

// RenderCrisisStatus writes whether a crisis is active and what it holds, as text or JSON.
func RenderCrisisStatus(s *Streams, format string, c CrisisStatus) error {
	if format == "json" {
		return replyJSON(s.Out, rbStatusToWire(c))
	}
	w := s.Out
	p := s.Palette()
	if !c.Active {
		fmt.Fprintln(w, "No crisis is active.")
		return nil
	}
	loc := rbLoc(c.Location)
	title := c.Playbook
	if c.Known != nil && c.Known.Name != "" {
		title += " (" + c.Known.Name + ")"
	}
	fmt.Fprintf(w, "%s %s\n", p.Red(p.Bold("Crisis active:")), p.Bold(title))
	if c.Known == nil {
		msg := fmt.Sprintf("crisis.yaml names playbook %q, which is not in playbooks/", c.Playbook)
		switch {
		case c.Unreadable != "":
			msg = fmt.Sprintf("crisis.yaml names playbook %q, but %s has errors (run postctl validate)", c.Playbook, c.Unreadable)
		case c.Suggestion != "":
			msg += fmt.Sprintf(" (did you mean %q?)", c.Suggestion)
		}
		fmt.Fprintf(w, "  %s\n", p.Red(msg+": it pauses everything"))
	} else {
		rbField(w, p, "severity", rbSeverity(p, rbOr(c.Known.Severity, "not set")))
	}
	rbField(w, p, "since", fmt.Sprintf("%s (%s ago)", c.Since.In(loc).Format(rbTime), crisis.Age(c.Now.Sub(c.Since))))
	rbField(w, p, "by", rbOr(c.By, "(not recorded)"))
	rbField(w, p, "reason", rbOr(strings.TrimSpace(c.Reason), "(none given)"))
	if c.Known != nil {
		rbField(w, p, "pauses", c.Known.Pause.Words())
	} else {
		rbField(w, p, "pauses", "everything")
	}
	if !c.ExpiresAt.IsZero() {
		rbField(w, p, "expires", fmt.Sprintf("%s (expires_after %s)", c.ExpiresAt.In(loc).Format(rbTime), c.Known.ExpiresAfter))
	}
	held := "no publication: none it pauses is still to go out"
	if n := len(c.Held); n > 0 {
		due := c.Due()
		held = fmt.Sprintf("%s: %d upcoming, %d due since the activation", countOf(n, "publication", "publications"), n-due, due)
	}
	rbField(w, p, "holds", held)
	if c.StatementID != "" {
		rbField(w, p, "statement", fmt.Sprintf("%s on %s", c.StatementID, rbOr(strings.Join(c.StatementChannels, ", "), "no channel")))
	} else {
		rbField(w, p, "statement", "none")
	}
	if warn := c.ExpiryWarning(); warn != "" {
		fmt.Fprintf(w, "\n%s\n", p.Red(p.Bold("Warning: "+warn)))
	}
	fmt.Fprintln(w)
	if c.Known != nil && len(c.Held) > 0 {
		fmt.Fprintf(w, "%s postctl crisis show %s lists what it holds.\n", p.Dim("See:"), c.Playbook)
	}
	fmt.Fprintf(w, "%s %s\n", p.Bold("Next:"), c.Next())
	return nil
}

// rbField writes "  name      value", as crisis activate and resolve do.
func rbField(w io.Writer, p Palette, name, value string) {
	fmt.Fprintf(w, "  %s%s%s\n", p.Dim(name), strings.Repeat(" ", 10-width(name)), value)
}

// ---- match

// PlaybookMatch is a playbook whose triggers occur in a message.
type PlaybookMatch struct {
	Playbook PlaybookSummary
	Score    int
	Hits     []PlaybookHit
	Replies  []MatchReply
}

// PlaybookHit is one trigger found in the message.
type PlaybookHit struct {
	Trigger string
	Words   int
	Spans   []MatchSpan // byte offsets into the message
}

// MatchSpan is a byte range of the message.
type MatchSpan struct{ Start, End int }

// MatchReply is a reply template the playbook names.
type MatchReply struct {
	ID      string
	Title   string
	Missing bool // no template has the id
}

// RenderCrisisMatch writes the playbooks whose triggers a message matches, best first: text or
// JSON. The matched phrases are bold on a colour terminal and in «» otherwise.
func RenderCrisisMatch(s *Streams, format, text string, matches []PlaybookMatch) error {
	if format == "json" {
		return replyJSON(s.Out, rbMatchToWire(text, matches))
	}
	w := s.Out
	p := s.Palette()
	if len(matches) == 0 {
		fmt.Fprintln(w, "No playbook's triggers match.")
		return nil
	}
	hl := func(t string) string { return "«" + t + "»" }
	if s.Color {
		hl = p.Bold
	}
	cols := s.Width
	if cols <= 0 {
		cols = 80
	}
	for i, m := range matches {
		if i > 0 {
			fmt.Fprintln(w)
		}
		pb := m.Playbook
		head := fmt.Sprintf("%d. %s (%s)  %s  %s", i+1, p.Bold(pb.Title()), pb.ID, rbSeverity(p, rbOr(pb.Severity, "severity not set")),
			p.Dim(fmt.Sprintf("score %d", m.Score)))
		if pb.Active {
			head += "  " + p.Red("active")
		}
		fmt.Fprintln(w, head)
		var phrases []string
		var spans []MatchSpan
		for _, h := range m.Hits {
			phrases = append(phrases, fmt.Sprintf("%q", h.Trigger))
			spans = append(spans, h.Spans...)
		}
		rbMatchField(w, p, "matched", strings.Join(phrases, ", "))
		rbMatchField(w, p, "in", MatchExcerpt(text, spans, 30, hl))
		if len(m.Replies) == 0 {
			rbMatchField(w, p, "replies", "none in the playbook")
		}
		idW := 0
		for _, r := range m.Replies {
			idW = max(idW, width(r.ID))
		}
		for j, r := range m.Replies {
			name := ""
			if j == 0 {
				name = "replies"
			}
			title := r.Title
			if r.Missing {
				title = p.Yellow("no reply template has this id: run postctl validate")
			}
			rbMatchField(w, p, name, strings.TrimRight(p.Cyan(r.ID)+strings.Repeat(" ", idW-width(r.ID))+"  "+title, " "))
		}
		if pb.Active {
			rbMatchField(w, p, "active", "already: postctl crisis status")
		} else {
			rbMatchField(w, p, "activate", rbActivateCommand(pb.ID))
		}
	}
	return nil
}

func rbMatchField(w io.Writer, p Palette, name, value string) {
	fmt.Fprintf(w, "   %s%s%s\n", p.Dim(name), strings.Repeat(" ", 10-width(name)), value)
}

// MatchExcerpt shows the parts of text around spans, each span passed through hl, with up to
// context characters on either side; runs of white space (line breaks too) show as one space,
// and … marks what is left out.
func MatchExcerpt(text string, spans []MatchSpan, context int, hl func(string) string) string {
	if len(spans) == 0 {
		return ""
	}
	spans = append([]MatchSpan(nil), spans...)
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	// Overlapping spans (a phrase and a word in it) highlight as one.
	merged := spans[:1]
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp.Start <= last.End {
			last.End = max(last.End, sp.End)
			continue
		}
		merged = append(merged, sp)
	}
	// Windows of context around each span, merged when they meet.
	type window struct{ from, to int }
	var windows []window
	for _, sp := range merged {
		from, to := rbBack(text, sp.Start, context), rbForward(text, sp.End, context)
		if n := len(windows); n > 0 && from <= windows[n-1].to {
			windows[n-1].to = to
			continue
		}
		windows = append(windows, window{from, to})
	}
	var b strings.Builder
	k := 0
	for i, win := range windows {
		switch {
		case i > 0:
			b.WriteString(" … ")
		case win.from > 0:
			b.WriteString("…")
		}
		at := win.from
		for ; k < len(merged) && merged[k].End <= win.to; k++ {
			sp := merged[k]
			b.WriteString(rbSpaces(text[at:sp.Start]))
			b.WriteString(hl(rbSpaces(text[sp.Start:sp.End])))
			at = sp.End
		}
		b.WriteString(rbSpaces(text[at:win.to]))
	}
	if last := windows[len(windows)-1]; last.to < len(text) {
		b.WriteString("…")
	}
	return strings.TrimSpace(b.String())
}

// rbBack steps back from i over up to n runes, then to the start of a word.
func rbBack(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			break
		}
		i -= size
	}
	return i
}

// rbForward steps on from i over up to n runes, then to the end of a word.
func rbForward(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// rbSpaces shows every run of white space as one space.
func rbSpaces(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// ---- JSON; the fields are stable.

type rbListWire struct {
	FormatVersion string          `json:"format_version"`
	Playbooks     []rbSummaryWire `json:"playbooks"`
}

type rbSummaryWire struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	Severity         string      `json:"severity"`
	File             string      `json:"file"`
	Pause            rbPauseWire `json:"pause"`
	HoldingStatement bool        `json:"holding_statement"`
	Active           bool        `json:"active"`
	ExpiresAfter     string      `json:"expires_after"` // as written; empty: none
}

type rbPauseWire struct {
	All      bool     `json:"all"`
	Channels []string `json:"channels"`
	Pillars  []string `json:"pillars"`
	Tags     []string `json:"tags"`
	Words    string   `json:"words"` // what it pauses, in words
}

type rbRunbookWire struct {
	FormatVersion    string               `json:"format_version"`
	ID               string               `json:"id"`
	Name             string               `json:"name"`
	Severity         string               `json:"severity"`
	Description      string               `json:"description"`
	File             string               `json:"file"`
	Active           bool                 `json:"active"`
	ActivatedAt      string               `json:"activated_at"` // empty unless active
	Now              string               `json:"now"`
	Triggers         []string             `json:"triggers"`
	Pause            rbPauseWire          `json:"pause"`
	Held             []rbHeldWire         `json:"held"` // held now (active), or if activated now
	HoldingStatement *rbStatementWire     `json:"holding_statement"`
	Checklist        []string             `json:"checklist"`
	Escalation       []rbContactWire      `json:"escalation"`
	Replies          []rbReplyExampleWire `json:"replies"`
	ExpiresAfter     string               `json:"expires_after"`
}

type rbHeldWire struct {
	Address string `json:"address"`
	Post    string `json:"post"`
	Channel string `json:"channel"`
	Time    string `json:"time"`
	File    string `json:"file"`
	Title   string `json:"title"`
	Due     bool   `json:"due"` // its time passed since the activation: missed once resolved
}

type rbStatementWire struct {
	Channels []rbStatementTextWire `json:"channels"`
	Thread   []string              `json:"thread"`
	Media    int                   `json:"media"`
}

type rbStatementTextWire struct {
	Channel   string             `json:"channel"`
	Platform  string             `json:"platform"`
	Text      string             `json:"text"`
	Override  bool               `json:"override"`
	Length    int                `json:"length"`
	Limit     int                `json:"limit"` // 0: none
	Unit      string             `json:"unit"`
	OverLimit bool               `json:"over_limit"`
	Findings  []replyFindingWire `json:"findings"`
}

type rbContactWire struct {
	Role    string `json:"role"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

type rbReplyExampleWire struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Found    bool     `json:"found"`
	Required []string `json:"required"` // variables without a default: shown as <name> in the example
	Example  string   `json:"example"`
	Command  string   `json:"command"`
}

type rbStatusWire struct {
	FormatVersion    string              `json:"format_version"`
	Active           bool                `json:"active"`
	Playbook         string              `json:"playbook"`
	KnownPlaybook    bool                `json:"known_playbook"` // false: no such playbook; everything is held
	Name             string              `json:"name"`
	Severity         string              `json:"severity"`
	ActivatedAt      string              `json:"activated_at"`
	ActiveSeconds    int64               `json:"active_seconds"`
	By               string              `json:"by"`
	Reason           string              `json:"reason"`
	ExpiresAfter     string              `json:"expires_after"`
	ExpiresAt        string              `json:"expires_at"` // empty: none
	Expired          bool                `json:"expired"`
	Warning          string              `json:"warning,omitempty"`
	Held             rbHeldCountWire     `json:"held"`
	Publications     []rbHeldWire        `json:"publications"`
	HoldingStatement *rbStatementRefWire `json:"holding_statement"` // null: none
	File             string              `json:"file"`
	Next             string              `json:"next"`
}

type rbHeldCountWire struct {
	Total    int `json:"total"`
	Upcoming int `json:"upcoming"`
	Due      int `json:"due"` // due since the activation
}

type rbStatementRefWire struct {
	ID       string   `json:"id"`
	Channels []string `json:"channels"`
}

type rbMatchWire struct {
	FormatVersion string           `json:"format_version"`
	Text          string           `json:"text"`
	Matches       []rbMatchOneWire `json:"matches"`
}

type rbMatchOneWire struct {
	Playbook string           `json:"playbook"`
	Name     string           `json:"name"`
	Severity string           `json:"severity"`
	Active   bool             `json:"active"`
	Score    int              `json:"score"`
	Triggers []rbHitWire      `json:"triggers"`
	Replies  []rbReplyRefWire `json:"replies"`
	Activate string           `json:"activate"`
}

type rbHitWire struct {
	Trigger string       `json:"trigger"`
	Words   int          `json:"words"`
	Spans   []rbSpanWire `json:"spans"`
}

type rbSpanWire struct {
	Start int    `json:"start"` // byte offsets into text
	End   int    `json:"end"`
	Text  string `json:"text"`
}

type rbReplyRefWire struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Found bool   `json:"found"`
}

func rbPauseToWire(p PlaybookPause) rbPauseWire {
	return rbPauseWire{All: p.All, Channels: replyList(p.Channels), Pillars: replyList(p.Pillars), Tags: replyList(p.Tags), Words: p.Words()}
}

func rbSummaryToWire(pb PlaybookSummary) rbSummaryWire {
	return rbSummaryWire{ID: pb.ID, Name: pb.Name, Severity: pb.Severity, File: pb.File, Pause: rbPauseToWire(pb.Pause),
		HoldingStatement: pb.Statement, Active: pb.Active, ExpiresAfter: pb.ExpiresAfter}
}

func rbTimeWire(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func rbHeldToWire(held []RunbookHeld, loc *time.Location) []rbHeldWire {
	out := make([]rbHeldWire, 0, len(held))
	for _, h := range held {
		out = append(out, rbHeldWire{Address: h.Address, Post: h.Post, Channel: h.Channel, Time: rbTimeWire(h.At, loc), File: h.File,
			Title: h.Title, Due: h.Due})
	}
	return out
}

func rbRunbookToWire(r Runbook) rbRunbookWire {
	loc := r.loc()
	out := rbRunbookWire{FormatVersion: FormatVersion, ID: r.ID, Name: r.Name, Severity: r.Severity, Description: r.Description,
		File: r.File, Active: !r.Since.IsZero(), ActivatedAt: rbTimeWire(r.Since, loc), Now: rbTimeWire(r.Now, loc),
		Triggers: replyList(r.Triggers), Pause: rbPauseToWire(r.Pause), Held: rbHeldToWire(r.Held, loc),
		Checklist: replyList(r.Checklist), Escalation: []rbContactWire{}, Replies: []rbReplyExampleWire{}, ExpiresAfter: r.ExpiresAfter}
	if r.PlaybookSummary.Statement {
		st := &rbStatementWire{Channels: []rbStatementTextWire{}, Thread: replyList(r.Thread), Media: r.Media}
		for _, t := range r.Statement {
			tw := rbStatementTextWire{Channel: t.Channel, Platform: t.Platform, Text: t.Text, Override: t.Override, Length: t.Length,
				Limit: t.Limit, Unit: t.Unit, OverLimit: t.Over() > 0, Findings: []replyFindingWire{}}
			for _, f := range t.Findings {
				tw.Findings = append(tw.Findings, replyFindingWire{Rule: f.Rule, Level: f.Level.String(), Message: f.Message,
					Fix: f.Fix, Start: f.Start, End: f.End, Excerpt: replyExcerpt(t.Text, f)})
			}
			st.Channels = append(st.Channels, tw)
		}
		out.HoldingStatement = st
	}
	for _, e := range r.Escalation {
		out.Escalation = append(out.Escalation, rbContactWire{Role: e.Role, Name: e.Name, Contact: e.Contact})
	}
	for _, rp := range r.Replies {
		rw := rbReplyExampleWire{ID: rp.Template.ID, Title: rp.Template.Title, Found: !rp.Missing, Required: []string{}, Example: rp.Example}
		if !rp.Missing {
			rw.Command = replyRenderCommand(rp.Template)
			for _, v := range rp.Template.Variables {
				if v.Required {
					rw.Required = append(rw.Required, v.Name)
				}
			}
		}
		out.Replies = append(out.Replies, rw)
	}
	return out
}

func rbStatusToWire(c CrisisStatus) rbStatusWire {
	loc := rbLoc(c.Location)
	out := rbStatusWire{FormatVersion: FormatVersion, Active: c.Active, Playbook: c.Playbook, KnownPlaybook: c.Known != nil,
		ActivatedAt: rbTimeWire(c.Since, loc), By: c.By, Reason: c.Reason, ExpiresAt: rbTimeWire(c.ExpiresAt, loc),
		Expired: c.Expired(), Warning: c.ExpiryWarning(), Publications: rbHeldToWire(c.Held, loc), File: c.File, Next: c.Next()}
	if !c.Active {
		out.KnownPlaybook = false
		return out
	}
	if c.Known != nil {
		out.Name, out.Severity, out.ExpiresAfter = c.Known.Name, c.Known.Severity, c.Known.ExpiresAfter
	}
	if !c.Since.IsZero() && c.Now.After(c.Since) {
		out.ActiveSeconds = int64(c.Now.Sub(c.Since) / time.Second)
	}
	due := c.Due()
	out.Held = rbHeldCountWire{Total: len(c.Held), Upcoming: len(c.Held) - due, Due: due}
	if c.StatementID != "" {
		out.HoldingStatement = &rbStatementRefWire{ID: c.StatementID, Channels: replyList(c.StatementChannels)}
	}
	return out
}

func rbMatchToWire(text string, matches []PlaybookMatch) rbMatchWire {
	out := rbMatchWire{FormatVersion: FormatVersion, Text: text, Matches: make([]rbMatchOneWire, 0, len(matches))}
	for _, m := range matches {
		mw := rbMatchOneWire{Playbook: m.Playbook.ID, Name: m.Playbook.Name, Severity: m.Playbook.Severity, Active: m.Playbook.Active,
			Score: m.Score, Triggers: []rbHitWire{}, Replies: []rbReplyRefWire{}, Activate: rbActivateCommand(m.Playbook.ID)}
		for _, h := range m.Hits {
			hw := rbHitWire{Trigger: h.Trigger, Words: h.Words, Spans: []rbSpanWire{}}
			for _, sp := range h.Spans {
				hw.Spans = append(hw.Spans, rbSpanWire{Start: sp.Start, End: sp.End, Text: text[sp.Start:sp.End]})
			}
			mw.Triggers = append(mw.Triggers, hw)
		}
		for _, r := range m.Replies {
			mw.Replies = append(mw.Replies, rbReplyRefWire{ID: r.ID, Title: r.Title, Found: !r.Missing})
		}
		out.Matches = append(out.Matches, mw)
	}
	return out
}

// runbookSteps writes a playbook's checklist, numbered, and its escalation contacts, aligned: the
// first things to do, in crisis show and after crisis activate.
func runbookSteps(w io.Writer, p Palette, checklist []string, escalation []Contact) {
	if len(checklist) > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Bold("Checklist"))
		for i, item := range checklist {
			fmt.Fprintf(w, "  %d. %s\n", i+1, item)
		}
	}
	if len(escalation) > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Bold("Escalation"))
		roleW, nameW := 0, 0
		for _, e := range escalation {
			roleW, nameW = max(roleW, width(e.Role)), max(nameW, width(e.Name))
		}
		for _, e := range escalation {
			fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s  %s  %s", pad(e.Role, roleW), pad(e.Name, nameW), e.Contact), " "))
		}
	}
}
