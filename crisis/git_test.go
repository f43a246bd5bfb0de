package crisis

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/state"
)

var (
	testWhen = time.Date(2026, 11, 22, 15, 30, 0, 0, time.UTC)
	testSig  = object.Signature{Name: "Setup", Email: "setup@example.com", When: testWhen.Add(-time.Hour)}
	mia      = Identity{Name: "Mia Schulz", Email: "mia@example.com"}
	ci       = Identity{Name: "Committer", Email: "committer@example.com"}
)

// isolateGitConfig keeps the user's own ~/.gitconfig out of the tests.
func isolateGitConfig(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	return home
}

// newRepo makes a repository in a new directory with the calendar at sub ("" for the top) and
// one commit on main; it returns the repository's top and the calendar directory.
func newRepo(t *testing.T, sub string) (*git.Repository, string, string) {
	t.Helper()
	isolateGitConfig(t)
	top := t.TempDir()
	repo, err := git.PlainInitWithOptions(top, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	if err != nil {
		t.Fatal(err)
	}
	calDir := filepath.Join(top, filepath.FromSlash(sub))
	writeCalendar(t, calDir)
	if err := os.WriteFile(filepath.Join(top, "other.txt"), []byte("other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Commit("calendar", &git.CommitOptions{Author: &testSig, Committer: &testSig}); err != nil {
		t.Fatal(err)
	}
	return repo, top, calDir
}

func headOf(t *testing.T, repo *git.Repository) *object.Commit {
	t.Helper()
	ref, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// changedPaths lists the paths a commit changes against its first parent.
func changedPaths(t *testing.T, c *object.Commit) []string {
	t.Helper()
	parent, err := c.Parent(0)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := parent.Tree()
	to, _ := c.Tree()
	changes, err := object.DiffTree(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ch := range changes {
		name := ch.To.Name
		if name == "" {
			name = ch.From.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func activate(t *testing.T, dir string) {
	t.Helper()
	if err := Write(dir, Activation{Playbook: "shipping-outage", At: testWhen, Reason: "carrier down", By: mia.String()}); err != nil {
		t.Fatal(err)
	}
}

func TestCommitOnlyCrisisYAML(t *testing.T) {
	for _, sub := range []string{"", "social/calendar"} {
		t.Run("at "+sub, func(t *testing.T) {
			repo, _, dir := newRepo(t, sub)
			before := headOf(t, repo)
			// Unstaged edits elsewhere stay out of the commit.
			if err := os.WriteFile(filepath.Join(dir, "calendar.yaml"), []byte("brand: Edited\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := OpenRepo(dir)
			if err != nil {
				t.Fatal(err)
			}
			want := "crisis.yaml"
			if sub != "" {
				want = sub + "/crisis.yaml"
			}
			if r.Path != want || r.BranchName() != "main" {
				t.Errorf("OpenRepo: path %q on %q, want %q on main", r.Path, r.BranchName(), want)
			}
			activate(t, dir)
			h, err := r.Commit("crisis: activate shipping-outage\n", mia, ci, testWhen)
			if err != nil {
				t.Fatal(err)
			}
			c := headOf(t, repo)
			if c.Hash != h {
				t.Fatalf("HEAD is %s, want the new commit %s", c.Hash, h)
			}
			if diff := cmp.Diff([]string{before.Hash.String()}, []string{c.ParentHashes[0].String()}); diff != "" || len(c.ParentHashes) != 1 {
				t.Errorf("parents %v, want the previous HEAD %s", c.ParentHashes, before.Hash)
			}
			if diff := cmp.Diff([]string{want}, changedPaths(t, c)); diff != "" {
				t.Errorf("the commit changes (-want +got):\n%s", diff)
			}
			if c.Author.Name != mia.Name || c.Author.Email != mia.Email || c.Committer.Email != ci.Email || !c.Author.When.Equal(testWhen) {
				t.Errorf("author %v, committer %v", c.Author, c.Committer)
			}
			f, err := c.File(want)
			if err != nil {
				t.Fatal(err)
			}
			if text, _ := f.Contents(); !strings.Contains(text, "reason: carrier down") {
				t.Errorf("committed crisis.yaml:\n%s", text)
			}

			// Resolving commits the removal, again alone.
			if tracked, err := r.Tracked(); !tracked || err != nil {
				t.Errorf("Tracked after the commit: %v, %v", tracked, err)
			}
			if err := Remove(dir); err != nil {
				t.Fatal(err)
			}
			h2, err := r.Commit("crisis: resolve shipping-outage\n", mia, ci, testWhen.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			c2 := headOf(t, repo)
			if c2.Hash != h2 || c2.ParentHashes[0] != h {
				t.Errorf("resolve commit %s with parents %v, want %s on %s", c2.Hash, c2.ParentHashes, h2, h)
			}
			if diff := cmp.Diff([]string{want}, changedPaths(t, c2)); diff != "" {
				t.Errorf("the resolve commit changes (-want +got):\n%s", diff)
			}
			if _, err := c2.File(want); !errors.Is(err, object.ErrFileNotFound) {
				t.Errorf("crisis.yaml still in the resolve commit: %v", err)
			}
		})
	}
}

// A crisis.yaml that was never committed leaves nothing to commit when it is removed.
func TestCommitNothingWhenNeverCommitted(t *testing.T) {
	repo, _, dir := newRepo(t, "")
	before := headOf(t, repo)
	activate(t, dir)
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Commit("crisis: resolve\n", mia, ci, testWhen)
	if err != nil || !h.IsZero() {
		t.Errorf("Commit of nothing: %s, %v; want zero and no error", h, err)
	}
	if headOf(t, repo).Hash != before.Hash {
		t.Error("HEAD moved")
	}
}

func TestOpenRepoRefusals(t *testing.T) {
	isolateGitConfig(t)
	plain := t.TempDir()
	if _, err := OpenRepo(plain); !errors.Is(err, ErrNotRepo) || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside a repository: %v, want ErrNotRepo", err)
	}

	repo, _, dir := newRepo(t, "")
	head := headOf(t, repo)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.HEAD, head.Hash)); err != nil {
		t.Fatal(err)
	}
	_, err := OpenRepo(dir)
	if err == nil || !strings.Contains(err.Error(), "HEAD is detached (at "+head.Hash.String()[:7]+")") {
		t.Errorf("detached HEAD: %v", err)
	}
}

func TestOtherStagedRefused(t *testing.T) {
	repo, top, dir := newRepo(t, "cal")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if staged, err := r.OtherStaged(); err != nil || len(staged) != 0 {
		t.Fatalf("a clean repository: %v, %v", staged, err)
	}
	// crisis.yaml itself staged is fine: it is what gets committed.
	activate(t, dir)
	wt, _ := repo.Worktree()
	if _, err := wt.Add("cal/crisis.yaml"); err != nil {
		t.Fatal(err)
	}
	if staged, _ := r.OtherStaged(); len(staged) != 0 {
		t.Errorf("crisis.yaml staged counts as other: %v", staged)
	}
	// An edit, a new file and a deletion, all staged.
	os.WriteFile(filepath.Join(top, "other.txt"), []byte("changed\n"), 0o644)
	os.WriteFile(filepath.Join(top, "new.txt"), []byte("new\n"), 0o644)
	for _, p := range []string{"other.txt", "new.txt"} {
		if _, err := wt.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := wt.Remove("cal/calendar.yaml"); err != nil {
		t.Fatal(err)
	}
	staged, err := r.OtherStaged()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"cal/calendar.yaml", "new.txt", "other.txt"}, staged); diff != "" {
		t.Errorf("staged (-want +got):\n%s", diff)
	}
	before := headOf(t, repo)
	_, err = r.Commit("crisis: activate\n", mia, ci, testWhen)
	if err == nil || !strings.Contains(err.Error(), "other changes are staged (cal/calendar.yaml, new.txt, other.txt): commit or unstage them first") {
		t.Errorf("Commit with other changes staged: %v", err)
	}
	if headOf(t, repo).Hash != before.Hash {
		t.Error("HEAD moved")
	}
	if msg := StagedError([]string{"a", "b", "c", "d", "e"}).Error(); !strings.Contains(msg, "(a, b, c and 2 more)") {
		t.Errorf("StagedError of five: %s", msg)
	}
}

// pushSetup is a repository with a bare origin holding main.
func pushSetup(t *testing.T) (*git.Repository, string, string) {
	t.Helper()
	repo, _, dir := newRepo(t, "")
	remoteDir := filepath.Join(t.TempDir(), "remote.git")
	if _, err := git.PlainInit(remoteDir, true); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remoteDir}}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}}); err != nil {
		t.Fatal(err)
	}
	return repo, dir, remoteDir
}

func remoteHead(t *testing.T, remoteDir string) plumbing.Hash {
	t.Helper()
	remote, err := git.PlainOpen(remoteDir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := remote.Reference("refs/heads/main", true)
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash()
}

func TestPushToBareRemote(t *testing.T) {
	_, dir, remoteDir := pushSetup(t)
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	activate(t, dir)
	h, err := r.Commit("crisis: activate\n", mia, ci, testWhen)
	if err != nil {
		t.Fatal(err)
	}
	name, err := r.Push(func(string) string { return "" })
	if err != nil || name != "origin" {
		t.Fatalf("Push: %q, %v", name, err)
	}
	if got := remoteHead(t, remoteDir); got != h {
		t.Errorf("remote main at %s, want %s", got, h)
	}
	// Pushing again is up to date: fine.
	if _, err := r.Push(func(string) string { return "" }); err != nil {
		t.Errorf("a second push: %v", err)
	}
}

// A relative remote path is relative to the top of the working tree, as git reads it, wherever
// postctl runs.
func TestPushToRelativeRemote(t *testing.T) {
	repo, top, dir := newRepo(t, "social")
	remoteDir := filepath.Join(filepath.Dir(top), "remote.git")
	if _, err := git.PlainInit(remoteDir, true); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"../remote.git"}}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	activate(t, dir)
	h, err := r.Commit("crisis: activate\n", mia, ci, testWhen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Push(func(string) string { return "" }); err != nil {
		t.Fatalf("Push from elsewhere: %v", err)
	}
	if got := remoteHead(t, remoteDir); got != h {
		t.Errorf("remote main at %s, want %s", got, h)
	}
}

// The branch's upstream remote wins over origin.
func TestPushToUpstreamRemote(t *testing.T) {
	repo, dir, _ := pushSetup(t)
	upstream := filepath.Join(t.TempDir(), "upstream.git")
	if _, err := git.PlainInit(upstream, true); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "upstream", URLs: []string{upstream}}); err != nil {
		t.Fatal(err)
	}
	if err := repo.CreateBranch(&config.Branch{Name: "main", Remote: "upstream", Merge: "refs/heads/main"}); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	activate(t, dir)
	h, err := r.Commit("crisis: activate\n", mia, ci, testWhen)
	if err != nil {
		t.Fatal(err)
	}
	if name, err := r.Push(func(string) string { return "" }); err != nil || name != "upstream" {
		t.Fatalf("Push: %q, %v; want upstream", name, err)
	}
	if got := remoteHead(t, upstream); got != h {
		t.Errorf("upstream main at %s, want %s", got, h)
	}
}

func TestPushRefusedWhenRemoteMovedOn(t *testing.T) {
	_, dir, remoteDir := pushSetup(t)
	// Someone else pushes first from a clone of their own.
	other, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: remoteDir, ReferenceName: "refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	owt, _ := other.Worktree()
	os.WriteFile(filepath.Join(owt.Filesystem.Root(), "theirs.txt"), []byte("theirs\n"), 0o644)
	owt.Add("theirs.txt")
	theirs, err := owt.Commit("theirs", &git.CommitOptions{Author: &testSig, Committer: &testSig})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Push(&git.PushOptions{}); err != nil {
		t.Fatal(err)
	}

	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	activate(t, dir)
	if _, err := r.Commit("crisis: activate\n", mia, ci, testWhen); err != nil {
		t.Fatal(err)
	}
	_, err = r.Push(func(string) string { return "" })
	if !errors.Is(err, ErrPushRefused) || !errors.Is(err, state.ErrConflict) {
		t.Fatalf("push over a moved remote: %v, want ErrPushRefused wrapping state.ErrConflict", err)
	}
	if got := remoteHead(t, remoteDir); got != theirs {
		t.Errorf("remote main at %s, want theirs %s untouched", got, theirs)
	}
}

func TestPushWithoutRemote(t *testing.T) {
	_, _, dir := newRepo(t, "")
	r, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Push(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), `no remote "origin"`) {
		t.Errorf("push without a remote: %v", err)
	}
}

func TestAuth(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	token := env(map[string]string{"GH_TOKEN": "gh-secret"})
	both := env(map[string]string{"GITHUB_TOKEN": "actions-secret", "GH_TOKEN": "gh-secret"})
	if a, ok := Auth("https://github.com/acme/social.git", both).(*http.BasicAuth); !ok || a.Username != "x-access-token" || a.Password != "actions-secret" {
		t.Errorf("https with GITHUB_TOKEN: %#v", Auth("https://github.com/acme/social.git", both))
	}
	if a, ok := Auth("https://github.com/acme/social.git", token).(*http.BasicAuth); !ok || a.Password != "gh-secret" {
		t.Errorf("https with GH_TOKEN: %#v", a)
	}
	for _, url := range []string{"git@github.com:acme/social.git", "ssh://git@github.com/acme/social.git", "/srv/git/social.git", "file:///srv/git/social.git"} {
		if a := Auth(url, both); a != nil {
			t.Errorf("Auth(%q) = %#v, want nil", url, a)
		}
	}
	if a := Auth("https://github.com/acme/social.git", env(nil)); a != nil {
		t.Errorf("https without a token: %#v, want nil", a)
	}
}

func TestConfigIdentity(t *testing.T) {
	home := isolateGitConfig(t)
	plain := t.TempDir()
	if id := ConfigIdentity(plain); id != (Identity{}) {
		t.Errorf("no config: %+v", id)
	}
	os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\tname = Global Name\n\temail = global@example.com\n"), 0o644)
	if id := ConfigIdentity(plain); id != (Identity{Name: "Global Name", Email: "global@example.com"}) {
		t.Errorf("global config outside a repository: %+v", id)
	}
	repo, err := git.PlainInit(plain, false)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := repo.Config()
	cfg.User.Name = "Repo Name"
	if err := repo.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(plain, "cal")
	os.Mkdir(sub, 0o755)
	if id := ConfigIdentity(sub); id != (Identity{Name: "Repo Name", Email: "global@example.com"}) {
		t.Errorf("repository config over global: %+v", id)
	}
}
