package models

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
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
	TeamID   *int64 // 0: no team
	// Force applies an update even where it leaves a team below its
	// minimum on duty; the history rows say so (coverage_guard_teams.go).
	Force bool
}

// unknownTeam answers a user input naming a team that does not exist.
func unknownTeam() FieldErrors {
	return invalid("team_id", "There is no team with this id", "value_error")
}

// validate checks the given fields and returns them as a typed change;
// weekoffsMax is the organisation's limit.
func (s *Store) validate(in UserInput, weekoffsMax int) (userChange, error) {
	var errs FieldErrors
	var ch userChange
	if in.Email != nil {
		email, err := parseEmail(*in.Email)
		errs = append(errs, err...)
		ch.Email = &email
	}
	if in.FullName != nil {
		name, err := parseFullName(*in.FullName)
		errs = append(errs, err...)
		ch.FullName = &name
	}
	if in.Role != nil {
		role, ok := ParseRole(*in.Role)
		if !ok {
			errs = append(errs, invalid("role", "Input should be 'admin' or 'employee'", "enum")...)
		}
		ch.Role = &role
	}
	ch.IsActive = in.IsActive
	if in.TeamID != nil {
		if *in.TeamID < 0 {
			errs = append(errs, invalid("team_id", "Input should be a team's id, or null for none", "value_error")...)
		}
		ch.TeamID = in.TeamID
	}
	if in.Weekoffs != nil {
		days, err := ParseWeekdays("weekoffs", *in.Weekoffs, weekoffsMax)
		errs = append(errs, err...)
		ch.Weekoffs = &days
	}
	if in.Password != nil {
		errs = append(errs, validatePassword("password", *in.Password)...)
	}
	if len(errs) > 0 {
		return userChange{}, errs
	}
	if in.Password != nil {
		hash, err := hashPassword(*in.Password, s.bcryptCost)
		if err != nil {
			return userChange{}, err
		}
		ch.PasswordHash = &hash
	}
	return ch, nil
}

// validateWithLimit is validate under the organisation's current limit of
// week-off days; the settings are read only when week-offs are given.
func (s *Store) validateWithLimit(ctx context.Context, in UserInput) (userChange, error) {
	limit := 0
	if in.Weekoffs != nil {
		o, err := s.Organisation(ctx)
		if err != nil {
			return userChange{}, err
		}
		limit = o.WeekoffsMax
	}
	return s.validate(in, limit)
}

// parseEmail accepts a bare address ("asha@example.com") and lowercases it.
func parseEmail(raw string) (string, FieldErrors) {
	if !IsText(raw) {
		// Checked before lowercasing, which would turn bytes that are not
		// UTF-8 into U+FFFD and store an address nobody typed.
		return raw, notText("email", "Email")
	}
	email := lowerTrim(raw)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" || len(email) > 254 {
		return email, invalid("email", "Input should be a valid email address such as name@example.com", "value_error")
	}
	return email, nil
}

// parseFullName trims a name and checks that something of it is left.
func parseFullName(raw string) (string, FieldErrors) {
	return parseName("full_name", "Full name", raw, MaxNameLength)
}

// parseName trims a name (a person's, a team's, the organisation's) and
// checks it: text PostgreSQL takes, not empty, at most max characters.
func parseName(field, label, raw string, max int) (string, FieldErrors) {
	name := strings.TrimSpace(raw)
	switch {
	case !IsText(name):
		return name, notText(field, label)
	case name == "":
		return name, invalid(field, label+" must not be empty", "string_too_short")
	case utf8.RuneCountInString(name) > max:
		return name, invalid(field, fmt.Sprintf("%s should have at most %d characters", label, max), "string_too_long")
	}
	return name, nil
}

// checkRange reports a whole number outside lo..hi.
func checkRange(field string, n, lo, hi int) FieldErrors {
	if n < lo || n > hi {
		return invalid(field, fmt.Sprintf("Input should be a whole number from %d to %d", lo, hi), "int_range")
	}
	return nil
}

// notText is the error of a text field that PostgreSQL would refuse.
func notText(field, label string) FieldErrors {
	return invalid(field, label+" should be UTF-8 text without NUL characters", "string_type")
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
	ch, err := s.validateWithLimit(ctx, in)
	if err != nil {
		return nil, err
	}
	u := User{Email: *ch.Email, FullName: *ch.FullName, Role: *ch.Role, IsActive: true, PasswordHash: *ch.PasswordHash, Weekoffs: Weekdays{}}
	if ch.IsActive != nil {
		u.IsActive = *ch.IsActive
	}
	if ch.Weekoffs != nil {
		u.Weekoffs = *ch.Weekoffs
	}
	if ch.TeamID != nil && *ch.TeamID != 0 {
		u.TeamID = ch.TeamID
	}
	// Given week-offs become the user's own schedule from today; without
	// them the user has their team's or the organisation's days.
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		if ch.Weekoffs != nil {
			rules, err := json.Marshal(ch.Weekoffs.Rules())
			if err != nil {
				return err
			}
			err = tx.Exec("INSERT INTO schedules (scope, user_id, rules, effective_from, created_by) VALUES ('user', ?, ?, org_today(), ?)",
				u.ID, string(rules), actorFrom(ctx).id()).Error
			if err != nil {
				return err
			}
		}
		_, err := tx.Statement.ConnPool.ExecContext(ctx, refreshUserSQL, u.ID)
		return err
	})
	if err != nil {
		switch {
		case isUniqueViolation(err):
			return nil, fmt.Errorf("a user with email %s: %w", u.Email, ErrConflict)
		case isForeignKeyViolation(err):
			return nil, unknownTeam()
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return s.UserByID(ctx, u.ID)
}

// UpdateUser applies the given fields to a user; ifVersion works as in
// SetWeekoffs. It refuses to demote or deactivate the last active admin
// (update).
func (s *Store) UpdateUser(ctx context.Context, id int64, in UserInput, ifVersion int) (*User, error) {
	if in.Email != nil {
		return nil, invalid("email", "Email cannot be changed", "extra_forbidden")
	}
	ch, err := s.validateWithLimit(ctx, in)
	if err != nil {
		return nil, err
	}
	if ch.empty() {
		u, err := s.UserByID(ctx, id)
		if err == nil && ifVersion != 0 && u.Version != ifVersion {
			return nil, ErrStale
		}
		return u, err
	}
	return s.update(ctx, id, ifVersion, ch, in.Force)
}
