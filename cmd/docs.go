package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// The docs command is hidden: it is for packagers and the release, not for a calendar's users. It
// lives in the binary (rather than in a separate generator program) so that the man pages and
// completions always describe exactly the postctl that writes them, even without the source.

func newDocsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "docs",
		Short:  "Write man pages and shell completion scripts, for packaging",
		Hidden: true,
		Long: `Docs writes postctl's documentation for packagers: a man page per command (section 1) and
the shell completion scripts for bash, zsh, fish and PowerShell.`,
		Example: `  postctl docs man /usr/share/man/man1
  postctl docs completions dist/completions`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf(errors.New("say what to write: postctl docs man DIR or postctl docs completions DIR"))
		},
	}
	cmd.AddCommand(newDocsManCmd(f), newDocsCompletionsCmd(f))
	return cmd
}

func newDocsManCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write a man page for every command into DIR",
		Long: `Man writes one man page (section 1) per command into DIR, created if needed: postctl.1,
postctl-plan.1, postctl-crisis-activate.1 and so on, each with NAME, SYNOPSIS, DESCRIPTION,
OPTIONS, EXAMPLES and SEE ALSO. The date in the header is SOURCE_DATE_EPOCH when set (for
reproducible builds), else --now, else today.`,
		Example: `  postctl docs man /usr/share/man/man1
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) postctl docs man dist/man`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDocsMan(f, cmd.Root(), args[0])
		},
	}
}

func newDocsCompletionsCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completions DIR",
		Short: "Write the bash, zsh, fish and PowerShell completion scripts into DIR",
		Long: `Completions writes the scripts that postctl completion prints into DIR, created if needed:
postctl.bash (bash-completion v2), _postctl (zsh), postctl.fish and postctl.ps1 (PowerShell),
each with descriptions.`,
		Example: `  postctl docs completions dist/completions
  postctl docs completions "$DESTDIR/usr/share/postctl/completions"`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDocsCompletions(f, cmd.Root(), args[0])
		},
	}
}

// completionExamples gives cobra's completion command and its shells an Examples section. cobra
// adds the command only when executing, with the output stream root has at that point: so root
// writes to out first.
func completionExamples(root *cobra.Command, out io.Writer) {
	examples := map[string]string{
		"completion": `  postctl completion bash > ~/.local/share/bash-completion/completions/postctl
  postctl completion zsh > "${fpath[1]}/_postctl"`,
		"bash": `  source <(postctl completion bash)
  postctl completion bash > ~/.local/share/bash-completion/completions/postctl`,
		"zsh": `  source <(postctl completion zsh)
  postctl completion zsh > "${fpath[1]}/_postctl"`,
		"fish": `  postctl completion fish | source
  postctl completion fish > ~/.config/fish/completions/postctl.fish`,
		"powershell": `  postctl completion powershell | Out-String | Invoke-Expression
  postctl completion powershell >> $PROFILE`,
	}
	root.SetOut(out)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = examples["completion"]
		for _, shell := range c.Commands() {
			shell.Example = examples[shell.Name()]
		}
	}
}

// manDate is the man pages' date: SOURCE_DATE_EPOCH, else the clock (--now).
func manDate(f *Factory) (time.Time, error) {
	if epoch := f.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return time.Time{}, usageErrorf(fmt.Errorf("SOURCE_DATE_EPOCH %q: expected seconds since 1970", epoch))
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return f.Clock().UTC(), nil
}

func runDocsMan(f *Factory, root *cobra.Command, dir string) error {
	date, err := manDate(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	v := version
	if v == "" {
		v = "dev"
	}
	root.DisableAutoGenTag = true
	n := 0
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() || c.Name() == "help" {
			return nil
		}
		// Long and Short are plain text laid out for a terminal; the man page generator reads
		// Markdown, so they are escaped, and indented blocks (lists of actions) are kept as laid out.
		long, short := c.Long, c.Short
		c.Long, c.Short = manMarkdown(long), manMarkdown(short)
		header := &doc.GenManHeader{Title: strings.ToUpper(strings.ReplaceAll(c.CommandPath(), " ", "-")), Section: "1",
			Date: &date, Source: "postctl " + v, Manual: "postctl manual"}
		var buf bytes.Buffer
		err := doc.GenMan(c, header, &buf)
		c.Long, c.Short = long, short
		if err != nil {
			return fmt.Errorf("man page of %s: %w", c.CommandPath(), err)
		}
		page := bytes.Replace(buf.Bytes(), []byte("\n.SH EXAMPLE\n"), []byte("\n.SH EXAMPLES\n"), 1)
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		if err := writeFileAtomic(filepath.Join(dir, name), page); err != nil {
			return err
		}
		n++
		for _, sub := range c.Commands() {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return err
	}
	fmt.Fprintf(f.Streams.Out, "Wrote %d man pages to %s\n", n, dir)
	return nil
}

// manMarkdown turns help text into Markdown that renders as it reads on a terminal: characters
// that Markdown would take as markup are escaped, and runs of indented lines become preformatted
// blocks.
func manMarkdown(s string) string {
	var b strings.Builder
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if indented(lines[i]) {
			b.WriteString("```\n")
			for ; i < len(lines) && indented(lines[i]); i++ {
				b.WriteString(lines[i] + "\n")
			}
			b.WriteString("```\n")
			i--
			continue
		}
		b.WriteString(escapeMarkdown(lines[i]))
		if i < len(lines)-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func indented(line string) bool {
	return strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")
}

func escapeMarkdown(line string) string {
	var b strings.Builder
	for i, r := range line {
		switch {
		case strings.ContainsRune("\\`*_[]<>|{}", r),
			i == 0 && strings.ContainsRune("#+-=~>", r):
			b.WriteByte('\\')
		case r == '.' && i > 0 && isDigits(line[:i]):
			b.WriteByte('\\') // "1." at the start of a line is no list
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// completionFiles are the scripts docs completions writes, by file name.
var completionFiles = []struct {
	name string
	gen  func(root *cobra.Command, w io.Writer) error
}{
	{"postctl.bash", func(root *cobra.Command, w io.Writer) error { return root.GenBashCompletionV2(w, true) }},
	{"_postctl", func(root *cobra.Command, w io.Writer) error { return root.GenZshCompletion(w) }},
	{"postctl.fish", func(root *cobra.Command, w io.Writer) error { return root.GenFishCompletion(w, true) }},
	{"postctl.ps1", func(root *cobra.Command, w io.Writer) error { return root.GenPowerShellCompletionWithDesc(w) }},
}

func runDocsCompletions(f *Factory, root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, c := range completionFiles {
		var buf bytes.Buffer
		if err := c.gen(root, &buf); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, c.name), buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(f.Streams.Out, "%s\n", filepath.Join(dir, c.name))
	}
	return nil
}
