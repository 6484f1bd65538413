package web

import (
	"cmp"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// usersPage is the admin list of users: the HTML form of GET /admin/users.
// It reads the same query as the JSON list, through the same parser. Refused
// filters are shown beside their fields, and no list is read.
func (s *Server) usersPage(c *gin.Context) error {
	q := c.Request.URL.Query()
	v := templates.UsersView{
		Query: q.Get("q"), Role: q.Get("role"), Weekoff: q.Get("weekoff"), Team: q.Get("team"),
		Sort: cmp.Or(q.Get("sort"), "name"), Limit: models.ListLimitDefault,
		Filtered: q.Get("q") != "" || q.Get("role") != "" || q.Get("weekoff") != "" || q.Get("team") != "",
	}
	status := http.StatusOK
	f, errs := parseUserFilter(q)
	if errs.For("limit") == "" {
		v.Limit = f.Limit
	}
	if errs != nil {
		v.Errors, status = errs, http.StatusUnprocessableEntity
		if errs.For("sort") != "" {
			v.Sort = "name"
		}
	} else {
		page, err := s.store.ListUsers(c.Request.Context(), f)
		if err != nil {
			return err
		}
		v.Users, v.Total, v.TotalIsEstimate = page.Items, page.Total, page.TotalIsEstimate
		if v.Schedules, err = schedulesOf(page.Items); err != nil {
			return err
		}
		placeOnList(&v, q, f, page)
		v.ExportURL = exportURL(q)
	}
	teams, err := s.store.TeamNames(c.Request.Context())
	if err != nil {
		return err
	}
	v.Teams = teams
	v.PageSizes = pageSizeChoices(v.Limit)
	v.Columns = sortColumns(q, v.Sort)
	p, _, err := s.orgPage(c, "Users")
	if err != nil {
		return err
	}
	if v.Chart.Counts, err = s.store.ActiveEmployeesOff(c.Request.Context()); err != nil {
		return err
	}
	s.render(c, status, templates.Users(p, v))
	return nil
}
