package review

import (
	"fmt"
	"strings"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/schema"
)

// Kinds of crisis change.
const (
	CrisisActivated = "activated" // no crisis before, one after
	CrisisResolved  = "resolved"  // a crisis before, none after
	CrisisChanged   = "changed"   // another playbook or activation, or the active playbook's pause or statement edited
)

// CrisisChange is what the change does to the crisis: which publications it holds from the merge
// on and which it lets go. It is set when crisis.yaml is added, removed or changed, or the active
// playbook is edited, and the held publications differ or a new holding statement goes out.
//
// Both sides are judged against the head's posts at Now, with crisis.Holds: what the base's crisis
// would hold of the calendar after the merge, and what the head's holds.
type CrisisChange struct {
	Kind   string
	File   string // crisis.yaml
	Line   int    // of activated_at in the head's crisis.yaml (the base's when resolved); 1 when unknown
	Col    int
	Before *CrisisSide // nil: no crisis before the change
	After  *CrisisSide // nil: no crisis after it

	// Held are the posts the change holds from the merge on that were not held before (all that
	// the crisis holds, for an activation); Back the posts held before that come back, still to
	// come; Missed those held before whose time has passed: missed, never published late unless
	// apply --publish-late. In time order, each with the channels concerned.
	Held, Back, Missed []CrisisPost
	// HeldCount, BackCount, MissedCount count publications (a post on a channel).
	HeldCount, BackCount, MissedCount int

	// Statement is the head's holding statement per channel, when the change makes one go out:
	// an activation, or another playbook or activation time. It publishes at the next apply after
	// the merge.
	Statement     []Preview
	StatementID   string // crisis:PLAYBOOK:STAMP, the statement's address without @channel
	StatementFile string // the playbook file it comes from
}

// CrisisSide is the crisis on one side of the change.
type CrisisSide struct {
	Playbook     string // the playbook id crisis.yaml names
	Name         string // the playbook's name; "" when unknown
	Severity     string
	Known        bool // the playbook exists; an unknown one holds everything
	File         string
	Since        time.Time // activated_at
	Reason, By   string
	ExpiresAfter string // as the playbook writes it; "" when unset
}

// CrisisPost is a post whose publications the change holds or lets go.
type CrisisPost struct {
	ID       string
	File     string
	Line     int
	Time     time.Time
	Channels []string
	Due      bool // its time has passed at Now
}

// MaxCrisisListed is how many posts of each crisis list the views show before counting the rest.
const MaxCrisisListed = 20

// Headline says what the change does to the crisis in a sentence or two: "Activates the crisis
// "shipping-outage" (medium) — 17 publications held from now on".
func (c *CrisisChange) Headline(loc *time.Location) string {
	var parts []string
	if c.Before != nil && (c.After == nil || c.After.Playbook != c.Before.Playbook || !c.After.Since.Equal(c.Before.Since)) {
		s := fmt.Sprintf("Resolves the crisis %q, active since %s: %s, %s (not published without --publish-late)",
			c.Before.Playbook, c.Before.Since.In(loc).Format(timeLayout), comeBack(c.BackCount), areMissed(c.MissedCount))
		parts = append(parts, s)
	}
	if c.After != nil && (c.Before == nil || c.After.Playbook != c.Before.Playbook || !c.After.Since.Equal(c.Before.Since)) {
		sev := c.After.Severity
		if !c.After.Known {
			sev = "unknown playbook: everything is held"
		}
		s := fmt.Sprintf("Activates the crisis %q", c.After.Playbook)
		if sev != "" {
			s += " (" + sev + ")"
		}
		s += " — " + countOf(c.HeldCount, "publication", "publications") + " held from now on"
		if c.Before != nil {
			s = strings.Replace(s, " held from now on", " newly held from now on", 1)
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 { // the same activation, its playbook edited
		parts = append(parts, fmt.Sprintf("Changes what the active crisis %q holds: %s newly held, %s, %s (not published without --publish-late)",
			c.After.Playbook, countOf(c.HeldCount, "publication", "publications"), comeBack(c.BackCount), areMissed(c.MissedCount)))
	}
	return strings.Join(parts, ". ")
}

func comeBack(n int) string {
	if n == 1 {
		return "1 held publication comes back"
	}
	return fmt.Sprintf("%d held publications come back", n)
}

func areMissed(n int) string {
	if n == 1 {
		return "1 is missed"
	}
	return fmt.Sprintf("%d are missed", n)
}

// countOf writes "1 post" or "3 posts".
func countOf(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

const timeLayout = "2006-01-02 15:04 MST"

// crisisFullLoad says whether the crisis's effect has to be worked out, which needs every post of
// the head: crisis.yaml changed, or a playbook changed while a crisis is active (cheaper to over-
// approximate than to parse the changed playbooks first: both are rare).
func crisisFullLoad(baseCal *calendar.Calendar, changes map[string]*fileChange) bool {
	if changes["crisis.yaml"] != nil {
		return true
	}
	if baseCal == nil || baseCal.Crisis == nil {
		return false
	}
	for p := range changes {
		if k, ok := calendar.KindOf(p); ok && k == schema.Playbook {
			return true
		}
	}
	return false
}

// crisis works out the crisis change; headCal holds every post when crisisFullLoad said so.
func (rv *Review) crisis(baseCal, headCal *calendar.Calendar, changes map[string]*fileChange) {
	var before *calendar.ActiveCrisis
	if baseCal != nil && baseCal.Crisis != nil && !baseCal.Crisis.Time.IsZero() {
		before = &calendar.ActiveCrisis{Crisis: baseCal.Crisis, Playbook: playbookOf(baseCal, headCal, changes, baseCal.Crisis.Playbook.Value)}
	}
	after := headCal.ActiveCrisis()
	if before == nil && after == nil {
		return
	}
	relevant := changes["crisis.yaml"] != nil
	for _, a := range []*calendar.ActiveCrisis{before, after} {
		if a != nil && a.Playbook != nil && changes[a.Playbook.File] != nil {
			relevant = true
		}
	}
	if !relevant {
		return
	}
	c := &CrisisChange{File: "crisis.yaml", Line: 1, Col: 1, Before: crisisSide(before), After: crisisSide(after)}
	switch {
	case before == nil:
		c.Kind = CrisisActivated
	case after == nil:
		c.Kind = CrisisResolved
	default:
		c.Kind = CrisisChanged
	}
	if a := after; a != nil {
		c.Line, c.Col = at(a.Crisis.ActivatedAt)
	} else if before != nil {
		c.Line, c.Col = at(before.Crisis.ActivatedAt)
	}
	var was, is []crisis.Held
	if before != nil {
		was = crisis.Holds(headCal, before.Playbook, before.Since(), rv.Now)
	}
	if after != nil {
		is = crisis.Holds(headCal, after.Playbook, after.Since(), rv.Now)
	}
	wasSet := make(map[string]bool, len(was))
	for _, h := range was {
		wasSet[h.Address] = true
	}
	isSet := make(map[string]bool, len(is))
	for _, h := range is {
		isSet[h.Address] = true
	}
	for _, h := range is {
		if !wasSet[h.Address] {
			c.Held = addCrisisPost(c.Held, h)
			c.HeldCount++
		}
	}
	for _, h := range was {
		if isSet[h.Address] {
			continue
		}
		if h.Due {
			c.Missed = addCrisisPost(c.Missed, h)
			c.MissedCount++
		} else {
			c.Back = addCrisisPost(c.Back, h)
			c.BackCount++
		}
	}
	if after != nil && (before == nil || before.StatementID() != after.StatementID()) {
		if st := after.Statement(headCal); st != nil {
			c.Statement = previews(headCal, st)
			c.StatementID = st.ID.Value
			c.StatementFile = st.File
		}
	}
	if c.Kind == CrisisChanged && c.HeldCount+c.BackCount+c.MissedCount == 0 && c.Statement == nil {
		return // a reason reworded, a checklist edited: the named changes show it
	}
	rv.Crisis = c
}

// playbookOf finds the base's playbook id: the base version when the change touched its file,
// otherwise the head's, which is the same file. nil when the base has no such playbook.
func playbookOf(baseCal, headCal *calendar.Calendar, changes map[string]*fileChange, id string) *calendar.Playbook {
	for _, pb := range baseCal.Playbooks {
		if pb != nil && pb.ID.Value == id {
			return pb
		}
	}
	for _, pb := range headCal.Playbooks {
		if pb != nil && pb.ID.Value == id && changes[pb.File] == nil {
			return pb
		}
	}
	return nil
}

func crisisSide(a *calendar.ActiveCrisis) *CrisisSide {
	if a == nil {
		return nil
	}
	s := &CrisisSide{Playbook: a.Crisis.Playbook.Value, Since: a.Since(), Reason: a.Crisis.Reason.Value, By: a.Crisis.By.Value}
	if pb := a.Playbook; pb != nil {
		s.Known, s.Name, s.Severity, s.File, s.ExpiresAfter = true, pb.Name.Value, pb.Severity.Value, pb.File, pb.ExpiresAfter.Value
	}
	return s
}

// addCrisisPost adds a held publication to list, joining the channels of one post in the post's
// order (Holds lists a post's publications next to each other: same time, addresses post@channel).
func addCrisisPost(list []CrisisPost, h crisis.Held) []CrisisPost {
	if n := len(list); n > 0 && list[n-1].ID == h.Post.ID.Value && list[n-1].Time.Equal(h.At) {
		chans := append(list[n-1].Channels, h.Channel)
		order := func(ch string) int {
			for i, c := range h.Post.Channels {
				if c.Value == ch {
					return i
				}
			}
			return len(h.Post.Channels)
		}
		for i := len(chans) - 1; i > 0 && order(chans[i]) < order(chans[i-1]); i-- {
			chans[i], chans[i-1] = chans[i-1], chans[i]
		}
		list[n-1].Channels = chans
		return list
	}
	line, _ := at(h.Post.PublishAt)
	return append(list, CrisisPost{ID: h.Post.ID.Value, File: h.Post.File, Line: line, Time: h.At, Channels: []string{h.Channel}, Due: h.Due})
}
