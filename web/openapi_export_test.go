package web

import "github.com/gin-gonic/gin"

// Routes lists the routes the router registers, for the tests that hold
// them against the OpenAPI document.
func (s *Server) Routes() gin.RoutesInfo {
	return s.engine.Routes()
}
