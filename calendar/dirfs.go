package calendar

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"
)

// DirFS is a calendar directory on disk, read through os.Root so that no read leaves it, not even
// through a symbolic link: in CI the files come from a pull request, and a post linked to
// /proc/self/environ must not have its contents echoed into public annotations.
//
// os.Root resolves every path component anew on each open; a calendar has thousands of files in a
// few directories, so each directory is opened once and files are opened relative to it.
type DirFS struct {
	root *os.Root
	mu   sync.Mutex
	dirs map[string]*os.Root

	dirFiles map[string]*os.File // directories opened for readFast (Linux)
}

// OpenDir opens dir as a calendar file system. Close it when done.
func OpenDir(dir string) (*DirFS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &DirFS{root: root, dirs: map[string]*os.Root{".": root}}, nil
}

// Close releases the directory handles.
func (d *DirFS) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, r := range d.dirs {
		if name != "." {
			r.Close()
		}
	}
	for _, f := range d.dirFiles {
		f.Close()
	}
	d.dirs, d.dirFiles = nil, nil
	return d.root.Close()
}

// dir returns the root opened at name, opening it once.
func (d *DirFS) dir(name string) (*os.Root, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.dirs[name]; ok {
		return r, nil
	}
	r, err := d.root.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	d.dirs[name] = r
	return r, nil
}

// split returns the directory root holding name and name's base, or the top root and the full
// name when the directory cannot be opened on its own (the top root then reports the error).
func (d *DirFS) split(name string) (*os.Root, string) {
	dir, base := path.Split(name)
	if dir == "" {
		return d.root, name
	}
	r, err := d.dir(path.Clean(dir))
	if err != nil {
		return d.root, name
	}
	return r, base
}

func (d *DirFS) Open(name string) (fs.File, error) {
	return inRoot(d, "open", name, func(r *os.Root, n string) (fs.File, error) { return r.Open(n) })
}

func (d *DirFS) Stat(name string) (fs.FileInfo, error) {
	return inRoot(d, "stat", name, func(r *os.Root, n string) (fs.FileInfo, error) { return r.Stat(n) })
}

// inRoot runs op on name through the handle of name's directory. When that fails for any reason but
// absence, the top root decides: a link may leave its directory yet stay inside the calendar.
func inRoot[T any](d *DirFS, op, name string, call func(*os.Root, string) (T, error)) (T, error) {
	var zero T
	if !fs.ValidPath(name) {
		return zero, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	r, base := d.root, name
	if name != "." {
		r, base = d.split(name)
	}
	v, err := call(r, base)
	if err != nil && r != d.root && !errors.Is(err, fs.ErrNotExist) {
		v, err = call(d.root, name)
	}
	if err != nil {
		return zero, renamePathError(err, name)
	}
	return v, nil
}

func (d *DirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if fs.ValidPath(name) {
		if entries, ok := d.readDirFast(name); ok {
			return entries, nil
		}
	}
	return fs.ReadDir(d.root.FS(), name)
}

// ReadFile reads a whole file; callers that must bound memory use Open and a limited reader.
func (d *DirFS) ReadFile(name string) ([]byte, error) {
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// renamePathError reports the caller's path, not the base name it was opened by.
func renamePathError(err error, name string) error {
	if pe, ok := err.(*fs.PathError); ok {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

// ReadLink and Lstat let checks name a link's target ("a link to x.png, which does not exist").
func (d *DirFS) ReadLink(name string) (string, error) {
	return fs.ReadLink(d.root.FS(), name)
}

func (d *DirFS) Lstat(name string) (fs.FileInfo, error) {
	return fs.Lstat(d.root.FS(), name)
}
