package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthTimeout bounds the database check, so /health answers within about
// a second even when the database hangs.
const healthTimeout = 800 * time.Millisecond

type poolJSON struct {
	Max               int32 `json:"max"`
	Total             int32 `json:"total"`
	Idle              int32 `json:"idle"`
	InUse             int32 `json:"in_use"`
	WaitingAcquires   int64 `json:"waiting_acquires"`
	AcquireCount      int64 `json:"acquire_count"`
	EmptyAcquireCount int64 `json:"empty_acquire_count"`
}

type healthJSON struct {
	Status    string   `json:"status"`
	Database  string   `json:"database"`
	Driver    string   `json:"driver"`
	LatencyMS *float64 `json:"latency_ms"`
	Pool      poolJSON `json:"pool"`
}

// health reports the database's reachability and the pool's figures. It
// needs no authentication and never shows the connection string.
func (s *Server) health(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), healthTimeout)
	defer cancel()
	latency, err := s.store.Ping(ctx)
	if err != nil && clientGone(c) {
		// The client hung up while the check waited: that says nothing
		// about the database, and nobody reads the answer.
		c.Status(statusClientClosed)
		return
	}
	st := s.store.PoolStats()
	out := healthJSON{
		Status: "ok", Database: "ok", Driver: "pgx",
		Pool: poolJSON{
			Max: st.Max, Total: st.Total, Idle: st.Idle, InUse: st.InUse,
			WaitingAcquires: st.Waiting, AcquireCount: st.AcquireCount, EmptyAcquireCount: st.EmptyAcquireCount,
		},
	}
	status := http.StatusOK
	if err != nil {
		s.log.Warn("health check failed", "error", err)
		out.Status, out.Database, status = "degraded", "unreachable", http.StatusServiceUnavailable
	} else {
		ms := float64(latency.Microseconds()) / 1000
		out.LatencyMS = &ms
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(status, out)
}
