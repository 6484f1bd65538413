package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// chartTTL is how long the week-off chart may be stale. Counting reads every
// active employee (about 40 ms for 100,000), too much for every page of the
// list; the page shows the time of the figure.
const chartTTL = 30 * time.Second

// chartCache keeps the latest week-off counts for a while. One request at a
// time counts; the others wait for its figure instead of counting as well.
// Writes through this server invalidate it (changesUsers), so an admin sees
// their own changes at once; changes through other instances show within the TTL.
type chartCache struct {
	mu     sync.Mutex
	ttl    time.Duration
	counts models.DayCounts
	at     time.Time
	valid  bool
	now    func() time.Time
}

func newChartCache(ttl time.Duration) *chartCache {
	return &chartCache{ttl: ttl, now: time.Now}
}

// get returns the cached counts and when they were taken, counting afresh
// with count when they are missing or too old.
func (cc *chartCache) get(ctx context.Context, count func(context.Context) (models.DayCounts, error)) (models.DayCounts, time.Time, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.valid && cc.now().Sub(cc.at) < cc.ttl {
		return cc.counts, cc.at, nil
	}
	counts, err := count(ctx)
	if err != nil {
		return models.DayCounts{}, time.Time{}, err
	}
	cc.counts, cc.at, cc.valid = counts, cc.now(), true
	return cc.counts, cc.at, nil
}

// invalidate makes the next get count afresh.
func (cc *chartCache) invalidate() {
	cc.mu.Lock()
	cc.valid = false
	cc.mu.Unlock()
}

// changesUsers marks a route that may change who is off when: once it has
// answered below 400, the chart counts afresh. It is the one place that
// invalidates the chart, so a new route that writes users needs only this.
func (s *Server) changesUsers(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		h(c)
		if c.Writer.Status() < http.StatusBadRequest {
			s.chart.invalidate()
		}
	}
}
