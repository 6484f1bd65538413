package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
	"github.com/weekoffs/weekoffs/templates"
)

// bulkFormFields are the members of the users list's bulk form that its
// confirmation carries through, besides the list's own parameters.
var bulkFormFields = []string{"scope", "action", "ids", "days", "effective_from", "team_id"}

// bulkRequest is a bulk form as read: whom, what, and the change in words.
type bulkRequest struct {
	target models.BulkTarget
	change models.BulkChange
	words  string
}

// bulkUsersForm answers the users list's bulk form: first a confirmation
// stating how many users will change; once confirmed, the change, then
// back to the list ("Updated N users.") or, for a job, to its progress.
func (s *Server) bulkUsersForm(c *gin.Context) error {
	form, err := parseForm(c, nil)
	if err != nil {
		return err
	}
	back := listURL(form, nil)
	req, problem, err := s.readBulkForm(c, form)
	if err != nil {
		return err
	}
	if problem != "" {
		s.flashAndRedirect(c, problem, back)
		return nil
	}
	if form.Get("confirm") != "yes" {
		return s.confirmBulk(c, form, req, back, nil)
	}
	// "Change anyway", after the coverage guard refused the change.
	req.change.Force = form.Get("force") == "true"
	res, err := s.jobs.ChangeUsers(c.Request.Context(), req.target, req.change)
	var fe models.FieldErrors
	se, short := errors.AsType[*models.ShortError](err)
	switch {
	case short:
		return s.confirmBulk(c, form, req, back, se)
	case errors.As(err, &fe):
		s.flashAndRedirect(c, "Nothing was changed: "+fe[0].Msg+".", back)
		return nil
	case errors.Is(err, models.ErrLastAdmin):
		s.flashAndRedirect(c, "Nothing was changed: the last active admin cannot be deactivated.", back)
		return nil
	case err != nil:
		return err
	case res.Job != nil:
		seeOther(c, jobPath(res.Job.ID))
		return nil
	}
	s.flashAndRedirect(c, "Updated "+countWords(res.Updated)+".", back)
	return nil
}

// confirmBulk shows how many users the change reaches and what it does;
// after the coverage guard refused it (short, 409), the dates it would
// leave short, asking to make it anyway.
func (s *Server) confirmBulk(c *gin.Context, form url.Values, req bulkRequest, back string, short *models.ShortError) error {
	n, err := s.store.CountBulkTarget(c.Request.Context(), req.target)
	if err != nil {
		return err
	}
	if n == 0 {
		s.flashAndRedirect(c, "No users match these filters: nothing to change.", back)
		return nil
	}
	v := templates.BulkConfirmView{Count: n, Words: req.words, CancelURL: back}
	for _, name := range slices.Concat(bulkFormFields, listParams[:]) {
		for _, value := range form[name] {
			v.Hidden = append(v.Hidden, templates.HiddenField{Name: name, Value: value})
		}
	}
	status, title := http.StatusOK, "Change users?"
	if short != nil {
		v.Short = shortLines(short.Short)
		status, title = http.StatusConflict, "Error: Change users?"
	}
	s.render(c, status, templates.BulkConfirm(s.newPage(c, title), v))
	return nil
}

// readBulkForm reads the bulk form through the JSON route's parsers. A
// problem with it is said in words, for the list's flash.
func (s *Server) readBulkForm(c *gin.Context, form url.Values) (bulkRequest, string, error) {
	var req bulkRequest
	switch form.Get("scope") {
	case "all":
		q := url.Values{}
		for _, k := range []string{"q", "role", "team", "weekoff"} {
			q.Set(k, form.Get(k))
		}
		f, errs := parseUserFilter(q)
		if errs != nil {
			return req, "The list's filters are not valid; filter the list again.", nil
		}
		req.target.Filter = &f
	default:
		for _, raw := range form["ids"] {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				return req, "The users checked in the list are not valid; check them again.", nil
			}
			req.target.IDs = append(req.target.IDs, id)
		}
		if len(req.target.IDs) == 0 {
			return req, "Check at least one user in the list, or choose all users matching the filters.", nil
		}
	}
	var fields models.BulkFields
	switch form.Get("action") {
	case "weekoffs":
		days, errs := models.ParseWeekdays("days", form["days"], 7)
		if errs != nil {
			return req, errs[0].Msg + ".", nil
		}
		rules, err := json.Marshal(days.Rules())
		if err != nil {
			return req, "", err
		}
		fields.Rules = rules
		if d := strings.TrimSpace(form.Get("effective_from")); d != "" {
			fields.EffectiveFrom = &d
		}
	case "team":
		id, err := strconv.ParseInt(form.Get("team_id"), 10, 64)
		if err != nil || id < 0 {
			return req, "Choose a team.", nil
		}
		fields.TeamID = &id
	case "activate", "deactivate":
		active := form.Get("action") == "activate"
		fields.IsActive = &active
	default:
		return req, "Choose what to change.", nil
	}
	ch, err := s.store.ParseBulkChange(c.Request.Context(), fields)
	var fe models.FieldErrors
	if errors.As(err, &fe) {
		return req, fe[0].Msg + ".", nil
	} else if err != nil {
		return req, "", err
	}
	req.change = ch
	req.words, err = s.bulkWords(c, form, ch)
	return req, "", err
}

// bulkWords says what a bulk change does, for its confirmation.
func (s *Server) bulkWords(c *gin.Context, form url.Values, ch models.BulkChange) (string, error) {
	switch {
	case ch.Rules != nil:
		org, err := s.store.Organisation(c.Request.Context())
		if err != nil {
			return "", err
		}
		from := "today"
		if !ch.EffectiveFrom.IsZero() && ch.EffectiveFrom != schedule.Today(time.Now(), org.Location()) {
			from = ch.EffectiveFrom.String()
		}
		return fmt.Sprintf("their week-offs become %s from %s", ch.Rules.Words(), from), nil
	case ch.TeamID != nil && *ch.TeamID == 0:
		return "they leave their teams", nil
	case ch.TeamID != nil:
		teams, err := s.store.TeamNames(c.Request.Context())
		if err != nil {
			return "", err
		}
		for _, t := range teams {
			if t.ID == *ch.TeamID {
				return "they move to the team " + t.Name, nil
			}
		}
		return "they move to team " + form.Get("team_id"), nil
	case *ch.IsActive:
		return "they become active", nil
	}
	return "they are deactivated and can no longer sign in", nil
}

// countWords says a number of users ("1 user", "12 users").
func countWords(n int64) string {
	if n == 1 {
		return "1 user"
	}
	return strconv.FormatInt(n, 10) + " users"
}

// jobPage is a job's progress page, refreshing itself until the job ends.
func (s *Server) jobPage(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	j, err := s.store.Job(c.Request.Context(), id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "Job "+strconv.FormatInt(id, 10))
	// Reloading itself is the progress bar's only motion without
	// JavaScript; ?refresh=off stops it for whoever needs the page still
	// (WCAG 2.2.1, timing adjustable), and the page links there.
	v := templates.JobView{Job: j, Refreshing: !j.Finished() && c.Query("refresh") != "off"}
	if v.Refreshing {
		p.Refresh = 2
	}
	s.render(c, http.StatusOK, templates.JobPage(p, v))
	return nil
}
