package web

import (
	"context"
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// postUserScheduleForm saves the schedule form of a user's page: the
// browser's PUT /admin/users/{id}/schedule (see postSchedule). The form
// carries the user's version, so a save over a change made meanwhile is
// refused and the page says so.
func (s *Server) postUserScheduleForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return s.postSchedule(c, scheduleForm{
		person: true,
		save:   s.savePerson(id, false),
		page:   userPagePath(c, id),
		redraw: func(status int, refused refusedSchedule) error {
			return s.userPageAgain(c, status, id, func(v *templates.UserFormView) { refused.onto(v.Editor) })
		},
	})
}

// cancelUserScheduleForm cancels one of a user's own planned changes from
// their page: the browser's DELETE /admin/users/{id}/schedule/{sid} (see
// cancelPlanned). One the coverage guard refuses is shown with its short
// dates and a button that cancels it anyway.
func (s *Server) cancelUserScheduleForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	// "Cancel it anyway", after the coverage guard refused it.
	force := form.Get("force") == "true"
	var refused *models.ShortError
	cancel := func(ctx context.Context, sid int64) error {
		err := s.store.CancelUserSchedule(ctx, id, sid, force)
		refused, _ = errors.AsType[*models.ShortError](err)
		return err
	}
	return s.cancelPlanned(c, cancel, userPagePath(c, id), func(status int, msg string) error {
		return s.userPageAgain(c, status, id, func(v *templates.UserFormView) {
			if refused == nil {
				v.Error = msg
				return
			}
			v.Short, v.ForceCancel = shortLines(refused.Short), c.Request.URL.RequestURI()
		})
	})
}

// userPageAgain draws user id's page as stored, with edit's changes.
func (s *Server) userPageAgain(c *gin.Context, status int, id int64, edit func(*templates.UserFormView)) error {
	u, err := s.store.UserByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	v, err := userFormOf(u)
	if err != nil {
		return err
	}
	return s.renderUserPage(c, status, v, edit)
}
