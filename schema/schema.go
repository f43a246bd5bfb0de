// Package schema holds the JSON Schemas of the calendar files, embedded in the binary, and validates
// YAML documents against them with every violation mapped back to a line and column.
package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// Kind names a kind of calendar file; each has one schema.
type Kind string

const (
	Calendar Kind = "calendar"
	Strategy Kind = "strategy"
	Voice    Kind = "voice"
	Post     Kind = "post"
	Playbook Kind = "playbook"
	Reply    Kind = "reply"
	Crisis   Kind = "crisis"
)

// Kinds lists every kind in a stable order.
func Kinds() []Kind {
	return []Kind{Calendar, Strategy, Voice, Post, Playbook, Reply, Crisis}
}

// FileName is the schema's file name, as exported and referenced by modelines.
func (k Kind) FileName() string { return string(k) + ".schema.json" }

// URL is the schema's $id.
func (k Kind) URL() string { return "https://postctl.dev/schemas/v1/" + k.FileName() }

//go:embed *.schema.json
var files embed.FS

// Source returns the schema document of a kind as embedded.
func Source(k Kind) []byte {
	b, err := fs.ReadFile(files, k.FileName())
	if err != nil {
		panic(fmt.Sprintf("schema %s is not embedded: %v", k, err))
	}
	return b
}

// Violation is one way a document breaks its schema, placed at the YAML node that is wrong.
type Violation struct {
	Line, Col int
	Keyword   string // the schema keyword that failed, e.g. "required"; "yaml" for document structure
	Message   string
}

type compiled struct {
	schemas map[Kind]*jsonschema.Schema
	raw     map[string]any // schema URL → decoded document, for messages
}

var (
	compileOnce sync.Once
	all         compiled
)

// load compiles every schema once; an embedded schema that does not compile is a build mistake.
func load() *compiled {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		// Draft 7: the newest draft that editors (yaml-language-server) fully support.
		c.Draft = jsonschema.Draft7
		all = compiled{schemas: map[Kind]*jsonschema.Schema{}, raw: map[string]any{}}
		for _, k := range Kinds() {
			src := Source(k)
			if err := c.AddResource(k.URL(), bytes.NewReader(src)); err != nil {
				panic(fmt.Sprintf("schema %s: %v", k, err))
			}
			var doc any
			if err := json.Unmarshal(src, &doc); err != nil {
				panic(fmt.Sprintf("schema %s: %v", k, err))
			}
			all.raw[k.URL()] = doc
		}
		for _, k := range Kinds() {
			all.schemas[k] = c.MustCompile(k.URL())
		}
	})
	return &all
}

// Validate checks one parsed YAML document (a DocumentNode or its content) against the schema of
// kind. It never panics on odd input: structure the JSON model cannot hold (duplicate keys,
// non-scalar keys, alias explosions, excessive nesting) comes back as violations.
func Validate(k Kind, doc *yaml.Node) []Violation {
	c := load()
	b := newBuilder(doc)
	value := b.value(doc, 0)
	if len(b.violations) > 0 {
		return sortViolations(b.violations)
	}
	err := c.schemas[k].Validate(value)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []Violation{{Line: 1, Col: 1, Keyword: "schema", Message: err.Error()}}
	}
	root := documentContent(doc)
	m := messenger{c: c, root: root, value: value}
	var out []Violation
	for _, leaf := range leaves(ve) {
		out = append(out, m.violations(leaf)...)
	}
	return sortViolations(withoutMisspelled(dedupe(out)))
}

func documentContent(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return n.Content[0]
	}
	return n
}

// leaves flattens the error tree to the errors that say something specific. Branches of an anyOf or
// oneOf are kept as one error: listing why every alternative failed only confuses.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	kw := lastSegment(ve.KeywordLocation)
	if kw == "anyOf" || kw == "oneOf" {
		// An alternative that fails only because the value is of another type is not the one
		// the user meant: when a single alternative takes the value's type, report its errors
		// ("unknown key" in a follow-up object, not "expected text or an object").
		var sameType []*jsonschema.ValidationError
		for _, c := range ve.Causes {
			if !failsOnType(c, ve.InstanceLocation) {
				sameType = append(sameType, c)
			}
		}
		if len(sameType) == 1 && len(ve.Causes) > 1 {
			return leaves(sameType[0])
		}
		// When every branch fails on a nested value rather than the value itself, the deepest
		// instance locations are what the user should fix; otherwise report the alternatives.
		if inner := commonDeeper(ve); inner != nil {
			return inner
		}
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// failsOnType says whether the error includes a type mismatch of the value at instance itself.
func failsOnType(ve *jsonschema.ValidationError, instance string) bool {
	if lastSegment(ve.KeywordLocation) == "type" && ve.InstanceLocation == instance {
		return true
	}
	for _, c := range ve.Causes {
		if failsOnType(c, instance) {
			return true
		}
	}
	return false
}

// commonDeeper returns the leaves of the branch that got furthest into the instance, when that is
// deeper than the anyOf itself: "text is required" beats "does not match any alternative".
func commonDeeper(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var best []*jsonschema.ValidationError
	bestDepth := strings.Count(ve.InstanceLocation, "/")
	for _, c := range ve.Causes {
		ls := leaves(c)
		depth := 0
		for _, l := range ls {
			if d := strings.Count(l.InstanceLocation, "/"); d > depth {
				depth = d
			}
		}
		if depth > bestDepth {
			best, bestDepth = ls, depth
		}
	}
	return best
}

func lastSegment(loc string) string {
	if i := strings.LastIndexByte(loc, '/'); i >= 0 {
		return loc[i+1:]
	}
	return loc
}

// withoutMisspelled drops "missing required key "message" (is "mesage" a misspelling of it?)" when
// the same mapping also reports "unknown key "mesage" (did you mean "message"?)": one typo, one finding.
// The two come from different schema objects when a mapping is checked by several (voice rules).
func withoutMisspelled(vs []Violation) []Violation {
	unknown := map[string]bool{}
	for _, v := range vs {
		if v.Keyword == "additionalProperties" {
			unknown[v.Message] = true
		}
	}
	out := vs[:0]
	for _, v := range vs {
		if v.Keyword == "required" {
			field, rest, _ := strings.Cut(v.Message, "missing required key ")
			missing, typo, ok := strings.Cut(rest, " (is ")
			typo, _, _ = strings.Cut(typo, " a misspelling")
			if ok && unknown[fmt.Sprintf("%sunknown key %s (did you mean %s?)", field, typo, missing)] {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

func dedupe(vs []Violation) []Violation {
	seen := map[Violation]bool{}
	out := vs[:0]
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func sortViolations(vs []Violation) []Violation {
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Line != vs[j].Line {
			return vs[i].Line < vs[j].Line
		}
		return vs[i].Col < vs[j].Col
	})
	return vs
}
