// Command gen writes a generated calendar for benchmarks:
//
//	go run ./bench/gen -posts 10000 -out /tmp/cal10k
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/postctl/postctl/bench/calgen"
)

func main() {
	var opts calgen.Options
	out := flag.String("out", "", "directory to write the calendar to (must not exist or be empty)")
	flag.IntVar(&opts.Posts, "posts", 1000, "number of posts")
	flag.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	flag.IntVar(&opts.Days, "days", 0, "days the posts spread over (default: posts/14, within 60..730)")
	flag.IntVar(&opts.Channels, "channels", 4, "number of channels: 3 or 4")
	start := flag.String("start", "2026-12-01", "first day with posts")
	quiet := flag.Bool("q", false, "print nothing on success")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -out DIR [-posts N] [-seed N] [-days N] [-channels 3|4] [-start YYYY-MM-DD]")
		os.Exit(4)
	}
	t, err := time.Parse("2006-01-02", *start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: -start: %v\n", err)
		os.Exit(4)
	}
	opts.Start = t
	began := time.Now()
	if err := calgen.Write(*out, opts); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if !*quiet {
		fmt.Fprintf(os.Stderr, "wrote %d posts to %s in %s\n", opts.Posts, *out, time.Since(began).Round(time.Millisecond))
	}
}
