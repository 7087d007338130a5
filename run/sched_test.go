package run

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTreesAtOnce(t *testing.T) {
	s := time.Second
	for _, c := range []struct {
		name      string
		cpus      int
		wall, cpu time.Duration
		want      int
	}{
		{"go test on two CPUs", 2, 17 * s, 30 * s, 1},
		{"single-threaded on two CPUs", 2, 10 * s, 10 * s, 2},
		{"single-threaded on eight CPUs", 8, 10 * s, 10 * s, 8},
		{"half busy on eight CPUs", 8, 10 * s, 40 * s, 2},
		{"sleeping checks", 4, 10 * s, 0, 4},
		{"more than all CPUs", 2, 10 * s, 50 * s, 1},
		{"nothing ran", 4, 0, 0, 1},
		{"one CPU", 1, 10 * s, 1 * s, 1},
	} {
		if got := treesAtOnce(c.cpus, c.wall, c.cpu); got != c.want {
			t.Errorf("%s: treesAtOnce(%d, %v, %v) = %d; want %d", c.name, c.cpus, c.wall, c.cpu, got, c.want)
		}
	}
}

// TestSchedulerAuto: the first tree runs alone; its CPU use decides how
// many of the rest run at once; a tree that ran nothing (all cached) does
// not decide.
func TestSchedulerAuto(t *testing.T) {
	ctx := context.Background()
	s := newScheduler(4, true, 4)
	if err := s.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if s.tryAcquire() {
		t.Fatal("a second tree started before the first one decided")
	}
	if msg := s.release(0, 0); msg != "" {
		t.Errorf("a cached tree decided: %q", msg)
	}
	if err := s.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	msg := s.release(10*time.Second, 20*time.Second) // 2 of 4 CPUs
	if !strings.Contains(msg, "up to 2 trees at once") {
		t.Errorf("release said %q; want up to 2 trees at once", msg)
	}
	for i := 0; i < 2; i++ {
		if !s.tryAcquire() {
			t.Fatalf("tree %d did not start", i+1)
		}
	}
	if s.tryAcquire() {
		t.Error("a third tree started with a limit of 2")
	}

	// An explicit -j is a plain limit, never changed.
	e := newScheduler(2, false, 8)
	if !e.tryAcquire() || !e.tryAcquire() || e.tryAcquire() {
		t.Error("-j 2 did not allow exactly two trees")
	}
	if msg := e.release(time.Second, 8*time.Second); msg != "" || e.limit != 2 {
		t.Errorf("-j 2 changed to %d (%q)", e.limit, msg)
	}
}

// TestSchedulerCancel: a waiting acquire returns when the context ends.
func TestSchedulerCancel(t *testing.T) {
	s := newScheduler(1, false, 1)
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var err error
	wg.Add(1)
	go func() { defer wg.Done(); err = s.acquire(ctx) }()
	cancel()
	s.wake()
	wg.Wait()
	if err == nil {
		t.Error("acquire returned nil after the context ended")
	}
}

// tryAcquire takes room without waiting (tests only).
func (s *scheduler) tryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running >= s.limit {
		return false
	}
	s.running++
	return true
}

// TestSchedulerAlongside: one tree may start beside the first while that
// one still decides (auto), never a second one, never once the limit is
// decided or with -j, and never on one CPU; the tree beside it does not
// decide.
func TestSchedulerAlongside(t *testing.T) {
	ctx := context.Background()
	s := newScheduler(2, true, 2)
	if s.admitAlongside() {
		t.Fatal("admitted beside no tree")
	}
	if err := s.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.admitAlongside() {
		t.Fatal("not admitted beside the first tree")
	}
	if s.admitAlongside() {
		t.Fatal("a second tree admitted beside the first")
	}
	if msg := s.release(0, 0); msg != "" {
		t.Errorf("the tree beside decided: %q", msg)
	}
	if msg := s.release(time.Second, 2*time.Second); !strings.Contains(msg, "one at a time") {
		t.Errorf("the first tree's release = %q; want it to decide one at a time", msg)
	}
	if err := s.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if s.admitAlongside() {
		t.Error("admitted beside once the limit was decided")
	}

	j := newScheduler(1, false, 2)
	if err := j.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if j.admitAlongside() {
		t.Error("admitted beside with -j 1")
	}
	one := newScheduler(1, true, 1)
	if err := one.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if one.admitAlongside() {
		t.Error("admitted beside on one CPU")
	}
}
