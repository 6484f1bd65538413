package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestExportCommandMatchesHTTP: `weekoffs export` with the list's filters
// writes, byte for byte, the file GET /admin/users/export.csv gives for the
// same filters, and refuses a bad filter with the list's words.
func TestExportCommandMatchesHTTP(t *testing.T) {
	t.Parallel()
	env, _ := testEnv(t)
	if _, logs, err := runCmd(t, env, "", "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, logs)
	}
	if out, logs, err := runCmd(t, env, "", "seed", "--users", "40", "--password", "demo-password"); err != nil {
		t.Fatalf("seed: %v\n%s%s", err, out, logs)
	}
	for _, u := range [][]string{
		{"--email", "renee@example.com", "--name", "Renée Ørsted", "--weekoffs", "sat,sun"},
		{"--email", "formula@example.com", "--name", `=HYPERLINK("http://evil.example","x")`, "--weekoffs", "sat"},
	} {
		if out, logs, err := runCmd(t, env, "", append(append([]string{"createuser"}, u...), "--password", "password1")...); err != nil {
			t.Fatalf("createuser: %v\n%s%s", err, out, logs)
		}
	}
	base, stop := serveHere(t, env)
	defer stop()
	token := signInAPI(t, http.DefaultClient, base, "admin@example.com", "demo-password")
	// The command needs DATABASE_URL alone.
	dbOnly := map[string]string{"DATABASE_URL": env["DATABASE_URL"]}

	for _, c := range []struct {
		query string
		flags []string
	}{
		{"", nil},
		{"?weekoff=sat&sort=-email", []string{"--weekoff", "sat", "--sort=-email"}},
		{"?q=ren%C3%A9e&role=employee&team=none", []string{"--q", "renée", "--role", "employee", "--team", "none"}},
	} {
		req, _ := http.NewRequest("GET", base+"/admin/users/export.csv"+c.query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", c.query, res.StatusCode, err)
		}
		out, logs, err := runCmd(t, dbOnly, "", append([]string{"export"}, c.flags...)...)
		if err != nil {
			t.Fatalf("export %v: %v\n%s", c.flags, err, logs)
		}
		if out != string(body) {
			t.Errorf("export %v differs from GET %s:\ncommand:\n%s\nHTTP:\n%s", c.flags, c.query, out, body)
		}
		if lines := strings.Count(out, "\n"); lines < 2 {
			t.Errorf("export %v: %d lines, want a header and users", c.flags, lines)
		}
	}

	_, _, err := runCmd(t, dbOnly, "", "export", "--weekoff", "funday", "--sort", "age")
	if err == nil || !strings.Contains(err.Error(), "Input should be a weekday") || !strings.Contains(err.Error(), "Input should be one of name, email, created") {
		t.Errorf("bad filters: got %v, want the list's messages", err)
	}
}
