package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/docs"
)

// openAPIDocument serves GET /openapi.json: docs/openapi.yaml, embedded in
// the binary and converted to JSON once, when the routes are built.
func (s *Server) openAPIDocument() gin.HandlerFunc {
	doc, err := docs.OpenAPIJSON()
	if err != nil {
		panic(err) // the embedded document is fixed at build time; the tests load it
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "application/json", doc)
	}
}
