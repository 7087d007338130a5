package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/git-proof/git-proof/checks/testcase"
)

// sentinel is an error that can be a constant, so that the package keeps
// no mutable state.
type sentinel string

func (e sentinel) Error() string { return string(e) }

// ErrNoEvents is returned by ParseGoTestJSON when its input holds no
// test2json event at all: the command did not print `go test -json` output.
const ErrNoEvents = sentinel("no go test -json events in the output")

// maxEventLine bounds the memory one input line may take. test2json splits
// long test output into several events, so no real event comes near it; a
// longer line is skipped like any other line that is not an event.
const maxEventLine = 8 << 20

// ParseGoTestJSON reads the output of `go test -json` and returns one result
// per test and subtest (ID "<Package>.<Test>") and one per package (ID
// "<Package>"), sorted by ID.
//
// Lines that are not test2json events (build errors printed on stderr,
// "go: downloading ...", malformed or truncated JSON) are ignored. The last
// terminal action (pass, fail, skip) of a test wins. A test that started and
// never ended failed (a panic or timeout killed its binary), unless its
// package passed: then nothing in it failed. A benchmark gets no terminal
// event when it passes, so one that printed its result line, or was followed
// by another benchmark, passed.
//
// The error is ErrNoEvents when no event parsed, or a read error of r.
func ParseGoTestJSON(r io.Reader) ([]Result, error) {
	var p goTestParser
	if err := p.read(r); err != nil {
		return nil, err
	}
	if p.events == 0 {
		return nil, ErrNoEvents
	}
	return p.results(), nil
}

// testEvent is the part of a test2json event the parser needs. Output is
// left out on purpose: decoding it for every line is most of the cost, and
// only benchmark lines need it (see outputEvent).
type testEvent struct {
	Action  string
	Package string
	Test    string
}

type outputEvent struct {
	Output string
}

// entry is the state of one test, subtest or package.
type entry struct {
	pkg       string // the package ID of a test; "" for a package or when unknown
	isPkg     bool
	status    Status // "" while started and not ended
	bench     bool   // a benchmark or sub-benchmark
	benchDone bool   // the benchmark printed its result or another one began
}

type goTestParser struct {
	entries map[string]*entry
	// benches holds, per package, the benchmarks that started and may still
	// be running (see benchRun).
	benches map[string][]string
	events  int
}

func (p *goTestParser) read(r io.Reader) error {
	err := testcase.EachLine(r, maxEventLine, func(line []byte) error {
		if len(line) > 0 {
			p.line(line)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read go test -json output: %w", err)
	}
	return nil
}

// line handles one line of output; anything that is not an event is
// ignored.
func (p *goTestParser) line(b []byte) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return
	}
	ev, ok := fastEvent(b)
	if !ok {
		ev = testEvent{}
		if json.Unmarshal(b, &ev) != nil {
			return
		}
	}
	if !isTestAction(ev.Action, ev.Package) {
		return
	}
	p.events++
	if ev.Package == "" && ev.Test == "" {
		// test2json run by hand without -p: the binary's own result has no
		// name to record it under.
		return
	}
	id, pkg := ev.Package, ""
	if ev.Test != "" {
		id, pkg = ev.Test, ev.Package
		if ev.Package != "" {
			id = ev.Package + "." + ev.Test
		}
	}
	switch ev.Action {
	case "start", "run":
		if ev.Test != "" {
			p.benchesEnd(ev.Package, id)
		}
		e := p.entry(id, pkg, ev.Test)
		e.status, e.benchDone = "", false
		if e.bench {
			p.benches[ev.Package] = append(p.benches[ev.Package], id)
		}
	case "pause", "cont":
		p.entry(id, pkg, ev.Test)
	case "pass", "bench":
		// "bench": a benchmark that logged output and did not fail.
		p.entry(id, pkg, ev.Test).status = StatusPass
	case "fail":
		p.entry(id, pkg, ev.Test).status = StatusFail
	case "skip":
		p.entry(id, pkg, ev.Test).status = StatusSkip
	case "output":
		if e := p.entries[id]; e != nil && e.bench && e.status == "" && !e.benchDone {
			var out outputEvent
			if json.Unmarshal(b, &out) == nil && strings.Contains(out.Output, "ns/op") {
				e.benchDone = true
			}
		}
	}
}

// isTestAction tells a test2json event from other JSON: the known test
// actions, or any action of a named package from a newer Go. The build
// events of `go build -json` are not test events.
func isTestAction(action, pkg string) bool {
	switch action {
	case "start", "run", "pause", "cont", "pass", "bench", "fail", "output", "skip", "attr", "artifacts":
		return true
	case "", "build-output", "build-fail":
		return false
	}
	return pkg != ""
}

func (p *goTestParser) entry(id, pkg, test string) *entry {
	if p.entries == nil {
		p.entries = map[string]*entry{}
	}
	e := p.entries[id]
	if e == nil {
		e = &entry{pkg: pkg, isPkg: test == "", bench: strings.HasPrefix(test, "Benchmark")}
		p.entries[id] = e
	}
	return e
}

// benchesEnd notes that test id starts in pkg. The package's running
// benchmarks form a stack, each an ancestor of the next; every one that is
// not an ancestor of id has ended, since benchmarks run one at a time.
func (p *goTestParser) benchesEnd(pkg, id string) {
	if p.benches == nil {
		p.benches = map[string][]string{}
	}
	stack := p.benches[pkg]
	for len(stack) > 0 && !isAncestor(stack[len(stack)-1], id) {
		if e := p.entries[stack[len(stack)-1]]; e != nil {
			e.benchDone = true
		}
		stack = stack[:len(stack)-1]
	}
	p.benches[pkg] = stack
}

// isAncestor tells whether test b is a parent test of test id.
func isAncestor(b, id string) bool {
	return len(id) > len(b) && id[len(b)] == '/' && id[:len(b)] == b
}

func (p *goTestParser) results() []Result {
	out := make([]Result, 0, len(p.entries))
	for id, e := range p.entries {
		if e.isPkg {
			st := e.status
			if st == "" {
				st = StatusFail // started, never ended: killed
			}
			out = append(out, Result{ID: id, Status: st})
		}
	}
	for id, e := range p.entries {
		if e.isPkg {
			continue
		}
		st := e.status
		if st == "" {
			st = StatusFail
			if pe := p.entries[e.pkg]; e.pkg != "" && pe != nil && pe.isPkg && pe.status == StatusPass {
				st = StatusPass // its end was lost, but its package passed
			} else if e.bench && e.benchDone {
				st = StatusPass
			}
		}
		out = append(out, Result{ID: id, Status: st})
	}
	slices.SortFunc(out, func(a, b Result) int { return strings.Compare(a.ID, b.ID) })
	return out
}
