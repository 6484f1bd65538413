package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// usersPage is the admin list of users: the HTML form of GET /admin/users.
// It reads the same query as the JSON list, through the same parser.
func (s *Server) usersPage(c *gin.Context) {
	q := c.Request.URL.Query()
	v := templates.UsersView{
		Query: q.Get("q"), Role: q.Get("role"), Weekoff: q.Get("weekoff"),
		Sort: cmp.Or(q.Get("sort"), "name"), LimitSet: q.Has("limit"),
		Filtered: q.Get("q") != "" || q.Get("role") != "" || q.Get("weekoff") != "",
	}
	status := http.StatusOK
	f, err := models.ParseUserFilter(q)
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		v.Errors, status = fe, http.StatusUnprocessableEntity
		if _, known := sortNames[strings.TrimPrefix(v.Sort, "-")]; !known {
			v.Sort = "name"
		}
	} else {
		v.Sort, v.Limit = f.Sort, f.Limit
		page, err := s.store.ListUsers(c.Request.Context(), f)
		if err != nil {
			s.fail(c, err)
			return
		}
		v.Users, v.Total, v.TotalIsEstimate = page.Items, page.Total, page.TotalIsEstimate
		v.NextURL, v.PrevURL = pageURL(q, page.Next), pageURL(q, page.Prev)
	}
	v.Columns = sortColumns(q, v.Sort)
	if v.Chart.Counts, v.Chart.AsOf, err = s.chart.get(c.Request.Context(), s.store.ActiveEmployeesOff); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, templates.Users(s.newPage(c, "Users"), v))
}

// sortNames are the list's sort keys and their headings, in table order.
var sortNames = map[string]string{"name": "Name", "email": "Email", "created": "Joined"}

// sortColumns builds the sortable headings: each links to the list sorted by
// its column, ascending, or reversed when the list is sorted by it already.
// The filters stay; the position does not.
func sortColumns(q url.Values, sort string) []templates.SortColumn {
	var cols []templates.SortColumn
	for _, key := range []string{"name", "email", "created"} {
		col := templates.SortColumn{Label: sortNames[key]}
		next := key
		switch sort {
		case key:
			col.Order, next = "ascending", "-"+key
		case "-" + key:
			col.Order = "descending"
		}
		col.URL = listURL(q, map[string]string{"sort": next, "cursor": ""})
		cols = append(cols, col)
	}
	return cols
}

// pageURL is the list at cursor with the same filters, or "" without a cursor.
func pageURL(q url.Values, cursor string) string {
	if cursor == "" {
		return ""
	}
	return listURL(q, map[string]string{"cursor": cursor})
}

// listURL is the list's address with q's parameters changed by set; an
// empty value removes the parameter.
func listURL(q url.Values, set map[string]string) string {
	out := url.Values{}
	for _, k := range []string{"q", "role", "weekoff", "sort", "limit", "cursor"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	for k, v := range set {
		if v == "" {
			out.Del(k)
		} else {
			out.Set(k, v)
		}
	}
	if len(out) == 0 {
		return "/admin/users"
	}
	return "/admin/users?" + out.Encode()
}

// userIDParam reads the :id of a page's address; anything but a positive
// number is a page that does not exist.
func (s *Server) userIDParam(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		s.detail(c, http.StatusNotFound, "Not Found")
		return 0, false
	}
	return id, true
}

// chartTTL is how long the week-off chart may be stale. Counting reads every
// active employee (about 40 ms for 100,000), too much for every page of the
// list; the page shows the time of the figure.
const chartTTL = 30 * time.Second

// chartCache keeps the latest week-off counts for a while. One request at a
// time counts; the others wait for its figure instead of counting as well.
// Writes through this server invalidate it, so an admin sees their own
// changes at once; changes through other instances show within the TTL.
type chartCache struct {
	mu     sync.Mutex
	ttl    time.Duration
	counts models.DayCounts
	at     time.Time
	valid  bool
	now    func() time.Time
}

func newChartCache(ttl time.Duration) *chartCache {
	return &chartCache{ttl: ttl, now: time.Now}
}

// get returns the cached counts and when they were taken, counting afresh
// with count when they are missing or too old.
func (cc *chartCache) get(ctx context.Context, count func(context.Context) (models.DayCounts, error)) (models.DayCounts, time.Time, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.valid && cc.now().Sub(cc.at) < cc.ttl {
		return cc.counts, cc.at, nil
	}
	counts, err := count(ctx)
	if err != nil {
		return models.DayCounts{}, time.Time{}, err
	}
	cc.counts, cc.at, cc.valid = counts, cc.now(), true
	return cc.counts, cc.at, nil
}

// invalidate makes the next get count afresh.
func (cc *chartCache) invalidate() {
	cc.mu.Lock()
	cc.valid = false
	cc.mu.Unlock()
}
