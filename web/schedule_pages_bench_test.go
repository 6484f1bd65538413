package web_test

import (
	"net/http"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// BenchmarkMyPages draws the signed-in user's pages as a browser asks for
// them: /me (the profile with the schedule, its planned changes and form)
// and this month's /me/calendar, for a user with a change planned.
func BenchmarkMyPages(b *testing.B) {
	a := newApp(b, nil)
	u := a.user("me@example.com", models.RoleEmployee, "saturday", "sunday")
	v := a.signedIn(u)
	if res := v.post("/me/schedule", plannedForm(day(utcToday().AddDate(0, 0, 10)))); res.Code != http.StatusSeeOther {
		b.Fatalf("plan a change: status %d", res.Code)
	}
	for _, path := range []string{"/me", "/me/calendar"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if res := v.get(path); res.Code != http.StatusOK {
					b.Fatalf("status %d", res.Code)
				}
			}
		})
	}
}
