// Package lazyre holds regular expressions that are compiled on first use
// rather than when the program starts. git-proof starts once per check as
// its own network-namespace helper, and compiling every package's
// expressions at start-up was a measured share of each start (perf on a
// run of three no-op checks: about 30% of package initialisation).
package lazyre
