package cmd

import (
	"errors"

	"github.com/postctl/postctl/review"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

type reviewOptions struct {
	Dir    string
	Base   string
	Head   string // empty: the work tree
	Format string
	Strict bool
}

func newReviewCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := reviewOptions{}
	cmd := &cobra.Command{
		Use:   "review --base REF [--head REF] [DIR]",
		Short: "Show what a change does to the calendar, for a pull request",
		Long: `Review compares the calendar at the head of a change (--head, default: the work tree, with
uncommitted edits) with the calendar where the change started: the merge base of --base and the
head, as a pull request shows it. It reads git with go-git, without checking anything out; DIR may
be a subdirectory of the repository.

It reports the posts added, changed (field by field), moved (a new id with moved_from, or a new
file with the same id) and removed; voice rules, playbooks and reply templates added, removed or
changed; which top-level keys of calendar.yaml, strategy.yaml and voice.yaml changed; a preview
of every added or changed post per channel with its length against the platform's limit; the
findings of validate in the files the change touched (all voice findings when voice.yaml changed,
all strategy findings when strategy.yaml changed, everything when calendar.yaml changed, and
strategy findings about a day, week or month that holds a touched post); and a warning for every
post that would publish within 24 hours of now (--now), or at once because its time has passed.
A change that activates, resolves or changes the crisis (crisis.yaml) comes first: what it
holds, what comes back or is missed, and the holding statement per channel.

Formats: text, markdown (one pull-request comment that starts with <!-- postctl-review --> so a
workflow can update it), github (annotations) and json.

Exit 0 when the touched files are valid (warnings allowed unless --strict), 1 when they have
errors or a revision is unknown or DIR is not in a git repository, 4 on a usage error.`,
		Example: `  postctl review --base main
  postctl review --base origin/main --head HEAD --format markdown > comment.md
  postctl review --base "$GITHUB_BASE_REF" --format github`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			format, err := g.format(formatText, formatJSON, formatMarkdown, formatGitHub)
			if err != nil {
				return err
			}
			if opts.Base == "" {
				return usageErrorf(errors.New("--base is required: the branch, tag or commit the change goes into, such as main"))
			}
			if cmd.Flags().Changed("head") && opts.Head == "" {
				return usageErrorf(errors.New("--head needs a revision; leave it out to review the work tree"))
			}
			opts.Dir, opts.Format, opts.Strict = dir, format, g.Strict
			return runReview(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Base, "base", "", "the revision the change goes into (branch, tag or commit); required")
	cmd.Flags().StringVar(&opts.Head, "head", "", "the revision of the change (default: the work tree, uncommitted edits included)")
	return cmd
}

func runReview(f *Factory, opts reviewOptions) error {
	rv, err := review.Run(review.Options{Dir: opts.Dir, Base: opts.Base, Head: opts.Head, Now: f.Clock(), OpenDir: f.OpenDir})
	if err != nil {
		return err
	}
	v := view.ReviewView{Review: rv, Strict: opts.Strict}
	if err := view.RenderReview(f.Streams, opts.Format, v); err != nil {
		return err
	}
	if rv.Failed(opts.Strict) {
		return errSilent
	}
	return nil
}
