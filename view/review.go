package view

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/review"
)

// ReviewMarker starts the Markdown comment, so a workflow finds and updates its earlier comment
// instead of adding another.
const ReviewMarker = "<!-- postctl-review -->"

// MaxCommentLength is GitHub's limit on a comment's length; the Markdown view stays under it.
const MaxCommentLength = 65535

// ReviewView is what the review views render.
type ReviewView struct {
	Review *review.Review
	Strict bool
}

// RenderReview writes a review in format: text, markdown, github or json.
func RenderReview(s *Streams, format string, v ReviewView) error {
	switch format {
	case "json":
		return reviewJSON(s.Out, v)
	case "github":
		return reviewGitHub(s.Out, v)
	case "markdown":
		_, err := io.WriteString(s.Out, ReviewMarkdown(v))
		return err
	}
	return reviewText(s, v)
}

// ReviewSummary is the review's one-line summary, e.g. "2 added, 1 changed, 1 removed; 1 error,
// 2 warnings.". It says whether the review fails.
func ReviewSummary(v ReviewView) string {
	r := v.Review
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{len(r.Added), "added"}, {len(r.Changed), "changed"}, {len(r.Moved), "moved"}, {len(r.Removed), "removed"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.word))
		}
	}
	posts := "no post changes"
	if len(parts) > 0 {
		n := len(r.Added) + len(r.Changed) + len(r.Moved) + len(r.Removed)
		posts = fmt.Sprintf("%s: %s", countOf(n, "post", "posts"), strings.Join(parts, ", "))
	}
	var other []string
	for _, c := range []struct {
		n         int
		one, many string
	}{{len(r.Rules), "voice rule", "voice rules"}, {len(r.Playbooks), "playbook", "playbooks"}, {len(r.Replies), "reply template", "reply templates"}} {
		if c.n > 0 {
			other = append(other, countOf(c.n, c.one, c.many))
		}
	}
	if len(other) > 0 {
		posts += "; " + strings.Join(other, ", ") + " changed"
	}
	errs, warns := r.Findings.Count(calendar.Error), r.Findings.Count(calendar.Warning)
	findings := "no findings"
	if len(r.Findings) > 0 {
		findings = countOf(errs, "error", "errors") + ", " + countOf(warns, "warning", "warnings")
		if s := r.Findings.Count(calendar.Suggestion); s > 0 {
			findings += ", " + countOf(s, "suggestion", "suggestions")
		}
	}
	line := posts + "; " + findings + "."
	if c := r.Crisis; c != nil {
		line = rvCrisisSummary(c) + "; " + line
	}
	if r.Failed(v.Strict) && errs == 0 {
		line += " Warnings fail because of --strict."
	}
	return line
}

// rvCrisisSummary is the crisis change in the summary: activates crisis "shipping-outage".
func rvCrisisSummary(c *review.CrisisChange) string {
	switch c.Kind {
	case review.CrisisActivated:
		return fmt.Sprintf("activates crisis %q", c.After.Playbook)
	case review.CrisisResolved:
		return fmt.Sprintf("resolves crisis %q", c.Before.Playbook)
	}
	return fmt.Sprintf("changes crisis %q", c.After.Playbook)
}

func rvRevName(s review.Side) string {
	if s.Rev == "" {
		return "work tree"
	}
	return s.Rev
}

func rvShort(hash string) string {
	if len(hash) > 7 {
		return hash[:7]
	}
	return hash
}

// rvRepoPath is a calendar file's path in the repository, as GitHub names it.
func rvRepoPath(r *review.Review, file string) string {
	if r.Prefix == "" {
		return file
	}
	return path.Join(r.Prefix, file)
}

func rvWhen(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "no valid time"
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

func rvLocationOf(f calendar.Finding, file string) string {
	if f.Line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, f.Line, f.Col)
}

var rvKindMark = map[string]string{review.Added: "+", review.Changed: "~", review.Moved: ">", review.Removed: "-"}

// --- text ---

func reviewText(s *Streams, v ReviewView) error {
	r, p, w := v.Review, s.Palette(), s.Out
	fmt.Fprintf(w, "%s %s → %s (merge base %s)\n", p.Bold("Review"), rvRevName(r.Base), rvRevName(r.Head), rvShort(r.MergeBase))
	if r.Empty() {
		fmt.Fprintln(w, "\nThe change touches no calendar file.")
	}
	if r.Crisis != nil {
		rvCrisisText(w, p, r)
	}
	if len(r.Upcoming) > 0 {
		fmt.Fprintln(w)
		for _, u := range r.Upcoming {
			msg := fmt.Sprintf("publishes %s, in %s, within 24 hours of merging", rvWhen(u.Time, r.Location), review.Until(u.Until))
			if u.Past {
				msg = fmt.Sprintf("time %s has passed: publishes as soon as this merges", rvWhen(u.Time, r.Location))
			}
			fmt.Fprintf(w, "%s %s %s (%s)\n", p.Yellow("!"), p.Bold(u.ID), msg, rvRepoPath(r, u.File))
		}
	}
	mark := func(kind string) string {
		m := rvKindMark[kind]
		switch kind {
		case review.Added:
			return p.Green(m)
		case review.Removed:
			return p.Red(m)
		}
		return p.Yellow(m)
	}
	sections := []struct {
		title string
		list  []review.PostChange
	}{{"Added", r.Added}, {"Changed", r.Changed}, {"Moved", r.Moved}, {"Removed", r.Removed}}
	for _, sec := range sections {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", p.Bold(sec.title))
		for _, pc := range sec.list {
			title := pc.ID
			if pc.FromID != "" {
				title += " (was " + pc.FromID + ")"
			}
			extra := ""
			if pc.Draft {
				extra = " draft"
			}
			fmt.Fprintf(w, "  %s %s  %s%s  %s\n", mark(pc.Kind), p.Bold(title), rvWhen(pc.Time, r.Location), extra, p.Dim(rvRepoPath(r, pc.File)))
			if pc.FromFile != "" {
				fmt.Fprintf(w, "      %s\n", p.Dim("moved from "+rvRepoPath(r, pc.FromFile)))
			}
			for _, f := range pc.Fields {
				rvTextField(w, p, f)
			}
			rvTextPreviews(w, p, pc.Preview, "      ")
		}
	}
	named := []struct {
		title string
		list  []review.NamedChange
	}{{"Voice rules", r.Rules}, {"Playbooks", r.Playbooks}, {"Reply templates", r.Replies}, {"Settings", r.Settings}}
	for _, sec := range named {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", p.Bold(sec.title))
		for _, n := range sec.list {
			fmt.Fprintf(w, "  %s %s %s%s\n", mark(rvNamedKind(n.Change)), n.ID, n.Change, rvKeysText(n.Keys))
		}
	}
	if len(r.Findings) > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Bold("Findings"))
		for _, f := range r.Findings {
			lvl := f.Level.String()
			switch f.Level {
			case calendar.Error:
				lvl = p.Red(lvl)
			case calendar.Warning:
				lvl = p.Yellow(lvl)
			default:
				lvl = p.Cyan(lvl)
			}
			fmt.Fprintf(w, "  %s: %s: %s %s\n", rvLocationOf(f, rvRepoPath(r, f.File)), lvl, withFix(f), p.Dim("["+f.Rule+"]"))
		}
	}
	line := ReviewSummary(v)
	switch {
	case r.Failed(v.Strict):
		line = p.Red("✗ ") + line
	case len(r.Findings) > 0:
		line = p.Yellow("! ") + line
	default:
		line = p.Green("✓ ") + line
	}
	fmt.Fprintf(w, "\n%s\n", line)
	return nil
}

// rvTextPreviews writes a post's previews per channel, indented.
func rvTextPreviews(w io.Writer, p Palette, previews []review.Preview, indent string) {
	for _, pv := range previews {
		fmt.Fprintf(w, "%s%s  %s\n", indent, p.Cyan(pv.Channel), rvLengthText(p, pv.Length, pv.Limit, pv.Unit))
		rvIndented(w, pv.Text, indent+"  ")
		for i, t := range pv.Thread {
			fmt.Fprintf(w, "%s  %s  %s\n", indent, p.Dim(fmt.Sprintf("thread %d", i+1)), rvLengthText(p, t.Length, pv.Limit, pv.Unit))
			rvIndented(w, t.Text, indent+"    ")
		}
	}
}

// rvCrisisLists are a crisis change's lists of posts, with their titles.
func rvCrisisLists(c *review.CrisisChange) []struct {
	title string
	count int
	list  []review.CrisisPost
} {
	held := "Held from now on"
	if c.Before != nil {
		held = "Newly held from now on"
	}
	return []struct {
		title string
		count int
		list  []review.CrisisPost
	}{
		{held, c.HeldCount, c.Held},
		{"Come back", c.BackCount, c.Back},
		{"Missed, not published without --publish-late", c.MissedCount, c.Missed},
	}
}

func rvCrisisPostText(cp review.CrisisPost, loc *time.Location) string {
	s := fmt.Sprintf("%s  %s on %s", rvWhen(cp.Time, loc), cp.ID, strings.Join(cp.Channels, ", "))
	if cp.Due {
		s += " (its time has passed)"
	}
	return s
}

func rvCrisisText(w io.Writer, p Palette, r *review.Review) {
	c := r.Crisis
	fmt.Fprintf(w, "\n%s\n  %s %s\n", p.Bold("Crisis"), p.Red("!"), p.Bold(c.Headline(r.Location)))
	for _, sec := range rvCrisisLists(c) {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s (%s):\n", sec.title, countOf(sec.count, "publication", "publications"))
		for i, cp := range sec.list {
			if i == review.MaxCrisisListed {
				fmt.Fprintf(w, "    … and %d more\n", len(sec.list)-i)
				break
			}
			fmt.Fprintf(w, "    %s  %s\n", rvCrisisPostText(cp, r.Location), p.Dim(rvRepoPath(r, cp.File)))
		}
	}
	if len(c.Statement) > 0 {
		fmt.Fprintf(w, "  Holding statement %s %s, published at the next apply after merge:\n", c.StatementID, p.Dim("("+rvRepoPath(r, c.StatementFile)+")"))
		rvTextPreviews(w, p, c.Statement, "    ")
	}
}

func rvNamedKind(change string) string {
	switch change {
	case "added":
		return review.Added
	case "removed":
		return review.Removed
	}
	return review.Changed
}

func rvKeysText(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return ": " + strings.Join(keys, ", ")
}

func rvTextField(w io.Writer, p Palette, f review.FieldChange) {
	if !strings.Contains(f.Before+f.After, "\n") && width(f.Before)+width(f.After) < 100 {
		fmt.Fprintf(w, "      %s: %s → %s\n", f.Field, rvShow(f.Before), rvShow(f.After))
		return
	}
	fmt.Fprintf(w, "      %s:\n", f.Field)
	for _, l := range lineDiff(f.Before, f.After) {
		switch l.Op {
		case '-':
			fmt.Fprintf(w, "        %s%s\n", p.Red("- "), p.Red(l.Text))
		case '+':
			fmt.Fprintf(w, "        %s%s\n", p.Green("+ "), p.Green(l.Text))
		default:
			fmt.Fprintf(w, "          %s\n", l.Text)
		}
	}
}

func rvShow(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func rvIndented(w io.Writer, text, prefix string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(w, "%s%s\n", prefix, line)
	}
}

func rvLengthText(p Palette, n, limit int, unit string) string {
	if limit == 0 {
		return p.Dim(fmt.Sprintf("%d %s, no limit", n, unit))
	}
	s := fmt.Sprintf("%d/%d %s", n, limit, unit)
	if n > limit {
		return p.Red(s + fmt.Sprintf(", %d over", n-limit))
	}
	return p.Dim(s)
}

// --- markdown ---

// ReviewMarkdown is the review as one pull-request comment, starting with ReviewMarker and kept
// under MaxCommentLength: post details that do not fit are summarised.
func ReviewMarkdown(v ReviewView) string {
	r := v.Review
	var head strings.Builder
	fmt.Fprintf(&head, "%s\n### postctl review\n\n", ReviewMarker)
	icon := "✅"
	if r.Failed(v.Strict) {
		icon = "❌"
	} else if len(r.Findings) > 0 {
		icon = "⚠️"
	}
	fmt.Fprintf(&head, "%s **%s**\n\n`%s` ← `%s` · merge base `%s`\n", icon, rvMdEscape(ReviewSummary(v)), rvRevName(r.Base), rvRevName(r.Head), rvShort(r.MergeBase))
	if r.Crisis != nil {
		rvCrisisMarkdown(&head, r)
	}
	if len(r.Upcoming) > 0 {
		fmt.Fprintf(&head, "\n> [!WARNING]\n> **%s within 24 hours of merging:**\n", countOf(len(r.Upcoming), "post would publish", "posts would publish"))
		for i, u := range r.Upcoming {
			if i == 20 {
				fmt.Fprintf(&head, "> - …and %d more\n", len(r.Upcoming)-i)
				break
			}
			msg := fmt.Sprintf("%s, in %s", rvWhen(u.Time, r.Location), review.Until(u.Until))
			if u.Past {
				msg = fmt.Sprintf("%s, **already past: publishes as soon as this merges**", rvWhen(u.Time, r.Location))
			}
			fmt.Fprintf(&head, "> - `%s` at %s (`%s`)\n", u.ID, msg, rvRepoPath(r, u.File))
		}
	}
	posts := r.Posts()
	if len(posts) > 0 {
		head.WriteString("\n| | Post | Publishes | Channels | File |\n|---|---|---|---|---|\n")
		for i, pc := range posts {
			if i == 200 {
				fmt.Fprintf(&head, "| | …and %d more | | | |\n", len(posts)-i)
				break
			}
			var chans []string
			for _, pv := range pc.Preview {
				chans = append(chans, pv.Channel)
			}
			id := "`" + pc.ID + "`"
			if pc.FromID != "" {
				id += " (was `" + pc.FromID + "`)"
			}
			t := rvWhen(pc.Time, r.Location)
			if pc.Draft {
				t += " (draft)"
			}
			fmt.Fprintf(&head, "| %s | %s | %s | %s | `%s` |\n", rvKindMark[pc.Kind], id, t, strings.Join(chans, ", "), rvRepoPath(r, pc.File))
		}
	}
	named := []struct {
		title string
		list  []review.NamedChange
	}{{"Voice rules", r.Rules}, {"Playbooks", r.Playbooks}, {"Reply templates", r.Replies}, {"Settings", r.Settings}}
	for _, sec := range named {
		if len(sec.list) == 0 {
			continue
		}
		var items []string
		for _, n := range sec.list {
			items = append(items, fmt.Sprintf("`%s` %s%s", n.ID, n.Change, rvKeysText(n.Keys)))
		}
		fmt.Fprintf(&head, "\n**%s:** %s\n", sec.title, strings.Join(items, " · "))
	}
	if len(r.Findings) > 0 {
		head.WriteString("\n#### Findings\n\n| Location | Level | Message | Rule |\n|---|---|---|---|\n")
		cell := strings.NewReplacer("|", `\|`, "\n", " ")
		for i, f := range r.Findings {
			if i == 100 {
				fmt.Fprintf(&head, "| | | …and %d more: run `postctl review` locally | |\n", len(r.Findings)-i)
				break
			}
			fmt.Fprintf(&head, "| `%s` | %s | %s | %s |\n", rvLocationOf(f, rvRepoPath(r, f.File)), f.Level, cell.Replace(withFix(f)), f.Rule)
		}
	}
	out := head.String()
	const footer = "\n<sub>Posted by `postctl review`; updated on every push.</sub>\n"
	budget := MaxCommentLength - 200 - len(footer) // room for the "more" line
	var details strings.Builder
	shown := 0
	for _, pc := range posts {
		if pc.Kind == review.Removed {
			continue
		}
		d := rvPostDetails(r, pc)
		if len(out)+details.Len()+len(d) > budget {
			break
		}
		details.WriteString(d)
		shown++
	}
	if details.Len() > 0 {
		out += "\n#### Posts\n" + details.String()
	}
	if rest := len(posts) - len(r.Removed) - shown; rest > 0 {
		out += fmt.Sprintf("\n_…and %d more posts not shown here, to stay within GitHub's comment limit: run `postctl review` locally to see them._\n", rest)
	}
	return out + footer
}

func rvMdEscape(s string) string { return strings.NewReplacer("*", `\*`, "_", `\_`).Replace(s) }

// rvFence picks a code rvFence longer than any run of backticks in text.
func rvFence(text string) string {
	f := "```"
	for strings.Contains(text, f) {
		f += "`"
	}
	return f
}

func rvPostDetails(r *review.Review, pc review.PostChange) string {
	var b strings.Builder
	title := pc.ID
	if pc.FromID != "" {
		title += " (was " + pc.FromID + ")"
	}
	fmt.Fprintf(&b, "\n<details><summary>%s <code>%s</code> · %s · %s</summary>\n\n", rvKindMark[pc.Kind], rvHtmlEscape(title), rvWhen(pc.Time, r.Location), rvHtmlEscape(rvRepoPath(r, pc.File)))
	if pc.FromFile != "" {
		fmt.Fprintf(&b, "Moved from `%s`.\n\n", rvRepoPath(r, pc.FromFile))
	}
	if len(pc.Fields) > 0 {
		var diff strings.Builder
		for _, f := range pc.Fields {
			fmt.Fprintf(&diff, "  %s:\n", f.Field)
			for _, l := range lineDiff(f.Before, f.After) {
				fmt.Fprintf(&diff, "%c     %s\n", l.Op, l.Text)
			}
		}
		fc := rvFence(diff.String())
		fmt.Fprintf(&b, "%sdiff\n%s%s\n\n", fc, diff.String(), fc)
	}
	rvMdPreviews(&b, pc.Preview)
	b.WriteString("</details>\n")
	return b.String()
}

// rvMdPreviews writes a post's previews per channel as fenced text.
func rvMdPreviews(b *strings.Builder, previews []review.Preview) {
	for _, pv := range previews {
		fmt.Fprintf(b, "**%s** · %s\n", pv.Channel, rvMdLength(pv.Length, pv.Limit, pv.Unit))
		fc := rvFence(pv.Text)
		fmt.Fprintf(b, "%stext\n%s\n%s\n", fc, strings.TrimRight(pv.Text, "\n"), fc)
		for i, t := range pv.Thread {
			fmt.Fprintf(b, "↳ thread %d · %s\n", i+1, rvMdLength(t.Length, pv.Limit, pv.Unit))
			fc := rvFence(t.Text)
			fmt.Fprintf(b, "%stext\n%s\n%s\n", fc, strings.TrimRight(t.Text, "\n"), fc)
		}
		b.WriteString("\n")
	}
}

// rvCrisisMarkdown is the crisis section of the comment: what the change activates or resolves
// first, as a caution, then the posts it holds or lets go and the holding statement.
func rvCrisisMarkdown(b *strings.Builder, r *review.Review) {
	c := r.Crisis
	fmt.Fprintf(b, "\n> [!CAUTION]\n> **%s**\n", rvMdEscape(c.Headline(r.Location)))
	for _, sec := range rvCrisisLists(c) {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n**%s** (%s):\n", sec.title, countOf(sec.count, "publication", "publications"))
		for i, cp := range sec.list {
			if i == review.MaxCrisisListed {
				fmt.Fprintf(b, "- …and %d more\n", len(sec.list)-i)
				break
			}
			due := ""
			if cp.Due {
				due = ", its time has passed"
			}
			fmt.Fprintf(b, "- `%s` at %s on %s%s (`%s`)\n", cp.ID, rvWhen(cp.Time, r.Location), strings.Join(cp.Channels, ", "), due, rvRepoPath(r, cp.File))
		}
	}
	if len(c.Statement) > 0 {
		fmt.Fprintf(b, "\n**Holding statement** `%s` from `%s`, published at the next apply after merge:\n\n", c.StatementID, rvRepoPath(r, c.StatementFile))
		var pv strings.Builder
		rvMdPreviews(&pv, c.Statement)
		b.WriteString(strings.TrimSuffix(pv.String(), "\n")) // every section that follows opens with its blank line
	}
}

func rvMdLength(n, limit int, unit string) string {
	if limit == 0 {
		return fmt.Sprintf("%d %s, no limit", n, unit)
	}
	if n > limit {
		return fmt.Sprintf("**%d/%d %s: %d over the limit**", n, limit, unit, n-limit)
	}
	return fmt.Sprintf("%d/%d %s", n, limit, unit)
}

func rvHtmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// --- github ---

func reviewGitHub(w io.Writer, v ReviewView) error {
	r := v.Review
	if c := r.Crisis; c != nil {
		props := "file=" + ghProperty(rvRepoPath(r, c.File))
		if c.After != nil {
			props += fmt.Sprintf(",line=%d,col=%d", c.Line, c.Col)
		}
		props += ",title=" + ghProperty("postctl crisis")
		msg := c.Headline(r.Location)
		if len(c.Statement) > 0 {
			var chans []string
			for _, pv := range c.Statement {
				chans = append(chans, pv.Channel)
			}
			msg += fmt.Sprintf(". The holding statement publishes on %s at the next apply after merge", strings.Join(chans, ", "))
		}
		fmt.Fprintf(w, "::notice %s::%s.\n", props, ghData(msg))
	}
	for _, f := range r.Findings {
		cmd := map[calendar.Level]string{calendar.Error: "error", calendar.Warning: "warning", calendar.Suggestion: "notice"}[f.Level]
		props := "file=" + ghProperty(rvRepoPath(r, f.File))
		if f.Line > 0 {
			props += fmt.Sprintf(",line=%d,col=%d", f.Line, f.Col)
		}
		props += ",title=" + ghProperty("postctl "+f.Rule)
		fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, ghData(withFix(f)))
	}
	fmt.Fprintln(w, ReviewSummary(v))
	return nil
}

// --- json ---

type reviewWire struct {
	FormatVersion string              `json:"format_version"`
	Valid         bool                `json:"valid"`
	Summary       string              `json:"summary"`
	Base          rvSideWire          `json:"base"`
	Head          rvSideWire          `json:"head"`
	MergeBase     string              `json:"merge_base"`
	Prefix        string              `json:"prefix"`
	Now           time.Time           `json:"now"`
	Files         []rvReviewFileWire  `json:"files"`
	OtherFiles    int                 `json:"other_files"`
	Posts         []rvPostChangeWire  `json:"posts"`
	Rules         []rvNamedChangeWire `json:"rules"`
	Playbooks     []rvNamedChangeWire `json:"playbooks"`
	Replies       []rvNamedChangeWire `json:"replies"`
	Settings      []rvNamedChangeWire `json:"settings"`
	Upcoming      []rvUpcomingWire    `json:"upcoming"`
	Crisis        *rvCrisisWire       `json:"crisis,omitempty"`
	Findings      []findingWire       `json:"findings"`
	Counts        map[string]int      `json:"counts"`
}

type rvSideWire struct {
	Rev      string `json:"rev"`
	Commit   string `json:"commit"`
	WorkTree bool   `json:"work_tree,omitempty"`
}

type rvReviewFileWire struct {
	Path   string `json:"path"`
	Status string `json:"status"`
}

type rvPostChangeWire struct {
	Change   string          `json:"change"`
	ID       string          `json:"id"`
	File     string          `json:"file"`
	FromID   string          `json:"from_id,omitempty"`
	FromFile string          `json:"from_file,omitempty"`
	Time     *time.Time      `json:"publish_at"`
	Draft    bool            `json:"draft"`
	Fields   []rvFieldWire   `json:"fields,omitempty"`
	Previews []rvPreviewWire `json:"previews,omitempty"`
}

type rvFieldWire struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type rvPreviewWire struct {
	Channel  string             `json:"channel"`
	Platform string             `json:"platform"`
	Text     string             `json:"text"`
	Length   int                `json:"length"`
	Limit    int                `json:"limit"`
	Unit     string             `json:"unit"`
	Over     bool               `json:"over"`
	Thread   []rvThreadItemWire `json:"thread,omitempty"`
}

type rvThreadItemWire struct {
	Text   string `json:"text"`
	Length int    `json:"length"`
	Over   bool   `json:"over"`
}

type rvNamedChangeWire struct {
	ID     string   `json:"id"`
	File   string   `json:"file"`
	Change string   `json:"change"`
	Keys   []string `json:"keys,omitempty"`
}

type rvUpcomingWire struct {
	ID      string    `json:"id"`
	File    string    `json:"file"`
	Time    time.Time `json:"publish_at"`
	Past    bool      `json:"past"`
	Seconds int64     `json:"seconds_from_now"`
}

type rvCrisisWire struct {
	Change        string             `json:"change"`
	File          string             `json:"file"`
	Summary       string             `json:"summary"`
	Before        *rvCrisisSideWire  `json:"before"`
	After         *rvCrisisSideWire  `json:"after"`
	Held          []rvCrisisPostWire `json:"held"`
	Back          []rvCrisisPostWire `json:"back"`
	Missed        []rvCrisisPostWire `json:"missed"`
	Statement     []rvPreviewWire    `json:"statement,omitempty"`
	StatementID   string             `json:"statement_id,omitempty"`
	StatementFile string             `json:"statement_file,omitempty"`
}

type rvCrisisSideWire struct {
	Playbook     string    `json:"playbook"`
	Name         string    `json:"name,omitempty"`
	Severity     string    `json:"severity,omitempty"`
	Known        bool      `json:"known"`
	File         string    `json:"file,omitempty"`
	ActivatedAt  time.Time `json:"activated_at"`
	Reason       string    `json:"reason"`
	By           string    `json:"by"`
	ExpiresAfter string    `json:"expires_after,omitempty"`
}

type rvCrisisPostWire struct {
	ID       string    `json:"id"`
	File     string    `json:"file"`
	Time     time.Time `json:"publish_at"`
	Channels []string  `json:"channels"`
	Past     bool      `json:"past"`
}

func rvCrisisToWire(r *review.Review) *rvCrisisWire {
	c := r.Crisis
	if c == nil {
		return nil
	}
	side := func(s *review.CrisisSide) *rvCrisisSideWire {
		if s == nil {
			return nil
		}
		out := &rvCrisisSideWire{Playbook: s.Playbook, Name: s.Name, Severity: s.Severity, Known: s.Known, ActivatedAt: s.Since.UTC(),
			Reason: s.Reason, By: s.By, ExpiresAfter: s.ExpiresAfter}
		if s.File != "" {
			out.File = rvRepoPath(r, s.File)
		}
		return out
	}
	posts := func(list []review.CrisisPost) []rvCrisisPostWire {
		out := []rvCrisisPostWire{}
		for _, cp := range list {
			out = append(out, rvCrisisPostWire{ID: cp.ID, File: rvRepoPath(r, cp.File), Time: cp.Time.UTC(), Channels: cp.Channels, Past: cp.Due})
		}
		return out
	}
	out := &rvCrisisWire{Change: c.Kind, File: rvRepoPath(r, c.File), Summary: c.Headline(r.Location), Before: side(c.Before), After: side(c.After),
		Held: posts(c.Held), Back: posts(c.Back), Missed: posts(c.Missed), StatementID: c.StatementID}
	if c.StatementFile != "" {
		out.StatementFile = rvRepoPath(r, c.StatementFile)
	}
	out.Statement = rvPreviewsWire(c.Statement)
	return out
}

// rvPreviewsWire is a post's previews in their wire form; nil for none.
func rvPreviewsWire(previews []review.Preview) []rvPreviewWire {
	var out []rvPreviewWire
	for _, pv := range previews {
		p := rvPreviewWire{Channel: pv.Channel, Platform: pv.Platform, Text: pv.Text, Length: pv.Length, Limit: pv.Limit, Unit: pv.Unit, Over: pv.Over()}
		for _, t := range pv.Thread {
			p.Thread = append(p.Thread, rvThreadItemWire{Text: t.Text, Length: t.Length, Over: t.Over(pv.Limit)})
		}
		out = append(out, p)
	}
	return out
}

func reviewJSON(w io.Writer, v ReviewView) error {
	r := v.Review
	out := reviewWire{
		FormatVersion: FormatVersion,
		Valid:         !r.Failed(v.Strict),
		Summary:       ReviewSummary(v),
		Base:          rvSideWire{Rev: r.Base.Rev, Commit: r.Base.Commit},
		Head:          rvSideWire{Rev: r.Head.Rev, Commit: r.Head.Commit, WorkTree: r.Head.Rev == ""},
		MergeBase:     r.MergeBase,
		Prefix:        r.Prefix,
		Now:           r.Now,
		Files:         []rvReviewFileWire{},
		OtherFiles:    r.OtherFiles,
		Posts:         []rvPostChangeWire{},
		Upcoming:      []rvUpcomingWire{},
		Crisis:        rvCrisisToWire(r),
		Findings:      []findingWire{},
		Counts: map[string]int{"added": len(r.Added), "changed": len(r.Changed), "moved": len(r.Moved), "removed": len(r.Removed),
			"errors": r.Findings.Count(calendar.Error), "warnings": r.Findings.Count(calendar.Warning), "suggestions": r.Findings.Count(calendar.Suggestion)},
	}
	for _, f := range r.Files {
		out.Files = append(out.Files, rvReviewFileWire{Path: rvRepoPath(r, f.Path), Status: f.Status})
	}
	for _, pc := range r.Posts() {
		pw := rvPostChangeWire{Change: pc.Kind, ID: pc.ID, File: rvRepoPath(r, pc.File), FromID: pc.FromID, Draft: pc.Draft}
		if pc.FromFile != "" {
			pw.FromFile = rvRepoPath(r, pc.FromFile)
		}
		if !pc.Time.IsZero() {
			t := pc.Time.UTC()
			pw.Time = &t
		}
		for _, f := range pc.Fields {
			pw.Fields = append(pw.Fields, rvFieldWire(f))
		}
		pw.Previews = rvPreviewsWire(pc.Preview)
		out.Posts = append(out.Posts, pw)
	}
	named := func(list []review.NamedChange) []rvNamedChangeWire {
		out := []rvNamedChangeWire{}
		for _, n := range list {
			out = append(out, rvNamedChangeWire{ID: n.ID, File: rvRepoPath(r, n.File), Change: n.Change, Keys: n.Keys})
		}
		return out
	}
	out.Rules, out.Playbooks, out.Replies, out.Settings = named(r.Rules), named(r.Playbooks), named(r.Replies), named(r.Settings)
	for _, u := range r.Upcoming {
		out.Upcoming = append(out.Upcoming, rvUpcomingWire{ID: u.ID, File: rvRepoPath(r, u.File), Time: u.Time.UTC(), Past: u.Past, Seconds: int64(u.Until / time.Second)})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, findingWire{File: rvRepoPath(r, f.File), Line: f.Line, Column: f.Col,
			Level: f.Level.String(), Rule: f.Rule, Message: f.Message, Fix: f.Fix})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
