//go:build unix

package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/postctl/postctl/apply"
	"github.com/postctl/postctl/state"
)

// TestApplyCrashAtEveryStep kills postctl apply (SIGKILL, as a power cut or an OOM kill would) at
// every step of its journal — after an intent is written, after a provider call returns and
// before its result is written, after a result is written — then runs apply again until it
// finishes, and checks that every publication exists exactly once in the outbox and the state
// records each as published. Each crash is also followed by a second crash during the recovery
// run, at its first step. The crisis variant adds an active crisis: its holds are written first
// (one more step), a held post never goes out, and its holding statement goes out once per channel.
func TestApplyCrashAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds postctl and runs it a few hundred times")
	}
	bin := buildPostctl(t)

	for _, crisis := range []bool{false, true} {
		publications, steps := 6, 6*3 // intent, call returned, result
		prefix := ""
		if crisis {
			publications, steps, prefix = 8, 1+8*3, "crisis-" // the holds, then two statements more
		}
		for k := 1; k <= steps+1; k++ {
			for _, second := range []int{0, 1} {
				name := fmt.Sprintf("%scrash-at-%d", prefix, k)
				if second > 0 {
					name += fmt.Sprintf("-then-%d", second)
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					dir := crashCalendar(t, crisis)
					code := runPostctl(t, bin, dir, k)
					if k <= steps && code != -int(syscall.SIGKILL) {
						t.Fatalf("apply with a crash at step %d: exit %d, want killed", k, code)
					}
					t.Logf("after the crash: %s", stateSummary(dir))
					if second > 0 {
						unlockCrashed(t, bin, dir)
						runPostctl(t, bin, dir, second)
					}
					for run := 0; ; run++ {
						if run == 3 {
							t.Fatal("apply did not finish in 3 runs after the crash")
						}
						unlockCrashed(t, bin, dir)
						if code := runPostctl(t, bin, dir, 0); code == 0 {
							break
						} else if code != 1 {
							t.Fatalf("rerun: exit %d", code)
						}
					}
					checkExactlyOnce(t, dir, publications)
					if code := runPostctl(t, bin, dir, 0); code != 0 {
						t.Fatalf("a further apply: exit %d", code)
					}
					checkExactlyOnce(t, dir, publications)
				})
			}
		}
	}
}

// buildPostctl builds the binary the matrices kill: a real process, killed for real.
func buildPostctl(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build postctl")
	}
	bin := filepath.Join(t.TempDir(), "postctl")
	build := exec.Command(gobin, "build", "-o", bin, "./postctl")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func crashCalendar(t *testing.T, crisis bool) string {
	dir := t.TempDir()
	files := map[string]string{
		"calendar.yaml": "brand: Test\ntimezone: UTC\nchannels:\n  news:\n    provider: outbox\n  blog:\n    provider: outbox\n    dir: out/blog\n",
		"media/cup.png": "PNG",
		"posts/a.yaml":  "publish_at: 2026-12-01T08:50\nchannels: [news, blog]\ntext: First.\n",
		"posts/b.yaml":  "publish_at: 2026-12-01T08:55\nchannels: [news, blog]\ntext: Second.\nmedia:\n  - file: media/cup.png\n    alt: A cup.\n",
		"posts/c.yaml":  "publish_at: 2026-12-01T08:58\nchannels: [news, blog]\ntext: Third.\nthread:\n  - And more.\n",
	}
	if crisis {
		files["posts/promo.yaml"] = "publish_at: 2026-12-01T08:59\nchannels: [news, blog]\ntags: [promo]\ntext: Sale.\n"
		files["playbooks/outage.yaml"] = "name: Outage\nseverity: high\npause:\n  tags: [promo]\nholding_statement:\n  text: We are on it.\n"
		files["crisis.yaml"] = "playbook: outage\nactivated_at: 2026-12-01T08:57:00Z\nreason: Down\n"
	}
	writeFiles(t, dir, files)
	return dir
}

// runPostctl runs apply in dir, killed at journal step crashAt (0: never), with env added to the
// environment, and returns its exit code, or minus the signal that killed it.
func runPostctl(t *testing.T, bin, dir string, crashAt int, env ...string) int {
	t.Helper()
	cmd := exec.Command(bin, "apply", "--auto-approve", dir)
	cmd.Env = append(os.Environ(), "POSTCTL_NOW=2026-12-01T09:00:00Z", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	if crashAt > 0 {
		cmd.Env = append(cmd.Env, "POSTCTL_TEST_CRASH_AT="+fmt.Sprint(crashAt))
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		if ee.ExitCode() != 1 {
			t.Logf("apply (crash at %d): exit %d\n%s", crashAt, ee.ExitCode(), out)
		}
		return ee.ExitCode()
	}
	t.Fatalf("run postctl: %v", err)
	return 0
}

// unlockCrashed removes the lock a killed run left, as an operator would: postctl unlock ID.
func unlockCrashed(t *testing.T, bin, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".postctl", "state.json.lock"))
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var info state.LockInfo
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "unlock", "--dir", dir, info.ID).CombinedOutput(); err != nil {
		t.Fatalf("unlock: %v\n%s", err, out)
	}
}

func checkExactlyOnce(t *testing.T, dir string, want int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".postctl", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Decode("state.json", data)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]apply.OutboxFile{}
	for _, sub := range []string{".postctl/outbox/news", "out/blog/blog"} {
		entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(sub)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") {
				t.Errorf("%s/%s: a file the outbox left behind", sub, e.Name())
				continue
			}
			raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(sub), e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			var f apply.OutboxFile
			if err := json.Unmarshal(raw, &f); err != nil {
				t.Fatalf("%s/%s: %v", sub, e.Name(), err)
			}
			if _, dup := files[f.Address]; dup {
				t.Errorf("%s published twice", f.Address)
			}
			files[f.Address] = f
		}
	}
	held := 0
	for addr, r := range st.Publications {
		if r.Status == state.Held {
			held++
			if _, out := files[addr]; out {
				t.Errorf("%s: held, yet in the outbox", addr)
			}
			continue
		}
		f, ok := files[addr]
		switch {
		case !ok:
			t.Errorf("%s: recorded but not in the outbox", addr)
		case r.Status != state.Published || r.Intent != nil:
			t.Errorf("%s: status %s, intent %+v; want published", addr, r.Status, r.Intent)
		case f.Key != apply.Key(addr, r.ContentHash):
			t.Errorf("%s: the outbox holds key %s, the state content %s", addr, f.Key, r.ContentHash)
		case r.RemoteID == "":
			t.Errorf("%s: no remote id", addr)
		}
	}
	if len(files) != want || len(st.Publications)-held != want {
		t.Errorf("%d files, %d records published; want %d of each", len(files), len(st.Publications)-held, want)
	}
}

// stateSummary counts the records by status, for the crash matrix in the log.
func stateSummary(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, ".postctl", "state.json"))
	if err != nil {
		return "no state"
	}
	st, err := state.Decode("state.json", data)
	if err != nil {
		return err.Error()
	}
	n := map[state.Status]int{}
	for _, r := range st.Publications {
		n[r.Status]++
	}
	return fmt.Sprintf("serial %d, %d published, %d pending", st.Serial, n[state.Published], n[state.Pending])
}
