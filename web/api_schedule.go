package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// decodeSchedule reads a change of schedule: {"rules": [...],
// "effective_from"?: "YYYY-MM-DD"} or, for a person, {"inherit": true, ...},
// and "force"?: true, which only an admin may send, to apply it even where
// it leaves a team short.
func (s *Server) decodeSchedule(c *gin.Context, allowInherit bool) (models.ScheduleInput, error) {
	var f models.ScheduleFields
	var rules *json.RawMessage
	var force *bool
	if err := decodeBody(c, rawField("rules", &rules), stringField("effective_from", &f.EffectiveFrom, false), boolField("inherit", &f.Inherit), boolField("force", &force)); err != nil {
		return models.ScheduleInput{}, err
	}
	if rules != nil {
		f.Rules = *rules
	}
	forced := force != nil && *force
	if forced && !currentUser(c).IsAdmin() {
		return models.ScheduleInput{}, errStatus(http.StatusForbidden, "Only an admin may apply a change that leaves a team short")
	}
	in, err := s.store.ParseSchedule(c.Request.Context(), f, allowInherit)
	in.Force = forced
	return in, err
}

// scheduleIDParam is the :sid of a schedule route.
func scheduleIDParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("sid"), 10, 64)
	if err != nil || id < 1 {
		return 0, errInvalid("path", models.FieldErrors{{Loc: []any{"sid"}, Msg: "Input should be a valid positive integer", Type: "int_parsing"}})
	}
	return id, nil
}

// The person whose schedule a route is about: the signed-in user on /me,
// the user of the path on /admin/users/:id.
func meID(c *gin.Context) (int64, error) { return currentUser(c).ID, nil }

// getUserSchedule answers GET /me/schedule and /admin/users/:id/schedule.
func (s *Server) getUserSchedule(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		id, err := whose(c)
		if err != nil {
			return err
		}
		v, err := s.store.UserScheduleView(c.Request.Context(), id)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, toScheduleViewJSON(v))
		return nil
	}
}

// putUserSchedule answers PUT /me/schedule and /admin/users/:id/schedule
// with the user object; If-Match works as on the user's other writes.
func (s *Server) putUserSchedule(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		id, err := whose(c)
		if err != nil {
			return err
		}
		version, err := ifMatch(c)
		if err != nil {
			return err
		}
		in, err := s.decodeSchedule(c, true)
		if err != nil {
			return err
		}
		u, err := s.store.SetUserSchedule(c.Request.Context(), id, in, version)
		if err != nil {
			return err
		}
		writeUser(c, http.StatusOK, u)
		return nil
	}
}

// cancelUserSchedule answers DELETE /me/schedule/:sid and
// /admin/users/:id/schedule/:sid: an upcoming change withdrawn; 409 with
// the short dates when that leaves the user's team short, unless an
// admin asks with ?force=true.
func (s *Server) cancelUserSchedule(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		id, err := whose(c)
		if err != nil {
			return err
		}
		sid, err := scheduleIDParam(c)
		if err != nil {
			return err
		}
		// Read as the import's force is: a value that is no boolean is a
		// 422 rather than a silent "not forced".
		force, err := boolParam(c, "force")
		if err != nil {
			return err
		}
		if force && !currentUser(c).IsAdmin() {
			return errStatus(http.StatusForbidden, "Only an admin may apply a change that leaves a team short")
		}
		if err := s.store.CancelUserSchedule(c.Request.Context(), id, sid, force); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// The owner of a shared schedule: the team of the path, or the
// organisation (0).
func teamOfPath(c *gin.Context) (int64, error) { return idParam(c) }
func organisation(*gin.Context) (int64, error) { return 0, nil }

// getScopeSchedule answers GET /admin/teams/:id/schedule and /admin/organisation/schedule.
func (s *Server) getScopeSchedule(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		team, err := whose(c)
		if err != nil {
			return err
		}
		v, err := s.store.ScopeScheduleView(c.Request.Context(), team)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, toScheduleViewJSON(v))
		return nil
	}
}

// putScopeSchedule answers PUT /admin/teams/:id/schedule and
// /admin/organisation/schedule with the schedule written.
func (s *Server) putScopeSchedule(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		team, err := whose(c)
		if err != nil {
			return err
		}
		in, err := s.decodeSchedule(c, false)
		if err != nil {
			return err
		}
		sc, err := s.store.SetScopeSchedule(c.Request.Context(), team, in)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, toScheduleJSON(sc))
		return nil
	}
}

// cancelScopeSchedule answers DELETE /admin/teams/:id/schedule/:sid and
// /admin/organisation/schedule/:sid.
func (s *Server) cancelScopeSchedule(whose func(*gin.Context) (int64, error)) func(*gin.Context) error {
	return func(c *gin.Context) error {
		team, err := whose(c)
		if err != nil {
			return err
		}
		sid, err := scheduleIDParam(c)
		if err != nil {
			return err
		}
		if err := s.store.CancelScopeSchedule(c.Request.Context(), team, sid); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}
