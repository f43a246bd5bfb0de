package review

import (
	"container/heap"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// mergeBase finds the best common ancestor of a and b the way git does (paint_down_to_common):
// walking both histories at once, newest commit first, and stopping as soon as every commit
// still queued is known to be below a common ancestor. It reads the commits since the branches
// parted rather than the whole history, as object.Commit.MergeBase does. With several candidates
// (criss-cross merges) go-git's Independents picks those that are not ancestors of another.
func mergeBase(repo *git.Repository, a, b *object.Commit) ([]*object.Commit, error) {
	if a.Hash == b.Hash {
		return []*object.Commit{a}, nil
	}
	const (
		fromA = 1 << iota
		fromB
		stale
		result
	)
	flags := map[plumbing.Hash]int{a.Hash: fromA, b.Hash: fromB}
	q := &commitQueue{}
	heap.Push(q, a)
	heap.Push(q, b)
	var found []*object.Commit
	for q.Len() > 0 && !q.allStale(flags, stale) {
		c := heap.Pop(q).(*object.Commit)
		f := flags[c.Hash] & (fromA | fromB | stale)
		if f == fromA|fromB {
			if flags[c.Hash]&result == 0 {
				flags[c.Hash] |= result
				found = append(found, c)
			}
			f |= stale
		}
		for _, ph := range c.ParentHashes {
			if flags[ph]&f == f {
				continue
			}
			p, err := repo.CommitObject(ph)
			if err != nil {
				return nil, err
			}
			flags[ph] |= f
			heap.Push(q, p)
		}
	}
	if len(found) > 1 {
		return object.Independents(found)
	}
	return found, nil
}

// commitQueue orders commits newest first by committer time.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

func (q commitQueue) allStale(flags map[plumbing.Hash]int, stale int) bool {
	for _, c := range q {
		if flags[c.Hash]&stale == 0 {
			return false
		}
	}
	return true
}
