package voice

import (
	"regexp/syntax"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const badRulesYAML = `
			rules:
			  - id: bad-pattern
			    type: existence
			    level: error
			    message: x
			    patterns: ['(unclosed', 'fine']
			  - id: empty-match
			    type: existence
			    level: error
			    message: x
			    patterns: ['a*', '\b', 'x|']
			  - id: empty-require
			    type: require
			    level: error
			    message: x
			    patterns: ['(#ad)?']
			  - id: ranges
			    type: occurrence
			    level: warning
			    message: x
			    token: hashtag
			    max: 1
			    min: 3
			  - id: length-range
			    type: length
			    level: warning
			    message: x
			    max: 10
			    min: 20
			  - id: placeholder
			    type: existence
			    level: warning
			    message: "'{{ match }}' and {{word}}"
			    tokens: [x]
			  - id: require-match
			    type: require
			    level: warning
			    message: "missing {{match}}"
			    tokens: [x]
			  - id: same-swap
			    type: substitution
			    level: warning
			    message: x
			    swap:
			      Espresso: Espresso
			      "  ": y
			  - id: blank-token
			    type: existence
			    level: warning
			    message: x
			    tokens: ["  "]
			  - id: link-nothing
			    type: link
			    level: warning
			    message: x
			    params_domains: [example.com]
			  - id: allow-deny
			    type: link
			    level: warning
			    message: x
			    allow_domains: [example.com]
			    deny_domains: [Example.com]
			  - id: pairs
			    type: consistency
			    level: warning
			    message: x
			    pairs: [[Email, email, e-mail]]
			  - id: exceptions
			    type: capitalization
			    level: warning
			    message: x
			    style: sentence
			    exceptions: [" "]
			  - id: case-patterns
			    type: existence
			    level: warning
			    message: "{{match}}"
			    patterns: ['fine']
			    case_sensitive: true
		`

func TestCompileBadRules(t *testing.T) {
	cal := load(t, map[string]string{
		"voice.yaml": badRulesYAML,
		"posts/p.yaml": `
			publish_at: 2026-12-01T09:00
			channels: [mastodon]
			text: fine words
		`,
	})
	e, findings := Compile(cal)
	want := []string{
		"voice.yaml:6:16: error: invalid pattern: missing closing ): `(unclosed` [voice]",
		"voice.yaml:11:16: error: pattern a* can match empty text, so it would report every text; make it match at least one character [voice]",
		"voice.yaml:11:22: error: pattern \\b can match empty text, so it would report every text; make it match at least one character [voice]",
		"voice.yaml:11:28: error: pattern x| can match empty text, so it would report every text; make it match at least one character [voice]",
		"voice.yaml:16:16: error: pattern (#ad)? can match empty text, so every text would satisfy it; make it match at least one character [voice]",
		"voice.yaml:23:10: error: min 3 is above max 1: no text can pass [voice]",
		"voice.yaml:29:10: error: min 20 is above max 10: no text can pass [voice]",
		"voice.yaml:33:33: error: message uses {{word}}, which is not a placeholder; the one placeholder is {{match}} [voice]",
		"voice.yaml:38:23: error: a require rule reports a missing word, so its message has no {{match}} to fill in [voice]",
		"voice.yaml:45:7: error: swap of \"Espresso\" to itself changes nothing: the observed form is already the preferred one [voice]",
		"voice.yaml:46:7: error: swap has a blank observed form [voice]",
		"voice.yaml:51:14: error: token is blank [voice]",
		"voice.yaml:52:9: error: link rule \"link-nothing\" checks nothing: set https_only, allow_domains, deny_domains or require_params [voice]",
		"voice.yaml:56:21: error: params_domains has no effect without require_params [voice]",
		"voice.yaml:62:20: error: Example.com is both allowed and denied [voice]",
		"voice.yaml:67:21: error: \"Email\" and \"email\" differ only in case, and spellings are matched regardless of case [voice]",
		"voice.yaml:73:18: error: exception is blank [voice]",
		"voice.yaml:79:21: warning: case_sensitive applies to tokens only; patterns match case as written (use (?i) for the opposite) [voice]",
	}
	if diff := cmp.Diff(lines(findings), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	// Rules with errors are skipped; the one with a warning runs.
	var ids []string
	for _, r := range e.rules {
		ids = append(ids, r.id)
	}
	if diff := cmp.Diff(ids, []string{"case-patterns"}); diff != "" {
		t.Errorf("compiled rules (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(lines(e.Lint(cal)), []string{"posts/p.yaml:3:7: warning: fine [case-patterns]"}); diff != "" {
		t.Errorf("lint (-got +want):\n%s", diff)
	}
}

func TestRequiredLiteral(t *testing.T) {
	cases := []struct {
		expr string
		lit  string
		fold bool
	}{
		{`(?i)\blast chance\b`, "last chance", true},
		{`(?i)\bboosts? (your )?immun\w*`, "boost", true},
		{`#ad\b`, "#ad", false},
		{`https://northwind-roasters\.example/`, "https://northwind-roasters.example/", false},
		{`(?i)\bdon't miss out\b`, "don't miss out", true},
		{`a|b`, "", false},
		{`(abc)+x`, "abc", false},
		{`x{0,3}`, "", false},
		{`[ab]c`, "c", false},
	}
	for _, c := range cases {
		re, err := syntax.Parse(c.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lit, fold := requiredLiteral(re)
		if fold {
			lit = foldString(lit) // the parser keeps folded literals in upper case
		}
		if lit != c.lit || fold != c.fold {
			t.Errorf("requiredLiteral(%s) = %q, %v; want %q, %v", c.expr, lit, fold, c.lit, c.fold)
		}
	}
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ a, b string }{{"Hello", "hELLO"}, {"\u212a", "k"}, {"ſ", "S"}, {"GRÜSSE", "grüsse"}, {"Σ", "ς"}} {
		if foldString(c.a) != foldString(c.b) {
			t.Errorf("fold(%q) = %q, fold(%q) = %q", c.a, foldString(c.a), c.b, foldString(c.b))
		}
		if !foldEqual(c.a, foldString(c.b)) {
			t.Errorf("foldEqual(%q, fold(%q)) is false", c.a, c.b)
		}
	}
	if foldEqual("Hello", foldString("Help")) {
		t.Error("foldEqual of different words")
	}
}

func TestContainsFold(t *testing.T) {
	cases := []struct {
		text, lit string
		want      bool
	}{
		{"LAST Chance now", "last chance", true},
		{"the lastchance", "last chance", false},
		{"", "x", false},
		{"abc", "", true},
		{"Lab lAst LAST", "last", true},
		{"lasT", "last", true},
		{"las", "last", false},
		{"\u212aelvin", "kelvin", true}, // Kelvin sign folds to k
		{"ſale", "sale", true},          // long s folds to s
		{"Grüße", "grüße", true},
		{"GRÜSSE", "grüße", false},
	}
	for _, c := range cases {
		lit := foldString(c.lit)
		fallback := func() []byte { return []byte(foldString(c.text)) }
		if got := containsFold(c.text, lit, fallback); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v, want %v", c.text, c.lit, got, c.want)
		}
	}
}

func TestWordFilter(t *testing.T) {
	var f wordFilter
	for _, w := range []string{"detox", "northwind", "pour-over", "dish"} {
		f.add(foldString(w))
	}
	for w, want := range map[string]bool{
		"detox": true, "DETOX": true, "Detox": true, "detoxes": false, "coffee": false, "nothing": false,
		"nor": false, "Northwind": true, "diſh": true, "\u212anot": true, "a": true,
		"naïve": true, // non-ASCII of another length: let through, the lookup decides
	} {
		if got := f.maybe(w); got != want {
			t.Errorf("maybe(%q) = %v, want %v", w, got, want)
		}
	}
}
