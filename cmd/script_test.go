package cmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"postctl": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. UPDATE_SCRIPTS=1 rewrites the
// expected output in place after a deliberate change.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: false,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds:                scriptCmds,
		Setup: func(env *testscript.Env) error {
			examples, err := filepath.Abs("../examples")
			if err != nil {
				return err
			}
			env.Setenv("EXAMPLES", examples)
			env.Setenv("NO_COLOR", "")
			env.Setenv("POSTCTL_FORCE_TTY", "")
			env.Setenv("POSTCTL_NOW", "")
			env.Setenv("TERM", "xterm-256color")
			return nil
		},
	})
}
