package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

func ptr[T any](v T) *T { return &v }

func newUser(email string) models.UserInput {
	return models.UserInput{
		Email: ptr(email), FullName: ptr("Asha Rao"), Role: ptr("employee"), Password: ptr("correct horse"),
	}
}

// storeWithUser is a fresh store holding one user, made from newUser(email).
func storeWithUser(t *testing.T, email string) (*models.Store, *models.User) {
	t.Helper()
	s := modelstest.Store(t)
	u, err := s.CreateUser(context.Background(), newUser(email))
	if err != nil {
		t.Fatal(err)
	}
	return s, u
}

func TestCreateAndFindUser(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()

	in := newUser("Asha@Example.com")
	in.Weekoffs = ptr([]string{"Sun", "saturday"})
	created, err := s.CreateUser(ctx, in)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if created.Email != "asha@example.com" || created.ID == 0 || !created.IsActive {
		t.Fatalf("created = %+v", created)
	}

	byEmail, err := s.UserByEmail(ctx, "ASHA@example.COM")
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	byID, err := s.UserByID(ctx, created.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	want := models.Weekdays{models.Saturday, models.Sunday}
	for name, u := range map[string]*models.User{"by email": byEmail, "by id": byID} {
		if !slices.Equal(u.Weekoffs, want) || u.FullName != "Asha Rao" || u.Role != models.RoleEmployee {
			t.Errorf("%s: got %+v, want weekoffs %v", name, u, want)
		}
		if !u.CreatedAt.Equal(created.CreatedAt) {
			t.Errorf("%s: created_at %v, want %v", name, u.CreatedAt, created.CreatedAt)
		}
	}

	t.Run("ErrConflict in another letter case", func(t *testing.T) {
		_, err := s.CreateUser(ctx, newUser("ASHA@EXAMPLE.COM"))
		if !errors.Is(err, models.ErrConflict) {
			t.Fatalf("got %v, want ErrConflict", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UserByEmail: got %v, want ErrNotFound", err)
		}
		if _, err := s.UserByID(ctx, 999999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UserByID: got %v, want ErrNotFound", err)
		}
	})
}

func TestSetWeekoffs(t *testing.T) {
	t.Parallel()
	s, u := storeWithUser(t, "w@example.com")
	ctx := context.Background()
	got, err := s.SetWeekoffs(ctx, u.ID, []string{"FRI", "mon"}, 0)
	if err != nil {
		t.Fatalf("SetWeekoffs: %v", err)
	}
	if want := (models.Weekdays{models.Monday, models.Friday}); !slices.Equal(got.Weekoffs, want) {
		t.Fatalf("got %v, want %v", got.Weekoffs, want)
	}
	if !got.UpdatedAt.After(u.UpdatedAt) {
		t.Errorf("updated_at %v not after %v", got.UpdatedAt, u.UpdatedAt)
	}

	_, err = s.SetWeekoffs(ctx, u.ID, []string{"mon", "tue", "wed"}, 0)
	var fe models.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("three days: got %v, want FieldErrors", err)
	}
	again, _ := s.UserByID(ctx, u.ID)
	if !slices.Equal(again.Weekoffs, got.Weekoffs) {
		t.Errorf("rejected update wrote %v", again.Weekoffs)
	}
	if _, err := s.SetWeekoffs(ctx, 424242, nil, 0); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown id: got %v, want ErrNotFound", err)
	}
}
