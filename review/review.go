// Package review works out what a change does to a calendar, for a pull request: the posts it adds,
// changes, removes and moves, the rules, playbooks and templates it changes, a preview of every
// affected post per channel, the voice and strategy findings about what it touched, and the posts
// it would publish within a day of merging. It reads git with go-git, never checking anything out.
//
// Speed: a review reads only what the change touched. The merge base's and the head's calendar
// trees are compared with object.DiffTree, which skips every subtree whose hash is equal; a work
// tree is compared with the head commit by the index's stat data, hashing only files the index
// cannot vouch for. Then only the changed files are parsed, on both sides, plus the root files
// and, on the head side, the playbooks and reply templates (few, and referenced by one another)
// and the posts that give the strategy checks their context (see context.go).
//
// Scope of the findings (decided here):
//   - calendar checks (schema, references, times, media) and voice findings: in the files the
//     change touched on the head side;
//   - all voice findings when voice.yaml changed, all strategy findings when strategy.yaml
//     changed, and every finding when calendar.yaml changed (channels and the time zone affect
//     every post): the head calendar is then loaded whole;
//   - strategy findings in touched files, and findings about a day, ISO week or month that holds a
//     touched post (at its head or its base time): cadence findings on other posts of such a day,
//     min_gap findings that name a touched post, min_per_week findings about such a week and
//     pillar-mix findings about such a month;
//   - crisis findings (crisis.Check) in touched files: a touched post the active crisis holds,
//     crisis.yaml outliving expires_after.
//
// The crisis: when crisis.yaml changed, or a playbook changed while a crisis is active, the head is
// loaded whole, because which publications a crisis holds or lets go depends on every post; the
// review's Crisis says what the change activates, resolves or changes (see CrisisChange). A change
// that touches neither loads no more than before.
package review

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/postctl/postctl/calendar"
)

// Options say what to compare.
type Options struct {
	Dir  string // the calendar directory, inside a git work tree (possibly a subdirectory)
	Base string // revision the change goes into: a branch, tag or commit
	Head string // revision of the change; empty for the work tree
	Now  time.Time
	// OpenDir opens the work tree's calendar directory; calendar.OpenDir when nil.
	OpenDir func(dir string) (fs.FS, error)
}

// Soon is how close to now a post's publication gets a warning: it would go out within this long
// of the change merging.
const Soon = 24 * time.Hour

// Rule ids of review's own findings.
const (
	RuleSoon = "publish-soon"
)

// Review is what a change does to the calendar.
type Review struct {
	Base      Side
	Head      Side
	MergeBase string // commit hash
	Prefix    string // the calendar's directory in the repository, "" at its root
	Now       time.Time
	Location  *time.Location // the head calendar's time zone

	Files      []File // calendar files the change touched, by path
	OtherFiles int    // files outside the calendar's YAML (media, docs) that changed

	Added   []PostChange
	Changed []PostChange
	Moved   []PostChange
	Removed []PostChange

	Rules     []NamedChange // voice rules, by id
	Playbooks []NamedChange
	Replies   []NamedChange
	Settings  []NamedChange // calendar.yaml, strategy.yaml, voice.yaml, crisis.yaml: the top-level keys that changed

	// Crisis is what the change does to the crisis (activates, resolves or changes it); nil when
	// it leaves the crisis as it is.
	Crisis *CrisisChange

	// Findings are the calendar, voice and strategy findings in scope on the head side, and the
	// publish-soon warnings, sorted.
	Findings calendar.Findings
	// Upcoming are the added, changed or moved posts that would publish within Soon of now or whose
	// time has passed, in time order. Each also has a publish-soon finding.
	Upcoming []Upcoming
}

// Side is one side of the comparison.
type Side struct {
	Rev    string // as given; "" for the work tree
	Commit string // the commit's hash; for the work tree, HEAD's
}

// File is a calendar file the change touched.
type File struct {
	Path   string
	Status string // added, modified, deleted
}

// Kinds of post change.
const (
	Added   = "added"
	Changed = "changed"
	Moved   = "moved"
	Removed = "removed"
)

// PostChange is one post the change adds, changes, moves or removes.
type PostChange struct {
	Kind     string
	ID       string // the head id (the base id for a removed post)
	File     string // the head file (the base file for a removed post)
	FromID   string // moved: the base id
	FromFile string // changed or moved: the base file, when it differs
	Line     int    // of publish_at in File, for annotations; 1 when unknown
	Col      int
	Time     time.Time // head publish time (base for removed); zero when invalid
	Draft    bool
	Fields   []FieldChange // changed and moved: what differs, in the post's field order
	Preview  []Preview     // added, changed and moved: per channel
}

// FieldChange is one field of a post that differs; an absent side is "".
type FieldChange struct {
	Field  string // publish_at, channels, text, overrides.bluesky.text, thread[1], media[0], …
	Before string
	After  string
}

// Preview is a post as one channel would publish it.
type Preview struct {
	Channel  string
	Platform string // mastodon, bluesky, generic
	Text     string
	Length   int
	Limit    int // 0: no limit
	Unit     string
	Thread   []ThreadPreview
}

// Over says whether the text is longer than the platform allows.
func (p Preview) Over() bool { return p.Limit > 0 && p.Length > p.Limit }

// ThreadPreview is one follow-up of a thread on the preview's channel.
type ThreadPreview struct {
	Text   string
	Length int
}

// Over says whether the follow-up is longer than limit allows.
func (t ThreadPreview) Over(limit int) bool { return limit > 0 && t.Length > limit }

// NamedChange is a rule, playbook, template or settings file that was added, removed or changed.
type NamedChange struct {
	ID     string // the rule, playbook or template id; the file name for settings
	File   string
	Change string   // added, removed, changed
	Keys   []string // changed: the top-level keys that differ, in order
}

// Upcoming is a post the change would publish soon after merging.
type Upcoming struct {
	ID    string
	File  string
	Time  time.Time
	Past  bool // its time has passed: it would publish as soon as the change merges
	Until time.Duration
}

// Failed says whether the review fails the run: an error-level finding, or with strict a warning.
func (r *Review) Failed(strict bool) bool { return r.Findings.Failed(strict) }

// Posts returns every post change: added, changed, moved, removed.
func (r *Review) Posts() []PostChange {
	var out []PostChange
	out = append(out, r.Added...)
	out = append(out, r.Changed...)
	out = append(out, r.Moved...)
	return append(out, r.Removed...)
}

// Empty says whether the change touches no calendar file.
func (r *Review) Empty() bool { return len(r.Files) == 0 }

// Run reviews the change.
func Run(opts Options) (*Review, error) {
	if opts.Base == "" {
		return nil, errors.New("a base revision is required")
	}
	if opts.OpenDir == nil {
		opts.OpenDir = func(dir string) (fs.FS, error) { return calendar.OpenDir(dir) }
	}
	r, err := openRepo(opts.Dir)
	if err != nil {
		return nil, err
	}
	base, err := r.commit(opts.Base)
	if err != nil {
		return nil, err
	}
	headRev := opts.Head
	if headRev == "" {
		headRev = "HEAD"
	}
	head, err := r.commit(headRev)
	if err != nil {
		if opts.Head == "" {
			return nil, fmt.Errorf("the repository has no commit yet (HEAD): %w", err)
		}
		return nil, err
	}
	bases, err := mergeBase(r.repo, base, head)
	if err != nil {
		return nil, fmt.Errorf("find the merge base of %s and %s: %w", opts.Base, headRev, err)
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("%s and %s have no common history", opts.Base, headRev)
	}
	mb := bases[0]
	rv := &Review{
		Base:      Side{Rev: opts.Base, Commit: base.Hash.String()},
		Head:      Side{Rev: opts.Head, Commit: head.Hash.String()},
		MergeBase: mb.Hash.String(),
		Prefix:    r.prefix,
		Now:       opts.Now,
	}
	mbTree, err := r.calendarTree(mb)
	if err != nil {
		return nil, err
	}
	headTree, err := r.calendarTree(head)
	if err != nil {
		return nil, err
	}
	changes, other, err := diffTrees(mbTree, headTree)
	if err != nil {
		return nil, err
	}
	rv.OtherFiles = other
	var headFS fs.FS
	var headList func(skip func(string) bool) ([]string, error)
	if opts.Head == "" {
		headFS, err = opts.OpenDir(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("cannot open calendar directory: %w", err)
		}
		if c, ok := headFS.(interface{ Close() error }); ok {
			defer c.Close()
		}
		work, err := r.worktreeFiles(headTree, mbTree, changes)
		if err != nil {
			return nil, err
		}
		headList = func(func(string) bool) ([]string, error) { return work, nil }
	} else {
		tfs, err := r.treeFS(head)
		if err != nil {
			return nil, err
		}
		known := newKnownFS(r.repo, tfs, head.Committer.When)
		for p, c := range changes {
			known.add(map[string]plumbing.Hash{p: c.head})
		}
		headFS = known
		headList = func(skip func(string) bool) ([]string, error) {
			files, err := treeFiles(r.repo, headTree, skip)
			if err != nil {
				return nil, err
			}
			known.add(files)
			out := make([]string, 0, len(files))
			for p := range files {
				out = append(out, p)
			}
			return out, nil
		}
	}
	tfs, err := r.treeFS(mb)
	if err != nil {
		return nil, err
	}
	baseFS := newKnownFS(r.repo, tfs, mb.Committer.When)
	for p, c := range changes {
		baseFS.add(map[string]plumbing.Hash{p: c.base})
	}
	if err := rv.compare(changes, baseFS, headFS, headList); err != nil {
		return nil, err
	}
	return rv, nil
}

// worktreeFiles folds the work tree's differences from the head commit into changes (which hold
// the merge base → head commit differences) and returns the work tree's calendar files.
func (r *repoInfo) worktreeFiles(headTree, mbTree *object.Tree, changes map[string]*fileChange) ([]string, error) {
	headFiles, err := treeFiles(r.repo, headTree, nil)
	if err != nil {
		return nil, err
	}
	work, err := r.worktreeHashes()
	if err != nil {
		return nil, err
	}
	list := make([]string, 0, len(work))
	for p, h := range work {
		list = append(list, p)
		if h == headFiles[p] {
			continue
		}
		c := changes[p]
		if c == nil {
			c = &fileChange{path: p, base: entryHash(mbTree, p)}
			changes[p] = c
		}
		c.head = h
	}
	for p := range headFiles {
		if _, ok := work[p]; ok {
			continue
		}
		c := changes[p]
		if c == nil {
			c = &fileChange{path: p, base: entryHash(mbTree, p)}
			changes[p] = c
		}
		c.head = plumbing.ZeroHash // deleted in the work tree
	}
	for p, c := range changes {
		if c.base == c.head {
			delete(changes, p) // changed in a commit and changed back in the work tree
		}
	}
	return list, nil
}

func entryHash(t *object.Tree, p string) plumbing.Hash {
	if t == nil {
		return plumbing.ZeroHash
	}
	e, err := t.FindEntry(p)
	if err != nil || !e.Mode.IsFile() {
		return plumbing.ZeroHash
	}
	return e.Hash
}
