package review

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/strategy"
)

// testRepo is a real git repository in a temporary directory, committed to with go-git.
type testRepo struct {
	t    *testing.T
	dir  string // the repository's work tree
	cal  string // the calendar directory inside it, "" at the root
	repo *git.Repository
	wt   *git.Worktree
	when time.Time
}

func newTestRepo(t *testing.T, cal string) *testRepo {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, cal: cal, repo: repo, wt: wt, when: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
}

func (r *testRepo) path(name string) string {
	return filepath.Join(r.dir, filepath.FromSlash(path.Join(r.cal, name)))
}

func (r *testRepo) write(name, content string) {
	r.t.Helper()
	p := r.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(r.path(name)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) rename(from, to string) {
	r.t.Helper()
	if err := os.Rename(r.path(from), r.path(to)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) commit(msg string) plumbing.Hash {
	r.t.Helper()
	if err := r.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.when = r.when.Add(time.Hour)
	sig := &object.Signature{Name: "Ana Lima", Email: "ana@example.com", When: r.when}
	h, err := r.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// branch creates a branch at HEAD and checks it out.
func (r *testRepo) branch(name string) {
	r.t.Helper()
	head, err := r.repo.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	ref := plumbing.NewBranchReferenceName(name)
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(ref, head.Hash())); err != nil {
		r.t.Fatal(err)
	}
	r.checkout(name)
}

func (r *testRepo) checkout(name string) {
	r.t.Helper()
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name)}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) review(base, head string) *Review {
	r.t.Helper()
	rv, err := Run(Options{Dir: filepath.Join(r.dir, filepath.FromSlash(r.cal)), Base: base, Head: head, Now: now})
	if err != nil {
		r.t.Fatalf("Run(%s, %s): %v", base, head, err)
	}
	return rv
}

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

var baseFiles = map[string]string{
	"calendar.yaml": `brand: Northwind Roasters
timezone: Europe/Berlin
channels:
  mastodon:
    provider: outbox
    platform: mastodon
  bluesky:
    provider: outbox
    platform: bluesky
`,
	"strategy.yaml": `pillars:
  product:
    share: 0.5
  education:
    share: 0.5
campaigns:
  winter-blend:
    from: 2026-12-01
    to: 2027-01-06
cadence:
  mastodon:
    max_per_day: 1
`,
	"voice.yaml": `rules:
  - id: no-hype
    type: existence
    level: warning
    message: "Avoid hype words such as '{{match}}'."
    tokens: [revolutionary]
`,
	"posts/2026-12/launch.yaml": `publish_at: 2026-12-03T09:00
channels: [mastodon, bluesky]
pillar: product
campaign: winter-blend
text: |
  Winter Blend is back.
`,
	"posts/2026-12/brew.yaml":      "publish_at: 2026-12-05T12:30\nchannels: [bluesky]\ntext: 1 g of coffee for 16 g of water.\n",
	"posts/2026-12/old-name.yaml":  "publish_at: 2026-12-07T10:00\nchannels: [bluesky]\ntext: Grind fresh.\n",
	"posts/2026-12/gone.yaml":      "publish_at: 2026-12-08T10:00\nchannels: [bluesky]\ntext: Going away.\n",
	"posts/2026-12/rename-me.yaml": "id: kept\npublish_at: 2026-12-09T10:00\nchannels: [bluesky]\ntext: Same id, new file.\n",
	"posts/2026-12/untouched.yaml": "publish_at: 2026-12-10T10:00\nchannels: [mastodon]\ntext: Nobody touches me.\n",
	"posts/2027-03/far-away.yaml":  "publish_at: 2027-03-10T10:00\nchannels: [mastodon]\ntext: Spring.\n",
	"replies/thanks.yaml":          "title: Thanks\nvariables:\n  name:\n    required: true\ntext: Thanks, {{name}}!\n",
	"playbooks/recall.yaml":        "name: Product recall\nseverity: critical\npause:\n  all: true\nreplies: [thanks]\n",
	"README.md":                    "# calendar\n",
}

// buildFeature makes main with a calendar, a feature branch that adds, changes, moves, renames and
// removes posts, and then advances main after the branch, so that the merge base is not main's tip.
func buildFeature(t *testing.T, cal string) (r *testRepo, first, feature, mainTip plumbing.Hash) {
	r = newTestRepo(t, cal)
	for name, content := range baseFiles {
		r.write(name, content)
	}
	first = r.commit("calendar")

	r.branch("feature")
	r.write("posts/2026-12/launch.yaml", `publish_at: 2026-12-03T10:00
channels: [mastodon]
pillar: product
campaign: winter-blend
text: |
  Winter Blend is back, an hour later.
thread:
  - Roasted in Hamburg.
`)
	r.remove("posts/2026-12/gone.yaml")
	r.remove("posts/2026-12/old-name.yaml")
	r.write("posts/2026-12/new-name.yaml", "moved_from: old-name\npublish_at: 2026-12-07T10:00\nchannels: [bluesky]\ntext: Grind fresh, always.\n")
	r.rename("posts/2026-12/rename-me.yaml", "posts/2026-12/renamed.yaml")
	r.write("posts/2026-12/soon.yaml", "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: A revolutionary brew.\n")
	r.write("posts/2026-12/same-day.yaml", "publish_at: 2026-12-10T18:00\nchannels: [mastodon]\ntext: Evening cup.\n")
	r.write("playbooks/recall.yaml", "name: Product recall\nseverity: high\npause:\n  all: true\nreplies: [thanks]\n")
	r.write("replies/sorry.yaml", "title: Sorry\ntext: We are sorry.\n")
	r.write("README.md", "# calendar, edited\n")
	feature = r.commit("feature")

	r.checkout("main")
	r.write("posts/2026-12/brew.yaml", "publish_at: 2026-12-05T12:30\nchannels: [bluesky]\ntext: Changed on main after the branch.\n")
	mainTip = r.commit("main moves on")
	return r, first, feature, mainTip
}

type postSummary struct {
	Kind, ID, File, FromID, FromFile string
	Fields                           []FieldChange
}

func summarize(rv *Review) []postSummary {
	var out []postSummary
	for _, p := range rv.Posts() {
		out = append(out, postSummary{p.Kind, p.ID, p.File, p.FromID, p.FromFile, p.Fields})
	}
	return out
}

var wantFeaturePosts = []postSummary{
	{Kind: Added, ID: "soon", File: "posts/2026-12/soon.yaml"},
	{Kind: Added, ID: "same-day", File: "posts/2026-12/same-day.yaml"},
	{Kind: Changed, ID: "launch", File: "posts/2026-12/launch.yaml", Fields: []FieldChange{
		{Field: "publish_at", Before: "2026-12-03T09:00", After: "2026-12-03T10:00"},
		{Field: "channels", Before: "[mastodon, bluesky]", After: "[mastodon]"},
		{Field: "text", Before: "Winter Blend is back.\n", After: "Winter Blend is back, an hour later.\n"},
		{Field: "thread[0]", After: "Roasted in Hamburg."},
	}},
	{Kind: Moved, ID: "new-name", File: "posts/2026-12/new-name.yaml", FromID: "old-name", FromFile: "posts/2026-12/old-name.yaml", Fields: []FieldChange{
		{Field: "id", Before: "old-name", After: "new-name"},
		{Field: "text", Before: "Grind fresh.", After: "Grind fresh, always."},
		{Field: "moved_from", After: "old-name"},
	}},
	{Kind: Moved, ID: "kept", File: "posts/2026-12/renamed.yaml", FromFile: "posts/2026-12/rename-me.yaml"},
	{Kind: Removed, ID: "gone", File: "posts/2026-12/gone.yaml"},
}

func TestReviewBranches(t *testing.T) {
	for _, cal := range []string{"", "social/calendar"} {
		t.Run("dir="+cal, func(t *testing.T) {
			r, first, feature, mainTip := buildFeature(t, cal)
			rv := r.review("main", "feature")
			if rv.MergeBase != first.String() || rv.Base.Commit != mainTip.String() || rv.Head.Commit != feature.String() {
				t.Errorf("merge base %s, base %s, head %s; want %s, %s, %s", rv.MergeBase, rv.Base.Commit, rv.Head.Commit, first, mainTip, feature)
			}
			if rv.Prefix != cal {
				t.Errorf("prefix %q, want %q", rv.Prefix, cal)
			}
			if diff := cmp.Diff(summarize(rv), wantFeaturePosts); diff != "" {
				t.Errorf("posts (-got +want):\n%s", diff)
			}
			wantFiles := []File{
				{"playbooks/recall.yaml", "modified"},
				{"posts/2026-12/gone.yaml", "deleted"},
				{"posts/2026-12/launch.yaml", "modified"},
				{"posts/2026-12/new-name.yaml", "added"},
				{"posts/2026-12/old-name.yaml", "deleted"},
				{"posts/2026-12/rename-me.yaml", "deleted"},
				{"posts/2026-12/renamed.yaml", "added"},
				{"posts/2026-12/same-day.yaml", "added"},
				{"posts/2026-12/soon.yaml", "added"},
				{"replies/sorry.yaml", "added"},
			}
			if diff := cmp.Diff(rv.Files, wantFiles); diff != "" {
				t.Errorf("files (-got +want):\n%s", diff)
			}
			if rv.OtherFiles != 1 {
				t.Errorf("other files %d, want 1 (README.md)", rv.OtherFiles)
			}
			wantNamed := []NamedChange{{ID: "recall", File: "playbooks/recall.yaml", Change: "changed", Keys: []string{"severity"}}}
			if diff := cmp.Diff(rv.Playbooks, wantNamed); diff != "" {
				t.Errorf("playbooks (-got +want):\n%s", diff)
			}
			wantReplies := []NamedChange{{ID: "sorry", File: "replies/sorry.yaml", Change: "added"}}
			if diff := cmp.Diff(rv.Replies, wantReplies); diff != "" {
				t.Errorf("replies (-got +want):\n%s", diff)
			}
			var got []string
			for _, f := range rv.Findings {
				got = append(got, f.File+" "+f.Rule+" "+f.Level.String())
			}
			want := []string{
				// max_per_day on mastodon: same-day (added) makes untouched's day too full.
				"posts/2026-12/same-day.yaml cadence warning",
				"posts/2026-12/soon.yaml publish-soon warning",
				"posts/2026-12/soon.yaml no-hype warning",
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("findings (-got +want):\n%s\n%v", diff, rv.Findings)
			}
			if diff := cmp.Diff(rv.Upcoming, []Upcoming{{ID: "soon", File: "posts/2026-12/soon.yaml",
				Time: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Until: 20 * time.Hour}}, cmp.Comparer(time.Time.Equal)); diff != "" {
				t.Errorf("upcoming (-got +want):\n%s", diff)
			}
			var launch PostChange
			for _, p := range rv.Changed {
				launch = p
			}
			wantPreview := []Preview{{Channel: "mastodon", Platform: "mastodon", Text: "Winter Blend is back, an hour later.\n",
				Length: 37, Limit: 500, Unit: "characters", Thread: []ThreadPreview{{Text: "Roasted in Hamburg.", Length: 19}}}}
			if diff := cmp.Diff(launch.Preview, wantPreview); diff != "" {
				t.Errorf("launch preview (-got +want):\n%s", diff)
			}
			if rv.Failed(false) || !rv.Failed(true) {
				t.Errorf("Failed(false) = %v, Failed(true) = %v; want false, true", rv.Failed(false), rv.Failed(true))
			}
		})
	}
}

func TestReviewWorkTree(t *testing.T) {
	r, _, _, _ := buildFeature(t, "cal")
	r.checkout("feature")
	// Uncommitted: an edit of a committed change, a new untracked post, a deletion, and an edit
	// reverted to the merge base's content.
	r.write("posts/2026-12/soon.yaml", "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: A calm brew.\n")
	r.write("posts/2026-12/draft.yaml", "status: draft\npublish_at: 2026-11-30T13:00\nchannels: [mastodon]\ntext: Not yet.\n")
	r.remove("posts/2026-12/untouched.yaml")
	r.write("posts/2026-12/launch.yaml", baseFiles["posts/2026-12/launch.yaml"])
	rv := r.review("main", "")
	var got []string
	for _, p := range rv.Posts() {
		got = append(got, p.Kind+" "+p.ID)
	}
	want := []string{"added draft", "added soon", "added same-day", "moved new-name", "moved kept", "removed gone", "removed untouched"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("posts (-got +want):\n%s", diff)
	}
	for _, f := range rv.Findings {
		if f.Rule == "no-hype" {
			t.Errorf("finding on the committed text, edited away in the work tree: %v", f)
		}
	}
	if len(rv.Upcoming) != 1 || rv.Upcoming[0].ID != "soon" {
		t.Errorf("upcoming %v, want soon only (drafts never publish)", rv.Upcoming)
	}
	// A clean work tree on the branch reviews the same as the branch.
	r.write("posts/2026-12/soon.yaml", "publish_at: 2026-12-01T09:00\nchannels: [mastodon]\ntext: A revolutionary brew.\n")
	r.remove("posts/2026-12/draft.yaml")
	r.write("posts/2026-12/untouched.yaml", baseFiles["posts/2026-12/untouched.yaml"])
	r.write("posts/2026-12/launch.yaml", mustShow(t, r, "feature", "posts/2026-12/launch.yaml"))
	if diff := cmp.Diff(summarize(r.review("main", "")), wantFeaturePosts); diff != "" {
		t.Errorf("clean work tree (-got +want):\n%s", diff)
	}
}

func mustShow(t *testing.T, r *testRepo, rev, name string) string {
	t.Helper()
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.File(path.Join(r.cal, name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Contents()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReviewVoiceChangeLintsEverything(t *testing.T) {
	r := newTestRepo(t, "")
	for name, content := range baseFiles {
		r.write(name, content)
	}
	r.commit("calendar")
	r.branch("rules")
	r.write("voice.yaml", baseFiles["voice.yaml"]+`  - id: no-back
    type: existence
    level: error
    message: "Say returns, not '{{match}}'."
    tokens: [back]
`)
	r.commit("new rule")
	rv := r.review("main", "rules")
	if diff := cmp.Diff(rv.Rules, []NamedChange{{ID: "no-back", File: "voice.yaml", Change: "added"}}); diff != "" {
		t.Errorf("rules (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(rv.Settings, []NamedChange{{ID: "voice.yaml", File: "voice.yaml", Change: "changed", Keys: []string{"rules"}}}); diff != "" {
		t.Errorf("settings (-got +want):\n%s", diff)
	}
	if len(rv.Findings) != 1 || rv.Findings[0].File != "posts/2026-12/launch.yaml" || rv.Findings[0].Rule != "no-back" {
		t.Errorf("findings %v, want no-back on the untouched launch post", rv.Findings)
	}
	if !rv.Failed(false) {
		t.Error("an error-level finding does not fail the review")
	}
}

func TestReviewErrors(t *testing.T) {
	r, _, _, _ := buildFeature(t, "")
	_, err := Run(Options{Dir: r.dir, Base: "nope", Now: now})
	var re *RevisionError
	if !errors.As(err, &re) || re.Rev != "nope" || !strings.Contains(err.Error(), `unknown revision "nope"`) {
		t.Errorf("unknown base: %v", err)
	}
	_, err = Run(Options{Dir: r.dir, Base: "main", Head: "HEAD~7", Now: now})
	if !errors.As(err, &re) {
		t.Errorf("unknown head: %v", err)
	}
	_, err = Run(Options{Dir: t.TempDir(), Base: "main", Now: now})
	if !errors.Is(err, ErrNotRepository) {
		t.Errorf("not a repository: %v", err)
	}
}

func TestPathMonth(t *testing.T) {
	for p, want := range map[string]int{
		"posts/2026-12/launch.yaml":    2026*12 + 11,
		"posts/2026/12/launch.yaml":    2026*12 + 11,
		"posts/2026-01-05-launch.yaml": 2026 * 12,
		"posts/2026/launch.yaml":       -1,
		"posts/launch.yaml":            -1,
		"posts/20261/12/x.yaml":        -1,
		"posts/2026-13/x.yaml":         -1,
		"posts/archive/2025/07/a.yaml": 2025*12 + 6,
	} {
		got, ok := pathMonth(p)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("pathMonth(%q) = %d, want %d", p, got, want)
		}
	}
}

func TestMergeBaseMatchesGoGit(t *testing.T) {
	r, first, feature, mainTip := buildFeature(t, "")
	r.checkout("feature")
	r.write("posts/2026-12/later.yaml", "publish_at: 2026-12-20T10:00\nchannels: [bluesky]\ntext: Later.\n")
	later := r.commit("later on feature")
	for _, pair := range [][2]plumbing.Hash{{mainTip, feature}, {feature, mainTip}, {first, later}, {later, feature}, {mainTip, mainTip}} {
		a, _ := r.repo.CommitObject(pair[0])
		b, _ := r.repo.CommitObject(pair[1])
		got, err := mergeBase(r.repo, a, b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.MergeBase(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || len(want) != 1 || got[0].Hash != want[0].Hash {
			t.Errorf("mergeBase(%s, %s) = %v, go-git says %v", pair[0], pair[1], got, want)
		}
	}
}

func TestPathDay(t *testing.T) {
	for p, want := range map[string]string{
		"posts/2026-12/2026-12-05-launch.yaml": "2026-12-05",
		"posts/2026/12/05/launch.yaml":         "2026-12-05",
		"posts/2026/12/05-launch.yaml":         "2026-12-05",
		"posts/2026/12/launch.yaml":            "",
		"posts/2026-12-32-x.yaml":              "",
	} {
		got := ""
		if d, ok := pathDay(p); ok {
			got = d.Format("2006-01-02")
		}
		if got != want {
			t.Errorf("pathDay(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestPeriodsCover(t *testing.T) {
	touched := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	ps := periods{ids: map[string]bool{"same-day": true}, times: []time.Time{touched}}
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		name string
		r    strategy.Result
		want bool
	}{
		{"a touched week", strategy.Result{From: day(7), To: day(14)}, true},
		{"another week", strategy.Result{From: day(14), To: day(21)}, false},
		{"a touched month", strategy.Result{From: day(1), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, true},
		{"a touched day, another post", strategy.Result{Posts: []string{"x"}, From: day(10), To: day(11)}, true},
		{"a min_gap after a touched post", strategy.Result{Posts: []string{"same-day", "b"}, From: touched, To: touched.Add(30 * time.Minute)}, true},
		{"a min_gap elsewhere", strategy.Result{Posts: []string{"other", "b"}, From: day(20), To: day(20).Add(time.Hour)}, false},
		{"a blackout on an untouched post", strategy.Result{Posts: []string{"a"}}, false},
	} {
		if got := ps.covers(tt.r); got != tt.want {
			t.Errorf("%s: covers = %v, want %v", tt.name, got, tt.want)
		}
	}
}
