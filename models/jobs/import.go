package jobs

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/weekoffs/weekoffs/models"
)

// KindImportUsers is the kind of an import too large for one request.
const KindImportUsers = "import_users"

// ImportArgs are an import job's arguments: who asked (for the history)
// and whether they forced it past the coverage guard. Its rows are in the
// job's batches (models.Store.QueueImport).
type ImportArgs struct {
	Actor models.Actor `json:"actor"`
	Force bool         `json:"force,omitempty"`
}

// Kind names the job kind.
func (ImportArgs) Kind() string { return KindImportUsers }

// ImportResult is what an import did or found (Report), and the Job that
// will apply it when it was too large for the request.
type ImportResult struct {
	Report *models.ImportReport
	Job    *models.Job
}

// ImportUsers imports a file: in the request (models.Store.ImportUsers)
// when it is a dry run or has at most ImportSyncMax rows; otherwise it
// checks the file, and if it has no problem queues a job that applies it,
// keeping its rows with the job in the same transaction, and returns the
// job. A file with problems is the report, and nothing is queued.
func (c *Client) ImportUsers(ctx context.Context, f *models.ImportFile, opts models.ImportOptions) (ImportResult, error) {
	if opts.DryRun || f.Count <= c.opts.ImportSyncMax {
		rep, err := c.store.ImportUsers(ctx, f, opts)
		return ImportResult{Report: rep}, err
	}
	var id int64
	opts.Queue = func(ctx context.Context, tx pgx.Tx) error {
		var err error
		if id, err = c.insert(ctx, tx, ImportArgs{Actor: models.ActorOf(ctx), Force: opts.Force}); err != nil {
			return err
		}
		_, err = c.store.QueueImport(ctx, tx, id, KindImportUsers)
		return err
	}
	rep, err := c.store.ImportUsers(ctx, f, opts)
	if err != nil || id == 0 {
		return ImportResult{Report: rep}, err
	}
	job, err := c.store.Job(ctx, id)
	return ImportResult{Report: rep, Job: job}, err
}

// importWorker applies an import job: the whole file in one transaction,
// which cannot be cut into slices as a bulk change's batches are. It has
// River's JobTimeout, half of JOBS_RESCUE_AFTER (7.5 minutes by default;
// 100,000 rows take about 2 on a loaded machine): a run is cancelled and
// rolled back before River could take its live instance for dead.
type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	c *Client
}

// Work applies the file; one that no longer applies cancels the job
// (failed, with the problems as its errors), as running it again would
// find the same.
func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	ctx = models.WithActor(ctx, job.Args.Actor)
	refused, err := w.c.store.ApplyQueuedImport(ctx, job.ID, job.Args.Force)
	if err != nil {
		return err
	}
	if refused {
		return river.JobCancel(errors.New("the file no longer applies; see the job's errors"))
	}
	return nil
}
