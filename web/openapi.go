package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDocument serves GET /openapi.json: docs/openapi.yaml, embedded in
// the binary and converted to JSON once, by NewServer.
func (s *Server) openAPIDocument(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", s.openAPIJSON)
}
