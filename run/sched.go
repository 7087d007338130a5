package run

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// scheduler bounds how many trees are checked at once. With an explicit
// -j it is a plain limit. Without one (auto) the first tree runs alone and
// its checks' CPU use decides for the rest: checks that already keep the
// machine busy (`go test ./...` builds and tests packages in parallel) run
// the other trees one after the other, since running them side by side only
// splits the same cores, builds the same packages twice in different
// worktrees and loses the reuse of Go's test cache within one worktree
// (bench/run measured 31 s side by side against 18 s one at a time on two
// cores); checks that leave cores idle (a single-threaded test runner) run
// the rest side by side, up to the number of CPUs. One exception: a
// narrowed repro may start beside the first tree (admitAlongside; see
// treeRunner.run).
type scheduler struct {
	mu      sync.Mutex
	cond    *sync.Cond
	running int
	limit   int
	cpus    int
	decided bool
}

func newScheduler(jobs int, auto bool, cpus int) *scheduler {
	s := &scheduler{limit: max(jobs, 1), cpus: max(cpus, 1), decided: !auto}
	if auto {
		s.limit = 1
	}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// acquire waits for room for one more tree, or for ctx to end.
func (s *scheduler) acquire(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running >= s.limit {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.cond.Wait()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.running++
	return nil
}

// release frees a tree's room. wall and cpu are what its checks took; the
// first tree that ran any check (wall > 0) decides the limit when it is
// still open, and release then says what it decided, for the progress
// lines.
func (s *scheduler) release(wall, cpu time.Duration) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	defer s.cond.Broadcast()
	if s.decided || wall <= 0 {
		return ""
	}
	s.decided = true
	s.limit = treesAtOnce(s.cpus, wall, cpu)
	busy := float64(cpu) / float64(wall)
	if s.limit == 1 {
		return fmt.Sprintf("checks kept %.1f of %d CPUs busy: the other trees run one at a time (-j N to change)", busy, s.cpus)
	}
	return fmt.Sprintf("checks kept %.1f of %d CPUs busy: up to %d trees at once (-j N to change)", busy, s.cpus, s.limit)
}

// admitAlongside makes room, beyond the limit, for one tree to run beside
// the first while that one still decides the limit (auto, undecided); it
// reports whether it did. The tree must release with no wall time, so
// that the first tree decides.
func (s *scheduler) admitAlongside() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.decided || s.running != 1 || s.cpus < 2 {
		return false
	}
	s.running++
	return true
}

// wake lets waiting acquires see that their context ended.
func (s *scheduler) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cond.Broadcast()
}

// treesAtOnce is how many trees fit on cpus CPUs at once when one tree's
// checks used cpu over wall: as many as there are CPUs for (rounded), at
// least one, at most cpus.
func treesAtOnce(cpus int, wall, cpu time.Duration) int {
	if wall <= 0 {
		return 1
	}
	busy := float64(cpu) / float64(wall)
	if busy <= 0 {
		return cpus
	}
	return min(max(int(float64(cpus)/busy+0.5), 1), cpus)
}
