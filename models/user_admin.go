package models

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxNameLength bounds full names, in characters.
const MaxNameLength = 200

// UserInput is what an admin sends to create or change a user. A nil field
// was not given: on create the required ones must be, on update it is left alone.
type UserInput struct {
	Email    *string
	FullName *string
	Role     *string
	IsActive *bool
	Weekoffs *[]string
	Password *string
}

// userChanges validates the given fields and returns them as columns to write.
func (s *Store) userChanges(in UserInput) (map[string]any, error) {
	var errs FieldErrors
	cols := map[string]any{}
	if in.Email != nil {
		email, err := parseEmail(*in.Email)
		errs = append(errs, err...)
		cols["email"] = email
	}
	if in.FullName != nil {
		name := strings.TrimSpace(*in.FullName)
		switch {
		case name == "":
			errs = append(errs, invalid("full_name", "Full name must not be empty", "string_too_short")...)
		case utf8.RuneCountInString(name) > MaxNameLength:
			errs = append(errs, invalid("full_name", fmt.Sprintf("Full name should have at most %d characters", MaxNameLength), "string_too_long")...)
		}
		cols["full_name"] = name
	}
	if in.Role != nil {
		role, ok := ParseRole(*in.Role)
		if !ok {
			errs = append(errs, invalid("role", "Input should be 'admin' or 'employee'", "enum")...)
		}
		cols["role"] = role
	}
	if in.IsActive != nil {
		cols["is_active"] = *in.IsActive
	}
	if in.Weekoffs != nil {
		days, err := ParseWeekdays("weekoffs", *in.Weekoffs, s.weekoffsMax)
		if err != nil {
			errs = append(errs, err.(FieldErrors)...)
		}
		cols["weekoffs"] = days
	}
	if in.Password != nil {
		errs = append(errs, validatePassword("password", *in.Password)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if in.Password != nil {
		hash, err := hashPassword(*in.Password, s.bcryptCost)
		if err != nil {
			return nil, err
		}
		cols["password_hash"] = hash
	}
	return cols, nil
}

// parseEmail accepts a bare address ("asha@example.com") and lowercases it.
func parseEmail(raw string) (string, FieldErrors) {
	email := lowerTrim(raw)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" || len(email) > 254 {
		return email, invalid("email", "Input should be a valid email address such as name@example.com", "value_error")
	}
	return email, nil
}

// CreateUser validates and stores a new user. Email, full name, role and
// password are required; week-offs default to none and the user to active.
func (s *Store) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	var missing FieldErrors
	required := []struct {
		name  string
		given bool
	}{{"email", in.Email != nil}, {"full_name", in.FullName != nil}, {"role", in.Role != nil}, {"password", in.Password != nil}}
	for _, f := range required {
		if !f.given {
			missing = append(missing, FieldError{Loc: []any{f.name}, Msg: "Field required", Type: "missing"})
		}
	}
	if len(missing) > 0 {
		return nil, missing
	}
	cols, err := s.userChanges(in)
	if err != nil {
		return nil, err
	}
	u := User{
		Email:        cols["email"].(string),
		FullName:     cols["full_name"].(string),
		Role:         cols["role"].(Role),
		IsActive:     in.IsActive == nil || *in.IsActive,
		PasswordHash: cols["password_hash"].(string),
		Weekoffs:     Weekdays{},
	}
	if days, ok := cols["weekoffs"].(Weekdays); ok {
		u.Weekoffs = days
	}
	if err := s.db.WithContext(ctx).Create(&u).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, fmt.Errorf("a user with email %s: %w", u.Email, ErrConflict)
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return &u, nil
}

// UpdateUser applies the given fields to a user; ifVersion works as in
// SetWeekoffs. It refuses to demote or deactivate the last active admin,
// locking the admins' rows so that two admins demoting each other at once
// cannot both succeed.
func (s *Store) UpdateUser(ctx context.Context, id int64, in UserInput, ifVersion int) (*User, error) {
	if in.Email != nil {
		return nil, invalid("email", "Email cannot be changed", "extra_forbidden")
	}
	cols, err := s.userChanges(in)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		u, err := s.UserByID(ctx, id)
		if err == nil && ifVersion != 0 && u.Version != ifVersion {
			return nil, ErrStale
		}
		return u, err
	}
	demotes := (in.Role != nil && cols["role"] != RoleAdmin) || (in.IsActive != nil && !*in.IsActive)
	return s.update(ctx, id, ifVersion, cols, func(tx *gorm.DB, before *User) error {
		if !demotes || !before.IsAdmin() || !before.IsActive {
			return nil
		}
		var admins []int64
		if err := tx.Model(&User{}).Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("role = ? AND is_active", RoleAdmin).Order("id").Pluck("id", &admins).Error; err != nil {
			return err
		}
		if len(admins) == 1 && admins[0] == id {
			return ErrLastAdmin
		}
		return nil
	})
}
