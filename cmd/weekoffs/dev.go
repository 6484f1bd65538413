package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// Demo data that `make run` seeds once.
const (
	demoUsers    = 1000
	demoPassword = "weekoffs-demo"
)

// devCommand is `make run`: on a local development database it creates the
// database if it is missing, migrates, seeds the demo users once, prints how
// to sign in, and serves.
func devCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("dev", e)
	users := fs.Int("users", demoUsers, "how many demo users to seed on first start")
	cfg, log, err := setup(e, fs, args, config.Load)
	if err != nil {
		return err
	}
	if !cfg.Development() {
		return errors.New("dev: runs only with APP_ENV=development; use serve in production")
	}
	if err := createDatabase(ctx, cfg); err != nil {
		return err
	}
	return withStore(ctx, cfg, log, true, func(store *models.Store) error {
		if err := seedDemo(ctx, store, *users, e); err != nil {
			return err
		}
		return serve(ctx, cfg, store, log, e)
	})
}

// seedDemo seeds the demo users once and says how to sign in.
func seedDemo(ctx context.Context, store *models.Store, users int, e env) error {
	n, err := store.Seed(ctx, users, demoPassword, nil)
	switch {
	case errors.Is(err, models.ErrAlreadySeeded):
		fmt.Fprintln(e.stdout, "demo users already present")
	case err != nil:
		return err
	default:
		fmt.Fprintf(e.stdout, "seeded %d demo users\n", n)
	}
	fmt.Fprintf(e.stdout, "sign in as the demo admin:    %s / %s\n", models.SeedAdminEmail, demoPassword)
	fmt.Fprintf(e.stdout, "sign in as a demo employee:   %s / %s\n", models.SeedEmployeeEmail(1), demoPassword)
	return nil
}

// createDatabase creates the database DATABASE_URL names if the server does
// not have it yet, connecting to the server's "postgres" database to do so.
func createDatabase(ctx context.Context, cfg config.Config) error {
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return errors.New("DATABASE_URL: cannot be parsed")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return nil
	}
	u.Path = "/postgres"
	connCtx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	conn, err := pgx.Connect(connCtx, u.String())
	if err != nil {
		return fmt.Errorf("cannot reach PostgreSQL: %v\n%s", err, databaseHelp(cfg))
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("check database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}
