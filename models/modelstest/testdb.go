// Package modelstest gives each test a fresh, migrated PostgreSQL database of
// its own, cloned from a template (pgtestdb), so tests run in parallel on a
// real server.
package modelstest

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/common"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

// ServerURL is the PostgreSQL server the tests use: TEST_DATABASE_URL, or
// the local server as a fresh machine has it.
func ServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Config returns settings for a test: a fresh migrated database, a cheap
// bcrypt cost, a small pool and a fast pool monitor.
func Config(t testing.TB) config.Config {
	t.Helper()
	inst := pgtestdb.Custom(t, serverConfig(t), migrator{})
	cfg, err := config.Load(func(name string) string {
		return map[string]string{
			"APP_ENV":               "development",
			"DATABASE_URL":          inst.URL(),
			"SECRET_KEY":            "test-secret-key-0123456789abcdef0123456789",
			"DB_POOL_MAX":           "4",
			"BCRYPT_COST":           "4",
			"POOL_MONITOR_INTERVAL": "20ms",
		}[name]
	})
	if err != nil {
		t.Fatalf("test config: %v", err)
	}
	return cfg
}

// Open opens a Store on cfg, closed when the test ends, logging to log (or nowhere).
func Open(t testing.TB, cfg config.Config, log *slog.Logger) *models.Store {
	t.Helper()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := models.Open(cfg, log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Store is Open on a fresh database with the test settings.
func Store(t testing.TB) *models.Store {
	t.Helper()
	return Open(t, Config(t), nil)
}

func serverConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	requireServer(t)
	u, err := url.Parse(ServerURL())
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	pw, _ := u.User.Password()
	return pgtestdb.Config{
		DriverName:                "pgx",
		Host:                      u.Hostname(),
		Port:                      u.Port(),
		User:                      u.User.Username(),
		Password:                  pw,
		Database:                  u.Path[1:],
		Options:                   u.RawQuery,
		ForceTerminateConnections: true,
	}
}

// migrator builds pgtestdb's template with the real embedded migrations; a
// change to any of them makes a new template.
type migrator struct{}

// Hash covers each migration's name as well as its text: pgtestdb's
// HashDirs reads the texts only, so a migration renumbered kept a template
// migrated under its old number, which goose then refused as out of order.
func (migrator) Hash() (string, error) {
	files := models.Migrations()
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return "", err
	}
	h := common.NewRecursiveHash()
	for _, name := range names {
		text, err := fs.ReadFile(files, name)
		if err != nil {
			return "", err
		}
		h.Add([]byte(name))
		h.Add(text)
	}
	return h.String(), nil
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return models.MigrateDB(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// EmptyDatabaseURL returns the URL of a fresh database with no schema at
// all, for tests of migrating itself; it is dropped when the test ends.
func EmptyDatabaseURL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), pgtestdb.NoopMigrator{}).URL()
}
