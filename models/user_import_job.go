package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// An import too large for a request is applied by a job: its checked rows
// are kept in the job's batches (job_batches, importChunk rows each) from
// the transaction that queues it, and the job applies them all in one
// transaction, which also deletes them and finishes the job. Unlike a bulk
// change's batches, they are not applied one per transaction: an import is
// all or nothing. A job killed half-way is rolled back whole, and its rows
// are still there for whichever instance runs it again.

// importItemsSQL lists the rows of QueueImport's $1 as QueueJobBatches
// wants its items.
const importItemsSQL = `SELECT item, ord FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(item, ord)`

// QueueImport records in tx, the transaction that queues the River job
// jobID of kind, the rows that the job will import (ApplyQueuedImport), and
// its progress row; it returns how many rows there are.
func (s *Store) QueueImport(ctx context.Context, tx pgx.Tx, jobID int64, kind string, rows []ImportRow) (int64, error) {
	raw, err := json.Marshal(rows)
	if err != nil {
		return 0, fmt.Errorf("queue import: %w", err)
	}
	return s.QueueJobBatches(ctx, tx, jobID, kind, importItemsSQL, []any{string(raw)}, importChunk)
}

// Ends of an import job, in the transaction that applied it or found it no
// longer applies: its rows are deleted either way.
const (
	importJobDoneSQL = `
WITH gone AS (DELETE FROM job_batches WHERE job_id = $1)
UPDATE job_progress SET done = total, finished_at = now() WHERE job_id = $1`
	// Refused: nothing was applied (done 0); the problems are the errors,
	// and finished_at stays empty, which says failed (jobState).
	importJobRefusedSQL = `
WITH gone AS (DELETE FROM job_batches WHERE job_id = $1)
UPDATE job_progress SET done = 0, errors = $2::jsonb WHERE job_id = $1`
)

// ApplyQueuedImport applies the import that job jobID holds (QueueImport)
// as ImportUsers does, in one transaction that also deletes its rows and
// finishes the job; force overrides the coverage guard. It holds the rows
// locked throughout, so a second run of the job (another instance taking
// it for dead) waits, then finds nothing left to do. The progress moves as
// the rows are applied, written from another connection so that others see
// it while the transaction runs. If the file no longer applies (a row's
// problem, or a team it would leave short), nothing of it is written: the
// problems become the job's errors, its rows are deleted, and refused is
// true. With no rows left (the job was applied or refused before), it
// does nothing.
func (s *Store) ApplyQueuedImport(ctx context.Context, jobID int64, force bool) (refused bool, err error) {
	tx, err := s.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit, a no-op
	f, err := takeImportRows(ctx, tx, jobID)
	if err != nil || len(f.Rows) == 0 {
		return false, err
	}
	s.setJobDone(ctx, jobID, 0) // a run before this one may have counted some
	// The import runs in a savepoint, so that a refused one is rolled back
	// while its refusal is written in the same transaction.
	sp, err := tx.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("import job %d: %w", jobID, err)
	}
	opts := ImportOptions{Force: force, Progress: func(done, _ int) { s.setJobDone(ctx, jobID, done) }}
	rep, write, err := s.importIn(ctx, sp, f, opts)
	var errs []JobItemError
	if se, ok := errors.AsType[*ShortError](err); ok {
		for _, d := range se.Short {
			errs = append(errs, JobItemError{Msg: (&ShortError{Short: []ShortDay{d}}).Error()})
		}
	} else if err != nil {
		return false, err
	} else {
		for _, e := range rep.Errors {
			errs = append(errs, JobItemError{Row: e.Row, Field: e.Field, Msg: e.Msg})
		}
	}
	if write && errs == nil {
		if err := sp.Commit(ctx); err != nil {
			return false, fmt.Errorf("import job %d: %w", jobID, err)
		}
		if _, err := tx.Exec(ctx, importJobDoneSQL, jobID); err != nil {
			return false, fmt.Errorf("import job %d: %w", jobID, err)
		}
		return false, commitJob(ctx, tx, jobID)
	}
	if errs == nil {
		return false, fmt.Errorf("import job %d: nothing applied and no problem said", jobID)
	}
	if err := sp.Rollback(ctx); err != nil {
		return false, fmt.Errorf("import job %d: %w", jobID, err)
	}
	raw, err := json.Marshal(errs[:min(len(errs), maxJobErrors)])
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, importJobRefusedSQL, jobID, string(raw)); err != nil {
		return false, fmt.Errorf("import job %d: %w", jobID, err)
	}
	return true, commitJob(ctx, tx, jobID)
}

func commitJob(ctx context.Context, tx pgx.Tx, jobID int64) error {
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("import job %d: commit: %w", jobID, err)
	}
	return nil
}

// takeImportRows locks and reads, in tx, the rows an import job holds.
func takeImportRows(ctx context.Context, tx pgx.Tx, jobID int64) (*ImportFile, error) {
	rows, err := tx.Query(ctx, "SELECT items FROM job_batches WHERE job_id = $1 ORDER BY batch FOR UPDATE", jobID)
	if err != nil {
		return nil, fmt.Errorf("import job %d: %w", jobID, err)
	}
	f := &ImportFile{}
	var items []byte
	_, err = pgx.ForEachRow(rows, []any{&items}, func() error {
		var chunk []ImportRow
		if err := json.Unmarshal(items, &chunk); err != nil {
			return err
		}
		f.Rows = append(f.Rows, chunk...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import job %d: %w", jobID, err)
	}
	f.Count = len(f.Rows)
	return f, nil
}

// setJobDone writes how far a job is, outside its transaction, which has
// not committed yet: so that others see it move. It is only a figure:
// a failure to write it does not stop the job.
func (s *Store) setJobDone(ctx context.Context, jobID int64, done int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_, _ = s.pool.Exec(ctx, "UPDATE job_progress SET done = $2 WHERE job_id = $1 AND finished_at IS NULL", jobID, done)
}
