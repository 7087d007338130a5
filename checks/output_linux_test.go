//go:build linux

package checks

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"
)

// copyAll runs p.copyTo into a fresh capture and returns what it kept.
func copyAll(p *outputPipe, exited, stop <-chan struct{}) <-chan []byte {
	done := make(chan []byte, 1)
	go func() {
		c := &capture{hash: sha256.New(), limit: 64 << 20}
		p.copyTo(c, exited, stop)
		done <- c.kept
	}()
	return done
}

func newTestPipe(t *testing.T) *outputPipe {
	t.Helper()
	p, err := newOutputPipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.closeRead()
		p.closeWrite()
	})
	return p
}

// TestOutputPipeBatches: a writer that trickles is read in a few batches,
// not once a write, and nothing is lost or reordered.
func TestOutputPipeBatches(t *testing.T) {
	p := newTestPipe(t)
	done := copyAll(p, make(chan struct{}), nil)
	var want bytes.Buffer
	const writes = 500
	for i := range writes {
		line := fmt.Sprintf(`{"Action":"pass","Test":"Test%d"}`+"\n", i)
		want.WriteString(line)
		if _, err := p.w.WriteString(line); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Microsecond) // long enough for a per-write reader to see each
	}
	p.closeWrite()
	got := <-done
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("read %d bytes, differing from the %d written", len(got), want.Len())
	}
	// Each wait is at least minNap and the waits double: a few dozen
	// batches at most for the ~0.2-1 s the writes take.
	if p.reads > writes/10 {
		t.Errorf("%d reads for %d writes; want batches", p.reads, writes)
	}
	t.Logf("%d reads for %d writes (buffer %d bytes, waits up to %v)", p.reads, writes, p.size, p.maxNap)
}

// TestOutputPipeFastWriter: a writer faster than the buffer is not held
// up by the waits (it would be stuck for good if a full buffer were left
// unread), and all of it arrives.
func TestOutputPipeFastWriter(t *testing.T) {
	p := newTestPipe(t)
	done := copyAll(p, make(chan struct{}), nil)
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<19) // 8 MiB, 8× the buffer
	if _, err := p.w.Write(data); err != nil {
		t.Fatal(err)
	}
	p.closeWrite()
	if got := <-done; !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, differing from the %d written", len(got), len(data))
	}
}

// TestOutputPipeExitEndsWait: once the command has exited, the reader
// stops waiting between batches and returns at the pipe's end, however
// long its wait was to be.
func TestOutputPipeExitEndsWait(t *testing.T) {
	p := newTestPipe(t)
	p.minNap, p.maxNap = time.Hour, time.Hour
	exited := make(chan struct{})
	done := copyAll(p, exited, nil)
	if _, err := p.w.WriteString("before "); err != nil {
		t.Fatal(err)
	}
	close(exited)
	if _, err := p.w.WriteString("after"); err != nil {
		t.Fatal(err)
	}
	p.closeWrite()
	select {
	case got := <-done:
		if string(got) != "before after" {
			t.Errorf("read %q", got)
		}
	case <-time.After(time.Minute):
		t.Fatal("still waiting a minute after the command exited and the pipe closed")
	}
}

// TestOutputPipeStop: a holder of the write end that outlives the command
// does not keep the reader: stop ends it, with what came so far.
func TestOutputPipeStop(t *testing.T) {
	p := newTestPipe(t)
	exited, stop := make(chan struct{}), make(chan struct{})
	done := copyAll(p, exited, stop)
	if _, err := p.w.WriteString("partial"); err != nil {
		t.Fatal(err)
	}
	close(exited)
	// Let the reader see the bytes before it is stopped; what it kept
	// is checked below either way.
	time.Sleep(50 * time.Millisecond)
	close(stop)
	select {
	case got := <-done:
		if string(got) != "partial" && len(got) != 0 {
			t.Errorf("read %q", got)
		}
	case <-time.After(time.Minute):
		t.Fatal("still reading a minute after stop, the write end open")
	}
}

func TestOutputPipeNextNap(t *testing.T) {
	p := &outputPipe{size: 1 << 20, minNap: time.Millisecond, maxNap: 100 * time.Millisecond}
	tests := []struct {
		last time.Duration
		got  int
		want time.Duration
	}{
		{0, 0, time.Millisecond},                           // the first wait
		{time.Millisecond, 10, 2 * time.Millisecond},       // small batches: doubled
		{64 * time.Millisecond, 0, 100 * time.Millisecond}, // up to the bound
		{100 * time.Millisecond, 0, 100 * time.Millisecond},
		{100 * time.Millisecond, 1 << 19, 0}, // half the buffer: read again at once
		{0, 1 << 20, 0},
		{0, 1<<19 - 1, time.Millisecond}, // after reading at once, the shortest wait
	}
	for _, tt := range tests {
		if got := p.nextNap(tt.last, tt.got); got != tt.want {
			t.Errorf("nextNap(%v, %d) = %v; want %v", tt.last, tt.got, got, tt.want)
		}
	}
}
