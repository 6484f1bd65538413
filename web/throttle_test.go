package web_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// TestSignInTimingHidesUnknownEmails compares the time a wrong password and an
// unknown email take, at a real bcrypt cost: they must be alike, or timing
// would tell an attacker which emails have accounts.
func TestSignInTimingHidesUnknownEmails(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.BcryptCost = 8 })
	a.user("asha@example.com", models.RoleEmployee)
	// Interleaved, so that a change in the machine's load hits both alike.
	attempt := func(email string, i int) time.Duration {
		start := time.Now()
		wantStatus(t, a.signIn(email, "wrong-password", "10.9."+strconv.Itoa(i/200)+"."+strconv.Itoa(i%200)), http.StatusUnauthorized)
		return time.Since(start)
	}
	var knownTimes, unknownTimes []time.Duration
	for i := range 5 { // the account throttle allows five failures
		knownTimes = append(knownTimes, attempt("asha@example.com", 2*i))
		unknownTimes = append(unknownTimes, attempt("nobody"+strconv.Itoa(i)+"@example.com", 2*i+1))
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	known, unknown := median(knownTimes), median(unknownTimes)
	if ratio := float64(unknown) / float64(known); ratio < 0.5 || ratio > 2 {
		t.Errorf("unknown email took %s, wrong password %s: ratio %.2f, want close to 1", unknown, known, ratio)
	}
}

func TestSignInThrottling(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.user("asha@example.com", models.RoleEmployee)
	a.user("ben@example.com", models.RoleEmployee)

	t.Run("PerAccount", func(t *testing.T) {
		for i := range 5 {
			// Each from another address: the account's own count trips.
			wantStatus(t, a.signIn("asha@example.com", "wrong-password", "198.51.100."+strconv.Itoa(i+1)), http.StatusUnauthorized)
		}
		res := a.signIn("asha@example.com", "password1", "198.51.100.99")
		wantStatus(t, res, http.StatusTooManyRequests)
		if s, err := strconv.Atoi(res.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Errorf("Retry-After: got %q, want seconds", res.Header().Get("Retry-After"))
		}
		// Other accounts are not locked out by it.
		wantStatus(t, a.signIn("ben@example.com", "password1", "198.51.100.99"), http.StatusOK)
	})
	t.Run("PerAddress", func(t *testing.T) {
		for i := range 5 {
			wantStatus(t, a.signIn("nobody"+strconv.Itoa(i)+"@example.com", "guess", "203.0.113.7"), http.StatusUnauthorized)
		}
		wantStatus(t, a.signIn("ben@example.com", "password1", "203.0.113.7"), http.StatusTooManyRequests)
		wantStatus(t, a.signIn("ben@example.com", "password1", "203.0.113.8"), http.StatusOK)
	})
	t.Run("ForwardedForIsNotTrustedByDefault", func(t *testing.T) {
		for range 5 {
			forwarded := http.Header{"X-Forwarded-For": {"192.0.2." + strconv.Itoa(time.Now().Nanosecond()%250)}}
			a.do(call{method: http.MethodPost, path: "/auth/token", body: "username=x@example.com&password=nope",
				contentType: formType, header: forwarded, from: "198.18.0.1", want: http.StatusUnauthorized})
		}
		wantStatus(t, a.signIn("ben@example.com", "password1", "198.18.0.1"), http.StatusTooManyRequests)
	})
}
