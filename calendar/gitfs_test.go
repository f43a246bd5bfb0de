package calendar

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

// testRepo is a real git repository in a temporary directory, committed to with go-git the way a
// user's clone would be.
type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	when time.Time
}

func newTestRepo(t *testing.T) *testRepo {
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
	return &testRepo{t: t, dir: dir, repo: repo, wt: wt, when: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
}

func (r *testRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) symlink(name, target string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		r.t.Skipf("symbolic links not available: %v", err)
	}
}

func (r *testRepo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(name))); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything, deletions included, and commits it.
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

func (r *testRepo) fs(rev string) fs.FS {
	r.t.Helper()
	fsys, err := GitFS(r.repo, rev)
	if err != nil {
		r.t.Fatalf("GitFS(%q): %v", rev, err)
	}
	return fsys
}

const gitPostWithLinks = `publish_at: 2026-12-05T10:00
channels: [mastodon]
text: Two pictures.
media:
  - file: media/current.png
    alt: The current bag
  - file: media/escape.png
    alt: Something outside
`

// buildHistory makes three commits: a plain calendar, then symbolic links, then a change that edits,
// deletes and adds posts.
func buildHistory(t *testing.T) (r *testRepo, first, second, third plumbing.Hash) {
	r = newTestRepo(t)
	for _, name := range []string{"calendar.yaml", "strategy.yaml", "voice.yaml", "replies/thanks.yaml", "playbooks/recall.yaml"} {
		r.write(name, validCalendar[name])
	}
	r.write("posts/2026/12/launch.yaml", validCalendar["posts/2026-12/launch.yaml"])
	r.write("posts/2026/12/brew-ratio.yaml", "publish_at: 2026-12-02T12:30\nchannels: [mastodon, bluesky]\ntext: 1 g of coffee for 16 g of water.\n")
	r.write("posts/2026/12/.draft.yaml", "not: [a post") // hidden: never loaded
	r.write("posts/2027/01/deep/nested/new-year.yaml", "publish_at: 2027-01-01T00:00\nchannels: [bluesky]\ntext: Happy new year.\n")
	r.write("media/bag.png", "\x89PNG\r\n\x1a\n")
	r.write("README.md", "# Northwind calendar\n")
	// Git orders "posts.md" before the tree "posts" (as if "posts/"); names sort the other way.
	r.write("posts.md", "Posts live under posts/.\n")
	first = r.commit("calendar")

	// Outside the repository, next to it: what an escaping link would read on a checkout.
	if err := os.WriteFile(filepath.Join(filepath.Dir(r.dir), "outside.png"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.symlink("media/current.png", "bag.png")
	r.symlink("media/escape.png", "../../outside.png")
	r.symlink("media/absolute.png", "/etc/hostname")
	r.symlink("media/loop.png", "loop.png")
	r.symlink("assets", "media")
	r.write("posts/2026/12/links.yaml", gitPostWithLinks)
	second = r.commit("links")

	r.write("posts/2026/12/launch.yaml", "publish_at: 2026-12-01T10:00\nchannels: [mastodon]\ntext: Winter Blend is back, an hour later.\n")
	r.remove("posts/2026/12/brew-ratio.yaml")
	r.write("posts/2027/02/valentine.yaml", "publish_at: 2027-02-14T09:00\nchannels: [mastodon]\ntext: Coffee for two.\n")
	third = r.commit("edit, delete, add")
	return r, first, second, third
}

func TestGitFSLoad(t *testing.T) {
	r, first, second, third := buildHistory(t)
	escaping := Finding{File: "posts/2026/12/links.yaml", Line: 7, Col: 11, Rule: "media", Level: Error,
		Message: `media file "media/escape.png" is a link that points outside the repository`}
	tests := []struct {
		rev          string
		ids          []string
		launchText   string
		findings     Findings
		wantCommitID plumbing.Hash
	}{
		{rev: first.String(), wantCommitID: first,
			ids:        []string{"brew-ratio", "launch", "new-year"},
			launchText: "Winter Blend is back.\n"},
		{rev: "HEAD~1", wantCommitID: second,
			ids:        []string{"brew-ratio", "launch", "links", "new-year"},
			launchText: "Winter Blend is back.\n", findings: Findings{escaping}},
		{rev: "main", wantCommitID: third,
			ids:        []string{"launch", "links", "new-year", "valentine"},
			launchText: "Winter Blend is back, an hour later.", findings: Findings{escaping}},
		{rev: "HEAD", wantCommitID: third,
			ids:        []string{"launch", "links", "new-year", "valentine"},
			launchText: "Winter Blend is back, an hour later.", findings: Findings{escaping}},
	}
	for _, tt := range tests {
		t.Run(tt.rev, func(t *testing.T) {
			h, err := r.repo.ResolveRevision(plumbing.Revision(tt.rev))
			if err != nil || *h != tt.wantCommitID {
				t.Fatalf("%s resolves to %v (%v), want %s", tt.rev, h, err, tt.wantCommitID)
			}
			c, findings, err := Load(r.fs(tt.rev))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(findings, tt.findings); diff != "" {
				t.Errorf("findings (-got +want):\n%s", diff)
			}
			var ids []string
			for _, p := range c.Posts {
				ids = append(ids, p.ID.Value)
				if p.ID.Value == "launch" {
					if diff := cmp.Diff(p.Text.Value, tt.launchText); diff != "" {
						t.Errorf("launch text (-got +want):\n%s", diff)
					}
				}
			}
			if diff := cmp.Diff(ids, tt.ids); diff != "" {
				t.Errorf("post ids (-got +want):\n%s", diff)
			}
		})
	}
}

func TestGitFSUnknownRevision(t *testing.T) {
	r, _, _, _ := buildHistory(t)
	for _, rev := range []string{"nope", "HEAD~5", "0123456789012345678901234567890123456789"} {
		if _, err := GitFS(r.repo, rev); err == nil {
			t.Errorf("GitFS(%q) succeeded, want an error", rev)
		}
	}
}

func TestGitFSSymlinks(t *testing.T) {
	r, _, second, _ := buildHistory(t)
	fsys := r.fs(second.String())
	tests := []struct {
		name    string
		want    string // content, when the link resolves
		wantErr error
	}{
		{name: "media/current.png", want: "\x89PNG\r\n\x1a\n"},
		{name: "assets/bag.png", want: "\x89PNG\r\n\x1a\n"},
		{name: "assets/current.png", want: "\x89PNG\r\n\x1a\n"},
		{name: "media/escape.png", wantErr: ErrEscapes},
		{name: "media/absolute.png", wantErr: ErrEscapes},
		{name: "assets/escape.png", wantErr: ErrEscapes},
		{name: "media/missing.png", wantErr: fs.ErrNotExist},
		{name: "calendar.yaml/x", wantErr: fs.ErrNotExist},
		{name: "../calendar.yaml", wantErr: fs.ErrInvalid},
		{name: "/calendar.yaml", wantErr: fs.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fs.ReadFile(fsys, tt.name)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("ReadFile(%q) error = %v, want %v", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", tt.name, err)
			}
			if diff := cmp.Diff(string(got), tt.want); diff != "" {
				t.Errorf("ReadFile(%q) (-got +want):\n%s", tt.name, diff)
			}
		})
	}
	// A link to itself must end, with an error rather than a hang or a stack overflow.
	if _, err := fs.ReadFile(fsys, "media/loop.png"); err == nil {
		t.Errorf("ReadFile(media/loop.png) succeeded, want an error")
	}
	info, err := fs.Stat(fsys, "assets")
	if err != nil || !info.IsDir() {
		t.Errorf("Stat(assets) = %v, %v; want the linked directory", info, err)
	}
}

func TestGitFSWalkDir(t *testing.T) {
	r, _, second, _ := buildHistory(t)
	var got []string
	err := fs.WalkDir(r.fs(second.String()), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		got = append(got, p+" "+d.Type().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// WalkDir lists links as links and does not follow them.
	want := []string{
		". d---------",
		"README.md ----------",
		"assets L---------",
		"calendar.yaml ----------",
		"media d---------",
		"media/absolute.png L---------",
		"media/bag.png ----------",
		"media/current.png L---------",
		"media/escape.png L---------",
		"media/loop.png L---------",
		"playbooks d---------",
		"playbooks/recall.yaml ----------",
		"posts d---------",
		"posts/2026 d---------",
		"posts/2026/12 d---------",
		"posts/2026/12/.draft.yaml ----------",
		"posts/2026/12/brew-ratio.yaml ----------",
		"posts/2026/12/launch.yaml ----------",
		"posts/2026/12/links.yaml ----------",
		"posts/2027 d---------",
		"posts/2027/01 d---------",
		"posts/2027/01/deep d---------",
		"posts/2027/01/deep/nested d---------",
		"posts/2027/01/deep/nested/new-year.yaml ----------",
		"posts.md ----------",
		"replies d---------",
		"replies/thanks.yaml ----------",
		"strategy.yaml ----------",
		"voice.yaml ----------",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("WalkDir (-got +want):\n%s", diff)
	}
}

// fstest.TestFS checks the fs.FS contract: ReadDir in chunks, Stat agreeing with directory
// entries, ReadFile, Sub. Open follows links, which TestFS does not expect, so the commit without
// any is used.
func TestGitFSContract(t *testing.T) {
	r, first, _, _ := buildHistory(t)
	err := fstest.TestFS(r.fs(first.String()),
		"calendar.yaml", "README.md", "posts.md", "media/bag.png", "posts/2026/12/launch.yaml",
		"posts/2027/01/deep/nested/new-year.yaml", "replies/thanks.yaml")
	if err != nil {
		t.Error(err)
	}
}
