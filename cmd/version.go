package cmd

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X github.com/postctl/postctl/cmd.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

type versionOptions struct {
	Format string
}

func newVersionCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print postctl's version",
		Example: "  postctl version\n  postctl version --format json",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			return runVersion(f, versionOptions{Format: format})
		},
	}
}

type versionWire struct {
	FormatVersion string `json:"format_version"`
	Version       string `json:"version"`
	Commit        string `json:"commit,omitempty"`
	Go            string `json:"go"`
	Platform      string `json:"platform"`
}

func runVersion(f *Factory, opts versionOptions) error {
	v := versionWire{FormatVersion: view.FormatVersion, Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				v.Commit = s.Value
			}
		}
	}
	if v.Version == "" || v.Version == "(devel)" {
		v.Version = "dev"
	}
	if opts.Format == formatJSON {
		enc := json.NewEncoder(f.Streams.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	fmt.Fprintf(f.Streams.Out, "postctl %s (%s, %s)\n", v.Version, v.Go, v.Platform)
	if v.Commit != "" {
		fmt.Fprintf(f.Streams.Out, "commit %s\n", v.Commit)
	}
	return nil
}
