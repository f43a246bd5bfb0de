package crisis

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// File is the active crisis's file, at the top of the calendar directory.
const File = "crisis.yaml"

// Modeline starts crisis.yaml, like every calendar file: editors find its schema in the
// calendar's schemas/ directory, where calendar.yaml's modeline points too.
const Modeline = "# yaml-language-server: $schema=schemas/crisis.schema.json"

// ErrActive says crisis.yaml already exists: one crisis at a time.
var ErrActive = errors.New("a crisis is already active")

// Activation is what crisis.yaml records.
type Activation struct {
	Playbook string
	At       time.Time // written in its own zone (the calendar's), to the second
	Reason   string
	By       string // empty: left out
}

// crisisDoc is crisis.yaml in the order people read it.
type crisisDoc struct {
	Playbook    string `yaml:"playbook"`
	ActivatedAt string `yaml:"activated_at"`
	Reason      string `yaml:"reason"`
	By          string `yaml:"by,omitempty"`
}

// Marshal writes crisis.yaml: the modeline, then playbook, activated_at (RFC 3339 with the
// offset of At's zone, whole seconds), reason and by. yaml.v3 picks each scalar's style, so any
// reason (quotes, colons, '#', line breaks, leading spaces) reads back exactly.
func Marshal(a Activation) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Modeline + "\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	doc := crisisDoc{Playbook: a.Playbook, ActivatedAt: a.At.Truncate(time.Second).Format(time.RFC3339), Reason: a.Reason, By: a.By}
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode %s: %w", File, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode %s: %w", File, err)
	}
	return b.Bytes(), nil
}

// Write writes crisis.yaml into the calendar directory dir atomically (a temporary file, fsync,
// rename, fsync of the directory), through os.Root so that nothing outside dir is touched even
// when crisis.yaml is a symbolic link. It fails with ErrActive when crisis.yaml exists.
func Write(dir string, a Activation) error {
	data, err := Marshal(a)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open the calendar directory: %w", err)
	}
	defer root.Close()
	if _, err := root.Lstat(File); err == nil {
		return fmt.Errorf("%s exists: %w", File, ErrActive)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: %w", File, err)
	}
	tmp := "." + File + "." + randomSuffix()
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", File, err)
	}
	defer root.Remove(tmp) // after the rename there is nothing left to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", File, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", File, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", File, err)
	}
	// Checked again: another activation may have written it meanwhile, and rename replaces.
	if _, err := root.Lstat(File); err == nil {
		return fmt.Errorf("%s exists: %w", File, ErrActive)
	}
	if err := root.Rename(tmp, File); err != nil {
		return fmt.Errorf("write %s: %w", File, err)
	}
	return syncDir(root)
}

// Remove deletes crisis.yaml from the calendar directory dir and makes the removal durable. It
// fails with an error wrapping fs.ErrNotExist when there is none.
func Remove(dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open the calendar directory: %w", err)
	}
	defer root.Close()
	if err := root.Remove(File); err != nil {
		return fmt.Errorf("remove %s: %w", File, err)
	}
	return syncDir(root)
}

// syncDir makes a rename or removal in root survive a crash.
func syncDir(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return nil // best effort: the change itself is done
	}
	defer d.Close()
	_ = d.Sync() // some file systems cannot sync a directory; the change is done either way
	return nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CleanReason is a reason as crisis.yaml keeps it: without surrounding blank space, and empty
// when there is nothing else.
func CleanReason(s string) string { return strings.TrimSpace(s) }
