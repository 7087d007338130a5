//go:build race

package main

// raceEnabled: the tests run under -race, so the git-proof binary they
// drive is built with it too.
const raceEnabled = true
