// Command valegen prepares a generated calendar for Vale, for bench/run: it writes every text postctl's
// voice rules read in the posts (each post's text, each per-channel override's text and each thread
// item) as a .txt file, and translates the calendar's voice.yaml into a Vale style with a .vale.ini,
// so that `vale --output=line texts` lints the same texts with the same rules, as near as Vale allows:
//
//	valegen -cal CAL -out DIR
//	cd DIR && vale --output=line texts
//
// Vale has no idea of a post's channels, pillar, tags or kind, which voice rules filter on (where:),
// nor of a post's voice.ignore list. valegen encodes them in each file's name (@k-post@@p-product@
// @c-mastodon@@t-sponsored@@i-sentence-length@) and writes one .vale.ini section per filtered rule and
// per ignored rule, whose glob turns the rule on or off for the files it matches.
//
// How each rule type maps (printed by -mapping, and in bench/RESULTS.md):
//
//	existence      existence (tokens and patterns, case-insensitive)             exact
//	substitution   substitution (swap, case-insensitive)                         exact
//	consistency    consistency (either)                                          exact
//	capitalization capitalization $sentence on sentences, with the exceptions     approximate
//	occurrence     occurrence on the text (hashtag, exclamation, emoji, caps_word, link
//	               as regular expressions; min and max)                          approximate for emoji
//	metric         reading_grade: metric (Flesch-Kincaid grade); sentence_length:
//	               occurrence of words per sentence                             approximate
//	require        occurrence of the patterns with min: 1 (not "within the first N characters")
//	                                                                             approximate
//	length         occurrence of words (characters / 6 per word)                 approximate
//	link           existence of http:// links, of links to params_domains without each
//	               required parameter, and of links to deny_domains              approximate
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

type rule struct {
	ID            string            `yaml:"id"`
	Type          string            `yaml:"type"`
	Level         string            `yaml:"level"`
	Message       string            `yaml:"message"`
	Tokens        []string          `yaml:"tokens"`
	Patterns      []string          `yaml:"patterns"`
	Swap          map[string]string `yaml:"swap"`
	Style         string            `yaml:"style"`
	Exceptions    []string          `yaml:"exceptions"`
	Pairs         [][]string        `yaml:"pairs"`
	Within        int               `yaml:"within"`
	Token         string            `yaml:"token"`
	Max           *int              `yaml:"max"`
	Min           *int              `yaml:"min"`
	Metric        string            `yaml:"metric"`
	HTTPSOnly     bool              `yaml:"https_only"`
	RequireParams []string          `yaml:"require_params"`
	ParamsDomains []string          `yaml:"params_domains"`
	DenyDomains   []string          `yaml:"deny_domains"`
	Where         struct {
		Channels []string `yaml:"channels"`
		Pillars  []string `yaml:"pillars"`
		Tags     []string `yaml:"tags"`
		Kinds    []string `yaml:"kinds"`
	} `yaml:"where"`
}

type override struct {
	Text   string `yaml:"text"`
	Thread []any  `yaml:"thread"`
}

type post struct {
	Channels  []string            `yaml:"channels"`
	Pillar    string              `yaml:"pillar"`
	Tags      []string            `yaml:"tags"`
	Text      string              `yaml:"text"`
	Thread    []any               `yaml:"thread"`
	Overrides map[string]override `yaml:"overrides"`
	Voice     struct {
		Ignore []struct {
			Rule string `yaml:"rule"`
		} `yaml:"ignore"`
	} `yaml:"voice"`
}

func main() {
	cal := flag.String("cal", "", "calendar directory (bench/gen output)")
	out := flag.String("out", "", "directory to write to (must not exist)")
	flag.Parse()
	if *cal == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: valegen -cal CAL -out DIR")
		os.Exit(4)
	}
	if err := run(*cal, *out); err != nil {
		fmt.Fprintln(os.Stderr, "valegen:", err)
		os.Exit(1)
	}
}

func run(cal, out string) error {
	src, err := os.ReadFile(filepath.Join(cal, "voice.yaml"))
	if err != nil {
		return err
	}
	var voice struct {
		Rules []rule `yaml:"rules"`
	}
	if err := yaml.Unmarshal(src, &voice); err != nil {
		return fmt.Errorf("voice.yaml: %w", err)
	}
	styles := filepath.Join(out, "styles", "Postctl")
	if err := os.MkdirAll(styles, 0o755); err != nil {
		return err
	}
	ini := &bytes.Buffer{}
	ini.WriteString("StylesPath = styles\nMinAlertLevel = suggestion\n\n[*.txt]\nBasedOnStyles = Postctl\n")
	var filtered []rule
	for _, r := range voice.Rules {
		doc, skip := translate(r)
		if skip != "" {
			fmt.Fprintf(ini, "# %s (%s): not translated: %s\n", r.ID, r.Type, skip)
			continue
		}
		if err := os.WriteFile(filepath.Join(styles, valeName(r.ID)+".yml"), []byte(doc), 0o644); err != nil {
			return err
		}
		if glob := whereGlob(r); glob != "" {
			fmt.Fprintf(ini, "Postctl.%s = NO\n", valeName(r.ID))
			filtered = append(filtered, r)
		}
	}
	for _, r := range filtered {
		fmt.Fprintf(ini, "\n# %s applies only where: %v\n[%s]\nPostctl.%s = YES\n", r.ID, r.Where, whereGlob(r), valeName(r.ID))
	}
	// A post's voice.ignore turns the rule off for its files; these sections come last to win.
	for _, r := range voice.Rules {
		fmt.Fprintf(ini, "\n[*@i-%s@*.txt]\nPostctl.%s = NO\n", r.ID, valeName(r.ID))
	}
	if err := os.WriteFile(filepath.Join(out, ".vale.ini"), ini.Bytes(), 0o644); err != nil {
		return err
	}

	posts := filepath.Join(cal, "posts")
	return filepath.WalkDir(posts, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var ps post
		if err := yaml.Unmarshal(data, &ps); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, _ := filepath.Rel(posts, p)
		dir := filepath.Join(out, "texts", filepath.Dir(rel))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		base := strings.TrimSuffix(filepath.Base(rel), ".yaml")
		var ignores []string
		for _, ig := range ps.Voice.Ignore {
			ignores = append(ignores, ig.Rule)
		}
		write := func(suffix, text string, channels []string) error {
			if strings.TrimSpace(text) == "" {
				return nil
			}
			kind := "post"
			if strings.Contains(suffix, "thread-") {
				kind = "thread-item" // not matched by where: kinds: [post]
			}
			name := base + suffix + attrs(kind, ps.Pillar, channels, ps.Tags, ignores) + ".txt"
			return os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
		}
		// The post's own text goes to the channels without an override of the text.
		var plain []string
		for _, c := range ps.Channels {
			if o, ok := ps.Overrides[c]; !ok || o.Text == "" {
				plain = append(plain, c)
			}
		}
		if len(plain) == 0 {
			plain = ps.Channels
		}
		if err := write("", ps.Text, plain); err != nil {
			return err
		}
		for i, t := range ps.Thread {
			if err := write(fmt.Sprintf(".thread-%d", i+1), threadText(t), plain); err != nil {
				return err
			}
		}
		chans := make([]string, 0, len(ps.Overrides))
		for c := range ps.Overrides {
			chans = append(chans, c)
		}
		sort.Strings(chans)
		for _, c := range chans {
			o := ps.Overrides[c]
			if err := write("."+c, o.Text, []string{c}); err != nil {
				return err
			}
			for i, t := range o.Thread {
				if err := write(fmt.Sprintf(".%s.thread-%d", c, i+1), threadText(t), []string{c}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func threadText(t any) string {
	switch t := t.(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["text"].(string)
		return s
	}
	return ""
}

// attrs encodes what voice rules filter on in a file name. Thread items get a kind of their own, so
// that rules for kind post that look at the whole post (require, a minimum length or count) only
// run on the post's text.
func attrs(kind, pillar string, channels, tags, ignores []string) string {
	var b strings.Builder
	b.WriteString("@k-" + kind + "@")
	if pillar != "" {
		b.WriteString("@p-" + pillar + "@")
	}
	for _, c := range channels {
		b.WriteString("@c-" + c + "@")
	}
	for _, t := range tags {
		b.WriteString("@t-" + safe(t) + "@")
	}
	for _, i := range ignores {
		b.WriteString("@i-" + i + "@")
	}
	return b.String()
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// whereGlob is the .vale.ini section glob of the files a rule's where: selects ("" for all).
func whereGlob(r rule) string {
	w := r.Where
	if len(w.Channels)+len(w.Pillars)+len(w.Tags)+len(w.Kinds) == 0 {
		return ""
	}
	alt := func(prefix string, vals []string) string {
		for i, v := range vals {
			vals[i] = safe(v)
		}
		return "@" + prefix + "-{" + strings.Join(vals, ",") + "}@"
	}
	parts := []string{}
	if len(w.Kinds) > 0 {
		parts = append(parts, alt("k", w.Kinds))
	}
	if len(w.Pillars) > 0 {
		parts = append(parts, alt("p", w.Pillars))
	}
	if len(w.Channels) > 0 {
		parts = append(parts, alt("c", w.Channels))
	}
	if len(w.Tags) > 0 {
		parts = append(parts, alt("t", w.Tags))
	}
	return "*" + strings.Join(parts, "*") + "*.txt"
}

func valeName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// emoji matches one emoji as people see it: a flag, or an emoji with skin tones and ZWJ sequences.
const emoji = `[\x{1F1E6}-\x{1F1FF}]{2}|` + emojiBase + `(?:\x{200D}` + emojiBase + `)*`
const emojiBase = `[\x{1F000}-\x{1FAFF}\x{2600}-\x{27BF}][\x{1F3FB}-\x{1F3FF}\x{FE0F}]*`

var placeholder = regexp.MustCompile(`\{\{\s*match\s*\}\}`)

// translate returns the Vale rule for r, or why it has none.
func translate(r rule) (doc, skip string) {
	msg := placeholder.ReplaceAllString(r.Message, "%s")
	var b strings.Builder
	head := func(extends string) {
		fmt.Fprintf(&b, "extends: %s\nmessage: %s\nlevel: %s\n", extends, q(msg), r.Level)
	}
	list := func(key string, vals []string) {
		fmt.Fprintf(&b, "%s:\n", key)
		for _, v := range vals {
			fmt.Fprintf(&b, "  - %s\n", q(v))
		}
	}
	count := func(token string) {
		fmt.Fprintf(&b, "scope: text\ntoken: %s\n", q(token))
		if r.Max != nil {
			fmt.Fprintf(&b, "max: %d\n", *r.Max)
		}
		if r.Min != nil {
			fmt.Fprintf(&b, "min: %d\n", *r.Min)
		}
	}
	switch r.Type {
	case "existence":
		head("existence")
		b.WriteString("ignorecase: true\nnonword: true\n")
		var toks []string
		for _, t := range r.Tokens {
			toks = append(toks, `\b`+regexp.QuoteMeta(t)+`\b`)
		}
		for _, p := range r.Patterns {
			toks = append(toks, strings.TrimPrefix(p, "(?i)"))
		}
		list("tokens", toks)
	case "substitution":
		// Vale's substitution message takes the replacement, then the match.
		msg = "Use '%s' instead of '%s' (" + r.ID + ")."
		head("substitution")
		b.WriteString("ignorecase: true\nswap:\n")
		for _, k := range sortedKeys(r.Swap) {
			fmt.Fprintf(&b, "  %s: %s\n", q(k), q(r.Swap[k]))
		}
	case "capitalization":
		if r.Style != "sentence" {
			return "", "only style: sentence is translated"
		}
		// Vale's capitalization $sentence wants every word but the first in lower case; the
		// postctl rule only wants a capital at the start of each sentence: a word in lower case
		// at the start of a line or after . ! or ?, that is not a link.
		head("existence")
		b.WriteString("nonword: true\n")
		list("tokens", []string{`(?m)(?:^|(?<=[.!?]\s{1,3}))[a-z][\w'’-]*\b(?![:/.@\w])`})
		list("exceptions", r.Exceptions)
	case "consistency":
		head("consistency")
		b.WriteString("ignorecase: true\neither:\n")
		for _, p := range r.Pairs {
			if len(p) == 2 {
				fmt.Fprintf(&b, "  %s: %s\n", q(p[0]), q(p[1]))
			}
		}
	case "require":
		head("occurrence")
		min := 1
		r.Min, r.Max = &min, nil
		count(strings.Join(r.Patterns, "|"))
	case "occurrence":
		tok, ok := map[string]string{
			"hashtag":     `#\w+`,
			"exclamation": `!`,
			"emoji":       emoji,
			"caps_word":   `\b[A-Z]{2,}\b`,
			"link":        `https?://\S+`,
		}[r.Token]
		if !ok {
			return "", "unknown token " + r.Token
		}
		msg = placeholder.ReplaceAllString(r.Message, "%d") // Vale gives an occurrence rule the count
		head("occurrence")
		count(tok)
	case "length":
		head("occurrence")
		// About six characters a word, space included.
		if r.Max != nil {
			m := (*r.Max + 5) / 6
			r.Max = &m
		}
		if r.Min != nil {
			m := *r.Min / 6
			r.Min = &m
		}
		count(`[^\s]+`)
	case "metric":
		switch r.Metric {
		case "reading_grade":
			head("metric")
			b.WriteString("formula: |\n  (0.39 * (words / sentences)) + (11.8 * (syllables / words)) - 15.59\n")
			if r.Max != nil {
				fmt.Fprintf(&b, "condition: \"> %d\"\n", *r.Max)
			}
		case "sentence_length":
			head("occurrence")
			fmt.Fprintf(&b, "scope: sentence\ntoken: %s\n", q(`\b\w+\b`))
			if r.Max != nil {
				fmt.Fprintf(&b, "max: %d\n", *r.Max)
			}
		default:
			return "", "unknown metric " + r.Metric
		}
	case "link":
		head("existence")
		b.WriteString("nonword: true\n")
		var toks []string
		if r.HTTPSOnly {
			toks = append(toks, `http://\S+`)
		}
		for _, d := range r.ParamsDomains {
			for _, p := range r.RequireParams {
				toks = append(toks, `https?://(?:[\w-]+\.)*`+regexp.QuoteMeta(d)+`(?![\w.-])(?!\S*[?&]`+regexp.QuoteMeta(p)+`=)\S*`)
			}
		}
		for _, d := range r.DenyDomains {
			toks = append(toks, `https?://(?:[\w-]+\.)*`+regexp.QuoteMeta(d)+`(?![\w.-])\S*`)
		}
		if len(toks) == 0 {
			return "", "nothing to check"
		}
		list("tokens", toks)
	default:
		return "", "unknown type"
	}
	return b.String(), ""
}

func q(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
