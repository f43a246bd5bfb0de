package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

// Stub: replaced by the real command.
func newCrisisResolveCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{Use: "resolve", Short: "TODO", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented") }}
}
