package crisis

import (
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/postctl/postctl/state"
)

// ErrNotRepo says the calendar directory is not inside a git repository.
var ErrNotRepo = errors.New("not a git repository")

// Identity is a person as git names them.
type Identity struct {
	Name  string
	Email string
}

// String is "Name <email>", or whichever of the two is known.
func (id Identity) String() string {
	switch {
	case id.Name != "" && id.Email != "":
		return id.Name + " <" + id.Email + ">"
	case id.Email != "":
		return "<" + id.Email + ">"
	}
	return id.Name
}

// ParseIdentity reads "Name <email>" (or a bare name) as `by` and --by give it.
func ParseIdentity(s string) Identity {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ">") {
		if a, err := mail.ParseAddress(s); err == nil {
			return Identity{Name: a.Name, Email: a.Address}
		}
		if i := strings.LastIndex(s, "<"); i >= 0 {
			return Identity{Name: strings.TrimSpace(s[:i]), Email: strings.TrimSpace(s[i+1 : len(s)-1])}
		}
	}
	return Identity{Name: s}
}

// ConfigIdentity is user.name and user.email from git config: the repository's containing dir
// merged with the global config (~/.gitconfig, $XDG_CONFIG_HOME/git/config), or the global config
// alone outside a repository. Empty when neither sets them.
func ConfigIdentity(dir string) Identity {
	var cfg *config.Config
	if repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true}); err == nil {
		cfg, _ = repo.ConfigScoped(config.GlobalScope)
	} else {
		cfg, _ = config.LoadConfig(config.GlobalScope)
	}
	if cfg == nil {
		return Identity{}
	}
	return Identity{Name: strings.TrimSpace(cfg.User.Name), Email: strings.TrimSpace(cfg.User.Email)}
}

// Repo is the git repository holding a calendar, on the branch checked out.
type Repo struct {
	repo   *git.Repository
	root   string                 // the worktree's top directory
	Branch plumbing.ReferenceName // refs/heads/B
	Path   string                 // crisis.yaml relative to root, slash-separated
}

// OpenRepo finds the repository containing the calendar directory dir (which may be a
// subdirectory of it). It needs a branch checked out: a commit on a detached HEAD would be lost.
func OpenRepo(dir string) (*Repo, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s is %w (nor inside one)", dir, ErrNotRepo)
	}
	if err != nil {
		return nil, fmt.Errorf("open the git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("the git repository of %s has no working tree: %w", dir, err)
	}
	root := wt.Filesystem.Root()
	rel, err := relPath(root, dir)
	if err != nil {
		return nil, err
	}
	head, err := repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	if head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
		return nil, fmt.Errorf("HEAD is detached (at %s): check out the branch to commit to, e.g. git switch main", shortHash(head.Hash()))
	}
	p := File
	if rel != "." {
		p = rel + "/" + File
	}
	return &Repo{repo: repo, root: root, Branch: head.Target(), Path: p}, nil
}

// relPath is dir relative to the worktree root, slash-separated, resolving symbolic links on both.
func relPath(root, dir string) (string, error) {
	abs := func(p string) (string, error) {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		if r, err := filepath.EvalSymlinks(a); err == nil {
			a = r
		}
		return a, nil
	}
	r, err := abs(root)
	if err != nil {
		return "", err
	}
	d, err := abs(dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(r, d)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the git working tree %s", dir, root)
	}
	return filepath.ToSlash(rel), nil
}

// BranchName is the branch checked out, without refs/heads/.
func (r *Repo) BranchName() string { return r.Branch.Short() }

// Identity is user.name and user.email from the repository's config merged with the global one.
func (r *Repo) Identity() Identity {
	cfg, err := r.repo.ConfigScoped(config.GlobalScope)
	if err != nil {
		return Identity{}
	}
	return Identity{Name: strings.TrimSpace(cfg.User.Name), Email: strings.TrimSpace(cfg.User.Email)}
}

// headCommit is the branch's commit, or nil before the first commit.
func (r *Repo) headCommit() (*object.Commit, error) {
	ref, err := r.repo.Reference(r.Branch, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.Branch.Short(), err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.Branch.Short(), err)
	}
	return c, nil
}

// OtherStaged lists the paths besides crisis.yaml whose staged version (the index) differs from
// the branch's commit: a commit of crisis.yaml would carry them too. Sorted, at most a few.
func (r *Repo) OtherStaged() ([]string, error) {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("read the git index: %w", err)
	}
	type blob struct {
		hash plumbing.Hash
		mode filemode.FileMode
	}
	committed := map[string]blob{}
	c, err := r.headCommit()
	if err != nil {
		return nil, err
	}
	if c != nil {
		tree, err := c.Tree()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", r.Branch.Short(), err)
		}
		walker := object.NewTreeWalker(tree, true, nil)
		defer walker.Close()
		for {
			name, e, err := walker.Next()
			if err != nil {
				break // io.EOF; a broken tree shows as differences below
			}
			if e.Mode != filemode.Dir {
				committed[name] = blob{e.Hash, e.Mode}
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range idx.Entries {
		seen[e.Name] = true
		if e.Name == r.Path {
			continue
		}
		if b, ok := committed[e.Name]; !ok || b.hash != e.Hash || b.mode != e.Mode || e.Stage != 0 {
			out = append(out, e.Name)
		}
	}
	for name := range committed {
		if !seen[name] && name != r.Path {
			out = append(out, name) // staged for deletion
		}
	}
	sort.Strings(out)
	return out, nil
}

// StagedError says other changes are staged, naming a few.
func StagedError(paths []string) error {
	shown := paths
	more := ""
	if len(shown) > 3 {
		shown, more = shown[:3], fmt.Sprintf(" and %d more", len(paths)-3)
	}
	return fmt.Errorf("other changes are staged (%s%s): commit or unstage them first, so that the commit holds crisis.yaml only",
		strings.Join(shown, ", "), more)
}

// Commit stages crisis.yaml as it is in the working tree (added or, when it is gone, removed)
// and commits it alone on the branch: author and committer as given, the branch's commit as the
// only parent. It returns the new commit, or zero and no error when crisis.yaml is already
// committed as it is (nothing to commit).
func (r *Repo) Commit(msg string, author, committer Identity, when time.Time) (plumbing.Hash, error) {
	staged, err := r.OtherStaged()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if len(staged) > 0 {
		return plumbing.ZeroHash, StagedError(staged)
	}
	wt, err := r.repo.Worktree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := wt.Filesystem.Lstat(r.Path); err == nil {
		if err := wt.AddWithOptions(&git.AddOptions{Path: r.Path, SkipStatus: true}); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("stage %s: %w", r.Path, err)
		}
	} else if _, err := wt.Remove(r.Path); err != nil && !errors.Is(err, index.ErrEntryNotFound) {
		return plumbing.ZeroHash, fmt.Errorf("stage the removal of %s: %w", r.Path, err)
	}
	parent, err := r.headCommit()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	opts := &git.CommitOptions{
		Author:    &object.Signature{Name: author.Name, Email: author.Email, When: when},
		Committer: &object.Signature{Name: committer.Name, Email: committer.Email, When: when},
	}
	if parent != nil {
		opts.Parents = []plumbing.Hash{parent.Hash}
	}
	h, err := wt.Commit(msg, opts)
	if errors.Is(err, git.ErrEmptyCommit) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("commit %s: %w", r.Path, err)
	}
	return h, nil
}

// Tracked says whether the branch's commit has crisis.yaml.
func (r *Repo) Tracked() (bool, error) {
	c, err := r.headCommit()
	if err != nil || c == nil {
		return false, err
	}
	_, err = c.File(r.Path)
	if errors.Is(err, object.ErrFileNotFound) {
		return false, nil
	}
	return err == nil, err
}

// RemoteName is the remote the branch pushes to: its upstream's (branch.B.remote), else origin.
func (r *Repo) RemoteName() string {
	if cfg, err := r.repo.Config(); err == nil {
		if b, ok := cfg.Branches[r.Branch.Short()]; ok && b.Remote != "" && b.Remote != "." {
			return b.Remote
		}
	}
	return "origin"
}

// ErrPushRefused says the remote's branch moved on: someone else pushed first. It wraps
// state.ErrConflict: safe to retry after a pull.
var ErrPushRefused = fmt.Errorf("the push was refused: %w", state.ErrConflict)

// Push pushes the branch to its remote as refs/heads/B:refs/heads/B, never forced. The remote
// being up to date already is fine. A rejection because the remote's branch moved on wraps
// ErrPushRefused. getenv gives GITHUB_TOKEN or GH_TOKEN for https remotes.
func (r *Repo) Push(getenv func(string) string) (remoteName string, err error) {
	name := r.RemoteName()
	remote, err := r.repo.Remote(name)
	if errors.Is(err, git.ErrRemoteNotFound) {
		return name, fmt.Errorf("the repository has no remote %q to push %s to: add one with git remote add %s URL", name, r.Branch.Short(), name)
	}
	if err != nil {
		return name, err
	}
	var url string
	if urls := remote.Config().URLs; len(urls) > 0 {
		url = urls[0]
	}
	// A relative path names a repository relative to the top of the working tree, as git reads
	// it, not to wherever postctl runs.
	if ep, err := transport.NewEndpoint(url); err == nil && ep.Protocol == "file" && !strings.HasPrefix(url, "file:") && !filepath.IsAbs(url) {
		cfg := *remote.Config()
		cfg.URLs = append([]string{filepath.Join(r.root, url)}, cfg.URLs[1:]...)
		remote = git.NewRemote(r.repo.Storer, &cfg)
	}
	auth := Auth(url, getenv)
	spec := config.RefSpec(r.Branch.String() + ":" + r.Branch.String())
	err = remote.Push(&git.PushOptions{RemoteName: name, RefSpecs: []config.RefSpec{spec}, Auth: auth})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return name, nil
	}
	if errors.Is(err, git.ErrForceNeeded) || strings.Contains(err.Error(), "non-fast-forward") || r.remoteMoved(remote, auth) {
		return name, fmt.Errorf("%w (%v)", ErrPushRefused, err)
	}
	if errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) {
		if ep, perr := transport.NewEndpoint(url); perr == nil && (ep.Protocol == "https" || ep.Protocol == "http") {
			return name, fmt.Errorf("push %s to %s: %w (for an https remote, set GITHUB_TOKEN or GH_TOKEN to a token that may push)", r.Branch.Short(), name, err)
		}
	}
	return name, fmt.Errorf("push %s to %s: %w", r.Branch.Short(), name, err)
}

// remoteMoved says the remote's branch is at a commit the local branch does not contain.
func (r *Repo) remoteMoved(remote *git.Remote, auth transport.AuthMethod) bool {
	refs, err := remote.List(&git.ListOptions{Auth: auth})
	if err != nil {
		return false
	}
	local, err := r.headCommit()
	if err != nil || local == nil {
		return false
	}
	for _, ref := range refs {
		if ref.Name() != r.Branch || ref.Type() != plumbing.HashReference {
			continue
		}
		if ref.Hash() == local.Hash {
			return false
		}
		theirs, err := r.repo.CommitObject(ref.Hash())
		if err != nil {
			return true // not even fetched: it cannot be in the local history
		}
		ok, err := theirs.IsAncestor(local)
		return err == nil && !ok
	}
	return false
}

// Auth is the push credential for a remote URL: for https, GITHUB_TOKEN or GH_TOKEN as basic
// auth (the way GitHub takes tokens); nothing for local and file remotes; nil for ssh, where
// go-git asks the ssh agent.
func Auth(url string, getenv func(string) string) transport.AuthMethod {
	ep, err := transport.NewEndpoint(url)
	if err != nil || (ep.Protocol != "https" && ep.Protocol != "http") {
		return nil
	}
	for _, k := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
		if t := getenv(k); t != "" {
			return &http.BasicAuth{Username: "x-access-token", Password: t}
		}
	}
	return nil
}

// ShortHash is a commit's abbreviated hash, as git log --oneline shows it.
func ShortHash(h plumbing.Hash) string { return shortHash(h) }

func shortHash(h plumbing.Hash) string { return h.String()[:7] }
