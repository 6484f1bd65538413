package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/web"
)

// shutdownGrace is how long requests in flight get to finish after SIGTERM.
const shutdownGrace = 20 * time.Second

func serveCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("serve", e)
	migrate := fs.Bool("migrate", true, "apply pending migrations before serving")
	cfg, log, err := setup(e, fs, args, config.Load)
	if err != nil {
		return err
	}
	return withStore(ctx, cfg, log, *migrate, func(store *models.Store) error {
		return serve(ctx, cfg, store, log, e)
	})
}

// jobsStopGrace is how long running jobs get to finish their batch in
// progress at shutdown; a batch takes well under a second.
const jobsStopGrace = 10 * time.Second

// scheduleTick is how often an instance applies the schedules whose date
// has come: the weekday filter and the chart follow midnight within it.
const scheduleTick = time.Minute

// serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets requests in flight finish, and returns
// so the caller closes the database last.
func serve(ctx context.Context, cfg config.Config, store *models.Store, log *slog.Logger, e env) error {
	gin.SetMode(gin.ReleaseMode)
	handler, err := web.NewServer(cfg, store, log)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	log.Info("listening", "url", "http://"+ln.Addr().String(), "env", cfg.Env, "pool_max", cfg.PoolMax)
	fmt.Fprintf(e.stdout, "weekoffs is serving at http://%s\n", ln.Addr())
	// From here on there is a line per request: buffer them, and write out
	// the last of them, down to "stopped", when serving ends.
	stopBuffering := e.logs.buffer(e.logFlushEvery)
	defer stopBuffering()

	// Schedules that take effect on a later date are applied to the days
	// the list filters on when their date comes; stopped before the store closes.
	applyCtx, stopApplying := context.WithCancel(ctx)
	applying := make(chan struct{})
	go func() {
		defer close(applying)
		store.KeepSchedulesCurrent(applyCtx, scheduleTick)
	}()
	defer func() { stopApplying(); <-applying }()

	// Background jobs (bulk changes) run on this instance too, on the same
	// pool. Stopped after the HTTP server: a running job ends its batch in
	// progress and goes back to the queue, for any instance, at once.
	if err := handler.Jobs().Start(ctx); err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), jobsStopGrace)
		defer cancel()
		if err := handler.Jobs().Stop(stopCtx); err != nil {
			log.Warn("jobs did not stop cleanly", "error", err)
		}
	}()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace)
	_ = e.logs.Flush() // at once, not after the grace
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
