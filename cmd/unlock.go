package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
)

type unlockOptions struct {
	Dir string
	ID  string
}

func newUnlockCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "unlock ID",
		Short: "Remove the state lock of a run that crashed",
		Long: `Unlock removes the state lock a run left behind when it crashed or was killed. ID is the lock ID
the "state is locked by" message shows; a different ID is refused, so that a lock taken since by
another run is not removed by mistake.

Only unlock when the run that holds the lock has stopped: two runs changing the state at once
could publish a post twice. Afterwards, check the state with postctl state list: a run that
stopped half-way may have left pending records, which the next plan shows as unknown.

Exit 0 when unlocked; 1 when the state is not locked or ID does not match; 4 on a usage error.`,
		Example: `  postctl unlock 3f2a9c0d1e2b4a5f`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.format(formatText); err != nil {
				return err
			}
			return runUnlock(f, unlockOptions{Dir: g.Dir, ID: args[0]})
		},
	}
}

func runUnlock(f *Factory, opts unlockOptions) error {
	_, file, err := openState(f, opts.Dir)
	if err != nil {
		return err
	}
	holder, err := file.LockHolder()
	if err != nil {
		return err
	}
	if err := file.ForceUnlock(opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(f.Streams.Out, "Unlocked the state: removed the lock of %s.\n", holder)
	fmt.Fprintln(f.Streams.ErrOut, "Check the state with postctl state list before the next apply: the run that held the lock may have stopped half-way.")
	return nil
}
