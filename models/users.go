package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// UserByEmail finds a user by email in any letter case; an email that is
// not text (NUL, not UTF-8) is ErrNotFound. It runs on every
// authenticated request, so it is a hand-written pgx query over the shared
// pool: GORM's reflection cost about a quarter of this lookup's CPU
// (BenchmarkUserByEmail in users_bench_test.go).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	if !IsText(email) {
		// No stored email holds it, and PostgreSQL would refuse the query (22021).
		return nil, ErrNotFound
	}
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	var u User
	err = userScan(conn.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = $1", lowerTrim(email)), &u)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return &u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Select(userColumns).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user by id: %w", err)
	}
	return &u, nil
}

// Authenticate returns the active user with this email and password. A
// wrong password or an unknown email is ErrPassword; the right password of
// a deactivated account is ErrInactive, which only the password's holder
// learns. An unknown email costs the same bcrypt comparison as a wrong
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
	if u.PasswordHash == "" {
		// Imported and not yet given a password: nothing can match, and
		// the same bcrypt cost as a wrong password hides that.
		passwordMatches(string(s.dummyHash()), password)
		return nil, ErrPassword
	}
	if !passwordMatches(u.PasswordHash, password) {
		return nil, ErrPassword
	}
	if !u.IsActive {
		return nil, ErrInactive
	}
	return u, nil
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
	_, err = s.update(ctx, id, 0, userChange{PasswordHash: &hash}, false)
	return err
}

// update writes columns of one user in a transaction that locks the row,
// checks ifVersion (0 skips the check), bumps the version, and records the
// changed fields in the user's history. It refuses to demote or deactivate
// the last active admin (ErrLastAdmin), locking the admins first, so that
// two admins demoting each other at once cannot both succeed. New
// week-offs become the user's own schedule from today; a new team may
// change the days in force. A change that could take a working day from
// the user's team (their days, their team, deactivating them, making them
// an admin) is checked by the coverage guard in the same transaction, and
// refused with a ShortError unless force (coverage_guard_teams.go). The
// order of the locks is in user_update_locks.go. Any failure, the
// history's included, leaves the user unchanged.
func (s *Store) update(ctx context.Context, id int64, ifVersion int, ch userChange, force bool) (*User, error) {
	up := userUpdate{id: id, ifVersion: ifVersion, ch: ch, weekoffs: ch.Weekoffs, force: force}
	up.ch.Weekoffs = nil
	if up.weekoffs != nil && up.ch.empty() {
		// The one-statement path of SetWeekoffs, guarded as it is.
		return s.setUserSchedule(ctx, userRef{id: id}, ScheduleInput{Rules: up.weekoffs.Rules(), Force: force}, ifVersion, 1, "weekoffs")
	}
	var after User
	err := s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		for try := 1; ; try++ {
			err := conn.Transaction(func(tx *gorm.DB) error {
				return s.updateIn(ctx, conn.Statement.ConnPool.(*sql.Conn), tx, up, &after)
			})
			if !errors.Is(err, errRelock) {
				return err
			}
			if try == updateAttempts {
				return fmt.Errorf("%w (%w)", ErrStale, err)
			}
		}
	})
	if _, short := errors.AsType[*ShortError](err); short || errors.Is(err, ErrNotFound) || errors.Is(err, ErrStale) || errors.Is(err, ErrLastAdmin) {
		return nil, err
	}
	var fieldErrs FieldErrors
	if errors.As(err, &fieldErrs) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	return &after, nil
}

// userUpdate is one call of update.
type userUpdate struct {
	id        int64
	ifVersion int
	ch        userChange // the stored fields, without the week-offs
	weekoffs  *Weekdays  // new week-offs, written as a schedule
	force     bool
}

// updateIn is update's transaction, tx on conn, which reads into after;
// errRelock asks for another try.
func (s *Store) updateIn(ctx context.Context, conn *sql.Conn, tx *gorm.DB, up userUpdate, after *User) error {
	locks, err := s.lockBeforeUser(ctx, conn, tx, up)
	if err != nil {
		return err
	}
	var before User
	err = tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&before, up.id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if up.ifVersion != 0 && before.Version != up.ifVersion {
		return ErrStale
	}
	if err := checkLocks(tx, up, locks, &before); err != nil {
		return err
	}
	if err := up.lastAdmin(locks, &before); err != nil {
		return err
	}
	if err := s.writeUpdate(ctx, tx, up, &before, after); err != nil {
		return err
	}
	if locks.cover != nil {
		err := onPgx(conn, func(c *pgx.Conn) error { return locks.cover.checkMarking(ctx, c, up.force, []int64{up.id}) })
		if err != nil {
			return err
		}
	}
	// Read back with the schedule resolved, seeing this transaction's writes.
	return tx.Select(userColumns).Take(after, up.id).Error
}

// writeUpdate makes update's writes in tx, the user's row locked: the
// columns, the days a new team gives, the history, the new week-offs.
func (s *Store) writeUpdate(ctx context.Context, tx *gorm.DB, up userUpdate, before, after *User) error {
	if err := tx.Model(after).Clauses(clause.Returning{}).Where("id = ?", up.id).Updates(up.ch.columns()).Error; err != nil {
		if isForeignKeyViolation(err) {
			return unknownTeam()
		}
		return err
	}
	if up.ch.TeamID != nil {
		// Another team may have other days: refreshed before the history compares.
		if _, err := tx.Statement.ConnPool.ExecContext(ctx, refreshUserSQL, up.id); err != nil {
			return err
		}
		if err := tx.Raw("SELECT weekoffs FROM users WHERE id = ?", up.id).Row().Scan(&after.Weekoffs); err != nil {
			return err
		}
	}
	rows, err := historyRows(ctx, before, after)
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	if up.weekoffs == nil {
		return nil
	}
	if err := s.execUserSchedule(ctx, tx, up.id, ScheduleInput{Rules: up.weekoffs.Rules()}); err != nil {
		return err
	}
	_, err = tx.Statement.ConnPool.ExecContext(ctx, refreshUserSQL, up.id)
	return err
}

// execUserSchedule runs setUserScheduleSQL inside a GORM transaction that
// has locked and versioned the user already, for changes of several fields
// at once.
func (s *Store) execUserSchedule(ctx context.Context, tx *gorm.DB, id int64, in ScheduleInput) error {
	rules, err := json.Marshal(in.Rules)
	if err != nil {
		return err
	}
	actor := actorFrom(ctx)
	res, err := tx.Statement.ConnPool.ExecContext(ctx, setUserScheduleByID, id, 0, string(rules), in.Inherit, in.effectiveFrom(),
		actor.id(), string(actor.Via), 0, s.weekoffsMax, true) // guarded by update, which counts again after it
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		// The limit of days was checked before; the organisation's changed since.
		return invalid("weekoffs", "The organisation's limit of week-off days changed; try again", "too_long")
	}
	return nil
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
