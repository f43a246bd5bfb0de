package calendar

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/postctl/postctl/schema"
	"gopkg.in/yaml.v3"
)

// Credentials belong in environment variables named by *_env keys. A secret committed to the
// calendar repository is published to everyone who can read it, so these are errors, not warnings.
//
// need lists literals of which every match contains at least one: a cheap strings.Contains test
// that skips the regexp (slow on long texts without a literal prefix) for almost every value.
var secretValuePatterns = []struct {
	re   *regexp.Regexp
	what string
	need []string
}{
	{regexp.MustCompile(`\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}`), "a GitHub token", []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}},
	{regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{40,}`), "a GitHub token", []string{"github_pat_"}},
	{regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`), "a Slack token", []string{"xox"}},
	{regexp.MustCompile(`hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+`), "a Slack webhook URL (its path is the secret)", []string{"hooks.slack.com/services/"}},
	{regexp.MustCompile(`discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{20,}`), "a Discord webhook URL (its path is the secret)", []string{"discord"}},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*`), "a JSON Web Token", []string{"eyJ"}},
	{regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), "an AWS access key", []string{"AKIA", "ASIA"}},
	{regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`), "a private key", []string{"-----BEGIN "}},
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`), "an API secret key", []string{"sk-"}},
	{regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`), "a URL with a password in it", []string{"@"}},
}

// containsAny reports whether s contains one of the literals.
func containsAny(s string, literals []string) bool {
	for _, l := range literals {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// In calendar.yaml settings a few more shapes are telling: the keys and the Bluesky app password form.
var (
	secretKeyRE   = regexp.MustCompile(`(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|bearer|authorization)`)
	appPasswordRE = regexp.MustCompile(`^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$`)
	envNameRE     = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
)

// scanSecrets reports keys and values that look like credentials. A secret inside a longer text is
// reported where it starts in that text.
func scanSecrets(file string, kind schema.Kind, src []byte, doc *yaml.Node) Findings {
	var out Findings
	addAt := func(p Pos, msg string) {
		out = append(out, Finding{File: file, Line: p.Line, Col: p.Col, Rule: "secret", Level: Error, Message: msg})
	}
	add := func(n *yaml.Node, msg string) { addAt(Pos{n.Line, n.Column}, msg) }
	settings := kind == schema.Calendar
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > schema.MaxDepth {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if settings && k.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode && !strings.HasSuffix(k.Value, "_env") && secretKeyRE.MatchString(k.Value) {
					add(k, fmt.Sprintf("%q looks like a credential: never put secrets in the calendar; store it in an environment variable and name that variable with %s_env", k.Value, k.Value))
					continue
				}
				if settings && strings.HasSuffix(k.Value, "_env") && v.Kind == yaml.ScalarNode && !envNameRE.MatchString(v.Value) && looksLikeSecret(v.Value) {
					add(v, fmt.Sprintf("%s looks like the secret itself: %s takes the name of an environment variable that holds it, such as %s", k.Value, k.Value, strings.ToUpper(strings.TrimSuffix(k.Value, "_env"))))
					continue
				}
				walk(k, depth+1)
				walk(v, depth+1)
			}
		case yaml.ScalarNode:
			for _, p := range secretValuePatterns {
				if !containsAny(n.Value, p.need) {
					continue
				}
				if m := p.re.FindStringIndex(n.Value); m != nil {
					s := String{Value: n.Value, Pos: Pos{n.Line, n.Column}, Set: true, node: n}
					addAt(TextPos(src, s, m[0]), fmt.Sprintf("this looks like %s: never put secrets in the calendar; name an environment variable with a *_env key instead", p.what))
					return
				}
			}
			if settings && (appPasswordRE.MatchString(n.Value) || looksLikeToken(n.Value)) {
				add(n, "this looks like a password or token: never put secrets in the calendar; name an environment variable with a *_env key instead")
			}
		}
	}
	walk(doc, 0)
	return out
}

// looksLikeSecret says whether a value given where an environment variable's name belongs is the
// credential itself.
func looksLikeSecret(s string) bool {
	if looksLikeToken(s) || appPasswordRE.MatchString(s) {
		return true
	}
	for _, p := range secretValuePatterns {
		if containsAny(s, p.need) && p.re.MatchString(s) {
			return true
		}
	}
	return false
}

// looksLikeToken flags long unbroken strings of mixed letters and digits with high entropy, the
// shape of API keys, but not URLs, paths or words.
func looksLikeToken(s string) bool {
	if len(s) < 20 || strings.ContainsAny(s, " /:.@") {
		return false
	}
	var letters, digits int
	freq := map[rune]int{}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letters++
		case r == '-' || r == '_' || r == '+' || r == '=':
		default:
			return false
		}
		freq[r]++
	}
	if letters == 0 || digits == 0 {
		return false
	}
	entropy := 0.0
	n := float64(len(s))
	for _, c := range freq {
		p := float64(c) / n
		entropy -= p * math.Log2(p)
	}
	return entropy > 3.5
}
