package calendar

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func reply(t *testing.T, src string) *Reply {
	t.Helper()
	var r Reply
	if err := yaml.Unmarshal([]byte(src), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

const lateOrder = `
title: Late order
variables:
  name:
    required: true
  order:
    pattern: "^[0-9]{6}$"
  days:
    default: "3"
    pattern: "^[0-9]{1,2}$"
  sign:
    default: ""
text: |
  Hi {{name}}, order {{ order }} ships in {{days}} days.{{sign}}
`

func TestRender(t *testing.T) {
	r := reply(t, lateOrder)
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"defaults fill the rest", map[string]string{"name": "Ana", "order": "123456"},
			"Hi Ana, order 123456 ships in 3 days."},
		{"given values win over defaults", map[string]string{"name": "Ana", "order": "123456", "days": "5", "sign": " – Dana"},
			"Hi Ana, order 123456 ships in 5 days. – Dana"},
		{"values are inserted literally", map[string]string{"name": "{{order}} $1 \\n", "order": "123456"},
			"Hi {{order}} $1 \\n, order 123456 ships in 3 days."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func TestRenderOptionalEmptyValue(t *testing.T) {
	r := reply(t, "title: t\nvariables:\n  p:\n    default: \"!\"\ntext: Hi{{p}}\n")
	got, err := r.Render(map[string]string{"p": ""})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, "Hi"); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestRenderProblems(t *testing.T) {
	r := reply(t, lateOrder)
	tests := []struct {
		name    string
		vars    map[string]string
		want    []RenderProblem
		wantMsg string
	}{
		{
			name:    "required and no-default variables need values",
			vars:    nil,
			want:    []RenderProblem{{Kind: MissingValue, Variable: "name", Required: true}, {Kind: MissingValue, Variable: "order"}},
			wantMsg: `2 problems: missing required variable "name"; missing value for "order", which has no default`,
		},
		{
			name:    "a typo is one problem, not also a missing value",
			vars:    map[string]string{"name": "Ana", "ordr": "123456"},
			want:    []RenderProblem{{Kind: UnknownVariable, Variable: "ordr", Suggestion: "order"}},
			wantMsg: `unknown variable "ordr" (did you mean "order"?)`,
		},
		{
			name: "unknown without a guess, pattern mismatch, empty required",
			vars: map[string]string{"name": "", "order": "12a", "days": "3", "coupon": "X"},
			want: []RenderProblem{
				{Kind: UnknownVariable, Variable: "coupon"},
				{Kind: EmptyValue, Variable: "name"},
				{Kind: PatternMismatch, Variable: "order", Value: "12a", Pattern: "^[0-9]{6}$"},
			},
			wantMsg: `3 problems: unknown variable "coupon"; required variable "name" is empty; order "12a" does not match ^[0-9]{6}$`,
		},
		{
			name: "a typo next to a given variable still reports it",
			vars: map[string]string{"name": "Ana", "order": "123456", "dayz": "4"},
			want: []RenderProblem{{Kind: UnknownVariable, Variable: "dayz", Suggestion: "days"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Render(tt.vars)
			var re *RenderError
			if !errors.As(err, &re) {
				t.Fatalf("got %v, want a *RenderError", err)
			}
			if diff := cmp.Diff(re.Problems, tt.want); diff != "" {
				t.Errorf("problems (-got +want):\n%s", diff)
			}
			if tt.wantMsg != "" {
				if diff := cmp.Diff(err.Error(), tt.wantMsg); diff != "" {
					t.Errorf("message (-got +want):\n%s", diff)
				}
			}
		})
	}
}

func TestRenderRequiredIgnoresDefault(t *testing.T) {
	r := reply(t, "title: t\nvariables:\n  name:\n    required: true\n    default: friend\ntext: Hi {{name}}\n")
	_, err := r.Render(nil)
	if diff := cmp.Diff(err.Error(), `missing required variable "name"`); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestRenderBrokenTemplate(t *testing.T) {
	// validate reports these; Render must still refuse rather than print {{nme}} to a customer.
	r := reply(t, "title: t\nvariables:\n  days:\n    default: \"x\"\n    pattern: \"^[0-9]+$\"\n  n:\n    default: \"1\"\n    pattern: \"([0-9]\"\n"+
		"text: Hi {{nme}} {{nme}} {{days}} {{n}}\n")
	_, err := r.Render(nil)
	want := `3 problems: the template's placeholder {{nme}} is not a declared variable; days's default "x" does not match ^[0-9]+$; n has an invalid pattern ([0-9]`
	if diff := cmp.Diff(err.Error(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	var re *RenderError
	errors.As(err, &re)
	kinds := []string{}
	for _, p := range re.Problems {
		kinds = append(kinds, p.Kind.String())
	}
	if diff := cmp.Diff(kinds, []string{"bad-template", "pattern-mismatch", "bad-template"}); diff != "" {
		t.Errorf("kinds (-got +want):\n%s", diff)
	}
}
