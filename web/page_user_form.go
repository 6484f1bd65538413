package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// userPage shows one user's edit form: the HTML form of GET /admin/users/{id}.
func (s *Server) userPage(c *gin.Context) error {
	u, err := s.userOfPath(c)
	if err != nil {
		return err
	}
	return s.renderUserForm(c, http.StatusOK, userFormOf(u))
}

// newUserPage shows the empty form that creates a user.
func (s *Server) newUserPage(c *gin.Context) error {
	return s.renderUserForm(c, http.StatusOK, templates.UserFormView{New: true, Role: string(models.RoleEmployee), IsActive: true})
}

// updateUserForm saves the edit form: the browser's PATCH /admin/users/{id}.
// The form holds every field, so an unchecked box means false or no day; an
// empty password field leaves the password alone.
func (s *Server) updateUserForm(c *gin.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	in := userInputFromForm(form)
	if pw := form.Get("password"); pw != "" {
		in.Password = &pw
	}
	version, err := formVersion(form)
	var u *models.User
	if err == nil {
		u, err = s.store.UpdateUser(c.Request.Context(), id, in, version)
	}
	if err != nil {
		return s.userFormFailed(c, id, in, err)
	}
	if id == currentUser(c).ID && in.Password != nil {
		// A new password ends this admin's other sessions, not this one.
		if err := s.startSession(c, id); err != nil {
			return err
		}
	}
	s.flashAndRedirect(c, "Saved changes to "+u.FullName+".", userPagePath(c, id))
	return nil
}

// createUserForm saves the new-user form: the browser's POST /admin/users.
func (s *Server) createUserForm(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	in := userInputFromForm(form)
	email, pw := form.Get("email"), form.Get("password")
	in.Email, in.Password = &email, &pw
	u, err := s.store.CreateUser(c.Request.Context(), in)
	if err != nil {
		return s.userFormFailed(c, 0, in, err)
	}
	s.flashAndRedirect(c, "Created "+u.FullName+".", userPagePath(c, u.ID))
	return nil
}

// userFormFailed shows the form again with what was sent and the problems
// beside their fields (422), or the rule that was broken (409).
func (s *Server) userFormFailed(c *gin.Context, id int64, in models.UserInput, err error) error {
	v := templates.UserFormView{New: id == 0, ID: id, FullName: *in.FullName, Role: *in.Role, IsActive: *in.IsActive,
		Checked: models.KnownWeekdays(*in.Weekoffs)}
	if in.Email != nil {
		v.Email = *in.Email
	}
	status := http.StatusUnprocessableEntity
	fe, isFieldErr := errors.AsType[models.FieldErrors](err)
	switch {
	case isFieldErr:
		v.Errors = fe
	case errors.Is(err, models.ErrConflict):
		v.Errors, status = models.FieldErrors{{Loc: []any{"email"}, Msg: "A user with this email already exists"}}, http.StatusConflict
	case errors.Is(err, models.ErrStale):
		return s.staleUserForm(c, id)
	case errors.Is(err, models.ErrLastAdmin):
		v.Error, status = "This is the last active admin: make another user an admin before demoting or deactivating this one.", http.StatusConflict
	default:
		return err
	}
	if !v.New {
		u, err := s.store.UserByID(c.Request.Context(), id)
		if err != nil {
			return err
		}
		v.Heading, v.Email, v.CreatedAt, v.UpdatedAt, v.Version = u.FullName, u.Email, u.CreatedAt, u.UpdatedAt, u.Version
	}
	return s.renderUserForm(c, status, v)
}

// staleUserForm shows the user as stored now, saying that someone changed it
// after the form was drawn: nothing of the post was saved.
func (s *Server) staleUserForm(c *gin.Context, id int64) error {
	u, err := s.store.UserByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	v := userFormOf(u)
	v.Error = "Someone else changed this user after you opened the page, so nothing was saved. The form shows the user as it is now."
	return s.renderUserForm(c, http.StatusConflict, v)
}

func (s *Server) renderUserForm(c *gin.Context, status int, v templates.UserFormView) error {
	v.WeekoffsMax = s.cfg.WeekoffsMax
	v.BackURL, v.From = listFrom(c.Query("from"))
	title := "New user"
	if !v.New {
		title = v.Heading
		history, err := s.store.History(c.Request.Context(), v.ID, historyLimit)
		if err != nil {
			return err
		}
		v.History = history
	}
	s.render(c, status, templates.UserForm(s.newPage(c, title), v))
	return nil
}

// userPagePath is a user's page, keeping the list's place (from) that the
// request carried, once checked.
func userPagePath(c *gin.Context, id int64) string {
	_, from := listFrom(c.Query("from"))
	return templates.WithFrom("/admin/users/"+strconv.FormatInt(id, 10), from)
}

// userFormOf fills the edit form from a stored user.
func userFormOf(u *models.User) templates.UserFormView {
	return templates.UserFormView{ID: u.ID, Heading: u.FullName, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
		IsActive: u.IsActive, Checked: u.Weekoffs, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: u.Version}
}

// userInputFromForm reads the fields both user forms hold in full: a missing
// box or day is false or none.
func userInputFromForm(form url.Values) models.UserInput {
	name, role, active := form.Get("full_name"), form.Get("role"), form.Get("is_active") == "true"
	days := form["weekoffs"]
	if days == nil {
		days = []string{}
	}
	return models.UserInput{FullName: &name, Role: &role, IsActive: &active, Weekoffs: &days}
}
