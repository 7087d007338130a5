package gitx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
)

// batchCat is a `git cat-file --batch` kept for the life of a Repo from
// Open, so that a run's many small reads (the commits, the blobs of the
// hunks, the notes, the trees) cost one process instead of one each.
//
// It answers only what cannot have changed since it started: names that
// begin with a full object id. A name that reads refs (HEAD, a branch,
// rev^) goes to it only when the process is started for that very read,
// so it sees the refs as they are then; later such reads get a process of
// their own. While one read holds it, another gets its own process too: a
// read never waits for another, and a callback that reads does not
// deadlock.
type batchCat struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	closed bool // no more kept process: every read starts its own
}

// Close stops the Repo's kept cat-file process, if any. The Repo stays
// usable; every read then starts a process of its own. Open's context
// ending closes the Repo too.
func (r *Repo) Close() error {
	if b := r.batch; b != nil {
		b.mu.Lock()
		b.closed = true
		b.stop()
		b.mu.Unlock()
	}
	return nil
}

// stop ends the process; b.mu is held.
func (b *batchCat) stop() {
	if b.cmd == nil {
		return
	}
	_ = b.stdin.Close()
	_ = b.cmd.Process.Kill()
	_ = b.cmd.Wait()
	b.cmd, b.stdin, b.stdout = nil, nil, nil
}

// immutableName reports whether name starts with a full object id (an id,
// or id:path): what it names cannot change.
func (r *Repo) immutableName(name string) bool {
	n := len(r.zeroID)
	if n == 0 || len(name) < n || (len(name) > n && name[n] != ':') {
		return false
	}
	return r.IsObjectID(name[:n])
}

// readShared reads names through the kept process when it may (see
// batchCat). done is false when the caller must read with a process of
// its own: the kept one is busy, may not answer these names, could not
// start, or failed before any answer was handed over.
func (r *Repo) readShared(ctx context.Context, names []string, limit int64, each func(i int, o *Object) error) (done bool, err error) {
	return r.readKept(ctx, names, false, limit, each)
}

// readKept is readShared; with anyName it also sends names that read refs
// to a process started earlier (see RefValueShared).
func (r *Repo) readKept(ctx context.Context, names []string, anyName bool, limit int64, each func(i int, o *Object) error) (done bool, err error) {
	b := r.batch
	if b == nil || !b.mu.TryLock() {
		return false, nil
	}
	defer b.mu.Unlock()
	if b.closed {
		return false, nil
	}
	switch {
	case b.cmd == nil:
		if err := b.start(r); err != nil {
			return false, nil // the caller's own process says what is wrong
		}
	case !anyName:
		for _, n := range names {
			if !r.immutableName(n) {
				return false, nil
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return true, err
	}
	// A cancelled context kills the process, which ends the read; so does
	// any failure, so that no later read finds half an answer.
	proc := b.cmd.Process
	stopWatch := context.AfterFunc(ctx, func() { _ = proc.Kill() })
	stdin := b.stdin
	werr := make(chan error, 1)
	go func() { werr <- writeNames(stdin, names) }()
	var readErr, eachErr error
	delivered := 0
	for i, n := range names {
		o, err := readBatchObject(b.stdout, n, limit)
		if err != nil {
			readErr = err
			break
		}
		delivered++
		if err := each(i, o); err != nil {
			eachErr = err
			break
		}
	}
	if readErr != nil || eachErr != nil {
		b.stop() // also ends the writer
	}
	writeErr := <-werr
	if !stopWatch() {
		// The context ended: the process is killed, or about to be.
		b.stop()
		if readErr != nil {
			return true, errors.Join(ctx.Err(), readErr)
		}
	}
	switch {
	case eachErr != nil:
		return true, eachErr
	case readErr != nil && delivered == 0:
		return false, nil // a process that died since the last read: read again
	case readErr != nil:
		return true, readErr
	case writeErr != nil:
		b.stop()
		return true, fmt.Errorf("git cat-file: %w", writeErr)
	}
	return true, nil
}

// start runs the process, tied to no read's context: it outlives them,
// until Close (or Open's context ends).
func (b *batchCat) start(r *Repo) error {
	cmd := r.Command(context.Background(), "cat-file", "--batch")
	stdin, stdout, err := startPiped(cmd, nil)
	if err != nil {
		return err
	}
	b.cmd, b.stdin, b.stdout = cmd, stdin, bufio.NewReaderSize(stdout, 256<<10)
	return nil
}

// startPiped starts cmd with pipes to its input and from its output, and
// its error output to stderr (nil: discarded).
func startPiped(cmd *exec.Cmd, stderr io.Writer) (io.WriteCloser, io.ReadCloser, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return stdin, stdout, nil
}

// RefValueShared is RefValue read through the Repo's kept cat-file when it
// is free, else with a process of its own. git reads a ref anew each time
// it resolves one (a loose ref's file; packed-refs when its file changed),
// so the answer is as fresh as RefValue's; still, a caller that moves the
// ref compares and swaps (UpdateRef with this as old) and, when it lost a
// race, reads again with RefValue, which cannot be answered from an
// earlier process.
func (r *Repo) RefValueShared(ctx context.Context, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, "\n\x00 ") {
		return r.RefValue(ctx, ref)
	}
	var id string
	done, err := r.readKept(ctx, []string{ref + "^{commit}"}, true, 1, func(_ int, o *Object) error {
		if !o.Missing {
			id = o.ID
		}
		return nil
	})
	if !done {
		return r.RefValue(ctx, ref)
	}
	if err != nil {
		return "", fmt.Errorf("read ref %s: %w", ref, err)
	}
	return id, nil
}
