package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/git-proof/git-proof/astdiff"
)

func main() {
	oldDir := flag.String("old", "", "the old tree")
	newDir := flag.String("new", "", "the new tree")
	big := flag.String("big", "", "a large file to time with three edits")
	bigLimit := flag.Int("big-bytes", 1<<20, "cut the large file to at most this many bytes, at a line break")
	runs := flag.Int("runs", 5, "timing runs of git diff (the median is reported)")
	check := flag.Bool("check", false, "also label every file with full parses of whole trees and count differences")
	flag.Parse()
	if err := run(*oldDir, *newDir, *big, *bigLimit, *runs, *check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(oldDir, newDir, big string, bigLimit, runs int, check bool) error {
	ctx := context.Background()
	az, err := astdiff.New()
	if err != nil {
		return err
	}
	if oldDir != "" && newDir != "" {
		if err := pair(ctx, az, oldDir, newDir, runs, check); err != nil {
			return err
		}
	}
	if big != "" {
		if err := bigFile(ctx, az, big, bigLimit); err != nil {
			return err
		}
	}
	return nil
}
