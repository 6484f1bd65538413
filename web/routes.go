package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes is the sitemap: every route of weekoffs, in one place.
//
// Handlers return an error and the wrapper around them answers it: api and
// adminAPI (bearer token, JSON errors), page and adminPage (session cookie,
// error pages, cross-origin posts refused), publicAPI and publicPage for
// routes without a sign-in. A path with both forms answers by Accept
// (byAccept). Every GET route answers HEAD too (get): net/http sends no
// body for HEAD.
func (s *Server) routes() {
	r := s.engine
	get := func(path string, h gin.HandlerFunc) { r.Match(getAndHead, path, h) }
	// The request log and the metrics are outermost, so that they see the
	// 500 that recoverPanics makes of a panic.
	r.Use(s.logRequests)
	if s.metrics != nil { // METRICS=on
		r.Use(s.metrics.observe)
		get("/metrics", s.publicAPI(s.metrics.serve))
	}
	r.Use(s.recoverPanics, s.securityHeaders, s.requestDeadline)
	r.Use(s.figuresFollowWrites)
	r.NoRoute(s.notFound)
	r.NoMethod(s.methodNotAllowed)

	get("/static/*name", gin.WrapH(s.assets.Handler()))
	get("/openapi.json", s.openAPIDocument)
	get("/docs", s.docsPage)
	get("/health", s.health)
	r.POST("/auth/token", s.publicAPI(s.issueToken))

	get("/", s.page(s.startPage))
	get("/login", s.publicPage(s.loginPage))
	r.POST("/login", s.publicPage(s.login))
	r.POST("/logout", s.publicPage(s.logout))

	get("/me", s.byAccept(s.page(s.mePage), s.api(s.getMe)))
	r.PUT("/me/weekoffs", s.selfAPI(s.putMyWeekoffs))
	r.POST("/me/weekoffs", s.page(s.unlessApproval(s.postMyWeekoffs, s.requestMyWeekoffsForm)))
	get("/me/schedule", s.api(s.getUserSchedule(meID)))
	r.PUT("/me/schedule", s.api(s.unlessApproval(s.putUserSchedule(meID), s.requestMySchedule)))
	r.POST("/me/schedule", s.page(s.unlessApproval(s.postMySchedule, s.requestMyScheduleForm)))
	r.DELETE("/me/schedule/:sid", s.api(s.cancelUserSchedule(meID)))
	r.POST("/me/schedule/:sid/cancel", s.page(s.cancelMyScheduleForm))
	get("/me/calendar", s.byAccept(s.page(s.myCalendarPage), s.api(s.getCalendar(meID))))
	r.POST("/me/calendar-feed", s.byAccept(s.page(s.newCalendarFeedPage), s.api(s.newCalendarFeed)))
	get(feedRoute, s.publicAPI(s.calendarFeed))
	r.PUT("/me/password", s.api(s.putMyPassword))
	r.POST("/me/password", s.page(s.postMyPassword))
	get("/me/requests", s.api(s.myRequests))
	r.DELETE("/me/requests/:id", s.api(s.withdrawMyRequest))
	r.POST("/me/requests/:id/withdraw", s.page(s.withdrawMyRequestForm))

	get("/admin/users", s.byAccept(s.adminPage(s.usersPage), s.adminAPI(s.listUsers)))
	r.POST("/admin/users", s.byAccept(s.adminPage(s.createUserForm), s.adminAPI(s.createUser)))
	get("/admin/users/new", s.byAccept(s.adminPage(s.newUserPage), s.adminAPI(s.getUser)))
	get("/admin/users/export.csv", s.byAccept(s.adminPage(s.exportUsers), s.adminAPI(s.exportUsers)))
	get("/admin/users/import", s.adminPage(s.importPage))
	r.POST("/admin/users/import", s.byAccept(s.adminPage(s.importUsersForm), s.adminAPI(s.importUsers)))
	r.POST("/admin/users/bulk", s.byAccept(s.adminPage(s.bulkUsersForm), s.adminAPI(s.bulkUsers)))
	get("/admin/jobs/:id", s.byAccept(s.adminPage(s.jobPage), s.adminAPI(s.getJob)))
	get("/admin/users/:id", s.byAccept(s.adminPage(s.userPage), s.adminAPI(s.getUser)))
	r.PATCH("/admin/users/:id", s.adminAPI(s.patchUser))
	get("/admin/users/:id/history", s.adminAPI(s.userHistory))
	r.POST("/admin/users/:id", s.adminPage(s.updateUserForm))
	get("/admin/users/:id/schedule", s.adminAPI(s.getUserSchedule(idParam)))
	r.PUT("/admin/users/:id/schedule", s.adminAPI(s.putUserSchedule(idParam)))
	r.POST("/admin/users/:id/schedule", s.adminPage(s.postUserScheduleForm))
	r.DELETE("/admin/users/:id/schedule/:sid", s.adminAPI(s.cancelUserSchedule(idParam)))
	r.POST("/admin/users/:id/schedule/:sid/cancel", s.adminPage(s.cancelUserScheduleForm))
	get("/admin/users/:id/calendar", s.adminAPI(s.getCalendar(idParam)))

	get("/admin/teams", s.byAccept(s.adminPage(s.teamsPage), s.adminAPI(s.listTeams)))
	r.POST("/admin/teams", s.byAccept(s.adminPage(s.createTeamForm), s.adminAPI(s.createTeam)))
	get("/admin/teams/:id", s.byAccept(s.adminPage(s.teamPage), s.adminAPI(s.getTeam)))
	r.PATCH("/admin/teams/:id", s.adminAPI(s.patchTeam))
	r.POST("/admin/teams/:id", s.adminPage(s.updateTeamForm))
	r.DELETE("/admin/teams/:id", s.adminAPI(s.deleteTeam))
	r.POST("/admin/teams/:id/delete", s.adminPage(s.deleteTeamForm))
	get("/admin/teams/:id/schedule", s.adminAPI(s.getScopeSchedule(teamOfPath)))
	r.PUT("/admin/teams/:id/schedule", s.adminAPI(s.putScopeSchedule(teamOfPath)))
	r.POST("/admin/teams/:id/schedule", s.adminPage(s.postTeamScheduleForm))
	r.DELETE("/admin/teams/:id/schedule/:sid", s.adminAPI(s.cancelScopeSchedule(teamOfPath)))
	r.POST("/admin/teams/:id/schedule/:sid/cancel", s.adminPage(s.cancelTeamScheduleForm))

	get("/admin/coverage", s.adminAPI(s.getCoverage))
	get("/admin/calendar", s.adminPage(s.coverageMonthPage))
	get("/admin/calendar/day", s.adminPage(s.coverageDayPage))
	get("/admin/requests", s.byAccept(s.adminPage(s.requestsPage), s.adminAPI(s.listRequests)))
	r.POST("/admin/requests/:id/approve", s.byAccept(s.adminPage(s.approveRequestForm), s.adminAPI(s.approveRequest)))
	r.POST("/admin/requests/:id/reject", s.byAccept(s.adminPage(s.rejectRequestForm), s.adminAPI(s.rejectRequest)))

	get("/admin/organisation", s.byAccept(s.adminPage(s.organisationPage), s.adminAPI(s.getOrganisation)))
	r.PATCH("/admin/organisation", s.adminAPI(s.patchOrganisation))
	r.POST("/admin/organisation", s.adminPage(s.updateOrganisationForm))
	get("/admin/organisation/schedule", s.adminAPI(s.getScopeSchedule(organisation)))
	r.PUT("/admin/organisation/schedule", s.adminAPI(s.putScopeSchedule(organisation)))
	r.POST("/admin/organisation/schedule", s.adminPage(s.postOrganisationScheduleForm))
	r.DELETE("/admin/organisation/schedule/:sid", s.adminAPI(s.cancelScopeSchedule(organisation)))
	r.POST("/admin/organisation/schedule/:sid/cancel", s.adminPage(s.cancelOrganisationScheduleForm))
}

// getAndHead are the methods of a route that reads: HEAD answers as GET.
var getAndHead = []string{http.MethodGet, http.MethodHead}
