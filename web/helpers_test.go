package web_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

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
	return serveOn(t, cfg)
}

// twin is a second instance of the app: a Store and a Server of its own on
// the same database, as a second process behind a load balancer would be;
// tweak, if not nil, adjusts its settings.
func (a *app) twin(tweak func(*config.Config)) *app {
	a.t.Helper()
	cfg := a.cfg
	if tweak != nil {
		tweak(&cfg)
	}
	return serveOn(a.t, cfg)
}

// serveOn starts a server with the settings cfg, logging to its own buffer.
func serveOn(t testing.TB, cfg config.Config) *app {
	t.Helper()
	logs := &modelstest.SyncBuffer{}
	var level slog.Level
	if _, bench := t.(*testing.B); bench {
		level = slog.LevelWarn // as `make bench` runs the server: no line per request
	}
	log := slog.New(slog.NewJSONHandler(io.MultiWriter(logs, t.Output()), &slog.HandlerOptions{Level: level}))
	store := modelstest.Open(t, cfg, log)
	server, err := web.NewServer(cfg, store, log)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &app{t: t, cfg: cfg, store: store, server: server, logs: logs}
}

// newAdminApp is newApp with an admin, admin@example.com, signed in by
// bearer token: the usual start of a test of the admin API.
func newAdminApp(t testing.TB) (a *app, admin *models.User, token string) {
	t.Helper()
	a = newApp(t, nil)
	admin, token = a.userWithToken("admin@example.com", models.RoleAdmin)
	return a, admin, token
}

// user creates a user with the password "password1" and the given role.
func (a *app) user(email string, role models.Role, weekoffs ...string) *models.User {
	a.t.Helper()
	name, r, pw := "Person "+strings.Split(email, "@")[0], string(role), "password1"
	in := models.UserInput{Email: &email, FullName: &name, Role: &r, Password: &pw}
	if len(weekoffs) > 0 {
		in.Weekoffs = &weekoffs // without, the user has no schedule of their own
	}
	u, err := a.store.CreateUser(context.Background(), in)
	if err != nil {
		a.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// userWithToken creates a user as user does and signs them in through
// POST /auth/token: the user and their bearer token.
func (a *app) userWithToken(email string, role models.Role, weekoffs ...string) (*models.User, string) {
	a.t.Helper()
	u := a.user(email, role, weekoffs...)
	return u, a.token(email, "password1")
}

// signIn posts the token form as an API client does, from the client
// address from when it is not empty.
func (a *app) signIn(email, password, from string) *httptest.ResponseRecorder {
	a.t.Helper()
	form := url.Values{"username": {email}, "password": {password}}
	return a.do(call{method: http.MethodPost, path: "/auth/token", body: form, from: from})
}

// token signs in through POST /auth/token and returns the access token.
func (a *app) token(email, password string) string {
	a.t.Helper()
	res := a.signIn(email, password, "")
	wantStatus(a.t, res, http.StatusOK)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	decode(a.t, res, &out)
	return out.AccessToken
}

// formType is the content type of a form.
const formType = "application/x-www-form-urlencoded"

// call is one request of a test, for a.do; only method and path are needed.
type call struct {
	method, path string
	token        string         // sent as a bearer token when not empty
	body         any            // string or []byte as is, url.Values as a form, any other value as JSON
	contentType  string         // instead of the one body implies
	header       http.Header    // more headers (If-Match, Accept, Origin…), set last
	cookies      []*http.Cookie // sent as a browser sends them
	from         string         // the client's IP address, when it matters
	want         int            // the status without which the test fails; 0 for any
	// bodyErr, if not nil, is what reading the body fails with after its
	// bytes: io.ErrUnexpectedEOF as from a client that hung up mid-body,
	// os.ErrDeadlineExceeded as from one slower than the read timeout.
	bodyErr error
}

// do sends c to the server's handler and holds the exchange against the
// OpenAPI document (conform, in openapi_conform_test.go). Every request of
// the package's tests goes through here, pages included.
func (a *app) do(c call) *httptest.ResponseRecorder {
	a.t.Helper()
	body, contentType := c.encode(a.t)
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	if c.bodyErr != nil {
		r = io.MultiReader(bytes.NewReader(body), iotest.ErrReader(c.bodyErr))
	}
	req := httptest.NewRequest(c.method, c.path, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for _, cookie := range c.cookies {
		req.AddCookie(cookie)
	}
	if c.from != "" {
		req.RemoteAddr = c.from + ":40000"
	}
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	conform(a.t, c.method, c.path, req.Header, body, rec)
	if c.want != 0 {
		wantStatus(a.t, rec, c.want)
	}
	return rec
}

// encode gives the bytes of the call's body and their content type.
func (c call) encode(t testing.TB) (body []byte, contentType string) {
	t.Helper()
	switch b := c.body.(type) {
	case nil:
	case string:
		if b != "" {
			body, contentType = []byte(b), "application/json"
		}
	case []byte:
		body, contentType = b, "application/json"
	case url.Values:
		body, contentType = []byte(b.Encode()), formType
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			t.Fatalf("encode %T: %v", b, err)
		}
		contentType = "application/json"
	}
	return body, cmp.Or(c.contentType, contentType)
}

// json sends a JSON request; body may be a string of raw JSON or a value to encode.
func (a *app) json(method, path, token string, body any) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do(call{method: method, path: path, token: token, body: body})
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

// freePort is a local TCP port where nothing listens: one just released.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
