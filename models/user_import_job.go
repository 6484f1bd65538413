package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// An import too large for a request is applied by a job: its checked rows
// are kept in the job's batches (job_batches, importChunk rows each) from
// the transaction that queues it, and the job applies them all in one
// transaction, which also deletes them and finishes the job. Unlike a bulk
// change's batches, they are not applied one per transaction: an import is
// all or nothing. A job killed half-way is rolled back whole, and its rows
// are still there for whichever instance runs it again.

// importItemsSQL lists the checked rows of the queueing transaction's
// import (import_rows) as QueueJobBatches wants its items: each an
// ImportRow's JSON (its members only when given), made in SQL, as the rows
// are there already: marshalling 100,000 of them in Go and sending them
// back as one 17 MB argument took 1.2 s of the request.
const importItemsSQL = `
SELECT jsonb_strip_nulls(jsonb_build_object('row', row, 'email', email, 'full_name', full_name, 'role', role,
           'team', team, 'is_active', is_active, 'rules', rules, 'effective_from', CASE WHEN dated THEN effective_from END)) AS item,
       row AS ord
  FROM import_rows`

// QueueImport records in tx, the transaction that queues the River job
// jobID of kind, the rows of the import that tx checked (ImportUsers with
// ImportOptions.Queue), which the job will import (ApplyQueuedImport), and
// its progress row; it returns how many rows there are.
func (s *Store) QueueImport(ctx context.Context, tx pgx.Tx, jobID int64, kind string) (int64, error) {
	return s.QueueJobBatches(ctx, tx, jobID, kind, importItemsSQL, nil, importChunk)
}

// loadJobRowsSQL copies the rows job $1 keeps into import_rows, straight
// from their JSON (decoding them in Go took 1.2 s of 100,000, and copying
// them back more); a row without a date takes today's, $2.
const loadJobRowsSQL = `
INSERT INTO import_rows (row, email, full_name, role, team, is_active, rules, effective_from, dated)
SELECT r.row, r.email, r.full_name, r.role, r.team, r.is_active, r.rules, COALESCE(r.effective_from, $2::date), r.effective_from IS NOT NULL
  FROM job_batches b, jsonb_to_recordset(b.items) AS r(row int, email text, full_name text, role text, team text,
       is_active boolean, rules jsonb, effective_from date)
 WHERE b.job_id = $1`

// jobRowProblemsSQL is checkImportRow for the rows in import_rows: days
// beyond the limit ($1) or a past date (before $2), which may have come
// since the rows were checked and queued. The rows with a problem leave
// import_rows, as a file's are never copied in.
const jobRowProblemsSQL = `
WITH bad AS (
    DELETE FROM import_rows WHERE jsonb_array_length(rules) > $1 OR effective_from < $2::date
    RETURNING row, rules, effective_from
)
SELECT row, 'rules', format('Choose at most %s week-off days, not %s', $1, jsonb_array_length(rules))
  FROM bad WHERE jsonb_array_length(rules) > $1
UNION ALL
SELECT row, 'effective_from', format('This date is past; choose today (%s) or a later date', $2)
  FROM bad WHERE effective_from < $2::date
ORDER BY 1, 2 DESC`

// loadJobRows loads the rows job jobID keeps into import_rows and checks
// them as loadFileRows does a file's; it returns how many there were, and
// the problems of those it left out.
func loadJobRows(ctx context.Context, tx pgx.Tx, jobID int64, weekoffsMax int, today schedule.Date) (int, []ImportError, error) {
	if _, err := tx.Exec(ctx, importRowsTable); err != nil {
		return 0, nil, err
	}
	tag, err := tx.Exec(ctx, loadJobRowsSQL, jobID, today.String())
	if err != nil {
		return 0, nil, err
	}
	rows, err := tx.Query(ctx, jobRowProblemsSQL, weekoffsMax, today.String())
	if err != nil {
		return 0, nil, err
	}
	errs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ImportError, error) {
		var e ImportError
		err := r.Scan(&e.Row, &e.Field, &e.Msg)
		return e, err
	})
	return int(tag.RowsAffected()), errs, err
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
	var batches int
	err = tx.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM job_batches WHERE job_id = $1 FOR UPDATE) b", jobID).Scan(&batches)
	if err != nil || batches == 0 {
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
	rep, write, err := s.importIn(ctx, sp, &ImportFile{}, jobID, opts)
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

// setJobDone writes how far a job is, outside its transaction, which has
// not committed yet: so that others see it move. It is only a figure:
// a failure to write it does not stop the job.
func (s *Store) setJobDone(ctx context.Context, jobID int64, done int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_, _ = s.pool.Exec(ctx, "UPDATE job_progress SET done = $2 WHERE job_id = $1 AND finished_at IS NULL", jobID, done)
}
