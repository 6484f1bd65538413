package models_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestQueueJobBatches holds a job's queued work to its items in their
// order, cut into batches of the size asked (the last one shorter), and a
// job of no items to one finished at once.
func TestQueueJobBatches(t *testing.T) {
	t.Parallel()
	store := modelstest.Store(t)
	ctx := t.Context()
	queue := func(job int64, n int) int64 {
		tx, err := store.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit, a no-op
		// Items in an order of their own (ord), not the order they come in.
		total, err := store.QueueJobBatches(ctx, tx, job, "test",
			"SELECT i * 10 AS item, -i AS ord FROM generate_series(1, $1::int) AS i", []any{n}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		return total
	}
	if total := queue(1, 12); total != 12 {
		t.Errorf("got a total of %d, want 12", total)
	}
	rows, err := store.Pool().Query(ctx, "SELECT batch, items::text FROM job_batches WHERE job_id = 1 ORDER BY batch")
	if err != nil {
		t.Fatal(err)
	}
	type batch struct {
		N     int
		Items string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[batch])
	if err != nil {
		t.Fatal(err)
	}
	want := []batch{{0, "[120, 110, 100, 90, 80]"}, {1, "[70, 60, 50, 40, 30]"}, {2, "[20, 10]"}}
	if len(got) != len(want) {
		t.Fatalf("got batches %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("batch %d: got %v, want %v", i, got[i], want[i])
		}
	}
	job, err := store.Job(ctx, 1)
	if err != nil || job.Total != 12 || job.Done != 0 || job.FinishedAt != nil {
		t.Errorf("got %+v, %v; want 0 of 12 done, not finished", job, err)
	}

	if total := queue(2, 0); total != 0 {
		t.Errorf("no items: got a total of %d, want 0", total)
	}
	job, err = store.Job(ctx, 2)
	if err != nil || job.Total != 0 || job.FinishedAt == nil || job.State != models.JobCompleted {
		t.Errorf("no items: got %+v, %v; want a job finished at once", job, err)
	}
}
