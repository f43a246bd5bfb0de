package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/postctl/postctl/apply"
	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/state"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type applyOptions struct {
	Dir         string
	PlanFile    string // a saved plan to carry out exactly; "" to plan afresh
	Format      string
	At          string
	AutoApprove bool
	PublishLate bool
	AllowEmpty  bool
}

func newApplyCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply [DIR | PLANFILE]",
		Short: "Publish, schedule or cancel what the plan says, exactly once",
		Long: `Apply carries out a plan. With DIR (or nothing: --dir) it takes the state lock, plans afresh
exactly as postctl plan would, shows the plan and, on a terminal, asks for "yes"; in CI, pass
--auto-approve. With PLANFILE, a plan saved by plan --out, it does exactly that plan, and refuses a
stale one (exit 3): another commit, a state written since, a post whose content changed, or a
plan past its valid_until.

Every publication goes out at most once. Before each irreversible call apply records an intent in
the state, durably; after it, the result. A run that is killed half-way leaves an intent without a
result: the publication is unknown, and the next apply asks the platform whether it went out
before anything else, and never publishes it again blind. Calls that fail with a rate limit or a
server error are retried with backoff (honouring Retry-After); a refusal (4xx) is recorded as
failed with its reason. One failing publication does not stop the others.

Credentials come only from the environment variables calendar.yaml names (*_env); a missing
one stops apply before anything is published. --format json writes one JSON event per line:
apply_start, apply_complete, apply_errored and apply_summary.

Exit 0 when everything went through (or there was nothing to do); 1 when a publication failed or
is unknown, or the calendar is invalid; 3 when the state is locked by another run, changed while
apply ran, or the saved plan is stale (safe to retry: plan again); 4 on a usage error.`,
		Example: `  postctl apply
  postctl apply --auto-approve --format json
  postctl plan --out plan.json && postctl apply plan.json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			opts.Format = format
			if len(args) == 1 {
				if fi, err := os.Stat(args[0]); err == nil && !fi.IsDir() {
					opts.PlanFile, opts.Dir = args[0], g.Dir
					if opts.At != "" || opts.PublishLate || opts.AllowEmpty {
						return usageErrorf(errors.New("--at, --publish-late and --allow-empty shape a new plan: a saved plan is carried out as it was made"))
					}
				}
			}
			if opts.PlanFile == "" {
				if opts.Dir, err = g.dir(cmd, args); err != nil {
					return err
				}
				if !opts.AutoApprove && !(f.Streams.InTTY && f.Streams.OutTTY) {
					return usageErrorf(errors.New("apply asks for approval on a terminal, and this is not one: run with --auto-approve, or carry out a reviewed plan with postctl plan --out FILE and postctl apply FILE"))
				}
			}
			return runApply(f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.AutoApprove, "auto-approve", false, "apply without asking (CI)")
	fl.StringVar(&opts.At, "at", "", "plan for this time instead of now: RFC 3339, or a local time in the calendar's time zone")
	fl.BoolVar(&opts.PublishLate, "publish-late", false, "publish what is due longer ago than its channel's max_delay")
	fl.BoolVar(&opts.AllowEmpty, "allow-empty", false, "allow a plan that cancels every scheduled post")
	return cmd
}

func runApply(f *Factory, opts applyOptions) (err error) {
	var saved *view.PlanDocument
	if opts.PlanFile != "" {
		if saved, err = readSavedPlan(opts.PlanFile); err != nil {
			return err
		}
	}
	cal, findings, at, err := loadForPlan(f, opts.Dir, opts.At)
	if err != nil {
		return err
	}
	if err := refuseInvalid(f, opts.Dir, opts.Format, cal, append(findings, lint(cal, at)...)); err != nil {
		return err
	}
	if saved != nil {
		// What the plan needs must be there before the lock is taken: nothing is published without it.
		if err := checkCredentials(cal, savedChannels(saved), f.Getenv); err != nil {
			return err
		}
	}
	store, err := openStore(cal, opts.Dir)
	if err != nil {
		return err
	}
	lock, err := store.Lock(stateLockInfo(f, "apply"))
	if err != nil {
		return err
	}
	defer func() {
		if uerr := lock.Unlock(); uerr != nil {
			err = errors.Join(err, uerr)
		}
	}()
	st, err := store.Read()
	if err != nil {
		return err
	}

	var p *plan.Plan
	if saved != nil {
		if p, err = savedPlan(cal, opts, saved, st, f.Clock()); err != nil {
			return err
		}
	} else {
		if p, err = computePlan(cal, st, opts.Dir, plan.Options{At: at, PublishLate: opts.PublishLate, AllowEmpty: opts.AllowEmpty}); err != nil {
			return err
		}
	}
	changes := p.Summary().Changes()
	if changes == 0 && len(p.Moves) == 0 && len(p.Holds) == 0 {
		if opts.Format == formatText {
			if saved == nil {
				if err := view.RenderPlan(f.Streams, formatText, p); err != nil {
					return err
				}
				fmt.Fprintln(f.Streams.Out)
			}
			fmt.Fprintln(f.Streams.Out, "Nothing to do.")
		} else {
			return view.WriteApplyEventJSON(f.Streams.Out, apply.Event{Type: apply.EventSummary, Report: &apply.Report{Serial: st.Serial}})
		}
		return nil
	}
	if saved == nil {
		if err := checkCredentials(cal, planChannels(p), f.Getenv); err != nil {
			return err
		}
	}
	providers := map[string]apply.Provider{}
	for _, ch := range planChannels(p) {
		prov, err := providerFor(cal, opts.Dir, ch, f.Getenv, f.Clock)
		if err != nil {
			return err
		}
		providers[ch] = prov
	}
	if opts.Format == formatText {
		if saved == nil {
			if err := view.RenderPlan(f.Streams, formatText, p); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(f.Streams.Out, "Carrying out the saved plan %s: %s\n", opts.PlanFile, p.SummaryLine())
		}
	}
	if saved == nil && !opts.AutoApprove {
		fmt.Fprint(f.Streams.Out, "\nDo you want to apply? Only 'yes' will be accepted: ")
		answer, _ := bufio.NewReader(f.Streams.In).ReadString('\n')
		if strings.TrimSpace(answer) != "yes" {
			fmt.Fprintln(f.Streams.Out, "\nApply cancelled.")
			return errSilent
		}
	}
	if opts.Format == formatText {
		fmt.Fprintln(f.Streams.Out)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var werr error
	report, err := apply.Run(ctx, apply.Options{Plan: p, Calendar: cal, Store: store, Providers: providers, Now: f.Clock,
		PublishLate: opts.PublishLate,
		// The file backend's lock keeps other runs out; the git backend has none.
		Exclusive: isFileStore(store),
		OnEvent: func(ev apply.Event) {
			if opts.Format == formatJSON {
				if e := view.WriteApplyEventJSON(f.Streams.Out, ev); e != nil && werr == nil {
					werr = e
				}
				return
			}
			view.ApplyEventText(f.Streams, ev)
		}})
	if err != nil {
		if errors.Is(err, state.ErrConflict) {
			return fmt.Errorf("%w; stopped before publishing anything more: run apply again", err)
		}
		return err
	}
	if werr != nil {
		return werr
	}
	if report.Failed() {
		return errSilent
	}
	return nil
}

// readSavedPlan reads a plan saved by plan --out.
func readSavedPlan(name string) (*view.PlanDocument, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read the saved plan: %w", err)
	}
	var doc view.PlanDocument
	if err := json.Unmarshal(data, &doc); err != nil || doc.FormatVersion == "" {
		return nil, fmt.Errorf("%s is not a plan saved by postctl plan --out", name)
	}
	if doc.FormatVersion != view.FormatVersion {
		return nil, fmt.Errorf("%s was saved by another postctl (format %s, this one reads %s): plan again", name, doc.FormatVersion, view.FormatVersion)
	}
	return &doc, nil
}

// savedPlan checks a saved plan against the calendar and the state as they are now, and returns
// the plan to carry out: exactly its changes. A stale plan is a conflict (exit 3).
func savedPlan(cal *calendar.Calendar, opts applyOptions, doc *view.PlanDocument, st *state.State, now time.Time) (*plan.Plan, error) {
	stale := func(format string, args ...any) error {
		return fmt.Errorf("the saved plan %s is stale: %s; make a new one with postctl plan --out: %w", opts.PlanFile, fmt.Sprintf(format, args...), state.ErrConflict)
	}
	if head := headCommit(opts.Dir); head != doc.Commit {
		return nil, stale("it was made at commit %s, the calendar is at %s", orNone(shortHash(doc.Commit)), orNone(shortHash(head)))
	}
	lineage := st.Lineage
	if st.Serial == 0 {
		lineage = ""
	}
	if st.Serial != doc.State.Serial || lineage != doc.State.Lineage {
		return nil, stale("it was made at state serial %d, the state is at serial %d", doc.State.Serial, st.Serial)
	}
	p := &plan.Plan{At: now, Location: cal.Location, Commit: doc.Commit, StateSerial: st.Serial, Lineage: lineage}
	if doc.ValidUntil != "" {
		until, err := time.Parse(time.RFC3339, doc.ValidUntil)
		if err != nil {
			return nil, fmt.Errorf("%s: valid_until %q is not an RFC 3339 time", opts.PlanFile, doc.ValidUntil)
		}
		if now.After(until) {
			return nil, stale("it was valid until %s", until.Format(time.RFC3339))
		}
		p.ValidUntil = until
	}
	posts := map[string]*calendar.Post{}
	for _, post := range cal.Posts {
		if post != nil {
			posts[post.ID.Value] = post
		}
	}
	if st := cal.Statement(); st != nil {
		posts[st.ID.Value] = st
	}
	for _, c := range doc.Changes {
		t, err := time.Parse(time.RFC3339, c.Time)
		if err != nil && c.Time != "" {
			return nil, fmt.Errorf("%s: %s: time %q is not an RFC 3339 time", opts.PlanFile, c.Address, c.Time)
		}
		if c.ContentHash != "" {
			post := posts[c.Post]
			if post == nil {
				return nil, stale("%s is no longer in the calendar", c.Address)
			}
			if h := plan.ContentHash(cal, post, c.Channel); h != c.ContentHash {
				return nil, stale("%s changed since (content %.12s, planned %.12s)", c.Address, h, c.ContentHash)
			}
			if !post.Time.Equal(t) {
				return nil, stale("%s moved to %s since", c.Address, post.Time.Format(time.RFC3339))
			}
		}
		p.Changes = append(p.Changes, plan.Change{Address: c.Address, Post: c.Post, Channel: c.Channel, Action: plan.Action(c.Action),
			Reason: c.Reason, Irreversible: c.Irreversible, At: t, File: c.File, Hash: c.ContentHash, MovedFrom: c.MovedFrom,
			Hold: c.Hold, Statement: c.Statement})
	}
	for _, h := range doc.Holds {
		t, err := time.Parse(time.RFC3339, h.Time)
		if err != nil {
			return nil, fmt.Errorf("%s: hold of %s: time %q is not an RFC 3339 time", opts.PlanFile, h.Address, h.Time)
		}
		p.Holds = append(p.Holds, plan.Hold{Address: h.Address, Post: h.Post, Channel: h.Channel, At: t, Hash: h.ContentHash,
			Reason: h.Reason, Release: h.Release})
	}
	for _, m := range doc.Moves {
		p.Moves = append(p.Moves, plan.Move{From: m.From, To: m.To})
	}
	return p, nil
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func orNone(s string) string {
	if s == "" {
		return "(none: not a git repository)"
	}
	return s
}

// planChannels are the channels the plan's changes call, sorted.
func planChannels(p *plan.Plan) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range p.Changes {
		if c.Action.IsChange() && !seen[c.Channel] {
			seen[c.Channel] = true
			out = append(out, c.Channel)
		}
	}
	sort.Strings(out)
	return out
}

func savedChannels(doc *view.PlanDocument) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range doc.Changes {
		if plan.Action(c.Action).IsChange() && !seen[c.Channel] {
			seen[c.Channel] = true
			out = append(out, c.Channel)
		}
	}
	sort.Strings(out)
	return out
}

// channelEnv lists the environment variables a channel's credentials come from.
func channelEnv(ch calendar.Channel) []string {
	var out []string
	for _, s := range []calendar.String{ch.URLEnv, ch.SecretEnv, ch.AppPasswordEnv, ch.AccessTokenEnv} {
		if s.Value != "" {
			out = append(out, s.Value)
		}
	}
	return out
}

// checkCredentials says which environment variables the channels need and are not set. Only
// names are ever shown, never values.
func checkCredentials(cal *calendar.Calendar, channels []string, getenv func(string) string) error {
	var missing []string
	for _, id := range channels {
		ch, ok := cal.Channel(id)
		if !ok {
			return fmt.Errorf("calendar.yaml has no channel %q, which the plan publishes to", id)
		}
		for _, name := range channelEnv(ch) {
			if getenv(name) == "" {
				missing = append(missing, fmt.Sprintf("%s (channel %s)", name, id))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing credentials: set the environment variable(s) %s; nothing was published", strings.Join(missing, ", "))
	}
	return nil
}

// providerFor builds the provider of one channel from calendar.yaml. Adding a platform is one case
// here.
func providerFor(cal *calendar.Calendar, dir, channel string, getenv func(string) string, now func() time.Time) (apply.Provider, error) {
	ch, ok := cal.Channel(channel)
	if !ok {
		return nil, fmt.Errorf("calendar.yaml has no channel %q", channel)
	}
	switch p := ch.Provider.Value; p {
	case "outbox", "":
		d, err := apply.CheckOutboxDir(ch.Dir.Value)
		if err != nil {
			return nil, fmt.Errorf("%s:%d:%d: channel %s: %w", filepath.Join(dir, "calendar.yaml"), ch.Dir.Pos.Line, ch.Dir.Pos.Col, channel, err)
		}
		return &apply.Outbox{Root: dir, Dir: d, Channel: channel, Now: now}, nil
	case "webhook":
		return apply.WebhookFor(filepath.Join(dir, "calendar.yaml"), channel, ch, getenv, now)
	case "mastodon":
		return apply.MastodonFor(filepath.Join(dir, "calendar.yaml"), channel, ch, getenv, now)
	case "bluesky":
		return apply.BlueskyFor(filepath.Join(dir, "calendar.yaml"), channel, ch, getenv, now)
	default:
		return nil, fmt.Errorf("channel %s: provider %s is not supported yet by apply", channel, p)
	}
}

// isFileStore says whether the state is kept by the file backend, whose lock excludes other runs.
func isFileStore(s stateStore) bool {
	_, ok := s.(*state.File)
	return ok
}
