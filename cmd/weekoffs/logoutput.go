package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery is how long a buffered log line may wait to be written
// while the server is quiet; under load the buffer fills and is written
// sooner.
const logFlushEvery = 250 * time.Millisecond

// logBufferSize is the log buffer: some 300 request lines.
const logBufferSize = 64 << 10

// logOutput is where the logger writes. It writes each line through until
// serve turns buffering on. At LOG_LEVEL=info, the default, there is a line
// per request, and written through that is a system call per request, made
// under the log handler's lock with many requests waiting on it (about 3 µs
// a line against 1 µs buffered, BenchmarkRequestLog); buffered, the lines
// are written when the buffer fills, every logFlushEvery, at once for every
// warning and error (flushOnWarn), and when serving stops. A crash (not a
// clean stop) can lose the info lines of the last logFlushEvery.
type logOutput struct {
	mu  sync.Mutex
	w   io.Writer
	buf *bufio.Writer // nil while each line is written through
}

func newLogOutput(w io.Writer) *logOutput {
	return &logOutput{w: w}
}

// Write writes p, one whole log line, or buffers it. A write to w holds
// whole lines only, so that whatever else writes to the same file (the
// program's own messages, a panic's trace) never lands inside a line.
func (o *logOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.buf == nil {
		return o.w.Write(p)
	}
	if len(p) > o.buf.Available() {
		o.flushLocked()
	}
	n, err := o.buf.Write(p)
	if err != nil {
		o.buf.Reset(o.w)
	}
	return n, err
}

// Flush writes out whatever is buffered.
func (o *logOutput) Flush() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.flushLocked()
}

// flushLocked writes the buffer out. bufio.Writer keeps its first write
// error for ever; a log output that failed once (a full disk, a reader
// that went away for a moment) starts afresh instead, losing what it held.
func (o *logOutput) flushLocked() error {
	if o.buf == nil {
		return nil
	}
	err := o.buf.Flush()
	if err != nil {
		o.buf.Reset(o.w)
	}
	return err
}

// buffer turns buffering on, written out every flushEvery, until stop,
// which writes out what is left and writes each line through again.
func (o *logOutput) buffer(flushEvery time.Duration) (stop func()) {
	o.mu.Lock()
	o.buf = bufio.NewWriterSize(o.w, logBufferSize)
	o.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	var flusher sync.WaitGroup
	flusher.Go(func() {
		tick := time.NewTicker(flushEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				_ = o.Flush()
			case <-ctx.Done():
				return
			}
		}
	})
	return func() {
		cancel()
		flusher.Wait()
		o.mu.Lock()
		defer o.mu.Unlock()
		_ = o.flushLocked()
		o.buf = nil
	}
}

// flushOnWarn writes out a warning or an error, and whatever was buffered
// before it, as soon as it is logged: those are read when they happen.
type flushOnWarn struct {
	slog.Handler
	out *logOutput
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.out.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(attrs), h.out}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.out}
}
