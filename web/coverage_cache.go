package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// coverageTTL is how long everyone's coverage figures may be kept. From
// the first of the previous month on they read the kept ledger, 40-50 ms
// at 1,000,000 users; earlier ranges count every active employee's row,
// 3-4 s there (docs/PERFORMANCE.md, "Issue 12"): either is too much for
// every view of the month calendar, the start page and /metrics. A
// write this server answers makes the next read count afresh
// (figuresFollowWrites); another instance's write is seen within the TTL.
// (The database's notifications are gone: a notifying commit takes a
// database-wide lock, migration 00015.) One team's figures read only its
// members and are never kept.
const coverageTTL = 15 * time.Second

// coverageCacheSize bounds the ranges kept; past it the oldest go.
const coverageCacheSize = 32

// coverageCache keeps everyone's figures by range: one count at a time; the
// others wait for its figure.
type coverageCache struct {
	changes atomic.Uint64

	mu      sync.Mutex // held while counting
	entries map[coverageKey]coverageEntry
	now     func() time.Time
}

// coverageKey is what an entry holds: everyone's figures of a range, or
// only the short days of the teams with a minimum (shortOnly).
type coverageKey struct {
	q         models.CoverageQuery
	shortOnly bool
}

type coverageEntry struct {
	cov     *models.Coverage
	at      time.Time
	counted uint64
}

func newCoverageCache() *coverageCache {
	return &coverageCache{entries: map[coverageKey]coverageEntry{}, now: time.Now}
}

// invalidate makes every later get count afresh. It never blocks.
func (cc *coverageCache) invalidate() { cc.changes.Add(1) }

// get returns q's figures, counting with count when they are missing,
// invalidated or older than coverageTTL.
func (cc *coverageCache) get(ctx context.Context, q coverageKey, count func(context.Context, models.CoverageQuery) (*models.Coverage, error)) (*models.Coverage, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	now := cc.now()
	if e, ok := cc.entries[q]; ok && e.counted == cc.changes.Load() && now.Sub(e.at) < coverageTTL {
		return e.cov, nil
	}
	counted := cc.changes.Load()
	cov, err := count(ctx, q.q)
	if err != nil {
		return nil, err
	}
	if len(cc.entries) >= coverageCacheSize {
		for k, e := range cc.entries {
			if e.counted != counted || now.Sub(e.at) >= coverageTTL {
				delete(cc.entries, k)
			}
		}
		if len(cc.entries) >= coverageCacheSize {
			clear(cc.entries)
		}
	}
	cc.entries[q] = coverageEntry{cov: cov, at: now, counted: counted}
	return cov, nil
}

// figuresFollowWrites makes everyone's figures count afresh after any
// write this server answers without an error: an atomic add, never a wait.
func (s *Server) figuresFollowWrites(c *gin.Context) {
	c.Next()
	if m := c.Request.Method; m != http.MethodGet && m != http.MethodHead && c.Writer.Status() < http.StatusBadRequest {
		s.figures.invalidate()
	}
}

// coverage is q's figures: everyone's through the cache, one team's afresh.
func (s *Server) coverage(c *gin.Context, q models.CoverageQuery) (*models.Coverage, error) {
	if q.TeamID != 0 {
		return s.store.Coverage(c.Request.Context(), q)
	}
	return s.figures.get(c.Request.Context(), coverageKey{q: q}, s.store.Coverage)
}

// shortSoonDays is how far ahead the start page and /metrics look for
// short days: four weeks from today.
const shortSoonDays = 28

// shortDaysSoon is every team-date of the next four weeks below its team's
// minimum, through the cache, and the first of those days (today).
func (s *Server) shortDaysSoon(ctx context.Context) ([]models.ShortDay, schedule.Date, error) {
	org, err := s.store.Organisation(ctx)
	if err != nil {
		return nil, schedule.Date{}, err
	}
	today := schedule.Today(time.Now(), org.Location())
	q := models.CoverageQuery{From: today, To: today.AddDays(shortSoonDays - 1)}
	cov, err := s.figures.get(ctx, coverageKey{q: q, shortOnly: true}, func(ctx context.Context, q models.CoverageQuery) (*models.Coverage, error) {
		short, err := s.store.ShortDays(ctx, q.From, q.To)
		return &models.Coverage{Short: short}, err
	})
	if err != nil {
		return nil, today, err
	}
	return cov.Short, today, nil
}
