package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

// The git backend's tests use real repositories: a bare remote and clones of it, as CI runs on
// different machines would have. go-git's file transport runs git-receive-pack, the server side
// a real remote runs too.

var testSig = object.Signature{Name: "Ana Lima", Email: "ana@example.com", When: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}

// newRemote is a bare repository with a main branch holding a calendar, like a calendar repo's remote.
func newRemote(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	remote := filepath.Join(base, "remote.git")
	if _, err := git.PlainInitWithOptions(remote, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}}); err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join(base, "seed")
	repo, err := git.PlainInitWithOptions(seed, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(seed, "cal"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(seed, "cal", "calendar.yaml"), []byte("brand: Test\ntimezone: UTC\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Commit("calendar", &git.CommitOptions{Author: &testSig}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remote}}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}}); err != nil {
		t.Fatal(err)
	}
	return remote
}

// newClone clones remote and returns the git backend of the calendar in it.
func newClone(t *testing.T, remote string) (*Git, *git.Repository) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clone")
	repo, err := git.PlainClone(dir, false, &git.CloneOptions{URL: remote})
	if err != nil {
		t.Fatal(err)
	}
	return &Git{Dir: filepath.Join(dir, "cal")}, repo
}

// remoteBranch is the commit the remote's state branch is at, or zero.
func remoteBranch(t *testing.T, remote string) plumbing.Hash {
	t.Helper()
	repo, err := git.PlainOpen(remote)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(DefaultGitBranch), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash
	}
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash()
}

// pushRaw commits content as the state file on top of the remote's state branch, by hand.
func pushRaw(t *testing.T, remote, content string) plumbing.Hash {
	t.Helper()
	g, repo := newClone(t, remote)
	if _, err := g.fetch(repo, mustRemote(t, repo)); err != nil {
		t.Fatal(err)
	}
	st := repo.Storer
	blob := st.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, _ := blob.Writer()
	w.Write([]byte(content))
	w.Close()
	bh, err := st.SetEncodedObject(blob)
	if err != nil {
		t.Fatal(err)
	}
	tree := st.NewEncodedObject()
	if err := (&object.Tree{Entries: []object.TreeEntry{{Name: "state.json", Mode: filemode.Regular, Hash: bh}}}).Encode(tree); err != nil {
		t.Fatal(err)
	}
	th, err := st.SetEncodedObject(tree)
	if err != nil {
		t.Fatal(err)
	}
	c := &object.Commit{Author: testSig, Committer: testSig, Message: "by hand\n", TreeHash: th}
	if parent := remoteBranch(t, remote); !parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{parent}
	}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatal(err)
	}
	ch, err := st.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec(ch.String() + ":refs/heads/" + DefaultGitBranch)}}); err != nil {
		t.Fatal(err)
	}
	return ch
}

func mustRemote(t *testing.T, repo *git.Repository) *git.Remote {
	t.Helper()
	r, err := repo.Remote("origin")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// snapshot is what a user's clone shows: work tree status, index, HEAD and local branches.
func snapshot(t *testing.T, repo *git.Repository, dir string) string {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	status, err := wt.Status()
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	var branches []string
	iter, _ := repo.Branches()
	iter.ForEach(func(r *plumbing.Reference) error {
		branches = append(branches, r.String())
		return nil
	})
	return fmt.Sprintf("status:\n%s\nhead: %s\nindex: %x\nbranches: %v\n", status, head, index, branches)
}

func TestGitReadEmptyRemote(t *testing.T) {
	// A remote with a calendar but no state branch yet.
	g, _ := newClone(t, newRemote(t))
	s, err := g.Read()
	if err != nil {
		t.Fatal(err)
	}
	if s.Serial != 0 || len(s.Publications) != 0 || s.Lineage == "" {
		t.Errorf("Read on a remote without a state branch = %+v, want New()", s)
	}

	// A remote with nothing at all.
	dir := t.TempDir()
	bare := filepath.Join(dir, "empty.git")
	if _, err := git.PlainInit(bare, true); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainInit(filepath.Join(dir, "work"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bare}}); err != nil {
		t.Fatal(err)
	}
	g = &Git{Dir: filepath.Join(dir, "work")}
	if s, err = g.Read(); err != nil || s.Serial != 0 {
		t.Fatalf("Read on an empty remote = %+v, %v; want New()", s, err)
	}
	// The first write creates the branch as a root commit.
	s.Publications["a@x"] = &Publication{Post: "a", Channel: "x", Status: Held, PlannedAt: t0, UpdatedAt: t0}
	if err := g.Write(s, 0); err != nil {
		t.Fatal(err)
	}
	if s.Serial != 1 {
		t.Errorf("serial after the first write = %d, want 1", s.Serial)
	}
	if h := remoteBranch(t, bare); h.IsZero() {
		t.Error("the first write did not create the state branch on the remote")
	}
}

// A repository without the remote yet (a calendar just made by postctl init) has no state:
// Read returns New() so that plan works; Write says how to add the remote and writes nothing.
func TestGitWithoutRemote(t *testing.T) {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	g := &Git{Dir: dir}
	s, err := g.Read()
	if err != nil || s.Serial != 0 || len(s.Publications) != 0 {
		t.Fatalf("Read without a remote = %+v, %v; want New()", s, err)
	}
	s.Publications["a@x"] = &Publication{Post: "a", Channel: "x", Status: Pending, PlannedAt: t0, UpdatedAt: t0}
	err = g.Write(s, 0)
	if err == nil || !strings.Contains(err.Error(), "git remote add origin URL") {
		t.Fatalf("Write without a remote: %v; want how to add it", err)
	}
}

func TestGitWriteReadAcrossClones(t *testing.T) {
	remote := newRemote(t)
	a, repoA := newClone(t, remote)
	b, _ := newClone(t, remote)
	cloneA := filepath.Dir(a.Dir)
	before := snapshot(t, repoA, cloneA)

	s, err := a.Read()
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	want.Lineage = ""
	lock, err := a.Lock(LockInfo{Operation: "apply", Who: "ci@runner"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Write(want, s.Serial); err != nil {
		t.Fatal(err)
	}
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}
	if want.Serial != 1 || want.Lineage != s.Lineage {
		t.Errorf("after Write: serial %d lineage %q; want 1 and the lineage read (%q)", want.Serial, want.Lineage, s.Lineage)
	}

	got, err := b.Read()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("read from the other clone (-got +want):\n%s", diff)
	}

	// The commit: the state file alone, by postctl, saying what it is.
	rr, err := git.PlainOpen(remote)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rr.CommitObject(remoteBranch(t, remote))
	if err != nil {
		t.Fatal(err)
	}
	if c.Author.Name != "postctl" || c.Author.Email != "postctl@localhost" || c.Committer.Email != "postctl@localhost" {
		t.Errorf("commit by %v / %v, want postctl <postctl@localhost>", c.Author, c.Committer)
	}
	if !strings.HasPrefix(c.Message, "postctl: state serial 1 (apply)\n") || !strings.Contains(c.Message, "By: ci@runner") {
		t.Errorf("commit message %q", c.Message)
	}
	if c.NumParents() != 0 {
		t.Errorf("the first state commit has %d parents, want a root commit", c.NumParents())
	}
	f, err := c.File("state.json")
	if err != nil {
		t.Fatal(err)
	}
	content, _ := f.Contents()
	encoded, _ := Encode(want)
	if content != string(encoded) {
		t.Errorf("state.json in the branch:\n%s\nwant:\n%s", content, encoded)
	}

	// The clone's work tree, index, HEAD and branches are untouched; only the remote-tracking ref moved.
	if after := snapshot(t, repoA, cloneA); after != before {
		t.Errorf("the clone changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	ref, err := repoA.Reference(plumbing.NewRemoteReferenceName("origin", DefaultGitBranch), false)
	if err != nil || ref.Hash() != c.Hash {
		t.Errorf("refs/remotes/origin/postctl-state = %v, %v; want %s", ref, err, c.Hash)
	}
	if _, err := os.Stat(filepath.Join(cloneA, "state.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state.json appeared in the work tree: %v", err)
	}

	// A second write is a child of the first.
	got.Publications["launch@mastodon"].Status = Held
	if err := b.Write(got, 1); err != nil {
		t.Fatal(err)
	}
	c2, err := rr.CommitObject(remoteBranch(t, remote))
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.ParentHashes) != 1 || c2.ParentHashes[0] != c.Hash {
		t.Errorf("second commit's parents = %v, want [%s]", c2.ParentHashes, c.Hash)
	}
	if s, err := a.Read(); err != nil || s.Serial != 2 || s.Publications["launch@mastodon"].Status != Held {
		t.Errorf("A reads %+v, %v after B's write; want serial 2", s, err)
	}
}

func TestGitCompareAndSwap(t *testing.T) {
	remote := newRemote(t)
	seed, _ := newClone(t, remote)
	s, err := seed.Read()
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Write(s, 0); err != nil {
		t.Fatal(err)
	}

	a, _ := newClone(t, remote)
	b, repoB := newClone(t, remote)
	sa, err := a.Read()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Read()
	if err != nil {
		t.Fatal(err)
	}
	if sa.Serial != 1 || sb.Serial != 1 {
		t.Fatalf("serials read: %d and %d, want 1", sa.Serial, sb.Serial)
	}
	sa.Publications["a@x"] = &Publication{Post: "a", Channel: "x", Status: Published, PlannedAt: t0, UpdatedAt: t0}
	if err := a.Write(sa, 1); err != nil {
		t.Fatal(err)
	}
	tipA := remoteBranch(t, remote)

	sb.Publications["b@x"] = &Publication{Post: "b", Channel: "x", Status: Published, PlannedAt: t0, UpdatedAt: t0}
	before := snapshot(t, repoB, filepath.Dir(b.Dir))
	err = b.Write(sb, 1)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("B's write after A's: %v, want ErrConflict", err)
	}
	t.Logf("B's write: %v", err)
	if sb.Serial != 1 {
		t.Errorf("a refused write changed the serial to %d", sb.Serial)
	}
	if got := remoteBranch(t, remote); got != tipA {
		t.Errorf("the remote's state branch is at %s, want A's commit %s", got, tipA)
	}
	if after := snapshot(t, repoB, filepath.Dir(b.Dir)); after != before {
		t.Errorf("the clone changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// Read again, B sees A's write and can build on it.
	sb, err = b.Read()
	if err != nil {
		t.Fatal(err)
	}
	if sb.Serial != 2 || sb.Get("a@x") == nil {
		t.Fatalf("B reads serial %d, want A's serial 2", sb.Serial)
	}
	// A serial that is not the one read is refused before anything is pushed.
	if err := b.Write(sb, 1); !errors.Is(err, ErrConflict) {
		t.Errorf("Write with a stale expected serial: %v, want ErrConflict", err)
	}
	if err := b.Write(sb, 2); err != nil {
		t.Fatal(err)
	}
	// A, which has not read since, conflicts even with the serial it wrote.
	if err := a.Write(sa, 2); !errors.Is(err, ErrConflict) {
		t.Errorf("A's write on a stale read: %v, want ErrConflict", err)
	}
}

// TestGitConcurrentWriters runs writers in separate clones, each reading and writing the state
// over and over at the same moments. Every write that succeeds must be a fast-forward of the one
// before, so the final serial is the number of successful writes and no write is lost.
func TestGitConcurrentWriters(t *testing.T) {
	remote := newRemote(t)
	const writers, rounds = 4, 8
	stores := make([]*Git, writers)
	for i := range stores {
		stores[i], _ = newClone(t, remote)
	}
	var (
		mu        sync.Mutex
		written   []string // the address each successful write added
		conflicts int
	)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, g := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for r := 0; r < rounds; r++ {
				s, err := g.Read()
				if err != nil {
					t.Error(err)
					return
				}
				addr := fmt.Sprintf("w%d-r%d@x", i, r)
				post, _, _ := SplitAddress(addr)
				s.Publications[addr] = &Publication{Post: post, Channel: "x", Status: Published, PlannedAt: t0, UpdatedAt: t0}
				err = g.Write(s, s.Serial)
				mu.Lock()
				switch {
				case err == nil:
					written = append(written, addr)
				case errors.Is(err, ErrConflict):
					conflicts++
				default:
					t.Errorf("writer %d round %d: %v", i, r, err)
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()

	final, _ := newClone(t, remote)
	s, err := final.Read()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writers × %d rounds: %d writes succeeded, %d conflicts; final serial %d", writers, rounds, len(written), conflicts, s.Serial)
	if len(written)+conflicts != writers*rounds {
		t.Errorf("%d successes + %d conflicts, want %d attempts", len(written), conflicts, writers*rounds)
	}
	if len(written) == 0 {
		t.Fatal("no write succeeded")
	}
	if s.Serial != uint64(len(written)) {
		t.Errorf("final serial %d, want %d: the number of successful writes", s.Serial, len(written))
	}
	for _, addr := range written {
		if s.Get(addr) == nil {
			t.Errorf("lost update: %s was written successfully but is not in the final state", addr)
		}
	}
	if len(s.Publications) != len(written) {
		t.Errorf("final state has %d records, want %d", len(s.Publications), len(written))
	}

	// The branch is one line of commits, serials 1..n, each the only child of the one before.
	repo, err := git.PlainOpen(remote)
	if err != nil {
		t.Fatal(err)
	}
	h := remoteBranch(t, remote)
	for want := s.Serial; want > 0; want-- {
		c, err := repo.CommitObject(h)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.Message, fmt.Sprintf("postctl: state serial %d", want)) {
			t.Errorf("commit %s: %q, want serial %d", h, c.Message, want)
		}
		if want == 1 {
			if c.NumParents() != 0 {
				t.Errorf("serial 1 has %d parents", c.NumParents())
			}
			break
		}
		if c.NumParents() != 1 {
			t.Fatalf("commit %s has %d parents", h, c.NumParents())
		}
		h = c.ParentHashes[0]
	}
}

func TestGitCorruptStateRefused(t *testing.T) {
	remote := newRemote(t)
	bad := pushRaw(t, remote, "{\"version\": 1, \"serial\": \n")
	g, _ := newClone(t, remote)
	_, err := g.Read()
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Path != "postctl-state:state.json" {
		t.Fatalf("Read of a corrupt state: %v, want a *CorruptError at postctl-state:state.json", err)
	}
	t.Logf("%v", err)
	if err := g.Write(New(), 0); !errors.As(err, &ce) {
		t.Errorf("Write over a corrupt state: %v, want a *CorruptError", err)
	}
	if got := remoteBranch(t, remote); got != bad {
		t.Errorf("the remote's state branch moved to %s: a corrupt state was overwritten", got)
	}

	pushRaw(t, remote, `{"version": 99, "serial": 3}`)
	var ve *VersionError
	if _, err := g.Read(); !errors.As(err, &ve) || ve.Path != "postctl-state:state.json" {
		t.Errorf("Read of a newer state: %v, want a *VersionError", err)
	}
}

func TestGitNestedPathKeepsOtherFiles(t *testing.T) {
	remote := newRemote(t)
	pushRaw(t, remote, "not mine") // state.json at the top: another calendar's, say
	g, repo := newClone(t, remote)
	g.Path = "prod/state.json"
	s, err := g.Read()
	if err != nil || s.Serial != 0 {
		t.Fatalf("Read = %+v, %v; want New()", s, err)
	}
	if err := g.Write(s, 0); err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(remoteBranch(t, remote))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"state.json": "not mine", "prod/state.json": `"serial": 1`} {
		f, err := c.File(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		content, _ := f.Contents()
		if !strings.Contains(content, want) {
			t.Errorf("%s = %q, want %q in it", name, content, want)
		}
	}
}

func TestGitNoLock(t *testing.T) {
	g := &Git{Dir: t.TempDir()}
	lock, err := g.Lock(LockInfo{Operation: "state rm"})
	if err != nil || lock.Info.ID == "" {
		t.Fatalf("Lock = %+v, %v", lock, err)
	}
	if err := lock.Unlock(); err != nil {
		t.Error(err)
	}
	if err := lock.Unlock(); err != nil {
		t.Error(err)
	}
	if h, err := g.LockHolder(); h != nil || err != nil {
		t.Errorf("LockHolder = %v, %v; want none", h, err)
	}
	if err := g.ForceUnlock("abc"); err == nil || !strings.Contains(err.Error(), "no lock") {
		t.Errorf("ForceUnlock: %v", err)
	}
	// Outside a repository: a clear error (without the remote: TestGitWithoutRemote).
	if _, err := g.Read(); err == nil || !strings.Contains(err.Error(), "not inside one") {
		t.Errorf("Read outside a repository: %v", err)
	}
}

// Two runs that write the very same state on the same commit in the same second must not both
// succeed: their commits differ, so the second push is refused.
func TestGitIdenticalWritesConflict(t *testing.T) {
	remote := newRemote(t)
	a, _ := newClone(t, remote)
	b, _ := newClone(t, remote)
	sa, err := a.Read()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Read()
	if err != nil {
		t.Fatal(err)
	}
	sb.Lineage = sa.Lineage
	for _, s := range []*State{sa, sb} {
		s.Publications["a@x"] = &Publication{Post: "a", Channel: "x", Status: Pending, PlannedAt: t0, UpdatedAt: t0,
			Intent: &Intent{Action: "publish", Key: "k", Attempt: 1, At: t0}}
	}
	errA, errB := a.Write(sa, 0), b.Write(sb, 0)
	if errA != nil || !errors.Is(errB, ErrConflict) {
		t.Errorf("identical writes: A %v, B %v; want A to succeed and B to conflict", errA, errB)
	}
}
