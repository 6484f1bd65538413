package web_test

import (
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// requestCases are TestOpenAPIResponses' exchanges about approvals, on an
// app of their own whose organisation wants approval: the cases, and those
// whose bodies are cut short (400, 408). Requests to approve, reject and
// withdraw are made first and their ids read back.
func requestCases(t *testing.T, down *app, downTok string) (cases, cut []openAPICase) {
	t.Helper()
	const js = "application/json"
	ap := newApp(t, nil)
	_, adminTok := ap.userWithToken("admin@example.com", models.RoleAdmin)
	_, empTok := ap.userWithToken("asha@example.com", models.RoleEmployee, "sat", "sun")
	_, patTok := ap.userWithToken("pat@example.com", models.RoleEmployee, "sun")
	_, gilTok := ap.userWithToken("gil@example.com", models.RoleEmployee, "sun")
	_, kimTok := ap.userWithToken("kim@example.com", models.RoleEmployee, "sun")
	ap.setSelfService("approval")
	toReject := itoa(ap.requested(t, "PUT", "/me/weekoffs", patTok, `{"weekoffs":["mon"]}`).ID)
	toWithdraw := itoa(ap.requested(t, "PUT", "/me/weekoffs", gilTok, `{"weekoffs":["tue"]}`).ID)
	toApprove := itoa(ap.requested(t, "PUT", "/me/weekoffs", kimTok, `{"weekoffs":["wed"]}`).ID)
	approve, reject, mine := "/admin/requests/"+toApprove+"/approve", "/admin/requests/"+toReject+"/reject", "/me/requests/"+toWithdraw

	cases = []openAPICase{
		{ap, "PUT", "/me/weekoffs", empTok, js, `{"weekoffs":["fri"]}`, 202},
		{ap, "PUT", "/me/schedule", empTok, js, `{"rules":[{"day":"fri","part":"afternoon"}]}`, 202},

		{ap, "GET", "/me/requests", empTok, "", "", 200},
		{ap, "GET", "/me/requests", "", "", "", 401},
		{down, "GET", "/me/requests", downTok, "", "", 503},

		{ap, "GET", "/admin/requests?status=pending&team=none&limit=10", adminTok, "", "", 200},
		{ap, "GET", "/admin/requests", "", "", "", 401},
		{ap, "GET", "/admin/requests", empTok, "", "", 403},
		{ap, "GET", "/admin/requests?status=maybe&limit=0", adminTok, "", "", 422},
		{down, "GET", "/admin/requests", downTok, "", "", 503},

		{ap, "POST", approve, adminTok, "", "", 200},
		{ap, "POST", approve, "", "", "", 401},
		{ap, "POST", approve, empTok, "", "", 403},
		{ap, "POST", "/admin/requests/999999/approve", adminTok, "", "", 404},
		{ap, "POST", approve, adminTok, "", "", 409},
		{ap, "POST", "/admin/requests/x/approve", adminTok, "", "", 422},
		{down, "POST", "/admin/requests/1/approve", downTok, "", "", 503},

		{ap, "POST", reject, adminTok, js, `{"reason":"Mondays are short"}`, 200},
		{ap, "POST", reject, "", js, `{"reason":"x"}`, 401},
		{ap, "POST", reject, empTok, js, `{"reason":"x"}`, 403},
		{ap, "POST", "/admin/requests/999999/reject", adminTok, js, `{"reason":"x"}`, 404},
		{ap, "POST", reject, adminTok, js, `{"reason":"again"}`, 409},
		{ap, "POST", reject, adminTok, js, tooLargeBody(), 413},
		{ap, "POST", reject, adminTok, js, `{"reason":""}`, 422},
		{down, "POST", "/admin/requests/1/reject", downTok, js, `{"reason":"x"}`, 503},

		{ap, "DELETE", mine, empTok, "", "", 404},
		{ap, "DELETE", mine, gilTok, "", "", 204},
		{ap, "DELETE", mine, "", "", "", 401},
		{ap, "DELETE", mine, gilTok, "", "", 409},
		{ap, "DELETE", "/me/requests/0", gilTok, "", "", 422},
		{down, "DELETE", "/me/requests/1", downTok, "", "", 503},
	}
	cut = []openAPICase{
		{ap, "POST", reject, adminTok, js, `{"reason":`, 0},
	}
	return cases, cut
}
