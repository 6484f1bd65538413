package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

const usage = `usage: weekoffs <command> [flags]

commands:
  serve        run the HTTP server (migrates first unless --migrate=false)
  dev          create the local database, migrate, seed demo users once, and serve
  migrate      apply pending database migrations
  createuser   create a user (--email, --name, --role, --password or a line on stdin)
  seed         create demo users fast (--users N --password P)
  export       write users as CSV to stdout (--q, --role, --team, --weekoff, --sort: the users list's filters)
  import       create or update users from a CSV file (import [--dry-run] users.csv)

Settings come from the environment; see README.md.`

// env carries what a command reads and writes, so tests can drive run.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logs   *logOutput // the logger's output: stderr, buffered while serving
	// logFlushEvery is how often serve writes out buffered log lines.
	logFlushEvery time.Duration
}

func newEnv(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) env {
	return env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		logs: newLogOutput(stderr), logFlushEvery: logFlushEvery}
}

// run is the whole program: it parses the command, loads the configuration
// and runs the command until ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	e := newEnv(getenv, stdin, stdout, stderr)
	commands := map[string]func(context.Context, env, []string) error{
		"serve":      serveCommand,
		"dev":        devCommand,
		"migrate":    migrateCommand,
		"createuser": createUserCommand,
		"seed":       seedCommand,
		"export":     exportCommand,
		"import":     importCommand,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
	}
	err := cmd(ctx, e, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// newFlags is a command's flag set; its errors and help go to stderr.
func newFlags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// setup parses a command's flags, loads the configuration with load
// (config.Load for the commands that serve, config.LoadDatabaseTool for those
// that only work on the database) and builds the logger the command uses.
func setup(e env, fs *flag.FlagSet, args []string, load func(func(string) string) (config.Config, error)) (config.Config, *slog.Logger, error) {
	if err := fs.Parse(args); err != nil {
		return config.Config{}, nil, err
	}
	cfg, err := load(e.getenv)
	if err != nil {
		return config.Config{}, nil, err
	}
	log := newLogger(cfg, e.logs)
	if cfg.DatabaseURLNote != "" {
		log.Info(cfg.DatabaseURLNote)
	}
	if cfg.SecretKeyGenerated {
		log.Warn("SECRET_KEY is not set: using the built-in development key; set SECRET_KEY outside development")
	}
	return cfg, log, nil
}

// newLogger writes JSON lines in production and readable text in
// development, to out, which writes warnings and errors out at once.
func newLogger(cfg config.Config, out *logOutput) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel))) // validated by config.Load
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(out, opts)
	if cfg.Development() {
		h = slog.NewTextHandler(out, opts)
	}
	return slog.New(flushOnWarn{h, out})
}

// withStore opens the database, waits for it to answer, migrates it if
// asked, runs fn with it, and closes it when fn returns.
func withStore(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool, fn func(*models.Store) error) error {
	store, err := models.Open(cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := waitForDatabase(ctx, store, cfg, log); err != nil {
		return err
	}
	if migrate {
		if err := store.Migrate(ctx); err != nil {
			return err
		}
	}
	return fn(store)
}

func migrateCommand(ctx context.Context, e env, args []string) error {
	cfg, log, err := setup(e, newFlags("migrate", e), args, config.LoadDatabaseTool)
	if err != nil {
		return err
	}
	return withStore(ctx, cfg, log, true, func(*models.Store) error { return nil })
}
