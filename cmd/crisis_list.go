package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// Stub: replaced by the real command.
func newCrisisListCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{Use: "list", Short: "TODO", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented") }}
}
