package models

import "gorm.io/gorm"

// userChange is a validated change to a user's stored fields; a nil field
// stays as it is. It is the one typed form every write of a user takes.
type userChange struct {
	Email        *string
	FullName     *string
	Role         *Role
	IsActive     *bool
	Weekoffs     *Weekdays
	PasswordHash *string
	TeamID       *int64 // 0 takes the user out of any team
}

// empty reports whether the change changes nothing.
func (ch userChange) empty() bool {
	return ch == userChange{}
}

// demotes reports whether the change could take away a user's admin rights.
func (ch userChange) demotes() bool {
	return (ch.Role != nil && *ch.Role != RoleAdmin) || (ch.IsActive != nil && !*ch.IsActive)
}

// columns names the changed columns for the UPDATE, with the version bump
// and timestamp that every change carries. GORM takes a map here so that a
// false or an empty list is written rather than skipped as a zero value.
func (ch userChange) columns() map[string]any {
	cols := map[string]any{"updated_at": gorm.Expr("now()"), "version": gorm.Expr("version + 1")}
	setColumn(cols, "email", ch.Email)
	setColumn(cols, "full_name", ch.FullName)
	setColumn(cols, "role", ch.Role)
	setColumn(cols, "is_active", ch.IsActive)
	setColumn(cols, "weekoffs", ch.Weekoffs)
	setColumn(cols, "password_hash", ch.PasswordHash)
	if ch.TeamID != nil {
		cols["team_id"] = nil
		if *ch.TeamID != 0 {
			cols["team_id"] = *ch.TeamID
		}
	}
	return cols
}

// setColumn writes a changed value into cols; nil is no change.
func setColumn[T any](cols map[string]any, name string, v *T) {
	if v != nil {
		cols[name] = *v
	}
}
