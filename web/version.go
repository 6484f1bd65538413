package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// etag is the user's version as an entity tag: it changes with every write.
func etag(u *models.User) string { return `"` + strconv.Itoa(u.Version) + `"` }

// gzipETagSuffix is what the compressor adds to the ETag of a compressed
// response: "5" is sent as "5-gzip".
const gzipETagSuffix = "-gzip"

// ifMatch reads If-Match as the version a JSON write is based on: 0 when the
// header is absent or "*" (no check). A tag that cannot match any version
// (weak, malformed) is a 412: nothing may be written on a guess. The tag of
// a compressed response names the same version as the plain one: a client
// sends back whichever it was given.
func ifMatch(c *gin.Context) (int, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	tag, quoted := strings.CutPrefix(h, `"`)
	if !quoted {
		return 0, errStatus(http.StatusPreconditionFailed, staleDetail)
	}
	tag = strings.TrimSuffix(tag, `"`)
	return parseVersion(strings.TrimSuffix(tag, gzipETagSuffix))
}

// formVersion is the user version a form was drawn from, its hidden
// "version" field: 0 (no check) when the form has none, and for a malformed
// one the same answer as a stale one, since it cannot match any version.
func formVersion(form url.Values) (int, error) {
	v := form.Get("version")
	if v == "" {
		return 0, nil
	}
	return parseVersion(v)
}

// parseVersion reads a version number; one that no user can have is stale.
func parseVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, models.ErrStale
	}
	return v, nil
}
