package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the scripts' own commands: inputs a txtar archive cannot hold, exact exit codes
// and CPU time.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"gen":     cmdGen,
	"cputime": cmdCPUTime,
	"exits":   cmdExits,
}

// post is the start of a valid post, so that a generated file is wrong only in the way it means to be.
const post = "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\n"

// cmdGen writes a generated bad input file:
//
//	gen binary FILE            a post with NUL bytes in its text
//	gen bigtext FILE [MiB]     a valid post whose text makes the file MiB large (default 5)
//	gen aliasbomb FILE [N]     "billion laughs": N levels of anchors, each aliasing the one before N times (default 10)
//	gen deepflow FILE [N]      text: N nested flow lists, closed (default 100)
//	gen deepblock FILE [N]     N nested block mappings (default 100)
//	gen unclosedflow FILE [N]  text: N '[' never closed (default 20000)
//	gen unquote FILE TEXT      TEXT with Go escapes (\n, \x07, \u00e9) decoded: control characters
func cmdGen(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! gen")
	}
	if len(args) == 3 && args[0] == "unquote" {
		text, err := strconv.Unquote(`"` + strings.ReplaceAll(args[2], `"`, `\"`) + `"`)
		ts.Check(err)
		writeGenerated(ts, args[1], []byte(text))
		return
	}
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: gen binary|bigtext|aliasbomb|deepflow|deepblock|unclosedflow FILE [N] | gen unquote FILE TEXT")
	}
	n := -1
	if len(args) == 3 {
		var err error
		if n, err = strconv.Atoi(args[2]); err != nil || n < 1 {
			ts.Fatalf("gen: N must be a positive number, got %q", args[2])
		}
	}
	or := func(def int) int {
		if n < 0 {
			return def
		}
		return n
	}
	var b bytes.Buffer
	switch args[0] {
	case "binary":
		b.WriteString(post + "text: caf\x00\x00\x01e\n")
	case "bigtext":
		size := or(5) << 20
		b.WriteString(post + "text: |\n")
		line := "  " + strings.Repeat("All work and no play makes a dull feed. ", 2) + "\n"
		for b.Len() < size {
			b.WriteString(line)
		}
	case "aliasbomb":
		levels := or(10)
		b.WriteString(`a0: &a0 "lol"` + "\n")
		for i := 1; i < levels; i++ {
			refs := make([]string, levels)
			for j := range refs {
				refs[j] = fmt.Sprintf("*a%d", i-1)
			}
			fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.Join(refs, ", "))
		}
		fmt.Fprintf(&b, "%stext: hi\ntags: *a%d\n", post, levels-1)
	case "deepflow":
		depth := or(100)
		b.WriteString(post + "text: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n")
	case "deepblock":
		depth := or(100)
		b.WriteString(post + "text: hi\n")
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat("  ", i), i)
		}
		fmt.Fprintf(&b, "%sleaf\n", strings.Repeat("  ", depth))
	case "unclosedflow":
		b.WriteString(post + "text: " + strings.Repeat("[", or(20000)) + "\n")
	default:
		ts.Fatalf("gen: unknown kind %q", args[0])
	}
	writeGenerated(ts, args[1], b.Bytes())
}

func writeGenerated(ts *testscript.TestScript, file string, data []byte) {
	name := ts.MkAbs(file)
	ts.Check(os.MkdirAll(filepath.Dir(name), 0o755))
	ts.Check(os.WriteFile(name, data, 0o644))
}

// cmdCPUTime runs a program and fails if it used more CPU time than LIMIT: bad input must be
// rejected fast, not after expanding it. CPU time, not wall time, so that a busy machine cannot
// make the check flaky. Its output and exit code are not checked: run it with exec for that.
//
//	cputime 1s postctl validate
func cmdCPUTime(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! cputime")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: cputime LIMIT PROGRAM [ARGS...]")
	}
	limit, err := time.ParseDuration(args[0])
	ts.Check(err)
	prog := ""
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if st, err := os.Stat(filepath.Join(dir, args[1])); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			prog = filepath.Join(dir, args[1])
			break
		}
	}
	if prog == "" {
		ts.Fatalf("cputime: %s not found in $PATH", args[1])
	}
	cmd := exec.Command(prog, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "NO_COLOR", "POSTCTL_FORCE_TTY", "POSTCTL_NOW", "TERM"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var ee *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &ee) {
		ts.Fatalf("%v", err)
	}
	used := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if used > limit {
		ts.Fatalf("used %v of CPU time, more than %v", used.Round(time.Millisecond), limit)
	}
	ts.Logf("used %v of CPU time", used.Round(time.Millisecond))
}

// cmdExits runs a program like exec and checks its exact exit code, which "! exec" cannot:
//
//	exits 4 postctl validate --format xml
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exits")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}
