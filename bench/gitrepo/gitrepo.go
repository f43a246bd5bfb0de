// Package gitrepo writes the git repository that review is benchmarked on: a bench/calgen
// calendar of N posts committed once, then commits-1 commits on main that each edit one post; the
// branch feature leaves main ten commits before its tip and changes three posts, adds one and
// removes one; the branch crisis, on top of feature, activates a crisis. Objects are written
// straight into go-git's store, so 2,000 commits of 10,000 posts take seconds.
// review/bench_test.go benchmarks it; bench/gitgen writes it for bench/run.
package gitrepo

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/postctl/postctl/bench/calgen"
)

// Build writes the repository into dir (a new or empty directory) and returns how many posts it
// holds.
func Build(dir string, posts, commits int) (n int, err error) {
	if commits < 20 {
		return 0, fmt.Errorf("commits %d: the branches need at least 20", commits)
	}
	defer func() {
		if r := recover(); r != nil {
			be, ok := r.(buildError)
			if !ok {
				panic(r)
			}
			err = be.err
		}
	}()
	return build(dir, posts, commits), nil
}

// buildError carries a failure out of the builder's closures to Build.
type buildError struct{ err error }

func fatal(err error) { panic(buildError{err}) }

// memTree is a directory being built: files by name (blob hashes) and subdirectories.
type memTree struct {
	files map[string]plumbing.Hash
	dirs  map[string]*memTree
	hash  plumbing.Hash // zero when changed since written
}

func newMemTree() *memTree {
	return &memTree{files: map[string]plumbing.Hash{}, dirs: map[string]*memTree{}}
}

func (t *memTree) set(p string, h plumbing.Hash) {
	t.hash = plumbing.ZeroHash
	dir, rest, ok := strings.Cut(p, "/")
	if !ok {
		if h.IsZero() {
			delete(t.files, p)
		} else {
			t.files[p] = h
		}
		return
	}
	sub := t.dirs[dir]
	if sub == nil {
		sub = newMemTree()
		t.dirs[dir] = sub
	}
	sub.set(rest, h)
}

// write stores the tree objects that changed and returns the root's hash.
func (t *memTree) write(s storer.EncodedObjectStorer) (plumbing.Hash, error) {
	if !t.hash.IsZero() {
		return t.hash, nil
	}
	var tree object.Tree
	for name, h := range t.files {
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	for name, sub := range t.dirs {
		h, err := sub.write(s)
		if err != nil {
			return h, err
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// Git orders entries by name, directories as if their name ended in '/'.
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(tree.Entries, func(i, j int) bool { return key(tree.Entries[i]) < key(tree.Entries[j]) })
	obj := s.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := s.SetEncodedObject(obj)
	t.hash = h
	return h, err
}

func writeBlob(s storer.EncodedObjectStorer, data []byte) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// buildBenchRepo writes a calgen calendar of posts into a new repository as one commit, then
// commits-1 more commits on main that each edit one post; the branch feature leaves main ten
// commits before its tip and changes three posts, adds one and removes one.
func build(dir string, posts, commits int) int {
	src, err := os.MkdirTemp("", "gitgen-src-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(src)
	if err := calgen.Write(src, calgen.Options{Posts: posts}); err != nil {
		fatal(err)
	}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		fatal(err)
	}
	s := repo.Storer
	root := newMemTree()
	var postPaths []string
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h, err := writeBlob(s, data)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = filepath.ToSlash(rel)
		root.set(rel, h)
		if strings.HasPrefix(rel, "posts/") {
			postPaths = append(postPaths, rel)
		}
		return nil
	})
	if err != nil {
		fatal(err)
	}
	sort.Strings(postPaths)
	when := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var parent plumbing.Hash
	commit := func(msg string) plumbing.Hash {
		th, err := root.write(s)
		if err != nil {
			fatal(err)
		}
		when = when.Add(time.Minute)
		sig := object.Signature{Name: "Ana Lima", Email: "ana@example.com", When: when}
		c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: th}
		if !parent.IsZero() {
			c.ParentHashes = []plumbing.Hash{parent}
		}
		obj := s.NewEncodedObject()
		if err := c.Encode(obj); err != nil {
			fatal(err)
		}
		h, err := s.SetEncodedObject(obj)
		if err != nil {
			fatal(err)
		}
		parent = h
		return h
	}
	// edit appends a comment to a post: a new blob, same post.
	edit := func(p string, n int) {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(p)))
		if err != nil {
			fatal(err)
		}
		data = append(data, fmt.Sprintf("# edit %d\n", n)...)
		h, err := writeBlob(s, data)
		if err != nil {
			fatal(err)
		}
		root.set(p, h)
	}
	commit("calendar")
	var branchPoint plumbing.Hash
	for i := 1; i < commits; i++ {
		if i == commits-10 {
			branchPoint = parent
		}
		edit(postPaths[(i*7919)%len(postPaths)], i)
		commit(fmt.Sprintf("edit %d", i))
	}
	mainTip := parent

	// The feature branch, from the branch point: rebuild the tree as it was there.
	bp, err := repo.CommitObject(branchPoint)
	if err != nil {
		fatal(err)
	}
	bpTree, err := bp.Tree()
	if err != nil {
		fatal(err)
	}
	root = newMemTree()
	err = bpTree.Files().ForEach(func(f *object.File) error {
		root.set(f.Name, f.Hash)
		return nil
	})
	if err != nil {
		fatal(err)
	}
	parent = branchPoint
	for i, p := range postPaths[len(postPaths)/2 : len(postPaths)/2+3] {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(p)))
		if err != nil {
			fatal(err)
		}
		data = editTitle(data, fmt.Sprintf("Edited %d", i))
		h, err := writeBlob(s, data)
		if err != nil {
			fatal(err)
		}
		root.set(p, h)
	}
	added := postPaths[len(postPaths)/2]
	data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(added)))
	if err != nil {
		fatal(err)
	}
	h, err := writeBlob(s, data)
	if err != nil {
		fatal(err)
	}
	root.set(path.Join(path.Dir(added), "zz-added-copy.yaml"), h)
	root.set(postPaths[len(postPaths)/2+10], plumbing.ZeroHash)
	feature := commit("feature")

	// The branch crisis, on top of feature, activates a crisis that pauses the social channels.
	h, err = writeBlob(s, []byte("playbook: negative-viral-post\nactivated_at: 2026-12-01T08:00:00Z\nreason: bench\nby: bench\n"))
	if err != nil {
		fatal(err)
	}
	root.set("crisis.yaml", h)
	crisis := commit("crisis")

	for name, h := range map[string]plumbing.Hash{"main": mainTip, "feature": feature, "crisis": crisis} {
		if err := s.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), h)); err != nil {
			fatal(err)
		}
	}
	return len(postPaths)
}

// editTitle sets a post's title: most generated posts have one, and a second title key would make
// the file invalid YAML for review rather than a changed post.
func editTitle(data []byte, title string) []byte {
	if titleLine.Match(data) {
		return titleLine.ReplaceAll(data, []byte("title: "+title))
	}
	return []byte(strings.Replace(string(data), "text:", "title: "+title+"\ntext:", 1))
}

var titleLine = regexp.MustCompile(`(?m)^title: .*$`)
