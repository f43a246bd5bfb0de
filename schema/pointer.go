package schema

import (
	"net/url"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// pointerTokens splits a JSON pointer ("/a/0/b~1c") into unescaped tokens. The validator also
// percent-encodes each token (a key "Blue Sky" arrives as "Blue%20Sky").
func pointerTokens(ptr string) []string {
	ptr = strings.TrimPrefix(ptr, "/")
	if ptr == "" {
		return nil
	}
	parts := strings.Split(ptr, "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// location is where a value sits in the YAML tree: its node, and the key that names it when its
// parent is a mapping (errors about a whole value read best at its key).
type location struct {
	node *yaml.Node
	key  *yaml.Node
}

// locate follows pointer tokens through the YAML tree, through aliases and merge keys. When a token
// cannot be followed it stops at the deepest node found, which is still the best place to point.
func locate(root *yaml.Node, tokens []string) location {
	loc := location{node: root}
	for _, t := range tokens {
		n := deref(loc.node)
		switch n.Kind {
		case yaml.MappingNode:
			k, v := lookupKey(n, t, 0)
			if v == nil {
				return loc
			}
			loc = location{node: v, key: k}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n.Content) {
				return loc
			}
			loc = location{node: n.Content[i]}
		default:
			return loc
		}
	}
	return loc
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < MaxDepth; i++ {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return n.Content[0]
	}
	return n
}

// lookupKey finds key in a mapping, explicit keys first, then merged ones.
func lookupKey(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if c := m.Content[i]; c.Kind == yaml.ScalarNode && c.Tag != "!!merge" && c.Value == key {
			return c, m.Content[i+1]
		}
	}
	if depth > MaxDepth {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != "!!merge" {
			continue
		}
		srcs := []*yaml.Node{m.Content[i+1]}
		if s := deref(m.Content[i+1]); s.Kind == yaml.SequenceNode {
			srcs = s.Content
		}
		for _, s := range srcs {
			if s = deref(s); s.Kind == yaml.MappingNode {
				if k, v := lookupKey(s, key, depth+1); v != nil {
					return k, v
				}
			}
		}
	}
	return nil, nil
}

// keyNode is the key node named key in mapping n, or n itself if there is none.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	if m := deref(n); m.Kind == yaml.MappingNode {
		if k, _ := lookupKey(m, key, 0); k != nil {
			return k
		}
	}
	return n
}

func lookupValue(v any, tokens []string) any {
	for _, t := range tokens {
		switch c := v.(type) {
		case map[string]any:
			v = c[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// fieldPath renders pointer tokens the way a user reads a path: thread[1].media[0].alt.
func fieldPath(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}
