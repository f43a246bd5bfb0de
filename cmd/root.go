// Package cmd is postctl's command line: one file per command, each with an options struct, a RunE
// that only checks flags, and a run function that works against the injected Factory.
package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

// Factory is what commands take from the outside world; tests inject their own.
type Factory struct {
	Streams *view.Streams
	Getenv  func(string) string
	// Clock is the current time, after --now / POSTCTL_NOW.
	Clock func() time.Time
	// OpenDir opens a calendar directory. Reads cannot leave it, even through symbolic links.
	OpenDir func(dir string) (fs.FS, error)
}

func systemFactory() *Factory {
	return &Factory{
		Streams: view.System(os.Getenv),
		Getenv:  os.Getenv,
		Clock:   time.Now,
		OpenDir: openRoot,
	}
}

func openRoot(dir string) (fs.FS, error) {
	fsys, err := calendar.OpenDir(dir)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", dir, pe.Err)
		}
		return nil, err
	}
	return fsys, nil
}

// Main runs postctl with the process's arguments and returns the exit code.
func Main() int {
	return Execute(systemFactory(), os.Args[1:])
}

// Execute runs the command line args against f and returns the exit code.
func Execute(f *Factory, args []string) int {
	root := newRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.Streams.In)
	root.SetOut(f.Streams.Out)
	root.SetErr(f.Streams.ErrOut)
	cmd, err := root.ExecuteC()
	if err != nil && !errors.Is(err, errSilent) {
		p := view.Palette{}
		if f.Streams.Color {
			p = f.Streams.Palette()
		}
		fmt.Fprintf(f.Streams.ErrOut, "%s %s\n", p.Red("Error:"), err)
		if exitCode(err) == exitUsage {
			fmt.Fprintf(f.Streams.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return exitCode(err)
}

// globalOptions are the flags every command shares.
type globalOptions struct {
	Dir     string
	Format  string
	NoColor bool
	Now     string
	Strict  bool
}

const (
	formatText     = "text"
	formatJSON     = "json"
	formatMarkdown = "markdown"
	formatGitHub   = "github"
)

func newRootCmd(f *Factory) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "postctl",
		Short: "Your brand's social media calendar as code",
		Long: `postctl keeps a brand's social media as YAML in a git repository: strategy, brand voice,
crisis playbooks, reply templates and scheduled posts. It validates them, shows what would be
published, scheduled or cancelled, and publishes exactly once.

Exit codes: 0 ok, 1 failed, 2 changes present (plan --detailed-exitcode), 3 conflict (safe to
retry), 4 usage error.`,
		Example: `  postctl init my-calendar
  postctl validate examples/calendar
  postctl validate --format github`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return g.apply(f)
		},
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	flags := root.PersistentFlags()
	flags.StringVar(&g.Dir, "dir", ".", "calendar repository directory")
	flags.StringVar(&g.Format, "format", formatText, "output format: text, json, markdown or github, where the command supports it (calendar: also ics, html)")
	flags.BoolVar(&g.NoColor, "no-color", false, "never colour the output (also NO_COLOR)")
	flags.StringVar(&g.Now, "now", "", "fix the clock to an RFC 3339 time (also POSTCTL_NOW), for tests and dry runs")
	flags.BoolVar(&g.Strict, "strict", false, "fail on warnings too")
	_ = root.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{formatText, formatJSON, formatMarkdown, formatGitHub, formatICS, formatHTML}, cobra.ShellCompDirectiveNoFileComp))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf(plainFlagError(err)) })

	root.AddCommand(
		newValidateCmd(f, g),
		newInitCmd(f, g),
		newSchemaCmd(f, g),
		newVersionCmd(f, g),
		newRepliesCmd(f, g),
		newCrisisCmd(f, g),
		newReportCmd(f, g),
		newPlanCmd(f, g),
		newReviewCmd(f, g),
		newStateCmd(f, g),
		newUnlockCmd(f, g),
		newApplyCmd(f, g),
		newDocsCmd(f),
		newCalendarCmd(f, g),
	)
	completionExamples(root, f.Streams.Out)
	return root
}

// apply turns the global flags into the factory's settings before any command runs.
func (g *globalOptions) apply(f *Factory) error {
	if g.NoColor || f.Getenv("NO_COLOR") != "" {
		f.Streams.Color = false
	}
	now, source := g.Now, "--now"
	if now == "" {
		now, source = f.Getenv("POSTCTL_NOW"), "POSTCTL_NOW"
	}
	if now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			return usageErrorf(fmt.Errorf("%s %q: expected an RFC 3339 time such as 2026-12-01T09:00:00Z", source, now))
		}
		f.Clock = func() time.Time { return t }
	}
	return nil
}

// dir is the calendar directory: the positional DIR if given, else --dir.
func (g *globalOptions) dir(cmd *cobra.Command, args []string) (string, error) {
	if len(args) == 0 {
		return g.Dir, nil
	}
	if cmd.Flags().Changed("dir") && g.Dir != args[0] {
		return "", usageErrorf(fmt.Errorf("give the directory once: as an argument (%s) or with --dir (%s)", args[0], g.Dir))
	}
	return args[0], nil
}

// format checks --format against the formats a command supports.
func (g *globalOptions) format(allowed ...string) (string, error) {
	for _, a := range allowed {
		if g.Format == a {
			return a, nil
		}
	}
	return "", usageErrorf(fmt.Errorf("--format %q is not supported here: use %s", g.Format, joinOr(allowed)))
}

func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := ""
	for i, it := range items {
		switch {
		case i == 0:
			out = it
		case i == len(items)-1:
			out += " or " + it
		default:
			out += ", " + it
		}
	}
	return out
}

// plainFlagError drops the Go parser detail from pflag's messages ("strconv.ParseBool: ...").
func plainFlagError(err error) error {
	msg := err.Error()
	i := strings.Index(msg, ": strconv.")
	if i < 0 {
		return err
	}
	hint := " (expected a number)"
	if strings.HasPrefix(msg[i:], ": strconv.ParseBool") {
		hint = " (expected true or false)"
	}
	return errors.New(msg[:i] + hint)
}

// maxArgs is cobra.MaximumNArgs with a usage error.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageErrorf(fmt.Errorf("%s takes at most %d argument(s), got %d", cmd.CommandPath(), n, len(args)))
		}
		return nil
	}
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf(fmt.Errorf("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args)))
		}
		return nil
	}
}

// groupCmd makes a command group runnable, so that a mistyped subcommand ("postctl replies lst")
// is a usage error with a suggestion rather than the help and exit 0.
func groupCmd(cmd *cobra.Command) {
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %q?)", s[0])
			}
			return usageErrorf(errors.New(msg))
		}
		return nil
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
}
