// Package calendar loads a calendar repository (from the working tree or a git commit), decodes every
// file into a typed model that keeps positions, and checks it, returning every finding of the run.
package calendar

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/postctl/postctl/schema"
	"gopkg.in/yaml.v3"
)

// File is one loaded calendar file.
type File struct {
	Path   string // slash-separated, relative to the calendar root
	Kind   schema.Kind
	Source []byte
}

// Calendar is a loaded calendar repository. Parts whose file is missing or invalid are nil or
// empty; the findings say why.
type Calendar struct {
	Config    *Config
	Strategy  *Strategy
	Voice     *Voice
	Posts     []*Post
	Playbooks []*Playbook
	Replies   []*Reply
	Crisis    *Crisis
	Location  *time.Location
	Files     []*File

	fsys   fs.FS
	byPath map[string]*File
	broken map[schema.Kind][]string // files that could not be parsed, by kind
}

// File returns the loaded file at path, or an empty one.
func (c *Calendar) File(path string) *File {
	if f, ok := c.byPath[path]; ok {
		return f
	}
	return &File{Path: path}
}

// FS is the file system the calendar was loaded from.
func (c *Calendar) FS() fs.FS { return c.fsys }

// Channel returns the channel with the id.
func (c *Calendar) Channel(id string) (Channel, bool) {
	if c.Config == nil {
		return Channel{}, false
	}
	return c.Config.Channels.Get(id)
}

// ErrNotCalendar means the directory has no calendar.yaml.
var ErrNotCalendar = errors.New("not a calendar repository")

// Load reads and checks the calendar in fsys. The returned findings are sorted. The error is
// non-nil only when fsys holds no calendar at all (ErrNotCalendar) or cannot be read.
func Load(fsys fs.FS) (*Calendar, Findings, error) {
	if _, err := fs.Stat(fsys, "calendar.yaml"); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w: no calendar.yaml (run `postctl init` to create one)", ErrNotCalendar)
		}
		return nil, nil, fmt.Errorf("read calendar.yaml: %w", err)
	}
	results, findings := parseAll(fsys, func(emit func(discovered)) Findings { return discover(fsys, emit) })
	c, findings := assemble(fsys, results, findings)
	return c, findings, nil
}

// assemble builds the calendar from parsed files and runs the checks that span files.
func assemble(fsys fs.FS, results []parsed, findings Findings) (*Calendar, Findings) {
	c := &Calendar{fsys: fsys, byPath: make(map[string]*File, len(results)), broken: map[schema.Kind][]string{}}
	for _, r := range results {
		findings = append(findings, r.findings...)
		c.Files = append(c.Files, r.file)
		c.byPath[r.file.Path] = r.file
		if r.value == nil {
			c.broken[r.file.Kind] = append(c.broken[r.file.Kind], r.file.Path)
		}
		c.add(r)
	}
	findings = append(findings, withoutRepeats(findings, check(c))...)
	findings.Sort()
	return c, findings
}

// withoutRepeats drops cross-file findings at a position where parsing already reported a finding:
// a value the schema rejects ("1 hour" for a duration) needs saying once.
func withoutRepeats(parsed, checked Findings) Findings {
	type at struct {
		file      string
		line, col int
	}
	seen := make(map[at]bool, len(parsed))
	for _, f := range parsed {
		seen[at{f.File, f.Line, f.Col}] = true
	}
	out := checked[:0]
	for _, f := range checked {
		// 1:1 is also where findings about a whole file go (an id taken from its name): keep those.
		if !seen[at{f.File, f.Line, f.Col}] || (f.Line == 1 && f.Col == 1) {
			out = append(out, f)
		}
	}
	return out
}

type discovered struct {
	path string
	kind schema.Kind
}

var rootFiles = map[string]schema.Kind{
	"calendar.yaml": schema.Calendar,
	"strategy.yaml": schema.Strategy,
	"voice.yaml":    schema.Voice,
	"crisis.yaml":   schema.Crisis,
}

// discover lists the calendar's files: the root files, posts/** and the flat playbooks/ and replies/.
func discover(fsys fs.FS, emit func(discovered)) Findings {
	var findings Findings
	names := make([]string, 0, len(rootFiles))
	for name := range rootFiles {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := fs.Stat(fsys, name); err == nil {
			emit(discovered{name, rootFiles[name]})
		}
	}
	findings = append(findings, misnamedRootFiles(fsys, names)...)
	dirs := []struct {
		dir       string
		kind      schema.Kind
		recursive bool
	}{{"posts", schema.Post, true}, {"playbooks", schema.Playbook, false}, {"replies", schema.Reply, false}}
	for _, d := range dirs {
		err := fs.WalkDir(fsys, d.dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if p == d.dir && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipDir
				}
				findings = append(findings, Finding{File: p, Rule: "file", Level: Error, Message: "cannot read: " + plainError(err)})
				return nil
			}
			name := e.Name()
			if p != d.dir && strings.HasPrefix(name, ".") {
				if e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if e.IsDir() {
				if p != d.dir && !d.recursive {
					findings = append(findings, unreadDir(fsys, p, d.dir)...)
					return fs.SkipDir
				}
				return nil
			}
			if ext := path.Ext(name); ext == ".yaml" || ext == ".yml" {
				emit(discovered{p, d.kind})
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			findings = append(findings, Finding{File: d.dir, Rule: "file", Level: Error, Message: "cannot read: " + plainError(err)})
		}
	}
	return findings
}

// misnamedRootFiles warns about top-level YAML files whose names are near a calendar file's
// (calendar.yml, voices.yaml): postctl would silently never read them. Unrelated files stay quiet.
func misnamedRootFiles(fsys fs.FS, known []string) Findings {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil
	}
	var out Findings
	for _, e := range entries {
		name := e.Name()
		ext := path.Ext(name)
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") || rootFiles[name] != "" {
			continue
		}
		if guess := schema.Closest(strings.TrimSuffix(name, ext)+".yaml", known); guess != "" {
			out = append(out, Finding{File: name, Line: 1, Col: 1, Rule: "file", Level: Warning,
				Message: fmt.Sprintf("this file is not read: did you mean %s?", guess)})
		}
	}
	return out
}

// unreadDir warns about YAML files in a subdirectory of playbooks/ or replies/, which are read flat.
func unreadDir(fsys fs.FS, dir, parent string) Findings {
	var out Findings
	_ = fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
			out = append(out, Finding{File: p, Line: 1, Col: 1, Rule: "file", Level: Warning,
				Message: fmt.Sprintf("this file is not read: %s are read from %s/*.yaml only, not from subdirectories", parent, parent)})
		}
		return nil
	})
	return out
}

type parsed struct {
	file     *File
	value    any // *Config, *Post, ...; nil when the file is invalid
	findings Findings
}

// parseAll parses and schema-checks the files that list emits, in parallel, starting on the
// first file while the rest are still being listed. Results keep the order files were listed in.
func parseAll(fsys fs.FS, list func(emit func(discovered)) Findings) ([]parsed, Findings) {
	type job struct {
		i int
		d discovered
	}
	jobs := make(chan job, 256)
	var (
		mu      sync.Mutex
		results []parsed
		order   []int
		wg      sync.WaitGroup
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := parseFile(fsys, j.d)
				mu.Lock()
				results = append(results, r)
				order = append(order, j.i)
				mu.Unlock()
			}
		}()
	}
	n := 0
	findings := list(func(d discovered) {
		jobs <- job{n, d}
		n++
	})
	close(jobs)
	wg.Wait()
	sorted := make([]parsed, len(results))
	for k, i := range order {
		sorted[i] = results[k]
	}
	return sorted, findings
}

func parseFile(fsys fs.FS, d discovered) (res parsed) {
	res.file = &File{Path: d.path, Kind: d.kind}
	defer func() {
		// A parser bug must never crash a run or lose the other files' findings.
		if r := recover(); r != nil {
			res.value = nil
			res.findings = append(res.findings, Finding{File: d.path, Line: 1, Col: 1, Rule: "yaml", Level: Error,
				Message: fmt.Sprintf("cannot parse this file (%v)", r)})
		}
	}()
	src, err := readLimited(fsys, d.path)
	if err != nil {
		res.findings = append(res.findings, Finding{File: d.path, Line: 1, Col: 1, Rule: "file", Level: Error, Message: err.Error()})
		return res
	}
	res.file.Source = src
	doc, fnd := parseYAML(d.path, d.kind, src)
	res.findings = append(res.findings, fnd...)
	if doc == nil {
		return res
	}
	res.findings = append(res.findings, scanSecrets(d.path, d.kind, src, doc)...)
	for _, v := range schema.Validate(d.kind, doc) {
		res.findings = append(res.findings, Finding{File: d.path, Line: v.Line, Col: v.Col, Rule: ruleFor(v.Keyword), Level: Error, Message: v.Message})
	}
	res.findings = dropShadowed(res.findings)
	for _, f := range res.findings {
		if f.Rule == "yaml" {
			return res // duplicate keys, alias explosions: the structure itself is not to be trusted
		}
	}
	// Decode even when the schema found problems, so cross-file checks still report on the parts
	// that are right: every finding of a run together. A type mismatch leaves that field empty.
	value, err := decode(d, doc)
	var typeErr *yaml.TypeError
	if err != nil && !errors.As(err, &typeErr) {
		res.findings = append(res.findings, Finding{File: d.path, Line: 1, Col: 1, Rule: "schema", Level: Error, Message: plainError(err)})
		return res
	}
	res.value = value
	return res
}

func ruleFor(keyword string) string {
	if keyword == "yaml" {
		return "yaml"
	}
	return "schema"
}

// dropShadowed removes schema findings at a position where a secret finding already says more.
func dropShadowed(fs Findings) Findings {
	secretAt := map[Pos]bool{}
	for _, f := range fs {
		if f.Rule == "secret" {
			secretAt[Pos{f.Line, f.Col}] = true
		}
	}
	if len(secretAt) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if f.Rule == "schema" && secretAt[Pos{f.Line, f.Col}] {
			continue
		}
		out = append(out, f)
	}
	return out
}

func decode(d discovered, doc *yaml.Node) (any, error) {
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(d.path), ".yaml"), ".yml")
	switch d.kind {
	case schema.Calendar:
		var v Config
		return &v, doc.Decode(&v)
	case schema.Strategy:
		var v Strategy
		return &v, doc.Decode(&v)
	case schema.Voice:
		var v Voice
		err := doc.Decode(&v)
		attachRuleNodes(&v, doc)
		return &v, err
	case schema.Post:
		v := Post{File: d.path}
		err := doc.Decode(&v)
		defaultID(&v.ID, base)
		return &v, err
	case schema.Playbook:
		v := Playbook{File: d.path}
		err := doc.Decode(&v)
		defaultID(&v.ID, base)
		return &v, err
	case schema.Reply:
		v := Reply{File: d.path}
		err := doc.Decode(&v)
		defaultID(&v.ID, base)
		return &v, err
	case schema.Crisis:
		v := Crisis{File: d.path}
		return &v, doc.Decode(&v)
	}
	return nil, fmt.Errorf("unknown file kind %q", d.kind)
}

// defaultID gives a file its name as id when it sets none; the position stays unset (0:0) so
// findings about it point at the file.
func defaultID(id *String, base string) {
	if !id.Set {
		*id = String{Value: base}
	}
}

// attachRuleNodes keeps each rule's YAML node so the voice engine can point into it.
func attachRuleNodes(v *Voice, doc *yaml.Node) {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "rules" && root.Content[i+1].Kind == yaml.SequenceNode {
			for j, n := range root.Content[i+1].Content {
				if j < len(v.Rules) {
					v.Rules[j].Node = n
				}
			}
		}
	}
}

func (c *Calendar) add(r parsed) {
	switch v := r.value.(type) {
	case *Config:
		c.Config = v
	case *Strategy:
		c.Strategy = v
	case *Voice:
		c.Voice = v
	case *Post:
		c.Posts = append(c.Posts, v)
	case *Playbook:
		c.Playbooks = append(c.Playbooks, v)
	case *Reply:
		c.Replies = append(c.Replies, v)
	case *Crisis:
		c.Crisis = v
	}
}

// plainError strips Go's "open x: " style prefixes that repeat the file name.
func plainError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
