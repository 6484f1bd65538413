package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// waitForDatabase pings until the database answers, backing off between
// tries, for at most DB_WAIT: a service started before its database comes up
// waits for it instead of failing.
func waitForDatabase(ctx context.Context, store *models.Store, cfg config.Config, log *slog.Logger) error {
	deadline := time.Now().Add(cfg.DatabaseWait)
	delay := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		pingCtx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
		_, err := store.Ping(pingCtx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("database not reachable after %s: %w\n%s", cfg.DatabaseWait, err, databaseHelp(cfg))
		}
		log.Warn("waiting for the database", "attempt", attempt, "retry_in", delay, "error", err)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// databaseHelp says what to install or set when the database cannot be reached.
func databaseHelp(cfg config.Config) string {
	if cfg.DatabaseURL != config.DefaultDatabaseURL {
		return "Check DATABASE_URL: the server must be running and reachable with those credentials."
	}
	return `weekoffs needs PostgreSQL (13 or newer) at 127.0.0.1:5432, user postgres, trust or password authentication.
  On Debian or Ubuntu:  apt-get install postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  Or point DATABASE_URL at a server you have: DATABASE_URL=postgres://user:password@host:5432/weekoffs make run`
}
