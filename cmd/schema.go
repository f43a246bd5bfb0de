package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/postctl/postctl/schema"
	"github.com/spf13/cobra"
)

func newSchemaCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Work with the JSON Schemas of the calendar files",
		Example: `  postctl schema export schemas
  postctl schema export /tmp/postctl-schemas && ls /tmp/postctl-schemas`,
	}
	cmd.AddCommand(newSchemaExportCmd(f))
	return cmd
}

type schemaExportOptions struct {
	Dir string
}

func newSchemaExportCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "export DIR",
		Short: "Write the JSON Schemas of every calendar file kind into DIR",
		Long: `Export writes one JSON Schema per file kind (calendar, strategy, voice, post, playbook, reply,
crisis) into DIR, for editors (yaml-language-server modelines) and other tools.`,
		Example: "  postctl schema export schemas",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSchemaExport(f, schemaExportOptions{Dir: args[0]})
		},
	}
}

func runSchemaExport(f *Factory, opts schemaExportOptions) error {
	written, err := writeSchemas(opts.Dir)
	for _, path := range written {
		fmt.Fprintln(f.Streams.Out, path)
	}
	return err
}

// writeSchemas writes every schema into dir and returns the paths written.
func writeSchemas(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var written []string
	for _, k := range schema.Kinds() {
		path := filepath.Join(dir, k.FileName())
		if err := writeFileAtomic(path, schema.Source(k)); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// writeFileAtomic writes through a temporary file and a rename, so a crash never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
