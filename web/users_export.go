package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// exportParams are the list's query parameters that choose which users a
// file holds and in which order; the paging ones (limit, cursor, start) do
// not apply to a file of every match.
var exportParams = [...]string{"q", "role", "weekoff", "team", "sort"}

// Bounds of an export, which outlives REQUEST_TIMEOUT: a million users take
// seconds, and a slow reader longer. The file must be done within
// exportTimeout, and the reader must take each write within exportWriteWait,
// so that a reader who stops reading frees the database connection soon.
const (
	exportTimeout   = 10 * time.Minute
	exportWriteWait = 30 * time.Second
)

// ParseExportFilter reads an export's filters as the user list reads them,
// through the same parser and with the same problems: q, role, weekoff, team
// and sort; other parameters are left out. The command line's export reads
// its flags through it too, so that both select the same users.
func ParseExportFilter(q url.Values) (models.UserFilter, models.FieldErrors) {
	kept := url.Values{}
	for _, k := range exportParams {
		if v, ok := q[k]; ok {
			kept[k] = v
		}
	}
	return parseUserFilter(kept)
}

// exportURL is the address of the file of the users the list's query q
// selects, every one of them in the list's order.
func exportURL(q url.Values) string {
	kept := url.Values{}
	for _, k := range exportParams {
		if v := q.Get(k); v != "" {
			kept.Set(k, v)
		}
	}
	if len(kept) == 0 {
		return "/admin/users/export.csv"
	}
	return "/admin/users/export.csv?" + kept.Encode()
}

// exportUsers streams the users that the list's filters select as a CSV
// file: the same file for a signed-in admin's browser and for an API client.
// Once the first byte is sent the status cannot change, so a failure after
// it breaks the connection (no final chunk): the reader sees an incomplete
// download, never a file that looks whole.
func (s *Server) exportUsers(c *gin.Context) error {
	f, errs := ParseExportFilter(c.Request.URL.Query())
	if errs != nil {
		return errInvalid("query", errs)
	}
	org, err := s.store.Organisation(c.Request.Context())
	if err != nil {
		return err
	}
	name := "users-" + time.Now().In(org.Location()).Format(time.DateOnly) + ".csv"
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	if c.Request.Method == http.MethodHead {
		c.Status(http.StatusOK)
		return nil
	}

	// The export's own deadline, not the request's: the values stay, the
	// request's deadline goes. A reader who hangs up ends it through a failed write.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), exportTimeout)
	defer cancel()
	w := &patientWriter{w: c.Writer, rc: http.NewResponseController(c.Writer)}
	c.Status(http.StatusOK)
	n, err := s.store.ExportUsersCSV(ctx, f, w, func(int64) error { return w.rc.Flush() })
	if err == nil {
		return nil
	}
	if !c.Writer.Written() {
		// Nothing sent yet: answered as any error is, without the file's headers.
		for _, h := range []string{"Content-Type", "Content-Disposition"} {
			c.Writer.Header().Del(h)
		}
		return err
	}
	s.log.Warn("export stopped", "path", c.Request.URL.Path, "rows", n, "error", err)
	panic(http.ErrAbortHandler)
}

// patientWriter gives each write exportWriteWait from when it starts, in
// place of the server's WriteTimeout, which counts from the request's start
// and would cut a long file short. The deadline moves at most once a second.
// The database may send nothing for a while (a large export's sort), so the
// deadline moves before writing, not after.
type patientWriter struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	moved time.Time
}

func (p *patientWriter) Write(b []byte) (int, error) {
	if now := time.Now(); now.Sub(p.moved) >= time.Second {
		// Not every writer has a deadline to move (ErrNotSupported in tests).
		if err := p.rc.SetWriteDeadline(now.Add(exportWriteWait)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return 0, err
		}
		p.moved = now
	}
	return p.w.Write(b)
}
