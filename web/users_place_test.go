package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// seededAdmin seeds n users (the admin and n-1 employees) and signs the
// admin in.
func seededAdmin(t *testing.T, n int) (*app, *visitor) {
	t.Helper()
	a := newApp(t, nil)
	if _, err := a.store.Seed(t.Context(), n, "password1", nil); err != nil {
		t.Fatal(err)
	}
	admin, err := a.store.UserByEmail(t.Context(), models.SeedAdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	return a, a.signedIn(admin)
}

// TestUsersPageKeepsYourPlace: the list says which rows it shows out of
// how many, keeps the page size across paging and sorting, and a user's page
// leads back to the same filters and page.
func TestUsersPageKeepsYourPlace(t *testing.T) {
	t.Parallel()
	_, v := seededAdmin(t, 120)

	first := v.get("/admin/users?sort=email&limit=25")
	wantStatus(t, first, http.StatusOK)
	wantBody(t, first, `1–25 of 120 users`, `<option value="25" selected>`)
	next := link(t, first, "next")
	if top := link(t, first, "next-top"); top != next {
		t.Errorf("the pagers disagree: top %q, bottom %q", top, next)
	}
	for _, href := range append(matches(first, `th[^>]*><a href="([^"]*)"`), next) {
		if q := queryOf(t, href); q.Get("limit") != "25" {
			t.Errorf("link %q drops the page size", href)
		}
	}

	second := v.get(next)
	wantBody(t, second, `26–50 of 120 users`)
	third := v.get(link(t, second, "next-top"))
	wantBody(t, third, `51–75 of 120 users`)
	back := v.get(link(t, third, "prev"))
	wantBody(t, back, `26–50 of 120 users`)
	if got, want := emails(back), emails(second); !slices.Equal(got, want) {
		t.Errorf("previous from the third page: got %v, want %v", got, want)
	}

	t.Run("OddPageSize", func(t *testing.T) {
		wantBody(t, v.get("/admin/users?limit=37"), `1–37 of 120 users`, `<option value="37" selected>`)
	})

	t.Run("BackToTheList", func(t *testing.T) {
		userLink := matches(second, `<td><a href="(/admin/users/\d+[^"]*)"`)[0]
		from := queryOf(t, userLink).Get("from")
		if from == "" {
			t.Fatalf("the user link %q does not carry the list's place", userLink)
		}
		page := v.get(userLink)
		wantStatus(t, page, http.StatusOK)
		list := link(t, page, "back-to-list")
		if got := queryOf(t, list); got.Get("sort") != "email" || got.Get("limit") != "25" || got.Get("cursor") == "" || got.Get("start") != "26" {
			t.Fatalf("← All users leads to %q, want the second page by email, 25 a page", list)
		}
		again := v.get(list)
		wantBody(t, again, `26–50 of 120 users`)
		if got, want := emails(again), emails(second); !slices.Equal(got, want) {
			t.Errorf("back on the list: got %v, want %v", got, want)
		}

		// Saving the user's form keeps the way back.
		form := page.Body.String()
		action := html.UnescapeString(regexp.MustCompile(`<form method="post" action="([^"]*)"`).FindStringSubmatch(form)[1])
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form)[1]
		res := v.post(action, url.Values{"full_name": {"Kept Place"}, "role": {"employee"}, "is_active": {"true"}, "version": {version}})
		wantRedirect(t, res, userLink)
		if got := link(t, v.get(res.Header().Get("Location")), "back-to-list"); got != list {
			t.Errorf("after saving, ← All users leads to %q, want %q", got, list)
		}
	})

	t.Run("FromIsOnlyEverTheList", func(t *testing.T) {
		cases := map[string]string{
			"//evil.example/":              "/admin/users",
			"https://evil.example/x":       "/admin/users",
			"sort=bogus":                   "/admin/users",
			"q=ana&next=https://evil.test": "/admin/users?q=ana",
			"limit=500":                    "/admin/users",
			"start=abc&q=rao":              "/admin/users?q=rao",
			"%zz":                          "/admin/users",
		}
		for from, want := range cases {
			page := v.get("/admin/users/1?" + url.Values{"from": {from}}.Encode())
			if got := link(t, page, "back-to-list"); got != want {
				t.Errorf("from=%q: ← All users leads to %q, want %q", from, got, want)
			}
		}
	})
}

// TestUsersPageRefusedFilter: a filter value the list refuses is shown
// beside its field, marked invalid, and the page claims no count and shows
// no empty list.
func TestUsersPageRefusedFilter(t *testing.T) {
	t.Parallel()
	_, v := seededAdmin(t, 5)
	cases := []struct{ query, field, message string }{
		{"weekoff=funday", "weekoff", "Input should be a weekday"},
		{"role=boss&q=rao", "role", "Input should be 'admin' or 'employee'"},
		{"limit=500", "limit", "Input should be a whole number from 1 to 200"},
		{"q=" + strings.Repeat("x", 201), "q", "Search text should have at most 200 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			res := v.get("/admin/users?" + tc.query)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			body := res.Body.String()
			control := regexp.MustCompile(`<(?:input|select) id="` + tc.field + `"[^>]*>`).FindString(body)
			if !strings.Contains(control, `aria-invalid="true"`) || !strings.Contains(control, `aria-describedby="`+tc.field+`-error"`) {
				t.Errorf("the %s field is not marked invalid: %s", tc.field, control)
			}
			wantBody(t, res, `<p class="error" id="`+tc.field+`-error">`+html.EscapeString(tc.message))
			for _, claim := range []string{"users match", "user matches", `id="match-count"`, `id="empty-state"`, "No users match"} {
				if strings.Contains(body, claim) {
					t.Errorf("a refused filter still shows %q", claim)
				}
			}
		})
	}
}

// link is the unescaped href of the link with the given id.
func link(t *testing.T, res *httptest.ResponseRecorder, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<a id="` + regexp.QuoteMeta(id) + `"[^>]* href="([^"]*)"`).FindStringSubmatch(res.Body.String())
	if m == nil {
		t.Fatalf("no link with id %q", id)
	}
	return html.UnescapeString(m[1])
}

// matches are the unescaped first groups of every match of pattern in the body.
func matches(res *httptest.ResponseRecorder, pattern string) []string {
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(res.Body.String(), -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// emails are the email cells of a list page, in order, each whole again
// (the page cuts an address into parts that may wrap).
func emails(res *httptest.ResponseRecorder) []string {
	cells := matches(res, `<td><span class="email">(.*?)</span></td>`)
	for i, c := range cells {
		cells[i] = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(c, "")
	}
	return cells
}

func queryOf(t *testing.T, href string) url.Values {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("link %q: %v", href, err)
	}
	return u.Query()
}
