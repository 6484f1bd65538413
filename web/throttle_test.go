package web_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/web"
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
	a.user("carol@example.com", models.RoleEmployee)
	account, address := web.SignInLimits()

	t.Run("PerAccount", func(t *testing.T) {
		for i := range account.Burst {
			// Each from another address: the account's own count trips.
			wantStatus(t, a.signIn("asha@example.com", "wrong-password", "198.51.100."+strconv.Itoa(i+1)), http.StatusUnauthorized)
		}
		res := a.signIn("asha@example.com", "password1", "198.51.100.99")
		wantStatus(t, res, http.StatusTooManyRequests)
		wantRetryAfter(t, res, account.Refill)
		// Other accounts are not locked out by it.
		wantStatus(t, a.signIn("ben@example.com", "password1", "198.51.100.99"), http.StatusOK)
	})
	t.Run("OfficeBehindOneAddress", func(t *testing.T) {
		// One person locks their own account from the office's one address…
		for range account.Burst {
			wantStatus(t, a.signIn("carol@example.com", "typo", "192.0.2.10"), http.StatusUnauthorized)
		}
		wantStatus(t, a.signIn("carol@example.com", "password1", "192.0.2.10"), http.StatusTooManyRequests)
		// …and everyone else there still signs in.
		wantStatus(t, a.signIn("ben@example.com", "password1", "192.0.2.10"), http.StatusOK)
	})
	t.Run("PerAddressCountsFailuresOnly", func(t *testing.T) {
		const office = "203.0.113.7"
		for range address.Burst + 1 { // successes spend nothing
			wantStatus(t, a.signIn("ben@example.com", "password1", office), http.StatusOK)
		}
		for i := range address.Burst {
			wantStatus(t, a.signIn("nobody"+strconv.Itoa(i)+"@example.com", "guess", office), http.StatusUnauthorized)
		}
		res := a.signIn("ben@example.com", "wrong-password", office)
		wantStatus(t, res, http.StatusTooManyRequests)
		wantRetryAfter(t, res, address.Refill)
		// A correct password is never refused while its account is not itself throttled.
		wantStatus(t, a.signIn("ben@example.com", "password1", office), http.StatusOK)
		wantStatus(t, a.signIn("ben@example.com", "wrong-password", "203.0.113.8"), http.StatusUnauthorized)
	})
	t.Run("ForwardedForIsNotTrustedByDefault", func(t *testing.T) {
		for i := range address.Burst {
			forwarded := http.Header{"X-Forwarded-For": {"192.0.2." + strconv.Itoa(i%250)}}
			a.do(call{method: http.MethodPost, path: "/auth/token", body: "username=x" + strconv.Itoa(i) + "@example.com&password=nope",
				contentType: formType, header: forwarded, from: "198.18.0.1", want: http.StatusUnauthorized})
		}
		wantStatus(t, a.signIn("ben@example.com", "wrong-password", "198.18.0.1"), http.StatusTooManyRequests)
	})
}

// wantRetryAfter fails unless the response says, in whole seconds, to wait
// a moment no longer than most.
func wantRetryAfter(t *testing.T, res *httptest.ResponseRecorder, most time.Duration) {
	t.Helper()
	if s, err := strconv.Atoi(res.Header().Get("Retry-After")); err != nil || s < 1 || s > int(most.Seconds()) {
		t.Errorf("Retry-After: got %q, want 1 to %.0f seconds", res.Header().Get("Retry-After"), most.Seconds())
	}
}

// TestRetryIn: the sign-in page says Retry-After in words, rounded up.
func TestRetryIn(t *testing.T) {
	t.Parallel()
	for seconds, want := range map[int]string{
		0: "1 second", 1: "1 second", 30: "30 seconds", 59: "59 seconds",
		60: "1 minute", 61: "2 minutes", 120: "2 minutes", 3600: "60 minutes",
	} {
		if got := web.RetryIn(seconds); got != want {
			t.Errorf("RetryIn(%d): got %q, want %q", seconds, got, want)
		}
	}
}
