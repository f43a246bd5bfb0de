package calendar

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/postctl/postctl/schema"
)

// KindOf says which kind of calendar file path (slash-separated, relative to the calendar root) is,
// by the rules Load discovers files with: the root files, posts/**/*.yaml, and playbooks/*.yaml and
// replies/*.yaml (flat). Hidden files and directories below posts/, playbooks/ and replies/ are not
// calendar files. ok is false for anything else (media, README.md).
func KindOf(p string) (kind schema.Kind, ok bool) {
	if k, root := rootFiles[p]; root {
		return k, true
	}
	ext := path.Ext(p)
	if ext != ".yaml" && ext != ".yml" {
		return "", false
	}
	parts := strings.Split(p, "/")
	if len(parts) < 2 {
		return "", false
	}
	for _, part := range parts[1:] {
		if strings.HasPrefix(part, ".") {
			return "", false
		}
	}
	switch parts[0] {
	case "posts":
		return schema.Post, true
	case "playbooks":
		return schema.Playbook, len(parts) == 2
	case "replies":
		return schema.Reply, len(parts) == 2
	}
	return "", false
}

// RootFiles lists the calendar's files at its root (calendar.yaml, strategy.yaml, voice.yaml,
// crisis.yaml), sorted.
func RootFiles() []string {
	out := make([]string, 0, len(rootFiles))
	for name := range rootFiles {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// LoadFiles is Load restricted to some of the calendar's files: the root files that exist and the
// given paths (posts, playbooks, replies; others and missing files are skipped). It parses and checks
// them as Load does, so a review reads the few files a change touched without the whole calendar.
// Checks across files see only the loaded files: a duplicate post id in a file not loaded goes
// unnoticed. Media files are looked up in fsys as usual.
func LoadFiles(fsys fs.FS, paths []string) (*Calendar, Findings, error) {
	if _, err := fs.Stat(fsys, "calendar.yaml"); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w: no calendar.yaml (run `postctl init` to create one)", ErrNotCalendar)
		}
		return nil, nil, fmt.Errorf("read calendar.yaml: %w", err)
	}
	var list []discovered
	seen := map[string]bool{}
	for _, name := range RootFiles() {
		if _, err := fs.Stat(fsys, name); err == nil {
			list = append(list, discovered{name, rootFiles[name]})
			seen[name] = true
		}
	}
	rest := append([]string(nil), paths...)
	sort.Strings(rest)
	for _, p := range rest {
		kind, ok := KindOf(p)
		if !ok || seen[p] {
			continue
		}
		seen[p] = true
		if _, root := rootFiles[p]; root {
			continue // listed above when it exists
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			continue
		}
		list = append(list, discovered{p, kind})
	}
	results, findings := parseAll(fsys, func(emit func(discovered)) Findings {
		for _, d := range list {
			emit(d)
		}
		return nil
	})
	c, findings := assemble(fsys, results, findings)
	return c, findings, nil
}
