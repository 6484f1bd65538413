package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// gzipped is the header of a client that takes gzip, as browsers and most
// HTTP clients send it.
var gzipped = http.Header{"Accept-Encoding": {"gzip, deflate, br"}}

// TestCompression asks for the JSON list, the admin page, a stylesheet and
// small answers with and without Accept-Encoding: gzip. Large bodies come
// compressed to clients that take gzip, and are the same once unpacked;
// small ones and clients that do not ask come plain.
func TestCompression(t *testing.T) {
	t.Parallel()
	a, admin, adminTok := newAdminApp(t)
	for _, e := range []string{"asha", "bo", "chen", "dara", "eli", "femi", "gita", "hana", "ivo", "jun"} {
		a.user(e+"@example.com", models.RoleEmployee, "sat")
	}
	browser := a.signedIn(admin)

	large := []struct {
		name string
		send func(http.Header) *httptest.ResponseRecorder
	}{
		{"JSONList", func(h http.Header) *httptest.ResponseRecorder {
			return a.do(call{method: http.MethodGet, path: "/admin/users", token: adminTok, header: h})
		}},
		{"AdminPage", func(h http.Header) *httptest.ResponseRecorder {
			b := browser.clone()
			maps.Copy(b.header, h)
			return b.get("/admin/users")
		}},
		{"Stylesheet", func(h http.Header) *httptest.ResponseRecorder {
			return a.do(call{method: http.MethodGet, path: "/static/css/site.css", header: h})
		}},
	}
	for _, tc := range large {
		t.Run(tc.name, func(t *testing.T) {
			plain := tc.send(nil)
			wantStatus(t, plain, http.StatusOK)
			if plain.Header().Get("Content-Encoding") != "" {
				t.Fatalf("compressed for a client that did not ask: %q", plain.Header().Get("Content-Encoding"))
			}
			packed := tc.send(gzipped)
			wantStatus(t, packed, http.StatusOK)
			if got := packed.Header().Get("Content-Encoding"); got != "gzip" {
				t.Fatalf("Content-Encoding: got %q, want gzip for a %d-byte body", got, plain.Body.Len())
			}
			if !strings.Contains(strings.Join(packed.Header().Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("Vary: got %q, want Accept-Encoding listed", packed.Header().Values("Vary"))
			}
			if !bytes.Equal(gunzip(t, packed.Body.Bytes()), plain.Body.Bytes()) {
				t.Errorf("the unpacked body differs from the plain one")
			}
			if packed.Body.Len() >= plain.Body.Len() {
				t.Errorf("compressed to %d bytes from %d", packed.Body.Len(), plain.Body.Len())
			}
		})
	}

	t.Run("SmallStaysPlain", func(t *testing.T) {
		res := a.do(call{method: http.MethodGet, path: "/me", token: adminTok, header: gzipped, want: http.StatusOK})
		if enc := res.Header().Get("Content-Encoding"); enc != "" || res.Body.Len() >= 1024 {
			t.Errorf("a %d-byte body came with Content-Encoding %q, want it plain", res.Body.Len(), enc)
		}
	})
}

// TestCompressedETagWorksInIfMatch reads users whose JSON is large enough
// to be compressed: their ETag then carries gzhttp's "-gzip" suffix, and a
// client that sends it back in If-Match writes as with the plain tag, while
// a tag of an older version is still refused.
func TestCompressedETagWorksInIfMatch(t *testing.T) {
	t.Parallel()
	a, _, adminTok := newAdminApp(t)
	// '<' is escaped as \u003c in JSON: 200 of them make the user's JSON over 1 KB.
	long := strings.Repeat("<", models.MaxNameLength)
	email, role, pw := "long@example.com", "employee", "password1"
	u, err := a.store.CreateUser(t.Context(), models.UserInput{Email: &email, FullName: &long, Role: &role, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	userTok := a.token(email, pw)
	path := "/admin/users/" + itoa(u.ID)

	read := func(path, token string) string {
		t.Helper()
		res := a.do(call{method: http.MethodGet, path: path, token: token, header: gzipped, want: http.StatusOK})
		if res.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s: a %d-byte user came uncompressed; the test proves nothing", path, res.Body.Len())
		}
		return res.Header().Get("ETag")
	}

	tag := read(path, adminTok)
	if want := `"` + itoa(int64(u.Version)) + `-gzip"`; tag != want {
		t.Fatalf("ETag: got %s, want %s", tag, want)
	}
	res := a.do(call{method: http.MethodPatch, path: path, token: adminTok, body: `{"role":"employee"}`,
		header: http.Header{"If-Match": {tag}, "Accept-Encoding": {"gzip"}}})
	wantStatus(t, res, http.StatusOK)
	// The tag read before that write is stale now, compressed or not.
	for _, old := range []string{tag, strings.Replace(tag, "-gzip", "", 1)} {
		res := a.do(call{method: http.MethodPatch, path: path, token: adminTok, body: `{"role":"employee"}`,
			header: http.Header{"If-Match": {old}}})
		wantStatus(t, res, http.StatusPreconditionFailed)
	}

	mine := read("/me", userTok)
	res = a.do(call{method: http.MethodPut, path: "/me/weekoffs", token: userTok, body: `{"weekoffs":["sun"]}`,
		header: http.Header{"If-Match": {mine}}})
	wantStatus(t, res, http.StatusOK)
}

// gunzip unpacks a gzip body.
func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// BenchmarkCompression serves GET /openapi.json, a body held in memory, plain
// and gzip-compressed: what compression costs a response, without the
// database's time around it.
func BenchmarkCompression(b *testing.B) {
	a := newApp(b, nil)
	for _, bc := range []struct {
		name   string
		header http.Header
	}{{"Plain", nil}, {"Gzip", gzipped}} {
		b.Run(bc.name, func(b *testing.B) {
			get := call{method: http.MethodGet, path: "/openapi.json", header: bc.header, want: http.StatusOK}
			b.ReportAllocs()
			for b.Loop() {
				res := a.do(get)
				b.ReportMetric(float64(res.Body.Len()), "body-B/op")
			}
		})
	}
}
