package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestScaffoldWorkflowsMatchTheExample: postctl init writes the example calendar's workflows, with
// the brand in the first comment and the secrets of its own calendar.yaml; nothing else differs.
func TestScaffoldWorkflowsMatchTheExample(t *testing.T) {
	files, err := renderScaffold(scaffoldData{Brand: "Acme Tea", Timezone: "Europe/Berlin"}, "welcome.yaml")
	if err != nil {
		t.Fatal(err)
	}
	secret := regexp.MustCompile(`(?m)^          [A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}\n`)
	header := regexp.MustCompile(`(?s)\A#.*?\n(name:)`)
	normalize := func(s string) string {
		return header.ReplaceAllString(secret.ReplaceAllString(s, ""), "$1")
	}
	for _, name := range []string{"pull-request.yml", "apply.yml"} {
		scaffold, ok := files[".github/workflows/"+name]
		if !ok {
			t.Errorf("init writes no .github/workflows/%s", name)
			continue
		}
		example, err := os.ReadFile(filepath.Join("..", "examples", "calendar", ".github", "workflows", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(scaffold), `# Calendar "Acme Tea": `) {
			t.Errorf("scaffolded %s does not name the brand first:\n%s", name, scaffold)
		}
		if strings.Contains(string(scaffold), "[[") {
			t.Errorf("scaffolded %s has an unexpanded [[ placeholder:\n%s", name, scaffold)
		}
		if diff := cmp.Diff(normalize(string(example)), normalize(string(scaffold))); diff != "" {
			t.Errorf("%s: the scaffold and the example differ beyond the header and the secrets (-example +scaffold):\n%s", name, diff)
		}
	}
	// The scaffold's secrets are the *_env names its calendar.yaml suggests.
	apply := string(files[".github/workflows/apply.yml"])
	for _, env := range regexp.MustCompile(`\w+_env: (\w+)`).FindAllStringSubmatch(string(files["calendar.yaml"]), -1) {
		if !strings.Contains(apply, "          "+env[1]+": ${{ secrets."+env[1]+" }}\n") {
			t.Errorf("apply.yml does not pass the secret %s that calendar.yaml names", env[1])
		}
	}
	example, _ := os.ReadFile(filepath.Join("..", "examples", "calendar", ".github", "workflows", "apply.yml"))
	calendarYAML, _ := os.ReadFile(filepath.Join("..", "examples", "calendar", "calendar.yaml"))
	for _, env := range regexp.MustCompile(`\w+_env: (\w+)`).FindAllStringSubmatch(string(calendarYAML), -1) {
		if !strings.Contains(string(example), "          "+env[1]+": ${{ secrets."+env[1]+" }}\n") {
			t.Errorf("examples/calendar apply.yml does not pass the secret %s that calendar.yaml names", env[1])
		}
	}
}

// TestWorkflowsPassActionlint runs actionlint, when it is installed (.ci/run installs it), on the
// project's workflows, the example calendar's and those postctl init writes.
func TestWorkflowsPassActionlint(t *testing.T) {
	bin, err := exec.LookPath("actionlint")
	if err != nil {
		if gopath, gerr := exec.Command("go", "env", "GOPATH").Output(); gerr == nil {
			bin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "actionlint")
		}
		if _, err := os.Stat(bin); err != nil {
			t.Skip("actionlint is not installed: go install github.com/rhysd/actionlint/cmd/actionlint (see .ci/actionlint)")
		}
	}
	dir := filepath.Join(t.TempDir(), "calendar")
	if code, out, errOut := runForTest(t, nil, "init", dir, "--no-git", "--brand", `Lint "Check": #1`); code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out, errOut)
	}
	var files []string
	for _, pattern := range []string{"../.github/workflows/*.yml", "../examples/calendar/.github/workflows/*.yml", filepath.Join(dir, ".github/workflows/*.yml")} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 6 {
		t.Fatalf("found only %v", files)
	}
	out, err := exec.Command(bin, append([]string{"-no-color"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}
