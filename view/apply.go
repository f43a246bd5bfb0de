package view

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/postctl/postctl/apply"
	"github.com/postctl/postctl/state"
)

// ApplyCounts counts a run's outcomes the way the summary line says them.
type ApplyCounts struct {
	Published   int `json:"published"`
	Scheduled   int `json:"scheduled"`
	Rescheduled int `json:"rescheduled"`
	Cancelled   int `json:"cancelled"`
	Missed      int `json:"missed"`    // interrupted, confirmed absent, and now too late
	Forgotten   int `json:"forgotten"` // pending records the platform confirmed absent and no longer due
	Failed      int `json:"failed"`
	Unknown     int `json:"unknown"`
	NotRun      int `json:"not_run"`
	// Holds recorded in the state (no platform call), and ended holds forgotten.
	HoldsRecorded int `json:"holds_recorded"`
	HoldsReleased int `json:"holds_released"`
}

// CountApply counts a report.
func CountApply(r *apply.Report) ApplyCounts {
	c := ApplyCounts{HoldsRecorded: r.Held, HoldsReleased: r.Released}
	for _, o := range r.Outcomes {
		switch o.Status {
		case apply.Failed:
			c.Failed++
		case apply.Unknown:
			c.Unknown++
		case apply.NotRun:
			c.NotRun++
		default:
			switch {
			case o.Action == "reschedule" && o.Result == state.Scheduled:
				c.Rescheduled++
			case o.Result == state.Published:
				c.Published++
			case o.Result == state.Scheduled:
				c.Scheduled++
			case o.Result == state.Cancelled, o.Result == state.Held:
				c.Cancelled++
			case o.Result == state.Missed:
				c.Missed++
			default:
				c.Forgotten++
			}
		}
	}
	return c
}

// Line is the apply summary line: "Apply complete: 3 published, 1 failed."
func (c ApplyCounts) Line() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.Published, "published")
	add(c.Scheduled, "scheduled")
	add(c.Rescheduled, "rescheduled")
	add(c.Cancelled, "cancelled")
	add(c.Missed, "missed")
	add(c.Forgotten, "confirmed never published")
	add(c.Failed, "failed")
	add(c.Unknown, "unknown (the next apply asks the platform)")
	add(c.NotRun, "not run")
	add(c.HoldsRecorded, "newly held (recorded)")
	add(c.HoldsReleased, "no longer held")
	head := "Apply complete"
	if c.Failed+c.Unknown+c.NotRun > 0 {
		head = "Apply finished with errors"
	}
	if len(parts) == 0 {
		return head + ": nothing changed."
	}
	return head + ": " + strings.Join(parts, ", ") + "."
}

// outcomeWord says what happened to one publication.
func outcomeWord(o *apply.Outcome) string {
	switch o.Status {
	case apply.Failed:
		return "failed"
	case apply.Unknown:
		return "unknown"
	case apply.NotRun:
		return "not run"
	}
	word := string(o.Result)
	if o.Action == "reschedule" && o.Result == state.Scheduled {
		word = "rescheduled"
	}
	if o.Result == state.Held {
		word = "cancelled and held (scheduled again when the hold ends)"
	}
	if word == "" {
		word = "confirmed never published"
	}
	if o.Status == apply.Confirmed {
		word += " (confirmed by the platform)"
	}
	return word
}

// ApplyEventText writes one event for a person: a line per publication as it finishes, then the
// summary line.
func ApplyEventText(s *Streams, ev apply.Event) {
	pal := s.Palette()
	switch ev.Type {
	case apply.EventComplete:
		line := fmt.Sprintf("%s: %s", pal.Bold(ev.Address), pal.Green(outcomeWord(ev.Outcome)))
		if ev.URL != "" {
			line += " " + ev.URL
		} else if ev.RemoteID != "" {
			line += " " + ev.RemoteID
		}
		fmt.Fprintln(s.Out, line)
	case apply.EventErrored:
		msg := strings.TrimPrefix(ev.Err.Error(), ev.Address+": ") // the line starts with the address
		fmt.Fprintf(s.Out, "%s: %s: %s\n", pal.Bold(ev.Address), pal.Red(outcomeWord(ev.Outcome)), msg)
	case apply.EventSummary:
		line := CountApply(ev.Report).Line()
		fmt.Fprintf(s.Out, "\n%s\n", pal.Bold(line))
	}
}

// ApplyEventJSON is one line of `apply --format json`.
type ApplyEventJSON struct {
	FormatVersion string       `json:"format_version"`
	Type          string       `json:"type"`
	Address       string       `json:"address,omitempty"`
	Action        string       `json:"action,omitempty"`
	Status        string       `json:"status,omitempty"`
	RemoteID      string       `json:"remote_id,omitempty"`
	URL           string       `json:"url,omitempty"`
	Error         string       `json:"error,omitempty"`
	Attempts      int          `json:"attempts,omitempty"`
	Summary       *ApplyCounts `json:"summary,omitempty"`
	Line          string       `json:"line,omitempty"`
	Serial        uint64       `json:"serial,omitempty"`
}

// WriteApplyEventJSON writes one event as a JSON line.
func WriteApplyEventJSON(w io.Writer, ev apply.Event) error {
	out := ApplyEventJSON{FormatVersion: FormatVersion, Type: ev.Type, Address: ev.Address, Action: string(ev.Action),
		RemoteID: ev.RemoteID, URL: ev.URL}
	if ev.Outcome != nil {
		out.Status = strings.ReplaceAll(outcomeWord(ev.Outcome), " (confirmed by the platform)", "")
		out.Attempts = ev.Outcome.Attempts
	}
	if ev.Err != nil {
		out.Error = ev.Err.Error()
	}
	if ev.Report != nil {
		c := CountApply(ev.Report)
		out.Summary, out.Line, out.Serial = &c, c.Line(), ev.Report.Serial
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
