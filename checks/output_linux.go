//go:build linux

package checks

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A check's output is read in batches. go test -json writes every event
// on its own (1,400 writes for a 30-package module's cached run), and a
// reader the runtime's poller wakes for each of them cost git-proof ~5 ms
// of CPU a check there and 30 µs a line for a check whose output
// trickles: scheduler and sysmon wake-ups, not the reading. So the read
// end is a plain file the poller does not watch, its buffer is raised to
// a MiB, and the reader takes what is there, then sleeps on a timer while
// the kernel collects the next batch. The timer doubles while batches are
// small and is skipped when one fills half the buffer (the writer may be
// waiting), so a fast writer is read at once; it never exceeds the time a
// writer at 10 MB/s needs to fill the buffer. The command's exit ends the
// sleep, and from then on the reader waits in poll(2) for the last bytes
// and the end of the pipe.

const (
	wantPipeSize = 1 << 20
	minNap       = time.Millisecond
	maxNapCap    = 100 * time.Millisecond
	// napRate is the write rate a full nap leaves room for in the buffer.
	napRate = 10 << 20 // bytes a second
	// exitPoll is how often, once the command has exited, the reader
	// looks for an end to stop at.
	exitPoll = 10 * time.Millisecond
)

// outputPipe is where a check writes: w goes to the command, r is read.
type outputPipe struct {
	r, w *os.File
	rc   syscall.RawConn
	size int // the buffer's size
	// minNap and maxNap bound the wait between batches.
	minNap, maxNap time.Duration
	// reads counts the reads that returned data (for tests).
	reads int
}

func newOutputPipe() (*outputPipe, error) {
	var fds [2]int
	// Blocking, so that os.NewFile leaves the read end out of the poller;
	// it is made non-blocking below, for reads that return at once.
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	p := &outputPipe{r: os.NewFile(uintptr(fds[0]), "|0"), w: os.NewFile(uintptr(fds[1]), "|1")}
	rc, err := p.r.SyscallConn()
	if err != nil {
		p.r.Close()
		p.w.Close()
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	p.rc = rc
	var nbErr error
	_ = rc.Control(func(fd uintptr) {
		// A smaller buffer (pipe-max-size, the user's pipe quota) only
		// shortens the naps.
		_, _ = unix.FcntlInt(fd, unix.F_SETPIPE_SZ, wantPipeSize)
		p.size, _ = unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0)
		nbErr = unix.SetNonblock(int(fd), true)
	})
	if nbErr != nil {
		p.r.Close()
		p.w.Close()
		return nil, fmt.Errorf("output pipe: %w", nbErr)
	}
	if p.size <= 0 {
		p.size = 64 << 10
	}
	p.minNap = minNap
	p.maxNap = min(max(time.Duration(p.size)*time.Second/napRate, minNap), maxNapCap)
	return p, nil
}

// closeWrite closes this process's copy of the write end once the command
// has its own: EOF comes when every holder has exited.
func (p *outputPipe) closeWrite() { p.w.Close() }

func (p *outputPipe) closeRead() { p.r.Close() }

// copyTo reads the pipe into c until EOF or until stop is closed. exited is
// closed once the command has exited.
func (p *outputPipe) copyTo(c *capture, exited, stop <-chan struct{}) {
	buf := make([]byte, 64<<10)
	nap := time.Duration(0)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
		c.flushLine()
	}()
	for {
		got, eof := p.readAvailable(c, buf)
		if eof {
			return
		}
		select {
		case <-stop:
			return
		default:
		}
		if exited == nil {
			p.waitReadable(exitPoll)
			continue
		}
		if nap = p.nextNap(nap, got); nap == 0 {
			continue
		}
		if timer == nil {
			timer = time.NewTimer(nap)
		} else {
			timer.Reset(nap)
		}
		select {
		case <-timer.C:
		case <-exited:
			exited = nil
		case <-stop:
			return
		}
	}
}

// nextNap is the wait after a batch of got bytes that followed a wait of
// last.
func (p *outputPipe) nextNap(last time.Duration, got int) time.Duration {
	switch {
	case got >= p.size/2:
		return 0 // the writer may be waiting for room
	case last == 0:
		return p.minNap
	default:
		return min(2*last, p.maxNap)
	}
}

// readAvailable reads what the pipe holds into c; eof is true at its end
// or on an error other than "nothing there yet".
func (p *outputPipe) readAvailable(c *capture, buf []byte) (got int, eof bool) {
	for {
		var n int
		var err error
		if cerr := p.rc.Read(func(fd uintptr) bool {
			n, err = syscall.Read(int(fd), buf)
			return true
		}); cerr != nil {
			return got, true
		}
		switch {
		case n > 0:
			p.reads++
			c.write(buf[:n])
			got += n
		case err == nil:
			return got, true // n == 0: every writer has closed it
		case errors.Is(err, syscall.EINTR):
		case errors.Is(err, syscall.EAGAIN):
			return got, false
		default:
			return got, true
		}
	}
}

// waitReadable waits up to d for data or the pipe's end; the read after it
// tells which, if either.
func (p *outputPipe) waitReadable(d time.Duration) {
	_ = p.rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		_, _ = unix.Poll(fds, int(d/time.Millisecond))
	})
}
