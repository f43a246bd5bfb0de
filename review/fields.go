package review

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/strategy"
)

// field is one field of a post, as compared (value) and as shown (text).
type field struct {
	name  string
	value any
	text  string
}

func list(l []string) string { return "[" + strings.Join(l, ", ") + "]" }

func mediaText(m calendar.Media) string {
	if m.Alt.Value == "" {
		return m.File.Value
	}
	return fmt.Sprintf("%s (alt: %s)", m.File.Value, m.Alt.Value)
}

// postFields lists a post's fields in the order a post file is usually written, positions left out.
func postFields(p *calendar.Post, channels []string) []field {
	str := func(name string, s calendar.String) field { return field{name, s.Value, s.Value} }
	out := []field{
		str("id", p.ID),
		str("publish_at", p.PublishAt),
		{"channels", calendar.Values(p.Channels), list(calendar.Values(p.Channels))},
		str("status", p.Status),
		str("title", p.Title),
		str("pillar", p.Pillar),
		str("campaign", p.Campaign),
		{"tags", calendar.Values(p.Tags), list(calendar.Values(p.Tags))},
		str("text", p.Text),
	}
	for _, ch := range channels {
		o, ok := p.Overrides.Get(ch)
		if ok {
			out = append(out, field{"overrides." + ch + ".text", o.Text.Value, o.Text.Value})
		} else {
			out = append(out, field{"overrides." + ch + ".text", nil, ""})
		}
	}
	for i, t := range p.Thread {
		ms := make([]string, len(t.Media))
		for j, m := range t.Media {
			ms[j] = mediaText(m)
		}
		text := t.Text.Value
		if len(ms) > 0 {
			text += "\nmedia: " + strings.Join(ms, "; ")
		}
		out = append(out, field{fmt.Sprintf("thread[%d]", i), []any{t.Text.Value, ms}, text})
	}
	for i, m := range p.Media {
		out = append(out, field{fmt.Sprintf("media[%d]", i), []string{m.File.Value, m.Alt.Value}, mediaText(m)})
	}
	var ign []string
	for _, ig := range p.VoiceOpts.Ignore {
		ign = append(ign, fmt.Sprintf("%s (%s)", ig.Rule.Value, strings.TrimSpace(ig.Reason.Value)))
	}
	out = append(out, field{"voice.ignore", ign, strings.Join(ign, "; ")}, str("moved_from", p.MovedFrom))
	return out
}

// diffPost compares two versions of a post field by field with go-cmp.
func diffPost(before, after *calendar.Post) []FieldChange {
	var chans []string
	seen := map[string]bool{}
	for _, p := range []*calendar.Post{before, after} {
		for _, o := range p.Overrides {
			if !seen[o.Key.Value] {
				seen[o.Key.Value] = true
				chans = append(chans, o.Key.Value)
			}
		}
	}
	a, b := postFields(before, chans), postFields(after, chans)
	byName := func(fs []field) map[string]field {
		m := make(map[string]field, len(fs))
		for _, f := range fs {
			m[f.name] = f
		}
		return m
	}
	am, bm := byName(a), byName(b)
	var order []string
	seenName := map[string]bool{}
	// The after side's order, with fields only the before side has (a dropped thread item) after
	// their neighbours.
	for _, f := range append(b, a...) {
		if !seenName[f.name] {
			seenName[f.name] = true
			order = append(order, f.name)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return rank(order[i]) < rank(order[j]) })
	var out []FieldChange
	for _, name := range order {
		x, y := am[name], bm[name]
		if cmp.Equal(emptyNil(x.value), emptyNil(y.value)) {
			continue
		}
		out = append(out, FieldChange{Field: name, Before: x.text, After: y.text})
	}
	return out
}

var fieldRank = map[string]int{"id": 0, "publish_at": 1, "channels": 2, "status": 3, "title": 4, "pillar": 5,
	"campaign": 6, "tags": 7, "text": 8, "overrides": 9, "thread": 10, "media": 11, "voice.ignore": 12, "moved_from": 13}

func rank(name string) int {
	key := name
	if i := strings.IndexAny(name, ".["); i >= 0 && name != "voice.ignore" {
		key = name[:i]
	}
	return fieldRank[key]
}

// emptyNil treats an absent value and an empty one alike: no tags and tags: [] are the same.
func emptyNil(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
	case []string:
		if len(x) == 0 {
			return nil
		}
	}
	return v
}

// named compares voice rules, playbooks, reply templates and the root files of the touched files.
func (rv *Review) named(baseCal, headCal *calendar.Calendar, changes map[string]*fileChange) {
	baseFile := func(p string) []byte {
		if baseCal == nil {
			return nil
		}
		return baseCal.File(p).Source
	}
	for _, name := range calendar.RootFiles() {
		c := changes[name]
		if c == nil {
			continue
		}
		before, after := baseFile(name), headCal.File(name).Source
		nc := NamedChange{ID: name, File: name, Change: "changed"}
		switch {
		case before == nil:
			nc.Change = "added"
		case after == nil:
			nc.Change = "removed"
		default:
			nc.Keys = changedKeys(before, after)
		}
		rv.Settings = append(rv.Settings, nc)
		if name == "voice.yaml" {
			rv.Rules = diffRules(baseCal, headCal)
		}
	}
	type item struct {
		id, file string
		src      []byte
	}
	collect := func(cal *calendar.Calendar, playbooks bool, head bool) map[string]item {
		out := map[string]item{}
		if cal == nil {
			return out
		}
		add := func(id, file string) {
			if c := changes[file]; c == nil {
				return
			}
			if _, dup := out[id]; !dup {
				out[id] = item{id, file, cal.File(file).Source}
			}
		}
		if playbooks {
			for _, p := range cal.Playbooks {
				add(p.ID.Value, p.File)
			}
		} else {
			for _, r := range cal.Replies {
				add(r.ID.Value, r.File)
			}
		}
		return out
	}
	diff := func(before, after map[string]item) []NamedChange {
		var out []NamedChange
		for id, a := range after {
			b, ok := before[id]
			switch {
			case !ok:
				out = append(out, NamedChange{ID: id, File: a.file, Change: "added"})
			default:
				if keys := changedKeys(b.src, a.src); len(keys) > 0 || a.file != b.file {
					out = append(out, NamedChange{ID: id, File: a.file, Change: "changed", Keys: keys})
				}
			}
		}
		for id, b := range before {
			if _, ok := after[id]; !ok {
				out = append(out, NamedChange{ID: id, File: b.file, Change: "removed"})
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out
	}
	rv.Playbooks = diff(collect(baseCal, true, false), collect(headCal, true, true))
	rv.Replies = diff(collect(baseCal, false, false), collect(headCal, false, true))
}

// changedKeys lists the top-level keys whose values differ between two YAML documents, in the
// after document's order, then keys only the before one has.
func changedKeys(before, after []byte) []string {
	a, aOrder := topLevel(before)
	b, bOrder := topLevel(after)
	var out []string
	seen := map[string]bool{}
	for _, k := range append(bOrder, aOrder...) {
		if seen[k] {
			continue
		}
		seen[k] = true
		if !cmp.Equal(a[k], b[k]) {
			out = append(out, k)
		}
	}
	return out
}

func topLevel(src []byte) (map[string]any, []string) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return map[string]any{}, nil
	}
	m := doc.Content[0]
	out := map[string]any{}
	var order []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		var v any
		_ = m.Content[i+1].Decode(&v)
		out[m.Content[i].Value] = v
		order = append(order, m.Content[i].Value)
	}
	return out, order
}

// diffRules compares voice rules by id.
func diffRules(baseCal, headCal *calendar.Calendar) []NamedChange {
	rules := func(cal *calendar.Calendar) (map[string]map[string]any, []string) {
		out := map[string]map[string]any{}
		var order []string
		if cal == nil || cal.Voice == nil {
			return out, nil
		}
		for _, r := range cal.Voice.Rules {
			if _, dup := out[r.ID.Value]; dup || r.Node == nil {
				continue
			}
			var v map[string]any
			_ = r.Node.Decode(&v)
			out[r.ID.Value] = v
			order = append(order, r.ID.Value)
		}
		return out, order
	}
	a, aOrder := rules(baseCal)
	b, bOrder := rules(headCal)
	var out []NamedChange
	for _, id := range bOrder {
		before, ok := a[id]
		if !ok {
			out = append(out, NamedChange{ID: id, File: "voice.yaml", Change: "added"})
			continue
		}
		var keys []string
		for k := range union(before, b[id]) {
			if !cmp.Equal(before[k], b[id][k]) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			out = append(out, NamedChange{ID: id, File: "voice.yaml", Change: "changed", Keys: keys})
		}
	}
	for _, id := range aOrder {
		if _, ok := b[id]; !ok {
			out = append(out, NamedChange{ID: id, File: "voice.yaml", Change: "removed"})
		}
	}
	return out
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// periods are what a change touched, for the strategy findings: the touched post ids and their
// times, at head and at base.
type periods struct {
	ids   map[string]bool
	times []time.Time
}

func (rv *Review) periods(baseCal, headCal *calendar.Calendar, touched map[string]bool) periods {
	ps := periods{ids: map[string]bool{}}
	add := func(p *calendar.Post) {
		ps.ids[p.ID.Value] = true
		if !p.Time.IsZero() {
			ps.times = append(ps.times, p.Time)
		}
	}
	for _, p := range headCal.Posts {
		if touched[p.File] {
			add(p)
		}
	}
	if baseCal != nil {
		for _, p := range baseCal.Posts {
			add(p) // base posts loaded are the touched ones
		}
	}
	return ps
}

// covers says whether a strategy finding is about something the change touched: one of its posts,
// or a touched post's time inside the day, week or month (or the min_gap interval) it judges.
func (ps periods) covers(r strategy.Result) bool {
	for _, id := range r.Posts {
		if ps.ids[id] {
			return true
		}
	}
	if r.From.IsZero() {
		return false
	}
	for _, t := range ps.times {
		if !t.Before(r.From) && (t.Before(r.To) || t.Equal(r.To)) {
			return true
		}
	}
	return false
}
