package models

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// keptGroupsSQL reads the timeline groups that migration 00017's ledger
// keeps: the head counts by team and key, each key's text on the first row
// that names it (a key is shared by many teams), and the latest date from
// which the keys hold. rows is how many ledger rows a group sums, for
// folding. %s narrows the teams.
const keptGroupsSQL = `
WITH g AS MATERIALIZED (
    SELECT team_id, key, sum(n) AS n, max(h) AS h, count(*) AS rows FROM coverage_ledger %s GROUP BY team_id, key
)
SELECT COALESCE(g.team_id, 0), g.key, g.n, g.h, g.rows,
       CASE WHEN row_number() OVER (PARTITION BY g.key) = 1 THEN k.key END
  FROM g LEFT JOIN coverage_keys k ON k.hash = g.key`

// foldCoverageLedgerSQL replaces the ledger's rows by their sums, one row a
// team and key (none where the sum is 0). Writers only add rows, which this
// statement does not see and leaves; two folds at once cannot count a row
// twice, since only one can delete it.
const foldCoverageLedgerSQL = `WITH folded AS (DELETE FROM coverage_ledger RETURNING *)
INSERT INTO coverage_ledger (team_id, key, n, h)
SELECT team_id, key, sum(n), max(h) FROM folded GROUP BY team_id, key HAVING sum(n) <> 0`

// coverageLedgerFolded is how many rows the ledger may hold beyond one a
// group before it is folded: a group is a team and pattern, some 10,000 at
// a million users, and summing as many more rows again costs a few ms.
const coverageLedgerFolded = 10000

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
// hold only for ranges from the latest date the keys were worked out on:
// today, or a day later after the organisation's zone moved back; earlier
// ranges must be counted.
func readKeptCoverageInputs(ctx context.Context, db batcher, q CoverageQuery) (in keptInputs, err error) {
	narrow := ""
	if q.guardedOnly {
		narrow = "WHERE team_id IN (SELECT id FROM teams WHERE min_on_duty > 0)"
	}
	batch := &pgx.Batch{}
	batch.Queue("SELECT id, name, min_on_duty FROM teams WHERE min_on_duty > 0 ORDER BY id")
	batch.Queue(sharedSelect + " WHERE scope <> 'user' ORDER BY effective_from")
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
	if err = readKeptGroups(results, q.From, &in); err != nil {
		return in, fmt.Errorf("coverage: %w", err)
	}
	return in, nil
}

// readKeptGroups reads keptGroupsSQL's rows into in, decoding each key
// once however many teams share it.
func readKeptGroups(results pgx.BatchResults, from schedule.Date, in *keptInputs) error {
	rows, err := results.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	own := map[[16]byte][]schedule.Schedule{}
	type pending struct {
		g    timelineGroup
		hash [16]byte
	}
	var groups []pending
	in.holds = true
	for rows.Next() {
		var p pending
		var h time.Time
		var n int64
		var text *string
		if err := rows.Scan(&p.g.TeamID, &p.hash, &p.g.Count, &h, &n, &text); err != nil {
			return err
		}
		in.extra += n - 1
		if text != nil {
			if own[p.hash], err = ownFromKey(*text, keptSince); err != nil {
				return err
			}
		}
		if p.g.Count == 0 {
			continue
		}
		if from.Before(schedule.DateOf(h.Date())) {
			in.holds = false
		}
		p.g.Key = string(p.hash[:])
		groups = append(groups, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	in.groups = make([]timelineGroup, len(groups))
	for i, p := range groups {
		o, ok := own[p.hash]
		if !ok {
			return fmt.Errorf("timeline key %x: no text", p.hash)
		}
		p.g.Own = o
		in.groups[i] = p.g
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

// FoldCoverageLedger folds the kept coverage ledger if it holds more than
// coverageLedgerFolded rows beyond one a group: reading coverage folds it
// too, but nobody may read it for days.
func (s *Store) FoldCoverageLedger(ctx context.Context) error {
	var extra int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) - count(DISTINCT (team_id, key)) FROM coverage_ledger").Scan(&extra); err != nil {
		return fmt.Errorf("fold coverage ledger: %w", err)
	}
	return s.foldCoverageLedger(ctx, extra)
}
