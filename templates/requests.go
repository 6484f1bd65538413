package templates

import (
	"strconv"
	"strings"

	"github.com/weekoffs/weekoffs/models"
)

// RequestsView is the admins' queue of change requests: the filters as
// given, the requests newest first, the coverage effect of each pending
// one, and what a refused approval or rejection said.
type RequestsView struct {
	Status, Team string        // the filters as given ("" for any)
	Teams        []models.Team // the teams the team filter offers, by name
	Errors       models.FieldErrors
	Requests     []models.Request
	Effects      map[int64][]models.DayEffect
	// Error is why the last approval or rejection was not done; "" if it was.
	Error string
	// RejectID is the request whose rejection was refused for its reason,
	// Reason what was typed, ReasonError why.
	RejectID            int64
	Reason, ReasonError string
}

// requestWhat says what a request asks for: its days, or one's team's.
func requestWhat(r models.Request, own bool) string {
	if r.Inherit {
		if own {
			return "My team's or the organisation's days"
		}
		return "Their team's or the organisation's days"
	}
	return rulesWords(r.Rules)
}

// requestStatusWords is a request's state as a person reads it.
func requestStatusWords(s models.RequestStatus) string {
	switch s {
	case models.RequestPending:
		return "Pending: waiting for an admin"
	case models.RequestApproved:
		return "Approved"
	case models.RequestRejected:
		return "Rejected"
	case models.RequestWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// effectWords says a request's effect on one weekday of its team.
func effectWords(e models.DayEffect) string {
	var b strings.Builder
	b.WriteString(e.Day.String() + ": " + strconv.Itoa(e.OthersOff) + " of " + strconv.Itoa(e.Others) + " others off; " + strconv.Itoa(e.Working) + " would work")
	if e.MinOnDuty > 0 {
		b.WriteString(" (needs " + strconv.Itoa(e.MinOnDuty) + ")")
	}
	return b.String()
}

// requestURL is the address of a request's action (approve, reject, withdraw).
func requestURL(base string, id int64, action string) string {
	return base + strconv.FormatInt(id, 10) + "/" + action
}

// requestStatusTitle is a state as the queue's filter offers it.
func requestStatusTitle(s models.RequestStatus) string {
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}
