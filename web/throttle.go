package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// The sign-in throttle's allowances, kept in PostgreSQL so that every
// instance counts alike (models.Store.SpendAttempt).
//
// An account may be tried accountBurst times, then once per accountRefill:
// this bounds password guessing against any one account, wherever it comes
// from. A right password forgets the account's failures.
//
// A client address may fail addressBurst times, then once per
// addressRefill: it is there against credential stuffing, one guess at each
// of many accounts. Only wrong passwords spend it, and it never refuses a
// right one, so an office behind one NAT address is never locked out by one
// person's typos: it takes a hundred failures, twenty people locking
// themselves out entirely, before anyone there is even slowed, and a
// drained allowance is whole again within the hour.
const (
	accountBurst  = 5
	accountRefill = 30 * time.Second
	addressBurst  = 100
	addressRefill = 36 * time.Second
)

// throttle names the sign-in throttle's allowances. Their keys are keyed
// hashes, so the table holds no email or address (nor a password typed
// into the email field), and nobody without the secret can tell whose a
// row is.
type throttle struct {
	key []byte
}

func newThrottle(secret string) *throttle {
	return &throttle{key: deriveKey(secret, "weekoffs sign-in throttle keys: hmac-sha256", 32)}
}

// allowances are the account's and the client address's allowances for an
// attempt on email from addr.
func (t *throttle) allowances(email, addr string) (account, address models.Allowance) {
	account = models.Allowance{Key: t.hash("account", strings.ToLower(strings.TrimSpace(email))), Burst: accountBurst, Refill: accountRefill}
	address = models.Allowance{Key: t.hash("address", addressKey(addr)), Burst: addressBurst, Refill: addressRefill}
	return account, address
}

func (t *throttle) hash(kind, value string) []byte {
	h := hmac.New(sha256.New, t.key)
	h.Write([]byte(kind + "\x00" + value))
	return h.Sum(nil)
}

// addressKey is what an address is counted as: an IPv6 address by its /64,
// the block one subscriber is usually given, so that an attacker cannot
// step through the addresses of their own network.
func addressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	if ip = ip.Unmap(); ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	return ip.String()
}

// signIn checks email and password under the sign-in throttle, for the
// token endpoint and the sign-in form alike. An attempt is first spent
// from both allowances, in one statement, so that concurrent attempts
// cannot slip past the count. Then:
//   - the account has no attempt left: 429 with Retry-After, without
//     checking the password;
//   - the password is right (the account may be deactivated,
//     models.ErrInactive): the account's failures are forgotten and the
//     address's attempt given back, even when the address has none left;
//   - the password is wrong: models.ErrPassword, or a 429 when the address
//     has no attempt left.
func (s *Server) signIn(c *gin.Context, email, password string) (*models.User, error) {
	ctx := c.Request.Context()
	account, address := s.throttle.allowances(email, c.ClientIP())
	spent, err := s.store.SpendAttempt(ctx, account, address)
	if err != nil {
		return nil, err
	}
	// The address gets back an attempt it gave unless the password was wrong.
	var refund []byte
	if spent[1].Allowed {
		refund = address.Key
	}
	if !spent[0].Allowed {
		s.forgive(c, nil, refund)
		return nil, errTooManyAttempts(spent[0].Wait)
	}
	u, err := s.store.Authenticate(ctx, email, password)
	switch {
	case err == nil || errors.Is(err, models.ErrInactive):
		s.forgive(c, account.Key, refund)
	case errors.Is(err, models.ErrPassword) && !spent[1].Allowed:
		return nil, errTooManyAttempts(spent[1].Wait)
	}
	return u, err
}

// forgive gives back what an attempt spent that was not a wrong password.
// Failing to costs the user part of an allowance, not the sign-in, so it
// is logged and the sign-in goes on.
func (s *Server) forgive(c *gin.Context, account, address []byte) {
	if account == nil && address == nil {
		return
	}
	if err := s.store.ForgiveAttempt(c.Request.Context(), account, address); err != nil {
		s.log.Warn("sign-in throttle: forgive attempt", "error", err)
	}
}

// msgTooMany is the JSON detail of a throttled sign-in.
const msgTooMany = "Too many failed sign-in attempts; try again later"

// errTooManyAttempts answers a sign-in attempt that must wait: 429 with
// Retry-After in whole seconds, at least one.
func errTooManyAttempts(wait time.Duration) *httpError {
	seconds := max(1, int(math.Ceil(wait.Seconds())))
	return errStatus(http.StatusTooManyRequests, msgTooMany).withHeader("Retry-After", strconv.Itoa(seconds))
}

// retryIn says a Retry-After in words: "30 seconds", "2 minutes" (rounded up).
func retryIn(seconds int) string {
	unit, n := "second", max(1, seconds)
	if n >= 60 {
		unit, n = "minute", (n+59)/60
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}
