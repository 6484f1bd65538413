package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// pythonSchemes maps the SQLAlchemy URL schemes of the Python service to the
// plain scheme pgx reads.
var pythonSchemes = map[string]string{
	"postgresql+asyncpg":  "postgresql",
	"postgresql+psycopg2": "postgresql",
	"postgresql+psycopg":  "postgresql",
	"postgres+asyncpg":    "postgres",
}

// asyncpgSSL maps asyncpg's "ssl" query parameter to libpq's "sslmode".
var asyncpgSSL = map[string]string{
	"disable": "disable", "false": "disable",
	"allow": "allow", "prefer": "prefer",
	"require": "require", "true": "require",
	"verify-ca": "verify-ca", "verify-full": "verify-full",
}

// ConvertDatabaseURL accepts postgres://, postgresql:// and the Python
// service's postgresql+asyncpg:// and postgresql+psycopg2:// URLs and returns
// a URL pgx reads. note describes a conversion with the password masked, and
// is empty when nothing changed. Errors never contain the URL itself, since it
// may hold a password.
func ConvertDatabaseURL(raw string) (converted, note string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", "", errors.New("not a valid URL (want postgres://user:password@host:5432/dbname)")
	}
	scheme := strings.ToLower(u.Scheme)
	from := scheme
	if plain, ok := pythonSchemes[scheme]; ok {
		scheme = plain
	}
	if scheme != "postgres" && scheme != "postgresql" {
		if u.Scheme == "" {
			return "", "", errors.New("not a URL (want postgres://user:password@host:5432/dbname)")
		}
		return "", "", fmt.Errorf("unsupported scheme %q (want postgres://, postgresql://, postgresql+asyncpg:// or postgresql+psycopg2://)", u.Scheme)
	}
	u.Scheme = scheme
	if u.Opaque != "" || !strings.HasPrefix(u.String(), scheme+"://") {
		// "postgres:db" is a URL, but not one pgx reads as a connection URL.
		return "", "", errors.New("not a connection URL (want postgres://user:password@host:5432/dbname)")
	}

	var changes []string
	if from != scheme {
		changes = append(changes, fmt.Sprintf("scheme %s:// to %s://", from, scheme))
	}
	q := u.Query()
	if ssl, ok := q["ssl"]; ok {
		mode, known := asyncpgSSL[strings.ToLower(ssl[0])]
		if !known {
			return "", "", fmt.Errorf("unsupported ssl=%q (want disable, prefer, require, verify-ca or verify-full)", ssl[0])
		}
		q.Del("ssl")
		if q.Get("sslmode") == "" {
			q.Set("sslmode", mode)
		}
		u.RawQuery = q.Encode()
		changes = append(changes, "asyncpg's ssl= to sslmode=")
	}
	if len(changes) == 0 {
		return u.String(), "", nil
	}
	return u.String(), fmt.Sprintf("converted DATABASE_URL (%s): %s", strings.Join(changes, ", "), u.Redacted()), nil
}
