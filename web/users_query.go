package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// maxQueryLength bounds the list's search text, in bytes.
const maxQueryLength = 200

// parseUserFilter reads the user list's query parameters, the JSON list's
// and the page's alike, reporting every bad one. With errors, the filter is
// what could be read, for a form to show again, and must not be listed.
func parseUserFilter(q url.Values) (models.UserFilter, models.FieldErrors) {
	f := models.UserFilter{Limit: models.ListLimitDefault, Sort: "name"}
	var errs models.FieldErrors
	bad := func(name, msg, typ string) {
		errs = append(errs, models.FieldError{Loc: []any{name}, Msg: msg, Type: typ})
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > models.ListLimitMax {
			bad("limit", fmt.Sprintf("Input should be a whole number from 1 to %d", models.ListLimitMax), "int_range")
		}
		f.Limit = n
	}
	f.Query = strings.TrimSpace(q.Get("q"))
	if len(f.Query) > maxQueryLength {
		bad("q", fmt.Sprintf("Search text should have at most %d characters", maxQueryLength), "string_too_long")
	} else if !models.IsText(f.Query) {
		bad("q", "Search text should be UTF-8 text without NUL characters", "string_type")
	}
	if v := q.Get("role"); v != "" {
		role, ok := models.ParseRole(v)
		if !ok {
			bad("role", "Input should be 'admin' or 'employee'", "enum")
		}
		f.Role = role
	}
	if v := q.Get("weekoff"); v != "" {
		day, ok := models.ParseWeekday(v)
		if !ok {
			bad("weekoff", "Input should be a weekday such as 'monday' or 'mon'", "enum")
		}
		f.Weekoff = day
	}
	if v := q.Get("team"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		switch {
		case v == "none":
			id = 0
		case err != nil || id < 1:
			bad("team", "Input should be a team's id, or 'none' for users in no team", "value_error")
		}
		f.Team = &id
	}
	if v := q.Get("sort"); v != "" {
		if _, _, ok := models.UserSortOf(v); !ok {
			bad("sort", "Input should be one of "+sortKeys()+", optionally prefixed with '-'", "enum")
		}
		f.Sort = v
	}
	if v := q.Get("cursor"); v != "" {
		c, err := models.DecodeCursor(v)
		if err != nil || c.Sort != f.Sort {
			bad("cursor", "Cursor is not valid for this list; start again from the first page", "value_error")
		}
		f.Cursor = c
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// sortKeys lists the sort keys for an error message ("name, email, created").
func sortKeys() string {
	var keys []string
	for _, o := range models.UserSorts() {
		keys = append(keys, o.Key)
	}
	return strings.Join(keys, ", ")
}

// sortColumns builds the sortable headings: each links to the list sorted by
// its column, ascending, or reversed when the list is sorted by it already.
// The filters stay; the position does not.
func sortColumns(q url.Values, sort string) []templates.SortColumn {
	var cols []templates.SortColumn
	for _, o := range models.UserSorts() {
		col := templates.SortColumn{Label: o.Label}
		next := o.Key
		switch sort {
		case o.Key:
			col.Order, next = "ascending", "-"+o.Key
		case "-" + o.Key:
			col.Order = "descending"
		}
		col.URL = listURL(q, map[string]string{"sort": next, "cursor": "", "start": ""})
		cols = append(cols, col)
	}
	return cols
}
