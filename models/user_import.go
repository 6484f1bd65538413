package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// ViaImport marks the history rows of an imported file.
const ViaImport Via = "import"

// ImportFile is a parsed import file: its valid rows, the problems of the
// others, and how many users it holds in all.
type ImportFile struct {
	Rows   []ImportRow
	Errors []ImportError
	// Count is the number of rows after the header, with problems or not.
	Count int
}

// ImportOptions says how to run an import.
type ImportOptions struct {
	// DryRun works everything out and writes nothing.
	DryRun bool
	// Force applies a file that would leave a team short of its minimum on
	// duty (the coverage guard); its history rows say forced.
	Force bool
	// Progress, if not nil, is told how many of the rows are done as the
	// import goes (from the transaction's goroutine: it must not block long).
	Progress func(done, total int)
	// Queue, if not nil, is called instead of applying a file without
	// problems (and not a dry run), in the transaction that checked it,
	// which commits with what Queue wrote: a job's record of the rows.
	Queue func(ctx context.Context, tx pgx.Tx) error
}

// ImportReport is what an import did, or a dry run would do.
type ImportReport struct {
	DryRun    bool          `json:"dry_run"`
	Rows      int           `json:"rows"`
	Create    int           `json:"create"`
	Update    int           `json:"update"`
	Unchanged int           `json:"unchanged"`
	Errors    []ImportError `json:"errors"`
	// Short are the team-dates the file would leave short of their
	// minimum on duty where they were not: the coverage guard's refusal,
	// or, forced, what was overridden. The web layer writes them.
	Short []ShortDay `json:"-"`
}

// importChunk is how many rows each step of an apply takes at a time, so
// that Progress moves on a large file; each chunk is still set-based.
const importChunk = 10_000

// ImportUsers creates or updates the file's users by email (in any letter
// case): name, role, team (by name), active, and days off from a date
// (today if not given). A row whose days are those in force for the user
// then changes nothing, so a re-imported export leaves every user as they
// are, those who follow their team's days included. It checks every row
// against the database too (unknown team, a new user without a name, a
// past date, more days than the organisation allows, no active admin
// left) and returns every problem in the report. Without problems, and
// unless opts.DryRun, it applies the whole file in one transaction, with
// history rows (via "import") and the users' schedule state refreshed; with
// any, it writes nothing. New users get no password: they cannot sign in
// until an admin gives them one.
//
// A file that would leave a team below its minimum on duty on a date of
// the next twelve weeks where it was not (the coverage guard) is refused
// with a *ShortError, returned with the report (whose Short lists the
// dates), and nothing is written, unless opts.Force; a dry run lists them
// in the report's Short.
func (s *Store) ImportUsers(ctx context.Context, f *ImportFile, opts ImportOptions) (*ImportReport, error) {
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a dry run or a failure keeps nothing
	rep, write, err := s.importIn(ctx, tx, f, 0, opts)
	if err != nil || !write {
		return rep, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("import users: %w", err)
	}
	return rep, nil
}

// importIn runs an import in tx: it checks the rows (the file's, or a
// job's when jobID is not 0), and unless there are problems or it is a dry
// run, applies them (or hands them to opts.Queue) and says that tx is to
// be committed (write). A *ShortError comes with the report.
func (s *Store) importIn(ctx context.Context, tx pgx.Tx, f *ImportFile, jobID int64, opts ImportOptions) (rep *ImportReport, write bool, err error) {
	rep = &ImportReport{DryRun: opts.DryRun, Errors: slices.Clone(f.Errors)}
	org, err := s.Organisation(ctx)
	if err != nil {
		return nil, false, err
	}
	today := schedule.Today(time.Now(), org.Location())
	// A large file's statements are costed high enough for JIT, whose
	// compiling took 5 of a 100,000-row plan's 13 s; and their sorts and
	// hashes fit in memory with a little more of it than a request needs.
	if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true), set_config('jit', 'off', true),
		set_config('work_mem', '64MB', true)`, statementTimeout(ctx)); err != nil {
		return nil, false, fmt.Errorf("import users: %w", err)
	}
	var rows int
	var rowErrs []ImportError
	if jobID != 0 {
		rep.Rows, rowErrs, err = loadJobRows(ctx, tx, jobID, org.WeekoffsMax, today)
		rows = rep.Rows - len(rowErrs)
	} else {
		rep.Rows = f.Count
		rows, rowErrs, err = loadFileRows(ctx, tx, f.Rows, org.WeekoffsMax, today)
	}
	if err != nil {
		return nil, false, fmt.Errorf("import users: %w", err)
	}
	rep.Errors = append(rep.Errors, rowErrs...)
	if _, err := tx.Exec(ctx, importPlanSQL); err != nil {
		return nil, false, fmt.Errorf("import users: %w", err)
	}
	if err := lockImportTeams(ctx, tx); err != nil {
		return nil, false, fmt.Errorf("import users: %w", err)
	}
	dbErrs, err := importProblems(ctx, tx)
	if err != nil {
		return nil, false, fmt.Errorf("import users: %w", err)
	}
	rep.Errors = append(rep.Errors, dbErrs...)
	sortImportErrors(rep.Errors)
	err = tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE user_id IS NULL), count(*) FILTER (WHERE changes),
		count(*) FILTER (WHERE user_id IS NOT NULL AND NOT changes) FROM import_plan`).Scan(&rep.Create, &rep.Update, &rep.Unchanged)
	if err != nil {
		return nil, false, fmt.Errorf("import users: %w", err)
	}
	if rep.Errors == nil {
		rep.Errors = []ImportError{}
	}
	if len(rep.Errors) > 0 {
		progress(opts, rows, rows)
		return rep, false, nil
	}
	if opts.Queue != nil && !opts.DryRun {
		if err := opts.Queue(ctx, tx); err != nil {
			return nil, false, fmt.Errorf("import users: %w", err)
		}
		return rep, true, nil
	}
	if err := s.applyGuarded(ctx, tx, rep, rows, opts); err != nil {
		return rep, false, err
	}
	return rep, !opts.DryRun, nil
}
func progress(opts ImportOptions, done, total int) {
	if opts.Progress != nil {
		opts.Progress(done, total)
	}
}

// checkImportRow checks what needs the organisation's settings but not
// the users: the number of days and the date.
func checkImportRow(r ImportRow, weekoffsMax int, today schedule.Date) []ImportError {
	var errs []ImportError
	if r.Rules != nil && len(*r.Rules) > weekoffsMax {
		errs = append(errs, ImportError{Row: r.Row, Field: "rules", Msg: fmt.Sprintf("Choose at most %d week-off days, not %d", weekoffsMax, len(*r.Rules))})
	}
	if r.EffectiveFrom != nil && r.EffectiveFrom.Before(today) {
		errs = append(errs, ImportError{Row: r.Row, Field: "effective_from", Msg: fmt.Sprintf("This date is past; choose today (%s) or a later date", today)})
	}
	return errs
}

// sortImportErrors puts a report's problems in the file's order.
func sortImportErrors(errs []ImportError) {
	slices.SortStableFunc(errs, func(a, b ImportError) int { return a.Row - b.Row })
}

// importRowsTable holds the rows of an import (ON COMMIT DROP: a job's
// savepoint rolled back drops it too). effective_from is the row's date or
// today; dated says the row gave one, which a job keeps (importItemsSQL),
// so that a job run on a later day takes its own today.
const importRowsTable = `CREATE TEMPORARY TABLE import_rows (
		row int NOT NULL, email text NOT NULL, full_name text, role text, team text, is_active boolean,
		rules jsonb, effective_from date NOT NULL, dated boolean NOT NULL) ON COMMIT DROP`

// loadFileRows checks what of the file's rows needs the organisation's
// settings (checkImportRow) and copies those without a problem into
// import_rows; it returns how many it copied and the others' problems.
func loadFileRows(ctx context.Context, tx pgx.Tx, all []ImportRow, weekoffsMax int, today schedule.Date) (int, []ImportError, error) {
	var errs []ImportError
	rows := make([]ImportRow, 0, len(all))
	for _, r := range all {
		if e := checkImportRow(r, weekoffsMax, today); e != nil {
			errs = append(errs, e...)
			continue
		}
		rows = append(rows, r)
	}
	if _, err := tx.Exec(ctx, importRowsTable); err != nil {
		return 0, nil, err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_rows"},
		[]string{"row", "email", "full_name", "role", "team", "is_active", "rules", "effective_from", "dated"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := &rows[i]
			var role *string
			if r.Role != nil {
				role = (*string)(r.Role)
			}
			var rules any
			if r.Rules != nil {
				b, err := json.Marshal(*r.Rules)
				if err != nil {
					return nil, err
				}
				rules = string(b)
			}
			eff := today
			if r.EffectiveFrom != nil {
				eff = *r.EffectiveFrom
			}
			return []any{r.Row, r.Email, r.FullName, role, r.Team, r.IsActive, rules, eff.Time(), r.EffectiveFrom != nil}, nil
		}))
	return len(rows), errs, err
}

// importPlanSQL plans the import (import_plan): each row of import_rows
// with its user (none for a new one), the values it sets, the user's
// values before, and what changes. A row's days change the user's only if
// they differ from the rules in force for the user on the row's date (with
// the team the row gives): the user's own schedule's if they follow one
// then, else their team's or the organisation's, worked out once per team
// and date, as a million users share a few. todays_days are the days a row
// puts in force today (NULL: none), which the user's own insert or update
// writes (importCreateSQL, importUpdateSQL).
//
// The organisation's date is read once (clock): org_today() reads the
// organisation's row, and as a function with a subquery PostgreSQL does
// not inline it, so called for each row it cost about 4 us a call.
const importPlanSQL = `
CREATE TEMPORARY TABLE import_plan ON COMMIT DROP AS
WITH clock AS MATERIALIZED (SELECT org_today() AS today),
joined AS (
    SELECT r.*, u.id AS user_id, u.full_name AS old_name, u.role AS old_role, u.is_active AS old_active,
           u.team_id AS old_team, COALESCE(u.weekoffs, '{}') AS old_weekoffs,
           (r.team IS NOT NULL AND r.team <> '' AND t.id IS NULL) AS unknown_team,
           CASE WHEN r.team IS NULL THEN u.team_id WHEN r.team = '' THEN NULL ELSE t.id END AS team_id,
           st.state
      FROM import_rows r
      LEFT JOIN users u ON u.email = r.email
      LEFT JOIN teams t ON r.team <> '' AND lower(t.name) = lower(r.team)
      LEFT JOIN user_schedule_state st ON st.user_id = u.id
), parsed AS (
    -- The state is json text: read once, and only for rows that give days.
    SELECT j.*, s ->> 'source' AS source, s -> 'rules' AS rules_today
      FROM joined j, LATERAL (SELECT CASE WHEN j.rules IS NOT NULL THEN j.state::jsonb END AS s) x
), shared AS (
    SELECT k.team_id, k.effective_from,
           (SELECT f.rules FROM schedule_in_force(NULL, k.team_id, k.effective_from) f) AS rules
      FROM (SELECT DISTINCT team_id, effective_from FROM parsed WHERE rules IS NOT NULL) k
), based AS (
    SELECT j.*, COALESCE(CASE
             WHEN j.user_id IS NULL THEN sh.rules
             WHEN j.effective_from = clock.today AND j.source = 'user' THEN j.rules_today
             WHEN j.effective_from = clock.today THEN sh.rules
             ELSE (SELECT f.rules FROM schedule_in_force(j.user_id, j.team_id, j.effective_from) f)
           END, '[]') AS rules_before
      FROM parsed j CROSS JOIN clock
      LEFT JOIN shared sh ON sh.team_id IS NOT DISTINCT FROM j.team_id AND sh.effective_from = j.effective_from
     WHERE j.rules IS NOT NULL
    UNION ALL
    SELECT j.*, NULL FROM parsed j WHERE j.rules IS NULL
)
-- The same rules in another order are the same: containment both ways
-- (every rule spells out all its members, so a rule contains only itself).
, planned AS (
    SELECT b.*, b.rules IS NOT NULL AND NOT (b.rules @> b.rules_before AND b.rules_before @> b.rules) AS schedule_change
      FROM based b
)
SELECT b.*,
       b.user_id IS NOT NULL AND (
           (b.full_name IS NOT NULL AND b.full_name <> b.old_name)
        OR (b.role IS NOT NULL AND b.role <> b.old_role)
        OR (b.is_active IS NOT NULL AND b.is_active <> b.old_active)
        OR (b.team IS NOT NULL AND b.team_id IS DISTINCT FROM b.old_team)
        OR b.schedule_change) AS changes,
       CASE WHEN b.schedule_change AND b.effective_from = clock.today
            THEN ARRAY(SELECT e.r ->> 'day' FROM jsonb_array_elements(b.rules) WITH ORDINALITY AS e (r, n) ORDER BY n) END AS todays_days
  FROM planned b, clock`

// importProblemsSQL finds the problems of the planned rows that need the
// database: unknown teams, new users without a name, and a file that would
// leave no active admin (which names each row that demotes or deactivates
// one). The admins are locked first, in id order as every write that can
// demote one locks them (user_update_locks.go, GuardLastAdmin), so that an
// import and a demotion at once cannot both pass the check, nor deadlock.
const importProblemsSQL = `
WITH admins AS MATERIALIZED (
    SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE
), after AS (
    SELECT count(*) AS n FROM (
        SELECT 1 FROM users u JOIN admins a ON a.id = u.id LEFT JOIN import_plan p ON p.user_id = u.id
         WHERE COALESCE(p.role, u.role) = 'admin' AND COALESCE(p.is_active, u.is_active)
        UNION ALL
        SELECT 1 FROM import_plan p WHERE p.user_id IS NULL AND p.role = 'admin' AND COALESCE(p.is_active, true)
    ) k
)
SELECT row, 'team', format('There is no team named %s; create it first, or leave the cell empty for no team', team)
  FROM import_plan WHERE unknown_team
UNION ALL
SELECT row, 'full_name', format('%s is a new user and needs a full name', email)
  FROM import_plan WHERE user_id IS NULL AND full_name IS NULL
UNION ALL
SELECT p.row, CASE WHEN p.role = 'employee' THEN 'role' ELSE 'is_active' END,
       'This would leave no active admin; keep at least one'
  FROM import_plan p, after
 WHERE after.n = 0 AND p.user_id IN (SELECT id FROM admins)
   AND (p.role = 'employee' OR p.is_active = false)
ORDER BY 1`

// importProblems runs importProblemsSQL.
func importProblems(ctx context.Context, tx pgx.Tx) ([]ImportError, error) {
	rows, err := tx.Query(ctx, importProblemsSQL)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ImportError, error) {
		var e ImportError
		err := r.Scan(&e.Row, &e.Field, &e.Msg)
		return e, err
	})
}
