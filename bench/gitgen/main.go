// Command gitgen writes the repository review is benchmarked on (bench/gitrepo) to a directory, so
// bench/run can time the whole binary on it:
//
//	go run ./bench/gitgen -out /tmp/repo -posts 10000 -commits 2000
//	postctl review --base main --head feature --dir /tmp/repo
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/postctl/postctl/bench/gitrepo"
)

func main() {
	out := flag.String("out", "", "directory to write the repository to (must not exist)")
	posts := flag.Int("posts", 10000, "number of posts")
	commits := flag.Int("commits", 2000, "number of commits on main")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *commits < 20 {
		fmt.Fprintln(os.Stderr, "usage: gitgen -out DIR [-posts N] [-commits N (>= 20)]")
		os.Exit(4)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gitgen: %s exists\n", *out)
		os.Exit(1)
	}
	start := time.Now()
	n, err := gitrepo.Build(*out, *posts, *commits)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gitgen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gitgen: built a repository of %d posts and %d commits in %s\n", n, *commits+1, time.Since(start).Round(time.Millisecond))
}
