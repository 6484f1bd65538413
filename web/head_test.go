package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// TestHeadOnEveryGetRoute asks every GET route the router registers with
// HEAD, as a JSON client and as a browser, over a real connection: the
// answer has GET's status and headers and no body.
func TestHeadOnEveryGetRoute(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.Metrics = true })
	admin, token := a.userWithToken("admin@example.com", models.RoleAdmin)
	cookie, err := a.server.SessionCookieFor(t.Context(), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	srv := serveHTTP(t, a)
	fill := strings.NewReplacer(":id", itoa(admin.ID), "*name", "css/site.css")

	var gets int
	for _, r := range a.server.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		gets++
		path := fill.Replace(r.Path)
		for _, as := range []struct {
			name   string
			header string
		}{
			{"JSON", "Accept: application/json\r\nAuthorization: Bearer " + token + "\r\n"},
			{"Browser", "Accept: " + browserAccept + "\r\nCookie: " + cookie.Name + "=" + cookie.Value + "\r\n"},
		} {
			t.Run(as.name+strings.ReplaceAll(path, "/", "_"), func(t *testing.T) {
				get := rawExchange(t, srv, "GET", path, as.header)
				head := rawExchange(t, srv, "HEAD", path, as.header)
				if head.status != get.status {
					t.Fatalf("HEAD %s: got %d, GET answers %d", path, head.status, get.status)
				}
				for _, h := range []string{"Content-Type", "Content-Length", "Cache-Control", "Vary", "Etag", "Location"} {
					// HEAD may leave out Content-Length (RFC 9110, 9.3.2), as
					// http.Redirect does, since it writes no body for HEAD;
					// the live figures of /health and /metrics change its length.
					lengthMayDiffer := head.header.Get(h) == "" || path == "/health" || path == "/metrics"
					if head.header.Get(h) != get.header.Get(h) && (h != "Content-Length" || !lengthMayDiffer) {
						t.Errorf("HEAD %s: %s %q, GET's is %q", path, h, head.header.Get(h), get.header.Get(h))
					}
				}
				if head.body != "" {
					t.Errorf("HEAD %s sent a body of %d bytes", path, len(head.body))
				}
				if get.body == "" && get.status != http.StatusSeeOther {
					t.Errorf("GET %s sent no body: the comparison proves nothing", path)
				}
			})
		}
	}
	if gets < 8 {
		t.Fatalf("only %d GET routes registered", gets)
	}
}

// rawAnswer is a response as it came over the wire.
type rawAnswer struct {
	status int
	header http.Header
	body   string // every byte after the header, until the server closed
}

// rawExchange sends one request on a connection of its own and reads every
// byte the server sends until it closes: an HTTP client would not read a
// HEAD response's body even if the server sent one.
func rawExchange(t *testing.T, srv *remote, method, path, header string) rawAnswer {
	t.Helper()
	return rawRequest(t, srv, method+" "+path+" HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n"+header+"\r\n", nil)
}

// rawRequest sends raw, the request as bytes, on a connection of its own,
// then runs then (if not nil) on the connection, and reads every byte the
// server sends until it closes.
func rawRequest(t *testing.T, srv *remote, raw string, then func(*net.TCPConn)) rawAnswer {
	t.Helper()
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn := c.(*net.TCPConn)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	if then != nil {
		then(conn)
	}
	first, _, _ := strings.Cut(raw, "\r\n")
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("%s: %v", first, err)
	}
	head, body, ok := strings.Cut(string(got), "\r\n\r\n")
	if !ok {
		t.Fatalf("%s: no end of header in %q", first, got)
	}
	res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(head+"\r\n\r\n")), &http.Request{Method: http.MethodHead})
	if err != nil {
		t.Fatalf("%s: %v", first, err)
	}
	if res.TransferEncoding != nil && !strings.HasPrefix(first, "HEAD ") {
		body = dechunk(t, body)
	}
	return rawAnswer{status: res.StatusCode, header: res.Header, body: body}
}

// dechunk reads a chunked body.
func dechunk(t *testing.T, body string) string {
	t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+body)), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
