package config

import (
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// fuzzSecret is put in as the password of each fuzzed URL; it must never
// come out in an error or a note.
const fuzzSecret = "Zq8-fuzz-s3cret-pw"

// FuzzConvertDatabaseURL: ConvertDatabaseURL never panics; its errors and
// notes never carry the password; what it accepts has a plain scheme, needs
// no second conversion and, where pgx can parse it, keeps the password.
func FuzzConvertDatabaseURL(f *testing.F) {
	for _, s := range []string{
		"postgres://weekoffs:pw@127.0.0.1:5432/weekoffs?sslmode=disable",
		"postgresql+asyncpg://weekoffs:pw@db:5432/weekoffs?ssl=require",
		"postgresql+psycopg2://u:p%40ss@[::1]:5432/db",
		"postgres+asyncpg://u@h/db?ssl=verify-full&sslmode=disable",
		"postgresql://u:pw@h1:5432,h2:5433/db?target_session_attrs=read-write",
		"mysql://root:pw@localhost/db",
		"postgres://u:pw@h/db?ssl=maybe",
		"postgres://u:pw@h:notaport/db",
		"  postgres://:pw@/db  ",
		"host=localhost user=postgres",
		"",
		"postgres://u:pw@h/db?ssl=true&ssl=false",
		"postgres://u:pw@h/db#frag",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		checkConversion(t, raw, "")
		if withSecret, ok := setPassword(raw, fuzzSecret); ok {
			checkConversion(t, withSecret, fuzzSecret)
		}
	})
}

// checkConversion converts raw and holds the result to the properties; secret,
// if not empty, is raw's password.
func checkConversion(t *testing.T, raw, secret string) {
	out, note, err := ConvertDatabaseURL(raw)
	if secret != "" {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("the error shows the password: %v", err)
		}
		if strings.Contains(note, secret) {
			t.Fatalf("the note shows the password: %s", note)
		}
	}
	if err != nil {
		if out != "" || note != "" {
			t.Fatalf("error %v with output %q, note %q", err, out, note)
		}
		return
	}
	if !strings.HasPrefix(out, "postgres://") && !strings.HasPrefix(out, "postgresql://") {
		t.Fatalf("%q converted to %q, which pgx does not read as a connection URL", raw, out)
	}
	again, note2, err := ConvertDatabaseURL(out)
	if err != nil || again != out || note2 != "" {
		t.Fatalf("%q converted to %q, which converts again to %q, %q, %v", raw, out, again, note2, err)
	}
	if u, _ := url.Parse(out); u != nil && reachesFiles(u.Query()) {
		return // pgx would read the files these name
	}
	cfg, err := pgconn.ParseConfig(out)
	if err == nil && secret != "" && cfg.Password != secret {
		t.Fatalf("%q converted to %q: pgx reads password %q, want %q", raw, out, cfg.Password, secret)
	}
}

// setPassword puts password into raw's userinfo (adding one if needed) when
// raw parses as a URL with a host part; the result must carry it as its
// password, or ok is false.
func setPassword(raw, password string) (string, bool) {
	s := strings.TrimSpace(raw)
	i := strings.Index(s, "://")
	if i < 0 {
		return "", false
	}
	authority := s[i+3:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	rest := s[i+3+len(authority):]
	host, user := authority, "u"
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		host = authority[at+1:]
		user, _, _ = strings.Cut(authority[:at], ":")
	}
	withSecret := s[:i+3] + user + ":" + password + "@" + host + rest
	u, err := url.Parse(withSecret)
	if err != nil || u.User == nil {
		return "", false
	}
	if pw, _ := u.User.Password(); pw != password {
		return "", false
	}
	return withSecret, true
}

// reachesFiles reports parameters that make pgx read files or services.
func reachesFiles(q url.Values) bool {
	for k := range q {
		switch k = strings.ToLower(k); {
		case strings.HasPrefix(k, "ssl") && k != "sslmode", k == "passfile", k == "service", k == "servicefile":
			return true
		}
	}
	return false
}
