package web

import (
	"cmp"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/templates"
)

// usersPage is the admin list of users: the HTML form of GET /admin/users.
// It reads the same query as the JSON list, through the same parser.
func (s *Server) usersPage(c *gin.Context) error {
	q := c.Request.URL.Query()
	v := templates.UsersView{
		Query: q.Get("q"), Role: q.Get("role"), Weekoff: q.Get("weekoff"),
		Sort: cmp.Or(q.Get("sort"), "name"), LimitSet: q.Has("limit"),
		Filtered: q.Get("q") != "" || q.Get("role") != "" || q.Get("weekoff") != "",
	}
	status := http.StatusOK
	if f, errs := parseUserFilter(q); errs != nil {
		v.Errors, status = errs, http.StatusUnprocessableEntity
		if errs.For("sort") != "" {
			v.Sort = "name"
		}
	} else {
		v.Sort, v.Limit = f.Sort, f.Limit
		page, err := s.store.ListUsers(c.Request.Context(), f)
		if err != nil {
			return err
		}
		v.Users, v.Total, v.TotalIsEstimate = page.Items, page.Total, page.TotalIsEstimate
		v.NextURL, v.PrevURL = pageURL(q, page.Next), pageURL(q, page.Prev)
	}
	v.Columns = sortColumns(q, v.Sort)
	p, _, err := s.orgPage(c, "Users")
	if err != nil {
		return err
	}
	v.Chart.Clock = p.Clock
	if v.Chart.Counts, v.Chart.AsOf, err = s.chart.get(c.Request.Context(), s.store.ActiveEmployeesOff); err != nil {
		return err
	}
	s.render(c, status, templates.Users(p, v))
	return nil
}
