package cmd

import "github.com/spf13/cobra"

func newInitCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{Use: "init [DIR]", Short: "Scaffold a calendar repository"}
}
