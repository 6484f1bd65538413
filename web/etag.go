package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// etag is the user's version as an entity tag: it changes with every write.
func etag(u *models.User) string { return `"` + strconv.Itoa(u.Version) + `"` }

// writeUser answers with the user object and its ETag.
func writeUser(c *gin.Context, status int, u *models.User) {
	c.Header("ETag", etag(u))
	c.JSON(status, toUserJSON(u))
}

// ifMatch reads If-Match as the version a write is based on: 0 when the
// header is absent or "*" (no check). A tag that cannot match any version
// (weak, malformed) answers 412 itself and returns false.
func (s *Server) ifMatch(c *gin.Context) (int, bool) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return 0, true
	}
	if v, err := strconv.Atoi(strings.Trim(h, `"`)); err == nil && v > 0 && strings.HasPrefix(h, `"`) {
		return v, true
	}
	s.detail(c, http.StatusPreconditionFailed, staleDetail)
	return 0, false
}

const staleDetail = "The user was changed by someone else; fetch it again and retry"
