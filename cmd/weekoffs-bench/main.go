// Command weekoffs-bench is `make bench`: it creates a fresh database, seeds
// it, starts the built weekoffs binary against it, loads each endpoint at a
// fixed concurrency for a fixed time with vegeta, and prints a table of
// throughput, latency, errors and the server's peak memory. It also loads a
// control, a bare net/http + pgxpool server doing the same work as GET /me
// and PUT /me/weekoffs (a bare UPDATE … RETURNING), alternately with
// weekoffs, and prints weekoffs' throughput on each as a ratio of it; and the
// control's floor routes, which serve the contract's data the same bare way
// (control_floor.go).
//
// All traffic goes to 127.0.0.1; every load run is bounded in time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// defaultDatabase is -database's default; -only import then takes
// importDatabase.
const defaultDatabase = "weekoffs_bench"

// options are the benchmark's flags.
type options struct {
	bin          string
	serverURL    string
	database     string
	users        int
	fresh        bool
	teams        bool
	duration     time.Duration
	warmup       time.Duration
	connections  int
	stress       int
	latencyConns int
	rounds       int
	logLevel     string
	only         string
	// importGuarded gives the import's teams a minimum on duty of 1, so
	// that every changed row is in a team the coverage guard counts.
	importGuarded bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "control" {
		if err := controlMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "weekoffs-bench control:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "weekoffs-bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("weekoffs-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", filepath.Join("bin", "weekoffs"), "the weekoffs binary to benchmark")
	fs.StringVar(&o.serverURL, "server", envOr("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"a PostgreSQL URL whose user may create databases")
	fs.StringVar(&o.database, "database", defaultDatabase, "the database to (re)create and seed")
	fs.IntVar(&o.users, "users", 100000, "how many users to seed")
	fs.BoolVar(&o.fresh, "fresh", true, "drop and recreate the database first; false reuses a seeded one")
	fs.BoolVar(&o.teams, "teams", true, "put the seeded users into teams for the coverage runs (one UPDATE of every user: over 25 minutes at 10,000,000); false skips those runs")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each endpoint is loaded")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each measured run")
	fs.IntVar(&o.connections, "c", 64, "concurrent connections for each throughput run (0 skips the admin list's)")
	fs.IntVar(&o.stress, "stress", 256, "connections for the GET /me error run (0 skips it)")
	fs.IntVar(&o.latencyConns, "latency-c", 2, "connections for the admin list's latency runs (0 skips them)")
	fs.IntVar(&o.rounds, "rounds", 2, "how many weekoffs and control pairs to run for each ratio (GET /me, PUT /me/weekoffs spread and on one row)")
	fs.StringVar(&o.logLevel, "log-level", "info", "the server's LOG_LEVEL: info, the production default, logs a line per request")
	fs.StringVar(&o.only, "only", "", "run only the endpoints whose name contains this text; import runs the import on a database of its own")
	fs.BoolVar(&o.importGuarded, "import-guarded", false, "with -only import: give the teams min_on_duty 1, so that the coverage guard counts every changed row")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.users < 2 {
		return o, fmt.Errorf("-users must be at least 2")
	}
	return o, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// run is the whole benchmark: database, server, control, load, table.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
	}
	printMachine(stdout, o)
	if o.only == "import" {
		// The import rewrites users: it has a database of its own, and no server.
		if err := benchImport(ctx, o, stdout, logf); err != nil {
			return err
		}
		printLoad(stdout)
		return nil
	}

	dbURL, err := prepareDatabase(ctx, o, logf)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, o, dbURL, logf)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(stdout, "server ready (GET /health 200) %s after start, against a migrated database\n", srv.ready.Round(time.Millisecond))

	ctl, err := startControl(ctx, dbURL, srv.cfg.PoolMax, logf)
	if err != nil {
		return err
	}
	defer ctl.stop()

	fx, err := newFixtures(ctx, o, srv, dbURL, logf)
	if err != nil {
		return err
	}
	if err := benchExport(ctx, o, srv, fx, stdout, logf); err != nil {
		return err
	}
	if err := benchBulk(ctx, o, srv, fx, stdout, logf); err != nil {
		return err
	}
	rows, err := loadAll(ctx, o, srv, ctl, fx, logf)
	if err != nil {
		return err
	}
	printTable(stdout, o, rows)
	printRatio(stdout, o, rows)
	printLoad(stdout)
	for _, n := range fx.notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	return nil
}
