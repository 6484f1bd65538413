package web_test

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// listedUser is what the list test needs of each row.
type listedUser struct {
	ID        int64
	Email     string
	Role      string
	Weekoffs  []string
	FullName  string    `json:"full_name"`
	CreatedAt time.Time `json:"created_at"`
}

type listPage struct {
	Items           []listedUser `json:"items"`
	NextCursor      *string      `json:"next_cursor"`
	Total           int64        `json:"total"`
	TotalIsEstimate bool         `json:"total_is_estimate"`
}

// TestListUsers pages through a few hundred seeded users under every sort
// order and filter, and compares each walk with the answer worked out in Go
// from the whole table: every matching row exactly once, in order.
func TestListUsers(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	if _, err := a.store.Seed(t.Context(), 300, "password1", nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{5, 50, 150} {
		if _, err := a.store.UpdateUser(t.Context(), id, models.UserInput{Role: new("admin")}, 0); err != nil {
			t.Fatal(err)
		}
	}
	tok := a.token(models.SeedAdminEmail, "password1")
	all := walk(t, a, tok, url.Values{"limit": {"200"}})
	if len(all) != 300 {
		t.Fatalf("the unfiltered walk found %d users, want 300", len(all))
	}

	filters := map[string]func(listedUser) bool{
		"":        func(listedUser) bool { return true },
		"q=RAO":   func(u listedUser) bool { return strings.Contains(strings.ToLower(u.FullName), "rao") },
		"q=user1": func(u listedUser) bool { return strings.Contains(u.Email, "user1") },
		// Accents and word order do not matter; every word must match.
		"q=MULLER": func(u listedUser) bool { return strings.Contains(u.FullName, "Müller") },
		// Seeded emails hold no "n": that word must be in the first name.
		"q=" + url.QueryEscape("N garcia"): func(u listedUser) bool {
			return strings.Contains(u.FullName, "García") && strings.Contains(strings.ToLower(u.FullName), "n")
		},
		"role=admin":  func(u listedUser) bool { return u.Role == "admin" },
		"weekoff=Fri": func(u listedUser) bool { return slices.Contains(u.Weekoffs, "friday") },
		"weekoff=sunday&role=employee": func(u listedUser) bool {
			return slices.Contains(u.Weekoffs, "sunday") && u.Role == "employee"
		},
	}
	orders := map[string]func(x, y listedUser) int{
		"name": func(x, y listedUser) int {
			return cmp.Or(strings.Compare(x.FullName, y.FullName), cmp.Compare(x.ID, y.ID))
		},
		"email":   func(x, y listedUser) int { return strings.Compare(x.Email, y.Email) },
		"created": func(x, y listedUser) int { return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.ID, y.ID)) },
	}
	for filter, match := range filters {
		for sortName, order := range orders {
			for _, desc := range []bool{false, true} {
				sort := sortName
				if desc {
					sort = "-" + sortName
				}
				t.Run(filter+"&sort="+sort, func(t *testing.T) {
					q, _ := url.ParseQuery(filter)
					q.Set("sort", sort)
					q.Set("limit", "37")
					var want []int64
					sorted := slices.Clone(all)
					slices.SortFunc(sorted, order)
					if desc {
						slices.Reverse(sorted)
					}
					for _, u := range sorted {
						if match(u) {
							want = append(want, u.ID)
						}
					}
					if len(want) == 0 {
						t.Fatalf("no seeded user matches %q: the walk would prove nothing", filter)
					}
					got := ids(walk(t, a, tok, q))
					if !slices.Equal(got, want) {
						t.Errorf("got %d ids %v,\nwant %d ids %v", len(got), got, len(want), want)
					}
				})
			}
		}
	}

	t.Run("Total", func(t *testing.T) {
		var page listPage
		decode(t, a.json(http.MethodGet, "/admin/users?weekoff=sat&limit=5", tok, nil), &page)
		want := 0
		for _, u := range all {
			if slices.Contains(u.Weekoffs, "saturday") {
				want++
			}
		}
		if page.Total != int64(want) || page.TotalIsEstimate || len(page.Items) != 5 {
			t.Errorf("got total %d (estimate %v) with %d items, want %d exact with 5", page.Total, page.TotalIsEstimate, len(page.Items), want)
		}
	})
	t.Run("SearchIsData", func(t *testing.T) {
		var page listPage
		decode(t, a.json(http.MethodGet, "/admin/users?q="+url.QueryEscape("%' OR 1=1 --"), tok, nil), &page)
		if len(page.Items) != 0 || page.Total != 0 {
			t.Errorf("an injection attempt matched %d rows", page.Total)
		}
		decode(t, a.json(http.MethodGet, "/admin/users?q=%25", tok, nil), &page)
		if page.Total != 0 {
			t.Errorf("q=%% matched %d rows; it should match a literal percent sign", page.Total)
		}
	})

	t.Run("ForgedCursorStaysInsideTheFilter", func(t *testing.T) {
		for _, c := range []models.Cursor{
			{Sort: "name", Value: "", ID: 1},
			{Sort: "name", Value: "' OR 1=1 --", ID: 1},
			{Sort: "name", Value: "A", ID: 999999},
		} {
			q := url.Values{"role": {"admin"}, "cursor": {models.EncodeCursor(c)}}
			for _, u := range walk(t, a, tok, q) {
				if u.Role != "admin" {
					t.Errorf("cursor %+v revealed %s, who is not an admin", c, u.Email)
				}
			}
		}
	})

	var first listPage
	decode(t, a.json(http.MethodGet, "/admin/users?sort=email&limit=2", tok, nil), &first)
	for _, bad := range []string{
		"limit=0", "limit=500", "limit=ten", "sort=salary", "sort=--name", "role=boss", "weekoff=someday",
		"cursor=not-a-cursor", "cursor=" + *first.NextCursor, // a cursor of another sort order
	} {
		t.Run("422 "+bad, func(t *testing.T) {
			res := a.json(http.MethodGet, "/admin/users?"+bad, tok, nil)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body.String(), `"loc":["query",`) {
				t.Errorf("body %s does not locate the bad parameter", res.Body)
			}
		})
	}
}

// walk follows next_cursor from the first page to the last.
func walk(t *testing.T, a *app, tok string, q url.Values) []listedUser {
	t.Helper()
	var out []listedUser
	for pages := 0; ; pages++ {
		if pages > 400 {
			t.Fatal("paging does not end")
		}
		res := a.json(http.MethodGet, "/admin/users/?"+q.Encode(), tok, nil)
		wantStatus(t, res, http.StatusOK)
		var page listPage
		decode(t, res, &page)
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out
		}
		q.Set("cursor", *page.NextCursor)
	}
}

func ids(users []listedUser) []int64 {
	out := make([]int64, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}
