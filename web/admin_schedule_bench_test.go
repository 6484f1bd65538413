package web_test

import (
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkAdminSchedulePages draws the admins' pages that hold a schedule
// editor, as a browser asks for them: a user's page (their schedule, their
// planned change and the form), a team's and the organisation's, each with
// a change planned.
func BenchmarkAdminSchedulePages(b *testing.B) {
	a := newApp(b, nil)
	admin := a.user("admin@example.com", models.RoleAdmin)
	v := a.signedIn(admin)
	team, err := a.store.CreateTeam(b.Context(), models.TeamInput{Name: new("Support")})
	if err != nil {
		b.Fatal(err)
	}
	u := a.user("asha@example.com", models.RoleEmployee, "saturday", "sunday")
	if _, err := a.store.UpdateUser(b.Context(), u.ID, models.UserInput{TeamID: &team.ID}, 0); err != nil {
		b.Fatal(err)
	}
	later := day(utcToday().AddDate(0, 0, 10))
	user, teamPage := "/admin/users/"+itoa(u.ID), "/admin/teams/"+itoa(team.ID)
	for _, teamID := range []int64{team.ID, 0} {
		if _, err := a.store.SetScopeSchedule(b.Context(), teamID, scheduleIn(b, a, `[{"day": "sunday"}]`, later)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := a.store.SetUserSchedule(b.Context(), u.ID, scheduleIn(b, a, `[{"day": "saturday", "weeks": "alternate"}]`, later), 0); err != nil {
		b.Fatal(err)
	}
	for name, path := range map[string]string{"User": user, "Team": teamPage, "Organisation": "/admin/organisation"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if res := v.get(path); res.Code != http.StatusOK {
					b.Fatalf("status %d", res.Code)
				}
			}
		})
	}
}

// scheduleIn is a change of schedule to the rules (JSON) from the date.
func scheduleIn(b *testing.B, a *app, rules, from string) models.ScheduleInput {
	b.Helper()
	in, err := a.store.ParseSchedule(b.Context(), models.ScheduleFields{Rules: []byte(rules), EffectiveFrom: &from}, false)
	if err != nil {
		b.Fatal(err)
	}
	return in
}
