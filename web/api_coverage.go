package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// coverageDayJSON is one date of GET /admin/coverage. MinOnDuty is null
// for everyone's figures, which no single minimum applies to.
type coverageDayJSON struct {
	Date      schedule.Date `json:"date"`
	Working   int64         `json:"working"`
	Off       int64         `json:"off"`
	HalfOff   int64         `json:"half_off"`
	MinOnDuty *int          `json:"min_on_duty"`
	Short     bool          `json:"short"`
}

// coverageJSON is GET /admin/coverage.
type coverageJSON struct {
	Days []coverageDayJSON `json:"days"`
}

// teamQuery reads ?team= (a team's id); absent or empty: 0, everyone.
func teamQuery(c *gin.Context) (int64, error) {
	v := strings.TrimSpace(c.Query("team"))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, errInvalid("query", models.FieldErrors{{Loc: []any{"team"}, Msg: "Input should be a team's id (a positive whole number)", Type: "int_parsing"}})
	}
	return id, nil
}

// coverageQuery reads ?from=&to=&team= as GET /admin/coverage takes them.
func (s *Server) coverageQuery(c *gin.Context) (models.CoverageQuery, error) {
	from, to, err := s.dateRange(c, models.MaxCoverageDays)
	if err != nil {
		return models.CoverageQuery{}, err
	}
	team, err := teamQuery(c)
	return models.CoverageQuery{From: from, To: to, TeamID: team}, err
}

// getCoverage answers GET /admin/coverage: who works, is off and is off
// for half the day on each date, for one team or everyone.
func (s *Server) getCoverage(c *gin.Context) error {
	q, err := s.coverageQuery(c)
	if err != nil {
		return err
	}
	cov, err := s.coverage(c, q)
	if err != nil {
		return err
	}
	out := coverageJSON{Days: make([]coverageDayJSON, len(cov.Days))}
	for i, d := range cov.Days {
		out.Days[i] = coverageDayJSON{Date: d.Date, Working: d.Working, Off: d.Off, HalfOff: d.HalfOff, Short: d.Short}
		if q.TeamID != 0 {
			out.Days[i].MinOnDuty = &d.MinOnDuty
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// shortDayJSON is one date a change would leave short, in a 409 of the
// coverage guard.
type shortDayJSON struct {
	Date      schedule.Date `json:"date"`
	TeamID    int64         `json:"team_id"`
	Working   int64         `json:"working"`
	MinOnDuty int           `json:"min_on_duty"`
}

// maxShortDays bounds the dates a 409 lists; the detail names the first.
const maxShortDays = 100

func toShortDaysJSON(days []models.ShortDay) []shortDayJSON {
	out := make([]shortDayJSON, 0, min(len(days), maxShortDays))
	for _, d := range days[:min(len(days), maxShortDays)] {
		out = append(out, shortDayJSON{Date: d.Date, TeamID: d.TeamID, Working: d.Working, MinOnDuty: d.MinOnDuty})
	}
	return out
}
