package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/web"
)

// exportCommand writes the users that the filters select to stdout as the
// CSV file GET /admin/users/export.csv gives for the same filters, reading
// them through the same parser. It needs only DATABASE_URL.
func exportCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("export", e)
	query := url.Values{}
	for _, p := range []struct{ name, usage string }{
		{"q", "words each found in the email or name (any order, case and accents)"},
		{"role", "admin or employee"},
		{"team", "a team's id, or none for users in no team"},
		{"weekoff", "a day off, such as sat or friday"},
		{"sort", "name, email or created, with - in front for descending (default name)"},
	} {
		fs.Func(p.name, p.usage, func(v string) error { query.Set(p.name, v); return nil })
	}
	cfg, log, err := setup(e, fs, args, config.LoadDatabaseTool)
	if err != nil {
		return err
	}
	f, errs := web.ParseExportFilter(query)
	if errs != nil {
		return fmt.Errorf("export: %s", strings.TrimPrefix(errs.Error(), "invalid input: "))
	}
	return withStore(ctx, cfg, log, false, func(store *models.Store) error {
		start := time.Now()
		out := bufio.NewWriterSize(e.stdout, 64<<10)
		progress := terminal(e.stderr)
		n, err := store.ExportUsersCSV(ctx, f, out, func(rows int64) error {
			if progress != nil {
				fmt.Fprintf(progress, "\rexported %d users", rows)
			}
			return out.Flush()
		})
		if progress != nil {
			fmt.Fprintf(progress, "\rexported %d users in %s\n", n, time.Since(start).Round(time.Millisecond))
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	})
}

// terminal is w when it is a terminal, where a progress line that rewrites
// itself reads well, and nil otherwise (a file, a pipe, a test's buffer).
func terminal(w io.Writer) *os.File {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}
