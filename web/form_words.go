package web

import (
	"fmt"

	"github.com/weekoffs/weekoffs/models"
)

// The forms' own words for what the model layer reports as an error, or what
// only a form can get wrong. The JSON API keeps the model's words, which are
// FastAPI's ("Input should be 'admin' or 'employee'"); pages speak to people.
const (
	msgEmailTaken         = "A user with this email already exists"
	msgWrongPassword      = "Your current password is incorrect"
	msgLastAdmin          = "This is the last active admin: make another user an admin before demoting or deactivating this one."
	msgSelfDemotion       = "You are removing your own admin rights; you will no longer be able to manage users. Confirm?"
	msgSelfDeactivation   = "You are deactivating your own account; you will be signed out and will no longer be able to sign in. Confirm?"
	msgNoLongerAdmin      = "You are no longer an admin."
	msgStaleWeekoffs      = "Your week-offs were changed elsewhere after you opened this page, so nothing was saved."
	msgPasswordsDifferent = "Choose a new password that is different from your current one"
	msgTeamExists         = "A team with this name already exists"
	msgTeamNotEmpty       = "This team has members, so it was not deleted. Move them to another team, or to no team, from their own pages first."
	msgScheduleInForce    = "That change has taken effect, so it can no longer be cancelled."
	msgScheduleGone       = "That planned change had already been cancelled."
	msgRequestReason      = "Say why the request is rejected"
	msgRequestWithdrawn   = "Request withdrawn: nothing changes."
)

// The schedule form's words for a day's problem, after the day's name.
const (
	msgSchedulePart    = "choose a whole day, the morning or the afternoon"
	msgScheduleWeeks   = "choose every week, every other week or weeks of the month from the list"
	msgScheduleNoWeeks = "tick at least one week of the month, or choose every week or every other week"
)

// formWording is the form's words for a model's field error, by the field
// and the error's type; an error not listed keeps the model's words.
var formWording = map[[2]string]string{
	{"email", "missing"}:                 "Enter an email address",
	{"email", "value_error"}:             "Enter an email address in the correct format, like name@example.com",
	{"full_name", "missing"}:             "Enter a full name",
	{"full_name", "string_too_short"}:    "Enter a full name",
	{"full_name", "string_too_long"}:     fmt.Sprintf("Full name must be %d characters or fewer", models.MaxNameLength),
	{"role", "missing"}:                  "Choose Admin or Employee",
	{"role", "enum"}:                     "Choose Admin or Employee",
	{"weekoffs", "enum"}:                 "Choose days from the list",
	{"weekoffs", "value_error"}:          "Choose each day only once",
	{"password", "missing"}:              "Enter a password",
	{"password", "string_too_short"}:     passwordTooShort,
	{"password", "string_too_long"}:      passwordTooLong,
	{"new_password", "string_too_short"}: passwordTooShort,
	{"new_password", "string_too_long"}:  passwordTooLong,
	{"new_password", "value_error"}:      msgPasswordsDifferent,
	{"team_id", "value_error"}:           "Choose a team from the list",
	{"min_on_duty", "int_range"}:         "Enter a whole number from 0 to 100,000",

	// A browser without a date picker lets any text through.
	{"effective_from", "date_from_datetime_parsing"}: "Enter the date as year-month-day, such as 2026-12-01",
}

var (
	passwordTooShort = fmt.Sprintf("Password must be at least %d characters", models.PasswordMinLength)
	passwordTooLong  = fmt.Sprintf("Password must be %d characters or fewer", models.PasswordMaxLength)
)

// formErrors puts a model's field errors into the forms' words: one message
// per field (the first), located by the field's name alone, in the order
// the fields first appear.
func formErrors(errs models.FieldErrors) models.FieldErrors {
	var out models.FieldErrors
	seen := map[string]bool{}
	for _, fe := range errs {
		if len(fe.Loc) == 0 {
			continue
		}
		field, ok := fe.Loc[0].(string)
		if !ok || seen[field] {
			continue
		}
		seen[field] = true
		msg, ok := formWording[[2]string{field, fe.Type}]
		if !ok {
			msg = fe.Msg
		}
		out = append(out, models.FieldError{Loc: []any{field}, Msg: msg, Type: fe.Type})
	}
	return out
}

// fieldError is a form's one problem with one field.
func fieldError(field, msg string) models.FieldErrors {
	return models.FieldErrors{{Loc: []any{field}, Msg: msg}}
}
