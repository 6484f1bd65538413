package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkSignIn is POST /auth/token through the whole handler, throttle
// included, at the tests' bcrypt cost of 4 (about a millisecond, where
// production's 12 takes some 250), so that what the throttle's statements
// add shows:
//
//	go test -run '^$' -bench SignIn ./web
func BenchmarkSignIn(b *testing.B) {
	a := newApp(b, nil)
	a.user("asha@example.com", models.RoleEmployee)
	b.Run("Right", func(b *testing.B) {
		for b.Loop() {
			a.do(call{method: http.MethodPost, path: "/auth/token", from: "192.0.2.1", want: http.StatusOK,
				body: url.Values{"username": {"asha@example.com"}, "password": {"password1"}}})
		}
	})
	b.Run("Wrong", func(b *testing.B) {
		i := 0
		for b.Loop() {
			// A new account and address each time, so that none is throttled.
			n := strconv.Itoa(i)
			a.do(call{method: http.MethodPost, path: "/auth/token", from: "10.1." + strconv.Itoa(i/250%250) + "." + strconv.Itoa(i%250),
				want: http.StatusUnauthorized, body: url.Values{"username": {"nobody" + n + "@example.com"}, "password": {"wrong"}}})
			i++
		}
	})
}
