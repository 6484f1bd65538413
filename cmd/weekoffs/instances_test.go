package main

import (
	"bufio"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

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
	env := map[string]string{
		"APP_ENV": "production", "DATABASE_URL": dbURL, "SECRET_KEY": "instances-test-secret-0123456789abcdef",
		"LISTEN_ADDR": "127.0.0.1:0", "DB_POOL_MAX": "3", "BCRYPT_COST": "4", "COOKIE_SECURE": "false",
	}

	const n = 3
	cmds := make([]*exec.Cmd, n)
	logs := make([]*syncWriter, n)
	addrs := make(chan [2]string, n) // index, base URL
	for i := range n {
		cmd := exec.Command(os.Args[0], "serve")
		cmd.Env = append(os.Environ(), "WEEKOFFS_TEST_MAIN=1")
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		logs[i] = &syncWriter{}
		cmd.Stderr = logs[i]
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
		go func() {
			lines := bufio.NewScanner(out)
			for lines.Scan() {
				if u := regexp.MustCompile(`http://\S+`).FindString(lines.Text()); u != "" {
					addrs <- [2]string{string(rune('0' + i)), u}
				}
			}
		}()
	}
	for _, cmd := range cmds { // as close to the same moment as processes start
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, cmd := range cmds {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	bases := make([]string, n)
	for range n {
		select {
		case a := <-addrs:
			bases[a[0][0]-'0'] = a[1]
		case <-time.After(60 * time.Second):
			t.Fatalf("not every instance serves; logs:\n%s\n%s\n%s", logs[0], logs[1], logs[2])
		}
	}

	// Migrated exactly once: one instance applied every file, the others none.
	files, _ := fs.Glob(models.Migrations(), "*.sql")
	appliers := 0
	for i, l := range logs {
		switch applied := strings.Count(l.String(), `"msg":"migration applied"`); applied {
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
	res, err := client.PostForm(bases[0]+"/login", url.Values{"email": {"asha@example.com"}, "password": {"password1"}})
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
	for i, base := range bases {
		if got := page(base); got != http.StatusOK {
			t.Errorf("instance %d answered the session from instance 0 with %d, want 200", i, got)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, bases[1]+"/logout", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on instance 1: %v %v", err, res)
	}
	for i, base := range bases {
		if got := page(base); got != http.StatusSeeOther {
			t.Errorf("instance %d still accepts a session signed out on instance 1: %d", i, got)
		}
	}
}
