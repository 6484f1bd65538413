package templates

import (
	"fmt"
	"strings"

	"github.com/weekoffs/weekoffs/models"
)

// problems lists a form's field errors for its error summary, in the order
// of the form's fields, each linking to the field's input.
func problems(errs models.FieldErrors, fields ...string) []Problem {
	var out []Problem
	for _, f := range fields {
		if msg := errs.For(f); msg != "" {
			out = append(out, Problem{Target: inputID(f), Message: msg})
		}
	}
	return out
}

// inputID is the id of the input a field's error links to: the field's own
// name, or for a list of days the first day's box.
func inputID(field string) string {
	if field == "weekoffs" {
		return dayID(field, models.AllWeekdays[0])
	}
	return field
}

// dayID is the id of one day's box in the list of days named name.
func dayID(name string, d models.Weekday) string { return name + "-" + string(d) }

// describedBy joins the ids of the texts that describe a field (its hint,
// its error), leaving out those that are not shown.
func describedBy(ids ...string) string {
	var shown []string
	for _, id := range ids {
		if id != "" {
			shown = append(shown, id)
		}
	}
	return strings.Join(shown, " ")
}

// compared is one row of a comparison: a field as sent and as stored now.
type compared struct {
	field, yours, now string
}

// userComparison compares a refused edit with the user as stored now, which
// the form v shows.
func userComparison(yours UserEdit, now UserFormView) []compared {
	return []compared{
		{"Full name", yours.FullName, now.FullName},
		{"Role", roleTitle(yours.Role), roleTitle(now.Role)},
		{"Active", yesNo(yours.IsActive), yesNo(now.IsActive)},
		{"Team", teamOf(yours.TeamID, now.Teams), teamOf(now.TeamID, now.Teams)},
		{"Week-offs", dayList(yours.Weekoffs), dayList(now.Checked)},
	}
}

func roleTitle(role string) string {
	switch role {
	case string(models.RoleAdmin):
		return "Admin"
	case string(models.RoleEmployee):
		return "Employee"
	}
	return role
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// textInput is a labelled text or password input of a form.
type textInput struct {
	Name, Label, Type, Value, Autocomplete string
	Hint                                   string // the field's rules, shown before they are broken
	Error                                  string
	Required                               bool
}

// describedBy is the ids of the field's hint and error, where shown.
func (f textInput) describedBy() string {
	var hint, err string
	if f.Hint != "" {
		hint = f.Name + "-hint"
	}
	if f.Error != "" {
		err = f.Name + "-error"
	}
	return describedBy(hint, err)
}

// passwordRules says the rules of a new password before they are broken.
func passwordRules() string {
	return fmt.Sprintf("%d to %d characters", models.PasswordMinLength, models.PasswordMaxLength)
}
