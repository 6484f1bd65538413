package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// keptGroupsSQL reads the timeline groups that migration 00017's ledger
// keeps: the head counts by team and key, with the latest date from which
// the keys hold and how many ledger rows each sums (for folding); then the
// text of each key, once (a key is shared by many teams), in rows of its
// own that carry it. %s narrows the teams. The ledger counts the people of
// a team with no minimum and no schedules as of no team (coverage_apart,
// migration 00018): they follow the organisation's schedules as people
// without one do, and only everyone's sum is asked of them.
const keptGroupsSQL = `
WITH g AS MATERIALIZED (
    SELECT team_id, key, sum(n)::bigint AS n, max(h) AS h, count(*) AS rows FROM coverage_ledger %s GROUP BY team_id, key
)
SELECT COALESCE(team_id, 0), key, n, h, rows, NULL::text FROM g
UNION ALL
SELECT 0, hash, 0, current_date, 0, key FROM coverage_keys WHERE hash IN (SELECT key FROM g)`

// foldCoverageLedgerSQL replaces the rows of each group that has several
// (or sums to 0) by one row of their sums (none where that is 0), leaving
// the groups that have one: a fold rewrites only what changed since the
// last, so that it leaves few dead rows for the next read to pass over.
// Writers only add rows, which this statement does not see and leaves;
// two folds at once cannot count a row twice, since only one can delete it.
const foldCoverageLedgerSQL = `
WITH groups AS (
    SELECT COALESCE(team_id, 0) AS team, key FROM coverage_ledger GROUP BY 1, 2 HAVING count(*) > 1 OR sum(n) = 0
), folded AS (
    DELETE FROM coverage_ledger l USING groups g WHERE COALESCE(l.team_id, 0) = g.team AND l.key = g.key RETURNING l.*
)
INSERT INTO coverage_ledger (team_id, key, n, h)
SELECT team_id, key, sum(n), max(h) FROM folded GROUP BY team_id, key HAVING sum(n) <> 0`

// coverageLedgerFolded is how many rows the ledger may hold beyond one a
// group before a read folds it: at a million users the groups are some
// 8,000 (teams x patterns), and a read sums them in a few ms; 45,000 rows
// took 100.
const coverageLedgerFolded = 2000

// keptInputs is what readKeptCoverageInputs read: the inputs, whether the
// kept keys hold for the range (else the groups are not to be used), and
// how many ledger rows are beyond one a group.
type keptInputs struct {
	coverageInput
	holds bool
	extra int64
}

// readKeptCoverageInputs reads everyone's (or, guardedOnly, the guarded
// teams') coverageInput from the kept groups, in one round trip. The groups
// hold only for ranges from the latest date the keys were worked out from:
// the first day of the month before today's (coverage_since), or a later
// one after the organisation's zone moved back across a month's end;
// earlier ranges must be counted.
func readKeptCoverageInputs(ctx context.Context, db batcher, keys *timelineKeys, q CoverageQuery) (in keptInputs, err error) {
	narrow := ""
	if q.guardedOnly {
		narrow = "WHERE team_id IN (SELECT id FROM teams WHERE min_on_duty > 0)"
	}
	batch := &pgx.Batch{}
	batch.Queue("SELECT id, name, min_on_duty FROM teams WHERE min_on_duty > 0 ORDER BY id")
	batch.Queue(sharedSelect + everyonesShared)
	batch.Queue(fmt.Sprintf(keptGroupsSQL, narrow))
	results := db.SendBatch(ctx, batch)
	defer func() {
		if closeErr := results.Close(); err == nil && closeErr != nil {
			err = fmt.Errorf("coverage: %w", closeErr)
		}
	}()
	if in.minimum, in.names, err = readTeams(results); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	rows, err := results.Query()
	if err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if in.shared, err = scanShared(rows); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	if err = readKeptGroups(results, keys, q.From, &in); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	return in, nil
}

// readKeptGroups reads keptGroupsSQL's rows into in, decoding each key
// once however many teams share it.
func readKeptGroups(results pgx.BatchResults, keys *timelineKeys, from schedule.Date, in *keptInputs) error {
	rows, err := results.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	own := map[string][]schedule.Schedule{}
	in.holds = true
	var hash [16]byte
	var h time.Time
	var count, n int64
	var text *string
	var team int64
	for rows.Next() {
		if err := rows.Scan(&team, &hash, &count, &h, &n, &text); err != nil {
			return err
		}
		if text != nil {
			if own[string(hash[:])], err = keys.decode(hash, *text); err != nil {
				return err
			}
			continue
		}
		in.extra += n - 1
		if count == 0 {
			continue
		}
		if from.Before(schedule.DateOf(h.Date())) {
			in.holds = false
		}
		in.groups = append(in.groups, timelineGroup{TeamID: team, Count: count, Key: string(hash[:])})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range in.groups {
		o, ok := own[in.groups[i].Key]
		if !ok {
			return fmt.Errorf("timeline key %x: no text", in.groups[i].Key)
		}
		in.groups[i].Own = o
	}
	return nil
}

// keptSince is the date a kept key's own schedule in force is read from
// when it has no anchor: any date before every key's h and every change
// in keys will do (a change after h must come after it in the timeline).
var keptSince = schedule.DateOf(2001, time.January, 1)

// foldCoverageLedger folds the ledger when it holds more than
// coverageLedgerFolded rows beyond one a group.
func (s *Store) foldCoverageLedger(ctx context.Context, extra int64) error {
	if extra <= coverageLedgerFolded {
		return nil
	}
	if _, err := s.pool.Exec(ctx, foldCoverageLedgerSQL); err != nil {
		return fmt.Errorf("fold coverage ledger: %w", err)
	}
	return nil
}

// FoldCoverageLedger folds the kept coverage ledger (foldCoverageLedgerSQL):
// reading coverage folds it too, but nobody may read it for days.
func (s *Store) FoldCoverageLedger(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, foldCoverageLedgerSQL); err != nil {
		return fmt.Errorf("fold coverage ledger: %w", err)
	}
	return nil
}

// coverageCatchUpBatch is how many users' keys coverage_catch_up works out
// again in one transaction: a bulk change's batch, whose rekey takes about
// 0.15 s at a million users.
const coverageCatchUpBatch = 5000

// CatchUpCoverageKeys works out again, once a month has begun, the kept
// keys that carry own changes from before the month before it
// (coverage_catch_up, migration 00018), in batches until none are left. It
// returns how many users' keys it worked out.
func (s *Store) CatchUpCoverageKeys(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		if err := s.pool.QueryRow(ctx, "SELECT coverage_catch_up($1)", coverageCatchUpBatch).Scan(&n); err != nil {
			return total, fmt.Errorf("catch up coverage keys: %w", err)
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}
