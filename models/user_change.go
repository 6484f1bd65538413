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
	if ch.Email != nil {
		cols["email"] = *ch.Email
	}
	if ch.FullName != nil {
		cols["full_name"] = *ch.FullName
	}
	if ch.Role != nil {
		cols["role"] = *ch.Role
	}
	if ch.IsActive != nil {
		cols["is_active"] = *ch.IsActive
	}
	if ch.Weekoffs != nil {
		cols["weekoffs"] = *ch.Weekoffs
	}
	if ch.PasswordHash != nil {
		cols["password_hash"] = *ch.PasswordHash
	}
	return cols
}
