package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// maxBulkIDs bounds the ids of one bulk change; "all matching" reaches more.
const maxBulkIDs = 100_000

// bulkUsers answers POST /admin/users/bulk: 200 {"updated": n} when the
// change was made at once, 202 {"job": <job>} when it was queued; 409 with
// the short dates when it would leave a team short, unless "force": true.
func (s *Server) bulkUsers(c *gin.Context) error {
	var filter, ids, set *json.RawMessage
	var force *bool
	if err := decodeBody(c, rawField("filter", &filter), rawField("ids", &ids), rawField("set", &set), boolField("force", &force)); err != nil {
		return err
	}
	t, errs := parseBulkTarget(filter, ids)
	var fields models.BulkFields
	if set == nil {
		errs = append(errs, models.FieldError{Loc: []any{"set"}, Msg: "Field required", Type: "missing"})
	} else {
		errs = append(errs, decodeBulkSet(*set, &fields)...)
	}
	if errs != nil {
		return errInvalid("body", errs)
	}
	ch, err := s.store.ParseBulkChange(c.Request.Context(), fields)
	if fe, ok := err.(models.FieldErrors); ok {
		return errInvalid("body", fe)
	} else if err != nil {
		return err
	}
	ch.Force = force != nil && *force
	res, err := s.jobs.ChangeUsers(c.Request.Context(), t, ch)
	if fe, ok := err.(models.FieldErrors); ok {
		return errInvalid("body", fe)
	} else if err != nil {
		return err
	}
	if res.Job != nil {
		c.Header("Location", jobPath(res.Job.ID))
		c.JSON(http.StatusAccepted, gin.H{"job": toJobJSON(res.Job)})
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"updated": res.Updated})
	return nil
}

// parseBulkTarget reads whom a bulk change is for: "ids", or "filter", an
// object of the list's filters (q, role, team, weekoff), read by the list's
// own parser so that it means what the list shows.
func parseBulkTarget(filter, ids *json.RawMessage) (models.BulkTarget, models.FieldErrors) {
	switch {
	case (filter == nil) == (ids == nil):
		return models.BulkTarget{}, models.FieldErrors{{Loc: []any{"filter"}, Msg: "Give either filter or ids, not both", Type: "value_error"}}
	case ids != nil:
		var list []int64
		if json.Unmarshal(*ids, &list) != nil || len(list) == 0 || len(list) > maxBulkIDs || slices.Min(list) < 1 {
			return models.BulkTarget{}, models.FieldErrors{{Loc: []any{"ids"}, Msg: "Input should be a list of 1 to " + strconv.Itoa(maxBulkIDs) + " user ids", Type: "list_type"}}
		}
		slices.Sort(list)
		return models.BulkTarget{IDs: slices.Compact(list)}, nil
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(*filter, &members) != nil || members == nil {
		return models.BulkTarget{}, models.FieldErrors{{Loc: []any{"filter"}, Msg: "Input should be a JSON object of q, role, team and weekoff", Type: "model_attributes_type"}}
	}
	q := url.Values{}
	var errs models.FieldErrors
	for name, raw := range members {
		var text string
		var number json.Number
		raw = bytes.TrimSpace(raw)
		switch {
		case name != "q" && name != "role" && name != "team" && name != "weekoff":
			errs = append(errs, models.FieldError{Loc: []any{"filter", name}, Msg: "Extra inputs are not permitted", Type: "extra_forbidden"})
		case bytes.Equal(raw, []byte("null")):
		case json.Unmarshal(raw, &text) == nil:
			q.Set(name, text)
		case name == "team" && json.Unmarshal(raw, &number) == nil:
			q.Set(name, number.String())
		default:
			errs = append(errs, models.FieldError{Loc: []any{"filter", name}, Msg: "Input should be a valid string", Type: "string_type"})
		}
	}
	f, ferrs := parseUserFilter(q)
	for _, e := range ferrs {
		e.Loc = append([]any{"filter"}, e.Loc...)
		errs = append(errs, e)
	}
	if errs != nil {
		return models.BulkTarget{}, errs
	}
	return models.BulkTarget{Filter: &f}, nil
}

// decodeBulkSet reads "set": {"rules"?, "effective_from"?, "team_id"?, "is_active"?}.
func decodeBulkSet(raw json.RawMessage, f *models.BulkFields) models.FieldErrors {
	var rules *json.RawMessage
	errs, _ := decodeObject(raw, rawField("rules", &rules), stringField("effective_from", &f.EffectiveFrom, false),
		idOrNullField("team_id", &f.TeamID), boolField("is_active", &f.IsActive))
	if rules != nil {
		f.Rules = *rules
	}
	for i := range errs {
		errs[i].Loc = append([]any{"set"}, errs[i].Loc...)
	}
	return errs
}

// jobJSON is a job as the API shows it.
type jobJSON struct {
	ID         int64                 `json:"id"`
	Kind       string                `json:"kind"`
	State      models.JobState       `json:"state"`
	Done       int64                 `json:"done"`
	Total      int64                 `json:"total"`
	Errors     []models.JobItemError `json:"errors"`
	CreatedAt  time.Time             `json:"created_at"`
	FinishedAt *time.Time            `json:"finished_at"`
}

func toJobJSON(j *models.Job) jobJSON {
	errs := j.Errors
	if errs == nil {
		errs = []models.JobItemError{}
	}
	return jobJSON{ID: j.ID, Kind: j.Kind, State: j.State, Done: j.Done, Total: j.Total, Errors: errs, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt}
}

// jobPath is the address of a job's progress.
func jobPath(id int64) string { return "/admin/jobs/" + strconv.FormatInt(id, 10) }

// getJob answers GET /admin/jobs/{id}.
func (s *Server) getJob(c *gin.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	j, err := s.store.Job(c.Request.Context(), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toJobJSON(j))
	return nil
}
