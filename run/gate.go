package run

import (
	"context"
	"sync"
)

// gate is shut until opened, once, by whoever gets there first; a nil gate
// is open. Run holds its own work back behind one until the first check
// has started (treeRunner.started).
type gate struct {
	once sync.Once
	ch   chan struct{}
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

func (g *gate) open() {
	if g != nil {
		g.once.Do(func() { close(g.ch) })
	}
}

// wait returns once g is open, or with ctx's error when ctx ends first.
func (g *gate) wait(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case <-g.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
