package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// userPage shows one user's edit form: the HTML form of GET /admin/users/{id}.
func (s *Server) userPage(c *gin.Context) {
	id, ok := s.userIDParam(c)
	if !ok {
		return
	}
	u, err := s.store.UserByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderUserForm(c, http.StatusOK, userFormOf(u))
}

// newUserPage shows the empty form that creates a user.
func (s *Server) newUserPage(c *gin.Context) {
	s.renderUserForm(c, http.StatusOK, templates.UserFormView{New: true, Role: string(models.RoleEmployee), IsActive: true})
}

// updateUserForm saves the edit form: the browser's PATCH /admin/users/{id}.
// The form holds every field, so an unchecked box means false or no day; an
// empty password field leaves the password alone.
func (s *Server) updateUserForm(c *gin.Context) {
	id, ok := s.userIDParam(c)
	if !ok || !s.parseForm(c) {
		return
	}
	in := userInputFromForm(c)
	u, err := s.store.UpdateUser(c.Request.Context(), id, in, formVersion(c))
	if err != nil {
		s.userFormFailed(c, id, in, err)
		return
	}
	s.chart.invalidate()
	if id == currentUser(c).ID && in.Password != nil {
		// A new password ends this admin's other sessions, not this one.
		if err := s.startSession(c, id); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.flashAndRedirect(c, "Saved changes to "+u.FullName+".", "/admin/users/"+strconv.FormatInt(id, 10))
}

// createUserForm saves the new-user form: the browser's POST /admin/users.
func (s *Server) createUserForm(c *gin.Context) {
	if !s.parseForm(c) {
		return
	}
	in := userInputFromForm(c)
	email := c.Request.PostForm.Get("email")
	in.Email = &email
	if in.Password == nil {
		in.Password = new(string) // required on create: let validation say so
	}
	u, err := s.store.CreateUser(c.Request.Context(), in)
	if err != nil {
		s.userFormFailed(c, 0, in, err)
		return
	}
	s.chart.invalidate()
	s.flashAndRedirect(c, "Created "+u.FullName+".", "/admin/users/"+strconv.FormatInt(u.ID, 10))
}

// userFormFailed shows the form again with what was sent and the problems
// beside their fields (422), or the rule that was broken (409).
func (s *Server) userFormFailed(c *gin.Context, id int64, in models.UserInput, err error) {
	v := templates.UserFormView{New: id == 0, ID: id, FullName: *in.FullName, Role: *in.Role, IsActive: *in.IsActive,
		Checked: checkedDays(*in.Weekoffs)}
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
		s.staleUserForm(c, id)
		return
	case errors.Is(err, models.ErrLastAdmin):
		v.Error, status = "This is the last active admin: make another user an admin before demoting or deactivating this one.", http.StatusConflict
	default:
		s.fail(c, err)
		return
	}
	if !v.New {
		u, err := s.store.UserByID(c.Request.Context(), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		v.Heading, v.Email, v.CreatedAt, v.UpdatedAt, v.Version = u.FullName, u.Email, u.CreatedAt, u.UpdatedAt, u.Version
	}
	s.renderUserForm(c, status, v)
}

// staleUserForm shows the user as stored now, saying that someone changed it
// after the form was drawn: nothing of the post was saved.
func (s *Server) staleUserForm(c *gin.Context, id int64) {
	u, err := s.store.UserByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := userFormOf(u)
	v.Error = "Someone else changed this user after you opened the page, so nothing was saved. The form shows the user as it is now."
	s.renderUserForm(c, http.StatusConflict, v)
}

func (s *Server) renderUserForm(c *gin.Context, status int, v templates.UserFormView) {
	v.WeekoffsMax = s.cfg.WeekoffsMax
	title := "New user"
	if !v.New {
		title = v.Heading
		history, err := s.store.History(c.Request.Context(), v.ID, historyLimit)
		if err != nil {
			s.fail(c, err)
			return
		}
		v.History = history
	}
	s.render(c, status, templates.UserForm(s.newPage(c, title), v))
}

// userFormOf fills the edit form from a stored user.
func userFormOf(u *models.User) templates.UserFormView {
	return templates.UserFormView{ID: u.ID, Heading: u.FullName, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
		IsActive: u.IsActive, Checked: u.Weekoffs, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: u.Version}
}

// userInputFromForm reads the fields both user forms share.
func userInputFromForm(c *gin.Context) models.UserInput {
	form := c.Request.PostForm
	name, role, active := form.Get("full_name"), form.Get("role"), form.Get("is_active") == "true"
	days := form["weekoffs"]
	if days == nil {
		days = []string{}
	}
	in := models.UserInput{FullName: &name, Role: &role, IsActive: &active, Weekoffs: &days}
	if pw := form.Get("password"); pw != "" {
		in.Password = &pw
	}
	return in
}
