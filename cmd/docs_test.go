package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

// runForTest runs postctl in-process with env as its environment and returns the exit code,
// stdout and stderr.
func runForTest(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{
		Streams: &view.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Getenv:  func(k string) string { return env[k] },
		Clock:   func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
		OpenDir: openRoot,
	}
	code := Execute(f, args)
	return code, out.String(), errOut.String()
}

// runCmdForTest runs postctl and returns its stdout, failing the test on a non-zero exit.
func runCmdForTest(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runForTest(t, nil, args...)
	if code != 0 {
		t.Fatalf("postctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// visible says whether c and every command above it are available: not hidden, not deprecated.
func visible(c *cobra.Command) bool {
	for ; c != nil; c = c.Parent() {
		if !c.IsAvailableCommand() {
			return false
		}
	}
	return true
}

// TestDocsMan: every command a user can run gets a man page with its name, synopsis, description
// and examples, and the help text's markup survives.
func TestDocsMan(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man", "man1")
	out := runCmdForTest(t, "docs", "man", dir)

	var want []string
	for _, c := range allCommands(testRoot()) {
		if !visible(c) || c.Name() == "help" {
			continue
		}
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
	}
	if !strings.Contains(out, "Wrote ") || len(want) < 25 {
		t.Fatalf("output %q, %d commands", out, len(want))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		t.Errorf("%d man pages %v, want %d %v", len(got), got, len(want), want)
	}
	for _, name := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("no man page for a command: %v", err)
			continue
		}
		page := string(data)
		title := strings.ToUpper(strings.TrimSuffix(name, ".1"))
		for _, s := range []string{`.TH "` + title + `" "1" "Nov 2026" "postctl `, "\n.SH NAME\n", "\n.SH SYNOPSIS\n", "\n.SH DESCRIPTION\n", "\n.SH EXAMPLES\n"} {
			if !strings.Contains(page, s) {
				t.Errorf("%s has no %q", name, s)
			}
		}
		if strings.Contains(page, "Auto generated") {
			t.Errorf("%s has cobra's auto-generated tag", name)
		}
	}
	for _, hidden := range []string{"postctl-docs.1", "postctl-docs-man.1", "postctl-help.1"} {
		if _, err := os.Stat(filepath.Join(dir, hidden)); err == nil {
			t.Errorf("%s written: hidden commands and help get no page", hidden)
		}
	}

	// Plain help text is escaped, not read as Markdown: the review marker stays, *_env keeps its
	// star, and plan's table of actions keeps its lines.
	page := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if p := page("postctl-review.1"); !strings.Contains(p, "starts with <!-- postctl-review --> so a") {
		t.Errorf("postctl-review.1 lost the comment marker:\n%s", p)
	}
	if p := page("postctl-apply.1"); !strings.Contains(p, "calendar.yaml names (*_env)") {
		t.Errorf("postctl-apply.1 lost *_env:\n%s", p)
	}
	p := page("postctl-plan.1")
	for _, line := range []string{"  +   schedule    create on a platform", "  ?   unknown     an earlier apply"} {
		if !strings.Contains(p, "\n"+line) {
			t.Errorf("postctl-plan.1 does not keep the line %q:\n%s", line, p)
		}
	}

	// man renders every page without a warning, where man is installed.
	if _, err := exec.LookPath("man"); err == nil {
		for _, name := range []string{"postctl.1", "postctl-plan.1", "postctl-crisis-activate.1"} {
			cmd := exec.Command("man", "--warnings", "-l", "-Tutf8", filepath.Join(dir, name))
			cmd.Env = append(os.Environ(), "MANWIDTH=100")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			rendered, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Errorf("man %s: %v\n%s", name, err, stderr.String())
			}
			if !strings.Contains(overstrike.ReplaceAllString(string(rendered), ""), "\nEXAMPLES\n") {
				t.Errorf("man %s has no EXAMPLES:\n%s", name, rendered)
			}
		}
	}
}

// overstrike matches what man's bold leaves on a pipe: a character and a backspace.
var overstrike = regexp.MustCompile(".\b")

// TestDocsManDate: SOURCE_DATE_EPOCH fixes the date for reproducible builds; a bad one is a usage
// error.
func TestDocsManDate(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runForTest(t, map[string]string{"SOURCE_DATE_EPOCH": "1767225600"}, "docs", "man", dir); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "postctl.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"Jan 2026"`) {
		t.Errorf("postctl.1 is not dated January 2026:\n%s", data)
	}
	code, _, errOut := runForTest(t, map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, "docs", "man", dir)
	if code != exitUsage || !strings.Contains(errOut, "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runForTest(t, nil, "docs"); code != exitUsage || !strings.Contains(errOut, "postctl docs man DIR") {
		t.Errorf("postctl docs: exit %d\n%s", code, errOut)
	}
}

// TestDocsCompletions: the four scripts are written and name the commands; postctl completion
// bash prints the same script.
func TestDocsCompletions(t *testing.T) {
	dir := t.TempDir()
	runCmdForTest(t, "docs", "completions", dir)
	for _, c := range []struct{ file, marker string }{
		{"postctl.bash", "__start_postctl"},
		{"_postctl", "#compdef postctl"},
		{"postctl.fish", "complete -c postctl"},
		{"postctl.ps1", "Register-ArgumentCompleter"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Error(err)
			continue
		}
		if !strings.Contains(string(data), c.marker) {
			t.Errorf("%s has no %q", c.file, c.marker)
		}
	}
	bash := runCmdForTest(t, "completion", "bash")
	file, _ := os.ReadFile(filepath.Join(dir, "postctl.bash"))
	if bash != string(file) {
		t.Errorf("postctl completion bash differs from docs completions' postctl.bash")
	}

	// Completion itself offers the commands, as the shell scripts ask for them.
	got := runCmdForTest(t, "__complete", "")
	for _, name := range []string{"apply", "calendar", "crisis", "init", "plan", "review", "validate", "completion"} {
		if !strings.Contains(got, "\n"+name+"\t") && !strings.HasPrefix(got, name+"\t") {
			t.Errorf("completion of postctl does not offer %s:\n%s", name, got)
		}
	}
	if strings.Contains(got, "docs") {
		t.Errorf("completion offers the hidden docs command:\n%s", got)
	}
	got = runCmdForTest(t, "__complete", "crisis", "")
	for _, name := range []string{"activate", "list", "resolve", "show", "status"} {
		if !strings.Contains(got, name+"\t") {
			t.Errorf("completion of postctl crisis does not offer %s:\n%s", name, got)
		}
	}
}
