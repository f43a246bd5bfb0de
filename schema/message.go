package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// messenger writes the message for one validation error in plain words, from the failing keyword,
// the schema object that holds it and the offending value.
type messenger struct {
	c     *compiled
	root  *yaml.Node
	value any
}

func (m messenger) violations(ve *jsonschema.ValidationError) []Violation {
	tokens := pointerTokens(ve.InstanceLocation)
	loc := locate(m.root, tokens)
	value := lookupValue(m.value, tokens)
	sch, _ := m.schemaObject(ve.AbsoluteKeywordLocation)
	keyword := lastSegment(ve.KeywordLocation)
	field := fieldPath(tokens)

	v := Violation{Line: loc.node.Line, Col: loc.node.Column, Keyword: keyword}
	at := func(n *yaml.Node) {
		if n != nil {
			v.Line, v.Col = n.Line, n.Column
		}
	}
	subject := func(s string) string {
		if field == "" {
			return s
		}
		return field + ": " + s
	}

	if strings.Contains(ve.KeywordLocation, "/propertyNames/") {
		// The value validated is a key of a map (a channel id, a pillar id...).
		at(loc.key)
		name := tokens[len(tokens)-1]
		v.Message = fmt.Sprintf("%q is not a valid name here: expected %s", name, expectation(sch, "a name"))
		return []Violation{v}
	}

	switch keyword {
	case "required":
		missing := missingKeys(sch, value)
		if misspelled(sch, value, missing) {
			return nil // "unknown key "txt" (did you mean "text"?)" already says it, at the right key
		}
		at(loc.key)
		if loc.key == nil && loc.node.Kind == yaml.MappingNode && len(loc.node.Content) > 0 {
			at(loc.node.Content[0])
		}
		v.Message = subject(fmt.Sprintf("missing required %s %s", plural(len(missing), "key", "keys"), quoteList(missing, "and")))
		if unknown, _ := unknownKeys(sch, value); len(missing) == 1 {
			for _, u := range unknown {
				if Closest(u, missing) != "" {
					v.Message += fmt.Sprintf(" (is %q a misspelling of it?)", u)
					break
				}
			}
		}
	case "additionalProperties":
		unknown, allowed := unknownKeys(sch, value)
		if len(unknown) == 0 {
			v.Message = subject("unknown key")
			return []Violation{v}
		}
		// Each unknown key is its own finding, at the key.
		var out []Violation
		for _, k := range unknown {
			kn := keyNode(loc.node, k)
			out = append(out, Violation{Line: kn.Line, Col: kn.Column, Keyword: keyword, Message: unknownKeyMessage(field, k, allowed)})
		}
		return out
	case "type":
		want := humanTypes(sch["type"])
		if x, ok := sch["x-expected"].(string); ok && x != "" {
			want = x // "a duration such as 90m" says more than "text"
		}
		v.Message = subject(fmt.Sprintf("expected %s, got %s", want, describe(value)))
		switch value.(type) {
		case int64, float64, bool:
			// YAML reads 42, 12.50 and true as a number or a boolean; quotes make them text.
			if want == "text" && loc.node.Kind == yaml.ScalarNode {
				v.Message += fmt.Sprintf(" (write \"%s\" in quotes if it is meant as text)", loc.node.Value)
			}
		}
	case "enum":
		options := stringsOf(sch["enum"])
		msg := fmt.Sprintf("expected one of %s, got %s", quoteList(options, "or"), describe(value))
		if s, ok := value.(string); ok {
			if guess := Closest(s, options); guess != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", guess)
			}
		}
		v.Message = subject(msg)
	case "const":
		v.Message = subject(fmt.Sprintf("expected %s, got %s", describe(sch["const"]), describe(value)))
	case "pattern", "format":
		v.Message = subject(fmt.Sprintf("expected %s, got %s", expectation(sch, "text of another form"), describe(value)))
	case "minLength":
		if n := number(sch["minLength"]); n <= 1 {
			v.Message = subject("must not be empty")
			if x, ok := sch["x-expected"].(string); ok {
				v.Message = subject("is empty: expected " + x)
			}
		} else {
			v.Message = subject(fmt.Sprintf("must be at least %d characters long", n))
		}
	case "maxLength":
		v.Message = subject(fmt.Sprintf("must be at most %d characters long, got %d", number(sch["maxLength"]), len([]rune(fmt.Sprint(value)))))
	case "minItems":
		if n := number(sch["minItems"]); n <= 1 {
			v.Message = subject("needs at least one item")
		} else {
			v.Message = subject(fmt.Sprintf("needs at least %d items", n))
		}
	case "maxItems":
		v.Message = subject(fmt.Sprintf("takes at most %d items", number(sch["maxItems"])))
	case "uniqueItems":
		i, dup := duplicateItem(value)
		at(locate(m.root, append(tokens, strconv.Itoa(i))).node)
		v.Message = subject(fmt.Sprintf("lists %s more than once", describe(dup)))
	case "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum":
		v.Message = subject(rangeMessage(keyword, sch, value))
	case "anyOf", "oneOf":
		v.Message = subject(alternativesMessage(keyword, sch, ve, value))
		if strings.HasPrefix(v.Message, subject("needs ")) || strings.HasPrefix(v.Message, subject("set only one of")) {
			at(loc.key) // about keys missing or clashing in the mapping: point at its name, like "required"
		}
	case "minProperties":
		v.Message = subject("must not be empty")
	case "false", "not", "":
		at(loc.key)
		v.Message = subject("is not allowed here")
	default:
		v.Message = subject(ve.Message)
	}
	return []Violation{v}
}

// schemaObject resolves "url#/json/pointer/keyword" to the schema object holding the keyword.
func (m messenger) schemaObject(abs string) (map[string]any, bool) {
	url, ptr, _ := strings.Cut(abs, "#")
	doc, ok := m.c.raw[url]
	if !ok {
		return nil, false
	}
	tokens := pointerTokens(ptr)
	if len(tokens) > 0 {
		tokens = tokens[:len(tokens)-1] // drop the keyword itself
	}
	cur := doc
	for _, t := range tokens {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	obj, ok := cur.(map[string]any)
	return obj, ok
}

func expectation(sch map[string]any, fallback string) string {
	if s, ok := sch["x-expected"].(string); ok && s != "" {
		return s
	}
	if p, ok := sch["pattern"].(string); ok {
		return "text matching " + p
	}
	return fallback
}

func missingKeys(sch map[string]any, value any) []string {
	obj, _ := value.(map[string]any)
	var out []string
	for _, k := range stringsOf(sch["required"]) {
		if _, ok := obj[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// misspelled says whether every missing key is what an unknown key in the same mapping was likely
// meant to be, so the unknown key's "did you mean" covers it. Only where the same schema object
// rejects unknown keys, or the typo would go unreported.
func misspelled(sch map[string]any, value any, missing []string) bool {
	if ap, ok := sch["additionalProperties"].(bool); !ok || ap || len(missing) == 0 {
		return false
	}
	unknown, allowed := unknownKeys(sch, value)
	for _, m := range missing {
		found := false
		for _, u := range unknown {
			if Closest(u, allowed) == m {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func unknownKeys(sch map[string]any, value any) (unknown, allowed []string) {
	props, _ := sch["properties"].(map[string]any)
	for k := range props {
		allowed = append(allowed, k)
	}
	sort.Strings(allowed)
	obj, _ := value.(map[string]any)
	for k := range obj {
		if _, ok := props[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return unknown, allowed
}

func unknownKeyMessage(field, key string, allowed []string) string {
	msg := fmt.Sprintf("unknown key %q", key)
	if field != "" {
		msg = fmt.Sprintf("%s: unknown key %q", field, key)
	}
	if guess := Closest(key, allowed); guess != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", guess)
	}
	if len(allowed) > 0 {
		return msg + "; allowed keys: " + strings.Join(allowed, ", ")
	}
	return msg
}

func alternativesMessage(keyword string, sch map[string]any, ve *jsonschema.ValidationError, value any) string {
	branches, _ := sch[keyword].([]any)
	var requiredSets []string
	for _, br := range branches {
		obj, _ := br.(map[string]any)
		req := stringsOf(obj["required"])
		if len(obj) != 1 || len(req) == 0 {
			requiredSets = nil
			break
		}
		requiredSets = append(requiredSets, strings.Join(quoteEach(req), " and "))
	}
	if len(requiredSets) > 0 {
		if keyword == "oneOf" && strings.HasPrefix(ve.Message, "valid against schemas") {
			return "set only one of " + strings.Join(requiredSets, " or ")
		}
		return "needs " + strings.Join(requiredSets, " or ")
	}
	if s, ok := sch["x-expected"].(string); ok {
		return fmt.Sprintf("expected %s, got %s", s, describe(value))
	}
	if keyword == "oneOf" && strings.HasPrefix(ve.Message, "valid against schemas") {
		return "matches more than one allowed form"
	}
	var kinds []string
	for _, br := range branches {
		obj, _ := br.(map[string]any)
		if d, ok := obj["x-expected"].(string); ok {
			kinds = append(kinds, d)
		} else if t, ok := obj["type"]; ok {
			kinds = append(kinds, humanTypes(t))
		}
	}
	if len(kinds) == len(branches) && len(kinds) > 0 {
		return fmt.Sprintf("expected %s, got %s", strings.Join(kinds, " or "), describe(value))
	}
	return fmt.Sprintf("%s does not match any allowed form", describe(value))
}

func rangeMessage(keyword string, sch map[string]any, value any) string {
	limit := sch[keyword]
	switch keyword {
	case "minimum":
		return fmt.Sprintf("must be at least %v, got %v", limit, value)
	case "exclusiveMinimum":
		return fmt.Sprintf("must be more than %v, got %v", limit, value)
	case "maximum":
		return fmt.Sprintf("must be at most %v, got %v", limit, value)
	default:
		return fmt.Sprintf("must be less than %v, got %v", limit, value)
	}
}

func humanTypes(t any) string {
	var names []string
	for _, s := range stringsOfAny(t) {
		switch s {
		case "string":
			names = append(names, "text")
		case "array":
			names = append(names, "a list")
		case "object":
			names = append(names, "a mapping of keys to values")
		case "integer":
			names = append(names, "a whole number")
		case "number":
			names = append(names, "a number")
		case "boolean":
			names = append(names, "true or false")
		case "null":
			names = append(names, "nothing")
		}
	}
	return strings.Join(names, " or ")
}

// describe names a value for a message: short text quoted, other kinds by what they are.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		r := []rune(x)
		if len(r) > 40 {
			return strconv.Quote(string(r[:37]) + "...")
		}
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case int64, float64:
		return fmt.Sprintf("the number %v", x)
	}
	return fmt.Sprint(v)
}

func duplicateItem(v any) (int, any) {
	items, _ := v.([]any)
	for i := range items {
		for j := 0; j < i; j++ {
			if fmt.Sprint(items[i]) == fmt.Sprint(items[j]) {
				return i, items[i]
			}
		}
	}
	return 0, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quoteEach(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

func quoteList(ss []string, conj string) string {
	q := quoteEach(ss)
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

func stringsOf(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func stringsOfAny(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return stringsOf(v)
}

func number(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// Closest suggests the option nearest to s, if it is near enough to be a typo ("did you mean").
func Closest(s string, options []string) string {
	limit := 2
	if len([]rune(s)) <= 4 {
		limit = 1
	}
	best, bestDist := "", limit+1
	for _, o := range options {
		if d := editDistance(strings.ToLower(s), strings.ToLower(o)); d < bestDist {
			best, bestDist = o, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
