package schema

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

const (
	// MaxDepth bounds nesting; no calendar file needs more than a handful of levels.
	MaxDepth = 64
	// aliasBudget bounds how many nodes alias expansion may add, so an alias bomb fails fast with
	// bounded memory instead of expanding exponentially.
	aliasBudget = 10_000
)

// builder turns a yaml.Node tree into the JSON value the validator expects. YAML decoded into
// `any` would turn timestamps into time.Time and lose the source text, so scalars are converted
// by their resolved tag, keeping strings exactly as written.
type builder struct {
	budget     int
	violations []Violation
	active     map[*yaml.Node]bool // anchors being expanded, to catch self-reference
}

func newBuilder(*yaml.Node) *builder {
	return &builder{budget: aliasBudget, active: map[*yaml.Node]bool{}}
}

func (b *builder) fail(n *yaml.Node, format string, args ...any) {
	b.violations = append(b.violations, Violation{Line: n.Line, Col: n.Column, Keyword: "yaml", Message: fmt.Sprintf(format, args...)})
}

func (b *builder) value(n *yaml.Node, depth int) any {
	if n == nil || len(b.violations) > 20 {
		return nil
	}
	if depth > MaxDepth {
		b.fail(n, "nesting is deeper than %d levels", MaxDepth)
		return nil
	}
	if n.Anchor != "" && !b.active[n] {
		// An alias inside its own anchor (&t [a, *t]) refers to itself, not to a huge expansion.
		b.active[n] = true
		defer delete(b.active, n)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return b.value(n.Content[0], depth)
	case yaml.AliasNode:
		return b.alias(n, depth)
	case yaml.MappingNode:
		return b.mapping(n, depth)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, b.value(c, depth+1))
		}
		return out
	case yaml.ScalarNode:
		return b.scalar(n)
	}
	b.fail(n, "unsupported YAML node")
	return nil
}

func (b *builder) alias(n *yaml.Node, depth int) any {
	target := n.Alias
	if target == nil {
		b.fail(n, "alias *%s refers to no anchor", n.Value)
		return nil
	}
	if b.active[target] {
		b.fail(n, "alias *%s refers to itself", n.Value)
		return nil
	}
	if b.budget < 0 {
		return nil // already reported once: every further alias would say the same
	}
	b.budget -= countNodes(target, b.budget+1)
	if b.budget < 0 {
		b.fail(n, "aliases expand to more than %d values; a calendar file needs far fewer (is this an alias bomb?)", aliasBudget)
		return nil
	}
	b.active[target] = true
	defer delete(b.active, target)
	return b.value(target, depth+1)
}

// countNodes counts nodes below n, stopping once limit is passed.
func countNodes(n *yaml.Node, limit int) int {
	count := 1
	for _, c := range n.Content {
		if count > limit {
			break
		}
		count += countNodes(c, limit-count)
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil && count <= limit {
		count += countNodes(n.Alias, limit-count)
	}
	return count
}

func (b *builder) mapping(n *yaml.Node, depth int) any {
	out := make(map[string]any, len(n.Content)/2)
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			b.merge(out, v, depth)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			b.fail(k, "a key must be a plain word, not a list or mapping")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			b.fail(k, "key %q is already defined at line %d", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		out[k.Value] = b.value(v, depth+1)
	}
	return out
}

// merge applies a YAML merge key (<<: *base), whose keys never override explicit ones.
func (b *builder) merge(out map[string]any, v *yaml.Node, depth int) {
	var sources []*yaml.Node
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	} else {
		sources = []*yaml.Node{v}
	}
	for _, s := range sources {
		m, ok := b.value(s, depth+1).(map[string]any)
		if !ok {
			b.fail(s, "a merge key (<<) takes a mapping or a list of mappings")
			continue
		}
		for key, val := range m {
			if _, exists := out[key]; !exists {
				out[key] = val
			}
		}
	}
}

func (b *builder) scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		v, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return n.Value
		}
		return v
	case "!!int":
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			// Out of range or an odd spelling: keep it a number so the schema's type check
			// passes and range checks report it.
			f, ferr := strconv.ParseFloat(n.Value, 64)
			if ferr != nil {
				b.fail(n, "%s is not a number that fits in 64 bits", n.Value)
				return nil
			}
			return f
		}
		return v
	case "!!float":
		var out float64
		if err := n.Decode(&out); err != nil || math.IsNaN(out) || math.IsInf(out, 0) {
			b.fail(n, "%s is not a finite number", n.Value)
			return nil
		}
		return out
	}
	// !!str, !!timestamp, !!binary and custom tags keep the text as written.
	return n.Value
}
