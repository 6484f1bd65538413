package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const goodKey = "0123456789abcdef0123456789abcdef"

func TestLoadDefaults(t *testing.T) {
	cfg, err := config.Load(envOf(map[string]string{"SECRET_KEY": goodKey}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.ListenAddr != "127.0.0.1:8080" || cfg.WeekoffsMax != 2 || cfg.DatabaseURL != config.DefaultDatabaseURL {
		t.Errorf("defaults: got %+v", cfg)
	}
	if cfg.BulkParallel != 2 {
		t.Errorf("BulkParallel: got %d, want 2", cfg.BulkParallel)
	}
	if cfg.PoolMax < 8 {
		t.Errorf("PoolMax: got %d, want at least 8", cfg.PoolMax)
	}
	if cfg.SessionIdle != time.Hour || cfg.SessionAbsolute != 12*time.Hour {
		t.Errorf("session lifetimes: got %s idle, %s absolute; want 1h and 12h", cfg.SessionIdle, cfg.SessionAbsolute)
	}
	if cfg.Development() || !cfg.CookieSecure {
		t.Errorf("production by default with secure cookies: got env %q, secure %v", cfg.Env, cfg.CookieSecure)
	}
}

func TestLoadSecretKey(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"MissingInProduction", map[string]string{}, "SECRET_KEY: not set"},
		{"ShortInProduction", map[string]string{"SECRET_KEY": "short"}, "SECRET_KEY: too short"},
		{"MissingInDevelopment", map[string]string{"APP_ENV": "development"}, ""},
		{"ShortInDevelopment", map[string]string{"APP_ENV": "development", "SECRET_KEY": "dev"}, ""},
		{"Good", map[string]string{"SECRET_KEY": goodKey}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(envOf(tt.env))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if cfg.SecretKey == "" {
					t.Fatal("SecretKey is empty")
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want %q", err, tt.wantErr)
			}
		})
	}
	t.Run("DevelopmentKeyRefusedInProduction", func(t *testing.T) {
		dev, _ := config.Load(envOf(map[string]string{"APP_ENV": "development"}))
		if !dev.SecretKeyGenerated {
			t.Fatal("development without SECRET_KEY should say the key is the built-in one")
		}
		_, err := config.Load(envOf(map[string]string{"SECRET_KEY": dev.SecretKey}))
		if err == nil {
			t.Fatal("the built-in development key was accepted in production")
		}
	})
}

func TestLoadNamesTheBadVariable(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"DB_POOL_MAX", "zero", "DB_POOL_MAX: \"zero\" is not a whole number"},
		{"DB_POOL_MAX", "0", "DB_POOL_MAX: 0 is out of range"},
		{"WEEKOFFS_MAX", "8", "WEEKOFFS_MAX: 8 is out of range"},
		{"BULK_PARALLEL", "0", "BULK_PARALLEL: 0 is out of range"},
		{"POOL_MONITOR_INTERVAL", "often", "POOL_MONITOR_INTERVAL: \"often\" is not a duration"},
		{"APP_ENV", "staging", "APP_ENV: \"staging\" is not one of"},
		{"DB_QUERY_EXEC_MODE", "fast", "DB_QUERY_EXEC_MODE: \"fast\" is not one of"},
		{"COOKIE_SECURE", "maybe", "COOKIE_SECURE: \"maybe\" is not true or false"},
		{"TRUSTED_PROXIES", "10.0.0.1, proxy.local", "TRUSTED_PROXIES: \"proxy.local\" is neither an IP address nor a CIDR range"},
		{"DATABASE_URL", "mysql://u:p@h/db", "DATABASE_URL: unsupported scheme \"mysql\""},
		{"SESSION_IDLE", "an hour", "SESSION_IDLE: \"an hour\" is not a duration"},
		{"SESSION_IDLE", "1m", "SESSION_IDLE: 1m0s is too short (at least 5m0s)"},
		{"SESSION_IDLE", "13h", "SESSION_IDLE: 13h0m0s is longer than SESSION_ABSOLUTE (12h0m0s)"},
		{"SESSION_ABSOLUTE", "30m", "SESSION_IDLE: 1h0m0s is longer than SESSION_ABSOLUTE (30m0s)"},
		{"SESSION_ABSOLUTE", "9601h", "SESSION_ABSOLUTE: 9601h0m0s is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(envOf(map[string]string{"SECRET_KEY": goodKey, tt.name: tt.value}))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestLoadSettings(t *testing.T) {
	cfg, err := config.Load(envOf(map[string]string{
		"SECRET_KEY": goodKey, "LISTEN_ADDR": "0.0.0.0:9000", "DB_POOL_MAX": "3",
		"WEEKOFFS_MAX": "3", "POOL_MONITOR_INTERVAL": "250ms", "SESSION_IDLE": "15m", "SESSION_ABSOLUTE": "8h",
		"BULK_PARALLEL": "4",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ListenAddr != "0.0.0.0:9000" || cfg.PoolMax != 3 || cfg.WeekoffsMax != 3 || cfg.PoolMonitorInterval != 250*time.Millisecond ||
		cfg.SessionIdle != 15*time.Minute || cfg.SessionAbsolute != 8*time.Hour || cfg.BulkParallel != 4 {
		t.Errorf("got %+v", cfg)
	}
}

func TestConvertDatabaseURL(t *testing.T) {
	tests := []struct {
		name, in, want string
		converted      bool
	}{
		{"postgres", "postgres://u:secret@db:5432/app", "postgres://u:secret@db:5432/app", false},
		{"postgresql", "postgresql://u:secret@db/app?sslmode=require", "postgresql://u:secret@db/app?sslmode=require", false},
		{"asyncpg", "postgresql+asyncpg://u:secret@db:5432/app", "postgresql://u:secret@db:5432/app", true},
		{"psycopg2", "postgresql+psycopg2://u:secret@db/app", "postgresql://u:secret@db/app", true},
		{"asyncpg ssl", "postgresql+asyncpg://u:secret@db/app?ssl=require", "postgresql://u:secret@db/app?sslmode=require", true},
		{"upper-case scheme", "POSTGRESQL+ASYNCPG://u:secret@db/app", "postgresql://u:secret@db/app", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note, err := config.ConvertDatabaseURL(tt.in)
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if (note != "") != tt.converted {
				t.Errorf("note %q, want converted=%v", note, tt.converted)
			}
			if strings.Contains(note, "secret") {
				t.Errorf("note shows the password: %q", note)
			}
		})
	}
	for _, bad := range []string{"mysql://u:secret@db/app", "db:5432/app", "postgresql+asyncpg://u:secret@db/app?ssl=sometimes", "::"} {
		t.Run("rejects "+bad, func(t *testing.T) {
			_, _, err := config.ConvertDatabaseURL(bad)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}
