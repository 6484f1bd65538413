package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

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
	v, err := userFormOf(u)
	if err != nil {
		return err
	}
	return s.renderUserForm(c, http.StatusOK, v)
}

// newUserPage shows the empty form that creates a user.
func (s *Server) newUserPage(c *gin.Context) error {
	return s.renderUserForm(c, http.StatusOK, templates.UserFormView{New: true, Role: string(models.RoleEmployee), IsActive: true})
}

// userPost is one post of a user form as read: the input for the model, and
// what the page needs to show it again.
type userPost struct {
	id        int64            // 0 for a new user
	in        models.UserInput // every field of the form, as sent
	version   int              // the version the form was drawn from
	confirmed bool             // the admin confirmed removing their own admin rights
	// shown are the days the form's boxes showed when it was first drawn
	// (its weekoffs_shown field); nil when the form did not say.
	shown *models.Weekdays
}

// daysUnchanged reports whether the post's boxes say what they showed when
// the form was first drawn.
func (p userPost) daysUnchanged() bool {
	if p.shown == nil {
		return false
	}
	days := models.KnownWeekdays(*p.in.Weekoffs)
	return len(days) == len(*p.in.Weekoffs) && slices.Equal(days, *p.shown)
}

// input is what the post asks the store for. The boxes stand for a
// schedule of whole days every week, which is not every schedule: days
// left as the form showed them leave the user's schedule alone (their
// team's, or one of alternate Saturdays), rather than pinning those days
// as their own; a new user with no day ticked follows their team's or the
// organisation's schedule.
func (p userPost) input() models.UserInput {
	in := p.in
	if (p.id == 0 && len(*in.Weekoffs) == 0) || (p.id != 0 && p.daysUnchanged()) {
		in.Weekoffs = nil
	}
	return in
}

// updateUserForm saves the edit form: the browser's POST /admin/users/{id}.
// The form holds every field, so an unchecked box means false or no day; an
// empty password field leaves the password alone. An admin about to remove
// their own admin rights is asked to confirm first.
func (s *Server) updateUserForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	post := userPost{id: id, in: userInputFromForm(form), confirmed: form.Get("confirm_self_demotion") == "yes", shown: daysShown(form)}
	// "Save anyway", after the coverage guard refused the form (admins' only).
	post.in.Force = form.Get("force") == "true"
	if pw := form.Get("password"); pw != "" {
		post.in.Password = &pw
	}
	me := currentUser(c)
	var u *models.User
	post.version, err = formVersion(form)
	if err == nil && id == me.ID && !post.confirmed && removesAdminRights(post.in) {
		return s.confirmSelfDemotion(c, post)
	}
	if err == nil {
		u, err = s.store.UpdateUser(c.Request.Context(), id, post.input(), post.version)
	}
	if err != nil {
		return s.userFormFailed(c, post, err)
	}
	if id == me.ID && post.in.Password != nil {
		// A new password ends this admin's other sessions, not this one.
		if err := s.startSession(c, id); err != nil {
			return err
		}
	}
	if id == me.ID && !(u.IsAdmin() && u.IsActive) {
		// The user pages are no longer theirs: start at their own page.
		s.flashAndRedirect(c, msgNoLongerAdmin, "/me")
		return nil
	}
	s.flashAndRedirect(c, "Saved changes to "+u.FullName+".", userPagePath(c, id))
	return nil
}

// removesAdminRights reports whether the form takes a user's admin rights
// away: a role that is valid and not admin, or the active box unchecked.
func removesAdminRights(in models.UserInput) bool {
	role, ok := models.ParseRole(*in.Role)
	return (ok && role != models.RoleAdmin) || !*in.IsActive
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
	post := userPost{in: in}
	u, err := s.store.CreateUser(c.Request.Context(), post.input())
	if err != nil {
		return s.userFormFailed(c, post, err)
	}
	s.flashAndRedirect(c, "Created "+u.FullName+".", userPagePath(c, u.ID))
	return nil
}

// userFormFailed shows the form again with what was sent and the problems
// beside their fields (422), or the rule that was broken (409), or the
// dates the coverage guard refused it for (409). A refused
// last-admin change shows the role and active flag as stored.
func (s *Server) userFormFailed(c *gin.Context, post userPost, err error) error {
	status := http.StatusUnprocessableEntity
	var fields models.FieldErrors
	var whole string
	fe, isFieldErr := errors.AsType[models.FieldErrors](err)
	se, isShort := errors.AsType[*models.ShortError](err)
	switch {
	case isFieldErr:
		fields = formErrors(fe)
	case errors.Is(err, models.ErrConflict):
		fields, status = fieldError("email", msgEmailTaken), http.StatusConflict
	case errors.Is(err, models.ErrStale):
		return s.staleUserForm(c, post)
	case errors.Is(err, models.ErrLastAdmin):
		whole, status = msgLastAdmin, http.StatusConflict
	case isShort:
		return s.shortUserForm(c, post, se)
	default:
		return err
	}
	v, stored, fillErr := s.userFormAgain(c, post)
	if fillErr != nil {
		return fillErr
	}
	v.Errors, v.Error = fields, whole
	if whole == msgLastAdmin {
		v.Role, v.IsActive = string(stored.Role), stored.IsActive
	}
	return s.renderUserForm(c, status, v)
}

// userFormAgain is the form filled with what was posted, under the stored
// user's heading; the user is nil for a new one.
func (s *Server) userFormAgain(c *gin.Context, post userPost) (templates.UserFormView, *models.User, error) {
	in := post.in
	v := templates.UserFormView{New: post.id == 0, ID: post.id, FullName: shownText(*in.FullName), Role: *in.Role, IsActive: *in.IsActive,
		Checked: models.KnownWeekdays(*in.Weekoffs), DaysShown: post.shown, Version: post.version,
		PasswordDropped: in.Password != nil && *in.Password != ""}
	if in.Email != nil {
		v.Email = shownText(*in.Email)
	}
	if in.TeamID != nil {
		v.TeamID = *in.TeamID
	}
	if v.New {
		return v, nil, nil
	}
	u, err := s.store.UserByID(c.Request.Context(), post.id)
	if err != nil {
		return v, nil, err
	}
	v.Heading, v.Email, v.CreatedAt, v.UpdatedAt = u.FullName, u.Email, u.CreatedAt, u.UpdatedAt
	v.TeamName = u.TeamName
	if v.Schedule, err = u.Schedule(); err != nil {
		return v, nil, err
	}
	if in.TeamID == nil {
		v.TeamID = teamIDOf(u)
	}
	return v, u, nil
}

// shortUserForm answers a save the coverage guard refused: nothing was
// saved. The form shows what was sent, the dates it would leave short, and
// a "Save anyway" button that sends it again with force.
func (s *Server) shortUserForm(c *gin.Context, post userPost, se *models.ShortError) error {
	v, _, err := s.userFormAgain(c, post)
	if err != nil {
		return err
	}
	v.Short = shortLines(se.Short)
	return s.renderUserForm(c, http.StatusConflict, v)
}

// confirmSelfDemotion shows the form as posted with the question an admin
// must answer before removing their own admin rights. Nothing is saved yet.
func (s *Server) confirmSelfDemotion(c *gin.Context, post userPost) error {
	v, _, err := s.userFormAgain(c, post)
	if err != nil {
		return err
	}
	v.ConfirmSelfDemotion = msgSelfDemotion
	if !*post.in.IsActive {
		v.ConfirmSelfDemotion = msgSelfDeactivation
	}
	return s.renderUserForm(c, http.StatusOK, v)
}

// staleUserForm answers a save refused because someone changed the user
// after the form was drawn: nothing was saved. The form shows the user as
// stored now, beside what was sent, with one button that applies what was
// sent on top of the new version (never the password: it is typed again).
func (s *Server) staleUserForm(c *gin.Context, post userPost) error {
	u, err := s.store.UserByID(c.Request.Context(), post.id)
	if err != nil {
		return err
	}
	v, err := userFormOf(u)
	if err != nil {
		return err
	}
	in := post.in
	v.Refused = &templates.UserEdit{FullName: shownText(*in.FullName), Role: *in.Role, IsActive: *in.IsActive,
		Weekoffs: models.KnownWeekdays(*in.Weekoffs), DaysChanged: !post.daysUnchanged(), TeamID: v.TeamID,
		ConfirmSelfDemotion: post.confirmed}
	if !v.Refused.DaysChanged {
		// Sent again, the edit leaves the days as they are now.
		v.Refused.Weekoffs = u.Weekoffs
	}
	if in.TeamID != nil {
		v.Refused.TeamID = *in.TeamID
	}
	v.PasswordDropped = in.Password != nil
	return s.renderUserForm(c, http.StatusConflict, v)
}

// renderUserForm draws the page of the user form v (renderUserPage).
func (s *Server) renderUserForm(c *gin.Context, status int, v templates.UserFormView) error {
	return s.renderUserPage(c, status, v, nil)
}

// renderUserPage draws the user form v and, for a stored user, their
// history, planned changes of schedule and the schedule form drawn from
// what is stored; edit, if not nil, puts a refused schedule form or
// cancellation on the page.
func (s *Server) renderUserPage(c *gin.Context, status int, v templates.UserFormView, edit func(*templates.UserFormView)) error {
	ctx := c.Request.Context()
	v.BackURL, v.From = listFrom(c.Query("from"))
	title, path := "New user", "/admin/users/new"
	if !v.New {
		title, path = v.Heading, userPath(v.ID)
	}
	p, org, err := s.orgPage(c, title)
	if err != nil {
		return err
	}
	v.WeekoffsMax = org.WeekoffsMax
	if v.Teams, err = s.store.TeamNames(ctx); err != nil {
		return err
	}
	if !v.New {
		if v.History, err = s.store.History(ctx, v.ID, historyLimit); err != nil {
			return err
		}
		sv, err := s.store.UserScheduleView(ctx, v.ID)
		if err != nil {
			return err
		}
		v.Upcoming = sv.Upcoming
		e := personEditor(templates.WithFrom(path+"/schedule", v.From), v.Schedule, v.Version, org.WeekoffsMax, sv.Today)
		e.OwnLabel, e.InheritLabel = "Their own days, as set below", "The organisation's days"
		if v.TeamName != "" {
			e.InheritLabel = "Their team's days (" + v.TeamName + ")"
		}
		v.Editor = &e
	}
	if edit != nil {
		edit(&v)
	}
	// The form's own address, not the one it was posted to, marks where
	// the navigation is.
	p.Path = path
	if v.Error != "" || len(v.Errors) > 0 || v.Refused != nil || len(v.Short) > 0 || (v.Editor != nil && v.Editor.Refused()) {
		p.Title = "Error: " + title
	}
	s.render(c, status, templates.UserForm(p, v))
	return nil
}

// userPath is the address of one user's page.
func userPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// shownText is what a form shows again of a text that was sent: NUL and
// bytes that are not UTF-8 become U+FFFD, as a browser would show them.
func shownText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// userPagePath is a user's page, keeping the list's place (from) that the
// request carried, once checked.
func userPagePath(c *gin.Context, id int64) string {
	_, from := listFrom(c.Query("from"))
	return templates.WithFrom(userPath(id), from)
}

// userFormOf fills the edit form from a stored user.
func userFormOf(u *models.User) (templates.UserFormView, error) {
	sched, err := u.Schedule()
	shown := slices.Clone(u.Weekoffs)
	return templates.UserFormView{ID: u.ID, Heading: u.FullName, Email: u.Email, FullName: u.FullName, Role: string(u.Role),
		IsActive: u.IsActive, Checked: u.Weekoffs, DaysShown: &shown, TeamID: teamIDOf(u), TeamName: u.TeamName,
		Schedule: sched, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: u.Version}, err
}

// teamIDOf is the id of a user's team; 0 for none.
func teamIDOf(u *models.User) int64 {
	if u.TeamID == nil {
		return 0
	}
	return *u.TeamID
}

// userInputFromForm reads the fields both user forms hold in full: a missing
// box or day is false or none. The team is read when the form has the
// field: empty is no team, and a value that is no team's id is refused by
// the model's validation.
func userInputFromForm(form url.Values) models.UserInput {
	name, role, active := form.Get("full_name"), form.Get("role"), form.Get("is_active") == "true"
	days := form["weekoffs"]
	if days == nil {
		days = []string{}
	}
	in := models.UserInput{FullName: &name, Role: &role, IsActive: &active, Weekoffs: &days}
	if raw, ok := form["team_id"]; ok {
		var team int64
		if raw[0] != "" {
			var err error
			if team, err = strconv.ParseInt(raw[0], 10, 64); err != nil || team < 1 {
				team = -1
			}
		}
		in.TeamID = &team
	}
	return in
}

// daysShown reads the days a user form's boxes showed when it was first
// drawn: its weekoffs_shown field, the days' names joined by commas. Nil
// when the form has none, or one that is not such a list.
func daysShown(form url.Values) *models.Weekdays {
	raw, ok := form["weekoffs_shown"]
	if !ok || len(raw) != 1 {
		return nil
	}
	var names []string
	if raw[0] != "" {
		names = strings.Split(raw[0], ",")
	}
	days := models.KnownWeekdays(names)
	if len(days) != len(names) {
		return nil
	}
	return &days
}
