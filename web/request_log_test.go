package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
)

// TestRequestLog wants one line per request with every field an operator
// reads: method, path (without the query), status, duration, bytes and who
// asked, at info for an answer that is not a server error.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	u, token := a.userWithToken("asha@example.com", models.RoleEmployee)
	res := a.do(call{method: http.MethodGet, path: "/me?secret=query", token: token, want: http.StatusOK})
	a.do(call{method: http.MethodGet, path: "/health", want: http.StatusOK})

	lines := requestLines(t, a.logs.String())
	if len(lines) < 2 {
		t.Fatalf("got %d request lines, want GET /me's and GET /health's:\n%s", len(lines), a.logs)
	}
	me, health := lines[len(lines)-2], lines[len(lines)-1]
	want := map[string]any{"level": "INFO", "msg": "request", "method": "GET", "path": "/me",
		"status": float64(200), "bytes": float64(res.Body.Len()), "user_id": float64(u.ID)}
	for k, v := range want {
		if me[k] != v {
			t.Errorf("GET /me line: %s = %v, want %v (%v)", k, me[k], v, me)
		}
	}
	if d, ok := me["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("GET /me line: duration_ms = %v, want milliseconds", me["duration_ms"])
	}
	if _, ok := me["time"]; !ok {
		t.Errorf("GET /me line has no time: %v", me)
	}
	if strings.Contains(a.logs.String(), "secret=query") {
		t.Errorf("the query string reached the log:\n%s", a.logs)
	}
	if _, ok := health["user_id"]; ok || health["path"] != "/health" {
		t.Errorf("an anonymous request's line: %v, want /health without user_id", health)
	}
}

// requestLines are the request lines among the JSON lines of logs, decoded.
func requestLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("a log line that is not JSON: %q", l)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	return lines
}
