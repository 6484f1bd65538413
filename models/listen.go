package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/config"
)

// usersChangedChannel is where the users table's trigger notifies (migration
// 00007): after every committed statement that inserts, deletes or changes
// the week-offs, role or active flag of users, by any writer.
const usersChangedChannel = "weekoffs_users_changed"

// How the listener keeps its connection: it checks the connection after
// listenPing without a notification, and after a failure connects again
// after a pause that doubles from listenRetryMin up to listenRetryMax.
const (
	listenPing        = 30 * time.Second
	listenPingTimeout = 5 * time.Second
	listenRetryMin    = 250 * time.Millisecond
	listenRetryMax    = 30 * time.Second
)

// listener LISTENs for changes to users on a connection of its own, not
// one of the pool's: LISTEN needs the same session for as long as it
// listens, which PgBouncer in transaction mode does not give (PITFALLS 17),
// so it connects to DirectDatabaseURL. It reconnects after any failure.
type listener struct {
	connConfig *pgx.ConnConfig
	log        *slog.Logger

	mu        sync.Mutex
	callbacks []func()
	started   bool
	closed    bool
	stop      context.CancelFunc
	done      chan struct{}
}

func newListener(cfg config.Config, log *slog.Logger) (*listener, error) {
	url := cfg.DirectDatabaseURL
	if url == "" {
		url = cfg.DatabaseURL
	}
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message can quote the connection string; never show it.
		return nil, errors.New("DATABASE_DIRECT_URL: cannot be parsed as a PostgreSQL connection URL")
	}
	if cc.ConnectTimeout == 0 || cc.ConnectTimeout > cfg.ConnectTimeout {
		cc.ConnectTimeout = cfg.ConnectTimeout
	}
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = "weekoffs"
	}
	return &listener{connConfig: cc, log: log}, nil
}

// OnUsersChanged has fn called after every committed change to the users
// table by anyone (this process, another instance, the command line, plain
// SQL), and each time the listener (re)connects, since changes may have
// gone unheard while it was not listening. The first call starts the
// listener; Close stops it. fn runs on the listener's goroutine and must
// return quickly. While the listener is down (the database restarting, a
// network fault) changes go unheard: what fn keeps fresh must also expire
// by itself.
func (s *Store) OnUsersChanged(fn func()) {
	l := s.listener
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.callbacks = append(l.callbacks, fn)
	if !l.started {
		ctx, stop := context.WithCancel(context.Background())
		l.started, l.stop, l.done = true, stop, make(chan struct{})
		go l.run(ctx)
	}
}

// close stops the listener, if it runs, and waits for it to end.
func (l *listener) close() {
	l.mu.Lock()
	l.closed = true
	started := l.started
	l.mu.Unlock()
	if started {
		l.stop()
		<-l.done
	}
}

// notify calls every callback.
func (l *listener) notify() {
	l.mu.Lock()
	callbacks := l.callbacks
	l.mu.Unlock()
	for _, fn := range callbacks {
		fn()
	}
}

// run listens until ctx ends, connecting again after each failure with a
// growing pause. It logs a warning when listening stops and an info line
// when it starts again: crossings, not every retry.
func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	pause, down := listenRetryMin, false
	for {
		listened, err := l.listen(ctx, &down)
		if ctx.Err() != nil {
			return
		}
		if listened {
			pause = listenRetryMin
		}
		if !down {
			l.log.Warn("not listening for changes to users; retrying", "error", err, "retry_in", pause)
			down = true
		} else {
			l.log.Debug("listening for changes to users failed again", "error", err, "retry_in", pause)
		}
		// Jitter, so that instances cut off together do not return in step.
		wait := pause/2 + rand.N(pause/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		pause = min(2*pause, listenRetryMax)
	}
}

// listen runs one session: connect, LISTEN, then hear notifications until
// the connection fails or ctx ends. listened reports whether LISTEN took.
func (l *listener) listen(ctx context.Context, down *bool) (listened bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, l.connConfig)
	if err != nil {
		return false, err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+usersChangedChannel); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	if *down {
		l.log.Info("listening for changes to users again")
		*down = false
	}
	l.notify() // whatever changed while nobody listened
	for {
		waitCtx, cancel := context.WithTimeout(ctx, listenPing)
		_, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			l.notify()
		case ctx.Err() != nil:
			return true, nil
		case errors.Is(err, context.DeadlineExceeded) || waitCtx.Err() != nil:
			// Quiet for a while: make sure the connection still stands,
			// since a dead peer could leave the wait hanging for ever.
			pingCtx, cancel := context.WithTimeout(ctx, listenPingTimeout)
			err = conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return true, fmt.Errorf("ping: %w", err)
			}
		default:
			return true, err
		}
	}
}
