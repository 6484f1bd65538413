package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// UserByEmail finds a user by email in any letter case. It runs on every
// authenticated request, so it is a hand-written pgx query over the shared
// pool: GORM's reflection cost about a quarter of this lookup's CPU
// (BenchmarkUserByEmail in users_bench_test.go).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	var u User
	var days []string
	err = conn.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = $1", lowerTrim(email)).
		Scan(&u.ID, &u.Email, &u.FullName, &u.Role, &u.IsActive, &u.PasswordHash, &days, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	if u.Weekoffs, err = weekdaysFrom(days); err != nil {
		return nil, err
	}
	return &u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user by id: %w", err)
	}
	return &u, nil
}

// Authenticate returns the active user with this email and password, or
// ErrPassword. An unknown email costs the same bcrypt comparison as a wrong
// password, so response times do not tell which emails exist.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		passwordMatches(string(s.dummyHash()), password)
		return nil, ErrPassword
	}
	if err != nil {
		return nil, err
	}
	if !passwordMatches(u.PasswordHash, password) || !u.IsActive {
		return nil, ErrPassword
	}
	return u, nil
}

// SetWeekoffs replaces a user's week-offs after validating the day names.
func (s *Store) SetWeekoffs(ctx context.Context, id int64, names []string) (*User, error) {
	days, err := ParseWeekdays("weekoffs", names, s.weekoffsMax)
	if err != nil {
		return nil, err
	}
	return s.updateColumns(ctx, id, map[string]any{"weekoffs": days})
}

// ChangePassword sets a new password after checking the current one.
func (s *Store) ChangePassword(ctx context.Context, id int64, current, next string) error {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if !passwordMatches(u.PasswordHash, current) {
		return ErrPassword
	}
	if errs := validatePassword("new_password", next); errs != nil {
		return errs
	}
	if next == current {
		return invalid("new_password", "New password must differ from the current one", "value_error")
	}
	hash, err := hashPassword(next, s.bcryptCost)
	if err != nil {
		return err
	}
	_, err = s.updateColumns(ctx, id, map[string]any{"password_hash": hash})
	return err
}

// updateColumns writes columns of one user and returns the updated row.
func (s *Store) updateColumns(ctx context.Context, id int64, cols map[string]any) (*User, error) {
	var u User
	cols["updated_at"] = gorm.Expr("now()")
	res := s.db.WithContext(ctx).Model(&u).Clauses(clause.Returning{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return nil, fmt.Errorf("update user: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	return &u, nil
}

// weekdaysFrom converts names read from the database.
func weekdaysFrom(names []string) (Weekdays, error) {
	days := make(Weekdays, 0, len(names))
	for _, n := range names {
		d, ok := ParseWeekday(n)
		if !ok {
			return nil, fmt.Errorf("stored week-off %q is not a weekday", n)
		}
		days = append(days, d)
	}
	return days, nil
}


func lowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
