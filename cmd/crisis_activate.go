package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/state"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type crisisActivateOptions struct {
	Dir      string
	Format   string
	Playbook string
	Reason   string
	By       string
	Commit   bool
	Push     bool
}

func newCrisisActivateCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := crisisActivateOptions{}
	cmd := &cobra.Command{
		Use:   "activate PLAYBOOK --reason TEXT",
		Short: "Activate a crisis playbook: write crisis.yaml, and commit and push it",
		Long: `Activate writes crisis.yaml: the playbook, when (now, in the calendar's time zone), why
(--reason) and by whom (--by, else user.name and user.email from git config, else $USER). From
then on plan and apply hold every publication the playbook pauses and publish its holding
statement once. It prints what is now held, where the holding statement goes, the checklist and
whom to call.

--commit commits crisis.yaml alone on the branch checked out, with go-git; it refuses when other
changes are staged, so that the commit holds nothing else. --push (which implies --commit) then
pushes the branch to its upstream remote, or origin, so that CI applies it; for https remotes
GITHUB_TOKEN or GH_TOKEN is the credential.

One crisis at a time: activate refuses while crisis.yaml exists (resolve it first), and refuses
an invalid calendar as plan does. Nothing is written when it refuses.

Exit 0 when activated; 1 when refused; 3 when committed but the push was refused because the
remote moved on (pull, check crisis.yaml, push again); 4 on a usage error.`,
		Example: `  postctl crisis activate shipping-outage --reason "DHL label API down since 14:05"
  postctl crisis activate product-recall --reason "Batch 42 recall" --commit --push
  postctl crisis activate shipping-outage --reason "Carrier outage" --by "Mia Schulz <mia@example.com>"`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("reason") {
				return usageErrorf(errors.New(`--reason is required: say why, e.g. --reason "DHL label API down since 14:05"`))
			}
			if opts.Reason = crisis.CleanReason(opts.Reason); opts.Reason == "" {
				return usageErrorf(errors.New("--reason is blank: say why the crisis is activated"))
			}
			if cmd.Flags().Changed("by") {
				if opts.By = strings.TrimSpace(opts.By); opts.By == "" {
					return usageErrorf(errors.New(`--by is blank: give a name, e.g. --by "Mia Schulz <mia@example.com>"`))
				}
			}
			opts.Commit = opts.Commit || opts.Push
			opts.Dir, opts.Format, opts.Playbook = g.Dir, format, args[0]
			return runCrisisActivate(f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Reason, "reason", "", "why the crisis is activated (required)")
	fl.StringVar(&opts.By, "by", "", `who activates it, e.g. "Mia Schulz <mia@example.com>" (default: git config user.name and user.email, else $USER)`)
	fl.BoolVar(&opts.Commit, "commit", false, "commit crisis.yaml on the branch checked out")
	fl.BoolVar(&opts.Push, "push", false, "commit and push the branch to its remote, so CI applies it")
	return cmd
}

func runCrisisActivate(f *Factory, opts crisisActivateOptions) error {
	cal, findings, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	pb, err := lookupPlaybook(cal, findings, opts.Playbook, opts.Dir)
	if err != nil {
		return err
	}
	file := replyPath(opts.Dir, crisis.File)
	if err := crisisAlreadyActive(cal, file); err != nil {
		return err
	}
	now := f.Clock()
	if err := refuseInvalid(f, opts.Dir, opts.Format, cal, append(findings, lint(cal, now)...)); err != nil {
		return err
	}
	by := opts.By
	if by == "" {
		if by = crisisPerson(f, opts.Dir); by == "" {
			return usageErrorf(errors.New(`cannot tell who activates the crisis (no user.name in git config, no $USER): add --by "Name <email>"`))
		}
	}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	at := now.In(loc).Truncate(time.Second)

	// Everything git needs is checked before crisis.yaml is written: a refusal writes nothing.
	var commit *crisisCommit
	if opts.Commit {
		if commit, err = prepareCrisisCommit(opts.Dir, by); err != nil {
			return err
		}
	}

	act := crisis.Activation{Playbook: pb.ID.Value, At: at, Reason: opts.Reason, By: by}
	if err := crisis.Write(opts.Dir, act); err != nil {
		if errors.Is(err, crisis.ErrActive) {
			return fmt.Errorf("%s appeared while activating: another activation was faster; see postctl crisis status", file)
		}
		return err
	}
	// What the crisis holds is asked of the calendar as plan will read it, crisis.yaml included.
	after, _, err := loadCalendar(f, opts.Dir)
	if err != nil {
		return err
	}
	active := after.ActiveCrisis()
	if active == nil || active.Playbook == nil {
		return fmt.Errorf("%s is written but does not read back as an active crisis of %q: run postctl validate", file, pb.ID.Value)
	}
	out := view.CrisisChange{Playbook: pb.ID.Value, Name: pb.Name.Value, Severity: pb.Severity.Value, Since: active.Since(), At: now,
		Location: loc, By: by, Reason: opts.Reason, File: file, Held: crisisHeldView(opts.Dir, crisis.Active(after, now))}
	if exp, ok := active.ExpiresAt(); ok {
		out.ExpiresAt, out.Expires = exp, pb.ExpiresAfter.Value
	}
	if st := active.Statement(after); st != nil {
		out.Statement = &view.CrisisStatement{ID: st.ID.Value, Channels: calendar.Values(st.Channels)}
	}
	out.Checklist = calendar.Values(pb.Checklist)
	out.Escalation = contacts(pb)

	if commit != nil {
		msg := fmt.Sprintf("crisis: activate %s\n\nReason: %s\nActivated by %s at %s\n", pb.ID.Value, opts.Reason, by, at.Format(time.RFC3339))
		if err := commit.run(f, opts.Push, msg, at, file, &out.Git); err != nil {
			return renderThen(f, opts.Format, out, err)
		}
	}
	return view.RenderCrisisChange(f.Streams, opts.Format, out)
}

// crisisAlreadyActive refuses a second crisis: one at a time, so that resolving one never
// silently ends another.
func crisisAlreadyActive(cal *calendar.Calendar, file string) error {
	if c := cal.Crisis; c != nil {
		var details []string
		if c.ActivatedAt.Value != "" {
			details = append(details, "since "+c.ActivatedAt.Value)
		}
		if c.By.Value != "" {
			details = append(details, "by "+c.By.Value)
		}
		if r := strings.TrimSpace(c.Reason.Value); r != "" {
			if i := strings.IndexByte(r, '\n'); i >= 0 {
				r = r[:i] + " …"
			}
			details = append(details, fmt.Sprintf("reason %q", r))
		}
		msg := fmt.Sprintf("crisis %q is already active", c.Playbook.Value)
		if len(details) > 0 {
			msg += " (" + strings.Join(details, ", ") + ")"
		}
		return errors.New(msg + ": resolve it first with postctl crisis resolve")
	}
	if _, err := fs.Stat(cal.FS(), crisis.File); err == nil {
		return fmt.Errorf("%s exists but cannot be read (run postctl validate): fix it, or resolve it with postctl crisis resolve", file)
	}
	return nil
}

// crisisPerson is who runs the command when --by does not say: git config's user.name and
// user.email, else the login name ($USER, $LOGNAME, or %USERNAME% on Windows); empty when none.
func crisisPerson(f *Factory, dir string) string {
	if id := crisis.ConfigIdentity(dir).String(); id != "" {
		return id
	}
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if v := strings.TrimSpace(f.Getenv(k)); v != "" {
			return v
		}
	}
	return ""
}

// crisisHeldView lists held publications for the views.
func crisisHeldView(dir string, held []crisis.Held) []view.CrisisHeld {
	out := make([]view.CrisisHeld, 0, len(held))
	for _, h := range held {
		out = append(out, view.CrisisHeld{Address: h.Address, Post: h.Post.ID.Value, Channel: h.Channel, At: h.At, File: replyPath(dir, h.Post.File), Due: h.Due})
	}
	return out
}

// crisisCommit is a commit of crisis.yaml, checked before anything is written.
type crisisCommit struct {
	repo              *crisis.Repo
	author, committer crisis.Identity
}

// prepareCrisisCommit opens the calendar's repository and checks that crisis.yaml can be
// committed alone: a branch checked out, nothing else staged, and an identity to commit as. The
// author is the person in by when it has an email, else git config's user; the committer is git
// config's user, else the author.
func prepareCrisisCommit(dir, by string) (*crisisCommit, error) {
	repo, err := crisis.OpenRepo(dir)
	if err != nil {
		if errors.Is(err, crisis.ErrNotRepo) {
			return nil, fmt.Errorf("cannot commit: %w; run without --commit, or git init the calendar first", err)
		}
		return nil, fmt.Errorf("cannot commit: %w", err)
	}
	staged, err := repo.OtherStaged()
	if err != nil {
		return nil, fmt.Errorf("cannot commit: %w", err)
	}
	if len(staged) > 0 {
		return nil, fmt.Errorf("cannot commit: %w", crisis.StagedError(staged))
	}
	config := repo.Identity()
	complete := func(id crisis.Identity) bool { return id.Name != "" && id.Email != "" }
	c := &crisisCommit{repo: repo, author: config, committer: config}
	if person := crisis.ParseIdentity(by); person.Email != "" {
		if person.Name == "" {
			person.Name = person.Email
		}
		c.author = person
	}
	if !complete(c.committer) {
		c.committer = c.author
	}
	if !complete(c.author) || !complete(c.committer) {
		return nil, errors.New(`cannot commit: git config has no user.name and user.email to commit as: set them (git config --global user.name "…"; git config --global user.email …) or give --by "Name <email>"`)
	}
	return c, nil
}

// run commits crisis.yaml and, with push, pushes the branch, recording what happened in g.
func (c *crisisCommit) run(f *Factory, push bool, msg string, now time.Time, file string, g *view.CrisisGit) error {
	g.Branch = c.repo.BranchName()
	h, err := c.repo.Commit(msg, c.author, c.committer, now)
	if err != nil {
		return fmt.Errorf("%s is changed but not committed: %w", file, err)
	}
	if h.IsZero() {
		g.Nothing = true
		return nil
	}
	g.Commit = crisis.ShortHash(h)
	if !push {
		return nil
	}
	remote, err := c.repo.Push(f.Getenv)
	if errors.Is(err, crisis.ErrPushRefused) {
		return crisisConflict{fmt.Sprintf("committed %s locally but the push to %s was refused: someone else pushed first; pull, check %s and push again",
			g.Commit, remote, file)}
	}
	if err != nil {
		return fmt.Errorf("committed %s locally but could not push it: %w; push it with git push", g.Commit, err)
	}
	g.Remote = remote
	return nil
}

// crisisConflict is a push refused because the remote moved on: exit 3, safe to retry after a
// pull. It says what to do without the state's wording.
type crisisConflict struct{ msg string }

func (e crisisConflict) Error() string { return e.msg }
func (e crisisConflict) Unwrap() error { return state.ErrConflict }

// renderThen shows what was done before a later step failed, then fails with err.
func renderThen(f *Factory, format string, out view.CrisisChange, err error) error {
	if rerr := view.RenderCrisisChange(f.Streams, format, out); rerr != nil {
		return rerr
	}
	return err
}
