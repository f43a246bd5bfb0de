package cmd

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

const repliesCSV = "csv"

func newRepliesCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replies",
		Short: "The reply library: list, show, render and export reply templates",
		Long: `Reply templates (replies/*.yaml) are the community manager's saved answers, with {{name}}
placeholders filled in from --var values or the variables' defaults.`,
		Example: `  postctl replies list --tag orders
  postctl replies render shipping-delay --var name=Ana --var order=NW-20417 --channel bluesky | pbcopy`,
	}
	groupCmd(cmd)
	cmd.AddCommand(newRepliesListCmd(f, g), newRepliesShowCmd(f, g), newRepliesRenderCmd(f, g), newRepliesExportCmd(f, g))
	return cmd
}

// ---- list

type repliesListOptions struct {
	Dir     string
	Format  string
	Tags    []string
	Channel string
}

func newRepliesListCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := repliesListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the reply templates",
		Long: `List shows every reply template with its id, title, tags and channels. --tag keeps templates
with any of the given tags; --channel keeps the templates that fit a channel: those listing it and
those that list no channels at all, which fit everywhere.

On a terminal the table is aligned with a header; piped, each template is one tab-separated line.`,
		Example: `  postctl replies list
  postctl replies list --tag orders --channel bluesky
  postctl replies list --format json | jq -r '.replies[].id'`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			opts.Dir, opts.Format = g.Dir, format
			return runRepliesList(f, opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Tags, "tag", nil, "only templates with this tag (repeatable: any of them)")
	cmd.Flags().StringVar(&opts.Channel, "channel", "", "only templates that fit this channel")
	return cmd
}

func runRepliesList(f *Factory, opts repliesListOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	if opts.Channel != "" {
		if _, err := replyChannel(cal, findings, opts.Channel); err != nil {
			return err
		}
	}
	known := map[string]bool{}
	for _, r := range cal.Replies {
		for _, t := range r.Tags {
			known[t.Value] = true
		}
	}
	for _, t := range opts.Tags {
		if !known[t] {
			msg := fmt.Sprintf("no reply template has the tag %q", t)
			if guess := schema.Closest(t, replySortedKeys(known)); guess != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", guess)
			}
			fmt.Fprintln(f.Streams.ErrOut, "Note: "+msg)
		}
	}
	var out []view.ReplyTemplate
	var broken []string
	for _, r := range sortedReplies(cal) {
		if len(opts.Tags) > 0 && !slices.ContainsFunc(r.Tags, func(t calendar.String) bool { return slices.Contains(opts.Tags, t.Value) }) {
			continue
		}
		if opts.Channel != "" && len(r.Channels) > 0 && !slices.Contains(calendar.Values(r.Channels), opts.Channel) {
			continue
		}
		out = append(out, replyTemplate(opts.Dir, r))
		if len(replyErrors(findings, r.File)) > 0 {
			broken = append(broken, replyPath(opts.Dir, r.File))
		}
	}
	if err := view.RenderReplyList(f.Streams, opts.Format, out); err != nil {
		return err
	}
	if len(out) == 0 && opts.Format == formatText {
		if len(cal.Replies) == 0 {
			fmt.Fprintln(f.Streams.ErrOut, "No reply templates yet: add one under replies/ (see docs/files.md).")
		} else {
			fmt.Fprintln(f.Streams.ErrOut, "No reply templates match.")
		}
	}
	if len(broken) > 0 {
		fmt.Fprintf(f.Streams.ErrOut, "Note: %d %s errors and cannot be rendered until fixed (run 'postctl validate'): %s\n",
			len(broken), replyPlural(len(broken), "template has", "templates have"), strings.Join(broken, ", "))
	}
	return nil
}

// ---- show

type repliesShowOptions struct {
	Dir    string
	Format string
	ID     string
}

func newRepliesShowCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a reply template: its tags, channels, variables and text",
		Long: `Show prints a template's title, tags, channels, each variable (required or its default, its
pattern and description) and the raw text with its {{placeholders}}, and the command that renders it.`,
		Example: `  postctl replies show shipping-delay
  postctl replies show shipping-delay --format json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			return runRepliesShow(f, repliesShowOptions{Dir: g.Dir, Format: format, ID: args[0]})
		},
	}
}

func runRepliesShow(f *Factory, opts repliesShowOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	r, err := findReply(cal, findings, opts.ID, opts.Dir)
	if err != nil {
		return err
	}
	if err := view.RenderReplyShow(f.Streams, opts.Format, replyTemplate(opts.Dir, r)); err != nil {
		return err
	}
	// Showing a broken template helps fix it; say why it will not render.
	if errs := replyErrors(findings, r.File); len(errs) > 0 {
		fmt.Fprintln(f.Streams.ErrOut, "Warning: "+brokenReplyError(opts.Dir, r, errs))
	}
	return nil
}

// ---- render

type repliesRenderOptions struct {
	Dir     string
	Format  string
	ID      string
	Vars    map[string]string
	Channel string
	Strict  bool
}

func newRepliesRenderCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := repliesRenderOptions{}
	var vars []string
	cmd := &cobra.Command{
		Use:   "render ID [--var NAME=VALUE]... [--channel CHANNEL]",
		Short: "Fill in a reply template, ready to paste",
		Long: `Render fills the template's {{placeholders}} with the --var values, or the variables' defaults,
and checks the reply against the channel: its length against the platform's limit, counted the way
the platform counts, and the brand-voice rules.

Piped, stdout is exactly the reply (no trailing line break), so "| pbcopy" copies what to paste;
the length and any findings go to stderr. On a terminal they follow the reply, below a line.

Without --channel, a template that lists one channel is counted for it; otherwise the reply is
counted as generic, without a limit.

Exit 1 when a value is missing, unknown or does not match its pattern (every problem is listed),
when the reply is over the channel's limit or breaks an error-level voice rule (warnings too with
--strict): the reply is still printed, but cannot be posted as it is.`,
		Example: `  postctl replies render shipping-delay --var name=Ana --var order=NW-20417
  postctl replies render kind-mention --var name=@ana --channel bluesky | pbcopy
  postctl replies render shipping-delay --var name=Ana --var order=NW-20417 --format json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			opts.Vars = map[string]string{}
			for _, kv := range vars {
				name, value, ok := strings.Cut(kv, "=")
				switch {
				case !ok:
					return usageErrorf(fmt.Errorf("--var %q: expected NAME=VALUE", kv))
				case name == "":
					return usageErrorf(fmt.Errorf("--var %q: the variable name is missing before '='", kv))
				}
				if _, dup := opts.Vars[name]; dup {
					return usageErrorf(fmt.Errorf("--var %s is given more than once", name))
				}
				opts.Vars[name] = value
			}
			opts.Dir, opts.Format, opts.ID, opts.Strict = g.Dir, format, args[0], g.Strict
			return runRepliesRender(f, opts)
		},
	}
	// StringArray, not StringSlice: values are sentences, and commas must not split them.
	cmd.Flags().StringArrayVar(&vars, "var", nil, "a variable's value, NAME=VALUE (repeatable)")
	cmd.Flags().StringVar(&opts.Channel, "channel", "", "the channel the reply goes to, for its length limit and voice rules")
	return cmd
}

func runRepliesRender(f *Factory, opts repliesRenderOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	r, err := findReply(cal, findings, opts.ID, opts.Dir)
	if err != nil {
		return err
	}
	if errs := replyErrors(findings, r.File); len(errs) > 0 {
		return errors.New(brokenReplyError(opts.Dir, r, errs))
	}
	out := view.RenderedReply{ID: r.ID.Value, Channel: opts.Channel}
	var ch *calendar.Channel
	fits := calendar.Values(r.Channels)
	switch {
	case opts.Channel != "":
		c, err := replyChannel(cal, findings, opts.Channel)
		if err != nil {
			return err
		}
		ch = &c
		if len(fits) > 0 && !slices.Contains(fits, opts.Channel) {
			out.Notes = append(out.Notes, fmt.Sprintf("note: the template is meant for %s, not %s", joinOr(fits), opts.Channel))
		}
	case len(fits) == 1:
		if c, ok := cal.Channel(fits[0]); ok {
			ch, out.Channel = &c, fits[0]
		}
	}
	if ch == nil {
		candidates := fits
		if len(candidates) == 0 && cal.Config != nil {
			candidates = cal.Config.Channels.Keys()
		}
		if len(candidates) > 0 {
			out.Notes = append(out.Notes, fmt.Sprintf("note: add --channel %s to check a channel's limit", joinOr(candidates)))
		}
	}

	platform := replyPlatform(ch)
	out.Platform, out.Limit, out.Unit = platform.Name, platform.Limit, platform.Unit()
	text, err := r.Render(opts.Vars)
	var re *calendar.RenderError
	if errors.As(err, &re) {
		out.Problems = re.Problems
		if opts.Format == formatJSON {
			if err := view.RenderReplyRender(f.Streams, opts.Format, out); err != nil {
				return err
			}
		}
		return renderFailure(r, re)
	}
	if err != nil {
		return err
	}
	out.Text, out.Length = text, platform.Count(text)
	var skipped bool
	out.Findings, skipped = replyFindings(cal, findings, r, text, out.Channel)
	if skipped {
		out.Notes = append(out.Notes, "note: voice.yaml has errors, so some brand-voice rules were not checked: run 'postctl validate'")
	}
	if err := view.RenderReplyRender(f.Streams, opts.Format, out); err != nil {
		return err
	}
	if over := out.Over(); over > 0 {
		return fmt.Errorf("the reply is %d %s, %d over %s's limit of %d: shorten the values or pick a shorter template",
			out.Length, out.Unit, over, out.Channel, out.Limit)
	}
	errs, warns := 0, 0
	for _, m := range out.Findings {
		switch m.Level {
		case calendar.Error:
			errs++
		case calendar.Warning:
			warns++
		}
	}
	switch {
	case errs > 0 && !opts.Strict:
		return fmt.Errorf("the reply breaks the brand voice: %d %s", errs, replyPlural(errs, "error", "errors"))
	case errs+warns > 0 && opts.Strict:
		return fmt.Errorf("the reply breaks the brand voice: %d %s, %d %s (warnings fail because of --strict)",
			errs, replyPlural(errs, "error", "errors"), warns, replyPlural(warns, "warning", "warnings"))
	}
	return nil
}

// renderError is a template that could not be filled in; it lists every problem on its own line.
type renderError struct {
	id       string
	problems *calendar.RenderError
}

func (e renderError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot render %q:", e.id)
	for _, p := range e.problems.Problems {
		b.WriteString("\n  " + p.String())
	}
	fmt.Fprintf(&b, "\nsee its variables with: postctl replies show %s", e.id)
	return b.String()
}

func (e renderError) Unwrap() error { return e.problems }

func renderFailure(r *calendar.Reply, re *calendar.RenderError) error {
	return renderError{id: r.ID.Value, problems: re}
}

// ---- export

type repliesExportOptions struct {
	Dir    string
	Format string
}

func newRepliesExportCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "export --format json|csv",
		Short: "Write every reply template as JSON or CSV, for inbox tools that import saved replies",
		Long: `Export writes every template with its id, title, tags, channels, variables and text. CSV has
a header row; tags, channels and variables (their names) are joined with ';'.

Export refuses when a template has errors, rather than leave it out: an import of a partial
library could delete saved replies. Run 'postctl validate' to see and fix them.`,
		Example: `  postctl replies export --format json > replies.json
  postctl replies export --format csv > replies.csv`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.Format == formatText {
				return usageErrorf(errors.New("replies export writes json or csv: add --format json or --format csv"))
			}
			format, err := g.format(formatJSON, repliesCSV)
			if err != nil {
				return err
			}
			return runRepliesExport(f, repliesExportOptions{Dir: g.Dir, Format: format})
		},
	}
}

func runRepliesExport(f *Factory, opts repliesExportOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	var broken []string
	for _, fd := range findings {
		if fd.Level == calendar.Error && strings.HasPrefix(fd.File, "replies/") && !slices.Contains(broken, fd.File) {
			broken = append(broken, fd.File)
		}
	}
	if len(broken) > 0 {
		for i := range broken {
			broken[i] = replyPath(opts.Dir, broken[i])
		}
		return fmt.Errorf("nothing exported: %s %s errors (run 'postctl validate' to see them): %s",
			replyPlural(len(broken), "a template", "templates"), replyPlural(len(broken), "has", "have"), strings.Join(broken, ", "))
	}
	var out []view.ReplyTemplate
	for _, r := range sortedReplies(cal) {
		out = append(out, replyTemplate(opts.Dir, r))
	}
	return view.RenderReplyExport(f.Streams.Out, opts.Format, out)
}

// ---- shared

func sortedReplies(cal *calendar.Calendar) []*calendar.Reply {
	out := slices.Clone(cal.Replies)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID.Value < out[j].ID.Value })
	return out
}

func replyTemplate(dir string, r *calendar.Reply) view.ReplyTemplate {
	t := view.ReplyTemplate{ID: r.ID.Value, Title: r.Title.Value, File: replyPath(dir, r.File),
		Tags: calendar.Values(r.Tags), Channels: calendar.Values(r.Channels), Text: strings.TrimRight(r.Text.Value, "\r\n")}
	for _, e := range r.Variables {
		v := view.ReplyVariable{Name: e.Key.Value, Required: e.Value.Needs(), Pattern: e.Value.Pattern.Value,
			Description: e.Value.Description.Value}
		if d := e.Value.Default; d.Set && !e.Value.Required {
			v.Default = &d.Value
		}
		t.Variables = append(t.Variables, v)
	}
	return t
}

// findReply finds the template with the id. An unknown id is a usage error with a suggestion; a
// template whose file could not be read says so.
func findReply(cal *calendar.Calendar, findings calendar.Findings, id, dir string) (*calendar.Reply, error) {
	ids := make([]string, 0, len(cal.Replies))
	for _, r := range cal.Replies {
		if r.ID.Value == id {
			return r, nil
		}
		ids = append(ids, r.ID.Value)
	}
	for _, file := range []string{"replies/" + id + ".yaml", "replies/" + id + ".yml"} {
		if errs := replyErrors(findings, file); len(errs) > 0 {
			return nil, fmt.Errorf("reply template %q cannot be read: %s", id, findingsList(dir, errs))
		}
	}
	msg := fmt.Sprintf("no reply template %q", id)
	if guess := schema.Closest(id, ids); guess != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", guess)
	} else {
		msg += ": 'postctl replies list' shows them"
	}
	return nil, usageErrorf(errors.New(msg))
}

// replyChannel returns the calendar's channel with the id; an unknown one is a usage error.
func replyChannel(cal *calendar.Calendar, findings calendar.Findings, id string) (calendar.Channel, error) {
	if ch, ok := cal.Channel(id); ok {
		return ch, nil
	}
	if cal.Config == nil {
		return calendar.Channel{}, fmt.Errorf("calendar.yaml has errors, so channel %q cannot be checked: run 'postctl validate'", id)
	}
	known := cal.Config.Channels.Keys()
	msg := fmt.Sprintf("unknown channel %q", id)
	if guess := schema.Closest(id, known); guess != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", guess)
	}
	if len(known) > 0 {
		msg += "; the calendar's channels: " + strings.Join(known, ", ")
	}
	return calendar.Channel{}, usageErrorf(errors.New(msg))
}

// replyErrors are the error findings in a template's file.
func replyErrors(findings calendar.Findings, file string) calendar.Findings {
	var out calendar.Findings
	for _, f := range findings {
		if f.File == file && f.Level == calendar.Error {
			out = append(out, f)
		}
	}
	return out
}

func brokenReplyError(dir string, r *calendar.Reply, errs calendar.Findings) string {
	return fmt.Sprintf("reply template %q cannot be used until its file is fixed: %s", r.ID.Value, findingsList(dir, errs))
}

// findingsList shows up to three findings, one a line, and points at validate for the rest.
func findingsList(dir string, errs calendar.Findings) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", len(errs), replyPlural(len(errs), "error", "errors"))
	for i, f := range errs {
		if i == 3 {
			fmt.Fprintf(&b, "\n  …and %d more", len(errs)-3)
			break
		}
		fmt.Fprintf(&b, "\n  %s:%d:%d: %s", replyPath(dir, f.File), f.Line, f.Col, f.Message)
	}
	b.WriteString("\nrun 'postctl validate' to see every finding")
	return b.String()
}

func replyPath(dir, file string) string {
	if dir == "" || dir == "." {
		return file
	}
	return path.Join(dir, file)
}

func replySortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func replyPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
