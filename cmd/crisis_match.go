package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// Stub: replaced by the real command.
func newCrisisMatchCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{Use: "match", Short: "TODO", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented") }}
}
