package calendar

import (
	"fmt"
	"sort"
)

// Level is how much a finding matters. Errors make a calendar invalid; warnings and suggestions
// never fail a run unless --strict.
type Level int

const (
	Error Level = iota
	Warning
	Suggestion
)

func (l Level) String() string {
	switch l {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "suggestion"
}

// ParseLevel reads a level as written in voice.yaml.
func ParseLevel(s string) (Level, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "suggestion":
		return Suggestion, nil
	}
	return Error, fmt.Errorf("unknown level %q", s)
}

// Finding is one problem in the calendar, placed in a file. Line and Col are 1-based; 0 means the
// finding is about the file as a whole (for example a file that is missing).
type Finding struct {
	File    string
	Line    int
	Col     int
	Rule    string
	Level   Level
	Message string
	Fix     string // a suggested fix, when the rule has one
}

// Findings are all the problems of a run, collected rather than stopping at the first.
type Findings []Finding

// Sort orders findings by file, line, column, then level, for stable output.
func (fs Findings) Sort() {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Level < b.Level
	})
}

// Count returns how many findings have the level.
func (fs Findings) Count(l Level) int {
	n := 0
	for _, f := range fs {
		if f.Level == l {
			n++
		}
	}
	return n
}

// Failed says whether the findings make the run fail: any error, or with strict any warning.
func (fs Findings) Failed(strict bool) bool {
	for _, f := range fs {
		if f.Level == Error || (strict && f.Level == Warning) {
			return true
		}
	}
	return false
}

// Files returns how many distinct files have findings.
func (fs Findings) Files() int {
	seen := map[string]bool{}
	for _, f := range fs {
		seen[f.File] = true
	}
	return len(seen)
}
