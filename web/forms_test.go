package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// refused posts a form of /me that the server refuses and follows its
// redirect back to /me, the page that says why.
func (v *visitor) refused(path string, form url.Values) *httptest.ResponseRecorder {
	v.t.Helper()
	wantRedirect(v.t, v.post(path, form), "/me")
	page := v.get("/me")
	wantStatus(v.t, page, http.StatusOK)
	return page
}

// in is the visitor failing the test t (a subtest) instead of the one it
// was made for.
func (v *visitor) in(t testing.TB) *visitor {
	v.t = t
	return v
}

// TestRefusedFormsMarkup: every refused form opens with an error summary
// that takes the focus, says "There is a problem" in a role="alert" region
// and links to each field in plain words; each field is marked invalid and
// tied to its message; the title says Error and the navigation still
// marks the form's page.
func TestRefusedFormsMarkup(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	emp := a.user("asha@example.com", models.RoleEmployee, "sunday")
	v := a.signedIn(admin)

	for _, tc := range []struct {
		name     string
		page     func(t *testing.T) *httptest.ResponseRecorder
		status   int
		problems []string // link targets and their words, in order
		invalid  []string // the ids of the fields marked invalid
		nav      string   // the navigation link marked as the current page, if any
	}{
		{"CreateUser", func(t *testing.T) *httptest.ResponseRecorder {
			return v.in(t).post("/admin/users", url.Values{"email": {"not-an-email"}, "full_name": {" "}, "role": {"boss"}, "password": {"short"}})
		}, http.StatusUnprocessableEntity, []string{
			"email", "Enter an email address in the correct format, like name@example.com",
			"full_name", "Enter a full name",
			"role", "Choose Admin or Employee",
			"password", "Password must be at least 8 characters",
		}, []string{"email", "full_name", "role", "password"}, "/admin/users/new"},
		{"EditUser", func(t *testing.T) *httptest.ResponseRecorder {
			return v.in(t).post("/admin/users/"+itoa(emp.ID), url.Values{"full_name": {"Asha"}, "role": {"boss"}, "weekoffs": {"mon", "tue", "wed"}})
		}, http.StatusUnprocessableEntity, []string{
			"role", "Choose Admin or Employee",
			"weekoffs-monday", "Choose at most 2 week-off days, not 3",
		}, []string{"role", "weekoffs-monday", "weekoffs-sunday"}, ""},
		{"MyWeekoffs", func(t *testing.T) *httptest.ResponseRecorder {
			return a.signedIn(emp).in(t).refused("/me/weekoffs", url.Values{"weekoffs": {"sat", "Saturday"}})
		}, http.StatusOK, []string{"weekoffs-monday", "Choose each day only once"}, []string{"weekoffs-saturday"}, "/me"},
		{"MyPasswordCurrent", func(t *testing.T) *httptest.ResponseRecorder {
			return a.signedIn(emp).in(t).refused("/me/password", url.Values{"current_password": {"wrong-one"}, "new_password": {"new-password-1"}})
		}, http.StatusOK, []string{"current_password", "Your current password is incorrect"}, []string{"current_password"}, "/me"},
		{"MyPasswordNew", func(t *testing.T) *httptest.ResponseRecorder {
			return a.signedIn(emp).in(t).refused("/me/password", url.Values{"current_password": {"password1"}, "new_password": {"password1"}})
		}, http.StatusOK, []string{"new_password", "Choose a new password that is different from your current one"}, []string{"new_password"}, "/me"},
		{"SignIn", func(t *testing.T) *httptest.ResponseRecorder {
			return a.visitor().in(t).post("/login", url.Values{"email": {emp.Email}, "password": {"wrong-one"}})
		}, http.StatusUnauthorized, []string{"email", "Incorrect email or password"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.page(t)
			wantStatus(t, res, tc.status)
			body := res.Body.String()
			summary := element(t, body, "div", "error-summary")
			for _, attr := range []string{`tabindex="-1"`, "autofocus"} {
				if !strings.Contains(summary, attr) {
					t.Errorf("the summary lacks %s: %s", attr, summary)
				}
			}
			if !strings.Contains(body, `<div role="alert"><h2>There is a problem</h2>`) {
				t.Error(`no role="alert" region headed "There is a problem"`)
			}
			var got []string
			for _, m := range summaryLink.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1], m[2])
			}
			if !slices.Equal(got, tc.problems) {
				t.Errorf("summary links: got %q, want %q", got, tc.problems)
			}
			for i := 0; i < len(got); i += 2 {
				element(t, body, "", got[i]) // every link leads to a field
			}
			for _, id := range tc.invalid {
				field := element(t, body, "", id)
				if !strings.Contains(field, `aria-invalid="true"`) {
					t.Errorf("field %s is not marked invalid: %s", id, field)
				}
			}
			for _, id := range []string{"email", "full_name", "role", "current_password", "new_password", "password"} {
				if slices.Contains(tc.invalid, id) {
					describedBy(t, body, id, id+"-error")
				}
			}
			if strings.Contains(body, "Input should be") {
				t.Error("a form shows the API's words")
			}
			if tc.status != http.StatusUnauthorized && !strings.Contains(body, "<title>Error: ") {
				t.Error("the title does not start with Error:")
			}
			if current := currentNav.FindAllStringSubmatch(body, -1); tc.nav != "" && (len(current) != 1 || current[0][1] != tc.nav) {
				t.Errorf("navigation: got %q marked current, want %s", current, tc.nav)
			}
		})
	}

	t.Run("JSONKeepsItsWords", func(t *testing.T) {
		res := a.json(http.MethodPatch, "/admin/users/"+itoa(emp.ID), a.token(admin.Email, "password1"), `{"role":"boss"}`)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantBody(t, res, `"msg":"Input should be 'admin' or 'employee'"`)
	})
}

var (
	summaryLink = regexp.MustCompile(`<li><a href="#([^"]+)">([^<]*)</a></li>`)
	currentNav  = regexp.MustCompile(`<a href="([^"]+)" aria-current="page">`)
)

// element is the start tag of the element with the id (of the tag, if
// given) in body, failing the test when there is none or more than one.
func element(t *testing.T, body, tag, id string) string {
	t.Helper()
	re := regexp.MustCompile(`<` + cmpOr(tag, `[a-z]+`) + `\b[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`)
	found := re.FindAllString(body, -1)
	if len(found) != 1 {
		t.Fatalf("got %d elements with id %q, want 1: %s", len(found), id, body)
	}
	return found[0]
}

func cmpOr(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// describedBy fails unless the field with the id names each of the ids in
// its aria-describedby, and each of them is in the page.
func describedBy(t *testing.T, body, id string, ids ...string) {
	t.Helper()
	m := regexp.MustCompile(`aria-describedby="([^"]*)"`).FindStringSubmatch(element(t, body, "", id))
	if m == nil {
		t.Errorf("field %s has no aria-describedby", id)
		return
	}
	for _, want := range ids {
		if !slices.Contains(strings.Fields(m[1]), want) {
			t.Errorf("field %s: aria-describedby %q lacks %s", id, m[1], want)
		}
		element(t, body, "", want)
	}
}

// TestPasswordFormMarkup: the password form on /me carries the account's
// email in a hidden username field for password managers, says which
// password goes where, and shows the rules before they are broken.
func TestPasswordFormMarkup(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee)
	body := a.signedIn(u).get("/me").Body.String()
	form := body[strings.Index(body, `<form method="post" action="/me/password"`):]
	form = form[:strings.Index(form, "</form>")]

	username := element(t, form, "input", "password-username")
	for _, attr := range []string{`name="username"`, `autocomplete="username"`, `value="asha@example.com"`,
		`class="visually-hidden"`, `tabindex="-1"`, `aria-hidden="true"`} {
		if !strings.Contains(username, attr) {
			t.Errorf("hidden username field lacks %s: %s", attr, username)
		}
	}
	if strings.Index(form, username) > strings.Index(form, `id="current_password"`) {
		t.Error("the username field comes after the password fields")
	}
	if f := element(t, form, "input", "current_password"); !strings.Contains(f, `autocomplete="current-password"`) {
		t.Errorf("current password: %s", f)
	}
	newPw := element(t, form, "input", "new_password")
	for _, attr := range []string{`autocomplete="new-password"`, `minlength="8"`, `maxlength="128"`} {
		if !strings.Contains(newPw, attr) {
			t.Errorf("new password lacks %s: %s", attr, newPw)
		}
	}
	describedBy(t, form, "new_password", "new_password-hint")
	hint := `<p class="hint" id="new_password-hint">8 to 128 characters, different from your current one.</p>`
	if i := strings.Index(form, hint); i < 0 || i > strings.Index(form, newPw) {
		t.Errorf("the rules are not shown before the new password field: %s", form)
	}
	// Once broken, the field names the hint and the error.
	res := a.signedIn(u).refused("/me/password", url.Values{"current_password": {"password1"}, "new_password": {"short"}})
	describedBy(t, res.Body.String(), "new_password", "new_password-hint", "new_password-error")
}

// TestMyFormsRedirectWhenRefused: a refused form of /me answers 303 to /me
// (a reload does not post it again), which shows the refusal once.
func TestMyFormsRedirectWhenRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u := a.user("asha@example.com", models.RoleEmployee, "sunday")
	v := a.signedIn(u)
	page := v.refused("/me/weekoffs", url.Values{"weekoffs": {"mon", "tue", "wed"}})
	wantBody(t, page, `value="tuesday" checked`, "Choose at most 2 week-off days, not 3")
	again := v.get("/me").Body.String()
	if strings.Contains(again, "error-summary") || strings.Contains(again, `value="tuesday" checked`) {
		t.Error("the refusal shows again on the next visit")
	}
	wantWeekoffs(t, a, u.ID, "sunday")
}

// renamedMeanwhile is an app with an admin signed in and an employee off on
// Sunday, renamed by someone else after the admin drew the form: the
// employee as first stored (emp.Version is the form's), and as changed.
func renamedMeanwhile(t *testing.T) (a *app, admin *visitor, emp, changed *models.User) {
	t.Helper()
	a = newApp(t, nil)
	admin = a.signedIn(a.user("admin@example.com", models.RoleAdmin))
	emp = a.user("asha@example.com", models.RoleEmployee, "sunday")
	elsewhere := "Asha Elsewhere"
	changed, err := a.store.UpdateUser(t.Context(), emp.ID, models.UserInput{FullName: &elsewhere}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a, admin, emp, changed
}

// TestStaleUserForm: a save refused because the user changed meanwhile shows
// what was sent beside what is stored now, and a form that applies what was
// sent on top of the new version, without the password.
func TestStaleUserForm(t *testing.T) {
	t.Parallel()
	a, v, emp, changed := renamedMeanwhile(t)
	path := "/admin/users/" + itoa(emp.ID)
	const typed = "Typed-Secret-77"
	res := v.post(path, url.Values{"full_name": {"Asha Mine"}, "role": {"admin"}, "is_active": {"true"},
		"weekoffs": {"monday"}, "password": {typed}, "version": {strconv.Itoa(emp.Version)}})
	wantStatus(t, res, http.StatusConflict)
	body := res.Body.String()
	for _, row := range [][3]string{{"Full name", "Asha Mine", "Asha Elsewhere"}, {"Role", "Admin", "Employee"},
		{"Active", "Yes", "Yes"}, {"Week-offs", "Monday", "Sunday"}} {
		if !regexp.MustCompile(`<th scope="row">` + row[0] + `.*?</th><td>` + row[1] + `</td><td>` + row[2] + `</td>`).MatchString(body) {
			t.Errorf("no row %q", row)
		}
	}
	wantBody(t, res, "The new password you typed was not kept")
	apply := body[strings.Index(body, `id="apply-form"`):]
	apply = apply[:strings.Index(apply, "</form>")]
	for _, field := range []string{`name="version" value="` + strconv.Itoa(changed.Version) + `"`, `name="full_name" value="Asha Mine"`,
		`name="role" value="admin"`, `name="is_active" value="true"`, `name="weekoffs" value="monday"`} {
		if !strings.Contains(apply, field) {
			t.Errorf("the apply form lacks %s", field)
		}
	}
	if strings.Contains(body, typed) || strings.Contains(apply, "password") {
		t.Error("the page sends the typed password back")
	}
	// The form below shows the user as stored now, at the new version.
	wantBody(t, res, `value="Asha Elsewhere"`, `name="version" value="`+strconv.Itoa(changed.Version)+`"`)
	if u, _ := a.store.UserByID(t.Context(), emp.ID); u.FullName != changed.FullName {
		t.Errorf("the stale save wrote %q", u.FullName)
	}
}

// TestUserFormKeepsItsVersion: a form shown again with errors keeps the
// version it was drawn from, so that a change made meanwhile is not
// overwritten by its next save.
func TestUserFormKeepsItsVersion(t *testing.T) {
	t.Parallel()
	a, v, emp, changed := renamedMeanwhile(t)
	path := "/admin/users/" + itoa(emp.ID)
	form := url.Values{"full_name": {""}, "role": {"employee"}, "is_active": {"true"}, "version": {strconv.Itoa(emp.Version)}}
	res := v.post(path, form)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `name="version" value="`+strconv.Itoa(emp.Version)+`"`)
	form.Set("full_name", "Asha Mine")
	wantStatus(t, v.post(path, form), http.StatusConflict)
	if u, _ := a.store.UserByID(t.Context(), emp.ID); u.FullName != changed.FullName {
		t.Errorf("the change made meanwhile was overwritten: %q", u.FullName)
	}
}

// TestSelfDemotion: an admin removing their own admin rights is asked to
// confirm, and after confirming starts at their own page; the last admin
// is refused and the form shows the role as stored.
func TestSelfDemotion(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	v := a.signedIn(admin)
	path := "/admin/users/" + itoa(admin.ID)
	demote := url.Values{"full_name": {"Admin Renamed"}, "role": {"employee"}, "is_active": {"true"}, "version": {strconv.Itoa(admin.Version)}}

	t.Run("LastAdmin", func(t *testing.T) {
		form := with(demote, "confirm_self_demotion", "yes")
		res := v.post(path, form)
		wantStatus(t, res, http.StatusConflict)
		wantBody(t, res, "last active admin", `<option value="admin" selected>`, `value="Admin Renamed"`)
		if strings.Contains(res.Body.String(), `<option value="employee" selected>`) {
			t.Error("the form shows the refused role")
		}
	})
	a.user("second@example.com", models.RoleAdmin)
	t.Run("Confirm", func(t *testing.T) {
		res := v.post(path, demote)
		wantStatus(t, res, http.StatusOK)
		wantBody(t, res, "You are removing your own admin rights; you will no longer be able to manage users. Confirm?",
			`<input type="hidden" name="confirm_self_demotion" value="yes">`, `<button type="submit" form="user-form">`,
			`value="Admin Renamed"`, `<option value="employee" selected>`)
		if u, _ := a.store.UserByID(t.Context(), admin.ID); u.Role != models.RoleAdmin || u.FullName == "Admin Renamed" {
			t.Errorf("saved before the confirmation: %+v", u)
		}
	})
	t.Run("Confirmed", func(t *testing.T) {
		wantRedirect(t, v.post(path, with(demote, "confirm_self_demotion", "yes")), "/me")
		page := v.get("/me")
		wantStatus(t, page, http.StatusOK)
		wantBody(t, page, `<p class="flash" role="status">You are no longer an admin.</p>`)
		if strings.Contains(page.Body.String(), `href="/admin/users"`) {
			t.Error("the navigation still offers the user pages")
		}
		if u, _ := a.store.UserByID(t.Context(), admin.ID); u.Role != models.RoleEmployee || u.FullName != "Admin Renamed" {
			t.Errorf("stored: %+v", u)
		}
	})
}

// with is a copy of form with one more field.
func with(form url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = slices.Clone(v)
	}
	out.Set(key, value)
	return out
}
