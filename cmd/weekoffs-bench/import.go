package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Issue 13's targets for importing 100,000 rows.
const (
	importTargetDryRun = 10 * time.Second
	importTargetApply  = 20 * time.Second
	importDatabase     = "weekoffs_bench_import"
	importTeams        = 5
)

// importRun is one `weekoffs import` of a file.
type importRun struct {
	what, flags         string
	mode                string // "" says it from flags
	took                time.Duration
	report              string // the command's summary line
	loadBefore, loadEnd string
}

// benchImport runs `weekoffs import` on a database of its own (seeded with
// -users users and a few teams), as an admin would at the command line,
// which calls the same Store.ImportUsers as POST /admin/users/import: the
// export imported back unchanged (dry run and apply), then a file of
// 100,000 rows, half new users and half changed ones (new days, a team),
// checked and applied. It runs only with -only import: it rewrites a
// database and takes minutes.
func benchImport(ctx context.Context, o options, w io.Writer, logf func(string, ...any)) error {
	if o.database == defaultDatabase {
		o.database = importDatabase
	}
	o.fresh = true
	dbURL, err := prepareDatabase(ctx, o, logf)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	minimum := 0
	if o.importGuarded {
		minimum = 1
	}
	for i := 1; i <= importTeams; i++ {
		if _, err := conn.Exec(ctx, "INSERT INTO teams (name, min_on_duty) VALUES ($1, $2)", fmt.Sprintf("Team %d", i), minimum); err != nil {
			conn.Close(ctx)
			return err
		}
	}
	conn.Close(ctx)
	env := serverEnv(dbURL, "", o.logLevel)
	dir, err := os.MkdirTemp("", "weekoffs-bench-import")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	exportFile := filepath.Join(dir, "export.csv")
	if err := exportTo(ctx, o.bin, env, exportFile); err != nil {
		return err
	}
	changedFile := filepath.Join(dir, "changes.csv")
	if err := os.WriteFile(changedFile, []byte(importChanges(100_000, o.users, 0, "new")), 0o600); err != nil {
		return err
	}
	var runs []importRun
	for _, r := range []importRun{
		{what: fmt.Sprintf("the export of %d users, unchanged", o.users), flags: "--dry-run"},
		{what: fmt.Sprintf("the export of %d users, unchanged", o.users)},
		{what: "100,000 rows: 50,000 new users, 50,000 changed", flags: "--dry-run"},
		{what: "100,000 rows: 50,000 new users, 50,000 changed"},
	} {
		file := exportFile
		if strings.HasPrefix(r.what, "100,000") {
			file = changedFile
		}
		args := []string{"import", file}
		if r.flags != "" {
			args = append(args, r.flags)
		}
		logf("weekoffs %s", strings.Join(args, " "))
		r.loadBefore = loadAverage()
		start := time.Now()
		out, err := runBinary(ctx, o.bin, env, args...)
		r.took = time.Since(start)
		r.loadEnd = loadAverage()
		if err != nil {
			return fmt.Errorf("weekoffs %s: %w\n%s", strings.Join(args, " "), err, truncateOut(out))
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, " rows ") && strings.Contains(line, " unchanged") {
				r.report = strings.TrimSpace(line[strings.Index(line, ":")+1:])
			}
		}
		logf("  %s (%s wall)", r.report, r.took.Round(time.Millisecond))
		runs = append(runs, r)
	}
	apiRun, err := benchImportAPI(ctx, o, dbURL, logf)
	if err != nil {
		return err
	}
	runs = append(runs, apiRun)
	guarded := "no minimum on duty"
	if o.importGuarded {
		guarded = "each with min_on_duty 1 (-import-guarded: the coverage guard counts every changed row)"
	}
	fmt.Fprintf(w, "\nweekoffs import (Store.ImportUsers, as POST /admin/users/import), database %s of %d users and %d teams, %s (targets for 100,000 rows: dry run under %s, apply under %s).\n",
		o.database, o.users, importTeams, guarded, importTargetDryRun, importTargetApply)
	fmt.Fprintln(w, "| file | mode | wall (process start to exit) | report | load average before → after |")
	fmt.Fprintln(w, "|---|---|---:|---|---|")
	for _, r := range runs {
		mode := "apply"
		switch {
		case r.mode != "":
			mode = r.mode
		case r.flags != "":
			mode = "dry run"
		}
		fmt.Fprintf(w, "| %s | %s | %.2f s | %s | %s → %s |\n", r.what, mode, r.took.Seconds(), r.report, r.loadBefore, r.loadEnd)
	}
	fmt.Fprintln(w)
	return nil
}

// importChanges is a file of n rows: half new users (emails prefix0@ and
// on), half seeded ones (user<skip+1> and on) with other days off and a team.
func importChanges(n, seeded, skip int, prefix string) string {
	var b strings.Builder
	b.WriteString("email,full_name,role,team,weekoffs\r\n")
	days := []string{"mon tue", "wed", "thu fri", "sat", "sun mon"}
	for i := range n {
		if k := skip + i/2 + 1; i%2 == 0 && k < seeded {
			fmt.Fprintf(&b, "user%d@example.com,,,Team %d,%s\r\n", k, i%importTeams+1, days[i%len(days)])
		} else {
			fmt.Fprintf(&b, "%s%d@example.com,New Person %d,employee,Team %d,%s\r\n", prefix, i, i, i%importTeams+1, days[(i+1)%len(days)])
		}
	}
	return b.String()
}

func truncateOut(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// exportTo writes `weekoffs export` to the file at path.
func exportTo(ctx context.Context, bin string, env []string, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, bin, "export")
	cmd.Env, cmd.Stdout = env, f
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("weekoffs export: %w\n%s", err, truncateOut(logs.String()))
	}
	return f.Close()
}
