package agenda

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/plan"
	"github.com/postctl/postctl/social"
	"github.com/postctl/postctl/state"
)

// Options say which publications an agenda shows.
type Options struct {
	From, To time.Time // [From, To); the views want local midnights
	Now      time.Time
	// Channels keeps only these channels' publications (and the blackouts and campaigns that
	// apply to one of them); empty keeps every channel.
	Channels []string
	// IncludeDrafts adds drafts, with the status draft, on each of their channels.
	IncludeDrafts bool
}

// Build collects the calendar's publications in [From, To) with what will happen to each.
//
// The status comes from the plan when it has a change for the publication (held, missed, blocked,
// unknown; publish is due; cancel because of a hold is held), else from the state's record
// (published, with its URL; scheduled on the platform), else upcoming. Drafts are draft. The
// active crisis's holding statement is an entry (Statement) like a post. Posts whose time cannot
// be read are left out: validate reports them. st and p may be nil.
func Build(cal *calendar.Calendar, st *state.State, p *plan.Plan, opts Options) *Agenda {
	loc := time.UTC
	if cal.Location != nil {
		loc = cal.Location
	}
	a := &Agenda{Location: loc, From: opts.From, To: opts.To, Now: opts.Now}
	if cal.Config != nil {
		a.Brand = cal.Config.Brand.Value
	}
	keep := func(string) bool { return true }
	if len(opts.Channels) > 0 {
		keep = func(ch string) bool { return slices.Contains(opts.Channels, ch) }
	}

	platforms := map[string]social.Platform{}
	if cal.Config != nil {
		for _, e := range cal.Config.Channels {
			pl := social.For(e.Value)
			platforms[e.Key.Value] = pl
			a.Channels = append(a.Channels, Channel{ID: e.Key.Value, Provider: e.Value.Provider.Value, Platform: pl.Name})
		}
	}
	if cal.Strategy != nil {
		a.Pillars = cal.Strategy.Pillars.Keys()
	}

	var changes map[string]*plan.Change
	if p != nil && len(p.Changes) > 0 {
		changes = map[string]*plan.Change{}
		for i := range p.Changes {
			// A change's time is its publication's (the recorded one when the post is gone):
			// the entries in range only need the changes in range.
			if c := &p.Changes[i]; !c.At.Before(opts.From) && c.At.Before(opts.To) {
				changes[c.Address] = c
			}
		}
	}
	var records map[string]*state.Publication
	if st != nil {
		records = st.Publications
	}

	b := builder{a: a, opts: opts, keep: keep, platforms: platforms, changes: changes, records: records}
	// The posts in range, in time order and by id: their entries then mostly come out sorted, and
	// sorting a few hundred bytes per entry is avoided.
	var posts []*calendar.Post
	n := 0
	for _, post := range cal.Posts {
		if post == nil || post.Time.IsZero() || post.Time.Before(opts.From) || !post.Time.Before(opts.To) {
			continue
		}
		if post.Draft() && !opts.IncludeDrafts {
			continue
		}
		posts = append(posts, post)
		n += len(post.Channels)
	}
	slices.SortStableFunc(posts, func(x, y *calendar.Post) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return strings.Compare(x.ID.Value, y.ID.Value)
	})
	b.seen = make(map[string]bool, n)
	b.fillAll(posts, n)
	if ac := cal.ActiveCrisis(); ac != nil {
		name := ac.Crisis.Playbook.Value
		if ac.Playbook != nil && ac.Playbook.Name.Value != "" {
			name = ac.Playbook.Name.Value
		}
		a.Crisis = &Crisis{Playbook: ac.Crisis.Playbook.Value, Name: name, Since: ac.Since()}
		if s := ac.Statement(cal); s != nil && !s.Time.Before(opts.From) && s.Time.Before(opts.To) {
			b.post(s, true)
		}
	}
	sortEntries(a.Entries)

	if cal.Strategy != nil {
		for _, bl := range cal.Strategy.Blackouts {
			if !overlaps(bl.Start, bl.End, opts.From, opts.To) || !anyKept(bl.Channels, keep) {
				continue
			}
			a.Blackouts = append(a.Blackouts, Span{Name: bl.Name.Value, From: bl.Start, To: bl.End,
				Reason: oneLine(bl.Reason.Value), Channels: calendar.Values(bl.Channels)})
		}
		for _, e := range cal.Strategy.Campaigns {
			c := e.Value
			if !overlaps(c.Start, c.End, opts.From, opts.To) || !anyKept(c.Channels, keep) {
				continue
			}
			a.Campaigns = append(a.Campaigns, Span{Name: e.Key.Value, From: c.Start, To: c.End,
				Channels: calendar.Values(c.Channels), Hashtags: calendar.Values(c.Hashtags)})
		}
	}
	return a
}

type builder struct {
	a         *Agenda
	opts      Options
	keep      func(string) bool
	platforms map[string]social.Platform
	changes   map[string]*plan.Change
	records   map[string]*state.Publication
	seen      map[string]bool
}

// post adds the post's entries, one per kept channel not seen before.
func (b *builder) post(post *calendar.Post, statement bool) {
	dst := make([]Entry, len(post.Channels))
	ok := make([]bool, len(post.Channels))
	b.fill(post, statement, dst, ok)
	b.keepNew(dst, ok)
}

// keepNew appends the filled entries whose address is new: a channel listed twice, or two posts
// with one id, give one entry (validate reports them).
func (b *builder) keepNew(dst []Entry, ok []bool) {
	for i := range dst {
		if ok[i] && !b.seen[dst[i].Address] {
			b.seen[dst[i].Address] = true
			b.a.Entries = append(b.a.Entries, dst[i])
		}
	}
}

// fill writes the post's entry on each of its channels into dst, in order of address, and says in
// ok which are kept. It only reads the builder, so posts are filled concurrently.
func (b *builder) fill(post *calendar.Post, statement bool, dst []Entry, ok []bool) {
	title := Title(post)
	postMedia := media(post.Media)
	var counts []counted
	var tags []string
	if len(post.Tags) > 0 {
		tags = calendar.Values(post.Tags)
	}
	for k, chID := range post.Channels {
		ch := chID.Value
		if ch == "" || !b.keep(ch) {
			continue
		}
		addr := state.Address(post.ID.Value, ch)
		pl, known := b.platforms[ch]
		if !known {
			pl = social.Named("")
		}
		text := post.TextFor(ch).Value
		e := Entry{Address: addr, Post: post.ID.Value, Channel: ch, Title: title, At: post.Time, File: post.File,
			Pillar: post.Pillar.Value, Campaign: post.Campaign.Value, Tags: tags, Statement: statement,
			Text: text, Limit: pl.Limit, Unit: pl.Unit(), Media: postMedia}
		// Channels of one platform count the post's text and thread alike: count them once.
		var c *counted
		for i := range counts {
			if counts[i].platform == pl.Name {
				c = &counts[i]
			}
		}
		if c == nil {
			counts = append(counts, counted{platform: pl.Name, text: -1})
			c = &counts[len(counts)-1]
			if len(post.Thread) > 0 {
				c.thread = make([]Part, len(post.Thread))
				for i, t := range post.Thread {
					c.thread[i] = Part{Text: t.Text.Value, Media: media(t.Media), Length: pl.Count(t.Text.Value)}
				}
			}
		}
		if text == post.Text.Value {
			if c.text < 0 {
				c.text = pl.Count(text)
			}
			e.Length = c.text
		} else {
			e.Length = pl.Count(text)
		}
		e.Thread = c.thread
		e.Status, e.Reason, e.URL = b.status(addr, post)
		dst[k], ok[k] = e, true
	}
	// One post's entries differ only by channel: insertion sort by address, carrying ok along.
	for i := 1; i < len(dst); i++ {
		for j := i; j > 0 && ok[j] && (!ok[j-1] || dst[j].Address < dst[j-1].Address); j-- {
			dst[j], dst[j-1] = dst[j-1], dst[j]
			ok[j], ok[j-1] = ok[j-1], ok[j]
		}
	}
}

// fillAll fills the entries of posts (in time order) on as many goroutines as there are CPUs:
// counting lengths is most of the work on a large range.
func (b *builder) fillAll(posts []*calendar.Post, n int) {
	dst := make([]Entry, n)
	ok := make([]bool, n)
	offs := make([]int, len(posts)+1)
	for i, p := range posts {
		offs[i+1] = offs[i] + len(p.Channels)
	}
	const chunk = 512
	workers := min(runtime.GOMAXPROCS(0), (len(posts)+chunk-1)/chunk)
	if workers <= 1 {
		for i, p := range posts {
			b.fill(p, false, dst[offs[i]:offs[i+1]], ok[offs[i]:offs[i+1]])
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					lo := int(next.Add(chunk)) - chunk
					if lo >= len(posts) {
						return
					}
					for i := lo; i < min(lo+chunk, len(posts)); i++ {
						b.fill(posts[i], false, dst[offs[i]:offs[i+1]], ok[offs[i]:offs[i+1]])
					}
				}
			}()
		}
		wg.Wait()
	}
	out := dst[:0] // compacted in place
	for i := range dst {
		if ok[i] && !b.seen[dst[i].Address] {
			b.seen[dst[i].Address] = true
			out = append(out, dst[i])
		}
	}
	clear(dst[len(out):])
	b.a.Entries = out // the first entries: the statement's come after
}

// counted is a post's lengths on one platform.
type counted struct {
	platform string
	text     int // -1 until counted
	thread   []Part
}

// sortEntries puts entries in time order, then by address. Entries are large: an index is sorted
// and the entries moved once.
func sortEntries(entries []Entry) {
	sorted := slices.IsSortedFunc(entries, compareEntries)
	if sorted {
		return
	}
	idx := make([]int32, len(entries))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int { return compareEntries(entries[x], entries[y]) })
	out := make([]Entry, len(entries))
	for i, j := range idx {
		out[i] = entries[j]
	}
	copy(entries, out)
}

func compareEntries(x, y Entry) int {
	if c := x.At.Compare(y.At); c != 0 {
		return c
	}
	return strings.Compare(x.Address, y.Address)
}

// status is what happens to a publication: the plan's change, else the state's record.
func (b *builder) status(addr string, post *calendar.Post) (Status, string, string) {
	if post.Draft() {
		return Draft, "a draft: never published", ""
	}
	r := b.records[addr]
	url := ""
	if r != nil {
		url = r.URL
	}
	if c := b.changes[addr]; c != nil {
		switch c.Action {
		case plan.Held:
			return Held, c.Reason, url
		case plan.Missed:
			return Missed, c.Reason, url
		case plan.Blocked:
			return Blocked, c.Reason, url
		case plan.Unknown:
			return Unknown, c.Reason, url
		case plan.Publish:
			return Due, c.Reason, url
		case plan.Cancel:
			if c.Hold {
				return Held, c.Reason, url
			}
		case plan.Schedule, plan.Reschedule, plan.Replace:
			return Upcoming, c.Reason, url
		}
	}
	if r != nil {
		switch r.Status {
		case state.Published:
			return Published, "", url
		case state.Scheduled:
			if r.PlannedAt.After(b.opts.Now) {
				return Scheduled, "", url
			}
			return Published, "", url // the platform published it at its time
		case state.Held:
			return Held, r.Reason, url
		case state.Missed:
			return Missed, r.Reason, url
		case state.Pending:
			return Unknown, "an earlier apply was interrupted", url
		}
	}
	return Upcoming, "", url
}

// Title is a post's title, or the start of its text's first line, cut at a word within 60
// characters.
func Title(post *calendar.Post) string {
	if t := oneLine(post.Title.Value); t != "" {
		return t
	}
	text := post.Text.Value
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	text = oneLine(text)
	const max = 60
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	cut, n := len(text), 0
	for i := range text {
		if n == max {
			cut = i
			break
		}
		n++
	}
	short := text[:cut]
	if sp := strings.LastIndexByte(short, ' '); sp > max/2 {
		short = short[:sp]
	}
	return strings.TrimRight(short, " ,;:.-") + "…"
}

func media(list []calendar.Media) []Media {
	if len(list) == 0 {
		return nil
	}
	out := make([]Media, len(list))
	for i, m := range list {
		out[i] = Media{File: m.File.Value, Alt: m.Alt.Value}
	}
	return out
}

// anyKept says whether a span's channels (empty: every channel) include a kept one.
func anyKept(channels []calendar.String, keep func(string) bool) bool {
	if len(channels) == 0 {
		return true
	}
	for _, c := range channels {
		if keep(c.Value) {
			return true
		}
	}
	return false
}

func overlaps(start, end, from, to time.Time) bool {
	return !start.IsZero() && end.After(start) && start.Before(to) && end.After(from)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
