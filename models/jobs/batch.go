package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/weekoffs/weekoffs/models"
)

// applyFunc applies one batch of a job's items in tx: how many items it
// did, and the problems with those it skipped.
type applyFunc[A river.JobArgs] func(ctx context.Context, tx pgx.Tx, args A, items json.RawMessage) (int, []models.JobItemError, error)

// batchWorker works any batch job: one batch per transaction, with its
// progress, until none is left, its slice of time is over, or the
// instance stops.
type batchWorker[A river.JobArgs] struct {
	river.WorkerDefaults[A]
	c     *Client
	apply applyFunc[A]
}

// addBatchKind registers the worker of one kind of batch job.
func addBatchKind[A river.JobArgs](workers *river.Workers, c *Client, apply applyFunc[A]) {
	river.AddWorker(workers, &batchWorker[A]{c: c, apply: apply})
}

// Work applies the job's batches, Options.Parallel of them at a time,
// each in a transaction of its own. They touch no row in common: the
// chart's counts take one new row per statement (migration 00015).
// TakeJobBatch's SKIP LOCKED lets a rescued copy of a job run beside the
// original safely too.
func (w *batchWorker[A]) Work(ctx context.Context, job *river.Job[A]) error {
	until := time.Now().Add(w.c.sliceOf())
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range w.c.opts.Parallel {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(until) && !w.c.isStopping() {
				more, err := w.c.oneBatch(ctx, job.ID, func(tx pgx.Tx, items json.RawMessage) (int, []models.JobItemError, error) {
					return w.apply(ctx, tx, job.Args, items)
				})
				if err != nil {
					cancel(err)
				}
				if !more {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	finished, err := w.c.store.FinishJob(ctx, job.ID)
	if err != nil || finished {
		return err
	}
	// Out of time, or stopping: back to the queue for any instance, at once.
	return river.JobSnooze(0)
}

// oneBatch applies the job's next batch and records it, in one
// transaction; more is false when no batch was left.
func (c *Client) oneBatch(ctx context.Context, jobID int64, apply func(pgx.Tx, json.RawMessage) (int, []models.JobItemError, error)) (more bool, err error) {
	tx, err := c.store.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit, a no-op
	b, ok, err := c.store.TakeJobBatch(ctx, tx, jobID)
	if err != nil {
		return false, err
	}
	if ok {
		done, errs, err := apply(tx, b.Items)
		if err != nil {
			return false, fmt.Errorf("job %d batch %d: %w", jobID, b.Batch, err)
		}
		if err := c.store.BatchDone(ctx, tx, b, done, errs); err != nil {
			return false, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("job %d: commit: %w", jobID, err)
	}
	return ok, nil
}
