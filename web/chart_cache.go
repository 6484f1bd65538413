package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// chartTTL is how long the week-off chart may be kept. Counting reads every
// active employee (about 40 ms for 100,000), too much for every page of the
// list; the page shows the time of the figure. Changes invalidate it sooner.
const chartTTL = 30 * time.Second

// chartCache keeps the latest week-off counts until a change to users is
// heard or chartTTL has passed. One request at a time counts; the others
// wait for its figure instead of counting as well.
//
// Changes are heard twice: writes through this server invalidate it when
// they answer (changesUsers), so an admin sees their own change at once; and
// every committed change by anyone, on any instance, reaches every instance
// through the database's notification (models.Store.OnUsersChanged), a
// moment later. While that listener is down the TTL bounds how stale the
// chart gets, and it may be stale by a change made elsewhere until then.
type chartCache struct {
	// changes counts invalidations. It is apart from mu, so that an
	// invalidation never waits for a count in progress: a count keeps the
	// number it started under, and its figure is stale if that moved on.
	changes atomic.Uint64

	mu      sync.Mutex // held while counting
	ttl     time.Duration
	counts  models.DayCounts
	at      time.Time
	counted uint64 // changes when the counts were taken
	valid   bool
	now     func() time.Time
}

func newChartCache(ttl time.Duration) *chartCache {
	return &chartCache{ttl: ttl, now: time.Now}
}

// get returns the cached counts and when they were taken, counting afresh
// with count when they are missing, invalidated or too old.
func (cc *chartCache) get(ctx context.Context, count func(context.Context) (models.DayCounts, error)) (models.DayCounts, time.Time, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.valid && cc.counted == cc.changes.Load() && cc.now().Sub(cc.at) < cc.ttl {
		return cc.counts, cc.at, nil
	}
	// Read before counting: a change that commits during the count moves
	// changes on, and the next get counts again.
	counted := cc.changes.Load()
	counts, err := count(ctx)
	if err != nil {
		return models.DayCounts{}, time.Time{}, err
	}
	cc.counts, cc.at, cc.counted, cc.valid = counts, cc.now(), counted, true
	return cc.counts, cc.at, nil
}

// invalidate makes the next get count afresh. It never blocks.
func (cc *chartCache) invalidate() {
	cc.changes.Add(1)
}

// changesUsers marks a route that may change who is off when: once it has
// answered below 400, the chart counts afresh. The database's notification
// (OnUsersChanged) would say so too, but a moment later: this makes the
// admin's next page show their own change, so a new route that writes users
// needs only this.
func (s *Server) changesUsers(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		h(c)
		if c.Writer.Status() < http.StatusBadRequest {
			s.chart.invalidate()
			s.figures.invalidate()
		}
	}
}
