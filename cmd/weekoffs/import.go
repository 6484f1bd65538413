package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// importCommand imports the users of a CSV file (`-` for stdin) as POST
// /admin/users/import does, calling the store directly: it prints the
// report, and fails when a row has a problem, in which case nothing was
// written. --dry-run works everything out and writes nothing. It needs
// only DATABASE_URL; its history rows have no actor (the command line).
func importCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("import", e)
	dryRun := fs.Bool("dry-run", false, "check the file and say what it would do; write nothing")
	force := fs.Bool("force", false, "import even if it leaves a team with fewer working than its minimum (the history says forced)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: weekoffs import [--dry-run] [--force] users.csv")
		fs.PrintDefaults()
	}
	cfg, log, err := setup(e, fs, flagsFirst(args), config.LoadDatabaseTool)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import: name one CSV file, or - for stdin")
	}
	name := fs.Arg(0)
	var in io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		in = f
	}
	file, err := models.ParseUsersCSV(bufio.NewReaderSize(&capped{r: in, left: models.ImportMaxBytes}, 64<<10))
	if err != nil {
		return fmt.Errorf("import: %s: %w", name, err)
	}
	return withStore(ctx, cfg, log, false, func(store *models.Store) error {
		start := time.Now()
		progress := terminal(e.stderr)
		opts := models.ImportOptions{DryRun: *dryRun, Force: *force}
		if progress != nil {
			opts.Progress = func(done, total int) { fmt.Fprintf(progress, "\rimported %d of %d rows", done, total) }
		}
		rep, err := store.ImportUsers(ctx, file, opts)
		if progress != nil && !*dryRun {
			fmt.Fprintln(progress)
		}
		se, short := errors.AsType[*models.ShortError](err)
		if err != nil && !short {
			return fmt.Errorf("import: %w", err)
		}
		printImportReport(e.stdout, name, rep, short, time.Since(start))
		switch n := len(rep.Errors); {
		case short:
			return fmt.Errorf("import: %s would leave a team short on %d days; nothing was imported (--force imports it anyway)", name, len(se.Short))
		case n == 0:
		case n == 1:
			return fmt.Errorf("import: %s has 1 problem; nothing was imported", name)
		default:
			return fmt.Errorf("import: %s has %d problems; nothing was imported", name, n)
		}
		return nil
	})
}

// printImportReport writes what an import did, or would do, and every
// problem, one a line: the days it leaves (or would leave) a team short
// first; refused says the coverage guard stopped it.
func printImportReport(w io.Writer, name string, rep *models.ImportReport, refused bool, took time.Duration) {
	what := "imported"
	switch {
	case len(rep.Errors) > 0 || refused:
		what = "not imported"
	case rep.DryRun:
		what = "checked (dry run: nothing written)"
	}
	fmt.Fprintf(w, "%s: %d rows %s in %s: %d new, %d changed, %d unchanged\n",
		name, rep.Rows, what, took.Round(time.Millisecond), rep.Create, rep.Update, rep.Unchanged)
	for _, d := range rep.Short {
		fmt.Fprintf(w, "%s, team %s: %d would work; it needs %d\n", d.Date, d.TeamName, d.Working, d.MinOnDuty)
	}
	for _, e := range rep.Errors {
		if e.Field == "" {
			fmt.Fprintf(w, "row %d: %s\n", e.Row, e.Msg)
			continue
		}
		fmt.Fprintf(w, "row %d, %s: %s\n", e.Row, e.Field, e.Msg)
	}
}

// flagsFirst moves flags before the file's name, so that both
// `import --dry-run users.csv` and `import users.csv --dry-run` work (the
// flag package stops at the first argument that is not a flag).
func flagsFirst(args []string) []string {
	var flags, rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

// capped reads r and fails once more than left bytes came, rather than
// cutting the file short silently as io.LimitReader would.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.left -= int64(n); c.left < 0 {
		return 0, fmt.Errorf("the file is larger than %d MiB", models.ImportMaxBytes>>20)
	}
	return n, err
}
