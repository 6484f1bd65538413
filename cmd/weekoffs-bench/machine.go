package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
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
		conn.Close(ctx)
	}
	printLoad(w)
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
