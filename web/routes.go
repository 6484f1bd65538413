package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes is the sitemap: every route of weekoffs, in one place.
func (s *Server) routes() {
	r := s.engine
	r.Use(s.recoverPanics, s.logRequests, s.securityHeaders, s.requestDeadline)
	if s.metrics != nil { // METRICS=on
		r.Use(s.metrics.observe)
		r.GET("/metrics", s.metrics.serve)
	}
	r.NoRoute(s.notFound)
	r.NoMethod(func(c *gin.Context) { s.detail(c, http.StatusMethodNotAllowed, "Method Not Allowed") })

	r.GET("/static/*name", gin.WrapH(s.assets.Handler()))
	r.GET("/openapi.json", s.openAPIDocument())
	r.GET("/docs", s.docsPage())
	r.GET("/health", s.health)
	r.POST("/auth/token", s.issueToken)

	// Browsers sign in with a form and carry a session cookie. Pages (s.page,
	// s.adminPage) take only the session and refuse cross-origin posts; the
	// JSON API (s.api, s.adminAPI) takes only bearer tokens. A path with both
	// forms answers by Accept (s.byAccept).
	r.GET("/", s.page(s.startPage))
	r.GET("/login", s.loginPage)
	r.POST("/login", s.login)
	r.POST("/logout", s.logout)

	r.GET("/me", s.byAccept(s.page(s.mePage), s.api(s.getMe)))
	r.PUT("/me/weekoffs", s.api(s.putMyWeekoffs))
	r.POST("/me/weekoffs", s.page(s.postMyWeekoffs))
	r.PUT("/me/password", s.api(s.putMyPassword))
	r.POST("/me/password", s.page(s.postMyPassword))

	r.GET("/admin/users", s.byAccept(s.adminPage(s.usersPage), s.adminAPI(s.listUsers)))
	r.POST("/admin/users", s.byAccept(s.adminPage(s.createUserForm), s.adminAPI(s.createUser)))
	r.GET("/admin/users/new", s.byAccept(s.adminPage(s.newUserPage), s.adminAPI(s.getUser)))
	r.GET("/admin/users/:id", s.byAccept(s.adminPage(s.userPage), s.adminAPI(s.getUser)))
	r.PATCH("/admin/users/:id", s.adminAPI(s.patchUser))
	r.GET("/admin/users/:id/history", s.adminAPI(s.userHistory))
	r.POST("/admin/users/:id", s.adminPage(s.updateUserForm))
}
