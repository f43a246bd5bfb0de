package plan

import (
	"fmt"
	"strings"
)

// Summary counts a plan's changes by action. It is the one place the summary line and the
// detailed exit code come from.
type Summary struct {
	// Changes: apply has work to do.
	Schedule, Publish, Reschedule, Replace, Cancel, Unknown int
	// Reported, nothing to do.
	Blocked, Missed, Held int
}

// Summary counts the plan.
func (p *Plan) Summary() Summary {
	var s Summary
	for _, c := range p.Changes {
		if n := s.count(c.Action); n != nil {
			*n++
		}
	}
	return s
}

func (s *Summary) count(a Action) *int {
	switch a {
	case Schedule:
		return &s.Schedule
	case Publish:
		return &s.Publish
	case Reschedule:
		return &s.Reschedule
	case Replace:
		return &s.Replace
	case Cancel:
		return &s.Cancel
	case Unknown:
		return &s.Unknown
	case Blocked:
		return &s.Blocked
	case Missed:
		return &s.Missed
	case Held:
		return &s.Held
	}
	return nil
}

// Count is the number of changes with the action.
func (s Summary) Count(a Action) int {
	if n := s.count(a); n != nil {
		return *n
	}
	return 0
}

// Changes is the number of changes apply has work for; more than 0 is exit 2 with
// --detailed-exitcode.
func (s Summary) Changes() int {
	return s.Schedule + s.Publish + s.Reschedule + s.Replace + s.Cancel + s.Unknown
}

// Line is the summary line: "Plan: 3 to schedule, 1 to publish now, 1 to cancel, 1 blocked.", or
// "No changes." (with what is blocked, missed or held, if any).
func (s Summary) Line() string {
	var changes, others []string
	add := func(list *[]string, n int, format string) {
		if n > 0 {
			*list = append(*list, fmt.Sprintf(format, n))
		}
	}
	add(&changes, s.Schedule, "%d to schedule")
	add(&changes, s.Publish, "%d to publish now")
	add(&changes, s.Reschedule, "%d to reschedule")
	add(&changes, s.Replace, "%d to replace")
	add(&changes, s.Cancel, "%d to cancel")
	add(&changes, s.Unknown, "%d unknown")
	add(&others, s.Blocked, "%d blocked")
	add(&others, s.Missed, "%d missed")
	add(&others, s.Held, "%d held")
	switch {
	case len(changes) > 0:
		return "Plan: " + strings.Join(append(changes, others...), ", ") + "."
	case len(others) > 0:
		return "No changes; " + strings.Join(others, ", ") + "."
	}
	return "No changes."
}

// SummaryLine is the plan's summary line.
func (p *Plan) SummaryLine() string { return p.Summary().Line() }

// HasChanges says whether apply has work to do: exit 2 with --detailed-exitcode.
func (p *Plan) HasChanges() bool { return p.Summary().Changes() > 0 }

// Symbol is the action's marker in the views.
func (a Action) Symbol() string {
	switch a {
	case Schedule:
		return "+"
	case Publish:
		return "!"
	case Reschedule:
		return "~"
	case Replace:
		return "-/+"
	case Cancel:
		return "-"
	case Published, Blocked:
		return "="
	case Unknown:
		return "?"
	case Missed:
		return "x"
	case Held:
		return "#"
	}
	return " "
}

// Actions lists the actions in the order views group them.
var Actions = []Action{Schedule, Publish, Reschedule, Replace, Cancel, Unknown, Blocked, Missed, Held}
