package templates

import (
	"encoding/json"
	"strings"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// historyField names a recorded field as the page shows it.
func historyField(f string) string {
	switch f {
	case "weekoffs":
		return "Week-offs"
	case "role":
		return "Role"
	case "is_active":
		return "Active"
	case "schedule":
		return "Schedule"
	case "team":
		return "Team"
	}
	return f
}

// historyValue shows a recorded JSON value: days, a role, or yes/no.
func historyValue(raw json.RawMessage) string {
	var days []string
	if json.Unmarshal(raw, &days) == nil {
		if len(days) == 0 {
			return "none"
		}
		names := make([]string, len(days))
		for i, d := range days {
			names[i] = models.Weekday(d).Title()
		}
		return strings.Join(names, ", ")
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return map[bool]string{true: "Yes", false: "No"}[b]
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return "none"
	}
	var sch struct {
		Rules         schedule.Rules `json:"rules"`
		Inherit       bool           `json:"inherit"`
		EffectiveFrom string         `json:"effective_from"`
	}
	if json.Unmarshal(raw, &sch) == nil {
		what := sch.Rules.Words()
		if sch.Inherit {
			what = "the team's or organisation's days"
		}
		return what + " from " + sch.EffectiveFrom
	}
	return string(raw)
}

// historyActor says who made a change and through which door.
func historyActor(h models.HistoryEntry) string {
	via := map[models.Via]string{models.ViaAPI: "API", models.ViaForm: "form", models.ViaAdmin: "admin", models.ViaSystem: "command line", models.ViaImport: "import"}[h.Via]
	if h.ActorEmail == "" {
		return via
	}
	return h.ActorEmail + " (" + via + ")"
}
