package models

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Role is what a user may do: admins manage everyone, employees themselves.
type Role string

// The roles.
const (
	RoleAdmin    Role = "admin"
	RoleEmployee Role = "employee"
)

// ParseRole reads a role name in any letter case.
func ParseRole(s string) (Role, bool) {
	switch Role(lowerTrim(s)) {
	case RoleAdmin:
		return RoleAdmin, true
	case RoleEmployee:
		return RoleEmployee, true
	}
	return "", false
}

// User is one person who keeps week-offs. PasswordHash never leaves the
// model layer: the web layer serialises users through its own response type.
type User struct {
	ID           int64
	Email        string
	FullName     string
	Role         Role
	IsActive     bool
	PasswordHash string
	Weekoffs     Weekdays
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Version counts the row's changes; a write that names an older one is refused.
	Version int `gorm:"default:1"`
	// TeamID is the user's team; nil for none. TeamName is its name, read
	// with the user (userColumns); "" for none.
	TeamID   *int64
	TeamName string `gorm:"->"`
	// ScheduleState is where the user's days off come from today, as the
	// user object writes it (Schedule decodes it); Weekoffs are its days.
	ScheduleState json.RawMessage `gorm:"->"`
}

// IsAdmin reports whether the user may manage others.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// teamNameColumn reads the name of a user's team beside the user.
const teamNameColumn = "COALESCE((SELECT name FROM teams WHERE teams.id = users.team_id), '') AS team_name"

// userColumns lists the columns read into a User, in the order of userScan.
const userColumns = "id, email, full_name, role, is_active, COALESCE(password_hash, '') AS password_hash, weekoffs, created_at, updated_at, version, team_id, " + teamNameColumn + ", " + scheduleStateColumn

// userScan reads a row of userColumns (and any extra columns after them)
// from a hand-written pgx query into u.
//
// It scans into pgx's own types (string, []byte, pgtype.Int8) and converts
// after: for a named type (Role, json.RawMessage, *int64) pgx tries wrapper
// after wrapper on every query, and it reads JSON into a json.RawMessage
// through encoding/json (it copies into a []byte): together 7% of GET /me's
// CPU in BenchmarkGetMeInfo, a third of the scan.
func userScan(row pgx.Row, u *User, extra ...any) error {
	var (
		days    []string
		role    string
		team    pgtype.Int8
		state   []byte
		version int32
	)
	dest := append([]any{&u.ID, &u.Email, &u.FullName, &role, &u.IsActive, &u.PasswordHash, &days,
		&u.CreatedAt, &u.UpdatedAt, &version, &team, &u.TeamName, &state}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	u.Role, u.Version, u.ScheduleState = Role(role), int(version), state
	u.TeamID = nil
	if team.Valid {
		u.TeamID = &team.Int64
	}
	var err error
	u.Weekoffs, err = weekdaysFrom(days)
	return err
}
