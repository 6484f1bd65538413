package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes is the sitemap: every route of weekoffs, in one place.
func (s *Server) routes() {
	r := s.engine
	r.Use(s.recoverPanics, s.logRequests, s.requestDeadline)
	if s.metrics != nil { // METRICS=on
		r.Use(s.metrics.observe)
		r.GET("/metrics", s.metrics.serve)
	}
	r.NoRoute(func(c *gin.Context) { s.detail(c, http.StatusNotFound, "Not Found") })
	r.NoMethod(func(c *gin.Context) { s.detail(c, http.StatusMethodNotAllowed, "Method Not Allowed") })

	r.GET("/static/*name", gin.WrapH(s.assets.Handler()))
	r.GET("/health", s.health)
	r.POST("/auth/token", s.issueToken)

	me := r.Group("/me", s.requireUser)
	me.GET("", s.getMe)
	me.PUT("/weekoffs", s.putMyWeekoffs)
	me.PUT("/password", s.putMyPassword)

	admin := r.Group("/admin", s.requireUser, s.requireAdmin)
	admin.GET("/users", s.listUsers)
	admin.POST("/users", s.createUser)
	admin.GET("/users/:id", s.getUser)
	admin.PATCH("/users/:id", s.patchUser)
}
