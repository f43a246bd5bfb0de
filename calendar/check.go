package calendar

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/postctl/postctl/schema"
)

// checker runs the checks that span files: references, times, media, templates. It only looks at
// files that decoded; a file with schema errors has already been reported.
type checker struct {
	c        *Calendar
	findings Findings
	stats    map[string]statResult // media path → fs.Stat result; many posts share a media file
}

type statResult struct {
	info fs.FileInfo
	err  error
}

// stat is fs.Stat on the calendar's files, once per path and run.
func (k *checker) stat(name string) (fs.FileInfo, error) {
	if r, ok := k.stats[name]; ok {
		return r.info, r.err
	}
	info, err := fs.Stat(k.c.fsys, name)
	if k.stats == nil {
		k.stats = map[string]statResult{}
	}
	k.stats[name] = statResult{info, err}
	return info, err
}

func check(c *Calendar) Findings {
	k := &checker{c: c}
	k.config()
	k.strategy()
	k.voice()
	k.posts()
	k.playbooks()
	k.replies()
	k.crisis()
	return k.findings
}

func (k *checker) add(file string, p Pos, rule string, level Level, format string, args ...any) {
	k.findings = append(k.findings, Finding{File: file, Line: p.Line, Col: p.Col, Rule: rule, Level: level, Message: fmt.Sprintf(format, args...)})
}

func (k *checker) errorf(file string, p Pos, rule, format string, args ...any) {
	k.add(file, p, rule, Error, format, args...)
}

// at is where a finding about s goes: s itself, or the file's start when s has no position
// (an id taken from the file name).
func at(s String) Pos {
	if s.Pos.Line == 0 {
		return Pos{1, 1}
	}
	return s.Pos
}

func (k *checker) loc() *time.Location {
	if k.c.Location != nil {
		return k.c.Location
	}
	return time.UTC
}

func (k *checker) config() {
	cfg := k.c.Config
	if cfg == nil {
		return
	}
	const file = "calendar.yaml"
	loc, err := time.LoadLocation(cfg.Timezone.Value)
	if !cfg.Timezone.Set {
		// reported by the schema
	} else if err != nil || cfg.Timezone.Value == "" || cfg.Timezone.Value == "Local" {
		k.errorf(file, at(cfg.Timezone), "time", "unknown time zone %q: expected an IANA name such as Europe/Berlin or America/New_York", cfg.Timezone.Value)
	} else {
		k.c.Location = loc
	}
	for _, e := range cfg.Channels {
		ch := e.Value
		if ch.MaxDelay.Set {
			k.duration(file, ch.MaxDelay)
		}
		if ch.Timeout.Set {
			k.duration(file, ch.Timeout)
		}
		for _, u := range []String{ch.URL, ch.Server, ch.Service} {
			if !u.Set {
				continue
			}
			parsed, err := url.Parse(u.Value)
			if err != nil || parsed.Host == "" {
				k.errorf(file, u.Pos, "channel", "%q is not a valid URL: expected something like https://example.com", u.Value)
				continue
			}
			if parsed.Scheme != "https" && !ch.AllowHTTP {
				k.errorf(file, u.Pos, "channel", "%s must use https (posts and credentials would travel in clear text); set allow_http: true only for a local test receiver", u.Value)
			}
		}
		if ch.Dir.Set {
			k.insideRepo(file, ch.Dir, "the outbox directory")
		}
	}
	if cfg.State.Path.Set {
		k.insideRepo(file, cfg.State.Path, "the state file")
	}
}

func (k *checker) insideRepo(file string, p String, what string) {
	if !fs.ValidPath(path.Clean(p.Value)) || strings.HasPrefix(p.Value, "/") || strings.Contains(p.Value, "..") {
		k.errorf(file, p.Pos, "path", "%s must be a path inside the repository (relative, without '..'), got %q", what, p.Value)
	}
}

func (k *checker) duration(file string, s String) time.Duration {
	d, err := ParseDuration(s.Value)
	if err != nil {
		k.errorf(file, s.Pos, "time", "%v", err)
	}
	return d
}

func (k *checker) channelIDs() []string {
	if k.c.Config == nil {
		return nil
	}
	return k.c.Config.Channels.Keys()
}

// ref reports a reference to something that is not defined, suggesting a near name.
func (k *checker) ref(file string, s String, what string, defined []string, where string) {
	for _, d := range defined {
		if d == s.Value {
			return
		}
	}
	msg := fmt.Sprintf("unknown %s %q", what, s.Value)
	if guess := schema.Closest(s.Value, defined); guess != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", guess)
	} else if len(defined) == 0 {
		msg += fmt.Sprintf(": %s defines none", where)
	} else {
		msg += fmt.Sprintf(": %s defines %s", where, strings.Join(unique(defined), ", "))
	}
	k.errorf(file, at(s), "reference", "%s", msg)
}

// unique keeps the first of each value, in order: a duplicated id is listed once.
func unique(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (k *checker) channels(file string, list []String) {
	if k.c.Config == nil {
		return
	}
	for _, s := range list {
		k.ref(file, s, "channel", k.channelIDs(), "calendar.yaml")
	}
}

func (k *checker) pillarIDs() []string {
	if k.c.Strategy == nil {
		return nil
	}
	return k.c.Strategy.Pillars.Keys()
}

// broken says whether a file of kind could not be parsed. References into a broken strategy.yaml or
// voice.yaml are not checked: its own error is reported, and would otherwise repeat at every use.
func (k *checker) broken(kind schema.Kind) bool { return len(k.c.broken[kind]) > 0 }

// brokenIDs are the ids that files of kind which could not be parsed most likely define: their names.
func (k *checker) brokenIDs(kind schema.Kind) []string {
	var ids []string
	for _, p := range k.c.broken[kind] {
		ids = append(ids, strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".yaml"), ".yml"))
	}
	return ids
}

func (k *checker) pillars(file string, list []String) {
	if k.broken(schema.Strategy) {
		return
	}
	for _, s := range list {
		k.ref(file, s, "pillar", k.pillarIDs(), "strategy.yaml")
	}
}

func (k *checker) strategy() {
	st := k.c.Strategy
	if st == nil {
		return
	}
	const file = "strategy.yaml"
	loc := k.loc()
	var total float64
	for _, e := range st.Pillars {
		p := e.Value
		if p.Share != nil && *p.Share >= 0 && *p.Share <= 1 { // the schema reports a share out of range
			total += *p.Share
			if p.MaxShare != nil && *p.MaxShare < *p.Share {
				k.errorf(file, e.Key.Pos, "strategy", "pillar %q: max_share %.2f is below its target share %.2f", e.Key.Value, *p.MaxShare, *p.Share)
			}
		}
	}
	if total > 1.0001 && len(st.Pillars) > 0 {
		k.add(file, st.Pillars[0].Key.Pos, "strategy", Warning, "pillar shares add up to %.2f; as shares of all posts they should add up to at most 1", total)
	}
	for i := range st.Campaigns {
		e := &st.Campaigns[i]
		e.Value.Start, e.Value.End = k.span(file, e.Value.From, e.Value.To, loc)
		k.pillars(file, e.Value.Pillars)
		k.channels(file, e.Value.Channels)
	}
	for _, e := range st.Cadence {
		k.ref(file, e.Key, "channel", k.channelIDs(), "calendar.yaml")
		if e.Value.MinGap.Set {
			k.duration(file, e.Value.MinGap)
		}
	}
	for _, w := range st.PostingWindows {
		k.channels(file, w.Channels)
		if w.From.Value == w.To.Value && w.From.Set {
			k.errorf(file, w.To.Pos, "strategy", "posting window is empty: from and to are both %s", w.From.Value)
		}
	}
	for i := range st.Blackouts {
		b := &st.Blackouts[i]
		b.Start, b.End = k.span(file, b.From, b.To, loc)
		k.channels(file, b.Channels)
		k.pillars(file, b.Pillars)
	}
	for _, g := range st.Goals {
		if !g.Due.Set {
			continue
		}
		if _, err := ParseDate(g.Due.Value, loc); err != nil {
			k.errorf(file, g.Due.Pos, "time", "due: %v", err)
		}
		k.channels(file, g.Channels)
	}
}

// span parses a from/to pair; the end is exclusive, so a date "to" covers its whole day.
func (k *checker) span(file string, from, to String, loc *time.Location) (time.Time, time.Time) {
	if !from.Set || !to.Set {
		return time.Time{}, time.Time{}
	}
	start, err1 := ParseBound(from.Value, loc, false)
	if err1 != nil {
		k.errorf(file, from.Pos, "time", "from: %v", err1)
	}
	end, err2 := ParseBound(to.Value, loc, true)
	if err2 != nil {
		k.errorf(file, to.Pos, "time", "to: %v", err2)
	}
	if err1 == nil && err2 == nil && !end.After(start) {
		k.errorf(file, to.Pos, "time", "to (%s) is not after from (%s)", to.Value, from.Value)
	}
	return start, end
}

func (k *checker) voice() {
	v := k.c.Voice
	if v == nil {
		return
	}
	const file = "voice.yaml"
	seen := map[string]Pos{}
	for _, r := range v.Rules {
		if first, dup := seen[r.ID.Value]; dup {
			k.errorf(file, r.ID.Pos, "reference", "rule id %q is already used at line %d", r.ID.Value, first.Line)
		} else {
			seen[r.ID.Value] = r.ID.Pos
		}
		k.channels(file, r.Where.Channels)
		k.pillars(file, r.Where.Pillars)
		// The rules themselves (patterns, placeholders, ranges) are checked by package voice.
	}
}

func (k *checker) ruleIDs() []string {
	if k.c.Voice == nil {
		return nil
	}
	ids := make([]string, len(k.c.Voice.Rules))
	for i, r := range k.c.Voice.Rules {
		ids[i] = r.ID.Value
	}
	return ids
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// uniqueIDsOf collects the ids of items and checks them with uniqueIDs.
func uniqueIDsOf[T any](k *checker, kind string, items []T, id func(T) (String, string)) {
	ids := make([]String, len(items))
	files := make([]string, len(items))
	for i, it := range items {
		ids[i], files[i] = id(it)
	}
	k.uniqueIDs(kind, ids, files)
}

// uniqueIDs reports ids that are invalid (taken from a file name) or used twice.
func (k *checker) uniqueIDs(kind string, ids []String, files []string) {
	seen := map[string]int{}
	for i, id := range ids {
		if !id.Set && !idRE.MatchString(id.Value) {
			k.errorf(files[i], Pos{1, 1}, "reference", "the file name %q is not a valid %s id (letters, digits, '.', '_', '-'); rename the file or set id:", path.Base(files[i]), kind)
			continue
		}
		if j, dup := seen[id.Value]; dup {
			// An id written in a file is the one to change, rather than one taken from a file name.
			here, there := i, j
			if !ids[i].Set && ids[j].Set {
				here, there = j, i
			}
			by := files[there]
			if !ids[there].Set {
				by += " (its file name)"
			}
			what := fmt.Sprintf("%s id %q", kind, id.Value)
			if !ids[here].Set {
				what += " (the file name)"
			}
			k.errorf(files[here], at(ids[here]), "duplicate-id", "%s is already used by %s", what, by)
			continue
		}
		seen[id.Value] = i
	}
}

func (k *checker) posts() {
	uniqueIDsOf(k, "post", k.c.Posts, func(x *Post) (String, string) { return x.ID, x.File })
	existing := map[string]bool{}
	for _, p := range k.c.Posts {
		existing[p.ID.Value] = true
	}
	movedFrom := map[string]string{}
	var campaigns []string
	if k.c.Strategy != nil {
		campaigns = k.c.Strategy.Campaigns.Keys()
	}
	rules := k.ruleIDs()
	for _, p := range k.c.Posts {
		if p.PublishAt.Set {
			t, err := ParseTime(p.PublishAt.Value, k.loc())
			if err != nil {
				k.errorf(p.File, p.PublishAt.Pos, "time", "publish_at: %v", err)
			} else {
				p.Time = t
			}
		}
		k.channels(p.File, p.Channels)
		for _, o := range p.Overrides {
			k.channels(p.File, []String{o.Key})
			if k.c.Config != nil && k.c.Config.Channels.Has(o.Key.Value) && !containsValue(p.Channels, o.Key.Value) {
				k.add(p.File, o.Key.Pos, "reference", Warning, "override for channel %q, which this post is not published on", o.Key.Value)
			}
		}
		if p.Pillar.Set {
			k.pillars(p.File, []String{p.Pillar})
		}
		if p.Campaign.Set && !k.broken(schema.Strategy) {
			k.ref(p.File, p.Campaign, "campaign", campaigns, "strategy.yaml")
		}
		k.media(p.File, p.Media)
		for _, t := range p.Thread {
			k.media(p.File, t.Media)
		}
		for _, ig := range p.VoiceOpts.Ignore {
			// platform-limit is built in; package voice says why it cannot be ignored.
			if !k.broken(schema.Voice) && ig.Rule.Value != "platform-limit" {
				k.ref(p.File, ig.Rule, "voice rule", rules, "voice.yaml")
			}
		}
		if p.MovedFrom.Set {
			if existing[p.MovedFrom.Value] {
				k.errorf(p.File, p.MovedFrom.Pos, "reference", "moved_from %q names a post that still exists; moved_from is the old id of a renamed post", p.MovedFrom.Value)
			} else if other, dup := movedFrom[p.MovedFrom.Value]; dup {
				k.errorf(p.File, p.MovedFrom.Pos, "reference", "%s also says it moved from %q; one post can take over an old id", other, p.MovedFrom.Value)
			} else {
				movedFrom[p.MovedFrom.Value] = p.File
			}
		}
	}
}

func containsValue(list []String, v string) bool {
	for _, s := range list {
		if s.Value == v {
			return true
		}
	}
	return false
}

// media checks that attached files exist inside the repository and have alt text.
func (k *checker) media(file string, list []Media) {
	for _, m := range list {
		name := m.File.Value
		clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
		if name == "" {
			// reported by the schema
		} else if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
			k.errorf(file, m.File.Pos, "media", "media path %q is absolute: give a path relative to the repository root, such as media/photo.jpg", name)
		} else if clean == ".." || strings.HasPrefix(clean, "../") {
			k.errorf(file, m.File.Pos, "media", "media path %q points outside the repository: media files must be inside it, such as media/photo.jpg", name)
		} else if strings.Contains(name, "\\") {
			k.errorf(file, m.File.Pos, "media", "media path %q separates folders with '\\': use '/', as in %s", name, clean)
		} else if !fs.ValidPath(name) {
			k.errorf(file, m.File.Pos, "media", "media path %q is not in its plain form: write %s", name, clean)
		} else if info, err := k.stat(name); err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				if target, lerr := fs.ReadLink(k.c.fsys, name); lerr == nil {
					k.errorf(file, m.File.Pos, "media", "media file %q is a link to %s, which does not exist", name, target)
				} else {
					k.errorf(file, m.File.Pos, "media", "media file %q does not exist", name)
				}
			case errors.Is(err, ErrEscapes) || strings.Contains(err.Error(), "escapes"):
				k.errorf(file, m.File.Pos, "media", "media file %q is a link that points outside the repository", name)
			default:
				k.errorf(file, m.File.Pos, "media", "media file %q cannot be read: %s", name, plainError(err))
			}
		} else if info.IsDir() {
			k.errorf(file, m.File.Pos, "media", "media %q is a directory, not a file", name)
		}
		if m.Alt.Set && strings.TrimSpace(m.Alt.Value) == "" {
			k.errorf(file, m.Alt.Pos, "media", "alt text is blank: describe the image for people who cannot see it")
		}
	}
}

func (k *checker) playbooks() {
	uniqueIDsOf(k, "playbook", k.c.Playbooks, func(x *Playbook) (String, string) { return x.ID, x.File })
	replies := append(k.replyIDs(), k.brokenIDs(schema.Reply)...)
	for _, pb := range k.c.Playbooks {
		k.channels(pb.File, pb.Pause.Channels)
		k.pillars(pb.File, pb.Pause.Pillars)
		if hs := pb.HoldingStatement; hs != nil {
			k.channels(pb.File, hs.Channels)
			for _, o := range hs.Overrides {
				k.channels(pb.File, []String{o.Key})
			}
			k.media(pb.File, hs.Media)
			for _, t := range hs.Thread {
				k.media(pb.File, t.Media)
			}
		}
		for _, r := range pb.Replies {
			k.ref(pb.File, r, "reply template", replies, "replies/")
		}
		if pb.ExpiresAfter.Set {
			k.duration(pb.File, pb.ExpiresAfter)
		}
	}
}

func (k *checker) replyIDs() []string {
	ids := make([]string, len(k.c.Replies))
	for i, r := range k.c.Replies {
		ids[i] = r.ID.Value
	}
	return ids
}

// PlaceholderRE matches {{name}} placeholders in reply templates.
var PlaceholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

var variableNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (k *checker) replies() {
	uniqueIDsOf(k, "reply template", k.c.Replies, func(x *Reply) (String, string) { return x.ID, x.File })
	for _, r := range k.c.Replies {
		k.channels(r.File, r.Channels)
		src := k.c.File(r.File).Source
		used := map[string]bool{}
		for _, m := range PlaceholderRE.FindAllStringSubmatchIndex(r.Text.Value, -1) {
			name := r.Text.Value[m[2]:m[3]]
			used[name] = true
			pos := TextPos(src, r.Text, m[0])
			switch {
			case name == "":
				k.errorf(r.File, pos, "template", "placeholder {{}} is empty: write a variable name between the braces")
			case !variableNameRE.MatchString(name):
				k.errorf(r.File, pos, "template", "placeholder {{%s}} is not a variable name (letters, digits and '_', not starting with a digit)", name)
			case !r.Variables.Has(name):
				msg := fmt.Sprintf("placeholder {{%s}} is not a declared variable", name)
				if guess := schema.Closest(name, r.Variables.Keys()); guess != "" {
					msg += fmt.Sprintf(" (did you mean {{%s}}?)", guess)
					used[guess] = true // the typo is the one finding; the variable is not also "unused"
				} else {
					msg += "; declare it under variables:"
				}
				k.errorf(r.File, pos, "template", "%s", msg)
			}
		}
		for _, v := range r.Variables {
			if !used[v.Key.Value] && r.Text.Set { // without a text, its absence is the finding
				k.errorf(r.File, v.Key.Pos, "template", "variable %q is declared but the text never uses {{%s}}", v.Key.Value, v.Key.Value)
			}
			pat := v.Value.Pattern
			if !pat.Set {
				continue
			}
			re, err := regexp.Compile(pat.Value)
			if err != nil {
				k.errorf(r.File, pat.Pos, "template", "invalid pattern: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			} else if d := v.Value.Default; d.Set && !re.MatchString(d.Value) {
				k.errorf(r.File, d.Pos, "template", "default %q does not match the variable's pattern %s", d.Value, pat.Value)
			}
		}
	}
}

func (k *checker) crisis() {
	cr := k.c.Crisis
	if cr == nil {
		return
	}
	ids := make([]string, len(k.c.Playbooks))
	for i, p := range k.c.Playbooks {
		ids[i] = p.ID.Value
	}
	ids = append(ids, k.brokenIDs(schema.Playbook)...)
	if cr.Playbook.Set {
		k.ref(cr.File, cr.Playbook, "playbook", ids, "playbooks/")
	}
	if !cr.ActivatedAt.Set {
		return
	}
	if t, err := ParseTime(cr.ActivatedAt.Value, time.UTC); err != nil {
		k.errorf(cr.File, cr.ActivatedAt.Pos, "time", "activated_at: %v", err)
	} else {
		cr.Time = t
	}
}
