package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// myRequestsShown is how many of one's latest requests /me lists.
const myRequestsShown = 5

// msgSentForApproval leads the flash after an employee's change was made a request.
const msgSentForApproval = "Your change was sent for approval"

// requestMyWeekoffsForm is the week-off form of /me made a request (POST
// /me/weekoffs when the organisation wants approval). A refused form is
// shown again on /me as postMyWeekoffs shows it.
func (s *Server) requestMyWeekoffsForm(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	days := form["weekoffs"]
	version, err := formVersion(form)
	var r *models.Request
	if err == nil {
		r, err = s.store.RequestWeekoffs(c.Request.Context(), currentUser(c).ID, days, version)
	}
	chosen := models.KnownWeekdays(days).Strings()
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		return s.refuseForm(c, refusedForm{Errors: formErrors(fe), Chosen: chosen})
	}
	if errors.Is(err, models.ErrStale) {
		return s.refuseForm(c, refusedForm{Stale: true, Chosen: chosen})
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, sentForApproval(r), "/me")
	return nil
}

// requestMyScheduleForm is the schedule form of /me made a request (POST
// /me/schedule when the organisation wants approval); see postSchedule.
func (s *Server) requestMyScheduleForm(c *gin.Context) error {
	id := currentUser(c).ID
	return s.postSchedule(c, scheduleForm{
		person: true,
		save: func(ctx context.Context, in models.ScheduleInput, version int) (string, error) {
			r, err := s.store.RequestSchedule(ctx, id, in, version)
			if err != nil {
				return "", err
			}
			return sentForApproval(r), nil
		},
		page: "/me",
		redraw: func(status int, refused refusedSchedule) error {
			p, v, err := s.myPage(c, "Error: My week-offs")
			if err != nil {
				return err
			}
			p.Path = "/me"
			refused.onto(&v.Editor)
			s.render(c, status, templates.Me(p, v))
			return nil
		},
	})
}

// sentForApproval is the flash after a request was made: what it asks,
// from when, and that nothing changes until an admin approves it.
func sentForApproval(r *models.Request) string {
	what := r.Rules.Words()
	switch {
	case r.Inherit:
		what = "your team's or the organisation's days"
	case len(r.Rules) == 0:
		what = "no days off"
	}
	return msgSentForApproval + ": " + what + ", from " + r.EffectiveFrom.Time().Format(dateLayout) +
		". Your days off stay as they are until an admin approves it."
}

// withdrawMyRequestForm withdraws one of the user's pending requests, the
// browser's POST /me/requests/:id/withdraw. One decided meanwhile is said
// on /me; one not theirs is a 404 page.
func (s *Server) withdrawMyRequestForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = s.store.WithdrawRequest(c.Request.Context(), currentUser(c).ID, id)
	if d, ok := errors.AsType[*models.RequestDecidedError](err); ok {
		s.flashAndRedirect(c, "That request was already "+string(d.Status)+", so it cannot be withdrawn.", "/me")
		return nil
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, msgRequestWithdrawn, "/me")
	return nil
}

// requestsPage is the admins' queue, the HTML form of GET /admin/requests.
func (s *Server) requestsPage(c *gin.Context) error {
	return s.renderRequests(c, http.StatusOK, nil)
}

// renderRequests draws the queue as the request's query filters it, with
// status; edit, if not nil, adds what a refused form said. Refused
// filters are shown beside their fields, and no list is read.
func (s *Server) renderRequests(c *gin.Context, status int, edit func(*templates.RequestsView)) error {
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	v := templates.RequestsView{Status: q.Get("status"), Team: q.Get("team")}
	f, errs := parseRequestFilter(q)
	if errs != nil {
		v.Errors, status = errs, http.StatusUnprocessableEntity
	} else {
		var err error
		if v.Requests, err = s.store.Requests(ctx, f); err != nil {
			return err
		}
		if v.Effects, err = s.store.RequestEffects(ctx, v.Requests); err != nil {
			return err
		}
	}
	teams, err := s.store.TeamNames(ctx)
	if err != nil {
		return err
	}
	v.Teams = teams
	if edit != nil {
		edit(&v)
	}
	p, _, err := s.orgPage(c, "Change requests")
	if err != nil {
		return err
	}
	p.Path = "/admin/requests"
	if v.Errors != nil || v.Error != "" || v.ReasonError != "" {
		p.Title = "Error: " + p.Title
	}
	s.render(c, status, templates.Requests(p, v))
	return nil
}

// approveRequestForm approves a request from the queue's button and goes
// back to the queue saying so. One that cannot be approved (decided
// meanwhile, its person changed since) is shown on the queue with why (409).
func (s *Server) approveRequestForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := s.store.ApproveRequest(c.Request.Context(), id)
	if msg, ok := requestRefusal(err); ok {
		return s.renderRequestsAfter(c, http.StatusConflict, func(v *templates.RequestsView) { v.Error = msg })
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, "Approved "+r.UserName+"'s request: it applies from "+r.AppliedFrom.Time().Format(dateLayout)+".", queuePage(c))
	return nil
}

// rejectRequestForm rejects a request with the reason typed beside it.
// Without a reason, the queue is shown again with the problem at the field.
func (s *Server) rejectRequestForm(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	r, err := s.store.RejectRequest(c.Request.Context(), id, form.Get("reason"))
	if fe, ok := errors.AsType[models.FieldErrors](err); ok {
		msg := fe[0].Msg
		if fe[0].Type == "missing" {
			msg = msgRequestReason
		}
		return s.renderRequestsAfter(c, http.StatusUnprocessableEntity, func(v *templates.RequestsView) {
			v.RejectID, v.Reason, v.ReasonError = id, form.Get("reason"), msg
		})
	}
	if msg, ok := requestRefusal(err); ok {
		return s.renderRequestsAfter(c, http.StatusConflict, func(v *templates.RequestsView) { v.Error = msg })
	}
	if err != nil {
		return err
	}
	s.flashAndRedirect(c, "Rejected "+r.UserName+"'s request.", queuePage(c))
	return nil
}

// queuePage is the queue a form of it was sent from, with its filters;
// the plain queue when it was sent from elsewhere (a refused form's page,
// whose address is the form's action).
func queuePage(c *gin.Context) string {
	if page, err := url.Parse(formPage(c)); err == nil && page.Path == "/admin/requests" {
		return page.RequestURI()
	}
	return "/admin/requests"
}

// renderRequestsAfter draws the queue after a refused form, with the
// filters of the page the form was sent from.
func (s *Server) renderRequestsAfter(c *gin.Context, status int, edit func(*templates.RequestsView)) error {
	page, _ := url.Parse(queuePage(c)) // a path this server wrote
	c.Request.URL.RawQuery = page.RawQuery
	return s.renderRequests(c, status, edit)
}

// requestRefusal is what the queue says of a request that could not be
// decided, in a person's words.
func requestRefusal(err error) (string, bool) {
	if d, ok := errors.AsType[*models.RequestDecidedError](err); ok {
		return "That request was already " + string(d.Status) + ", so nothing was done.", true
	}
	switch {
	case errors.Is(err, models.ErrRequestOutdated):
		return msgRequestOutdated + ".", true
	case errors.Is(err, models.ErrRequestTooManyDays):
		return msgRequestTooManyDays + ".", true
	}
	return "", false
}
