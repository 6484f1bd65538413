package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestMain lets a test run the real program in a child process: the test
// binary runs itself again with WEEKOFFS_TEST_MAIN=1 and the command's
// arguments, and then is weekoffs, main with its signal handling and exit
// status included, without a separate go build.
func TestMain(m *testing.M) {
	if os.Getenv("WEEKOFFS_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testEnv is the environment of a command run against a fresh database,
// which it names in the Python service's URL form that weekoffs converts,
// and the database's URL as the test itself connects to it.
func testEnv(t *testing.T) (env map[string]string, dbURL string) {
	t.Helper()
	dbURL = modelstest.Config(t).DatabaseURL
	return envFor(strings.Replace(dbURL, "postgres://", "postgresql+asyncpg://", 1)), dbURL
}

// envFor is the environment of a command run against the database at dbURL.
func envFor(dbURL string) map[string]string {
	return map[string]string{
		"APP_ENV":      "production",
		"DATABASE_URL": dbURL,
		"SECRET_KEY":   "cmd-test-secret-0123456789abcdef0123456789",
		"BCRYPT_COST":  "4",
		"LISTEN_ADDR":  "127.0.0.1:0",
		"DB_POOL_MAX":  "4",
	}
}

// runCmd runs the program with args and returns what it printed.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// servingURL finds the address serve prints once it listens.
var servingURL = regexp.MustCompile(`http://\S+`)

// serveHere runs `weekoffs serve` with args in this process and returns
// its address once it serves, and stop, which cancels it and returns what
// run returned.
func serveHere(t *testing.T, env map[string]string, args ...string) (base string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	var out modelstest.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	}()
	modelstest.Eventually(t, 30*time.Second, func() bool {
		base = servingURL.FindString(out.String())
		return base != ""
	})
	if base == "" {
		t.Fatal("serve did not report its address")
	}
	return base, func() error {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
}

// child is weekoffs running in a process of its own.
type child struct {
	cmd     *exec.Cmd
	base    string        // http://host:port, once serving is closed
	serving chan struct{} // closed once it says where it serves
	exited  chan error    // receives Wait's result
	done    chan struct{} // closed after Wait
	logs    *modelstest.SyncBuffer
}

// startChild runs weekoffs with args in a child process and returns once it
// says where it serves; the test's end kills it if it is still running.
func startChild(t *testing.T, env map[string]string, args ...string) *child {
	t.Helper()
	return startChildren(t, 1, env, args...)[0]
}

// startChildren runs n copies of weekoffs with args, started as close to
// the same moment as processes start, and returns once each says where it
// serves.
func startChildren(t *testing.T, n int, env map[string]string, args ...string) []*child {
	t.Helper()
	children := make([]*child, n)
	for i := range children {
		c := &child{cmd: exec.Command(os.Args[0], args...), logs: &modelstest.SyncBuffer{},
			serving: make(chan struct{}), exited: make(chan error, 1), done: make(chan struct{})}
		c.cmd.Env = append(os.Environ(), "WEEKOFFS_TEST_MAIN=1")
		for k, v := range env {
			c.cmd.Env = append(c.cmd.Env, k+"="+v)
		}
		c.cmd.Stderr = c.logs
		children[i] = c
	}
	for _, c := range children {
		stdout, err := c.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.kill)
		go c.watch(stdout)
	}
	deadline := time.After(60 * time.Second)
	for i, c := range children {
		select {
		case <-c.serving:
		case err := <-c.exited:
			t.Fatalf("weekoffs %d exited before serving: %v\n%s", i, err, c.logs)
		case <-deadline:
			t.Fatalf("weekoffs %d did not say where it serves\n%s", i, c.logs)
		}
	}
	return children
}

// watch reads the child's stdout for its address until it ends, then reaps it.
func (c *child) watch(stdout io.Reader) {
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if u := servingURL.FindString(lines.Text()); u != "" && c.base == "" {
			c.base = u
			close(c.serving)
		}
	}
	// Wait closes the pipe, so it comes after reading all of it.
	c.exited <- c.cmd.Wait()
	close(c.done)
}

// kill ends the child unless it has exited, and waits for it.
func (c *child) kill() {
	select {
	case <-c.done:
	default:
		c.cmd.Process.Kill()
		<-c.done
	}
}

// signInAPI signs in through POST /auth/token and returns the access token.
func signInAPI(t *testing.T, client *http.Client, base, email, password string) string {
	t.Helper()
	res, err := client.PostForm(base+"/auth/token", url.Values{"username": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	if res.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("sign in as %s: status %d", email, res.StatusCode)
	}
	return tok.AccessToken
}
