// Package models holds weekoffs' data: the GORM models, the queries beside
// them, the schema migrations, and the one pgx pool that all of them share.
package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/weekoffs/weekoffs/config"
)

// Store is weekoffs' database: one pgx pool, GORM on top of it through
// database/sql, and the pool monitor. All of them use the same connections.
type Store struct {
	pool  *pgxpool.Pool
	sqlDB *sql.DB
	db    *gorm.DB
	log   *slog.Logger

	acquireTimeout time.Duration
	weekoffsMax    int
	bcryptCost     int
	// dummyHash is compared against when an email is unknown, so that sign-in
	// takes as long for an unknown email as for a wrong password.
	dummyHash func() []byte

	// acquiring counts acquires in progress: pgxpool does not expose its waiters.
	acquiring atomic.Int64
	// sampler keeps the sample of search texts that picks a search's index
	// keys; emailSampler the emails' (search_emails), for their own index.
	sampler      searchSampler
	emailSampler searchSampler
	// coverageKeys keeps the kept coverage keys decoded.
	coverageKeys timelineKeys

	// beforeUserLock, set only by tests (export_test.go), runs in update
	// between the locks taken before the user's row and the row's own,
	// with the user's id: where another write can still change the user.
	beforeUserLock func(id int64)

	stopMonitor context.CancelFunc
	monitorDone chan struct{}
	closeOnce   sync.Once
}

// Open builds the pool and GORM over it and starts the pool monitor. It does
// not connect: the first query does, so a database that is down does not stop
// the process from starting and answering /health. Call Migrate to apply the
// schema and Close to release everything.
func Open(cfg config.Config, log *slog.Logger) (*Store, error) {
	pc, err := poolConfig(cfg)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, fmt.Errorf("database pool: %w", err)
	}
	s := &Store{
		pool:           pool,
		log:            log,
		acquireTimeout: cfg.AcquireTimeout,
		weekoffsMax:    cfg.WeekoffsMax,
		bcryptCost:     cfg.BcryptCost,
	}
	s.dummyHash = sync.OnceValue(func() []byte { return mustHash("weekoffs-timing-equaliser", s.bcryptCost) })

	// This is stdlib.OpenDBFromPool with a connector that bounds and counts
	// acquires. Like OpenDBFromPool it keeps no idle database/sql connections,
	// so that idle *sql.DB connections never hold pool connections that
	// direct pool users are waiting for (jackc/pgx#1743). The pool alone is
	// sized, in pgxpool.Config.
	s.sqlDB = sql.OpenDB(acquireConnector{Connector: stdlib.GetPoolConnector(pool), store: s})
	s.sqlDB.SetMaxIdleConns(0)

	s.db, err = gorm.Open(postgres.New(postgres.Config{Conn: s.sqlDB}), &gorm.Config{
		// pgx already caches prepared statements per connection; GORM's own
		// cache on top of it causes 42P05 errors (go-gorm/gorm#7080).
		PrepareStmt:          false,
		DisableAutomaticPing: true,
		// PostgreSQL keeps microseconds; a Go time with nanoseconds would
		// differ from the same row read back.
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		Logger: logger.NewSlogLogger(log, logger.Config{
			SlowThreshold:             250 * time.Millisecond,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			// Never log bound values: they include password hashes.
			ParameterizedQueries: true,
		}),
	})
	if err != nil {
		s.sqlDB.Close()
		pool.Close()
		return nil, fmt.Errorf("gorm: %w", err)
	}

	monitorCtx, stop := context.WithCancel(context.Background())
	s.stopMonitor, s.monitorDone = stop, make(chan struct{})
	go s.monitor(monitorCtx, cfg.PoolMonitorInterval)
	return s, nil
}

// poolConfig turns the settings into a pgxpool configuration.
func poolConfig(cfg config.Config) (*pgxpool.Config, error) {
	pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		// pgx's message can quote the connection string; never show it.
		return nil, errors.New("DATABASE_URL: cannot be parsed as a PostgreSQL connection URL")
	}
	pc.MaxConns = cfg.PoolMax
	if pc.ConnConfig.ConnectTimeout == 0 || pc.ConnConfig.ConnectTimeout > cfg.ConnectTimeout {
		pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	}
	mode, err := queryExecMode(cfg.QueryExecMode)
	if err != nil {
		return nil, err
	}
	pc.ConnConfig.DefaultQueryExecMode = mode
	if _, ok := pc.ConnConfig.RuntimeParams["application_name"]; !ok {
		pc.ConnConfig.RuntimeParams["application_name"] = "weekoffs"
	}
	if cfg.StatementTimeout > 0 {
		pc.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
	}
	return pc, nil
}

func queryExecMode(name string) (pgx.QueryExecMode, error) {
	switch name {
	case "", "cache_statement":
		return pgx.QueryExecModeCacheStatement, nil
	case "cache_describe":
		return pgx.QueryExecModeCacheDescribe, nil
	case "describe_exec":
		return pgx.QueryExecModeDescribeExec, nil
	case "exec":
		return pgx.QueryExecModeExec, nil
	case "simple_protocol":
		return pgx.QueryExecModeSimpleProtocol, nil
	}
	return 0, fmt.Errorf("DB_QUERY_EXEC_MODE: unknown mode %q", name)
}

// Close stops the monitor, then closes database/sql and
// the pool: closing the *sql.DB alone would leave the pool open.
func (s *Store) Close() {
	s.closeOnce.Do(func() {
		s.stopMonitor()
		<-s.monitorDone
		s.sqlDB.Close()
		s.pool.Close()
	})
}

// Pool returns the pgx pool, for callers that must hold a connection directly.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// acquire takes a pool connection for a hand-written query, bounded by the
// acquire timeout so that a request never waits on an exhausted pool forever.
func (s *Store) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, s.acquireTimeout)
	defer cancel()
	s.acquiring.Add(1)
	defer s.acquiring.Add(-1)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return conn, nil
}

// acquireConnector is the pool connector database/sql uses, with the same
// acquire bound and count as Store.acquire.
type acquireConnector struct {
	driver.Connector
	store *Store
}

func (c acquireConnector) Connect(ctx context.Context) (driver.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.store.acquireTimeout)
	defer cancel()
	c.store.acquiring.Add(1)
	defer c.store.acquiring.Add(-1)
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return conn, nil
}
