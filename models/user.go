package models

import "time"

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
}

// IsAdmin reports whether the user may manage others.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// userColumns lists the columns read into a User, in the order the
// hand-written pgx queries scan them.
const userColumns = "id, email, full_name, role, is_active, password_hash, weekoffs, created_at, updated_at"
