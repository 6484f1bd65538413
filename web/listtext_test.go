package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestListRefusesTextPostgreSQLCannotHold sends the admin list search text
// and cursors holding NUL or invalid UTF-8, which PostgreSQL refuses (22021):
// they are bad input, a 422 naming the parameter, never a 500. (Found by
// FuzzDecodeCursor.)
func TestListRefusesTextPostgreSQLCannotHold(t *testing.T) {
	t.Parallel()
	a, _, tok := newAdminApp(t)
	cases := []struct {
		name, param, value string
	}{
		{"NulInSearch", "q", "asha\x00rao"},
		{"InvalidUTF8InSearch", "q", "\xff\xfe"},
		{"NulInCursor", "cursor", models.EncodeCursor(models.Cursor{Sort: "name", Value: "a\x00b", ID: 1})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.json(http.MethodGet, "/admin/users?"+url.Values{tc.param: {tc.value}}.Encode(), tok, nil)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			var out struct {
				Detail models.FieldErrors `json:"detail"`
			}
			decode(t, res, &out)
			if len(out.Detail) != 1 || len(out.Detail[0].Loc) != 2 || out.Detail[0].Loc[0] != "query" || out.Detail[0].Loc[1] != tc.param {
				t.Errorf("detail: got %+v, want one problem at [query %s]", out.Detail, tc.param)
			}
		})
	}
	noServerErrors(t, a)
}
