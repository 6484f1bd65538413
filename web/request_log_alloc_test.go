package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// TestRequestLogAllocations holds the request line, with all six fields of
// a signed-in user's request, to the one allocation that slog's JSON
// handler makes for any float it writes (duration_ms: it boxes the number
// for encoding/json); the line's own fields allocate nothing. At
// LOG_LEVEL=info, the default, it is written for every request. It counts
// a request's allocations through Gin with the line and without it (make
// test runs it once more without -race, where the count means something).
func TestRequestLogAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are not counted under the race detector")
	}
	s := &Server{log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	user := &models.User{ID: 42}
	allocs := func(middleware ...gin.HandlerFunc) float64 {
		engine := gin.New()
		engine.Use(middleware...)
		engine.GET("/me", func(c *gin.Context) {
			c.Set(userKey, user)
			c.Status(http.StatusOK)
			// Take a few microseconds, as a request does: a duration of
			// 0 would format without the allocation a real one costs.
			for start := time.Now(); time.Since(start) < 3*time.Microsecond; {
			}
		})
		w, r := httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/me", nil)
		return testing.AllocsPerRun(1000, func() { engine.ServeHTTP(w, r) })
	}
	without, with := allocs(), allocs(s.logRequests)
	if with > without+1 {
		t.Errorf("a request allocates %v times with the request line, %v without: want one more at most", with, without)
	}
}
