package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

func TestGetMe(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "sun", "Sat")

	for _, path := range []string{"/me", "/me/"} {
		res := a.json(http.MethodGet, path, tok, nil)
		wantStatus(t, res, http.StatusOK)
		var got map[string]any
		decode(t, res, &got)
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		// The contract's user object, grown by schedule and team (old clients ignore members they do not know).
		want := []string{"created_at", "email", "full_name", "id", "is_active", "role", "schedule", "team", "updated_at", "weekoffs"}
		if !slices.Equal(keys, want) {
			t.Errorf("%s keys: got %v, want %v", path, keys, want)
		}
		if got["id"] != float64(u.ID) || got["email"] != "asha@example.com" || got["role"] != "employee" || got["is_active"] != true {
			t.Errorf("%s: got %v", path, got)
		}
		if days := got["weekoffs"].([]any); len(days) != 2 || days[0] != "saturday" || days[1] != "sunday" {
			t.Errorf("%s weekoffs: got %v, want [saturday sunday]", path, days)
		}
		if ts := got["created_at"].(string); !strings.HasSuffix(ts, "Z") {
			t.Errorf("created_at %q is not UTC", ts)
		}
	}
	if strings.Contains(a.json(http.MethodGet, "/me", tok, nil).Body.String(), "$2a$") {
		t.Error("the password hash is in the response")
	}
}

func TestPutMyWeekoffs(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u, tok := a.userWithToken("asha@example.com", models.RoleEmployee, "monday")

	t.Run("OK", func(t *testing.T) {
		res := a.json(http.MethodPut, "/me/weekoffs/", tok, `{"weekoffs": ["Sat", "sunday"]}`)
		wantStatus(t, res, http.StatusOK)
		var got struct{ Weekoffs []string }
		decode(t, res, &got)
		if !slices.Equal(got.Weekoffs, []string{"saturday", "sunday"}) {
			t.Fatalf("response weekoffs: got %v", got.Weekoffs)
		}
		stored, _ := a.store.UserByID(t.Context(), u.ID)
		if !slices.Equal(stored.Weekoffs, models.Weekdays{models.Saturday, models.Sunday}) {
			t.Errorf("stored: got %v", stored.Weekoffs)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		res := a.json(http.MethodPut, "/me/weekoffs", tok, `{"weekoffs": []}`)
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Body.String(), `"weekoffs":[]`) {
			t.Errorf("got %s, want an empty list", res.Body)
		}
		if _, err := a.store.SetWeekoffs(t.Context(), u.ID, []string{"sat", "sun"}, 0); err != nil {
			t.Fatal(err)
		}
	})

	bad := []struct {
		name, body string
		loc        []any
		typ        string
	}{
		{"UnknownDay", `{"weekoffs": ["sat", "funday"]}`, []any{"body", "weekoffs", 1.0}, "enum"},
		{"RepeatedDay", `{"weekoffs": ["sat", "Saturday"]}`, []any{"body", "weekoffs", 1.0}, "value_error"},
		{"TooMany", `{"weekoffs": ["mon", "tue", "wed"]}`, []any{"body", "weekoffs"}, "too_long"},
		{"UnknownField", `{"weekoffs": ["sat"], "user_id": 1}`, []any{"body", "user_id"}, "extra_forbidden"},
		{"NotJSON", `weekoffs=sat`, []any{"body"}, "json_invalid"},
		{"NotAnObject", `["sat"]`, []any{"body"}, "model_attributes_type"},
		{"WrongType", `{"weekoffs": "sat"}`, []any{"body", "weekoffs"}, "list_type"},
		{"Null", `{"weekoffs": null}`, []any{"body", "weekoffs"}, "list_type"},
		{"Missing", `{}`, []any{"body", "weekoffs"}, "missing"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			res := a.json(http.MethodPut, "/me/weekoffs", tok, tt.body)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			var out struct {
				Detail []models.FieldError `json:"detail"`
			}
			decode(t, res, &out)
			if len(out.Detail) == 0 || !slices.Equal(out.Detail[0].Loc, tt.loc) || out.Detail[0].Type != tt.typ || out.Detail[0].Msg == "" {
				t.Errorf("detail: got %+v, want loc %v type %s", out.Detail, tt.loc, tt.typ)
			}
			stored, _ := a.store.UserByID(t.Context(), u.ID)
			if !slices.Equal(stored.Weekoffs, models.Weekdays{models.Saturday, models.Sunday}) {
				t.Errorf("a rejected request wrote %v", stored.Weekoffs)
			}
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		body := `{"weekoffs": ["` + strings.Repeat("a", 2<<20) + `"]}`
		wantStatus(t, a.json(http.MethodPut, "/me/weekoffs", tok, body), http.StatusRequestEntityTooLarge)
	})
	t.Run("ConfiguredMaximum", func(t *testing.T) {
		b := newApp(t, func(c *config.Config) { c.WeekoffsMax = 3 })
		_, tok := b.userWithToken("three@example.com", models.RoleEmployee)
		wantStatus(t, b.json(http.MethodPut, "/me/weekoffs", tok, `{"weekoffs": ["mon", "tue", "wed"]}`), http.StatusOK)
		wantStatus(t, b.json(http.MethodPut, "/me/weekoffs", tok, `{"weekoffs": ["mon", "tue", "wed", "thu"]}`), http.StatusUnprocessableEntity)
	})
}

func TestPutMyPassword(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	_, tok := a.userWithToken("asha@example.com", models.RoleEmployee)
	change := func(current, next string) int {
		b, _ := json.Marshal(map[string]string{"current_password": current, "new_password": next})
		return a.json(http.MethodPut, "/me/password", tok, string(b)).Code
	}
	for name, tt := range map[string]struct {
		current, next string
		want          int
	}{
		"WrongCurrent": {"password9", "a-new-password", http.StatusBadRequest},
		"TooShort":     {"password1", "short", http.StatusUnprocessableEntity},
		"TooLong":      {"password1", strings.Repeat("x", 129), http.StatusUnprocessableEntity},
		"Unchanged":    {"password1", "password1", http.StatusUnprocessableEntity},
	} {
		if got := change(tt.current, tt.next); got != tt.want {
			t.Errorf("%s: got %d, want %d", name, got, tt.want)
		}
	}
	if got := change("password1", "a-new-password"); got != http.StatusNoContent {
		t.Fatalf("OK: got %d, want 204", got)
	}
	if _, err := a.store.Authenticate(t.Context(), "asha@example.com", "password1"); err == nil {
		t.Error("the old password still signs in")
	}
	a.token("asha@example.com", "a-new-password")
}
