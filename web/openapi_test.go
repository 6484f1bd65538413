package web_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/weekoffs/weekoffs/docs"
)

// nonAPIRoutes are the routes that docs/openapi.yaml rightly leaves out:
// the assets, the document and its page, and the routes that only serve
// browsers. Every other route the router registers is part of the JSON API
// and must be documented. A new HTML-only route belongs here.
var nonAPIRoutes = []string{
	"GET /static/{name}",
	"GET /openapi.json",
	"GET /docs",
	"GET /metrics", // Prometheus' text format, when METRICS=on
	// The browser side of the contract (docs/API.md): pages, sign-in, sign-out and form posts.
	"GET /",
	"GET /admin/users/new",
	"GET /admin/users/import",
	"GET /admin/calendar",
	"GET /admin/calendar/day",
	"GET /login",
	"POST /login",
	"POST /logout",
	"POST /me/weekoffs",
	"POST /me/password",
	"POST /me/schedule",
	"POST /me/schedule/{sid}/cancel",
	"POST /admin/users/{id}",
	"POST /admin/users/{id}/schedule",
	"POST /admin/users/{id}/schedule/{sid}/cancel",
	"POST /admin/organisation",
	"POST /admin/organisation/schedule",
	"POST /admin/organisation/schedule/{sid}/cancel",
	"POST /admin/teams/{id}",
	"POST /admin/teams/{id}/delete",
	"POST /admin/teams/{id}/schedule",
	"POST /admin/teams/{id}/schedule/{sid}/cancel",
	"POST /me/requests/{id}/withdraw",
}

// unrefusedParameters are the operations whose parameters no value makes
// invalid, so that they need no 422: the feed's file name is a secret, and
// a name that is no feed's is 404 like a key that was replaced.
var unrefusedParameters = []string{
	"GET /calendar/{file}",
}

// TestOpenAPIDocument checks that /openapi.json serves the embedded
// docs/openapi.yaml, that kin-openapi loads and validates it (its examples
// included), and the rules every operation follows.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	res := a.do(call{method: http.MethodGet, path: "/openapi.json"})
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	want, err := docs.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Body.Bytes(), want) {
		t.Error("GET /openapi.json is not docs/openapi.yaml as JSON")
	}
	doc, err := openapi3.NewLoader().LoadFromData(res.Body.Bytes())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if slash := a.do(call{method: http.MethodGet, path: "/openapi.json/"}); slash.Code != http.StatusOK {
		t.Errorf("GET /openapi.json/: got %d, want 200", slash.Code)
	}

	t.Run("Security", func(t *testing.T) {
		schemes := doc.Components.SecuritySchemes
		if s := schemes["OAuth2PasswordBearer"]; s == nil || s.Value.Flows == nil || s.Value.Flows.Password == nil ||
			s.Value.Flows.Password.TokenURL != "/auth/token" {
			t.Error("want an OAuth2 password flow with tokenUrl /auth/token")
		}
		if s := schemes["BearerToken"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" {
			t.Error("want an HTTP bearer scheme")
		}
	})
	t.Run("Operations", func(t *testing.T) {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				name := method + " " + path
				if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
					t.Errorf("%s: wants an operationId, a summary and a tag", name)
				}
				protected := op.Security == nil || len(*op.Security) > 0
				wants := map[string]bool{"503": true, "401": protected}
				if op.RequestBody != nil {
					// 400 and 408: a body that did not arrive whole, or in time.
					wants["400"], wants["408"], wants["413"], wants["422"] = true, true, true, true
				}
				if (len(item.Parameters) > 0 || len(op.Parameters) > 0) && !slices.Contains(unrefusedParameters, name) {
					wants["422"] = true
				}
				if strings.HasPrefix(path, "/admin/") {
					wants["403"] = true
				}
				for status, want := range wants {
					if want && op.Responses.Value(status) == nil {
						t.Errorf("%s: documents no %s response", name, status)
					}
				}
			}
		}
	})
}

// TestOpenAPIRoutes holds the router and the document to each other: every
// route the router registers is documented, unless it is in nonAPIRoutes,
// and every documented operation is a registered route.
func TestOpenAPIRoutes(t *testing.T) {
	t.Parallel()
	spec := mustOpenAPI(t)
	a := newApp(t, nil)

	param := regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	registered := map[string]bool{}
	for _, r := range a.server.Routes() {
		if r.Method == http.MethodHead {
			continue // answers as the GET beside it (TestHeadOnEveryGetRoute)
		}
		registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for path, item := range spec.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for route := range registered {
		if !documented[route] && !slices.Contains(nonAPIRoutes, route) {
			t.Errorf("route %s is not in docs/openapi.yaml: document it, or if it serves only browsers, add it to nonAPIRoutes", route)
		}
	}
	for op := range documented {
		if !registered[op] {
			t.Errorf("docs/openapi.yaml documents %s, which the router does not register", op)
		}
		if slices.Contains(nonAPIRoutes, op) {
			t.Errorf("%s is both documented and listed in nonAPIRoutes", op)
		}
	}
}
