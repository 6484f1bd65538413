package modelstest

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// requireServer skips the test when no PostgreSQL server listens where
// ServerURL points, so that `go test ./...` on a machine without one runs
// what it can; under CI (CI set) a missing server fails the test instead.
// A server that listens but refuses the connection is not skipped: that is
// a broken setup, for pgtestdb to report.
func requireServer(t testing.TB) {
	t.Helper()
	err := serverListens()
	if err == nil {
		return
	}
	var dial *net.OpError
	if !errors.As(err, &dial) {
		t.Fatal(err) // a URL that does not parse is no absent server
	}
	msg := fmt.Sprintf("no PostgreSQL server at %s (%v): start one, or point TEST_DATABASE_URL at one", redacted(ServerURL()), err)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// serverListens dials the server once per test binary: every test of a
// package would otherwise wait on the same refused connection. It is the
// package's only state, and cannot change once computed, as ServerURL
// comes from the environment the binary started with.
var serverListens = sync.OnceValue(func() error {
	cfg, err := pgx.ParseConfig(ServerURL())
	if err != nil {
		return fmt.Errorf("TEST_DATABASE_URL: %w", err)
	}
	network, addr := "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	if filepath.IsAbs(cfg.Host) {
		network, addr = "unix", filepath.Join(cfg.Host, ".s.PGSQL."+strconv.Itoa(int(cfg.Port)))
	}
	conn, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return err
	}
	return conn.Close()
})

func redacted(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "TEST_DATABASE_URL"
}
