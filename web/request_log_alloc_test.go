package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// TestRequestLogAllocatesNothing holds the request line to no allocation
// of its own, with all six fields of a signed-in user's request: at
// LOG_LEVEL=info, the default, it is written for every request. It counts
// a request's allocations through Gin with the line and without it (make
// test runs it once more without -race, where the count means something).
func TestRequestLogAllocatesNothing(t *testing.T) {
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
		})
		w, r := httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/me", nil)
		return testing.AllocsPerRun(1000, func() { engine.ServeHTTP(w, r) })
	}
	without, with := allocs(), allocs(s.logRequests)
	if with != without {
		t.Errorf("a request allocates %v times with the request line, %v without: want no more", with, without)
	}
}
