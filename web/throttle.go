package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/weekoffs/weekoffs/models"
)

// Sign-in throttling: each account and each client address may fail
// signInBurst times in a row, then one more attempt per signInRefill. Only
// failures spend the allowance, so a user who signs in correctly is never slowed.
const (
	signInBurst  = 5
	signInRefill = 30 * time.Second
	// throttleMaxKeys bounds the memory an attacker can make us spend; full
	// buckets are dropped first, since they remember nothing.
	throttleMaxKeys = 100_000
)

// throttle keeps a token bucket per key ("acct:<email>", "addr:<ip>"). It is
// per process: behind a load balancer each instance counts on its own, which
// multiplies an attacker's allowance by the number of instances, no more.
type throttle struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	now     func() time.Time
}

func newThrottle() *throttle {
	return &throttle{buckets: map[string]*rate.Limiter{}, now: time.Now}
}

// wait returns how long the caller must wait before trying again under any
// of keys, or 0 when an attempt is allowed now.
func (t *throttle) wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	for _, k := range keys {
		if b, ok := t.buckets[k]; ok && b.TokensAt(now) < 1 {
			need := (1 - b.TokensAt(now)) * float64(signInRefill)
			longest = max(longest, time.Duration(math.Ceil(need)))
		}
	}
	return longest
}

// fail spends one attempt of each key's allowance.
func (t *throttle) fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.buckets) >= throttleMaxKeys {
		t.prune(now)
	}
	for _, k := range keys {
		b, ok := t.buckets[k]
		if !ok {
			b = rate.NewLimiter(rate.Every(signInRefill), signInBurst)
			t.buckets[k] = b
		}
		b.AllowN(now, 1)
	}
}

// succeed forgets an account's failures once its password was given right.
func (t *throttle) succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.buckets, account)
}

func (t *throttle) prune(now time.Time) {
	for k, b := range t.buckets {
		if b.TokensAt(now) >= signInBurst {
			delete(t.buckets, k)
		}
	}
}

// signInKeys are the throttle's keys for an attempt on email from addr.
func signInKeys(email, addr string) (account string, keys []string) {
	account = "acct:" + strings.ToLower(strings.TrimSpace(email))
	return account, []string{account, "addr:" + addr}
}

// signIn checks email and password under the sign-in throttle, for the
// token endpoint and the sign-in form alike. An attempt that must wait is a
// 429 with Retry-After; a wrong email or password is models.ErrPassword and
// spends the account's and the address's allowance; a right one forgets
// the account's failures.
func (s *Server) signIn(c *gin.Context, email, password string) (*models.User, error) {
	account, keys := signInKeys(email, c.ClientIP())
	if d := s.throttle.wait(keys...); d > 0 {
		return nil, errStatus(http.StatusTooManyRequests, "Too many failed sign-in attempts; try again later").
			withHeader("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
	u, err := s.store.Authenticate(c.Request.Context(), email, password)
	switch {
	case errors.Is(err, models.ErrPassword):
		s.throttle.fail(keys...)
	case err == nil:
		s.throttle.succeed(account)
	}
	return u, err
}
