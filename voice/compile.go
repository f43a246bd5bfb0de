package voice

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/social"
	"gopkg.in/yaml.v3"
)

const voiceFile = "voice.yaml"

// Engine holds compiled rules; it is safe for concurrent use.
type Engine struct {
	rules []*rule
	byID  map[string][]*rule

	words      map[string][]*phrase // folded first word → phrases starting with it
	firstWords wordFilter           // the keys of words, to skip most words cheaply
	symbols    map[string][]*phrase // folded hashtag, mention or emoji → phrases that are exactly it
	literal    []*phrase            // phrases that are not words, matched with a regexp

	platforms map[string]social.Platform // channel id → platform
}

type ruleType int

const (
	existence ruleType = iota
	substitution
	capitalization
	require
	occurrence
	length
	metric
	link
	consistency
)

var ruleTypes = map[string]ruleType{
	"existence": existence, "substitution": substitution, "capitalization": capitalization,
	"require": require, "occurrence": occurrence, "length": length, "metric": metric, "link": link,
	"consistency": consistency,
}

var (
	occurrenceKinds = map[string]occurrenceKind{"hashtag": occHashtag, "mention": occMention, "emoji": occEmoji,
		"exclamation": occExclamation, "question": occQuestion, "caps_word": occCapsWord, "link": occLink}
	knownStyles = map[string]bool{"sentence": true, "title": true, "lower": true, "upper": true}
)

type rule struct {
	index   int
	id      string
	typ     ruleType
	level   calendar.Level
	message []string // the message split at {{match}}
	suggest string

	kinds, channels, pillars, tags []string

	phrases  []*phrase // existence, require, substitution, consistency
	patterns []*pattern
	within   int // require: 0 = anywhere

	style      string // capitalization
	exceptions map[string]bool

	token    occurrenceKind // occurrence
	min, max *float64

	metric string // metric

	httpsOnly                          bool // link
	allow, deny, params, paramsDomains []string

	pairs int // consistency: number of spelling lists
}

// phrase is a token, a swap's observed form or a consistency spelling: words to find in a text.
type phrase struct {
	rule          *rule
	words         []string // folded
	raw           []string // as written, for case_sensitive
	caseSensitive bool
	symbol        bool // one hashtag, mention or emoji, matched as a whole token
	re            *pattern

	preferred string // substitution
	pair, alt int    // consistency: which list and which spelling in it
}

// pattern is a compiled RE2 with a literal every match contains, to skip texts without it.
type pattern struct {
	re      *regexp.Regexp
	literal string // folded when fold
	fold    bool
}

// compiler collects findings about rule definitions.
type compiler struct {
	src      []byte
	findings calendar.Findings
	bad      bool // the current rule has an error and is skipped
}

func (c *compiler) errorf(p calendar.Pos, format string, args ...any) {
	c.bad = true
	c.add(p, calendar.Error, format, args...)
}

func (c *compiler) add(p calendar.Pos, level calendar.Level, format string, args ...any) {
	if p.Line == 0 {
		p = calendar.Pos{Line: 1, Col: 1}
	}
	c.findings = append(c.findings, calendar.Finding{File: voiceFile, Line: p.Line, Col: p.Col, Rule: "voice", Level: level, Message: fmt.Sprintf(format, args...)})
}

// Compile compiles the calendar's voice rules. The findings are about the rules themselves, at their
// place in voice.yaml; a rule with an error is left out and the others run.
func Compile(cal *calendar.Calendar) (*Engine, calendar.Findings) {
	e := &Engine{
		byID:      map[string][]*rule{},
		words:     map[string][]*phrase{},
		symbols:   map[string][]*phrase{},
		platforms: map[string]social.Platform{},
	}
	if cal.Config != nil {
		for _, ch := range cal.Config.Channels {
			e.platforms[ch.Key.Value] = social.For(ch.Value)
		}
	}
	if cal.Voice == nil {
		return e, nil
	}
	c := &compiler{src: cal.File(voiceFile).Source}
	for i := range cal.Voice.Rules {
		if r := c.rule(&cal.Voice.Rules[i]); r != nil {
			r.index = len(e.rules)
			e.rules = append(e.rules, r)
			e.byID[r.id] = append(e.byID[r.id], r)
			for _, p := range r.phrases {
				e.index(p)
			}
		}
	}
	return e, c.findings
}

func (e *Engine) index(p *phrase) {
	switch {
	case p.re != nil:
		e.literal = append(e.literal, p)
	case p.symbol:
		e.symbols[p.words[0]] = append(e.symbols[p.words[0]], p)
	default:
		e.words[p.words[0]] = append(e.words[p.words[0]], p)
		e.firstWords.add(p.words[0])
	}
}

func (c *compiler) rule(def *calendar.Rule) *rule {
	typ, ok := ruleTypes[def.Type.Value]
	level, err := calendar.ParseLevel(def.Level.Value)
	if !ok || err != nil || def.ID.Value == "" {
		return nil // the schema reports a missing or unknown type, level or id
	}
	c.bad = false
	r := &rule{id: def.ID.Value, typ: typ, level: level, suggest: def.Suggest.Value}
	r.kinds, r.channels, r.pillars, r.tags = calendar.Values(def.Where.Kinds), calendar.Values(def.Where.Channels), calendar.Values(def.Where.Pillars), calendar.Values(def.Where.Tags)
	r.message = c.message(def, typ)

	switch typ {
	case existence, require:
		for _, t := range def.Tokens {
			c.token(r, t, def.CaseSensitive)
		}
		for _, p := range def.Patterns {
			if pat := c.pattern(p, typ); pat != nil {
				r.patterns = append(r.patterns, pat)
			}
		}
		if def.CaseSensitive && len(def.Tokens) == 0 && len(def.Patterns) > 0 {
			c.add(fieldPos(def, "case_sensitive"), calendar.Warning, "case_sensitive applies to tokens only; patterns match case as written (use (?i) for the opposite)")
		}
		if typ == require && def.Within != nil {
			r.within = *def.Within
		}
	case substitution:
		for _, e := range def.Swap {
			observed, preferred := strings.TrimSpace(e.Key.Value), strings.Join(strings.Fields(e.Value.Value), " ")
			switch {
			case observed == "":
				c.errorf(at(e.Key), "swap has a blank observed form")
			case preferred == "":
				c.errorf(at(e.Value), "swap of %q has a blank preferred form", observed)
			case strings.Join(strings.Fields(observed), " ") == preferred:
				c.errorf(at(e.Key), "swap of %q to itself changes nothing: the observed form is already the preferred one", observed)
			default:
				if p := c.phrase(r, e.Key, false); p != nil {
					p.preferred = preferred
				}
			}
		}
	case capitalization:
		r.style = def.Style.Value
		if !knownStyles[r.style] {
			return nil // reported by the schema
		}
		r.exceptions = map[string]bool{}
		for _, x := range def.Exceptions {
			if strings.TrimSpace(x.Value) == "" {
				c.errorf(at(x), "exception is blank")
				continue
			}
			r.exceptions[strings.TrimSpace(x.Value)] = true
		}
	case occurrence, length:
		var known bool
		r.token, known = occurrenceKinds[def.Token.Value]
		r.min, r.max = def.Min, def.Max
		if r.min == nil && r.max == nil || typ == occurrence && !known {
			return nil // reported by the schema
		}
		if r.min != nil && r.max != nil && *r.min > *r.max {
			c.errorf(fieldPos(def, "min"), "min %s is above max %s: no text can pass", num(*r.min), num(*r.max))
		}
	case metric:
		r.metric, r.max = def.Metric.Value, def.Max
		if r.max == nil || (r.metric != "reading_grade" && r.metric != "sentence_length") {
			return nil // reported by the schema
		}
	case link:
		r.httpsOnly = def.HTTPSOnly
		r.allow, r.deny = lowerValues(def.AllowDomains), lowerValues(def.DenyDomains)
		r.params, r.paramsDomains = calendar.Values(def.RequireParams), lowerValues(def.ParamsDomains)
		if !r.httpsOnly && len(r.allow)+len(r.deny)+len(r.params) == 0 {
			c.errorf(at(def.ID), "link rule %q checks nothing: set https_only, allow_domains, deny_domains or require_params", r.id)
		}
		if len(r.paramsDomains) > 0 && len(r.params) == 0 {
			c.errorf(fieldPos(def, "params_domains"), "params_domains has no effect without require_params")
		}
		for _, d := range def.DenyDomains {
			for _, a := range r.allow {
				if strings.EqualFold(d.Value, a) {
					c.errorf(at(d), "%s is both allowed and denied", d.Value)
				}
			}
		}
		for _, p := range def.RequireParams {
			if strings.TrimSpace(p.Value) == "" {
				c.errorf(at(p), "parameter name is blank")
			}
		}
	case consistency:
		r.pairs = len(def.Pairs)
		for i, list := range def.Pairs {
			seen := map[string]string{}
			for j, s := range list {
				v := strings.TrimSpace(s.Value)
				if v == "" {
					c.errorf(at(s), "spelling is blank")
					continue
				}
				k := foldString(strings.Join(strings.Fields(v), " "))
				if other, dup := seen[k]; dup {
					c.errorf(at(s), "%q and %q differ only in case, and spellings are matched regardless of case", other, v)
					continue
				}
				seen[k] = v
				if p := c.phrase(r, s, false); p != nil {
					p.pair, p.alt = i, j
				}
			}
		}
	}
	if c.bad {
		return nil
	}
	return r
}

// message splits the rule's message at {{match}} and reports other placeholders.
func (c *compiler) message(def *calendar.Rule, typ ruleType) []string {
	msg := def.Message.Value
	var parts []string
	last := 0
	for _, m := range calendar.PlaceholderRE.FindAllStringSubmatchIndex(msg, -1) {
		name := msg[m[2]:m[3]]
		pos := calendar.TextPos(c.src, def.Message, m[0])
		switch {
		case name != "match" && schema.Closest(name, []string{"match"}) != "":
			c.errorf(pos, "message uses {{%s}}, which is not a placeholder (did you mean {{match}}?)", name)
		case name != "match":
			c.errorf(pos, "message uses {{%s}}, which is not a placeholder; the one placeholder is {{match}}", name)
		case typ == require:
			c.errorf(pos, "a require rule reports a missing word, so its message has no {{match}} to fill in")
		default:
			parts = append(parts, msg[last:m[0]])
			last = m[1]
		}
	}
	return append(parts, msg[last:])
}

// token compiles one token of an existence or require rule.
func (c *compiler) token(r *rule, t calendar.String, caseSensitive bool) {
	if strings.TrimSpace(t.Value) == "" {
		c.errorf(at(t), "token is blank")
		return
	}
	c.phrase(r, t, caseSensitive)
}

// phrase compiles text to find as whole words: a word sequence, one symbol, or else a literal.
func (c *compiler) phrase(r *rule, s calendar.String, caseSensitive bool) *phrase {
	v := strings.TrimSpace(s.Value)
	p := &phrase{rule: r, caseSensitive: caseSensitive}
	toks := social.Tokenize(v, false)
	words := true
	for _, t := range toks {
		if t.Kind != social.Word {
			words = false
		}
	}
	switch {
	case words && len(toks) > 0:
		for _, t := range toks {
			p.raw = append(p.raw, t.Text)
			p.words = append(p.words, foldString(t.Text))
		}
	case len(toks) == 1 && (toks[0].Kind == social.Hashtag || toks[0].Kind == social.Mention || toks[0].Kind == social.Emoji):
		p.symbol = true
		p.raw, p.words = []string{v}, []string{foldString(v)}
	default:
		expr := regexp.QuoteMeta(v)
		expr = strings.Join(strings.Fields(expr), `\s+`)
		if !caseSensitive {
			expr = "(?i)" + expr
		}
		re := regexp.MustCompile(expr) // quoted text always compiles
		lit := strings.Fields(v)[0]
		if !caseSensitive {
			lit = foldString(lit)
		}
		p.re = &pattern{re: re, literal: lit, fold: !caseSensitive}
		p.raw = []string{v}
	}
	r.phrases = append(r.phrases, p)
	return p
}

func (c *compiler) pattern(s calendar.String, typ ruleType) *pattern {
	re, err := regexp.Compile(s.Value)
	if err != nil {
		c.errorf(at(s), "invalid pattern: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return nil
	}
	parsed, err := syntax.Parse(s.Value, syntax.Perl)
	if err != nil {
		return &pattern{re: re}
	}
	if matchesEmpty(parsed) {
		if typ == require {
			c.errorf(at(s), "pattern %s can match empty text, so every text would satisfy it; make it match at least one character", s.Value)
		} else {
			c.errorf(at(s), "pattern %s can match empty text, so it would report every text; make it match at least one character", s.Value)
		}
		return nil
	}
	lit, f := requiredLiteral(parsed)
	if f {
		lit = foldString(lit)
	}
	return &pattern{re: re, literal: lit, fold: f}
}

func lowerValues(list []calendar.String) []string {
	out := calendar.Values(list)
	for i, s := range out {
		out[i] = strings.TrimSuffix(strings.ToLower(s), ".")
	}
	return out
}

func at(s calendar.String) calendar.Pos {
	if s.Pos.Line == 0 {
		return calendar.Pos{Line: 1, Col: 1}
	}
	return s.Pos
}

// fieldPos is where the value of a rule's key is written, or the rule's id when it cannot be found.
func fieldPos(def *calendar.Rule, key string) calendar.Pos {
	if n := def.Node; n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				v := n.Content[i+1]
				return calendar.Pos{Line: v.Line, Col: v.Column}
			}
		}
	}
	return at(def.ID)
}

// num writes a rule's number as it was most likely written.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
