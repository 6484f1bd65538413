package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Allowance is a budget of attempts under one key: Burst attempts at once,
// then one more each Refill. Keys are opaque bytes the caller derives.
type Allowance struct {
	Key    []byte
	Burst  int
	Refill time.Duration
}

// Spent is what spending one attempt of an allowance gave: whether the
// attempt was within it and, when it was not, how long until one is.
type Spent struct {
	Allowed bool
	Wait    time.Duration
}

// pruneBatch bounds the rows that remember nothing (whose allowance is full
// again) that one spending statement deletes. Each attempt adds at most a
// row per allowance, so a few more than that keep the table small.
const pruneBatch = 10

// asyncCommit is a common table expression that makes the statement's
// transaction commit without waiting for the WAL to reach the disk (the
// setting is local to the transaction, so it never outlives the statement,
// behind PgBouncer too). A statement joins it so that it is evaluated. The
// throttle writes on every sign-in, and a flush cost several milliseconds
// each; what a crash of the database server can lose is the last fraction
// of a second of counts (wal_writer_delay × 3), a few attempts at most.
const asyncCommit = `async AS (SELECT set_config('synchronous_commit', 'off', true))`

// spendSQL spends one attempt of each allowance given as arrays ($1 keys,
// $2 refills in microseconds, $3 bursts), and prunes at most $4 rows. The
// lock that ON CONFLICT takes on a row makes each read-and-spend atomic
// across every instance, and now() is the database's clock, the same for
// all of them. An allowance with no attempt left is not spent further, so
// refused attempts do not lengthen the wait. Rows of other keys that are
// full again are pruned on the way, skipping any another statement holds.
const spendSQL = `
WITH ` + asyncCommit + `,
pruned AS (
    DELETE FROM signin_throttle WHERE key IN (
        SELECT key FROM signin_throttle
        WHERE full_at < now() AND key <> ALL ($1::bytea[])
        ORDER BY full_at LIMIT $4 FOR UPDATE SKIP LOCKED)
)
INSERT INTO signin_throttle AS t (key, full_at, refill, burst, allowed)
SELECT k, now() + r * interval '1 microsecond', r * interval '1 microsecond', b, true
FROM unnest($1::bytea[], $2::bigint[], $3::integer[]) AS a (k, r, b), async
ON CONFLICT (key) DO UPDATE SET
    allowed = t.full_at <= now() + (excluded.burst - 1) * excluded.refill,
    full_at = CASE WHEN t.full_at <= now() + (excluded.burst - 1) * excluded.refill
                   THEN greatest(t.full_at, now()) + excluded.refill
                   ELSE t.full_at END,
    refill = excluded.refill,
    burst = excluded.burst
RETURNING key, allowed,
    CASE WHEN allowed THEN 0
         ELSE extract(epoch FROM full_at - now() - (burst - 1) * refill)::float8 END`

// SpendAttempt takes one attempt from each allowance, in one statement that
// every instance sees at once, and reports for each, in the order given,
// whether the attempt was within it. Keys must differ.
func (s *Store) SpendAttempt(ctx context.Context, allowances ...Allowance) ([]Spent, error) {
	keys := make([][]byte, len(allowances))
	refills := make([]int64, len(allowances))
	bursts := make([]int32, len(allowances))
	for i, a := range allowances {
		keys[i], refills[i], bursts[i] = a.Key, a.Refill.Microseconds(), int32(a.Burst)
	}
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	rows, _ := conn.Query(ctx, spendSQL, keys, refills, bursts, pruneBatch)
	byKey := map[string]Spent{}
	var key []byte
	var sp Spent
	var wait float64
	_, err = pgx.ForEachRow(rows, []any{&key, &sp.Allowed, &wait}, func() error {
		sp.Wait = time.Duration(wait * float64(time.Second))
		byKey[string(key)] = sp
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("spend attempt: %w", err)
	}
	out := make([]Spent, len(allowances))
	for i, a := range allowances {
		out[i] = byKey[string(a.Key)]
	}
	return out, nil
}

// ForgiveAttempt undoes what SpendAttempt took from an attempt that turned
// out right, in one statement: it forgets every attempt spent under clear,
// and gives one back to refund. Either may be nil.
func (s *Store) ForgiveAttempt(ctx context.Context, clear, refund []byte) error {
	conn, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = conn.Exec(ctx, `
WITH `+asyncCommit+`,
cleared AS (DELETE FROM signin_throttle USING async WHERE key = $1)
UPDATE signin_throttle SET full_at = full_at - refill FROM async WHERE key = $2`, clear, refund)
	if err != nil {
		return fmt.Errorf("forgive attempt: %w", err)
	}
	return nil
}
