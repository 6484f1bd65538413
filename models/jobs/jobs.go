// Package jobs runs weekoffs' background work on River, the PostgreSQL job
// queue, over the store's own pgx pool and tables (migration 00013): a job
// survives its instance (another one finishes it), runs each piece of its
// work once, and reports its progress (models.Job).
//
// Every kind of job here but the import is a batch job: when it is queued, in the same
// transaction as River's row, its work is fixed as numbered batches of
// items (models.Store.QueueJobBatches); its worker applies one batch per
// transaction, and that transaction also deletes the batch and counts it
// into the job's progress (models.Store.BatchDone). A batch is therefore
// applied exactly once, whichever instance works it and however often the
// job is started again. An import (import.go) is all or nothing: its rows
// wait in its batches too, but it applies them all in one transaction that
// also deletes them.
//
// Adding a batch kind takes:
//
//  1. an args type: a struct with what every batch needs, and a Kind
//     method naming the kind ("bulk_change_users");
//  2. a function applying one batch in its transaction:
//     func(ctx context.Context, tx pgx.Tx, args A, items json.RawMessage) (done int, errs []models.JobItemError, err error);
//  3. one line in New: addBatchKind(workers, c, apply);
//  4. to queue it, in one transaction: c.insert(ctx, tx, args) for the
//     job's id, then s.QueueJobBatches(ctx, tx, id, kind, itemsSQL, args,
//     c.opts.BatchSize) with a query of the items (see ChangeUsers).
//
// GET /admin/jobs/{id} and its page then show the job's progress as they
// show a bulk change's.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/weekoffs/weekoffs/models"
)

// Options are the settings of the job runner.
type Options struct {
	// SyncMax is the most users a bulk change changes in the request; a
	// larger one becomes a job.
	SyncMax int
	// ImportSyncMax is the most rows an import applies in the request; a
	// larger one becomes a job.
	ImportSyncMax int
	// BatchSize is how many items a job applies per transaction.
	BatchSize int
	// Parallel is how many batches of one job are applied at once, each
	// on a connection of its own (at least 1).
	Parallel int
	// RescueAfter is how long a job may stay running before River takes
	// its instance for dead and lets another instance work it again. Work
	// is cut into slices well within it (see sliceOf), so that a live
	// instance's job is never taken for a dead one's.
	RescueAfter time.Duration
	// PollOnly has River look for new jobs every second rather than LISTEN
	// for them: for a pool behind PgBouncer in transaction mode, where a
	// session's LISTEN does not work.
	PollOnly bool
}

// Client queues jobs and, once started, works them.
type Client struct {
	river *river.Client[pgx.Tx]
	store *models.Store
	opts  Options
	log   *slog.Logger
	// stopping is closed by Stop: a worker ends its slice at the next
	// batch, and the job goes back to the queue for any instance at once.
	stopping chan struct{}
}

// New builds the runner on the store's pool. It does not connect, and
// works nothing until Start.
func New(store *models.Store, opts Options, log *slog.Logger) (*Client, error) {
	opts.Parallel = max(opts.Parallel, 1)
	c := &Client{store: store, opts: opts, log: log, stopping: make(chan struct{})}
	workers := river.NewWorkers()
	addBatchKind(workers, c, c.applyUserChange)
	river.AddWorker(workers, &importWorker{c: c})
	rc, err := river.NewClient(riverpgxv5.New(store.Pool()), &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers: workers,
		// A batch that hangs this long is cancelled, and the job retried
		// from its next batch; River wants it below the rescue delay.
		JobTimeout:           opts.RescueAfter / 2,
		RescueStuckJobsAfter: opts.RescueAfter,
		PollOnly:             opts.PollOnly,
		Logger:               log.With("component", "river"),
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	c.river = rc
	return c, nil
}

// Start begins working jobs, this instance's share of them.
func (c *Client) Start(ctx context.Context) error {
	// River stops fetching when Start's context ends; Stop says when.
	if err := c.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and lets the running ones end their current
// batch (each is queued again, for any instance, from the next), waiting
// until ctx ends; after that the rest are cancelled, and their batch in
// progress is rolled back.
func (c *Client) Stop(ctx context.Context) error {
	close(c.stopping)
	err := c.river.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = c.river.StopAndCancel(hard)
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// isStopping reports whether Stop was called.
func (c *Client) isStopping() bool {
	select {
	case <-c.stopping:
		return true
	default:
		return false
	}
}

// insert queues a job in tx and returns its id.
func (c *Client) insert(ctx context.Context, tx pgx.Tx, args river.JobArgs) (int64, error) {
	res, err := c.river.InsertTx(ctx, tx, args, nil)
	if err != nil {
		return 0, fmt.Errorf("jobs: queue %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// sliceOf is how long a worker works a job before handing it back to the
// queue: a third of the rescue delay, so a job that takes longer than that
// delay is still never taken for a dead instance's.
func (c *Client) sliceOf() time.Duration { return c.opts.RescueAfter / 3 }
