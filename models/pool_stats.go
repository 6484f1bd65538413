package models

import (
	"context"
	"log/slog"
	"time"
)

// PoolStats is a snapshot of the pool's figures, as /health and the monitor report them.
type PoolStats struct {
	Max                  int32
	Total                int32
	Idle                 int32
	InUse                int32
	Waiting              int64 // acquires in progress
	AcquireCount         int64
	EmptyAcquireCount    int64 // acquires that found no idle connection
	CanceledAcquireCount int64
	NewConnsCount        int64
	AcquireDuration      time.Duration
	EmptyAcquireWaitTime time.Duration
}

// PoolStats reads the pool's statistics. database/sql's own Stats would be
// meaningless here: it holds no connections of its own.
func (s *Store) PoolStats() PoolStats {
	st := s.pool.Stat()
	return PoolStats{
		Max:                  st.MaxConns(),
		Total:                st.TotalConns(),
		Idle:                 st.IdleConns(),
		InUse:                st.AcquiredConns(),
		Waiting:              s.acquiring.Load(),
		AcquireCount:         st.AcquireCount(),
		EmptyAcquireCount:    st.EmptyAcquireCount(),
		CanceledAcquireCount: st.CanceledAcquireCount(),
		NewConnsCount:        st.NewConnsCount(),
		AcquireDuration:      st.AcquireDuration(),
		EmptyAcquireWaitTime: st.EmptyAcquireWaitTime(),
	}
}

// Ping checks the database with a round trip through the pool and says how long it took.
func (s *Store) Ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	conn, err := s.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	if err := conn.Ping(ctx); err != nil {
		return 0, unavailable(err)
	}
	return time.Since(start), nil
}

// pressured reports whether the pool is near exhaustion: 80% of its
// connections in use, acquires waiting on a pool with nothing idle, or
// acquires that gave up waiting since the previous sample.
func pressured(prev, cur PoolStats) bool {
	switch {
	case cur.InUse*5 >= cur.Max*4:
		return true
	case cur.Waiting > 0 && cur.Idle == 0 && cur.Total >= cur.Max:
		return true
	}
	return cur.CanceledAcquireCount > prev.CanceledAcquireCount
}

// monitor samples the pool every interval and logs a warning when it comes
// under pressure and an info line when it recovers: crossings, not every sample.
func (s *Store) monitor(ctx context.Context, interval time.Duration) {
	defer close(s.monitorDone)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	prev, warned := s.PoolStats(), false
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		cur := s.PoolStats()
		p := pressured(prev, cur)
		switch {
		case p && !warned:
			s.log.Warn("database pool near exhaustion", poolAttrs(prev, cur)...)
		case !p && warned:
			s.log.Info("database pool recovered", poolAttrs(prev, cur)...)
		}
		warned, prev = p, cur
	}
}

func poolAttrs(prev, cur PoolStats) []any {
	return []any{
		slog.Int("in_use", int(cur.InUse)),
		slog.Int("max", int(cur.Max)),
		slog.Int("idle", int(cur.Idle)),
		slog.Int64("waiting_acquires", cur.Waiting),
		slog.Int64("empty_acquires", cur.EmptyAcquireCount-prev.EmptyAcquireCount),
		slog.Int64("canceled_acquires", cur.CanceledAcquireCount-prev.CanceledAcquireCount),
	}
}
