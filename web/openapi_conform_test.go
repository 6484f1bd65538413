package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/weekoffs/weekoffs/docs"
)

// openAPI is docs/openapi.yaml, loaded, validated and routed once per test
// binary, exactly as GET /openapi.json serves it.
var openAPI = sync.OnceValues(func() (*openAPISpec, error) {
	raw, err := docs.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	// legacy.NewRouter validates the document (examples included) first.
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &openAPISpec{doc: doc, router: router}, nil
})

type openAPISpec struct {
	doc    *openapi3.T
	router routers.Router
}

// mustOpenAPI returns the loaded document or fails the test.
func mustOpenAPI(t testing.TB) *openAPISpec {
	t.Helper()
	spec, err := openAPI()
	if err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	return spec
}

// conformOptions validate strictly (an undocumented status fails) and report
// the first problem as where it is and what is wrong.
var conformOptions = func() *openapi3filter.Options {
	o := &openapi3filter.Options{
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		AuthenticationFunc:    bearerPresent,
	}
	o.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		if at := err.JSONPointer(); len(at) > 0 {
			return "at /" + strings.Join(at, "/") + ": " + err.Reason
		}
		return err.Reason
	})
	return o
}()

// bearerPresent stands in for the server's authentication during request
// validation: the document's schemes are satisfied by any bearer token.
// Whether the token is good is the server's to decide.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// conform holds one exchange that went through the test harness against the
// OpenAPI document; every JSON test request of the package passes here.
//
// The response must match the document: a documented status, its headers
// and its body schema. Requests are validated too, but tests send invalid
// requests on purpose to see the 422s and 401s, so a request the document
// rejects only fails the test when the server accepted it (a status below
// 400): then the document is stricter than the service, a gap to fix.
//
// A 500, which the document does not list, must be the bare answer.
// Exchanges outside the JSON API are skipped: paths and methods the document
// does not have (TestOpenAPIRoutes holds the router to the document),
// requests that ask for HTML, and HTML or redirect responses. Benchmarks are
// not slowed by it.
func conform(t testing.TB, method, target string, header http.Header, body []byte, res *httptest.ResponseRecorder) {
	t.Helper()
	if _, bench := t.(*testing.B); bench || isBrowserExchange(header, res) {
		return
	}
	spec, err := openAPI()
	if err != nil {
		t.Errorf("docs/openapi.yaml: %v", err)
		return
	}
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.Header = header.Clone()
	// The server accepts a trailing slash on every path; the document lists each path without.
	if p := req.URL.Path; len(p) > 1 {
		req.URL.Path = strings.TrimRight(p, "/")
	}
	route, params, err := spec.router.FindRoute(req)
	if err != nil {
		return
	}
	if res.Code == http.StatusInternalServerError && route.Operation.Responses.Status(res.Code) == nil {
		// No operation documents a 500, but tests provoke some on purpose;
		// the answer must then be the bare one, which shows nothing of the error.
		if got := strings.TrimSpace(res.Body.String()); got != `{"detail":"Internal Server Error"}` {
			t.Errorf("openapi: %s %s: a 500 must answer only {\"detail\":\"Internal Server Error\"}, got %s", method, target, truncate(got, 500))
		}
		return
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: conformOptions}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && res.Code < http.StatusBadRequest {
		t.Errorf("openapi: %s %s: the document rejects this request, yet the server answered %d:\n%s", method, target, res.Code, truncate(err.Error(), 1000))
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.Code, Header: res.Header(), Options: conformOptions}
	content := res.Body.Bytes()
	if res.Header().Get("Content-Encoding") == "gzip" {
		content = gunzip(t, content) // the document describes the content, not its coding
	}
	out.SetBodyBytes(content)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("openapi: %s %s: the response %d does not match docs/openapi.yaml:\n%s\nbody: %s", method, target, res.Code, truncate(err.Error(), 1000), truncate(res.Body.String(), 500))
	}
}

// isBrowserExchange reports an exchange of the HTML side, which the document
// does not describe.
func isBrowserExchange(reqHeader http.Header, res *httptest.ResponseRecorder) bool {
	return strings.Contains(reqHeader.Get("Accept"), "text/html") ||
		strings.HasPrefix(res.Header().Get("Content-Type"), "text/html") ||
		(res.Code >= 300 && res.Code < 400)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
