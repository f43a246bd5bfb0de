package view

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/postctl/postctl/state"
)

// StateList is the recorded state as `postctl state list` shows it.
type StateList struct {
	Path     string // the state file, as the user would type it
	Exists   bool   // false: no state file yet
	Serial   uint64
	Lineage  string
	Location *time.Location // the calendar's time zone, for times on a terminal
	Records  []StateRecord  // in address order
}

// StateRecord is one recorded publication.
type StateRecord struct {
	Address string
	state.Publication
}

// RenderStateList writes the records: an aligned table on a terminal, one tab-separated line per
// record when piped, or JSON.
func RenderStateList(s *Streams, format string, l StateList) error {
	if format == "json" {
		out := stateListWire{FormatVersion: FormatVersion, Path: l.Path, Serial: l.Serial, Lineage: l.Lineage,
			Publications: make([]stateRecordWire, 0, len(l.Records))}
		for _, r := range l.Records {
			out.Publications = append(out.Publications, stateRecordToWire(r))
		}
		return stateJSON(s, out)
	}
	if !s.OutTTY {
		// address, status, planned, published, URL: for cut and awk. Times in RFC 3339.
		for _, r := range l.Records {
			fmt.Fprintf(s.Out, "%s\t%s\t%s\t%s\t%s\n", r.Address, r.Status, stateRFC3339(r.PlannedAt), stateRFC3339(r.PublishedAt), r.URL)
		}
		return nil
	}
	p := s.Palette()
	rows := [][]string{{"ADDRESS", "STATUS", "PLANNED", "PUBLISHED", "URL"}}
	for _, r := range l.Records {
		rows = append(rows, []string{r.Address, string(r.Status), stateTime(r.PlannedAt, l.Location, false),
			stateTime(r.PublishedAt, l.Location, false), stateOrDash(r.URL)})
	}
	widths := make([]int, 5)
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for i, row := range rows {
		cells := make([]string, len(row))
		for j, c := range row {
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				c = p.Bold(c)
			case j == 0:
				c = p.Cyan(c)
			case j == 1:
				c = stateStatusColor(p, l.Records[i-1].Status)
			case c == "-":
				c = p.Dim(c)
			}
			if j < len(row)-1 {
				c += pad
			}
			cells[j] = c
		}
		fmt.Fprintln(s.Out, strings.TrimRight(strings.Join(cells, "  "), " "))
	}
	return nil
}

// RenderStateRecord writes every field of one record, or JSON.
func RenderStateRecord(s *Streams, format string, r StateRecord, loc *time.Location) error {
	if format == "json" {
		return stateJSON(s, struct {
			FormatVersion string `json:"format_version"`
			stateRecordWire
		}{FormatVersion, stateRecordToWire(r)})
	}
	p := s.Palette()
	fmt.Fprintln(s.Out, p.Bold(r.Address))
	intent := "-"
	if r.Intent != nil {
		intent = fmt.Sprintf("%s, attempt %d, started %s, key %s", r.Intent.Action, r.Intent.Attempt, stateTime(r.Intent.At, loc, true), r.Intent.Key)
	}
	thread := "-"
	if len(r.Thread) > 0 {
		thread = strings.Join(r.Thread, ", ")
	}
	for _, f := range [][2]string{
		{"Post", r.Post},
		{"Channel", r.Channel},
		{"Status", stateStatusColor(p, r.Status)},
		{"Planned at", stateTime(r.PlannedAt, loc, true)},
		{"Published at", stateTime(r.PublishedAt, loc, true)},
		{"Updated at", stateTime(r.UpdatedAt, loc, true)},
		{"Remote ID", stateOrDash(r.RemoteID)},
		{"URL", stateOrDash(r.URL)},
		{"Content hash", stateOrDash(r.ContentHash)},
		{"Reason", stateOrDash(r.Reason)},
		{"Intent", intent},
		{"Thread", thread},
	} {
		v := f[1]
		if v == "-" {
			v = p.Dim(v)
		}
		fmt.Fprintf(s.Out, "  %-14s%s\n", f[0]+":", v)
	}
	return nil
}

func stateStatusColor(p Palette, st state.Status) string {
	switch st {
	case state.Published:
		return p.Green(string(st))
	case state.Pending, state.Held, state.Missed:
		return p.Yellow(string(st))
	case state.Failed:
		return p.Red(string(st))
	case state.Scheduled:
		return p.Cyan(string(st))
	}
	return string(st)
}

func stateOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// stateTime shows a time in the calendar's zone; long adds seconds.
func stateTime(t time.Time, loc *time.Location, long bool) string {
	if t.IsZero() {
		return "-"
	}
	if loc == nil {
		loc = time.UTC
	}
	if long {
		return t.In(loc).Format("2006-01-02 15:04:05 MST")
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

func stateRFC3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

type stateListWire struct {
	FormatVersion string            `json:"format_version"`
	Path          string            `json:"path"`
	Serial        uint64            `json:"serial"`  // 0: no state file yet
	Lineage       string            `json:"lineage"` // empty when there is no state file
	Publications  []stateRecordWire `json:"publications"`
}

type stateRecordWire struct {
	Address     string           `json:"address"`
	Post        string           `json:"post"`
	Channel     string           `json:"channel"`
	Status      string           `json:"status"`
	PlannedAt   *time.Time       `json:"planned_at"`
	PublishedAt *time.Time       `json:"published_at"`
	UpdatedAt   *time.Time       `json:"updated_at"`
	RemoteID    string           `json:"remote_id"`
	URL         string           `json:"url"`
	ContentHash string           `json:"content_hash"`
	Reason      string           `json:"reason"`
	Intent      *stateIntentWire `json:"intent"`
	Thread      []string         `json:"thread"`
}

type stateIntentWire struct {
	Action  string    `json:"action"`
	Key     string    `json:"key"`
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
}

func stateRecordToWire(r StateRecord) stateRecordWire {
	optional := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	w := stateRecordWire{Address: r.Address, Post: r.Post, Channel: r.Channel, Status: string(r.Status),
		PlannedAt: optional(r.PlannedAt), PublishedAt: optional(r.PublishedAt), UpdatedAt: optional(r.UpdatedAt),
		RemoteID: r.RemoteID, URL: r.URL, ContentHash: r.ContentHash, Reason: r.Reason, Thread: r.Thread}
	if w.Thread == nil {
		w.Thread = []string{}
	}
	if r.Intent != nil {
		w.Intent = &stateIntentWire{Action: r.Intent.Action, Key: r.Intent.Key, Attempt: r.Intent.Attempt, At: r.Intent.At}
	}
	return w
}

func stateJSON(s *Streams, v any) error {
	enc := json.NewEncoder(s.Out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
