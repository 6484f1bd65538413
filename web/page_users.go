package web

import (
	"cmp"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
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
	if v.PendingRequests, err = s.store.PendingRequests(c.Request.Context()); err != nil {
		return err
	}
	v.PageSizes = pageSizeChoices(v.Limit)
	v.Columns = sortColumns(q, v.Sort)
	p, org, err := s.orgPage(c, "Users")
	if err != nil {
		return err
	}
	v.Bulk = bulkFormView(q, org)
	if v.Chart.Counts, err = s.store.ActiveEmployeesOff(c.Request.Context()); err != nil {
		return err
	}
	if v.ShortSoon, err = s.shortSoonView(c); err != nil {
		return err
	}
	s.render(c, status, templates.Users(p, v))
	return nil
}

// bulkFormView is the list's bulk form: the filters it carries for "all
// matching" and for the way back, and the organisation's limits.
func bulkFormView(q url.Values, org *models.Organisation) templates.BulkFormView {
	v := templates.BulkFormView{WeekoffsMax: org.WeekoffsMax, Today: schedule.Today(time.Now(), org.Location()).String()}
	for _, k := range listParams {
		if value := q.Get(k); value != "" && k != "cursor" && k != "start" {
			v.Filters = append(v.Filters, templates.HiddenField{Name: k, Value: value})
		}
	}
	return v
}
