// Package config reads weekoffs' settings from the environment and validates
// them once, at start, so that a bad setting stops the start with a message
// naming the variable instead of failing later in a request.
package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Environment names accepted in APP_ENV.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// MinSecretKeyLength is the shortest SECRET_KEY accepted outside development:
// 32 bytes gives HS256 and the cookie keys their full strength.
const MinSecretKeyLength = 32

// DefaultDatabaseURL is the local development database used when DATABASE_URL is unset.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/weekoffs?sslmode=disable"

// devSecretKey signs development tokens only; Load refuses it outside development.
const devSecretKey = "weekoffs-development-secret-key-do-not-use-in-production"

// Config holds every setting of a weekoffs process.
type Config struct {
	Env string // APP_ENV: development or production

	DatabaseURL string // DATABASE_URL, converted to a pgx URL
	// DatabaseURLNote says how DATABASE_URL was converted, with the password
	// masked; empty when it needed no conversion. The caller logs it once.
	DatabaseURLNote string

	SecretKey          string // SECRET_KEY
	SecretKeyGenerated bool   // true when development fell back to the built-in key

	ListenAddr          string        // LISTEN_ADDR
	PoolMax             int32         // DB_POOL_MAX
	QueryExecMode       string        // DB_QUERY_EXEC_MODE
	ConnectTimeout      time.Duration // DB_CONNECT_TIMEOUT
	AcquireTimeout      time.Duration // DB_ACQUIRE_TIMEOUT
	DatabaseWait        time.Duration // DB_WAIT: how long start-up waits for the database
	StatementTimeout    time.Duration // DB_STATEMENT_TIMEOUT; 0 leaves the server's default
	PoolMonitorInterval time.Duration // POOL_MONITOR_INTERVAL
	RequestTimeout      time.Duration // REQUEST_TIMEOUT
	WeekoffsMax         int           // WEEKOFFS_MAX
	TokenTTL            time.Duration // TOKEN_TTL
	SessionIdle         time.Duration // SESSION_IDLE: a browser session ends after this long without a request
	SessionAbsolute     time.Duration // SESSION_ABSOLUTE: and this long after sign-in however busy
	BcryptCost          int           // BCRYPT_COST
	CookieSecure        bool          // COOKIE_SECURE
	LogLevel            string        // LOG_LEVEL
	TrustedProxies      []string      // TRUSTED_PROXIES: addresses or CIDRs whose X-Forwarded-For is believed
	Metrics             bool          // METRICS: on serves GET /metrics
	MetricsToken        string        // METRICS_TOKEN: if set, GET /metrics requires it as a bearer token
	// PublicURL is PUBLIC_URL: where users reach weekoffs ("https://weekoffs.example.com"),
	// for links that leave the browser, such as a calendar feed's address. Empty: the request's host.
	PublicURL string

	// BulkSyncMax is BULK_SYNC_MAX: a bulk change of at most this many users
	// is applied at once, in the request; a larger one becomes a job.
	BulkSyncMax int
	// ImportSyncMax is IMPORT_SYNC_MAX: an import of at most this many rows
	// is applied in the request; a larger one becomes a job.
	ImportSyncMax int
	// BulkBatchSize is BULK_BATCH_SIZE: how many users a bulk job changes
	// per transaction.
	BulkBatchSize int
	// BulkParallel is BULK_PARALLEL: how many batches of one bulk job are
	// applied at once, each in its own transaction on its own connection.
	BulkParallel int
	// JobsRescueAfter is JOBS_RESCUE_AFTER: how long a job may stay running
	// before River takes its instance for dead and lets another work it.
	JobsRescueAfter time.Duration
}

// Bounds of the session lifetimes. A session's idle deadline moves on at
// most once a minute (the cookie is not rewritten on every request), so an
// idle lifetime of a few minutes is the least that works; browsers keep a
// cookie for 400 days at most.
const (
	MinSessionIdle     = 5 * time.Minute
	MaxSessionAbsolute = 400 * 24 * time.Hour
)

// MinMetricsTokenLength is the shortest METRICS_TOKEN accepted.
const MinMetricsTokenLength = 16

// Development reports whether the process runs in development mode.
func (c Config) Development() bool { return c.Env == EnvDevelopment }

// QueryExecModes lists the accepted DB_QUERY_EXEC_MODE values, as pgx names them.
var QueryExecModes = []string{"cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"}

// Load reads the configuration of a server through getenv (os.Getenv in
// production, a map in tests) and returns an error naming the first variable
// that is wrong.
func Load(getenv func(string) string) (Config, error) {
	return load(getenv, true)
}

// LoadDatabaseTool reads the configuration of a command that only works on
// the database (migrate, seed, createuser): the same settings, but it signs
// nothing, so SECRET_KEY is neither needed nor read.
func LoadDatabaseTool(getenv func(string) string) (Config, error) {
	return load(getenv, false)
}

func load(getenv func(string) string, signs bool) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		Env:                 r.oneOf("APP_ENV", EnvProduction, []string{EnvDevelopment, EnvProduction}),
		ListenAddr:          r.str("LISTEN_ADDR", "127.0.0.1:8080"),
		PoolMax:             int32(r.intRange("DB_POOL_MAX", defaultPoolMax(), 1, 1000)),
		QueryExecMode:       r.oneOf("DB_QUERY_EXEC_MODE", "cache_statement", QueryExecModes),
		ConnectTimeout:      r.duration("DB_CONNECT_TIMEOUT", 5*time.Second, time.Millisecond),
		AcquireTimeout:      r.duration("DB_ACQUIRE_TIMEOUT", 3*time.Second, time.Millisecond),
		DatabaseWait:        r.duration("DB_WAIT", 30*time.Second, 0),
		StatementTimeout:    r.duration("DB_STATEMENT_TIMEOUT", 0, 0),
		PoolMonitorInterval: r.duration("POOL_MONITOR_INTERVAL", 5*time.Second, time.Millisecond),
		RequestTimeout:      r.duration("REQUEST_TIMEOUT", 15*time.Second, time.Millisecond),
		WeekoffsMax:         r.intRange("WEEKOFFS_MAX", 2, 0, 7),
		TokenTTL:            r.duration("TOKEN_TTL", time.Hour, time.Second),
		SessionIdle:         r.duration("SESSION_IDLE", time.Hour, MinSessionIdle),
		SessionAbsolute:     r.duration("SESSION_ABSOLUTE", 12*time.Hour, MinSessionIdle),
		BcryptCost:          r.intRange("BCRYPT_COST", 12, 4, 31),
		LogLevel:            r.oneOf("LOG_LEVEL", "info", []string{"debug", "info", "warn", "error"}),
		BulkSyncMax:         r.intRange("BULK_SYNC_MAX", 5000, 1, 100_000),
		BulkBatchSize:       r.intRange("BULK_BATCH_SIZE", 5000, 1, 100_000),
		BulkParallel:        r.intRange("BULK_PARALLEL", 2, 1, 16),
		ImportSyncMax:       r.intRange("IMPORT_SYNC_MAX", 5000, 1, 100_000),
		JobsRescueAfter:     r.duration("JOBS_RESCUE_AFTER", 15*time.Minute, time.Second),
	}
	c.CookieSecure = r.boolean("COOKIE_SECURE", !c.Development())
	c.TrustedProxies = r.networks("TRUSTED_PROXIES")
	c.Metrics = r.oneOf("METRICS", "off", []string{"off", "on"}) == "on"
	c.MetricsToken = strings.TrimSpace(getenv("METRICS_TOKEN"))
	c.PublicURL = r.publicURL("PUBLIC_URL")
	switch {
	case c.SessionAbsolute > MaxSessionAbsolute:
		r.fail("SESSION_ABSOLUTE", "%s is too long (at most %s: browsers keep cookies for 400 days at most)", c.SessionAbsolute, MaxSessionAbsolute)
	case c.SessionIdle > c.SessionAbsolute:
		r.fail("SESSION_IDLE", "%s is longer than SESSION_ABSOLUTE (%s), which ends every session first; make it at most that", c.SessionIdle, c.SessionAbsolute)
	}
	switch {
	case c.MetricsToken != "" && !c.Metrics:
		r.fail("METRICS_TOKEN", "is set but METRICS is off; set METRICS=on to serve /metrics")
	case c.MetricsToken != "" && len(c.MetricsToken) < MinMetricsTokenLength:
		r.fail("METRICS_TOKEN", "too short (%d characters); use at least %d", len(c.MetricsToken), MinMetricsTokenLength)
	}
	if r.err != nil {
		return Config{}, r.err
	}

	rawURL := getenv("DATABASE_URL")
	if rawURL == "" {
		rawURL = DefaultDatabaseURL
	}
	dbURL, note, err := ConvertDatabaseURL(rawURL)
	if err != nil {
		return Config{}, fmt.Errorf("DATABASE_URL: %w", err)
	}
	c.DatabaseURL, c.DatabaseURLNote = dbURL, note
	if !signs {
		return c, nil
	}

	c.SecretKey = getenv("SECRET_KEY")
	switch {
	case c.SecretKey == "" && c.Development():
		c.SecretKey, c.SecretKeyGenerated = devSecretKey, true
	case c.SecretKey == "":
		return Config{}, fmt.Errorf("SECRET_KEY: not set; it signs tokens and cookies and must be at least %d characters (generate one with: openssl rand -hex 32), or set APP_ENV=development for a local demo", MinSecretKeyLength)
	case len(c.SecretKey) < MinSecretKeyLength && !c.Development():
		return Config{}, fmt.Errorf("SECRET_KEY: too short (%d characters); use at least %d (generate one with: openssl rand -hex 32)", len(c.SecretKey), MinSecretKeyLength)
	case c.SecretKey == devSecretKey && !c.Development():
		return Config{}, fmt.Errorf("SECRET_KEY: the built-in development key cannot be used outside development")
	}
	return c, nil
}

// defaultPoolMax follows pgx's own default (4 per CPU, at least 4), doubled:
// request handlers mostly wait on the network, not the CPU.
func defaultPoolMax() int {
	return max(8, 8*runtime.NumCPU())
}

// reader keeps the first error so Load reads as a list of settings.
type reader struct {
	getenv func(string) string
	err    error
}

func (r *reader) fail(name, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
}

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) oneOf(name, def string, allowed []string) string {
	v := strings.ToLower(r.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, "%q is not one of %s", v, strings.Join(allowed, ", "))
	return def
}

func (r *reader) intRange(name string, def, lo, hi int) int {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail(name, "%q is not a whole number", s)
		return def
	}
	if n < lo || n > hi {
		r.fail(name, "%d is out of range (%d to %d)", n, lo, hi)
		return def
	}
	return n
}

func (r *reader) duration(name string, def, least time.Duration) time.Duration {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fail(name, "%q is not a duration such as 500ms, 5s or 1m", s)
		return def
	}
	if d < least {
		r.fail(name, "%s is too short (at least %s)", d, least)
		return def
	}
	return d
}

// networks reads a comma-separated list of IP addresses and CIDR ranges.
func (r *reader) networks(name string) []string {
	var out []string
	for _, s := range strings.Split(r.str(name, ""), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if _, err := netip.ParsePrefix(s); err != nil {
			if _, err := netip.ParseAddr(s); err != nil {
				r.fail(name, "%q is neither an IP address nor a CIDR range", s)
				return nil
			}
		}
		out = append(out, s)
	}
	return out
}

func (r *reader) boolean(name string, def bool) bool {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.fail(name, "%q is not true or false", s)
		return def
	}
	return b
}

// publicURL reads an absolute http(s) URL without query or fragment, and
// returns it without a trailing slash; "" when unset.
func (r *reader) publicURL(name string) string {
	raw := strings.TrimSpace(r.getenv(name))
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		r.fail(name, "should be an absolute http or https URL such as https://weekoffs.example.com, without query or user")
		return ""
	}
	return strings.TrimRight(u.String(), "/")
}
