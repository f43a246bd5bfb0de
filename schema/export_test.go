package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The example calendar ships the schemas its modelines point at; they must be the ones postctl embeds,
// or editors would check the example against stale rules. Refresh with
// `go run ./cmd/postctl schema export examples/calendar/schemas`.
func TestExampleSchemasAreCurrent(t *testing.T) {
	for _, k := range Kinds() {
		got, err := os.ReadFile(filepath.Join("..", "examples", "calendar", "schemas", k.FileName()))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(got), string(Source(k))); diff != "" {
			t.Errorf("examples/calendar/schemas/%s is stale (-got +want):\n%s", k.FileName(), diff)
		}
	}
}
