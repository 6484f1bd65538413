package models_test

import (
	"context"
	"slices"
	"testing"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestSearchIgnoresAccentsCaseAndWordOrder: the admin search finds a user
// when every word typed is part of the name or the email, whatever the
// accents, the letter case or the order of the words.
func TestSearchIgnoresAccentsCaseAndWordOrder(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	people := map[string]string{
		"jg@example.com":       "José García",
		"anna@example.com":     "Anna Müller",
		"ana@example.com":      "Ana Rao",
		"rsmith@example.com":   "Rao Smith",
		"banana@example.com":   "Ana Banana",
		"aero@example.com":     "Ærø Łukasz",
		"pct@example.com":      "Hundred 100% Sure",
		"under_sc@example.com": "Under Score",
	}
	for email, name := range people {
		in := newUser(email)
		in.FullName = ptr(name)
		if _, err := s.CreateUser(ctx, in); err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
	}
	cases := []struct {
		query string
		want  []string // emails, in name order
	}{
		{"garcia", []string{"jg@example.com"}},
		{"GARCÍA", []string{"jg@example.com"}},
		{"muller", []string{"anna@example.com"}},
		{"Müller", []string{"anna@example.com"}},
		{"Rao Ana", []string{"ana@example.com"}},
		{"ana   rao", []string{"ana@example.com"}},
		{"rao", []string{"ana@example.com", "rsmith@example.com"}},
		// Each word is matched on its own, in the name or the email.
		{"example ana", []string{"banana@example.com", "ana@example.com"}},
		{"rao smith", []string{"rsmith@example.com"}},
		{"rao banana", nil},
		{"aero lukasz", []string{"aero@example.com"}},
		{"jose jg@", []string{"jg@example.com"}},
		// A word never spans the name and the email.
		{"garciajg", nil},
		// LIKE's wildcards are matched literally.
		{"100%", []string{"pct@example.com"}},
		{"%", []string{"pct@example.com"}},
		{"a_r", nil},
		{"under_", []string{"under_sc@example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			page, err := s.ListUsers(ctx, models.UserFilter{Limit: models.ListLimitDefault, Sort: "name", Query: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range page.Items {
				got = append(got, u.Email)
			}
			if !slices.Equal(got, tc.want) || page.Total != int64(len(tc.want)) || page.TotalIsEstimate {
				t.Errorf("q=%q: got %v (total %d), want %v", tc.query, got, page.Total, tc.want)
			}
		})
	}
	t.Run("FollowsRenames", func(t *testing.T) {
		u, err := s.UserByEmail(ctx, "ana@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, u.ID, models.UserInput{FullName: ptr("Zoë Ødegaard")}, 0); err != nil {
			t.Fatal(err)
		}
		page, err := s.ListUsers(ctx, models.UserFilter{Limit: models.ListLimitDefault, Sort: "name", Query: "odegaard zoe"})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != u.ID {
			t.Errorf("after renaming: got %v, err %v; want the renamed user", page.Items, err)
		}
	})
}
