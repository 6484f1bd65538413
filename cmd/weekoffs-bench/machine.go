package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// printMachine heads the report with what the figures depend on.
func printMachine(w io.Writer, o options) {
	fmt.Fprintf(w, "weekoffs-bench %s UTC\n", time.Now().UTC().Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "machine: %d cores (%s), %s memory, %s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.Version())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, o.serverURL); err == nil {
		var v string
		_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&v)
		fmt.Fprintf(w, "PostgreSQL %s on the same machine\n", v)
		if trip, count, err := referenceSpeed(ctx, conn); err == nil {
			fmt.Fprintf(w, "reference: a SELECT 1 round trip %s (median of %d), PostgreSQL counting generate_series(1, 1000000) %s (best of 3)\n",
				trip.Round(time.Microsecond), referenceTrips, count.Round(time.Millisecond))
		}
		conn.Close(ctx)
	}
	printLoad(w)
}

const referenceTrips = 1000

// referenceSpeed times two things that no commit changes: a round trip to
// PostgreSQL and some of its CPU. Figures from different machines (every
// session has its own) differ by these first: the same binary's import
// took 14 s on one and 29 s on another.
func referenceSpeed(ctx context.Context, conn *pgx.Conn) (trip, count time.Duration, err error) {
	trips := make([]time.Duration, referenceTrips)
	for i := range trips {
		start := time.Now()
		if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
			return 0, 0, err
		}
		trips[i] = time.Since(start)
	}
	slices.Sort(trips)
	for range 3 {
		start := time.Now()
		if _, err := conn.Exec(ctx, "SELECT count(*) FROM generate_series(1, 1000000)"); err != nil {
			return 0, 0, err
		}
		if d := time.Since(start); count == 0 || d < count {
			count = d
		}
	}
	return trips[len(trips)/2], count, nil
}

// printLoad shows the load average: other work on the machine skews the figures.
func printLoad(w io.Writer) {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) >= 3 {
		fmt.Fprintf(w, "load average: %s %s %s\n", f[0], f[1], f[2])
	}
}

func cpuModel() string {
	return procField("/proc/cpuinfo", "model name")
}

func memTotal() string {
	return procField("/proc/meminfo", "MemTotal")
}

func procField(path, key string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
