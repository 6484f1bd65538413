package modelstest

import (
	"bytes"
	"sync"
)

// SyncBuffer collects output written from several goroutines, such as a
// logger's or a child process's stdout and stderr, which exec copies from
// two goroutines; read it with String while the writers go on.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
