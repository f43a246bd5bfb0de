package calendar

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// validCalendar is a small calendar that loads without findings; tests change one file at a time.
var validCalendar = map[string]string{
	"calendar.yaml": `# yaml-language-server: $schema=schemas/calendar.schema.json
brand: Northwind Roasters
timezone: Europe/Berlin
channels:
  mastodon:
    provider: outbox
    platform: mastodon
  bluesky:
    provider: outbox
    platform: bluesky
`,
	"strategy.yaml": `pillars:
  product:
    share: 0.5
  education:
    share: 0.5
campaigns:
  winter-blend:
    from: 2026-12-01
    to: 2027-01-06
`,
	"voice.yaml": `rules:
  - id: no-hype
    type: existence
    level: warning
    message: "Avoid hype words such as '{{match}}'."
    tokens: [revolutionary]
`,
	"posts/2026-12/launch.yaml": `# yaml-language-server: $schema=../../schemas/post.schema.json
publish_at: 2026-12-01T09:00
channels: [mastodon, bluesky]
pillar: product
campaign: winter-blend
text: |
  Winter Blend is back.
media:
  - file: media/bag.png
    alt: A bag of Winter Blend
`,
	"replies/thanks.yaml": `title: Thanks
variables:
  name:
    required: true
text: |
  Thanks, {{name}}!
`,
	"playbooks/recall.yaml": `name: Product recall
severity: critical
pause:
  all: true
replies: [thanks]
`,
	"media/bag.png": "\x89PNG\r\n",
}

// calendarFS is validCalendar with files replaced; an empty content removes the file.
func calendarFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, content := range validCalendar {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	for name, content := range files {
		if content == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return fsys
}

func TestLoadValid(t *testing.T) {
	c, findings, err := Load(calendarFS(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 0 {
		t.Fatalf("findings on the valid calendar: %v", findings)
	}
	if got, want := len(c.Posts), 1; got != want {
		t.Fatalf("%d posts, want %d", got, want)
	}
	p := c.Posts[0]
	if diff := cmp.Diff(p.ID.Value, "launch"); diff != "" {
		t.Errorf("id from the file name (-got +want):\n%s", diff)
	}
	if got, want := p.Time.UTC().Format("2006-01-02T15:04Z07:00"), "2026-12-01T08:00Z"; got != want {
		t.Errorf("publish_at = %s, want %s", got, want)
	}
}

func TestLoadNotCalendar(t *testing.T) {
	_, _, err := Load(fstest.MapFS{"posts/a.yaml": {Data: []byte("text: hi\n")}})
	if !errors.Is(err, ErrNotCalendar) {
		t.Errorf("Load without calendar.yaml: error %v, want ErrNotCalendar", err)
	}
}

func TestLoadFindings(t *testing.T) {
	const post = "posts/2026-12/launch.yaml"
	tests := []struct {
		name  string
		files map[string]string
		want  Findings
	}{
		{
			name: "unknown key at the key",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: [mastodon]
text: Hi
colour: red
`},
			want: Findings{{File: post, Line: 4, Col: 1, Rule: "schema", Level: Error,
				Message: `unknown key "colour"; allowed keys: campaign, channels, id, media, moved_from, overrides, pillar, publish_at, status, tags, text, thread, title, voice`}},
		},
		{
			name: "unknown key with did-you-mean",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: [mastodon]
txt: Hi
`},
			// The did-you-mean also covers the missing "text": one finding, at the typo.
			want: Findings{{File: post, Line: 3, Col: 1, Rule: "schema", Level: Error, Message: `unknown key "txt" (did you mean "text"?)`}},
		},
		{
			name: "missing required at the parent key",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: [mastodon, bluesky]
text: Hi
overrides:
  bluesky:
    title: Shorter
`},
			want: Findings{
				{File: post, Line: 5, Col: 3, Rule: "schema", Level: Error, Message: `overrides.bluesky: missing required key "text"`},
				{File: post, Line: 6, Col: 5, Rule: "schema", Level: Error, Message: `overrides.bluesky: unknown key "title"; allowed keys: text`},
			},
		},
		{
			name: "missing required in a list item",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: [mastodon]
text: Hi
media:
  - file: media/bag.png
`},
			want: Findings{{File: post, Line: 5, Col: 5, Rule: "schema", Level: Error, Message: `media[0]: missing required key "alt"`}},
		},
		{
			name: "wrong type at the value",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: mastodon
text: Hi
`},
			want: Findings{{File: post, Line: 2, Col: 11, Rule: "schema", Level: Error, Message: `channels: expected a list, got "mastodon"`}},
		},
		{
			name: "wrong type of a nested value",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: [mastodon]
text:
  - Hi
`},
			want: Findings{{File: post, Line: 4, Col: 3, Rule: "schema", Level: Error, Message: `text: expected text, got a list`}},
		},
		{
			name: "duplicate ids",
			files: map[string]string{
				"posts/2026-12/a.yaml": "id: launch-day\npublish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: A\n",
				"posts/2026-12/b.yaml": "# second\nid: launch-day\npublish_at: 2026-12-02T09:00\nchannels: [mastodon]\ntext: B\n",
			},
			want: Findings{{File: "posts/2026-12/b.yaml", Line: 2, Col: 5, Rule: "duplicate-id", Level: Error,
				Message: `post id "launch-day" is already used by posts/2026-12/a.yaml`}},
		},
		{
			name: "duplicate ids from file names",
			files: map[string]string{
				"posts/2027-01/launch.yaml": "publish_at: 2027-01-01T09:00\nchannels: [mastodon]\ntext: Again\n",
			},
			want: Findings{{File: "posts/2027-01/launch.yaml", Line: 1, Col: 1, Rule: "duplicate-id", Level: Error,
				Message: `post id "launch" (the file name) is already used by posts/2026-12/launch.yaml (its file name)`}},
		},
		{
			name: "dangling references",
			files: map[string]string{post: `publish_at: 2026-12-01T09:00
channels: [mastodon, twitter]
pillar: prodcut
campaign: summer
text: Hi
overrides:
  mastodn:
    text: Hi there
voice:
  ignore:
    - rule: no-hyp
      reason: It is a launch.
`},
			want: Findings{
				{File: post, Line: 2, Col: 22, Rule: "reference", Level: Error, Message: `unknown channel "twitter": calendar.yaml defines mastodon, bluesky`},
				{File: post, Line: 3, Col: 9, Rule: "reference", Level: Error, Message: `unknown pillar "prodcut" (did you mean "product"?)`},
				{File: post, Line: 4, Col: 11, Rule: "reference", Level: Error, Message: `unknown campaign "summer": strategy.yaml defines winter-blend`},
				{File: post, Line: 7, Col: 3, Rule: "reference", Level: Error, Message: `unknown channel "mastodn" (did you mean "mastodon"?)`},
				{File: post, Line: 11, Col: 13, Rule: "reference", Level: Error, Message: `unknown voice rule "no-hyp" (did you mean "no-hype"?)`},
			},
		},
		{
			name: "dangling references across kinds",
			files: map[string]string{
				"playbooks/recall.yaml": "name: Product recall\nseverity: critical\npause:\n  channels: [mastodon, fax]\nreplies: [thanks, sorry]\n",
				"crisis.yaml":           "playbook: outage\nactivated_at: 2026-12-03T14:05:00Z\nreason: Test\nby: Ana\n",
			},
			want: Findings{
				{File: "crisis.yaml", Line: 1, Col: 11, Rule: "reference", Level: Error, Message: `unknown playbook "outage": playbooks/ defines recall`},
				{File: "playbooks/recall.yaml", Line: 4, Col: 24, Rule: "reference", Level: Error, Message: `unknown channel "fax": calendar.yaml defines mastodon, bluesky`},
				{File: "playbooks/recall.yaml", Line: 5, Col: 19, Rule: "reference", Level: Error, Message: `unknown reply template "sorry": replies/ defines thanks`},
			},
		},
		{
			name:  "missing media",
			files: map[string]string{"media/bag.png": ""},
			want:  Findings{{File: post, Line: 9, Col: 11, Rule: "media", Level: Error, Message: `media file "media/bag.png" does not exist`}},
		},
		{
			name: "reply placeholder in a literal block",
			files: map[string]string{"replies/thanks.yaml": `title: Thanks
variables:
  name:
    required: true
text: |
  Thanks, {{name}}!

  Your order {{ordr}} ships today, {{name}}.
`},
			want: Findings{{File: "replies/thanks.yaml", Line: 8, Col: 14, Rule: "template", Level: Error,
				Message: "placeholder {{ordr}} is not a declared variable; declare it under variables:"}},
		},
		{
			name: "reply placeholder in a plain scalar",
			files: map[string]string{"replies/thanks.yaml": `title: Thanks
variables:
  name:
    required: true
  order: {}
text: Thanks, {{nme}}! Order {{order}} and {{bad name}}.
`},
			// The did-you-mean at {{nme}} also explains why "name" looks unused.
			want: Findings{
				{File: "replies/thanks.yaml", Line: 6, Col: 15, Rule: "template", Level: Error, Message: `placeholder {{nme}} is not a declared variable (did you mean {{name}}?)`},
				{File: "replies/thanks.yaml", Line: 6, Col: 44, Rule: "template", Level: Error, Message: `placeholder {{bad name}} is not a variable name (letters, digits and '_', not starting with a digit)`},
			},
		},
		{
			name: "reply placeholder in a folded block",
			files: map[string]string{"replies/thanks.yaml": `title: Thanks
variables:
  name:
    required: true
text: >
  Thanks, {{name}}!
  And {{other}}.
`},
			want: Findings{{File: "replies/thanks.yaml", Line: 7, Col: 7, Rule: "template", Level: Error,
				Message: "placeholder {{other}} is not a declared variable; declare it under variables:"}},
		},
		{
			name: "secrets",
			files: map[string]string{
				"calendar.yaml": `brand: Northwind Roasters
timezone: Europe/Berlin
channels:
  mastodon:
    provider: mastodon
    server: https://mastodon.social
    access_token_env: Zq8vK2mN5pL9xR3tW7yB4cF6
  slack:
    provider: webhook
    url: https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx
    secret: hunter2
  bluesky:
    provider: outbox
`,
				post: "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: \"token ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\n",
			},
			want: Findings{
				{File: "calendar.yaml", Line: 7, Col: 23, Rule: "secret", Level: Error,
					Message: "access_token_env looks like the secret itself: access_token_env takes the name of an environment variable that holds it, such as ACCESS_TOKEN"},
				{File: "calendar.yaml", Line: 10, Col: 18, Rule: "secret", Level: Error,
					Message: "this looks like a Slack webhook URL (its path is the secret): never put secrets in the calendar; name an environment variable with a *_env key instead"},
				{File: "calendar.yaml", Line: 11, Col: 5, Rule: "secret", Level: Error,
					Message: `"secret" looks like a credential: never put secrets in the calendar; store it in an environment variable and name that variable with secret_env`},
				{File: post, Line: 3, Col: 14, Rule: "secret", Level: Error,
					Message: "this looks like a GitHub token: never put secrets in the calendar; name an environment variable with a *_env key instead"},
			},
		},
		{
			name:  "publish_at in a DST gap",
			files: map[string]string{post: "publish_at: 2027-03-28T02:30\nchannels: [mastodon]\ntext: Hi\n"},
			want: Findings{{File: post, Line: 1, Col: 13, Rule: "time", Level: Error,
				Message: "publish_at: 2027-03-28T02:30 does not exist in Europe/Berlin: the clocks skip that hour (daylight saving time starts); write 2027-03-28T02:30:00+01:00 (which is 03:30 CEST local) or 2027-03-28T02:30:00+02:00 (which is 01:30 CET local)"}},
		},
		{
			name:  "publish_at in a DST overlap",
			files: map[string]string{post: "publish_at: 2026-10-25T02:30\nchannels: [mastodon]\ntext: Hi\n"},
			want: Findings{{File: post, Line: 1, Col: 13, Rule: "time", Level: Error,
				Message: "publish_at: 2026-10-25T02:30 is ambiguous in Europe/Berlin: the clocks pass it twice (daylight saving time ends); write 2026-10-25T02:30:00+02:00 (CEST) or 2026-10-25T02:30:00+01:00 (CET)"}},
		},
		{
			name:  "publish_at not a real date",
			files: map[string]string{post: "publish_at: 2026-02-30T09:00\nchannels: [mastodon]\ntext: Hi\n"},
			want:  Findings{{File: post, Line: 1, Col: 13, Rule: "time", Level: Error, Message: "publish_at: 2026-02-30 is not a real date"}},
		},
		{
			name:  "YAML syntax error stops at the file",
			files: map[string]string{post: "publish_at: 2026-12-01T09:00\nchannels: [mastodon\ntext: Hi\n"},
			want: Findings{{File: post, Line: 2, Col: 11, Rule: "yaml", Level: Error,
				Message: "the list opened here with '[' is never closed (missing ']' or ',')"}},
		},
		{
			// YAML counts a lone CR (and NEL, LS, PS) as a line break; the file's lines do not.
			name:  "carriage return without line feed",
			files: map[string]string{post: "publish_at: 2026-12-01T09:00\rchannels: [mastodon]\rtext: Hi\r"},
			want: Findings{{File: post, Line: 1, Col: 29, Rule: "file", Level: Error,
				Message: "a carriage return (CR) without a line feed: YAML reads it as a line break; save the file with LF or CRLF line endings"}},
		},
		{
			name:  "line separator in the text",
			files: map[string]string{post: "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: Hi\u2028there\n"},
			want: Findings{{File: post, Line: 3, Col: 9, Rule: "file", Level: Error,
				Message: "invisible character U+2028 here is read by YAML as a line break; delete it (or write \\u2028 inside double quotes)"}},
		},
		{
			name:  "CRLF is fine",
			files: map[string]string{post: "publish_at: 2026-12-01T09:00\r\nchannels: [mastodon]\r\ntext: |\r\n  Hi\r\n"},
		},
		{
			name:  "empty post",
			files: map[string]string{post: "# yaml-language-server: $schema=../../schemas/post.schema.json\n"},
			want:  Findings{{File: post, Line: 1, Col: 1, Rule: "file", Level: Error, Message: "the file holds only comments: expected a post with publish_at, channels and text"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := Load(calendarFS(tt.files))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("findings (-got +want):\n%s", diff)
			}
		})
	}
}

// The bundled example is what `postctl init` users and the README point at: it must stay clean.
func TestExampleCalendarIsValid(t *testing.T) {
	c, findings, err := Load(os.DirFS("../examples/calendar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("%s:%d:%d: %s: %s (%s)", f.File, f.Line, f.Col, f.Level, f.Message, f.Rule)
	}
	if len(c.Posts) == 0 || len(c.Replies) == 0 || len(c.Playbooks) == 0 {
		t.Errorf("example has %d posts, %d replies, %d playbooks; want some of each", len(c.Posts), len(c.Replies), len(c.Playbooks))
	}
	for _, p := range c.Posts {
		if p.Time.IsZero() {
			t.Errorf("%s: publish_at did not resolve", p.File)
		}
		if strings.Contains(p.ID.Value, "/") {
			t.Errorf("%s: id %q has a slash", p.File, p.ID.Value)
		}
	}
}
