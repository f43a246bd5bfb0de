package calendar

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/postctl/postctl/schema"
)

// RenderProblemKind says what is wrong with the values given to a reply template.
type RenderProblemKind int

const (
	// MissingValue: a variable that needs a value got none. A variable needs one when it is
	// required or has no default: an unfilled placeholder must never reach a customer.
	MissingValue RenderProblemKind = iota
	// EmptyValue: a required variable was given an empty value.
	EmptyValue
	// UnknownVariable: a value was given for a variable the template does not declare.
	UnknownVariable
	// PatternMismatch: a value (or a default) does not match the variable's pattern.
	PatternMismatch
	// BadTemplate: the template itself is broken (undeclared placeholder, invalid pattern);
	// `postctl validate` reports these at their position.
	BadTemplate
)

func (k RenderProblemKind) String() string {
	switch k {
	case MissingValue:
		return "missing-value"
	case EmptyValue:
		return "empty-value"
	case UnknownVariable:
		return "unknown-variable"
	case PatternMismatch:
		return "pattern-mismatch"
	}
	return "bad-template"
}

// RenderProblem is one reason a template could not be rendered.
type RenderProblem struct {
	Kind     RenderProblemKind
	Variable string
	Value    string // the offending value (pattern mismatch)
	Pattern  string // the variable's pattern (pattern mismatch)
	// Suggestion is the declared variable an unknown one probably meant.
	Suggestion  string
	FromDefault bool   // the mismatching value is the variable's default
	Required    bool   // the missing variable is declared required (rather than lacking a default)
	Detail      string // what is wrong with a bad template
}

func (p RenderProblem) String() string {
	switch p.Kind {
	case MissingValue:
		if p.Required {
			return fmt.Sprintf("missing required variable %q", p.Variable)
		}
		return fmt.Sprintf("missing value for %q, which has no default", p.Variable)
	case EmptyValue:
		return fmt.Sprintf("required variable %q is empty", p.Variable)
	case UnknownVariable:
		if p.Suggestion != "" {
			return fmt.Sprintf("unknown variable %q (did you mean %q?)", p.Variable, p.Suggestion)
		}
		return fmt.Sprintf("unknown variable %q", p.Variable)
	case PatternMismatch:
		what := p.Variable
		if p.FromDefault {
			what += "'s default"
		}
		return fmt.Sprintf("%s %q does not match %s", what, p.Value, p.Pattern)
	}
	return p.Detail
}

// RenderError lists every problem found while rendering a template, not only the first.
type RenderError struct {
	Problems []RenderProblem
}

func (e *RenderError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.String()
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return fmt.Sprintf("%d problems: %s", len(msgs), strings.Join(msgs, "; "))
}

// Render fills the template's {{name}} placeholders with vars, or with a variable's default when
// vars has no value for it. Values are inserted as they are: a "{{x}}" inside a value stays text.
//
// Every problem is collected into a *RenderError. A variable needs a value when it is required (a
// default on a required variable is not used) or has no default; an explicitly empty value fills an
// optional variable. Values and defaults must match the variable's pattern. When an unknown name is
// a likely typo of a variable that lacks a value ("ordr" for "order"), the typo is the one problem
// reported for it. The text loses the line break a YAML block scalar ends with, which is no part
// of the reply.
func (r *Reply) Render(vars map[string]string) (string, error) {
	var problems []RenderProblem
	text := strings.TrimRight(r.Text.Value, "\r\n")
	matches := PlaceholderRE.FindAllStringSubmatchIndex(text, -1)
	undeclared := map[string]bool{}
	for _, m := range matches {
		if name := text[m[2]:m[3]]; !r.Variables.Has(name) && !undeclared[name] {
			undeclared[name] = true
			problems = append(problems, RenderProblem{Kind: BadTemplate, Variable: name,
				Detail: fmt.Sprintf("the template's placeholder {{%s}} is not a declared variable", name)})
		}
	}

	var unknown []string
	for name := range vars {
		if !r.Variables.Has(name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	explained := map[string]bool{} // variables whose missing value a typo explains
	for _, name := range unknown {
		guess := schema.Closest(name, r.Variables.Keys())
		if _, given := vars[guess]; guess != "" && !given {
			explained[guess] = true
		}
		problems = append(problems, RenderProblem{Kind: UnknownVariable, Variable: name, Suggestion: guess})
	}

	values := make(map[string]string, len(r.Variables))
	for _, e := range r.Variables {
		name, v := e.Key.Value, e.Value
		value, given := vars[name]
		switch {
		case !given && v.Needs():
			if !explained[name] {
				problems = append(problems, RenderProblem{Kind: MissingValue, Variable: name, Required: v.Required})
			}
			continue
		case given && v.Required && value == "":
			problems = append(problems, RenderProblem{Kind: EmptyValue, Variable: name})
			continue
		case !given:
			value = v.Default.Value
		}
		values[name] = value
		if !v.Pattern.Set {
			continue
		}
		re, err := regexp.Compile(v.Pattern.Value)
		if err != nil {
			problems = append(problems, RenderProblem{Kind: BadTemplate, Variable: name,
				Detail: fmt.Sprintf("%s has an invalid pattern %s", name, v.Pattern.Value)})
			continue
		}
		if !re.MatchString(value) {
			problems = append(problems, RenderProblem{Kind: PatternMismatch, Variable: name, Value: value,
				Pattern: v.Pattern.Value, FromDefault: !given})
		}
	}
	if len(problems) > 0 {
		return "", &RenderError{Problems: problems}
	}

	// Built from the template's pieces, so a value is never scanned for placeholders again.
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(text[last:m[0]])
		b.WriteString(values[text[m[2]:m[3]]])
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String(), nil
}

// Needs says whether the variable must be given a value to render: it is required or has no default.
func (v Variable) Needs() bool { return v.Required || !v.Default.Set }
