package view

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/postctl/postctl/crisis"
)

// CrisisChange is what `crisis activate` or `crisis resolve` did.
type CrisisChange struct {
	Resolve  bool // false: an activation
	Playbook string
	Name     string // the playbook's name; empty when unknown
	Severity string
	Since    time.Time // activated_at
	At       time.Time // now: when it was activated or resolved
	Location *time.Location
	By       string
	Reason   string
	File     string // crisis.yaml, as the user would type it

	// Activation.
	Held       []CrisisHeld // what the crisis now holds, in time order
	Statement  *CrisisStatement
	ExpiresAt  time.Time // zero: the playbook sets no expires_after
	Expires    string    // expires_after as the playbook writes it
	Checklist  []string
	Escalation []Contact

	// Resolution: the held publications still to come, and those due meanwhile.
	Back   []CrisisHeld
	Missed []CrisisHeld

	Git CrisisGit
}

// CrisisHeld is one publication a crisis holds.
type CrisisHeld struct {
	Address string
	Post    string
	Channel string
	At      time.Time
	File    string
	// Due says its time has passed: on activation, it is held unless an apply already published
	// it (only the state knows; plan tells).
	Due bool
}

// CrisisStatement is the holding statement and where it goes.
type CrisisStatement struct {
	ID       string
	Channels []string
}

// CrisisGit is what happened in git: nothing (Commit empty), a commit, and a push.
type CrisisGit struct {
	Commit  string // short hash; empty: not committed
	Branch  string
	Nothing bool   // --commit found nothing to commit: crisis.yaml was never committed
	Remote  string // pushed to; empty: not pushed
}

// crisisShown is how many held publications the text lists before "… and N more".
const crisisShown = 10

const crisisTime = "2006-01-02 15:04 MST"

func (c CrisisChange) loc() *time.Location {
	if c.Location != nil {
		return c.Location
	}
	return time.UTC
}

// ActiveFor is how long the crisis was active (resolution).
func (c CrisisChange) ActiveFor() time.Duration { return c.At.Sub(c.Since) }

// Next is the command to run next.
func (c CrisisChange) Next() string {
	switch {
	case c.Git.Nothing:
		return "postctl plan"
	case c.Git.Commit == "" && c.Resolve:
		return "commit the removal of " + c.File + " and push, so CI applies it; postctl plan shows what changes"
	case c.Git.Commit == "":
		return "commit " + c.File + " and push, so CI applies it; postctl plan shows what changes"
	case c.Git.Remote == "":
		return "git push, so CI applies it; postctl plan shows what changes"
	}
	return "postctl plan"
}

// RenderCrisisChange writes what activate or resolve did, as text or JSON.
func RenderCrisisChange(s *Streams, format string, c CrisisChange) error {
	if format == "json" {
		return replyJSON(s.Out, crisisChangeWire(c))
	}
	p := s.Palette()
	w := s.Out
	loc := c.loc()
	title := c.Playbook
	if title == "" {
		title = "the crisis of " + c.File + " (it could not be read)"
	}
	if c.Name != "" {
		title += " (" + c.Name + ")"
	}
	if c.Resolve {
		fmt.Fprintf(w, "%s %s\n", p.Green(p.Bold("Crisis resolved:")), p.Bold(title))
		if !c.Since.IsZero() {
			crisisField(w, p, "active", fmt.Sprintf("%s, since %s", crisis.Age(c.ActiveFor()), c.Since.In(loc).Format(crisisTime)))
		}
		crisisField(w, p, "removed", c.File)
		fmt.Fprintln(w)
		if len(c.Back) == 0 {
			fmt.Fprintln(w, p.Bold("Back in the plan:")+" nothing: no held publication is still to come")
		} else {
			fmt.Fprintf(w, "%s %s that the crisis held\n", p.Bold("Back in the plan:"), countOf(len(c.Back), "publication", "publications"))
			crisisHeldList(w, loc, c.Back, crisisShown, false)
		}
		if len(c.Missed) > 0 {
			fmt.Fprintf(w, "%s %s held past %s time: not published without --publish-late\n",
				p.Yellow(p.Bold("Missed:")), countOf(len(c.Missed), "publication", "publications"), plural(len(c.Missed), "its", "their"))
			crisisHeldList(w, loc, c.Missed, len(c.Missed), false)
		}
	} else {
		fmt.Fprintf(w, "%s %s\n", p.Red(p.Bold("Crisis activated:")), p.Bold(title))
		if c.Severity != "" {
			crisisField(w, p, "severity", c.Severity)
		}
		crisisField(w, p, "since", c.Since.In(loc).Format(crisisTime))
		if !c.ExpiresAt.IsZero() {
			crisisField(w, p, "expires", fmt.Sprintf("%s (expires_after %s): plan warns from then until it is resolved", c.ExpiresAt.In(loc).Format(crisisTime), c.Expires))
		}
		crisisField(w, p, "by", c.By)
		crisisField(w, p, "reason", c.Reason)
		crisisField(w, p, "wrote", c.File)
		fmt.Fprintln(w)
		if len(c.Held) == 0 {
			fmt.Fprintln(w, p.Bold("Held:")+" nothing: the playbook pauses no publication still to come")
		} else {
			fmt.Fprintf(w, "%s %s, until the crisis is resolved\n", p.Bold("Held:"), countOf(len(c.Held), "publication", "publications"))
			crisisHeldList(w, loc, c.Held, crisisShown, true)
		}
		fmt.Fprintln(w)
		if c.Statement != nil {
			fmt.Fprintf(w, "%s publishes on %s at the next apply\n", p.Bold("Holding statement:"), strings.Join(c.Statement.Channels, ", "))
		} else {
			fmt.Fprintln(w, p.Bold("Holding statement:")+" none in this playbook")
		}
		runbookSteps(w, p, c.Checklist, c.Escalation)
	}
	fmt.Fprintln(w)
	switch {
	case c.Git.Nothing:
		fmt.Fprintf(w, "Nothing to commit: %s was never committed on %s.\n", c.File, c.Git.Branch)
	case c.Git.Commit != "" && c.Git.Remote != "":
		fmt.Fprintf(w, "Committed %s on %s and pushed it to %s.\n", p.Cyan(c.Git.Commit), c.Git.Branch, c.Git.Remote)
	case c.Git.Commit != "":
		fmt.Fprintf(w, "Committed %s on %s.\n", p.Cyan(c.Git.Commit), c.Git.Branch)
	}
	fmt.Fprintf(w, "%s %s\n", p.Bold("Next:"), c.Next())
	return nil
}

// crisisField writes "  name    value", a multi-line value indented under its first line.
func crisisField(w io.Writer, p Palette, name, value string) {
	const col = 10
	lines := strings.Split(value, "\n")
	fmt.Fprintf(w, "  %s%s\n", p.Dim(pad(name, col)), lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintln(w, strings.TrimRight("  "+strings.Repeat(" ", col)+l, " "))
	}
}

func crisisHeldList(w io.Writer, loc *time.Location, held []CrisisHeld, shown int, note bool) {
	for i, h := range held {
		if i == shown {
			fmt.Fprintf(w, "  … and %d more (--format json lists them all)\n", len(held)-shown)
			break
		}
		line := fmt.Sprintf("  %s  %s", h.At.In(loc).Format(crisisTime), h.Address)
		if h.Due && note {
			line += "  (already due: held unless an apply published it)"
		}
		fmt.Fprintln(w, line)
	}
}

// CrisisDuration says how long a crisis was active, as resolve shows it.
func CrisisDuration(d time.Duration) string { return crisis.Age(d) }

// The JSON forms of activate and resolve; their fields are stable.

type crisisActivateWire struct {
	FormatVersion    string               `json:"format_version"`
	Action           string               `json:"action"` // "activate"
	Playbook         string               `json:"playbook"`
	Name             string               `json:"name"`
	Severity         string               `json:"severity"`
	ActivatedAt      string               `json:"activated_at"`
	ExpiresAt        string               `json:"expires_at"` // empty: no expires_after
	By               string               `json:"by"`
	Reason           string               `json:"reason"`
	File             string               `json:"file"`
	Held             []crisisHeldWire     `json:"held"`
	HoldingStatement *crisisStatementWire `json:"holding_statement"` // null: none
	Checklist        []string             `json:"checklist"`
	Escalation       []crisisContactWire  `json:"escalation"`
	Git              crisisGitWire        `json:"git"`
	Next             string               `json:"next"`
}

type crisisResolveWire struct {
	FormatVersion string          `json:"format_version"`
	Action        string          `json:"action"` // "resolve"
	Playbook      string          `json:"playbook"`
	Name          string          `json:"name"`
	ActivatedAt   string          `json:"activated_at"`
	ResolvedAt    string          `json:"resolved_at"`
	ActiveSeconds int64           `json:"active_seconds"`
	By            string          `json:"by"`     // who activated it
	Reason        string          `json:"reason"` // why it was activated
	File          string          `json:"file"`
	Back          []crisisPubWire `json:"back"`   // held publications still to come: back in the plan
	Missed        []crisisPubWire `json:"missed"` // their time passed while held: missed unless --publish-late
	Git           crisisGitWire   `json:"git"`
	Next          string          `json:"next"`
}

type crisisHeldWire struct {
	Address string `json:"address"`
	Post    string `json:"post"`
	Channel string `json:"channel"`
	Time    string `json:"time"`
	File    string `json:"file"`
	Due     bool   `json:"due"` // its time has passed
}

// crisisPubWire is a publication a resolution lists.
type crisisPubWire struct {
	Address string `json:"address"`
	Post    string `json:"post"`
	Channel string `json:"channel"`
	Time    string `json:"time"`
	File    string `json:"file"`
}

type crisisStatementWire struct {
	ID       string   `json:"id"`
	Channels []string `json:"channels"`
}

type crisisContactWire struct {
	Role    string `json:"role"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

type crisisGitWire struct {
	Committed bool   `json:"committed"`
	Commit    string `json:"commit"` // short hash; empty: not committed
	Branch    string `json:"branch"`
	Pushed    bool   `json:"pushed"`
	Remote    string `json:"remote"`
}

func crisisChangeWire(c CrisisChange) any {
	loc := c.loc()
	t := func(at time.Time) string {
		if at.IsZero() {
			return ""
		}
		return at.In(loc).Format(time.RFC3339)
	}
	held := func(list []CrisisHeld) []crisisHeldWire {
		out := make([]crisisHeldWire, 0, len(list))
		for _, h := range list {
			out = append(out, crisisHeldWire{Address: h.Address, Post: h.Post, Channel: h.Channel, Time: t(h.At), File: h.File, Due: h.Due})
		}
		return out
	}
	pubs := func(list []CrisisHeld) []crisisPubWire {
		out := make([]crisisPubWire, 0, len(list))
		for _, h := range list {
			out = append(out, crisisPubWire{Address: h.Address, Post: h.Post, Channel: h.Channel, Time: t(h.At), File: h.File})
		}
		return out
	}
	g := crisisGitWire{Committed: c.Git.Commit != "", Commit: c.Git.Commit, Branch: c.Git.Branch, Pushed: c.Git.Remote != "", Remote: c.Git.Remote}
	if c.Resolve {
		return crisisResolveWire{FormatVersion: FormatVersion, Action: "resolve", Playbook: c.Playbook, Name: c.Name,
			ActivatedAt: t(c.Since), ResolvedAt: t(c.At), ActiveSeconds: c.activeSeconds(), By: c.By, Reason: c.Reason,
			File: c.File, Back: pubs(c.Back), Missed: pubs(c.Missed), Git: g, Next: c.Next()}
	}
	out := crisisActivateWire{FormatVersion: FormatVersion, Action: "activate", Playbook: c.Playbook, Name: c.Name, Severity: c.Severity,
		ActivatedAt: t(c.Since), ExpiresAt: t(c.ExpiresAt), By: c.By, Reason: c.Reason, File: c.File, Held: held(c.Held),
		Checklist: replyList(c.Checklist), Escalation: []crisisContactWire{}, Git: g, Next: c.Next()}
	if c.Statement != nil {
		out.HoldingStatement = &crisisStatementWire{ID: c.Statement.ID, Channels: replyList(c.Statement.Channels)}
	}
	for _, e := range c.Escalation {
		out.Escalation = append(out.Escalation, crisisContactWire{Role: e.Role, Name: e.Name, Contact: e.Contact})
	}
	return out
}

func (c CrisisChange) activeSeconds() int64 {
	if c.Since.IsZero() {
		return 0
	}
	return int64(c.ActiveFor() / time.Second)
}
