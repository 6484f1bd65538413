package web_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// pgCluster is a PostgreSQL server of the test's own, in a temporary folder,
// that the test can stop and start like an operator would.
type pgCluster struct {
	t    testing.TB
	bin  string // the folder of initdb and pg_ctl
	dir  string
	port int
	as   []string // runuser -u postgres --, when the test runs as root
}

// newPGCluster creates and starts a cluster on a free port, removed when
// the test ends. Without PostgreSQL's server binaries it skips, except in CI.
func newPGCluster(t testing.TB) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if dir := os.Getenv("PG_BIN"); dir != "" {
		bins = []string{filepath.Join(dir, "initdb")}
	}
	if len(bins) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("initdb not found under /usr/lib/postgresql/*/bin (set PG_BIN); CI must run this test")
		}
		t.Skip("initdb not found under /usr/lib/postgresql/*/bin (set PG_BIN): skipping the private-cluster test")
	}
	c := &pgCluster{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "weekoffs-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		// initdb and pg_ctl refuse to run as root.
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.as = []string{"runuser", "-u", "postgres", "--"}
	}
	c.port = freePort(t)

	c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	c.start()
	t.Cleanup(func() {
		// Already stopped if the test failed while the server was down.
		argv := append(append([]string{}, c.as...), filepath.Join(c.bin, "pg_ctl"), "-D", c.data(), "stop", "-m", "immediate")
		exec.Command(argv[0], argv[1:]...).Run()
	})
	return c
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// URL is the cluster's postgres database.
func (c *pgCluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start() {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20", c.port, c.dir)
	c.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "log"), "-o", opts)
}

// stop shuts the server down as an operator does: fast mode ends every
// session with 57P01 and closes its connection.
func (c *pgCluster) stop() { c.pgctl("stop", "-w", "-t", "60", "-m", "fast") }

func (c *pgCluster) pgctl(args ...string) {
	c.run("pg_ctl", append([]string{"-D", c.data()}, args...)...)
}

func (c *pgCluster) run(tool string, args ...string) {
	c.t.Helper()
	argv := append(append(append([]string{}, c.as...), filepath.Join(c.bin, tool)), args...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.t.Fatalf("%s %v: %v\n%s\nserver log:\n%s", tool, args, err, out, log)
	}
}

// TestFaultDatabaseRestart stops a real PostgreSQL server under the service
// (pg_ctl stop -m fast: sessions end with 57P01, then connections are
// refused), and starts it again: 503s within the acquire timeout while it is
// down, then the service carries on without a restart.
func TestFaultDatabaseRestart(t *testing.T) {
	t.Parallel()
	const acquireTimeout = time.Second
	cluster := newPGCluster(t)
	a := newApp(t, func(c *config.Config) {
		c.DatabaseURL = cluster.URL()
		c.AcquireTimeout = acquireTimeout
		c.RequestTimeout = 30 * time.Second
	})
	if err := a.store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, tok := a.userWithToken("admin@example.com", models.RoleAdmin)
	srv := serveHTTP(t, a)
	paths := []string{"/me", "/admin/users?limit=5", "/health"}
	for _, path := range paths {
		if r := srv.get(path, tok); r.status != http.StatusOK {
			t.Fatalf("before the stop: got %s, want 200", r)
		}
	}

	cluster.stop()
	for range 2 {
		for _, path := range paths {
			if r := srv.get(path, tok); !r.unavailable() || r.elapsed > acquireTimeout+slack {
				t.Errorf("while stopped: got %s, want 503 within the acquire timeout (%s)", r, acquireTimeout)
			}
		}
	}

	cluster.start()
	for _, path := range paths {
		var r reply
		if !modelstest.Eventually(t, 10*time.Second, func() bool {
			r = srv.get(path, tok)
			return r.status == http.StatusOK
		}) {
			t.Errorf("after the start: got %s, want 200", r)
		}
	}
	waitPoolIdle(t, a)
	noServerErrors(t, a)
}
