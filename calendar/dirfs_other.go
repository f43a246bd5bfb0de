//go:build !linux

package calendar

import "io/fs"

// readFast is the Linux fast path; elsewhere every read goes through os.Root.
func (d *DirFS) readFast(name string, limit int) ([]byte, bool) { return nil, false }

func (d *DirFS) readDirFast(name string) ([]fs.DirEntry, bool) { return nil, false }
