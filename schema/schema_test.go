package schema

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func parse(t testing.TB, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return &doc
}

// docsExamples returns the first yaml block under each file heading of docs/files.md, so the
// documented examples and the schemas cannot drift apart.
func docsExamples(t *testing.T) map[Kind]string {
	t.Helper()
	src, err := os.ReadFile("../docs/files.md")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]Kind{
		"calendar.yaml": Calendar, "strategy.yaml": Strategy, "voice.yaml": Voice, "posts/**/*.yaml": Post,
		"playbooks/*.yaml": Playbook, "replies/*.yaml": Reply, "crisis.yaml": Crisis,
	}
	re := regexp.MustCompile("(?ms)^## `([^`]+)`\n.*?```yaml\n(.*?)```")
	out := map[Kind]string{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		if k, ok := kinds[m[1]]; ok {
			out[k] = m[2]
		}
	}
	if len(out) != len(Kinds()) {
		t.Fatalf("found examples for %d kinds in docs/files.md, want %d", len(out), len(Kinds()))
	}
	return out
}

func TestDocsExamplesAreValid(t *testing.T) {
	for kind, src := range docsExamples(t) {
		t.Run(string(kind), func(t *testing.T) {
			if got := Validate(kind, parse(t, src)); len(got) != 0 {
				t.Errorf("violations in the documented example:\n%v", got)
			}
		})
	}
}

func TestValidateValid(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		src  string
	}{
		{"minimal post", Post, "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\n"},
		// YAML would read these as timestamps; the builder keeps the text as written.
		{"timestamp publish_at", Post, "publish_at: 2026-12-01T09:00:00Z\nchannels: [mastodon]\ntext: Hi\n"},
		{"date due", Strategy, "goals:\n  - metric: followers\n    target: 15000\n    due: 2027-03-31\n"},
		{"timestamp activated_at", Crisis, "playbook: recall\nactivated_at: 2026-12-03T14:05:00Z\nreason: Batch 42\n"},
		{"merge key", Post, `publish_at: 2026-12-01T09:00
channels: [mastodon, bluesky]
text: Hi
overrides:
  mastodon: &o
    text: Hello
  bluesky:
    <<: *o
`},
		{"merge key list, explicit key wins", Post, `publish_at: 2026-12-01T09:00
channels: [mastodon, bluesky]
text: Hi
media:
  - &m
    file: media/a.png
    alt: A
  - <<: [*m]
    file: media/b.png
`},
		{"alias to a scalar and a list", Post, `publish_at: &t 2026-12-01T09:00
channels: &c [mastodon]
text: Hi
thread:
  - text: More
    media:
      - file: media/a.png
        alt: *t
voice:
  ignore:
    - rule: no-hype
      reason: Because.
`},
		{"integer spellings", Strategy, "cadence:\n  mastodon:\n    max_per_day: 0x3\n    min_per_week: 1_0\n"},
		{"deep but within the limit", Post, "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\ntags: [a]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Validate(tt.kind, parse(t, tt.src)); len(got) != 0 {
				t.Errorf("violations: %v", got)
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	const channelID = "a channel id of lower-case letters, digits, '_' or '-' (starting with a letter or digit, at most 64 characters)"
	tests := []struct {
		name string
		kind Kind
		src  string
		want []Violation
	}{
		{
			name: "required at the top level points at the first key",
			kind: Post,
			src:  "# modeline\npublish_at: 2026-12-01T09:00\n",
			want: []Violation{{2, 1, "required", `missing required keys "channels" and "text"`}},
		},
		{
			name: "required in a nested mapping points at its key",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\noverrides:\n  bluesky: {}\n",
			want: []Violation{{5, 3, "required", `overrides.bluesky: missing required key "text"`}},
		},
		{
			name: "required in a list item points at its first key",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nmedia:\n  - file: a.png\n",
			want: []Violation{{5, 5, "required", `media[0]: missing required key "alt"`}},
		},
		{
			name: "unknown key with did-you-mean",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\ntitel: Launch\n",
			want: []Violation{{4, 1, "additionalProperties", `unknown key "titel" (did you mean "title"?)`}},
		},
		{
			name: "unknown keys each at their key, nested",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nmedia:\n  - file: a.png\n    alt: A\n    alts: B\n    caption: C\n",
			want: []Violation{
				{7, 5, "additionalProperties", `media[0]: unknown key "alts" (did you mean "alt"?)`},
				{8, 5, "additionalProperties", `media[0]: unknown key "caption"; allowed keys: alt, file`},
			},
		},
		{
			name: "unknown key brought in by a merge is reported where it is written",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nmedia:\n  - &m\n    file: a.png\n    alt: A\n    colour: red\n  - <<: *m\n",
			want: []Violation{
				{8, 5, "additionalProperties", `media[0]: unknown key "colour"; allowed keys: alt, file`},
				{8, 5, "additionalProperties", `media[1]: unknown key "colour"; allowed keys: alt, file`},
			},
		},
		{
			name: "type",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: bluesky\ntext: Hi\n",
			want: []Violation{{2, 11, "type", `channels: expected a list, got "bluesky"`}},
		},
		{
			name: "type: a number where text belongs",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: 42\n",
			want: []Violation{{3, 7, "type", `text: expected text, got the number 42 (write "42" in quotes if it is meant as text)`}},
		},
		{
			name: "enum with did-you-mean",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nstatus: sheduled\n",
			want: []Violation{{4, 9, "enum", `status: expected one of "draft" or "scheduled", got "sheduled" (did you mean "scheduled"?)`}},
		},
		{
			name: "const",
			kind: Playbook,
			src:  "name: Recall\nseverity: high\npause:\n  all: false\n",
			want: []Violation{{4, 8, "const", `pause.all: expected true, got false`}},
		},
		{
			name: "pattern with x-expected",
			kind: Post,
			src:  "publish_at: next week\nchannels: [Mastodon]\ntext: Hi\n",
			want: []Violation{
				{1, 13, "pattern", `publish_at: expected a time such as 2026-12-01T09:00 or 2026-12-01T09:00:00+01:00, got "next week"`},
				{2, 12, "pattern", `channels[0]: expected ` + channelID + `, got "Mastodon"`},
			},
		},
		{
			name: "pattern of a map key",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\noverrides:\n  Blue Sky:\n    text: Hi\n",
			want: []Violation{{5, 3, "pattern", `"Blue Sky" is not a valid name here: expected ` + channelID}},
		},
		{
			name: "minLength",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: \"\"\n",
			want: []Violation{{3, 7, "minLength", `text: must not be empty`}},
		},
		{
			name: "minItems",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: []\ntext: Hi\n",
			want: []Violation{{2, 11, "minItems", `channels: needs at least one item`}},
		},
		{
			name: "uniqueItems points at the repeat",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [mastodon, bluesky, mastodon]\ntext: Hi\n",
			want: []Violation{{2, 31, "uniqueItems", `channels: lists "mastodon" more than once`}},
		},
		{
			name: "minimum and maximum",
			kind: Strategy,
			src:  "pillars:\n  product:\n    share: 1.5\n    max_share: -0.1\ncadence:\n  mastodon:\n    max_per_day: 0\n",
			want: []Violation{
				{3, 12, "maximum", `pillars.product.share: must be at most 1, got 1.5`},
				{4, 16, "minimum", `pillars.product.max_share: must be at least 0, got -0.1`},
				{7, 18, "minimum", `cadence.mastodon.max_per_day: must be at least 1, got 0`},
			},
		},
		{
			name: "anyOf of required sets",
			kind: Playbook,
			src:  "name: Recall\nseverity: high\npause: {}\n",
			want: []Violation{{3, 1, "anyOf", `pause: needs "all" or "channels" or "pillars" or "tags"`}},
		},
		{
			name: "anyOf of types with x-expected",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nthread:\n  - 42\n",
			want: []Violation{{5, 5, "anyOf", `thread[0]: expected a follow-up text, or an object with text and optional media, got the number 42`}},
		},
		{
			name: "anyOf: the alternative of the value's type explains",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nthread:\n  - text: More\n    media: []\n    alt: x\n",
			want: []Violation{{7, 5, "additionalProperties", `thread[0]: unknown key "alt"; allowed keys: media, text`}},
		},
		{
			name: "oneOf: both",
			kind: Calendar,
			src:  "brand: B\ntimezone: UTC\nchannels:\n  hook:\n    provider: webhook\n    url: https://example.com/h\n    url_env: HOOK_URL\n",
			want: []Violation{{4, 3, "oneOf", `channels.hook: set only one of "url" or "url_env"`}},
		},
		{
			name: "oneOf: neither",
			kind: Calendar,
			src:  "brand: B\ntimezone: UTC\nchannels:\n  hook:\n    provider: webhook\n",
			want: []Violation{{4, 3, "oneOf", `channels.hook: needs "url" or "url_env"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.kind, parse(t, tt.src))
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Validate (-got +want):\n%s", diff)
			}
		})
	}
}

func TestValidateStructure(t *testing.T) {
	deep := "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\ntags: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n"
	tests := []struct {
		name string
		kind Kind
		src  string
		want []Violation
	}{
		{
			name: "duplicate key",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\ntext: Again\n",
			want: []Violation{{4, 1, "yaml", `key "text" is already defined at line 3`}},
		},
		{
			name: "duplicate key in a nested mapping",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nmedia:\n  - {file: a.png, alt: A, file: b.png}\n",
			want: []Violation{{5, 27, "yaml", `key "file" is already defined at line 5`}},
		},
		{
			name: "non-scalar key",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\n? [a, b]\n: c\n",
			want: []Violation{{4, 3, "yaml", "a key must be a plain word, not a list or mapping"}},
		},
		{
			name: "merge of a scalar",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\noverrides:\n  bluesky:\n    <<: 42\n",
			want: []Violation{{6, 9, "yaml", "a merge key (<<) takes a mapping or a list of mappings"}},
		},
		{
			name: "self-referencing alias",
			kind: Post,
			src:  "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\ntags: &t [a, *t]\n",
			want: []Violation{{4, 14, "yaml", "alias *t refers to itself"}},
		},
		{
			name: "nesting deeper than MaxDepth",
			kind: Post,
			src:  deep,
			want: []Violation{{4, 71, "yaml", "nesting is deeper than 64 levels"}},
		},
		{
			name: ".inf",
			kind: Strategy,
			src:  "goals:\n  - metric: followers\n    target: .inf\n    due: 2027-03-31\n",
			want: []Violation{{3, 13, "yaml", ".inf is not a finite number"}},
		},
		{
			name: ".nan",
			kind: Strategy,
			src:  "goals:\n  - metric: followers\n    target: .NaN\n    due: 2027-03-31\n",
			want: []Violation{{3, 13, "yaml", ".NaN is not a finite number"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.kind, parse(t, tt.src))
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Validate (-got +want):\n%s", diff)
			}
		})
	}
}

// An alias bomb (each level referring to the one before nine times) would expand to 10^9 values;
// the builder must give up after its budget, fast and with one violation.
func TestValidateAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("publish_at: 2026-12-01T09:00\nchannels: [bluesky]\ntext: Hi\nthread:\n")
	b.WriteString(`  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString("  - &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n")
		prev = name
	}
	start := time.Now()
	got := Validate(Post, parse(t, b.String()))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Validate took %v on an alias bomb", d)
	}
	want := []Violation{{8, 18, "yaml", "aliases expand to more than 10000 values; a calendar file needs far fewer (is this an alias bomb?)"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Validate (-got +want):\n%s", diff)
	}
}

func TestValidateDocumentOrContent(t *testing.T) {
	// Validate takes the document node or its content alike.
	doc := parse(t, "publish_at: 2026-12-01T09:00\nchannels: [bluesky]\n")
	a, b := Validate(Post, doc), Validate(Post, doc.Content[0])
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("document vs content (-got +want):\n%s", diff)
	}
}

func TestSchemasCompile(t *testing.T) {
	c := load()
	for _, k := range Kinds() {
		if c.schemas[k] == nil {
			t.Errorf("schema %s did not compile", k)
		}
		var doc map[string]any
		if err := json.Unmarshal(Source(k), &doc); err != nil {
			t.Errorf("%s: %v", k.FileName(), err)
			continue
		}
		if doc["$id"] != k.URL() {
			t.Errorf("%s: $id = %v, want %s", k.FileName(), doc["$id"], k.URL())
		}
	}
}

// Every pattern needs words for its message: "expected a channel id of ...", never a regexp.
func TestEveryPatternHasExpected(t *testing.T) {
	for _, k := range Kinds() {
		var doc any
		if err := json.Unmarshal(Source(k), &doc); err != nil {
			t.Fatal(err)
		}
		var missing []string
		var walk func(v any, ptr string)
		walk = func(v any, ptr string) {
			switch x := v.(type) {
			case map[string]any:
				if p, ok := x["pattern"].(string); ok {
					if e, _ := x["x-expected"].(string); e == "" {
						missing = append(missing, ptr+" ("+p+")")
					}
				}
				for key, c := range x {
					walk(c, ptr+"/"+key)
				}
			case []any:
				for _, c := range x {
					walk(c, ptr+"/[]")
				}
			}
		}
		walk(doc, "#")
		sort.Strings(missing)
		for _, m := range missing {
			t.Errorf("%s: pattern without x-expected at %s", k.FileName(), m)
		}
	}
}

func TestClosest(t *testing.T) {
	opts := []string{"text", "title", "tags", "thread", "channels"}
	tests := []struct{ in, want string }{
		{"txt", "text"},
		{"titel", "title"},
		{"Text", "text"},
		{"chanels", "channels"},
		{"colour", ""},
		{"tgs", "tags"},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.in, opts); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
