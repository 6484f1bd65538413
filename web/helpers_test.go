package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/web"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// app is a running server on a fresh database of the test's own.
type app struct {
	t      testing.TB
	cfg    config.Config
	store  *models.Store
	server *web.Server
	logs   *modelstest.SyncBuffer
}

// newApp starts a server on a fresh database; tweak, if not nil, adjusts the settings.
func newApp(t testing.TB, tweak func(*config.Config)) *app {
	t.Helper()
	cfg := modelstest.Config(t)
	if tweak != nil {
		tweak(&cfg)
	}
	logs := &modelstest.SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(io.MultiWriter(logs, t.Output()), nil))
	store := modelstest.Open(t, cfg, log)
	server, err := web.NewServer(cfg, store, log)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &app{t: t, cfg: cfg, store: store, server: server, logs: logs}
}

// user creates a user with the password "password1" and the given role.
func (a *app) user(email string, role models.Role, weekoffs ...string) *models.User {
	a.t.Helper()
	name, r, pw := "Person "+strings.Split(email, "@")[0], string(role), "password1"
	u, err := a.store.CreateUser(context.Background(), models.UserInput{
		Email: &email, FullName: &name, Role: &r, Password: &pw, Weekoffs: &weekoffs,
	})
	if err != nil {
		a.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// token signs in through POST /auth/token, as an API client does.
func (a *app) token(email, password string) string {
	a.t.Helper()
	body := "username=" + email + "&password=" + password
	res := a.do(http.MethodPost, "/auth/token", "", strings.NewReader(body), "application/x-www-form-urlencoded")
	if res.Code != http.StatusOK {
		a.t.Fatalf("sign in %s: status %d: %s", email, res.Code, res.Body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	decode(a.t, res, &out)
	return out.AccessToken
}

// do sends a request to the server's handler and holds the exchange against
// the OpenAPI document (conform, in openapi_conform_test.go).
func (a *app) do(method, path, token string, body io.Reader, contentType string) *httptest.ResponseRecorder {
	a.t.Helper()
	var sent []byte
	if body != nil {
		var err error
		if sent, err = io.ReadAll(body); err != nil {
			a.t.Fatalf("read request body: %v", err)
		}
		body = bytes.NewReader(sent)
	}
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	conform(a.t, method, path, req.Header, sent, rec)
	return rec
}

// json sends a JSON request; body may be a string of raw JSON or a value to encode.
func (a *app) json(method, path, token string, body any) *httptest.ResponseRecorder {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	return a.do(method, path, token, r, "application/json")
}

func decode(t testing.TB, res *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(res.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", res.Body.String(), err)
	}
}

// wantStatus fails the test when the response has another status.
func wantStatus(t testing.TB, res *httptest.ResponseRecorder, want int) {
	t.Helper()
	if res.Code != want {
		t.Fatalf("status: got %d, want %d; body %s", res.Code, want, res.Body)
	}
}

// detailOf returns the "detail" of an error response.
func detailOf(t testing.TB, res *httptest.ResponseRecorder) any {
	t.Helper()
	var out struct {
		Detail any `json:"detail"`
	}
	decode(t, res, &out)
	return out.Detail
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
