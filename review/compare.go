package review

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/crisis"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/social"
	"github.com/postctl/postctl/strategy"
	"github.com/postctl/postctl/voice"
)

// compare loads both sides of the changed files and fills in the review.
func (rv *Review) compare(changes map[string]*fileChange, baseFS, headFS fs.FS, headList func(skip func(string) bool) ([]string, error)) error {
	var touchedBase, touchedHead []string
	touched := map[string]bool{} // head paths
	for p, c := range changes {
		st := "modified"
		switch {
		case c.base == plumbing.ZeroHash:
			st = "added"
		case c.head == plumbing.ZeroHash:
			st = "deleted"
		}
		rv.Files = append(rv.Files, File{Path: p, Status: st})
		if c.base != plumbing.ZeroHash {
			touchedBase = append(touchedBase, p)
		}
		if c.head != plumbing.ZeroHash {
			touchedHead = append(touchedHead, p)
			touched[p] = true
		}
	}
	sort.Slice(rv.Files, func(i, j int) bool { return rv.Files[i].Path < rv.Files[j].Path })
	changed := func(name string) bool { return changes[name] != nil }

	baseCal, _, err := calendar.LoadFiles(baseFS, touchedBase)
	if errors.Is(err, calendar.ErrNotCalendar) {
		baseCal, err = nil, nil // the calendar is new: everything is added
	}
	if err != nil {
		return fmt.Errorf("read the merge base: %w", err)
	}
	full := changed("calendar.yaml") || changed("strategy.yaml") || changed("voice.yaml")
	var headCal *calendar.Calendar
	var headFindings calendar.Findings
	switch {
	case full:
		headCal, headFindings, err = calendar.Load(headFS)
	case crisisFullLoad(baseCal, changes):
		headCal, headFindings, err = loadAll(headFS, touchedHead, headList)
	default:
		headCal, headFindings, err = rv.loadHead(headFS, baseCal, touchedHead, headList)
	}
	if err != nil {
		return fmt.Errorf("read the head: %w", err)
	}
	rv.Location = headCal.Location
	if rv.Location == nil {
		rv.Location = time.UTC
	}

	rv.posts(baseCal, headCal, touched)
	rv.named(baseCal, headCal, changes)
	rv.crisis(baseCal, headCal, changes)

	// Findings in scope.
	all := changed("calendar.yaml")
	var out calendar.Findings
	for _, f := range headFindings {
		if all || touched[f.File] {
			out = append(out, f)
		}
	}
	allVoice := all || changed("voice.yaml")
	for _, f := range voice.Check(headCal) {
		if allVoice || touched[f.File] {
			out = append(out, f)
		}
	}
	allStrategy := all || changed("strategy.yaml")
	periods := rv.periods(baseCal, headCal, touched)
	for _, r := range strategy.Results(headCal, rv.Now) {
		if allStrategy || touched[r.File] || periods.covers(r) {
			out = append(out, r.Finding)
		}
	}
	for _, f := range crisis.Check(headCal, rv.Now) {
		if touched[f.File] {
			out = append(out, f)
		}
	}
	out = append(out, rv.soon(headCal)...)
	out.Sort()
	rv.Findings = dedupe(out)
	return nil
}

func dedupe(fs calendar.Findings) calendar.Findings {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// loadHead loads the head's root files, the touched files, every playbook and reply template, and
// the posts around the touched ones that the strategy checks need.
func (rv *Review) loadHead(headFS fs.FS, baseCal *calendar.Calendar, touchedHead []string, headList func(skip func(string) bool) ([]string, error)) (*calendar.Calendar, calendar.Findings, error) {
	first, _, err := calendar.LoadFiles(headFS, touchedHead)
	if err != nil {
		return nil, nil, err
	}
	months := map[int]bool{} // touched months, as year*12 + month-1
	loc := first.Location
	if loc == nil {
		loc = time.UTC
	}
	addTime := func(t time.Time) {
		if !t.IsZero() {
			months[monthIndex(t.In(loc))] = true
		}
	}
	for _, p := range first.Posts {
		addTime(p.Time)
	}
	if baseCal != nil {
		for _, p := range baseCal.Posts {
			addTime(p.Time)
		}
	}
	needPosts := first.Strategy != nil && (len(first.Strategy.Cadence) > 0 || len(first.Strategy.Pillars) > 0) && len(months) > 0
	inContext := func(p string) bool {
		if d, ok := pathDay(p); ok {
			return months[monthIndex(d)] || months[monthIndex(d.AddDate(0, 0, 7))] || months[monthIndex(d.AddDate(0, 0, -7))]
		}
		if m, ok := pathMonth(p); ok {
			return months[m-1] || months[m] || months[m+1]
		}
		return true
	}
	skip := func(dir string) bool {
		if !strings.HasPrefix(dir, "posts/") {
			return false
		}
		return !needPosts || !inContext(dir)
	}
	list, err := headList(skip)
	if err != nil {
		return nil, nil, err
	}
	paths := append([]string(nil), touchedHead...)
	for _, p := range list {
		kind, ok := calendar.KindOf(p)
		if !ok {
			continue
		}
		switch kind {
		case schema.Playbook, schema.Reply:
			paths = append(paths, p)
		case schema.Post:
			if needPosts && inContext(p) {
				paths = append(paths, p)
			}
		}
	}
	return calendar.LoadFiles(headFS, paths)
}

// loadAll loads every calendar file of the head, by the listing that also tells headFS their blob
// hashes: faster than Load's walk through the commit's tree.
func loadAll(headFS fs.FS, touchedHead []string, headList func(skip func(string) bool) ([]string, error)) (*calendar.Calendar, calendar.Findings, error) {
	list, err := headList(nil)
	if err != nil {
		return nil, nil, err
	}
	paths := append([]string(nil), touchedHead...)
	for _, p := range list {
		if _, ok := calendar.KindOf(p); ok {
			paths = append(paths, p)
		}
	}
	return calendar.LoadFiles(headFS, paths)
}

func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

// The strategy context of a review: the posts that share a day, week or month with a touched post
// and the neighbours that min_gap compares it with. Posts are not parsed to find them: a post's
// path is taken to name when it publishes (calgen and examples/ file posts as
// posts/2026-12/2026-12-05-x.yaml; posts/2026/12/05/… works too). A path with a date picks the
// posts of the touched months and of the week either side of them; a path with only a month, the
// touched months and the months either side; a path without a date is always read. A post filed
// under a month it does not publish in (give or take those margins) is missed as context, and
// min_per_week judges a touched week only when the context has posts in weeks before and after it.

// pathMonth finds a month in a post's path: posts/2026/12/…, posts/2026-12/…, posts/2026-12-01-x.yaml.
func pathMonth(p string) (int, bool) {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		y, ok := year(part)
		if !ok {
			continue
		}
		rest := part[4:]
		if len(rest) >= 3 && (rest[0] == '-' || rest[0] == '_' || rest[0] == '.') {
			if m, ok := monthNum(rest[1:3]); ok && (len(rest) == 3 || !isDigit(rest[3])) {
				return y*12 + m - 1, true
			}
		}
		if rest == "" && i+1 < len(parts) {
			next := parts[i+1]
			if len(next) >= 2 {
				if m, ok := monthNum(next[:2]); ok && (len(next) == 2 || !isDigit(next[2])) {
					return y*12 + m - 1, true
				}
			}
		}
	}
	return 0, false
}

// pathDay finds a date in a post's path: a name that starts with 2026-12-05 (or 2026_12_05), or
// directories 2026/12/05.
func pathDay(p string) (time.Time, bool) {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if len(part) >= 10 {
			if t, err := time.Parse("2006-01-02", strings.NewReplacer("_", "-", ".", "-").Replace(part[:10])); err == nil &&
				(len(part) == 10 || !isDigit(part[10])) {
				return t, true
			}
		}
		if _, ok := year(part); ok && len(part) == 4 && i+2 < len(parts) {
			next, last := parts[i+1], parts[i+2]
			if len(next) == 2 && len(last) >= 2 && (len(last) == 2 || !isDigit(last[2])) {
				if t, err := time.Parse("2006-01-02", part+"-"+next+"-"+last[:2]); err == nil {
					return t, true
				}
			}
		}
	}
	return time.Time{}, false
}

func year(s string) (int, bool) {
	if len(s) < 4 || (len(s) > 4 && isDigit(s[4])) {
		return 0, false
	}
	y := 0
	for i := 0; i < 4; i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		y = y*10 + int(s[i]-'0')
	}
	return y, y >= 1970 && y < 3000
}

func monthNum(s string) (int, bool) {
	if !isDigit(s[0]) || !isDigit(s[1]) {
		return 0, false
	}
	m := int(s[0]-'0')*10 + int(s[1]-'0')
	return m, m >= 1 && m <= 12
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// posts pairs the base and head posts of the touched files by id.
func (rv *Review) posts(baseCal, headCal *calendar.Calendar, touched map[string]bool) {
	basePosts := map[string]*calendar.Post{}
	var baseOrder []string
	if baseCal != nil {
		for _, p := range baseCal.Posts {
			if _, dup := basePosts[p.ID.Value]; !dup {
				basePosts[p.ID.Value] = p
				baseOrder = append(baseOrder, p.ID.Value)
			}
		}
	}
	used := map[string]bool{}
	var heads []*calendar.Post
	for _, p := range headCal.Posts {
		if touched[p.File] {
			heads = append(heads, p)
		}
	}
	sort.SliceStable(heads, func(i, j int) bool { return heads[i].File < heads[j].File })
	// First the same ids, so that a moved_from naming an id that still exists does not take it.
	match := map[*calendar.Post]*calendar.Post{}
	for _, h := range heads {
		if b := basePosts[h.ID.Value]; b != nil && !used[h.ID.Value] {
			match[h] = b
			used[h.ID.Value] = true
		}
	}
	for _, h := range heads {
		if match[h] != nil || !h.MovedFrom.Set {
			continue
		}
		if b := basePosts[h.MovedFrom.Value]; b != nil && !used[h.MovedFrom.Value] {
			match[h] = b
			used[h.MovedFrom.Value] = true
		}
	}
	for _, h := range heads {
		b := match[h]
		pc := PostChange{ID: h.ID.Value, File: h.File, Time: h.Time, Draft: h.Draft()}
		pc.Line, pc.Col = at(h.PublishAt)
		switch {
		case b == nil:
			pc.Kind = Added
		case b.ID.Value != h.ID.Value || b.File != h.File:
			pc.Kind = Moved
			if b.ID.Value != h.ID.Value {
				pc.FromID = b.ID.Value
			}
			if b.File != h.File {
				pc.FromFile = b.File
			}
			pc.Fields = diffPost(b, h)
		default:
			pc.Kind = Changed
			pc.Fields = diffPost(b, h)
			if len(pc.Fields) == 0 {
				continue // reformatted or comments only: nothing to review
			}
		}
		pc.Preview = previews(headCal, h)
		switch pc.Kind {
		case Added:
			rv.Added = append(rv.Added, pc)
		case Moved:
			rv.Moved = append(rv.Moved, pc)
		default:
			rv.Changed = append(rv.Changed, pc)
		}
	}
	for _, id := range baseOrder {
		if used[id] {
			continue
		}
		b := basePosts[id]
		pc := PostChange{Kind: Removed, ID: id, File: b.File, Time: b.Time, Draft: b.Draft()}
		pc.Line, pc.Col = at(b.PublishAt)
		rv.Removed = append(rv.Removed, pc)
	}
	byTime := func(list []PostChange) {
		sort.SliceStable(list, func(i, j int) bool {
			if !list[i].Time.Equal(list[j].Time) {
				return list[i].Time.Before(list[j].Time)
			}
			return list[i].ID < list[j].ID
		})
	}
	byTime(rv.Added)
	byTime(rv.Changed)
	byTime(rv.Moved)
	byTime(rv.Removed)
}

func at(s calendar.String) (int, int) {
	if s.Pos.Line == 0 {
		return 1, 1
	}
	return s.Pos.Line, s.Pos.Col
}

// previews shows the post as each of its channels would publish it.
func previews(cal *calendar.Calendar, p *calendar.Post) []Preview {
	var out []Preview
	seen := map[string]bool{}
	for _, ch := range p.Channels {
		if ch.Value == "" || seen[ch.Value] {
			continue
		}
		seen[ch.Value] = true
		c, _ := cal.Channel(ch.Value)
		pl := social.For(c)
		text := p.TextFor(ch.Value).Value
		pv := Preview{Channel: ch.Value, Platform: pl.Name, Text: text, Length: pl.Count(text), Limit: pl.Limit, Unit: pl.Unit()}
		for _, t := range p.Thread {
			pv.Thread = append(pv.Thread, ThreadPreview{Text: t.Text.Value, Length: pl.Count(t.Text.Value)})
		}
		out = append(out, pv)
	}
	return out
}

// soon warns about every added, changed or moved post that would publish within Soon of now,
// unless the head's active crisis holds it on every channel (its crisis finding says so).
func (rv *Review) soon(headCal *calendar.Calendar) calendar.Findings {
	var out calendar.Findings
	a := headCal.ActiveCrisis()
	var posts map[string]*calendar.Post // touched head posts by file and id, when a crisis is active
	if a != nil {
		posts = map[string]*calendar.Post{}
		for _, p := range headCal.Posts {
			posts[p.File+"\x00"+p.ID.Value] = p
		}
	}
	heldEverywhere := func(pc PostChange) bool {
		p := posts[pc.File+"\x00"+pc.ID]
		if p == nil || len(p.Channels) == 0 {
			return false
		}
		for _, ch := range p.Channels {
			if !crisis.Holding(headCal, a, p, ch.Value, rv.Now) {
				return false
			}
		}
		return true
	}
	for _, list := range [][]PostChange{rv.Added, rv.Changed, rv.Moved} {
		for _, pc := range list {
			if pc.Draft || pc.Time.IsZero() || pc.Time.After(rv.Now.Add(Soon)) {
				continue
			}
			if a != nil && heldEverywhere(pc) {
				continue
			}
			u := Upcoming{ID: pc.ID, File: pc.File, Time: pc.Time, Until: pc.Time.Sub(rv.Now), Past: !pc.Time.After(rv.Now)}
			rv.Upcoming = append(rv.Upcoming, u)
			when := pc.Time.In(rv.Location).Format("2006-01-02 15:04 MST")
			msg := fmt.Sprintf("publishes at %s, in %s: within 24 hours of merging this change", when, Until(u.Until))
			if u.Past {
				msg = fmt.Sprintf("publish_at %s has passed: this post would publish as soon as this change merges", when)
			}
			out = append(out, calendar.Finding{File: pc.File, Line: pc.Line, Col: pc.Col, Rule: RuleSoon, Level: calendar.Warning, Message: msg})
		}
	}
	sort.SliceStable(rv.Upcoming, func(i, j int) bool { return rv.Upcoming[i].Time.Before(rv.Upcoming[j].Time) })
	return out
}

// Until shows the time left before a post goes out, in hours and minutes: 3h20m, 45m.
func Until(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}
