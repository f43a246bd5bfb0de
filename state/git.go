package state

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Defaults of the git backend.
const (
	DefaultGitBranch = "postctl-state"
	DefaultGitRemote = "origin"
	DefaultGitPath   = "state.json"
)

// Git is the git backend: the state is a file committed to a branch of its own and pushed, so that
// CI runs on different machines share it. The push is the compare-and-swap: each write is a commit
// whose parent is the commit the state was read from, pushed without force, so a rejected
// non-fast-forward push means another run moved first (ErrConflict).
//
// Git reads and writes only objects and the remote-tracking ref refs/remotes/REMOTE/BRANCH of the
// repository the calendar is in: never its work tree, index, HEAD or local branches.
type Git struct {
	Dir    string               // the calendar directory, inside a git work tree
	Branch string               // the state branch; default DefaultGitBranch
	Remote string               // the remote it is pushed to; default DefaultGitRemote
	Path   string               // slash-separated file in the branch; default DefaultGitPath
	Auth   transport.AuthMethod // optional: credentials for fetch and push

	mu        sync.Mutex
	known     bool          // a Read succeeded since the last write or conflict
	tip       plumbing.Hash // the commit read; zero when the branch does not exist yet
	serial    uint64        // the serial at tip (0 without a state file)
	lineage   string
	exists    bool   // tip has a state file
	operation string // what the last Lock was taken for, for the commit message
	who       string
}

var _ Backend = (*Git)(nil)

func (g *Git) branch() string {
	if g.Branch == "" {
		return DefaultGitBranch
	}
	return g.Branch
}

func (g *Git) remoteName() string {
	if g.Remote == "" {
		return DefaultGitRemote
	}
	return g.Remote
}

func (g *Git) path() string {
	if g.Path == "" {
		return DefaultGitPath
	}
	return g.Path
}

func (g *Git) dir() string {
	if g.Dir == "" {
		return "."
	}
	return g.Dir
}

func (g *Git) branchRef() plumbing.ReferenceName { return plumbing.NewBranchReferenceName(g.branch()) }

func (g *Git) trackingRef() plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(g.remoteName(), g.branch())
}

// String is "branch:path", as git names a file in a branch.
func (g *Git) String() string { return g.branch() + ":" + g.path() }

// open opens the repository the calendar is in and the remote.
func (g *Git) open() (*git.Repository, *git.Remote, error) {
	repo, err := git.PlainOpenWithOptions(g.dir(), &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, nil, fmt.Errorf("the git state backend needs a git repository: %s is not inside one", g.dir())
		}
		return nil, nil, fmt.Errorf("open the git repository of %s for the state: %w", g.dir(), err)
	}
	if err := g.branchRef().Validate(); err != nil {
		return nil, nil, fmt.Errorf("state branch %q is not a valid branch name", g.branch())
	}
	remote, err := repo.Remote(g.remoteName())
	if errors.Is(err, git.ErrRemoteNotFound) {
		return repo, nil, fmt.Errorf("the git state backend pushes to remote %q, which the repository of %s does not have: add it with git remote add %s URL, or set state.remote in calendar.yaml: %w",
			g.remoteName(), g.dir(), g.remoteName(), errNoRemote)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the state remote %q: %w", g.remoteName(), err)
	}
	return repo, remote, nil
}

// fetch brings the state branch into the remote-tracking ref and returns its commit, or the zero
// hash when the remote has no state branch yet.
func (g *Git) fetch(repo *git.Repository, remote *git.Remote) (plumbing.Hash, error) {
	spec := config.RefSpec(fmt.Sprintf("+%s:%s", g.branchRef(), g.trackingRef()))
	err := remote.Fetch(&git.FetchOptions{RemoteName: g.remoteName(), RefSpecs: []config.RefSpec{spec}, Auth: g.Auth, Tags: git.NoTags})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
	case errors.Is(err, git.NoMatchingRefSpecError{}), errors.Is(err, transport.ErrEmptyRemoteRepository):
		// No state branch yet. A remote-tracking ref left from a branch deleted since is stale.
		_ = repo.Storer.RemoveReference(g.trackingRef())
		return plumbing.ZeroHash, nil
	default:
		return plumbing.ZeroHash, fmt.Errorf("fetch the state branch %s from %s: %w", g.branch(), g.remoteName(), err)
	}
	ref, err := repo.Storer.Reference(g.trackingRef())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch the state branch %s from %s: %s: %w", g.branch(), g.remoteName(), g.trackingRef(), err)
	}
	return ref.Hash(), nil
}

// readAt reads the state file in commit tip; exists is false when there is none.
func (g *Git) readAt(repo *git.Repository, tip plumbing.Hash) (s *State, exists bool, err error) {
	if tip.IsZero() {
		return New(), false, nil
	}
	commit, err := repo.CommitObject(tip)
	if err != nil {
		return nil, false, fmt.Errorf("read the state branch %s at %s: %w", g.branch(), tip, err)
	}
	file, err := commit.File(g.path())
	if errors.Is(err, object.ErrFileNotFound) {
		return New(), false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", g, tip, err)
	}
	if !file.Mode.IsFile() || file.Mode == filemode.Symlink {
		return nil, false, &CorruptError{Path: g.String(), Msg: "it is not a regular file"}
	}
	r, err := file.Reader()
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", g, tip, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", g, tip, err)
	}
	s, err = Decode(g.String(), data)
	return s, true, err
}

// sync fetches and reads the state, and remembers the commit it was read from.
func (g *Git) sync(repo *git.Repository, remote *git.Remote) (*State, error) {
	g.known = false
	tip, err := g.fetch(repo, remote)
	if err != nil {
		return nil, err
	}
	s, exists, err := g.readAt(repo, tip)
	if err != nil {
		return nil, err
	}
	// Without a state file, the lineage of the New() returned is the one a first Write keeps.
	g.known, g.tip, g.exists, g.serial, g.lineage = true, tip, exists, s.Serial, s.Lineage
	return s, nil
}

// Read fetches the state branch and returns the state in it: New() with serial 0 when the remote
// has no state branch (or the branch no state file) yet, a *CorruptError when the file cannot be
// trusted and a *VersionError when a newer postctl wrote it. Write compares with what Read saw.
//
// A repository without the remote yet (a calendar just made with postctl init, not pushed) has
// no state anywhere: Read returns New(), so that plan works, and Write fails with how to add the
// remote, before apply makes any call.
func (g *Git) Read() (*State, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, remote, err := g.open()
	if errors.Is(err, errNoRemote) {
		return New(), nil
	}
	if err != nil {
		return nil, err
	}
	return g.sync(repo, remote)
}

// errNoRemote is the repository lacking the state's remote.
var errNoRemote = errors.New("no such remote")

// Write commits s, at serial expect+1, on top of the commit Read saw and pushes it without force.
// It returns ErrConflict when that commit was not at serial expect, or when another run pushed to
// the state branch since: nothing is written then, and running again is safe.
func (g *Git) Write(s *State, expect uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	repo, remote, err := g.open()
	if err != nil {
		return err
	}
	if !g.known {
		if _, err := g.sync(repo, remote); err != nil {
			return err
		}
	}
	if g.serial != expect {
		return fmt.Errorf("%s is at serial %d, not %d: another run wrote it since it was read: %w", g, g.serial, expect, ErrConflict)
	}
	if s.Lineage == "" {
		s.Lineage = g.lineage
		if s.Lineage == "" {
			s.Lineage = newLineage()
		}
	} else if g.exists && s.Lineage != g.lineage {
		return fmt.Errorf("%s has lineage %s, not %s: it was replaced by another state since it was read: %w", g, g.lineage, s.Lineage, ErrConflict)
	}
	if s.Publications == nil {
		s.Publications = map[string]*Publication{}
	}
	oldVersion, oldSerial := s.Version, s.Serial
	s.Version, s.Serial = Version, expect+1
	if err := g.write(repo, remote, s); err != nil {
		s.Version, s.Serial = oldVersion, oldSerial
		return err
	}
	return nil
}

func (g *Git) write(repo *git.Repository, remote *git.Remote, s *State) error {
	if err := s.check(); err != nil {
		return fmt.Errorf("refusing to write an invalid state to %s: %w", g, err)
	}
	data, err := Encode(s)
	if err != nil {
		return err
	}
	commit, err := g.commit(repo.Storer, data, s.Serial)
	if err != nil {
		return fmt.Errorf("commit the state to %s: %w", g.branch(), err)
	}
	if err := g.push(remote, commit); err != nil {
		g.known = false
		return err
	}
	// The remote has the commit: record it as the remote-tracking ref git itself would update.
	if err := repo.Storer.SetReference(plumbing.NewHashReference(g.trackingRef(), commit)); err != nil {
		g.known = false
		return fmt.Errorf("the state was pushed to %s as %s, but the remote-tracking ref %s cannot be updated: %w", g.remoteName(), commit, g.trackingRef(), err)
	}
	g.known, g.tip, g.exists, g.serial, g.lineage = true, commit, true, s.Serial, s.Lineage
	return nil
}

// commit writes the blob, trees and commit of a new state into the repository's object store: the
// tree of the commit read with the state file replaced, or a root commit when there was none.
func (g *Git) commit(st storer.EncodedObjectStorer, data []byte, serial uint64) (plumbing.Hash, error) {
	blob := st.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, err := blob.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	blobHash, err := st.SetEncodedObject(blob)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var base *object.Tree
	var parents []plumbing.Hash
	if !g.tip.IsZero() {
		parent, err := object.GetCommit(st, g.tip)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if base, err = parent.Tree(); err != nil {
			return plumbing.ZeroHash, err
		}
		parents = []plumbing.Hash{g.tip}
	}
	tree, err := putFile(st, base, strings.Split(g.path(), "/"), blobHash)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := object.Signature{Name: "postctl", Email: "postctl@localhost", When: time.Now()}
	msg := fmt.Sprintf("postctl: state serial %d", serial)
	if g.operation != "" {
		msg += " (" + g.operation + ")"
	}
	// A random id makes every write's commit unique: two runs writing the same state at the same
	// second must not make the same commit, or both would see their push succeed.
	msg += "\n\n"
	if g.who != "" {
		msg += "By: " + g.who + "\n"
	}
	msg += "Write-ID: " + randomHex(8) + "\n"
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: parents}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// putFile writes the tree base (nil: empty) with the blob at the path parts, and the trees above it.
func putFile(st storer.EncodedObjectStorer, base *object.Tree, parts []string, blob plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if base != nil {
		entries = append(entries, base.Entries...)
	}
	name := parts[0]
	i := slicesIndex(entries, name)
	entry := object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob}
	if len(parts) > 1 {
		var sub *object.Tree
		if i >= 0 && entries[i].Mode == filemode.Dir {
			var err error
			if sub, err = object.GetTree(st, entries[i].Hash); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		h, err := putFile(st, sub, parts[1:], blob)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	}
	if i >= 0 {
		entries[i] = entry
	} else {
		entries = append(entries, entry)
	}
	// Git's order: by name, a tree's name as if it ended in a slash.
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(a, b int) bool { return key(entries[a]) < key(entries[b]) })
	obj := st.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

func slicesIndex(entries []object.TreeEntry, name string) int {
	for i, e := range entries {
		if e.Name == name {
			return i
		}
	}
	return -1
}

// push pushes commit to the state branch without force, and only while the remote's branch is
// still at the commit the state was read from. A rejection because the branch moved is ErrConflict.
func (g *Git) push(remote *git.Remote, commit plumbing.Hash) error {
	opts := &git.PushOptions{
		RemoteName: g.remoteName(),
		RefSpecs:   []config.RefSpec{config.RefSpec(commit.String() + ":" + g.branchRef().String())},
		Auth:       g.Auth,
	}
	if !g.tip.IsZero() {
		opts.RequireRemoteRefs = []config.RefSpec{config.RefSpec(g.tip.String() + ":" + g.branchRef().String())}
	}
	err := remote.Push(opts)
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	// What the remote's branch is at now says what happened, whatever the error was.
	now, lerr := g.remoteTip(remote)
	switch {
	case lerr != nil:
		return fmt.Errorf("push the state to %s %s: %w", g.remoteName(), g.branch(), err)
	case now == commit:
		return nil // pushed after all: the error came after the update
	case now != g.tip:
		var moved string
		switch {
		case now.IsZero():
			moved = "was deleted"
		case g.tip.IsZero():
			moved = "was created (at " + short(now) + ")"
		default:
			moved = "moved from " + short(g.tip) + " to " + short(now)
		}
		return fmt.Errorf("%s on %s %s since it was read: another run wrote the state first (%v): %w", g, g.remoteName(), moved, err, ErrConflict)
	}
	return fmt.Errorf("push the state to %s %s: %w", g.remoteName(), g.branch(), err)
}

// remoteTip lists the remote's state branch: its commit, or zero when there is none.
func (g *Git) remoteTip(remote *git.Remote) (plumbing.Hash, error) {
	refs, err := remote.List(&git.ListOptions{Auth: g.Auth})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	for _, r := range refs {
		if r.Name() == g.branchRef() && r.Type() == plumbing.HashReference {
			return r.Hash(), nil
		}
	}
	return plumbing.ZeroHash, nil
}

func short(h plumbing.Hash) string { return h.String()[:7] }

// Lock returns a lock that holds nothing: with the git backend the push is the compare-and-swap,
// so two runs are kept apart by Write, not by a lock. info.Operation names the commits written.
func (g *Git) Lock(info LockInfo) (*Lock, error) {
	g.mu.Lock()
	g.operation, g.who = info.Operation, info.Who
	g.mu.Unlock()
	return NoLock(info), nil
}

// LockHolder returns nil: the git backend has no lock.
func (g *Git) LockHolder() (*LockInfo, error) { return nil, nil }

// ForceUnlock says there is nothing to unlock.
func (g *Git) ForceUnlock(id string) error {
	return fmt.Errorf("the git state backend has no lock to release: runs are kept apart by the push of the state branch %s, which fails when another run pushed first", g.branch())
}

// validGitPath checks a path in the state branch.
func validGitPath(p string) (string, bool) {
	clean := path.Clean(p)
	if p == "" || clean == "." || strings.HasPrefix(clean, "/") || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(p, `\`) {
		return "", false
	}
	for _, part := range strings.Split(clean, "/") {
		if part == ".git" {
			return "", false
		}
	}
	return clean, true
}
