package calendar

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrEscapes means a path leads outside the repository through a symbolic link.
var ErrEscapes = errors.New("path escapes from the repository")

// GitFS returns the tree of a revision (branch, tag, commit) as a read-only fs.FS, read straight
// from the object store without a checkout, so review and CI can load any side of a change.
func GitFS(repo *git.Repository, rev string) (fs.FS, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("resolve %q: %w", rev, err)
	}
	commit, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	return CommitFS(repo, commit)
}

// CommitFS returns a commit's tree as a read-only fs.FS.
func CommitFS(repo *git.Repository, commit *object.Commit) (fs.FS, error) {
	tree, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", commit.Hash, err)
	}
	return &treeFS{repo: repo, root: tree, mtime: commit.Committer.When}, nil
}

type treeFS struct {
	repo  *git.Repository
	root  *object.Tree
	mtime time.Time
}

const maxLinkHops = 8

// resolve walks name through the tree, following symbolic links that stay inside it.
func (t *treeFS) resolve(name string, hops int) (object.TreeEntry, *object.Tree, error) {
	if name == "." {
		return object.TreeEntry{Name: ".", Mode: filemode.Dir, Hash: t.root.Hash}, t.root, nil
	}
	parts := strings.Split(name, "/")
	cur := t.root
	for i, part := range parts {
		entry, ok := findEntry(cur, part)
		if !ok {
			return object.TreeEntry{}, nil, fs.ErrNotExist
		}
		if entry.Mode == filemode.Symlink {
			if hops >= maxLinkHops {
				return object.TreeEntry{}, nil, errors.New("too many levels of symbolic links")
			}
			target, err := t.blobString(entry.Hash)
			if err != nil {
				return object.TreeEntry{}, nil, err
			}
			if path.IsAbs(target) {
				return object.TreeEntry{}, nil, ErrEscapes
			}
			joined := path.Join(path.Join(parts[:i]...), target)
			if joined == ".." || strings.HasPrefix(joined, "../") {
				return object.TreeEntry{}, nil, ErrEscapes
			}
			rest := append([]string{joined}, parts[i+1:]...)
			return t.resolve(path.Join(rest...), hops+1)
		}
		if i == len(parts)-1 {
			if entry.Mode == filemode.Dir {
				sub, err := t.repo.TreeObject(entry.Hash)
				return entry, sub, err
			}
			return entry, nil, nil
		}
		if entry.Mode != filemode.Dir {
			return object.TreeEntry{}, nil, fs.ErrNotExist
		}
		sub, err := t.repo.TreeObject(entry.Hash)
		if err != nil {
			return object.TreeEntry{}, nil, err
		}
		cur = sub
	}
	return object.TreeEntry{}, nil, fs.ErrNotExist
}

func findEntry(tree *object.Tree, name string) (object.TreeEntry, bool) {
	// Git sorts entries by name (directories as if they ended in '/'), so a binary search is not
	// safe with that twist; trees are small enough to scan.
	for _, e := range tree.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return object.TreeEntry{}, false
}

func (t *treeFS) blobString(h plumbing.Hash) (string, error) {
	b, err := t.repo.BlobObject(h)
	if err != nil {
		return "", err
	}
	r, err := b.Reader()
	if err != nil {
		return "", err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 4096))
	return string(data), err
}

func (t *treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	entry, dir, err := t.resolve(name, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	info := &entryInfo{name: path.Base(name), mode: entry.Mode, mtime: t.mtime}
	if dir != nil {
		return &treeDir{fs: t, tree: dir, info: info}, nil
	}
	blob, err := t.repo.BlobObject(entry.Hash)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	info.size = blob.Size
	return &blobFile{ReadCloser: r, info: info}, nil
}

type entryInfo struct {
	name  string
	size  int64
	mode  filemode.FileMode
	mtime time.Time
}

func (i *entryInfo) Name() string       { return i.name }
func (i *entryInfo) Size() int64        { return i.size }
func (i *entryInfo) ModTime() time.Time { return i.mtime }
func (i *entryInfo) IsDir() bool        { return i.mode == filemode.Dir }
func (i *entryInfo) Sys() any           { return nil }
func (i *entryInfo) Mode() fs.FileMode {
	switch i.mode {
	case filemode.Dir:
		return fs.ModeDir | 0o555
	case filemode.Symlink:
		return fs.ModeSymlink | 0o444
	case filemode.Executable:
		return 0o555
	}
	return 0o444
}

type blobFile struct {
	io.ReadCloser
	info *entryInfo
}

func (f *blobFile) Stat() (fs.FileInfo, error) { return f.info, nil }

type treeDir struct {
	fs     *treeFS
	tree   *object.Tree
	info   *entryInfo
	offset int
}

func (d *treeDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *treeDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *treeDir) Close() error { return nil }

func (d *treeDir) ReadDir(n int) ([]fs.DirEntry, error) {
	entries := d.tree.Entries[d.offset:]
	if n > 0 && len(entries) > n {
		entries = entries[:n]
	}
	if n > 0 && len(entries) == 0 {
		return nil, io.EOF
	}
	out := make([]fs.DirEntry, 0, len(entries))
	for _, e := range entries {
		info := &entryInfo{name: e.Name, mode: e.Mode, mtime: d.fs.mtime}
		if e.Mode.IsFile() {
			// An entry's Info must agree with Stat of the opened file (fs.DirEntry); the size is in
			// the object's header, so the content is not read.
			if size, err := d.fs.repo.Storer.EncodedObjectSize(e.Hash); err == nil {
				info.size = size
			}
		}
		out = append(out, fs.FileInfoToDirEntry(info))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	d.offset += len(entries)
	return out, nil
}
