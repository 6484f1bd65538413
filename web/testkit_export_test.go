package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
)

// SessionCookieFor mints the session cookie that signing in as the user
// sets, through the same code as the sign-in form (startSession, under the
// user's current session epoch), for tests that need a signed-in browser
// without going through the form.
func (s *Server) SessionCookieFor(ctx context.Context, userID int64) (*http.Cookie, error) {
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequestWithContext(ctx, http.MethodPost, "/login", nil)
	if err := s.startSession(c, userID); err != nil {
		return nil, err
	}
	for _, cookie := range rec.Result().Cookies() {
		if cookie.Name == s.sessions.name {
			return cookie, nil
		}
	}
	return nil, errors.New("startSession set no session cookie")
}
