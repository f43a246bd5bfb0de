package cmd

import (
	"github.com/spf13/cobra"
)

func newCrisisCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "crisis",
		Short: "Crisis playbooks: list, show, match, activate, resolve and status",
		Long: `Crisis playbooks (playbooks/*.yaml) say what to do when something goes wrong: which posts to
pause, the holding statement to publish, the checklist, whom to call and which replies to use.

Activating a crisis writes crisis.yaml (and, with --commit, commits it): while it is there, plan
and apply hold every publication the playbook pauses, cancel natively scheduled ones, and
publish the holding statement once. Resolving removes it: held posts still in the future come
back; held posts whose time passed are missed, never published late by surprise.`,
		Example: `  postctl crisis list
  postctl crisis match "where is my order, it still has no tracking"
  postctl crisis activate shipping-outage --reason "DHL label API down" --commit --push
  postctl crisis status
  postctl crisis resolve --commit --push`,
	}
	groupCmd(cmd)
	cmd.AddCommand(newCrisisListCmd(f, g), newCrisisShowCmd(f, g), newCrisisMatchCmd(f, g), newCrisisStatusCmd(f, g),
		newCrisisActivateCmd(f, g), newCrisisResolveCmd(f, g))
	return cmd
}
