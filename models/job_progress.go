package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrJobNotFound is ErrNotFound for a job.
var ErrJobNotFound = fmt.Errorf("job: %w", ErrNotFound)

// JobState is where a job is, as clients see it.
type JobState string

// The states of a job. River's own states fold into these four: available,
// scheduled, retryable and pending are all still queued; cancelled and
// discarded (out of attempts) are failed.
const (
	JobQueued    JobState = "queued"
	JobRunning   JobState = "running"
	JobCompleted JobState = "completed"
	JobFailed    JobState = "failed"
)

// JobItemError is a problem with one item of a job: a user of a bulk
// change (ID), which the job skipped and went on; or a row of an import
// (Row and Field, as in the import's report), or a date it would leave a
// team short (Msg alone), which stopped it.
type JobItemError struct {
	ID    int64  `json:"id,omitempty"`
	Row   int    `json:"row,omitempty"`
	Field string `json:"field,omitempty"`
	Msg   string `json:"msg"`
}

// maxJobErrors bounds the item errors a job keeps: a job going wrong on a
// million rows must not write a million messages.
const maxJobErrors = 100

// Job is a background job and how far it has come (GET /admin/jobs/{id}).
type Job struct {
	ID         int64
	Kind       string
	State      JobState
	Done       int64
	Total      int64
	Errors     []JobItemError
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// Finished reports whether the job will change nothing more.
func (j *Job) Finished() bool { return j.State == JobCompleted || j.State == JobFailed }

// jobSQL reads a job's progress and River's state of it. River prunes its
// finished jobs after a day; the progress row stays and says how it ended.
const jobSQL = `
SELECT p.job_id, p.kind, p.done, p.total, p.errors, p.created_at, p.finished_at, COALESCE(j.state::text, '')
  FROM job_progress p LEFT JOIN river_job j ON j.id = p.job_id
 WHERE p.job_id = $1`

// Job returns a job and its progress; ErrJobNotFound if there is none.
func (s *Store) Job(ctx context.Context, id int64) (*Job, error) {
	var j Job
	var errs []byte
	var riverState string
	err := s.pool.QueryRow(ctx, jobSQL, id).Scan(&j.ID, &j.Kind, &j.Done, &j.Total, &errs, &j.CreatedAt, &j.FinishedAt, &riverState)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrJobNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("job %d: %w", id, unavailable(err))
	}
	if err := json.Unmarshal(errs, &j.Errors); err != nil {
		return nil, fmt.Errorf("job %d: errors: %w", id, err)
	}
	j.State = jobState(riverState, j.FinishedAt != nil)
	return &j, nil
}

// jobState folds River's state of a job, and whether its last batch is
// in, into a JobState. The last batch's commit is the job's end, though
// River marks it completed a moment later.
func jobState(river string, lastBatchIn bool) JobState {
	switch {
	case lastBatchIn:
		return JobCompleted
	case river == "running":
		return JobRunning
	case river == "cancelled" || river == "discarded" || river == "completed" || river == "":
		// Completed by River with batches left: the worker gave up.
		return JobFailed
	}
	return JobQueued
}

// queueBatchesSQL writes a job's progress row and its work in batches of
// :size items, from the query %s, which gives one column, item, in its
// order, ord. :job is the job, :kind its kind, :actor who asked; they are
// numbered after the arguments of %s, which start at $1. The items are
// read once, in order, into one array that is cut into slices: numbering
// them with row_number() and grouping by batch sorted the million ids of
// a bulk change twice (on disk, past work_mem) and took twice as long.
const queueBatchesSQL = `
WITH items AS MATERIALIZED (
    SELECT ARRAY(SELECT item FROM (%s) AS src ORDER BY ord) AS a
), batches AS (
    INSERT INTO job_batches (job_id, batch, items)
    SELECT :job::bigint, b, to_jsonb(a[b * :size::int + 1 : (b + 1) * :size::int])
      FROM items, generate_series(0, (cardinality(a) - 1) / :size::int) AS b
     WHERE cardinality(a) > 0
    RETURNING jsonb_array_length(items) AS size
)
INSERT INTO job_progress (job_id, kind, total, created_by, finished_at)
SELECT :job::bigint, :kind::text, COALESCE(sum(size), 0), :actor::bigint, CASE WHEN count(*) = 0 THEN now() END FROM batches
RETURNING total`

// QueueJobBatches records, in tx (the transaction that inserts the River
// job jobID), the job's work: the items that itemsSQL selects (a column
// "item", and "ord" to order them by; its arguments args, numbered from
// $1), cut into batches of batchSize. The items are fixed from here on,
// whatever changes after. It returns how many there are.
func (s *Store) QueueJobBatches(ctx context.Context, tx pgx.Tx, jobID int64, kind, itemsSQL string, args []any, batchSize int) (int64, error) {
	n := len(args)
	param := func(i int) string { return "$" + strconv.Itoa(n+i) }
	query := strings.NewReplacer(":job", param(1), ":kind", param(2), ":size", param(3), ":actor", param(4)).
		Replace(fmt.Sprintf(queueBatchesSQL, itemsSQL))
	all := append(slices.Clip(args), jobID, kind, batchSize, actorFrom(ctx).id())
	// One pass over up to millions of rows: compiling it (jit) costs more
	// than it saves.
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return 0, fmt.Errorf("queue job %d: %w", jobID, err)
	}
	var total int64
	if err := tx.QueryRow(ctx, query, all...).Scan(&total); err != nil {
		return 0, fmt.Errorf("queue job %d: %w", jobID, err)
	}
	return total, nil
}

// JobBatch is one batch of a job's work, taken in a transaction that holds
// its row locked until it commits.
type JobBatch struct {
	Job   int64
	Batch int
	Items json.RawMessage
}

// TakeJobBatch locks, in tx, the job's first batch that no other
// transaction holds, and returns it; ok is false when there is none, left
// or free. Workers of the same job, on this instance or another (one
// rescued while the other still ran), so take batches side by side, and a
// batch one of them applied is gone for the others.
func (s *Store) TakeJobBatch(ctx context.Context, tx pgx.Tx, jobID int64) (b JobBatch, ok bool, err error) {
	b.Job = jobID
	err = tx.QueryRow(ctx, "SELECT batch, items FROM job_batches WHERE job_id = $1 ORDER BY batch LIMIT 1 FOR UPDATE SKIP LOCKED", jobID).Scan(&b.Batch, &b.Items)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// FinishJob marks the job finished if no batch of it is left, and reports
// whether it is finished.
func (s *Store) FinishJob(ctx context.Context, jobID int64) (bool, error) {
	var finished bool
	err := s.pool.QueryRow(ctx, `UPDATE job_progress SET finished_at = COALESCE(finished_at, now())
		WHERE job_id = $1 AND NOT EXISTS (SELECT 1 FROM job_batches WHERE job_id = $1)
		RETURNING true`, jobID).Scan(&finished)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("job %d: %w", jobID, err)
	}
	return finished, nil
}

// batchDoneSQL deletes a batch and counts it into the progress, in the
// transaction that applied it: $1 job, $2 batch, $3 items done, $4 item
// errors. The last batch finishes the job.
const batchDoneSQL = `
WITH gone AS (
    DELETE FROM job_batches WHERE job_id = $1 AND batch = $2 RETURNING 1
)
UPDATE job_progress SET done = done + $3,
       errors = CASE WHEN jsonb_array_length(errors) < $5 THEN errors || $4::jsonb ELSE errors END,
       -- Other batches being applied at once are still seen here: only
       -- the last one to commit finishes the job (or FinishJob does).
       finished_at = CASE WHEN NOT EXISTS (SELECT 1 FROM job_batches WHERE job_id = $1 AND batch <> $2) THEN now() END
 WHERE job_id = $1 AND EXISTS (SELECT 1 FROM gone)`

// BatchDone records in tx that batch b is applied: done items, with errs
// for those skipped. Committed with the batch's writes, it is the
// checkpoint a job resumes from.
func (s *Store) BatchDone(ctx context.Context, tx pgx.Tx, b JobBatch, done int, errs []JobItemError) error {
	if errs == nil {
		errs = []JobItemError{}
	}
	errs = errs[:min(len(errs), maxJobErrors)]
	raw, err := json.Marshal(errs)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, batchDoneSQL, b.Job, b.Batch, done, string(raw), maxJobErrors)
	if err != nil {
		return fmt.Errorf("job %d batch %d: %w", b.Job, b.Batch, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("job %d batch %d: already applied", b.Job, b.Batch)
	}
	return nil
}
