package voice

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/postctl/postctl/calendar"
)

// fileTexts is one file's texts, in file order, with the post's ignores.
type fileTexts struct {
	file    string
	texts   []textAt
	ignores []calendar.Ignore
	strs    []string // backing store for the texts' channels and tags, reused from file to file
}

// values appends the strings' values to ft.strs and returns them.
func (ft *fileTexts) values(list []calendar.String) []string {
	if len(list) == 0 {
		return nil
	}
	start := len(ft.strs)
	for _, s := range list {
		ft.strs = append(ft.strs, s.Value)
	}
	return ft.strs[start:len(ft.strs):len(ft.strs)]
}

// textAt is a text with the scalar it was written in, to place findings.
type textAt struct {
	s           calendar.String
	t           Text
	unpublished bool // a main text that every channel overrides: no platform would get it
}

// Lint lints every text of the calendar: each post's text, overrides and thread items, each reply
// template, and each playbook's holding statement. Findings are sorted.
func (e *Engine) Lint(cal *calendar.Calendar) calendar.Findings {
	n := len(cal.Posts) + len(cal.Replies) + len(cal.Playbooks)
	results := make([]calendar.Findings, n)
	workers := min(runtime.GOMAXPROCS(0), (n+63)/64)
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 32
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := newLinter(e, cal)
			var ft fileTexts
			for {
				from := int(next.Add(chunk)) - chunk
				if from >= n {
					return
				}
				for i := from; i < min(from+chunk, n); i++ {
					ft.texts, ft.strs = ft.texts[:0], ft.strs[:0]
					e.collect(cal, i, &ft)
					results[i] = l.file(&ft)
				}
			}
		}()
	}
	wg.Wait()
	var out calendar.Findings
	for _, r := range results {
		out = append(out, r...)
	}
	sortFindings(out)
	return out
}

// collect gathers the texts of the i-th file: posts, then replies, then playbooks.
func (e *Engine) collect(cal *calendar.Calendar, i int, ft *fileTexts) {
	switch {
	case i < len(cal.Posts):
		p := cal.Posts[i]
		ft.file, ft.ignores = p.File, p.VoiceOpts.Ignore
		base := Text{Kind: KindPost, Pillar: p.Pillar.Value, Tags: ft.values(p.Tags)}
		publication(ft, base, ft.values(p.Channels), p.Text, p.Overrides, p.Thread)
	case i < len(cal.Posts)+len(cal.Replies):
		r := cal.Replies[i-len(cal.Posts)]
		ft.file, ft.ignores = r.File, nil
		if r.Text.Set {
			ft.texts = append(ft.texts, textAt{s: r.Text, t: Text{Value: r.Text.Value, Kind: KindReply, Channels: ft.values(r.Channels),
				Tags: ft.values(r.Tags), Lead: true, Placeholders: true}})
		}
	default:
		pb := cal.Playbooks[i-len(cal.Posts)-len(cal.Replies)]
		ft.file, ft.ignores = pb.File, nil
		if hs := pb.HoldingStatement; hs != nil {
			chans := ft.values(hs.Channels)
			if len(chans) == 0 && cal.Config != nil {
				chans = cal.Config.Channels.Keys()
			}
			publication(ft, Text{Kind: KindHoldingStatement}, chans, hs.Text, hs.Overrides, hs.Thread)
		}
	}
	slices.SortStableFunc(ft.texts, func(a, b textAt) int {
		if c := cmp.Compare(a.s.Pos.Line, b.s.Pos.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.s.Pos.Col, b.s.Pos.Col)
	})
}

// publication adds the texts of a post or holding statement: the main text on the channels without
// an override (on all when each has one), each override on its channel, and each thread item on
// every channel.
func publication(ft *fileTexts, base Text, chans []string, text calendar.String, overrides calendar.Map[calendar.Override], thread []calendar.ThreadItem) {
	overridden := func(ch string) bool {
		o, ok := overrides.Get(ch)
		return ok && o.Text.Set
	}
	mainChans := chans
	if len(overrides) > 0 {
		start := len(ft.strs)
		for _, ch := range chans {
			if !overridden(ch) {
				ft.strs = append(ft.strs, ch)
			}
		}
		mainChans = ft.strs[start:len(ft.strs):len(ft.strs)]
	}
	unpublished := len(chans) > 0 && len(mainChans) == 0
	if unpublished {
		mainChans = chans // the rules still hold for it; the platforms' limits do not
	}
	add := func(s calendar.String, chans []string, lead bool) {
		t := base
		t.Value, t.Channels, t.Lead = s.Value, chans, lead
		ft.texts = append(ft.texts, textAt{s: s, t: t})
	}
	if text.Set {
		add(text, mainChans, true)
		ft.texts[len(ft.texts)-1].unpublished = unpublished
	}
	for _, o := range overrides {
		if o.Value.Text.Set {
			ft.strs = append(ft.strs, o.Key.Value)
			add(o.Value.Text, ft.strs[len(ft.strs)-1:len(ft.strs):len(ft.strs)], true)
		}
	}
	for _, item := range thread {
		if item.Text.Set {
			add(item.Text, chans, false)
		}
	}
}

// file lints the texts of one file and places the findings.
func (l *linter) file(ft *fileTexts) calendar.Findings {
	var out calendar.Findings
	var src []byte
	place := func(ta *textAt, m Match) {
		if src == nil {
			src = l.cal.File(ft.file).Source
		}
		var p calendar.Pos
		if m.Start == 0 && m.End == len(ta.t.Value) {
			p = at(ta.s) // about the whole text
		} else {
			p = calendar.TextPos(src, ta.s, m.Start)
		}
		out = append(out, calendar.Finding{File: ft.file, Line: p.Line, Col: p.Col, Rule: m.Rule, Level: m.Level, Message: m.Message, Fix: m.Fix})
	}
	l.uses = l.uses[:0]
	for i := range ft.texts {
		for _, m := range l.lint(&ft.texts[i].t, i, !ft.texts[i].unpublished) {
			place(&ft.texts[i], m)
		}
	}
	for _, u := range l.inconsistent() {
		ta := &ft.texts[u.text]
		place(ta, l.match(u.p.rule, u.start, u.end, ta.t.Value[u.start:u.end], ""))
	}
	if len(ft.ignores) > 0 {
		out = l.e.applyIgnores(out, ft)
	}
	return dedupe(out)
}

// applyIgnores drops the findings of ignored rules and reports ignores that drop nothing.
func (e *Engine) applyIgnores(fs calendar.Findings, ft *fileTexts) calendar.Findings {
	used := map[string]bool{}
	ignored := map[string]bool{}
	for _, ig := range ft.ignores {
		if ig.Rule.Value != PlatformLimit {
			ignored[ig.Rule.Value] = true
		}
	}
	out := fs[:0]
	for _, f := range fs {
		if ignored[f.Rule] {
			used[f.Rule] = true
			continue
		}
		out = append(out, f)
	}
	for _, ig := range ft.ignores {
		id := ig.Rule.Value
		p := at(ig.Rule)
		switch {
		case id == PlatformLimit:
			out = append(out, calendar.Finding{File: ft.file, Line: p.Line, Col: p.Col, Rule: IgnoreRule, Level: calendar.Warning,
				Message: "platform-limit cannot be ignored: the platform would reject the post; shorten the text or give the channel an override"})
		case len(e.byID[id]) == 0:
			// an unknown rule is reported by the reference check; a rule with an error is reported in voice.yaml
		case !used[id]:
			out = append(out, calendar.Finding{File: ft.file, Line: p.Line, Col: p.Col, Rule: IgnoreRule, Level: calendar.Suggestion,
				Message: fmt.Sprintf("voice.ignore of %s silences nothing here; remove it", id)})
		}
	}
	return out
}

// dedupe drops repeated findings: the same text on several channels finds the same thing.
func dedupe(fs calendar.Findings) calendar.Findings {
	if len(fs) < 2 {
		return fs
	}
	type key struct {
		line, col     int
		rule, message string
	}
	seen := make(map[key]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		k := key{f.Line, f.Col, f.Rule, f.Message}
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// sortFindings orders findings completely, so that output does not depend on scheduling.
func sortFindings(fs calendar.Findings) {
	slices.SortStableFunc(fs, func(a, b calendar.Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Level, b.Level),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Fix, b.Fix),
		)
	})
}
