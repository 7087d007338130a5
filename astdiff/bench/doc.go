// Command bench measures astdiff on a real change: it commits two trees
// (two released versions of a module) into a temporary git repository,
// times `git diff` of the pair, then classifies every changed file with
// astdiff.Analyzer and reports files/s, p50/p90/p99 ms per file, MB/s
// parsed, peak memory and the ratio to git diff. With -big it also times
// one large file with a few edits.
//
//	go run ./astdiff/bench -old DIR -new DIR [-big FILE]
//
// run.sh fetches two versions of golang.org/x/crypto from the module proxy
// and runs it under /usr/bin/time -v.
package main
