package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// logRequests writes one structured line per request. The query string is
// left out: it can carry search text and cursors that are nobody's business
// in the logs.
//
// It is on every request's path, so its fields allocate nothing (slog's
// JSON handler still boxes duration_ms, as it does any float): it calls the
// handler itself (as slog's Logger would, but without looking up the
// caller's source line, which the line never shows), and its six fields,
// one more than a slog.Record holds without allocating, travel as one
// unnamed group, which handlers write as the line's own fields, over an
// array reused through s.requestLines. The handlers this logger is built
// with (cmd/weekoffs) write the record before Handle returns and keep none
// of it, so the array can be reused at once.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	ctx := c.Request.Context()
	h := s.log.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	end := time.Now()
	line, _ := s.requestLines.Get().(*requestLine)
	if line == nil {
		line = new(requestLine)
	}
	attrs := append(line.attrs[:0],
		slog.String("method", c.Request.Method),
		slog.String("path", loggedPath(c)),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(end.Sub(start).Microseconds())/1000),
		slog.Int("bytes", c.Writer.Size()),
	)
	if u := currentUser(c); u != nil {
		attrs = append(attrs, slog.Int64("user_id", u.ID))
	}
	r := slog.NewRecord(end, level, "request", 0)
	r.AddAttrs(slog.Attr{Value: slog.GroupValue(attrs...)})
	_ = h.Handle(ctx, r)
	line.attrs = [len(line.attrs)]slog.Attr{} // holds no request's strings while pooled
	s.requestLines.Put(line)
}

// feedRoute is the route whose path is a secret: a calendar feed's key.
const feedRoute = "/calendar/:file"

// loggedPath is the request's path as the log may keep it: a calendar
// feed's address is its credential, so its route stands in for it.
func loggedPath(c *gin.Context) string {
	if c.FullPath() == feedRoute {
		return feedRoute
	}
	return c.Request.URL.Path
}

// requestLine holds the fields of one request line while it is written.
type requestLine struct {
	attrs [6]slog.Attr
}

// requestDeadline bounds every request, so that no request waits on the
// database for ever: the deadline reaches PostgreSQL through the context.
func (s *Server) requestDeadline(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// recoverPanics turns a panic into a logged 500 that shows nothing of it.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "path", loggedPath(c), "panic", v, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.fail(c, errStatus(http.StatusInternalServerError, "Internal Server Error"))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// contentSecurityPolicy allows scripts, styles and images from this site
// only: no inline script (so injected markup cannot run), no framing (so
// no click-jacking), and no inline styles either: none are needed.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. They are built
// once (newSecurityHeaders) and shared read-only: setting them one by one
// allocated on every request of the hottest route.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for k, v := range s.secHeaders {
		h[k] = v
	}
	c.Next()
}

func newSecurityHeaders() http.Header {
	h := http.Header{}
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	return h
}
