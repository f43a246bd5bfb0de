package crisis

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/calendar"
)

// writeCalendar writes a small valid calendar with one playbook into a new directory.
func writeCalendar(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"calendar.yaml":                  "brand: Test\ntimezone: Europe/Berlin\nchannels:\n  mastodon:\n    provider: outbox\n    platform: mastodon\n",
		"playbooks/shipping-outage.yaml": "name: Shipping outage\nseverity: medium\npause:\n  all: true\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMarshalLayout(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 16, 30, 5, 999, berlin)
	got, err := Marshal(Activation{Playbook: "shipping-outage", At: at, Reason: "DHL label API down", By: "Mia Schulz <mia@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	want := `# yaml-language-server: $schema=schemas/crisis.schema.json
playbook: shipping-outage
activated_at: "2026-11-22T16:30:05+01:00"
reason: DHL label API down
by: Mia Schulz <mia@example.com>
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("crisis.yaml (-want +got):\n%s", diff)
	}
	noBy, err := Marshal(Activation{Playbook: "x", At: at.UTC(), Reason: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(noBy), "by:") || !strings.Contains(string(noBy), `"2026-11-22T15:30:05Z"`) {
		t.Errorf("without by, in UTC:\n%s", noBy)
	}
}

// Every reason, however it is written, reads back exactly through calendar.Load, and the file
// validates.
func TestWriteRoundTripsThroughLoad(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 16, 30, 0, 0, berlin)
	reasons := []string{
		"DHL label API down",
		`He said: "we're down" # not a comment`,
		"key: value",
		"- looks like a list",
		"line one\nline two\n  indented line three",
		"trailing blank line\n\n",
		"  leading spaces",
		"tab\there",
		"yes",
		"null",
		"2026-11-22",
		"@mention and `code` and {braces} and [brackets] & *star |pipe >gt %pct !bang",
		"Ünïcødé ☕ — dashes",
		"'single quotes' and \\backslashes\\",
		"windows\r\nline",
	}
	for _, reason := range reasons {
		dir := t.TempDir()
		writeCalendar(t, dir)
		by := "Mia Schulz <mia@example.com>"
		if err := Write(dir, Activation{Playbook: "shipping-outage", At: at, Reason: reason, By: by}); err != nil {
			t.Fatalf("%q: %v", reason, err)
		}
		fsys, err := calendar.OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		cal, findings, err := calendar.Load(fsys)
		fsys.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			if f.Level == calendar.Error {
				t.Errorf("%q: finding %s:%d:%d: %s", reason, f.File, f.Line, f.Col, f.Message)
			}
		}
		a := cal.ActiveCrisis()
		if a == nil || a.Playbook == nil {
			t.Fatalf("%q: no active crisis with its playbook after Write", reason)
		}
		got := [4]string{a.Crisis.Playbook.Value, a.Crisis.Reason.Value, a.Crisis.By.Value, a.Since().Format(time.RFC3339)}
		want := [4]string{"shipping-outage", reason, by, "2026-11-22T16:30:00+01:00"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q read back (-want +got):\n%s", reason, diff)
		}
		if !a.Since().Equal(at) {
			t.Errorf("%q: since %v, want %v", reason, a.Since(), at)
		}
	}
}

func TestWriteRefusesWhenActiveAndLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	writeCalendar(t, dir)
	a := Activation{Playbook: "shipping-outage", At: time.Date(2026, 11, 22, 16, 30, 0, 0, time.UTC), Reason: "one"}
	if err := Write(dir, a); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(dir, File))
	a.Reason = "two"
	if err := Write(dir, a); !errors.Is(err, ErrActive) {
		t.Fatalf("second Write: %v, want ErrActive", err)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, File)); string(again) != string(first) {
		t.Errorf("the second Write changed crisis.yaml:\n%s", again)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+File) {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("crisis.yaml after Remove: %v", err)
	}
	if err := Remove(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Remove without crisis.yaml: %v, want ErrNotExist", err)
	}
}

// A crisis.yaml that is a link out of the calendar is neither followed nor replaced outside it.
func TestWriteStaysInsideTheCalendar(t *testing.T) {
	dir := t.TempDir()
	writeCalendar(t, dir)
	outside := filepath.Join(t.TempDir(), "target.yaml")
	if err := os.Symlink(outside, filepath.Join(dir, File)); err != nil {
		t.Skip("no symbolic links:", err)
	}
	err := Write(dir, Activation{Playbook: "shipping-outage", At: time.Now(), Reason: "r"})
	if !errors.Is(err, ErrActive) {
		t.Errorf("Write over a dangling link: %v, want ErrActive (crisis.yaml exists)", err)
	}
	if _, err := os.Stat(outside); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the link's target outside the calendar was written: %v", err)
	}
}

func TestParseIdentity(t *testing.T) {
	for in, want := range map[string]Identity{
		"Mia Schulz <mia@example.com>":     {Name: "Mia Schulz", Email: "mia@example.com"},
		"mia":                              {Name: "mia"},
		"<mia@example.com>":                {Email: "mia@example.com"},
		`"Schulz, Mia" <mia@example.com>`:  {Name: "Schulz, Mia", Email: "mia@example.com"},
		"Mia <not an address>":             {Name: "Mia", Email: "not an address"},
		"  Mia Schulz <mia@example.com>  ": {Name: "Mia Schulz", Email: "mia@example.com"},
	} {
		if got := ParseIdentity(in); got != want {
			t.Errorf("ParseIdentity(%q) = %+v, want %+v", in, got, want)
		}
	}
	if s := (Identity{Name: "Mia", Email: "m@x"}).String(); s != "Mia <m@x>" {
		t.Errorf("String = %q", s)
	}
}
