package models_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestExportUsersCSVLargeFile shows that the export writes users as they
// are read instead of reading them all first: when its first user reaches
// the writer, the live heap has grown by far less than the users would take
// (about 6 MB for 20,000 of them as strings). It is not parallel, so that
// no other test's allocations cloud the heap. Then, that a file which takes
// longer than the connection's statement_timeout is still written whole.
func TestExportUsersCSVLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 20,000 users")
	}
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	const users = 20000
	if _, err := s.Seed(t.Context(), users, "password1", nil); err != nil {
		t.Fatal(err)
	}
	before := liveHeap()
	w := &heapAtFirstRow{}
	n, err := s.ExportUsersCSV(t.Context(), models.UserFilter{Sort: "name"}, w, nil)
	if err != nil || n != users {
		t.Fatalf("exported %d users (%v), want %d", n, err, users)
	}
	if w.heap == 0 {
		t.Fatal("no row was written")
	}
	grown := int64(w.heap) - int64(before)
	t.Logf("live heap at the first row: %+d KiB over %d users", grown/1024, users)
	if grown > 2<<20 {
		t.Errorf("the live heap grew by %d KiB before the first user was written: the users were read first", grown/1024)
	}

	// A statement_timeout meant for requests' short queries (DB_STATEMENT_TIMEOUT,
	// or one set on the role behind PgBouncer) does not cut the file short.
	cfg.StatementTimeout = 10 * time.Millisecond
	short := modelstest.Open(t, cfg, nil)
	var slept string
	if err := short.GormDB().Raw("SELECT pg_sleep(0.05)::text").Row().Scan(&slept); !models.IsUnavailable(err) {
		t.Fatalf("a 50 ms query under a 10 ms statement_timeout: got %v, want it cancelled", err)
	}
	var file bytes.Buffer
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if n, err := short.ExportUsersCSV(ctx, models.UserFilter{Sort: "-email"}, &file, nil); err != nil || n != users {
		t.Errorf("under a 10 ms statement_timeout: exported %d users (%v), want %d", n, err, users)
	}
}

// heapAtFirstRow notes the live heap when the file's third line (its first
// user, after the header) is written.
type heapAtFirstRow struct {
	lines int
	heap  uint64
}

func (w *heapAtFirstRow) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte("\n"))
	if w.heap == 0 && w.lines >= 2 {
		w.heap = liveHeap()
	}
	return len(p), nil
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestExportUsersCSVStopsOnWriteError shows that a writer that fails (a
// reader gone) stops the export with its error, and leaves the store
// working: the connection the export held is given back or replaced.
func TestExportUsersCSVStopsOnWriteError(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	if _, err := s.Seed(t.Context(), 5000, "password1", nil); err != nil {
		t.Fatal(err)
	}
	gone := errors.New("reader gone")
	flushes := 0
	n, err := s.ExportUsersCSV(t.Context(), models.UserFilter{Sort: "name"}, failingWriter{after: 3, err: gone, n: new(int)}, func(int64) error {
		flushes++
		return nil
	})
	if !errors.Is(err, gone) || n >= 5000 {
		t.Fatalf("got %d rows and %v, want the writer's error before the end", n, err)
	}
	if flushes != 1 {
		t.Errorf("flushed %d times, want once (the header) before the writer failed", flushes)
	}
	if _, err := s.UserByEmail(t.Context(), models.SeedAdminEmail); err != nil {
		t.Errorf("the store after a stopped export: %v", err)
	}
}

// failingWriter takes after writes, then fails with err.
type failingWriter struct {
	after int
	err   error
	n     *int
}

func (w failingWriter) Write(p []byte) (int, error) {
	*w.n++
	if *w.n > w.after {
		return 0, w.err
	}
	return len(p), nil
}
