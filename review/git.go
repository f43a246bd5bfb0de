package review

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/postctl/postctl/calendar"
)

// ErrNotRepository means the calendar directory is not inside a git repository.
var ErrNotRepository = errors.New("not a git repository")

// RevisionError is a revision (branch, tag, commit) that does not resolve.
type RevisionError struct {
	Rev string
	Err error
}

func (e *RevisionError) Error() string {
	return fmt.Sprintf("unknown revision %q: no branch, tag or commit by that name (fetch it first in a shallow CI clone)", e.Rev)
}

func (e *RevisionError) Unwrap() error { return e.Err }

// fileChange is one calendar file that differs between the merge base and the head.
type fileChange struct {
	path     string
	base     plumbing.Hash // zero when the file is not at the merge base
	head     plumbing.Hash // zero when the file is not at the head
	headKnow bool          // head hash computed (false: working tree file read but not hashed)
}

// repoInfo is the opened repository and where the calendar is in it.
type repoInfo struct {
	repo   *git.Repository
	root   string // the work tree's directory
	prefix string // the calendar directory, slash-separated, relative to root; "" at the root
}

func openRepo(dir string) (*repoInfo, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("%w: %s (review compares git revisions; run it inside a clone)", ErrNotRepository, dir)
		}
		return nil, fmt.Errorf("open the git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open the work tree of %s: %w", dir, err)
	}
	root, err := canonical(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	abs, err := canonical(dir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside the repository at %s", dir, root)
	}
	prefix := filepath.ToSlash(rel)
	if prefix == "." {
		prefix = ""
	}
	return &repoInfo{repo: repo, root: root, prefix: prefix}, nil
}

func canonical(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

func (r *repoInfo) commit(rev string) (*object.Commit, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, &RevisionError{Rev: rev, Err: err}
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		return nil, &RevisionError{Rev: rev, Err: err}
	}
	return c, nil
}

// calendarTree is the commit's tree of the calendar directory; nil when it has none.
func (r *repoInfo) calendarTree(c *object.Commit) (*object.Tree, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read the tree of %s: %w", c.Hash, err)
	}
	if r.prefix == "" {
		return t, nil
	}
	sub, err := t.Tree(r.prefix)
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", r.prefix, c.Hash, err)
	}
	return sub, nil
}

// treeFS is the calendar directory of a commit as a file system.
func (r *repoInfo) treeFS(c *object.Commit) (fs.FS, error) {
	fsys, err := calendar.CommitFS(r.repo, c)
	if err != nil {
		return nil, err
	}
	if r.prefix == "" {
		return fsys, nil
	}
	return fs.Sub(fsys, r.prefix)
}

// diffTrees lists the calendar files that differ between two trees, reading only the subtrees
// whose hashes differ.
func diffTrees(a, b *object.Tree) (map[string]*fileChange, int, error) {
	changes, err := object.DiffTree(a, b)
	if err != nil {
		return nil, 0, fmt.Errorf("compare trees: %w", err)
	}
	out := map[string]*fileChange{}
	other := 0
	get := func(p string) *fileChange {
		c := out[p]
		if c == nil {
			c = &fileChange{path: p, headKnow: true}
			out[p] = c
		}
		return c
	}
	for _, ch := range changes {
		from, to := ch.From.Name, ch.To.Name
		if from != "" {
			if _, ok := calendar.KindOf(from); ok && ch.From.TreeEntry.Mode.IsFile() {
				get(from).base = ch.From.TreeEntry.Hash
			} else if !ok {
				other++
			}
		}
		if to != "" {
			if _, ok := calendar.KindOf(to); ok && ch.To.TreeEntry.Mode.IsFile() {
				get(to).head = ch.To.TreeEntry.Hash
			} else if !ok && from == "" {
				other++
			}
		}
	}
	return out, other, nil
}

// treeFiles lists the calendar files of a tree with their blob hashes, reading tree objects only.
// skip, when set, prunes directories (by path) that need not be read.
func treeFiles(repo *git.Repository, t *object.Tree, skip func(dir string) bool) (map[string]plumbing.Hash, error) {
	out := map[string]plumbing.Hash{}
	if t == nil {
		return out, nil
	}
	var walk func(t *object.Tree, dir string) error
	walk = func(t *object.Tree, dir string) error {
		for _, e := range t.Entries {
			p := path.Join(dir, e.Name)
			if e.Mode == filemode.Dir {
				if dir == "" && e.Name != "posts" && e.Name != "playbooks" && e.Name != "replies" {
					continue
				}
				if skip != nil && skip(p) {
					continue
				}
				sub, err := repo.TreeObject(e.Hash)
				if err != nil {
					return err
				}
				if err := walk(sub, p); err != nil {
					return err
				}
				continue
			}
			if _, ok := calendar.KindOf(p); ok && e.Mode.IsFile() {
				out[p] = e.Hash
			}
		}
		return nil
	}
	return out, walk(t, "")
}

// worktreeHashes lists the calendar files of the work tree with their blob hashes, hashing a
// file only when the index's stat data cannot vouch for it.
func (r *repoInfo) worktreeHashes() (map[string]plumbing.Hash, error) {
	byName := map[string]*index.Entry{}
	var indexTime int64
	if st, ok := r.repo.Storer.(*filesystem.Storage); ok {
		if idx, err := r.repo.Storer.Index(); err == nil {
			for _, e := range idx.Entries {
				if e.Stage == 0 && !e.IntentToAdd && !e.SkipWorktree {
					byName[e.Name] = e
				}
			}
			if info, err := st.Filesystem().Stat("index"); err == nil {
				indexTime = info.ModTime().UnixNano()
			}
		}
	}
	base := filepath.Join(r.root, filepath.FromSlash(r.prefix))
	files := map[string]plumbing.Hash{}
	hashOf := func(rel string, info fs.FileInfo) (plumbing.Hash, error) {
		full := filepath.Join(base, filepath.FromSlash(rel))
		if e := byName[path.Join(r.prefix, rel)]; e != nil && info.Mode().IsRegular() &&
			int64(e.Size) == info.Size() && e.ModifiedAt.UnixNano() == info.ModTime().UnixNano() &&
			info.ModTime().UnixNano() < indexTime {
			return e.Hash, nil // the index saw this very file; it was not changed since (not racy)
		}
		var data []byte
		var err error
		if info.Mode()&fs.ModeSymlink != 0 {
			var target string
			target, err = os.Readlink(full)
			data = []byte(filepath.ToSlash(target))
		} else {
			data, err = os.ReadFile(full)
		}
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return plumbing.ComputeHash(plumbing.BlobObject, data), nil
	}
	add := func(rel string, info fs.FileInfo) error {
		if _, ok := calendar.KindOf(rel); !ok || info.IsDir() {
			return nil
		}
		h, err := hashOf(rel, info)
		if err != nil {
			return err
		}
		files[rel] = h
		return nil
	}
	for _, name := range calendar.RootFiles() {
		if info, err := os.Lstat(filepath.Join(base, name)); err == nil {
			if err := add(name, info); err != nil {
				return nil, err
			}
		}
	}
	for _, dir := range []string{"posts", "playbooks", "replies"} {
		err := filepath.WalkDir(filepath.Join(base, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			rel, _ := filepath.Rel(base, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel != dir && (strings.HasPrefix(d.Name(), ".") || dir != "posts") {
					return fs.SkipDir
				}
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return add(rel, info)
		})
		if err != nil {
			return nil, fmt.Errorf("read the work tree: %w", err)
		}
	}
	return files, nil
}
