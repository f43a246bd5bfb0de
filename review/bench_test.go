package review

import (
	"testing"
	"time"

	"github.com/postctl/postctl/bench/gitrepo"
)

// BenchmarkReview10kPosts2kCommits reviews two refs of a repository with 10,000 posts (bench/calgen)
// and 2,000 commits that differ by a few posts: main has moved on by ten commits since the branch,
// and the branch changes three posts, adds one and removes one. The repository is built once,
// outside the timer, by writing objects straight into go-git's object store. Target: < 0.5 s/op.
func BenchmarkReview10kPosts2kCommits(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 10,000-post repository")
	}
	rv := benchReview(b, Options{Base: "main", Head: "feature", Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if got := len(rv.Added) + len(rv.Changed) + len(rv.Removed) + len(rv.Moved); got != 5 {
		b.Fatalf("review found %d post changes, want 5: %+v", got, rv.Files)
	}
}

// benchReview builds the 10,000-post, 2,000-commit repository once and times Run with opts on it.
func benchReview(b *testing.B, opts Options) *Review {
	opts.Dir = buildBenchRepo(b, 10000, 2000)
	var rv *Review
	b.ResetTimer()
	for b.Loop() {
		var err error
		if rv, err = Run(opts); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	return rv
}

// BenchmarkReviewCrisis10k reviews, in the same repository, a branch that activates a crisis on
// top of the feature branch: the head is loaded whole, because the held list needs every post.
func BenchmarkReviewCrisis10k(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 10,000-post repository")
	}
	rv := benchReview(b, Options{Base: "feature", Head: "crisis", Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
	if rv.Crisis == nil || rv.Crisis.Kind != CrisisActivated || rv.Crisis.HeldCount == 0 {
		b.Fatalf("no activation: %+v", rv.Crisis)
	}
	b.ReportMetric(float64(rv.Crisis.HeldCount), "held")
}

// buildBenchRepo writes bench/gitrepo's repository of posts and commits into a temporary
// directory, outside the timer.
func buildBenchRepo(b *testing.B, posts, commits int) string {
	b.Helper()
	start := time.Now()
	dir := b.TempDir()
	n, err := gitrepo.Build(dir, posts, commits)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built a repository of %d posts and %d commits in %s", n, commits+1, time.Since(start).Round(time.Millisecond))
	return dir
}
