package models

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// The locks of a change to one user (update) are taken in the order every
// guarded write takes them, so that two such writes wait for each other
// instead of deadlocking (PostgreSQL would abort one with 40P01): the teams
// the user is counted in (guardMembersTeams, before the coverage guard's
// count), then every active admin in id order (as GuardLastAdmin does for a
// bulk change), then the user's row. Which of them a change needs depends on
// the row, which is read first without a lock; once the row is locked,
// checkLocks tells whether that reading still holds. If another write moved,
// promoted or activated the user in between, what is missing cannot be
// locked now without breaking the order: the transaction is rolled back,
// releasing everything, and tried again from the new reading.

// errRelock says that the user's row, once locked, needs a lock that had
// to be taken before it: update tries its transaction again.
var errRelock = errors.New("the user changed before their row was locked")

// updateAttempts bounds update's tries. A new try follows only a write to
// the same user committed between two statements of this one; should that
// happen every time, the change is refused as ErrStale.
const updateAttempts = 3

// userLockView is what of a user decides the locks taken before their row.
type userLockView struct {
	TeamID   *int64
	Role     Role
	IsActive bool
}

// userLocks are the locks update took before the user's row.
type userLocks struct {
	cover  *scopeGuard // the user's team, when the change can reduce it
	admins []int64     // the active admins, when the change can demote one
}

// reducesFrom reports whether the update can take a working day from the
// team of a user seen as v. Only an active employee in a team is counted;
// moving into a team, activating or making an employee only adds, and a
// team_id that is the user's team already (the admin's form always sends
// one) moves nobody.
func (up userUpdate) reducesFrom(v userLockView) bool {
	if !v.IsActive || v.Role != RoleEmployee || v.TeamID == nil {
		return false
	}
	ch := up.ch
	return up.weekoffs != nil || (ch.TeamID != nil && *ch.TeamID != *v.TeamID) ||
		(ch.IsActive != nil && !*ch.IsActive) || (ch.Role != nil && *ch.Role != RoleEmployee)
}

// demotesAdmin reports whether the update can take admin rights from a
// user seen as v.
func (up userUpdate) demotesAdmin(v userLockView) bool {
	return up.ch.demotes() && v.IsActive && v.Role == RoleAdmin
}

// lockBeforeUser reads the user without a lock and takes, in tx on conn,
// the locks their change needs before their row.
func (s *Store) lockBeforeUser(ctx context.Context, conn *sql.Conn, tx *gorm.DB, up userUpdate) (userLocks, error) {
	var v userLockView
	res := tx.Raw("SELECT team_id, role, is_active FROM users WHERE id = ?", up.id).Scan(&v)
	if res.Error != nil {
		return userLocks{}, res.Error
	}
	if res.RowsAffected == 0 {
		return userLocks{}, ErrNotFound
	}
	var l userLocks
	if up.reducesFrom(v) {
		err := onPgx(conn, func(c *pgx.Conn) (err error) {
			l.cover, err = guardMembersTeams(ctx, c, "SELECT $1::bigint", []any{up.id})
			return err
		})
		if err != nil {
			return userLocks{}, err
		}
	}
	if up.demotesAdmin(v) {
		err := tx.Raw("SELECT id FROM users WHERE role = ? AND is_active ORDER BY id FOR UPDATE", RoleAdmin).Scan(&l.admins).Error
		if err != nil {
			return userLocks{}, err
		}
	}
	if s.beforeUserLock != nil {
		s.beforeUserLock(up.id)
	}
	return l, nil
}

// checkLocks returns errRelock when the change of before, the user's row
// as locked, needs a lock that l lacks: the admins', or a team with a
// minimum that the user joined after lockBeforeUser read them.
func checkLocks(tx *gorm.DB, up userUpdate, l userLocks, before *User) error {
	v := userLockView{TeamID: before.TeamID, Role: before.Role, IsActive: before.IsActive}
	if up.demotesAdmin(v) && !slices.Contains(l.admins, up.id) {
		return errRelock
	}
	if !up.reducesFrom(v) || l.cover.guards(*v.TeamID) {
		return nil
	}
	// Not locked: the user moved in since, or the team has no minimum (a
	// team the guard never locks), which is the usual case.
	var guarded bool
	if err := tx.Raw("SELECT min_on_duty > 0 FROM teams WHERE id = ?", *v.TeamID).Scan(&guarded).Error; err != nil {
		return err
	}
	if guarded {
		return errRelock
	}
	return nil
}

// lastAdmin refuses the change of before, locked, if it demotes the last
// active admin; the admins are locked (checkLocks).
func (up userUpdate) lastAdmin(l userLocks, before *User) error {
	v := userLockView{TeamID: before.TeamID, Role: before.Role, IsActive: before.IsActive}
	if up.demotesAdmin(v) && len(l.admins) == 1 && l.admins[0] == up.id {
		return ErrLastAdmin
	}
	return nil
}
