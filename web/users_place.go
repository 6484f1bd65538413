package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// listParams are the list page's query parameters, in the order its
// addresses carry them: the JSON list's, and start.
var listParams = [...]string{"q", "role", "weekoff", "team", "sort", "limit", "cursor", "start"}

// pageSizes are the page sizes the list offers.
var pageSizes = [...]int{25, 50, 100, 200}

// maxStart bounds the start parameter; no list is longer.
const maxStart = 1_000_000_000

// pageSizeChoices are pageSizes, with limit among them in order when an
// address asked for another size.
func pageSizeChoices(limit int) []int {
	sizes := pageSizes[:]
	if !slices.Contains(sizes, limit) {
		sizes = append(slices.Clone(sizes), limit)
		slices.Sort(sizes)
	}
	return sizes
}

// listStart reads start, the position of a page's first row. Keyset paging
// has no offset to count from, so the page links carry it beside the cursor.
// It only labels the rows ("51–100 of 2,000"): a missing or malformed one
// makes the position unknown, never an error.
func listStart(q url.Values) int {
	n, err := strconv.Atoi(q.Get("start"))
	if err != nil || n < 1 || n > maxStart {
		return 0
	}
	return n
}

// placeOnList fills what keeps the admin's place: the page's position, the
// links to the pages around it (with their positions), and the query the
// links to each user carry back.
func placeOnList(v *templates.UsersView, q url.Values, f models.UserFilter, page models.UserPage) {
	shown := len(page.Items)
	switch {
	case f.Cursor == nil || page.Prev == "":
		v.Start = 1 // nothing comes before this page
	default:
		v.Start = listStart(q)
		if !page.TotalIsEstimate && int64(v.Start+shown-1) > page.Total {
			v.Start = 0 // the list has changed since the link was made
		}
	}
	next, prev, here := "", "", ""
	if v.Start > 0 {
		next, here = strconv.Itoa(v.Start+shown), strconv.Itoa(v.Start)
		if v.Start-f.Limit >= 1 {
			prev = strconv.Itoa(v.Start - f.Limit)
		}
	}
	if page.Next != "" {
		v.NextURL = listURL(q, map[string]string{"cursor": page.Next, "start": next})
	}
	if page.Prev != "" {
		v.PrevURL = listURL(q, map[string]string{"cursor": page.Prev, "start": prev})
	}
	v.FirstURL = listURL(q, map[string]string{"cursor": "", "start": ""})
	if f.Cursor == nil {
		here = ""
	}
	v.From = listQuery(q, map[string]string{"start": here})
}

// listFrom reads a user page's from parameter, the list query it was opened
// from, and returns the list's address and that query to carry on. Only a
// query the list itself accepts is followed, and the address is always the
// list's own path with re-encoded parameters, so from cannot lead elsewhere
// (no open redirect); anything else leads to the whole list.
func listFrom(from string) (back, query string) {
	q, err := url.ParseQuery(from)
	if err != nil {
		return "/admin/users", ""
	}
	if _, errs := parseUserFilter(q); errs != nil {
		return "/admin/users", ""
	}
	return listURL(q, nil), listQuery(q, nil)
}

// listURL is the list's address with q's parameters changed by set; an
// empty value removes the parameter.
func listURL(q url.Values, set map[string]string) string {
	if query := listQuery(q, set); query != "" {
		return "/admin/users?" + query
	}
	return "/admin/users"
}

// listQuery is the list's query: q's list parameters (a malformed start
// left out), changed by set, encoded.
func listQuery(q url.Values, set map[string]string) string {
	out := url.Values{}
	for _, k := range listParams {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	if listStart(q) == 0 {
		out.Del("start")
	}
	for k, v := range set {
		if v == "" {
			out.Del(k)
		} else {
			out.Set(k, v)
		}
	}
	return out.Encode()
}
