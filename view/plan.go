package view

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/plan"
)

// RenderPlan writes `postctl plan`: text, json or markdown, all from the same plan.
func RenderPlan(s *Streams, format string, p *plan.Plan) error {
	switch format {
	case "json":
		return WritePlanJSON(s.Out, p)
	case "markdown":
		_, err := io.WriteString(s.Out, PlanMarkdown(p))
		return err
	}
	return planText(s, p)
}

const planTime = "2006-01-02 15:04 MST"

func planLoc(p *plan.Plan) *time.Location {
	if p.Location != nil {
		return p.Location
	}
	return time.UTC
}

// horizonText says "next 7 days", "next day" or "next 36h".
func horizonText(d time.Duration) string {
	switch {
	case d == 24*time.Hour:
		return "next day"
	case d > 0 && d%(24*time.Hour) == 0:
		return fmt.Sprintf("next %d days", d/(24*time.Hour))
	}
	return "next " + strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// actionLabel is how the grouped summary names an action's count.
var actionLabel = map[plan.Action]string{
	plan.Schedule:   "to schedule",
	plan.Publish:    "to publish now (irreversible)",
	plan.Reschedule: "to reschedule",
	plan.Replace:    "to replace",
	plan.Cancel:     "to cancel",
	plan.Unknown:    "unknown: apply asks the platform first",
	plan.Blocked:    "blocked",
	plan.Missed:     "missed",
	plan.Held:       "held",
}

func (p Palette) action(a plan.Action, s string) string {
	switch a {
	case plan.Schedule:
		return p.Green(s)
	case plan.Publish, plan.Cancel:
		return p.Red(s)
	case plan.Reschedule, plan.Replace, plan.Missed:
		return p.Yellow(s)
	case plan.Unknown, plan.Held:
		return p.Cyan(s)
	}
	return p.Dim(s)
}

// fieldValue shows a field's value: times in the calendar's zone.
func fieldValue(name, v string, loc *time.Location) string {
	if name == "publish_at" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.In(loc).Format(planTime)
		}
	}
	if v == "" {
		return "(none)"
	}
	return v
}

func planText(s *Streams, p *plan.Plan) error {
	pal := s.Palette()
	w := bufio.NewWriter(s.Out) // a plan may have thousands of lines: one write, not one each
	loc := planLoc(p)
	head := fmt.Sprintf("Plan at %s (%s)", p.At.In(loc).Format(planTime), loc)
	if p.Lineage != "" || p.StateSerial > 0 {
		head += fmt.Sprintf(", state serial %d", p.StateSerial)
	} else {
		head += ", no state yet"
	}
	fmt.Fprintln(w, pal.Bold(head))
	if cr := p.Crisis; cr != nil {
		fmt.Fprintln(w)
		fmt.Fprintln(w, pal.Red(pal.Bold(crisisLine(cr, loc))))
		if cr.Reason != "" {
			fmt.Fprintf(w, "  Reason: %s\n", cr.Reason)
		}
		if len(cr.Statement) > 0 {
			fmt.Fprintf(w, "  Holding statement: %s\n", strings.Join(cr.Statement, ", "))
		}
		if cr.Expired {
			fmt.Fprintf(w, "%s %s\n", pal.Red(pal.Bold("Warning:")), pal.Bold(CrisisExpiredText(cr, p.At)))
		}
	}
	sum := p.Summary()
	if len(p.Changes) > 0 {
		fmt.Fprintln(w)
		for _, a := range plan.Actions {
			if n := sum.Count(a); n > 0 {
				fmt.Fprintf(w, "  %s %d %s\n", pal.action(a, fmt.Sprintf("%-3s", a.Symbol())), n, actionLabel[a])
			}
		}
		addrW := 0
		for _, c := range p.Changes {
			addrW = max(addrW, width(c.Address))
		}
		fmt.Fprintln(w)
		for _, c := range p.Changes {
			line := fmt.Sprintf("%s %s  %s  %s", pal.action(c.Action, fmt.Sprintf("%-3s", c.Action.Symbol())),
				pal.action(c.Action, pad(string(c.Action), len("reschedule"))), pal.Bold(pad(c.Address, addrW)), c.At.In(loc).Format(planTime))
			if c.Irreversible {
				line += "  " + pal.Red("irreversible")
			}
			fmt.Fprintln(w, line)
			fmt.Fprintf(w, "      %s\n", c.Reason)
			for _, f := range c.Fields {
				fmt.Fprintf(w, "      %s: %s → %s\n", f.Name, pal.Red(fieldValue(f.Name, f.Before, loc)), pal.Green(fieldValue(f.Name, f.After, loc)))
			}
			if c.File != "" {
				fmt.Fprintf(w, "      %s\n", pal.Dim(c.File))
			}
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", pal.Bold("Notes"))
		for _, n := range p.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	fmt.Fprintf(w, "\n%s\n", pal.Bold(fmt.Sprintf("Upcoming (%s)", horizonText(p.Horizon))))
	if len(p.Upcoming) == 0 {
		fmt.Fprintln(w, "  nothing")
	}
	addrW := 0
	for _, u := range p.Upcoming {
		addrW = max(addrW, width(u.Address))
	}
	for _, u := range p.Upcoming {
		fmt.Fprintf(w, "  %s  %s  %s\n", u.At.In(loc).Format(planTime), pad(u.Address, addrW), pal.Dim(upcomingHow(u)))
	}
	line := p.SummaryLine()
	if sum.Changes() > 0 {
		line = pal.Bold(line)
	}
	fmt.Fprintf(w, "\n%s\n", line)
	return w.Flush()
}

// crisisLine is the banner every plan view opens with while a crisis is active.
func crisisLine(cr *plan.Crisis, loc *time.Location) string {
	what := fmt.Sprintf("Crisis %q", cr.Playbook)
	switch {
	case !cr.Known:
		what += " (an unknown playbook: everything is held)"
	case cr.Name != "":
		what += fmt.Sprintf(" (%s, %s)", cr.Name, cr.Severity)
	}
	what += " active since " + cr.Since.In(loc).Format(planTime)
	if cr.By != "" {
		what += ", by " + cr.By
	}
	return fmt.Sprintf("%s: %d %s held.", what, cr.Held, plural(cr.Held, "publication", "publications"))
}

// CrisisExpiredText is the loud warning about a crisis active longer than its expires_after.
func CrisisExpiredText(cr *plan.Crisis, at time.Time) string {
	return fmt.Sprintf("the crisis %q has been active for %s, longer than its playbook's expires_after %s: resolve it with postctl crisis resolve, or raise expires_after in the playbook",
		cr.Playbook, crisis.Age(at.Sub(cr.Since)), calendar.FormatDuration(cr.ExpiresAfter))
}

func upcomingHow(u plan.Upcoming) string {
	if u.Native {
		return "scheduled on the platform"
	}
	return "publishes when due"
}

// --- json ---------------------------------------------------------------------------------------

// PlanDocument is the JSON form of a plan: --format json and the saved plan of --out.
type PlanDocument struct {
	FormatVersion string             `json:"format_version"`
	At            string             `json:"at"`
	Timezone      string             `json:"timezone"`
	Horizon       string             `json:"horizon"`
	Commit        string             `json:"commit"`
	State         PlanStateJSON      `json:"state"`
	ValidUntil    string             `json:"valid_until,omitempty"`
	Summary       PlanSummaryJSON    `json:"summary"`
	Changes       []PlanChangeJSON   `json:"changes"`
	Upcoming      []PlanUpcomingJSON `json:"upcoming"`
	Moves         []PlanMoveJSON     `json:"moves"`
	Holds         []PlanHoldJSON     `json:"holds"`
	Crisis        *PlanCrisisJSON    `json:"crisis"`
	Notes         []string           `json:"notes"`
}

// PlanHoldJSON is a state-only update apply makes: a hold to record, or an ended one to forget.
type PlanHoldJSON struct {
	Address     string `json:"address"`
	Post        string `json:"post"`
	Channel     string `json:"channel"`
	Time        string `json:"time"`
	ContentHash string `json:"content_hash"`
	Reason      string `json:"reason"`
	Release     bool   `json:"release"`
}

// PlanCrisisJSON is the active crisis; null when there is none.
type PlanCrisisJSON struct {
	Playbook     string   `json:"playbook"`
	Name         string   `json:"name"`
	Severity     string   `json:"severity"`
	Known        bool     `json:"known"`
	Since        string   `json:"since"`
	By           string   `json:"by"`
	Reason       string   `json:"reason"`
	File         string   `json:"file"`
	Held         int      `json:"held"`
	Statement    []string `json:"statement"`
	ExpiresAfter string   `json:"expires_after,omitempty"`
	Expired      bool     `json:"expired"`
	Warning      string   `json:"warning,omitempty"`
}

type PlanStateJSON struct {
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage"`
}

type PlanSummaryJSON struct {
	Line       string `json:"line"`
	HasChanges bool   `json:"has_changes"`
	Changes    int    `json:"changes"`
	Schedule   int    `json:"schedule"`
	Publish    int    `json:"publish"`
	Reschedule int    `json:"reschedule"`
	Replace    int    `json:"replace"`
	Cancel     int    `json:"cancel"`
	Unknown    int    `json:"unknown"`
	Blocked    int    `json:"blocked"`
	Missed     int    `json:"missed"`
	Held       int    `json:"held"`
}

type PlanChangeJSON struct {
	Address      string          `json:"address"`
	Post         string          `json:"post"`
	Channel      string          `json:"channel"`
	Action       string          `json:"action"`
	Actions      []string        `json:"actions"`
	Irreversible bool            `json:"irreversible"`
	Reason       string          `json:"reason"`
	Time         string          `json:"time"`
	File         string          `json:"file,omitempty"`
	ContentHash  string          `json:"content_hash,omitempty"`
	MovedFrom    string          `json:"moved_from,omitempty"`
	Fields       []PlanFieldJSON `json:"fields"`
	Hold         bool            `json:"hold,omitempty"`      // a cancel recorded as held
	Statement    bool            `json:"statement,omitempty"` // the crisis's holding statement
}

type PlanFieldJSON struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type PlanUpcomingJSON struct {
	Address string `json:"address"`
	Post    string `json:"post"`
	Channel string `json:"channel"`
	Time    string `json:"time"`
	File    string `json:"file"`
	Native  bool   `json:"native"`
}

type PlanMoveJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// wireActions are a plan action as Terraform's actions list.
func wireActions(a plan.Action) []string {
	switch a {
	case plan.Schedule, plan.Publish:
		return []string{"create"}
	case plan.Reschedule:
		return []string{"update"}
	case plan.Replace:
		return []string{"delete", "create"}
	case plan.Cancel:
		return []string{"delete"}
	case plan.Unknown:
		return []string{"read"}
	}
	return []string{"no-op"}
}

func rfc3339(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// PlanJSON is the plan's wire form.
func PlanJSON(p *plan.Plan) PlanDocument {
	loc := planLoc(p)
	s := p.Summary()
	doc := PlanDocument{FormatVersion: FormatVersion, At: rfc3339(p.At, loc), Timezone: loc.String(),
		Horizon: calendar.FormatDuration(p.Horizon), Commit: p.Commit,
		State: PlanStateJSON{Serial: p.StateSerial, Lineage: p.Lineage}, ValidUntil: rfc3339(p.ValidUntil, loc),
		Summary: PlanSummaryJSON{Line: s.Line(), HasChanges: s.Changes() > 0, Changes: s.Changes(),
			Schedule: s.Schedule, Publish: s.Publish, Reschedule: s.Reschedule, Replace: s.Replace, Cancel: s.Cancel,
			Unknown: s.Unknown, Blocked: s.Blocked, Missed: s.Missed, Held: s.Held},
		Changes: []PlanChangeJSON{}, Upcoming: []PlanUpcomingJSON{}, Moves: []PlanMoveJSON{}, Holds: []PlanHoldJSON{}, Notes: []string{}}
	for _, c := range p.Changes {
		wc := PlanChangeJSON{Address: c.Address, Post: c.Post, Channel: c.Channel, Action: string(c.Action),
			Actions: wireActions(c.Action), Irreversible: c.Irreversible, Reason: c.Reason, Time: rfc3339(c.At, loc),
			File: c.File, ContentHash: c.Hash, MovedFrom: c.MovedFrom, Fields: []PlanFieldJSON{}, Hold: c.Hold, Statement: c.Statement}
		for _, f := range c.Fields {
			wc.Fields = append(wc.Fields, PlanFieldJSON{Name: f.Name, Before: f.Before, After: f.After})
		}
		doc.Changes = append(doc.Changes, wc)
	}
	for _, u := range p.Upcoming {
		doc.Upcoming = append(doc.Upcoming, PlanUpcomingJSON{Address: u.Address, Post: u.Post, Channel: u.Channel,
			Time: rfc3339(u.At, loc), File: u.File, Native: u.Native})
	}
	for _, m := range p.Moves {
		doc.Moves = append(doc.Moves, PlanMoveJSON{From: m.From, To: m.To})
	}
	for _, h := range p.Holds {
		doc.Holds = append(doc.Holds, PlanHoldJSON{Address: h.Address, Post: h.Post, Channel: h.Channel, Time: rfc3339(h.At, loc),
			ContentHash: h.Hash, Reason: h.Reason, Release: h.Release})
	}
	if cr := p.Crisis; cr != nil {
		wc := &PlanCrisisJSON{Playbook: cr.Playbook, Name: cr.Name, Severity: cr.Severity, Known: cr.Known, Since: rfc3339(cr.Since, loc),
			By: cr.By, Reason: cr.Reason, File: cr.File, Held: cr.Held, Statement: append([]string{}, cr.Statement...), Expired: cr.Expired}
		if cr.ExpiresAfter > 0 {
			wc.ExpiresAfter = calendar.FormatDuration(cr.ExpiresAfter)
		}
		if cr.Expired {
			wc.Warning = CrisisExpiredText(cr, p.At)
		}
		doc.Crisis = wc
	}
	doc.Notes = append(doc.Notes, p.Notes...)
	return doc
}

// WritePlanJSON writes the plan's wire form, indented.
func WritePlanJSON(w io.Writer, p *plan.Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // texts and names as written: "<" stays "<"
	return enc.Encode(PlanJSON(p))
}

// --- markdown -----------------------------------------------------------------------------------

// MarkdownLimit is GitHub's limit on a comment's length; PlanMarkdown stays under it.
const MarkdownLimit = 65535

// maxUpcomingRows is how many upcoming publications a pull-request comment lists.
const maxUpcomingRows = 50

// PlanMarkdown renders the plan as a pull-request comment: the summary line, a diff block whose
// markers GitHub colours, each change in a collapsible <details>, and what is upcoming. A plan
// too long for one comment keeps its first changes and says how many more there are.
func PlanMarkdown(p *plan.Plan) string {
	loc := planLoc(p)
	var head strings.Builder
	fmt.Fprintf(&head, "### postctl plan\n\n**%s**\n\n", p.SummaryLine())
	fmt.Fprintf(&head, "At %s (%s)", p.At.In(loc).Format(planTime), loc)
	if p.Commit != "" {
		fmt.Fprintf(&head, ", commit `%s`", shortCommit(p.Commit))
	}
	fmt.Fprintf(&head, ", state serial %d.\n", p.StateSerial)
	if cr := p.Crisis; cr != nil {
		fmt.Fprintf(&head, "\n> [!CAUTION]\n> **%s**", mdEscape(crisisLine(cr, loc)))
		if cr.Reason != "" {
			fmt.Fprintf(&head, "\n> Reason: %s", mdEscape(cr.Reason))
		}
		if len(cr.Statement) > 0 {
			fmt.Fprintf(&head, "\n> Holding statement: `%s`", strings.Join(cr.Statement, "`, `"))
		}
		if cr.Expired {
			fmt.Fprintf(&head, "\n>\n> **Warning:** %s", mdEscape(CrisisExpiredText(cr, p.At)))
		}
		head.WriteString("\n")
	}

	addrW := 0
	for _, c := range p.Changes {
		addrW = max(addrW, width(c.Address))
	}
	lines := make([]string, len(p.Changes))
	details := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		line := fmt.Sprintf("%-3s %s  %s  %s", c.Action.Symbol(), pad(string(c.Action), len("reschedule")), pad(c.Address, addrW), c.At.In(loc).Format(planTime))
		if c.Irreversible {
			line += "  (irreversible)"
		}
		lines[i] = line + "\n"
		details[i] = changeDetails(c, loc)
	}
	tail := upcomingMarkdown(p, loc) + notesMarkdown(p)

	build := func(k int) string {
		var b strings.Builder
		b.WriteString(head.String())
		if len(p.Changes) > 0 {
			b.WriteString("\n```diff\n")
			for _, l := range lines[:k] {
				b.WriteString(l)
			}
			b.WriteString("```\n")
			if k < len(p.Changes) {
				fmt.Fprintf(&b, "\n… and %d more changes (run `postctl plan` to see them all)\n", len(p.Changes)-k)
			}
			b.WriteString("\n")
			for _, d := range details[:k] {
				b.WriteString(d)
			}
		}
		b.WriteString(tail)
		return b.String()
	}
	if doc := build(len(p.Changes)); len(doc) <= MarkdownLimit {
		return doc
	}
	// Keep as many changes as fit with the "… and N more" line (its digits never grow as k shrinks).
	size := len(build(0)) + len(fmt.Sprintf("\n… and %d more changes (run `postctl plan` to see them all)\n", len(p.Changes)))
	k := 0
	for k < len(p.Changes) && size+len(lines[k])+len(details[k]) <= MarkdownLimit {
		size += len(lines[k]) + len(details[k])
		k++
	}
	return build(k)
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func changeDetails(c plan.Change, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary><code>%s %s</code> <code>%s</code> at %s</summary>\n\n", c.Action.Symbol(), c.Action,
		c.Address, c.At.In(loc).Format(planTime))
	b.WriteString(mdEscape(c.Reason))
	if c.Irreversible {
		b.WriteString(" **Irreversible.**")
	}
	b.WriteString("\n")
	if len(c.Fields) > 0 {
		b.WriteString("\n| field | before | after |\n|---|---|---|\n")
		for _, f := range c.Fields {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", f.Name, cell(fieldValue(f.Name, f.Before, loc)), cell(fieldValue(f.Name, f.After, loc)))
		}
	}
	if c.File != "" {
		fmt.Fprintf(&b, "\nFile: `%s`\n", c.File)
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

func upcomingMarkdown(p *plan.Plan, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Upcoming (%s)\n\n", horizonText(p.Horizon))
	if len(p.Upcoming) == 0 {
		b.WriteString("Nothing.\n")
		return b.String()
	}
	b.WriteString("| time | publication | how |\n|---|---|---|\n")
	for i, u := range p.Upcoming {
		if i == maxUpcomingRows {
			fmt.Fprintf(&b, "\n… and %d more.\n", len(p.Upcoming)-i)
			break
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s |\n", u.At.In(loc).Format(planTime), u.Address, upcomingHow(u))
	}
	return b.String()
}

func notesMarkdown(p *plan.Plan) string {
	if len(p.Notes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n#### Notes\n\n")
	for i, n := range p.Notes {
		if i == maxUpcomingRows {
			fmt.Fprintf(&b, "- … and %d more\n", len(p.Notes)-i)
			break
		}
		fmt.Fprintf(&b, "- %s\n", mdEscape(n))
	}
	return b.String()
}

// mdEscape keeps free text from opening HTML or Markdown constructs in a comment.
func mdEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[").Replace(s)
}

func cell(s string) string { return strings.ReplaceAll(mdEscape(s), "|", "\\|") }
