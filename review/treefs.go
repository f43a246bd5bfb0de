package review

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// knownFS serves the calendar files whose blob hashes the review already knows (from the tree
// diff and the head listing) straight from the object store, without walking the tree again for
// each file; everything else (media, directories) goes to the commit's fs.FS.
type knownFS struct {
	repo     *git.Repository
	fallback fs.FS
	mtime    time.Time

	mu     sync.RWMutex
	hashes map[string]plumbing.Hash
}

func newKnownFS(repo *git.Repository, fallback fs.FS, mtime time.Time) *knownFS {
	return &knownFS{repo: repo, fallback: fallback, mtime: mtime, hashes: map[string]plumbing.Hash{}}
}

func (k *knownFS) add(files map[string]plumbing.Hash) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for p, h := range files {
		if !h.IsZero() {
			k.hashes[p] = h
		}
	}
}

func (k *knownFS) lookup(name string) (plumbing.Hash, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	h, ok := k.hashes[name]
	return h, ok
}

func (k *knownFS) Open(name string) (fs.File, error) {
	h, ok := k.lookup(name)
	if !ok {
		return k.fallback.Open(name)
	}
	blob, err := k.repo.BlobObject(h)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: path.Base(name), size: int64(len(data)), mtime: k.mtime}}, nil
}

// Stat answers for known files without reading them.
func (k *knownFS) Stat(name string) (fs.FileInfo, error) {
	if _, ok := k.lookup(name); ok {
		return memInfo{name: path.Base(name), size: -1, mtime: k.mtime}, nil
	}
	return fs.Stat(k.fallback, name)
}

// ReadLink passes symbolic links (media) to the commit's file system.
func (k *knownFS) ReadLink(name string) (string, error) { return fs.ReadLink(k.fallback, name) }

// Lstat passes to the commit's file system.
func (k *knownFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(k.fallback, name) }

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name  string
	size  int64
	mtime time.Time
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return i.mtime }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
