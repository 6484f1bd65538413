package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// TestOrganisationSettings: admins read and change the settings; a refused
// change names each bad value and saves nothing; the limit of week-off
// days applies to the next change at once.
func TestOrganisationSettings(t *testing.T) {
	t.Parallel()
	a, _, token := newAdminApp(t)
	_, empTok := a.userWithToken("asha@example.com", models.RoleEmployee)

	res := a.json("GET", "/admin/organisation", token, nil)
	wantStatus(t, res, http.StatusOK)
	var org struct {
		Name, Timezone, SelfService string
		WeekoffsMax                 int `json:"weekoffs_max"`
	}
	decode(t, res, &org)
	if org.Timezone != "UTC" || org.WeekoffsMax != a.cfg.WeekoffsMax {
		t.Errorf("first settings: got %+v, want UTC and WEEKOFFS_MAX %d", org, a.cfg.WeekoffsMax)
	}

	res = a.json("PATCH", "/admin/organisation", token, map[string]any{"timezone": "Mars/Olympus", "weekoffs_max": 8, "self_service": "later"})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	for _, field := range []string{"timezone", "weekoffs_max", "self_service"} {
		if !hasErrorAt(detailOf(t, res), "body", field) {
			t.Errorf("the 422 does not name %s: %v", field, detailOf(t, res))
		}
	}
	if o, _ := a.store.Organisation(t.Context()); o.Timezone != "UTC" {
		t.Errorf("a refused change was saved: %+v", o)
	}

	a.do(call{method: "PUT", path: "/me/weekoffs", token: empTok, body: map[string]any{"weekoffs": []string{"fri", "sat", "sun"}}, want: http.StatusUnprocessableEntity})
	res = a.json("PATCH", "/admin/organisation", token, map[string]any{"weekoffs_max": 3, "timezone": "Asia/Kolkata"})
	wantStatus(t, res, http.StatusOK)
	a.do(call{method: "PUT", path: "/me/weekoffs", token: empTok, body: map[string]any{"weekoffs": []string{"fri", "sat", "sun"}}, want: http.StatusOK})
}

// TestTimesInOrganisationZone: pages show times in the organisation's zone,
// to the minute.
func TestTimesInOrganisationZone(t *testing.T) {
	t.Parallel()
	a, admin, _ := newAdminApp(t)
	zone := "Asia/Kolkata"
	if _, err := a.store.UpdateOrganisation(t.Context(), models.OrganisationInput{Timezone: &zone}); err != nil {
		t.Fatal(err)
	}
	emp := a.user("asha@example.com", models.RoleEmployee)
	v := a.signedIn(admin)
	res := v.get("/admin/users/" + itoa(emp.ID))
	wantStatus(t, res, http.StatusOK)
	kolkata, _ := time.LoadLocation(zone)
	// To the minute, in the zone, and nothing after: no seconds, no UTC.
	wantBody(t, res, "last changed "+emp.UpdatedAt.In(kolkata).Format("2 Jan 2006 15:04")+" IST</p>")

	res = v.post("/admin/organisation", url.Values{"name": {"Acme"}, "timezone": {"Nowhere/Land"}, "self_service": {"direct"}, "weekoffs_max": {"2"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	wantBody(t, res, `id="timezone-error"`, `value="Nowhere/Land"`)
	wantRedirect(t, v.post("/admin/organisation", url.Values{"name": {"Acme"}, "timezone": {"Europe/Berlin"}, "self_service": {"approval"}, "weekoffs_max": {"3"}}), "/admin/organisation")
	if o, _ := a.store.Organisation(t.Context()); o.Name != "Acme" || o.Timezone != "Europe/Berlin" || o.SelfService != models.SelfServiceApproval || o.WeekoffsMax != 3 {
		t.Errorf("saved: %+v", o)
	}
}

// hasErrorAt reports whether a 422's detail lists a problem located at loc.
func hasErrorAt(detail any, loc ...any) bool {
	items, _ := detail.([]any)
	for _, item := range items {
		m, _ := item.(map[string]any)
		got, _ := m["loc"].([]any)
		if fmt.Sprint(got...) == fmt.Sprint(loc...) {
			return true
		}
	}
	return false
}
