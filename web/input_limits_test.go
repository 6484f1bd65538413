package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// hugeList is a JSON body of just under 1 MiB whose weekoffs are a list of
// empty strings, every entry a bad weekday, after the members given.
func hugeList(given string) string {
	var b strings.Builder
	b.WriteString(`{` + given + `"weekoffs":[""`)
	for b.Len() < 1<<20-16 {
		b.WriteString(`,""`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// hugeObject is a JSON body of just under 1 MiB with tens of thousands of
// members that no route takes, beside the ones given.
func hugeObject(given string) string {
	var b strings.Builder
	b.WriteString("{" + given)
	for i := 0; b.Len() < 1<<20-32; i++ {
		b.WriteString(`,"x` + strconv.Itoa(i) + `":0`)
	}
	b.WriteString("}")
	return b.String()
}

// TestSmallRequestSmallRefusal sends bodies of just under 1 MiB that hold
// a huge list or a huge number of unknown members to every JSON route that
// takes a body: each is refused with a 422 of a few kilobytes that says
// what is wrong, where the reply used to be tens of megabytes.
func TestSmallRequestSmallRefusal(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	emp, empTok := a.userWithToken("emp@example.com", models.RoleEmployee)
	const most = 4 << 10 // bytes: a refusal this small costs nothing to send

	lists := []struct{ method, path, token, given string }{
		{http.MethodPut, "/me/weekoffs", empTok, ""},
		{http.MethodPatch, "/admin/users/" + itoa(emp.ID), adminTok, ""},
		{http.MethodPost, "/admin/users", adminTok, `"email":"n@example.com","full_name":"N","role":"employee","password":"password1",`},
	}
	for _, r := range lists {
		t.Run("List"+r.method, func(t *testing.T) {
			res := a.json(r.method, r.path, r.token, hugeList(r.given))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if res.Body.Len() > most {
				t.Fatalf("%s %s: a %d-byte 422 for a 1 MiB body, want at most %d", r.method, r.path, res.Body.Len(), most)
			}
			if !strings.Contains(res.Body.String(), `"loc":["body","weekoffs"],"msg":"Choose at most 2 week-off days, not `) {
				t.Errorf("%s %s: want the list refused as too long: %s", r.method, r.path, res.Body)
			}
		})
	}

	objects := []struct{ method, path, token, given string }{
		{http.MethodPut, "/me/weekoffs", empTok, `"weekoffs":[]`},
		{http.MethodPut, "/me/password", empTok, `"current_password":"password1","new_password":"password2"`},
		{http.MethodPatch, "/admin/users/" + itoa(emp.ID), adminTok, `"full_name":"E"`},
		{http.MethodPost, "/admin/users", adminTok, `"email":"n@example.com"`},
	}
	for _, r := range objects {
		t.Run("Members"+r.method+strings.ReplaceAll(r.path, "/", "_"), func(t *testing.T) {
			res := a.json(r.method, r.path, r.token, hugeObject(r.given))
			wantStatus(t, res, http.StatusUnprocessableEntity)
			if res.Body.Len() > most {
				t.Fatalf("%s %s: a %d-byte 422 for a 1 MiB body, want at most %d", r.method, r.path, res.Body.Len(), most)
			}
			var out struct {
				Detail []models.FieldError `json:"detail"`
			}
			decode(t, res, &out)
			if len(out.Detail) != 21 {
				t.Fatalf("%s %s: %d problems listed, want 20 and a last one saying how many more", r.method, r.path, len(out.Detail))
			}
			for _, e := range out.Detail[:20] {
				if e.Type != "extra_forbidden" && e.Type != "missing" {
					t.Errorf("%s %s: listed %+v", r.method, r.path, e)
				}
			}
			last := out.Detail[20]
			if last.Type != "too_many_errors" || !strings.HasSuffix(last.Msg, "more problems were not listed") {
				t.Errorf("%s %s: the last problem listed is %+v, want one saying how many more there were", r.method, r.path, last)
			}
		})
	}

	t.Run("LongName", func(t *testing.T) {
		res := a.json(http.MethodPut, "/me/weekoffs", empTok, `{"weekoffs":["`+strings.Repeat("x", 1<<19)+`"]}`)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if res.Body.Len() > most {
			t.Fatalf("a %d-byte 422 that quotes the bad day, want at most %d", res.Body.Len(), most)
		}
	})
}
