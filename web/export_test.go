package web

import "time"

// MintToken signs a bearer token through the server's own code, for tests
// that need one without signing in.
func (s *Server) MintToken(email string) (string, error) {
	return s.tokens.issue(email, time.Now())
}

// SignInLimit is one allowance of the sign-in throttle: Burst failures at
// once, then one more per Refill.
type SignInLimit struct {
	Burst  int
	Refill time.Duration
}

// SignInLimits are the sign-in throttle's allowances per account and per
// client address.
func SignInLimits() (account, address SignInLimit) {
	return SignInLimit{accountBurst, accountRefill}, SignInLimit{addressBurst, addressRefill}
}

// RetryIn says a Retry-After of seconds in words, as the sign-in page does.
func RetryIn(seconds int) string { return retryIn(seconds) }
