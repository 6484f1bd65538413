package main

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestSeveralInstances starts three weekoffs processes at the same moment on
// an empty database. Exactly one applies the migrations (the others wait on
// its advisory lock and find nothing to do), all three serve, and a browser
// session made on one is accepted by the others, and ended on all of them by
// signing out on one.
func TestSeveralInstances(t *testing.T) {
	t.Parallel()
	dbURL := modelstest.EmptyDatabaseURL(t)
	env := envFor(dbURL)
	env["DB_POOL_MAX"], env["COOKIE_SECURE"] = "3", "false"
	children := startChildren(t, 3, env, "serve")

	// Migrated exactly once: one instance applied every file, the others none.
	files, _ := fs.Glob(models.Migrations(), "*.sql")
	appliers := 0
	for i, c := range children {
		switch applied := strings.Count(c.logs.String(), `"msg":"migration applied"`); applied {
		case len(files):
			appliers++
		case 0:
		default:
			t.Errorf("instance %d applied %d of %d migrations", i, applied, len(files))
		}
	}
	if appliers != 1 {
		t.Errorf("%d instances applied the migrations, want exactly 1", appliers)
	}
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var rows, versions int
	if err := conn.QueryRow(t.Context(), "SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows != len(files) || versions != len(files) {
		t.Errorf("goose recorded %d rows for %d versions, want %d of each", rows, versions, len(files))
	}

	if _, logs, err := runCmd(t, env, "password1\n", "createuser", "--email", "asha@example.com", "--name", "Asha Rao"); err != nil {
		t.Fatalf("createuser: %v\n%s", err, logs)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(children[0].base+"/login", url.Values{"email": {"asha@example.com"}, "password": {"password1"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if res.StatusCode != http.StatusSeeOther || len(cookies) == 0 {
		t.Fatalf("sign in on instance 0: status %d, %d cookies", res.StatusCode, len(cookies))
	}
	page := func(base string) int {
		req, _ := http.NewRequest(http.MethodGet, base+"/me", nil)
		req.Header.Set("Accept", "text/html")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		return res.StatusCode
	}
	for i, c := range children {
		if got := page(c.base); got != http.StatusOK {
			t.Errorf("instance %d answered the session from instance 0 with %d, want 200", i, got)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, children[1].base+"/logout", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on instance 1: %v %v", err, res)
	}
	for i, c := range children {
		if got := page(c.base); got != http.StatusSeeOther {
			t.Errorf("instance %d still accepts a session signed out on instance 1: %d", i, got)
		}
	}
}

// TestInstancesShareTheSignInThrottle: wrong passwords spread round-robin
// over three instances lock an account after as many failures as on one
// instance, and then on every instance.
func TestInstancesShareTheSignInThrottle(t *testing.T) {
	t.Parallel()
	env, _ := testEnv(t)
	children := startChildren(t, 3, env, "serve")
	for _, email := range []string{"one@example.com", "three@example.com"} {
		if _, logs, err := runCmd(t, env, "password1\n", "createuser", "--email", email, "--name", "Asha Rao"); err != nil {
			t.Fatalf("createuser: %v\n%s", err, logs)
		}
	}
	attempt := func(base, email, password string) int {
		t.Helper()
		res, err := http.PostForm(base+"/auth/token", url.Values{"username": {email}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	failuresUntilLocked := func(email string, instances ...*child) int {
		t.Helper()
		for n := range 100 {
			switch status := attempt(instances[n%len(instances)].base, email, "wrong-password"); status {
			case http.StatusUnauthorized:
			case http.StatusTooManyRequests:
				return n
			default:
				t.Fatalf("attempt %d for %s: status %d", n+1, email, status)
			}
		}
		t.Fatalf("%s was never locked", email)
		return 0
	}
	onOne := failuresUntilLocked("one@example.com", children[0])
	onThree := failuresUntilLocked("three@example.com", children...)
	if onOne == 0 || onThree != onOne {
		t.Errorf("locked after %d failures spread over three instances, %d on one: want the same", onThree, onOne)
	}
	for i, c := range children {
		if got := attempt(c.base, "three@example.com", "password1"); got != http.StatusTooManyRequests {
			t.Errorf("instance %d let the locked account sign in: status %d", i, got)
		}
	}
}
