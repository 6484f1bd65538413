package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

func TestGetUser(t *testing.T) {
	t.Parallel()
	a, _, tok := newAdminApp(t)
	emp := a.user("emp@example.com", models.RoleEmployee, "fri")

	res := a.json(http.MethodGet, "/admin/users/"+itoa(emp.ID), tok, nil)
	wantStatus(t, res, http.StatusOK)
	var got struct {
		ID       int64
		Email    string
		Weekoffs []string
	}
	decode(t, res, &got)
	if got.ID != emp.ID || got.Email != "emp@example.com" || !slices.Equal(got.Weekoffs, []string{"friday"}) {
		t.Errorf("got %+v", got)
	}
	res = a.json(http.MethodGet, "/admin/users/999999", tok, nil)
	wantStatus(t, res, http.StatusNotFound)
	if d := detailOf(t, res); d != "User not found" {
		t.Errorf("detail: got %v", d)
	}
	wantStatus(t, a.json(http.MethodGet, "/admin/users/abc", tok, nil), http.StatusUnprocessableEntity)
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	a, _, tok := newAdminApp(t)

	res := a.json(http.MethodPost, "/admin/users/", tok, map[string]any{
		"email": "New@Example.com", "full_name": "New Person", "role": "employee",
		"password": "at-least-8-chars", "weekoffs": []string{"fri"},
	})
	wantStatus(t, res, http.StatusCreated)
	var got struct {
		ID       int64
		Email    string
		IsActive bool `json:"is_active"`
		Weekoffs []string
	}
	decode(t, res, &got)
	if got.Email != "new@example.com" || !got.IsActive || !slices.Equal(got.Weekoffs, []string{"friday"}) {
		t.Errorf("got %+v", got)
	}
	a.token("new@example.com", "at-least-8-chars")

	t.Run("DefaultsToNoWeekoffs", func(t *testing.T) {
		res := a.json(http.MethodPost, "/admin/users", tok, `{"email":"bare@example.com","full_name":"Bare","role":"admin","password":"password1","is_active":false}`)
		wantStatus(t, res, http.StatusCreated)
		var u struct {
			Role     string
			IsActive bool `json:"is_active"`
			Weekoffs []string
		}
		decode(t, res, &u)
		if u.Role != "admin" || u.IsActive || u.Weekoffs == nil || len(u.Weekoffs) != 0 {
			t.Errorf("got %+v", u)
		}
	})
	t.Run("ErrConflictInAnyCase", func(t *testing.T) {
		res := a.json(http.MethodPost, "/admin/users", tok, `{"email":"NEW@example.COM","full_name":"Again","role":"employee","password":"password1"}`)
		wantStatus(t, res, http.StatusConflict)
	})
	for name, body := range map[string]string{
		"MissingFields": `{"email":"x@example.com"}`,
		"BadEmail":      `{"email":"not-an-email","full_name":"X","role":"employee","password":"password1"}`,
		"BadRole":       `{"email":"x@example.com","full_name":"X","role":"boss","password":"password1"}`,
		"ShortPassword": `{"email":"x@example.com","full_name":"X","role":"employee","password":"short"}`,
		"EmptyName":     `{"email":"x@example.com","full_name":"  ","role":"employee","password":"password1"}`,
		"BadWeekoffs":   `{"email":"x@example.com","full_name":"X","role":"employee","password":"password1","weekoffs":["sat","sat"]}`,
		"UnknownField":  `{"email":"x@example.com","full_name":"X","role":"employee","password":"password1","is_admin":true}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, a.json(http.MethodPost, "/admin/users", tok, body), http.StatusUnprocessableEntity)
			if _, err := a.store.UserByEmail(t.Context(), "x@example.com"); err == nil {
				t.Error("a rejected create wrote the user")
			}
		})
	}
}

func TestPatchUser(t *testing.T) {
	t.Parallel()
	a, admin, tok := newAdminApp(t)
	emp := a.user("emp@example.com", models.RoleEmployee, "sun")
	path := "/admin/users/" + itoa(emp.ID)

	res := a.json(http.MethodPatch, path, tok, `{"full_name":"Renamed Person","weekoffs":["Mon"]}`)
	wantStatus(t, res, http.StatusOK)
	u, _ := a.store.UserByID(t.Context(), emp.ID)
	if u.FullName != "Renamed Person" || !slices.Equal(u.Weekoffs, models.Weekdays{models.Monday}) || u.Role != models.RoleEmployee {
		t.Errorf("stored: got %+v", u)
	}

	t.Run("Password", func(t *testing.T) {
		wantStatus(t, a.json(http.MethodPatch, path, tok, `{"password":"brand-new-pass"}`), http.StatusOK)
		a.token("emp@example.com", "brand-new-pass")
	})
	t.Run("Deactivate", func(t *testing.T) {
		empTok := a.token("emp@example.com", "brand-new-pass")
		wantStatus(t, a.json(http.MethodPatch, path, tok, `{"is_active":false}`), http.StatusOK)
		wantStatus(t, a.json(http.MethodGet, "/me", empTok, nil), http.StatusUnauthorized)
		wantStatus(t, a.json(http.MethodPatch, path, tok, `{"is_active":true}`), http.StatusOK)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		res := a.json(http.MethodPatch, "/admin/users/999999", tok, `{"full_name":"Nobody"}`)
		wantStatus(t, res, http.StatusNotFound)
	})
	for name, body := range map[string]string{
		"BadRole":      `{"role":"owner"}`,
		"BadWeekoffs":  `{"weekoffs":["mon","tue","wed"]}`,
		"EmailIsFixed": `{"email":"other@example.com"}`,
		"UnknownField": `{"password_hash":"x"}`,
		"WrongType":    `{"is_active":"yes"}`,
		"NullName":     `{"full_name":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, a.json(http.MethodPatch, path, tok, body), http.StatusUnprocessableEntity)
			after, _ := a.store.UserByID(t.Context(), emp.ID)
			if after.FullName != "Renamed Person" || after.Role != models.RoleEmployee || !slices.Equal(after.Weekoffs, models.Weekdays{models.Monday}) {
				t.Errorf("a rejected update wrote %+v", after)
			}
		})
	}
	t.Run("ErrLastAdmin", func(t *testing.T) {
		for _, body := range []string{`{"role":"employee"}`, `{"is_active":false}`} {
			res := a.json(http.MethodPatch, "/admin/users/"+itoa(admin.ID), tok, body)
			wantStatus(t, res, http.StatusConflict)
		}
		// With a second admin, the first may step down.
		wantStatus(t, a.json(http.MethodPatch, path, tok, `{"role":"admin"}`), http.StatusOK)
		wantStatus(t, a.json(http.MethodPatch, "/admin/users/"+itoa(admin.ID), tok, `{"role":"employee"}`), http.StatusOK)
	})
}
