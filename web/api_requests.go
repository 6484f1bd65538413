package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// With the organisation's self_service set to "approval", an employee's
// own change of days off becomes a request that waits for an admin
// (docs/API.md, "Approvals"). unlessApproval is the one branch on the
// employee's write routes, but for PUT /me/weekoffs, whose one statement
// checks the setting itself (models.ErrApprovalRequired); the rest is here
// and in page_requests.go.

// unlessApproval answers with direct, as always, unless the signed-in
// user is an employee and the organisation wants approval: then with
// request. Admins' own changes are never requests, and cost nothing more;
// an employee's cost one primary-key probe of the settings (read each
// time, so that every instance follows a change of the setting at once).
func (s *Server) unlessApproval(direct, request handler) handler {
	return func(c *gin.Context) error {
		if currentUser(c).IsAdmin() {
			return direct(c)
		}
		mode, err := s.store.SelfService(c.Request.Context())
		if err != nil {
			return err
		}
		if mode == models.SelfServiceApproval {
			return request(c)
		}
		return direct(c)
	}
}

// What clients are told of a request that cannot be approved.
const (
	msgRequestOutdated    = "The person's days off were changed after this request was made, so it was not applied: it was chosen against days off that no longer hold. Reject it, and they can ask again"
	msgRequestTooManyDays = "The request asks for more days off than the organisation now allows, so it was not applied; reject it"
)

// requestJSON is a request as the contract writes it.
type requestJSON struct {
	ID            int64                `json:"id"`
	UserID        int64                `json:"user_id"`
	Rules         schedule.Rules       `json:"rules"`
	Inherit       bool                 `json:"inherit"`
	EffectiveFrom schedule.Date        `json:"effective_from"`
	Status        models.RequestStatus `json:"status"`
	Reason        *string              `json:"reason"`
	CreatedAt     time.Time            `json:"created_at"`
	DecidedAt     *time.Time           `json:"decided_at"`
	DecidedBy     *int64               `json:"decided_by"`
	AppliedFrom   *schedule.Date       `json:"applied_from"`
}

func toRequestJSON(r *models.Request) requestJSON {
	out := requestJSON{ID: r.ID, UserID: r.UserID, Rules: r.Rules, Inherit: r.Inherit, EffectiveFrom: r.EffectiveFrom,
		Status: r.Status, CreatedAt: r.CreatedAt.UTC(), DecidedBy: r.DecidedBy, AppliedFrom: r.AppliedFrom}
	if r.Reason != "" {
		out.Reason = &r.Reason
	}
	if r.DecidedAt != nil {
		t := r.DecidedAt.UTC()
		out.DecidedAt = &t
	}
	return out
}

// requestListJSON is a list of requests, newest first.
type requestListJSON struct {
	Items []requestJSON `json:"items"`
}

func toRequestListJSON(rs []models.Request) requestListJSON {
	out := requestListJSON{Items: make([]requestJSON, len(rs))}
	for i := range rs {
		out.Items[i] = toRequestJSON(&rs[i])
	}
	return out
}

// writeRequested answers an employee's change made a request: 202 {"request": …}.
func writeRequested(c *gin.Context, r *models.Request) {
	c.JSON(http.StatusAccepted, gin.H{"request": toRequestJSON(r)})
}

// requestMyWeekoffs is PUT /me/weekoffs made a request: its statement
// refused the change because the organisation wants approval
// (models.ErrApprovalRequired), having read days and version.
func (s *Server) requestMyWeekoffs(c *gin.Context, days []string, version int) error {
	if err := s.authenticate(c); err != nil {
		return err
	}
	r, err := s.store.RequestWeekoffs(c.Request.Context(), currentUser(c).ID, days, version)
	if err != nil {
		return err
	}
	writeRequested(c, r)
	return nil
}

// requestMySchedule is PUT /me/schedule made a request.
func (s *Server) requestMySchedule(c *gin.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := s.decodeSchedule(c, true)
	if err != nil {
		return err
	}
	r, err := s.store.RequestSchedule(c.Request.Context(), currentUser(c).ID, in, version)
	if err != nil {
		return err
	}
	writeRequested(c, r)
	return nil
}

// myRequests answers GET /me/requests: the user's own, newest first.
func (s *Server) myRequests(c *gin.Context) error {
	id := currentUser(c).ID
	rs, err := s.store.Requests(c.Request.Context(), models.RequestFilter{UserID: &id, Limit: models.RequestLimitMax})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toRequestListJSON(rs))
	return nil
}

// withdrawMyRequest answers DELETE /me/requests/:id: 204, or 409 when it
// is no longer pending; another's is 404.
func (s *Server) withdrawMyRequest(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.store.WithdrawRequest(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return decidedConflict(err)
	}
	c.Status(http.StatusNoContent)
	return nil
}

// decidedConflict says in its detail what became of a request no longer
// pending ("This request was already approved").
func decidedConflict(err error) error {
	if d, ok := errors.AsType[*models.RequestDecidedError](err); ok {
		return errStatus(http.StatusConflict, "This request was already "+string(d.Status)+"; only pending requests can be decided or withdrawn")
	}
	return err
}

// parseRequestFilter reads the queue's query: status, team (an id or
// "none") and limit (1–200); anything else there is refused.
func parseRequestFilter(q url.Values) (models.RequestFilter, models.FieldErrors) {
	var f models.RequestFilter
	var errs models.FieldErrors
	if v := q.Get("status"); v != "" {
		st := models.RequestStatus(v)
		if !slices.Contains(models.RequestStatuses, st) {
			errs = append(errs, models.FieldError{Loc: []any{"status"}, Msg: "Input should be 'pending', 'approved', 'rejected' or 'withdrawn'", Type: "enum"})
		}
		f.Status = &st
	}
	if v := q.Get("team"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		switch {
		case v == "none":
			id = 0
		case err != nil || id < 1:
			errs = append(errs, models.FieldError{Loc: []any{"team"}, Msg: "Input should be a team's id, or 'none' for people in no team", Type: "value_error"})
		}
		f.Team = &id
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > models.RequestLimitMax {
			errs = append(errs, models.FieldError{Loc: []any{"limit"}, Msg: "Input should be a whole number from 1 to " + strconv.Itoa(models.RequestLimitMax), Type: "less_than_equal"})
		}
		f.Limit = n
	}
	return f, errs
}

// listRequests answers GET /admin/requests?status=&team=&limit=.
func (s *Server) listRequests(c *gin.Context) error {
	f, errs := parseRequestFilter(c.Request.URL.Query())
	if errs != nil {
		return errInvalid("query", errs)
	}
	rs, err := s.store.Requests(c.Request.Context(), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toRequestListJSON(rs))
	return nil
}

// approveRequest answers POST /admin/requests/:id/approve with the request.
func (s *Server) approveRequest(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	r, err := s.store.ApproveRequest(c.Request.Context(), id)
	if err != nil {
		return decidedConflict(err)
	}
	c.JSON(http.StatusOK, toRequestJSON(r))
	return nil
}

// rejectRequest answers POST /admin/requests/:id/reject {"reason": "…"}
// with the request.
func (s *Server) rejectRequest(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var reason *string
	if err := decodeBody(c, stringField("reason", &reason, true)); err != nil {
		return err
	}
	r, err := s.store.RejectRequest(c.Request.Context(), id, *reason)
	if err != nil {
		return decidedConflict(err)
	}
	c.JSON(http.StatusOK, toRequestJSON(r))
	return nil
}
