package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
)

// KindBulkChange is the kind of a bulk change of users too large for one
// request.
const KindBulkChange = "bulk_change_users"

// BulkChangeArgs are a bulk change job's arguments: the change, and who
// asked, for the history. Its users are in the job's batches.
type BulkChangeArgs struct {
	Change models.BulkChange `json:"change"`
	Actor  models.Actor      `json:"actor"`
	// Forced says the change left a team short when it was queued and was
	// forced: each batch's history rows say so.
	Forced bool `json:"forced,omitempty"`
}

// Kind names the job kind.
func (BulkChangeArgs) Kind() string { return KindBulkChange }

// BulkResult is what a bulk change did: Updated users at once, or a Job
// that will.
type BulkResult struct {
	Updated int64
	Job     *models.Job
}

// ChangeUsers applies ch to the target's users: at once, in one
// transaction, when they are at most SyncMax; otherwise it queues a job
// whose users are fixed now, and returns it. Deactivating every active
// admin is refused (models.ErrLastAdmin) and nothing is written; so is a
// change that leaves a team short (a models.ShortError) unless ch.Force.
// A queued change is checked when it is queued, in the transaction that
// fixes its users; its batches, which commit one by one, are not.
func (c *Client) ChangeUsers(ctx context.Context, t models.BulkTarget, ch models.BulkChange) (BulkResult, error) {
	tx, err := c.store.Begin(ctx)
	if err != nil {
		return BulkResult{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit, a no-op
	ids, err := c.store.BulkTargetIDs(ctx, tx, t, c.opts.SyncMax+1)
	if err != nil {
		return BulkResult{}, err
	}
	// The teams are locked before any user's row, as every guarded write does.
	guard, err := c.store.GuardBulkChange(ctx, tx, t, ch)
	if err != nil {
		return BulkResult{}, err
	}
	if err := c.store.GuardLastAdmin(ctx, tx, t, ch); err != nil {
		return BulkResult{}, err
	}
	if len(ids) <= c.opts.SyncMax {
		n, _, err := c.store.ApplyBulkChange(ctx, tx, ids, ch, false)
		if err != nil {
			return BulkResult{}, err
		}
		if err := guard.Check(ctx, tx, ids, ch); err != nil {
			return BulkResult{}, err
		}
		if err := tx.Commit(ctx); err != nil {
			return BulkResult{}, fmt.Errorf("bulk change: %w", err)
		}
		return BulkResult{Updated: n}, nil
	}
	forced, err := guard.Try(ctx, c.store, tx, ch)
	if err != nil {
		return BulkResult{}, err
	}
	id, err := c.insert(ctx, tx, BulkChangeArgs{Change: ch, Actor: models.ActorOf(ctx), Forced: forced})
	if err != nil {
		return BulkResult{}, err
	}
	if _, err := c.store.QueueBulkChange(ctx, tx, id, KindBulkChange, t, c.opts.BatchSize); err != nil {
		return BulkResult{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return BulkResult{}, fmt.Errorf("bulk change: %w", err)
	}
	job, err := c.store.Job(ctx, id)
	return BulkResult{Job: job}, err
}

// applyUserChange applies one batch of a bulk change: items are user ids.
func (c *Client) applyUserChange(ctx context.Context, tx pgx.Tx, args BulkChangeArgs, items json.RawMessage) (int, []models.JobItemError, error) {
	var ids []int64
	if err := json.Unmarshal(items, &ids); err != nil {
		return 0, nil, fmt.Errorf("batch items: %w", err)
	}
	ctx = models.WithActor(ctx, args.Actor)
	_, skipped, err := c.store.ApplyBulkChange(ctx, tx, ids, args.Change, args.Forced)
	return len(ids), skipped, err
}
