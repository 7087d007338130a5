//go:build !linux

package checks

import (
	"fmt"
	"os"
	"time"
)

// outputPipe is where a check writes: w goes to the command, r is read.
// Here it is a plain pipe read as the runtime's poller says it has data
// (output_linux.go reads in batches).
type outputPipe struct{ r, w *os.File }

func newOutputPipe() (*outputPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	return &outputPipe{r: r, w: w}, nil
}

func (p *outputPipe) closeWrite() { p.w.Close() }

func (p *outputPipe) closeRead() { p.r.Close() }

// copyTo reads the pipe into c until EOF or until stop is closed.
func (p *outputPipe) copyTo(c *capture, _, stop <-chan struct{}) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-stop:
			// A process that left the group still holds the pipe.
			if p.r.SetReadDeadline(time.Now()) != nil {
				p.r.Close()
			}
		case <-done:
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := p.r.Read(buf)
		if n > 0 {
			c.write(buf[:n])
		}
		if err != nil {
			break // EOF, or the deadline that ends a drain
		}
	}
	c.flushLine()
}
