package cmd

import (
	"strings"
	"testing"

	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

// allCommands walks the whole command tree, hidden commands and cobra's own included.
func allCommands(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		out = append(out, allCommands(c)...)
	}
	return out
}

func testRoot() *cobra.Command {
	f := &Factory{Streams: &view.Streams{}, Getenv: func(string) string { return "" }}
	root := newRootCmd(f)
	root.InitDefaultCompletionCmd() // cobra adds it only when executing
	root.InitDefaultHelpCmd()
	return root
}

// TestEveryCommandHasAnExample fails for any runnable command, hidden or not and cobra's
// completion commands included, whose help has no Examples section. (help is cobra's own.)
func TestEveryCommandHasAnExample(t *testing.T) {
	n := 0
	for _, c := range allCommands(testRoot()) {
		if !c.Runnable() || c.Name() == "help" {
			continue
		}
		n++
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no Example: add one to its cobra.Command", c.CommandPath())
			continue
		}
		for _, line := range strings.Split(c.Example, "\n") {
			if !strings.HasPrefix(line, "  ") || !strings.Contains(line, "postctl ") {
				t.Errorf("%q: example line %q: expected two spaces of indent and a postctl command line", c.CommandPath(), line)
			}
		}
	}
	if n < 25 {
		t.Errorf("walked %d runnable commands; the tree has more, is the walk broken?", n)
	}
}

// TestRootHelpHasExamples: postctl --help shows the examples.
func TestRootHelpHasExamples(t *testing.T) {
	r := runCmdForTest(t, "--help")
	if !strings.Contains(r, "Examples:\n  postctl init my-calendar") {
		t.Errorf("postctl --help has no examples:\n%s", r)
	}
	r = runCmdForTest(t, "crisis", "activate", "--help")
	if !strings.Contains(r, "Examples:\n  postctl crisis activate") {
		t.Errorf("postctl crisis activate --help has no examples:\n%s", r)
	}
}
