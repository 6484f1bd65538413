package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/config"
)

// benchSecret signs the benchmark's tokens; the server gets it as SECRET_KEY.
const benchSecret = "weekoffs-bench-secret-0123456789abcdef0123456789"

// benchPassword is every seeded user's password.
const benchPassword = "bench-password"

// prepareDatabase (re)creates the benchmark database, then migrates and seeds
// it with the weekoffs binary itself, so the seed time is the CLI's.
func prepareDatabase(ctx context.Context, o options, logf func(string, ...any)) (string, error) {
	u, err := url.Parse(o.serverURL)
	if err != nil {
		return "", fmt.Errorf("-server: %w", err)
	}
	conn, err := pgx.Connect(ctx, o.serverURL)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	name := pgx.Identifier{o.database}.Sanitize()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", o.database).Scan(&exists); err != nil {
		return "", err
	}
	// -fresh=false reuses a seeded database, and creates it the first time.
	if o.fresh || !exists {
		logf("creating database %s", o.database)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return "", err
		}
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return "", err
		}
	}
	u.Path = "/" + o.database
	dbURL := u.String()

	env := serverEnv(dbURL, "", o.logLevel)
	if out, err := runBinary(ctx, o.bin, env, "migrate"); err != nil {
		return "", fmt.Errorf("weekoffs migrate: %w\n%s", err, out)
	}
	logf("seeding %d users", o.users)
	start := time.Now()
	out, err := runBinary(ctx, o.bin, env, "seed", "--users", strconv.Itoa(o.users), "--password", benchPassword)
	if err != nil {
		return "", fmt.Errorf("weekoffs seed: %w\n%s", err, out)
	}
	logf("weekoffs seed: %s (%s wall)", strings.TrimSpace(lastLine(out)), time.Since(start).Round(time.Millisecond))
	return dbURL, nil
}

func runBinary(ctx context.Context, bin string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// serverEnv is the caller's environment (so METRICS, DB_POOL_MAX and the like
// pass through) with the benchmark's database, secret and address on top.
func serverEnv(dbURL, addr, logLevel string) []string {
	set := map[string]string{
		"APP_ENV":       "production",
		"DATABASE_URL":  dbURL,
		"SECRET_KEY":    benchSecret,
		"LOG_LEVEL":     logLevel,
		"COOKIE_SECURE": "false", // the benchmark speaks plain HTTP on loopback
	}
	if addr != "" {
		set["LISTEN_ADDR"] = addr
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); set[k] == "" {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// server is the weekoffs process under test.
type server struct {
	cmd   *exec.Cmd
	base  string        // http://127.0.0.1:port
	ready time.Duration // from start to the first GET /health 200
	cfg   config.Config // the settings it runs with, as it reads them
	log   string        // the file that holds its stdout and stderr
}

// startServer starts `weekoffs serve` on a free port and waits for /health.
func startServer(ctx context.Context, o options, dbURL string, logf func(string, ...any)) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := serverEnv(dbURL, addr, o.logLevel)
	cfg, err := config.Load(envLookup(env))
	if err != nil {
		return nil, fmt.Errorf("server settings: %w", err)
	}
	// The server logs to a file, as a deployed one writes to a journal: a
	// pipe into this process would spend the load generator's CPU on every
	// request line.
	out, err := os.CreateTemp("", "weekoffs-bench-server-*.log")
	if err != nil {
		return nil, err
	}
	defer out.Close() // the child holds its own descriptor
	s := &server{base: "http://" + addr, cfg: cfg, log: out.Name()}
	s.cmd = exec.Command(o.bin, "serve")
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = out, out
	logf("starting %s serve on %s (pool %d, %s, LOG_LEVEL=%s, log in %s)", o.bin, addr, cfg.PoolMax, cfg.QueryExecMode, o.logLevel, s.log)
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	if err := waitHealthy(ctx, s.base, 30*time.Second); err != nil {
		s.stop()
		logged, _ := os.ReadFile(s.log)
		return nil, fmt.Errorf("server did not become ready: %w\n%s", err, logged)
	}
	s.ready = time.Since(start)
	return s, nil
}

// stop ends the server with SIGTERM, as an orchestrator would.
func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(25 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the process's peak resident memory (VmHWM) in MiB.
func peakRSS(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on Linux.
const clockTicks = 100

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(ctx context.Context, base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: time.Second}
	for {
		res, err := client.Get(base + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(res.Status)
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func envLookup(env []string) func(string) string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}
