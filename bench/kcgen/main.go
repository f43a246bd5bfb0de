// Command kcgen prepares a generated calendar for kubeconform, for bench/run: kubeconform picks a
// schema from each document's kind and apiVersion, so it writes a copy of every post with
// "apiVersion: postctl/v1" and "kind: Post" prepended, and a copy of the post schema whose
// properties allow those two keys:
//
//	kcgen -cal CAL -schema schema/post.schema.json -out DIR
//	kubeconform -schema-location 'DIR/schemas/{{ .ResourceKind }}.json' DIR/posts
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	cal := flag.String("cal", "", "calendar directory (bench/gen output)")
	schemaPath := flag.String("schema", "schema/post.schema.json", "the post JSON Schema")
	out := flag.String("out", "", "directory to write to (must not exist)")
	flag.Parse()
	if *cal == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: kcgen -cal CAL -out DIR [-schema schema/post.schema.json]")
		os.Exit(4)
	}
	if err := run(*cal, *schemaPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "kcgen:", err)
		os.Exit(1)
	}
}

func run(cal, schemaPath, out string) error {
	src, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var schema map[string]any
	if err := json.Unmarshal(src, &schema); err != nil {
		return err
	}
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return fmt.Errorf("%s: no properties", schemaPath)
	}
	props["apiVersion"] = map[string]any{"const": "postctl/v1"}
	props["kind"] = map[string]any{"const": "Post"}
	delete(schema, "$id") // kubeconform would otherwise resolve $refs against the remote id
	data, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(out, "schemas"), 0o755); err != nil {
		return err
	}
	// kubeconform's {{ .ResourceKind }} is the kind in lower case.
	if err := os.WriteFile(filepath.Join(out, "schemas", "post.json"), data, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "schemas", "Post.json"), data, 0o644); err != nil {
		return err
	}
	posts := filepath.Join(cal, "posts")
	return filepath.WalkDir(posts, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cal, p)
		dst := filepath.Join(out, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, append([]byte("apiVersion: postctl/v1\nkind: Post\n"), body...), 0o644)
	})
}
