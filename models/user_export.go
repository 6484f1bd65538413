package models

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// UserCSVColumns are the columns of the users' CSV file, its header row, in
// order: what the export writes and the import reads.
func UserCSVColumns() []string {
	return []string{"id", "email", "full_name", "role", "team", "is_active", "weekoffs", "pattern", "rules", "created_at"}
}

// csvBOM starts the file: without it Excel reads UTF-8 as the local code
// page and garbles every accented name. The import skips it.
const csvBOM = "\uFEFF"

// exportFlushEvery is how often the export hands what it has written to
// its reader, so that a slow filter's rows (a search that matches one user
// in a thousand) still arrive as they are found, and a terminal's progress
// line moves.
const exportFlushEvery = 250 * time.Millisecond

// exportSQL reads what a CSV row needs, in the order exportedUser's scan
// does, for the users the list's filter picks (the first %s, the filter's
// own query) in its order (%s %s, then id %s). The days come as one
// space-separated text, and the schedule state in force as its source and
// its rules' JSON text. Team and state are joined rather than looked up per
// row as the list does for its page: in name order at a million users,
// those lookups are a million random reads of tables larger than the
// buffer cache (41 s against 10 s at load 11 on the benchmark machine),
// while a join lets the planner hash both tables and sort on disk. The
// header row goes out before the query's first row, so the sort does not
// delay the first byte; and for a narrow filter the planner still picks the
// lookups.
const exportSQL = `SELECT u.id, u.email, u.full_name, u.role, u.is_active, array_to_string(u.weekoffs, ' '), u.created_at,
       COALESCE(t.name, ''), COALESCE((st.state ->> 'source') || ' ' || (st.state -> 'rules')::text, 'none []')
  FROM (%s) AS u
  LEFT JOIN teams t ON t.id = u.team_id
  LEFT JOIN user_schedule_state st ON st.user_id = u.id
 ORDER BY u.%s %s, u.id %s`

// ExportUsersCSV writes every user that f selects as CSV to w, in f's
// order (its Limit and Cursor do not apply), and returns how many rows it
// wrote. The rows come from one query over the shared pool and go out one
// at a time as they arrive, so memory stays the same however many users
// match. flushed, if not nil, is called with the rows written so far once
// they have been handed to w: after the header row, before the first user
// is asked for, then at least every exportFlushEvery while rows come, and
// at the end; an error from it stops the export. An error after the header
// leaves w with a partial file: the caller must not pass it off as whole.
//
// The query runs in a read-only transaction whose statement timeout is the
// time left before ctx's deadline (none without one): a role's
// statement_timeout is meant for a request's short queries, and would cut
// a large file short.
func (s *Store) ExportUsersCSV(ctx context.Context, f UserFilter, w io.Writer, flushed func(rows int64) error) (int64, error) {
	f.Cursor, f.Limit = nil, 0
	l, err := s.newListing(ctx, f)
	if err != nil {
		return 0, err
	}
	filter := l.filtered().Select("id, email, full_name, role, is_active, weekoffs, created_at, team_id").
		Session(&gorm.Session{DryRun: true}).Find(&[]User{}).Statement
	query := fmt.Sprintf(exportSQL, filter.SQL.String(), l.col, l.dir, l.dir)

	// Cancelled before the rows are closed: closing a result that is still
	// coming reads it to its end, which for a reader who hung up would be
	// every remaining row.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	conn, err := s.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, fmt.Errorf("export users: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only: nothing to keep or lose
	if _, err := tx.Exec(ctx, "SELECT set_config('statement_timeout', $1, true)", statementTimeout(ctx)); err != nil {
		return 0, fmt.Errorf("export users: %w", err)
	}
	// The header row goes first: Query returns only once the first row has
	// come, which for a sorted million is seconds.
	out := newUserCSV(w, flushed)
	if err := out.header(); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, query, filter.Vars...)
	if err != nil {
		return 0, fmt.Errorf("export users: %w", err)
	}
	defer func() { stop(); rows.Close() }()
	var u exportedUser
	for rows.Next() {
		if err := rows.Scan(&u.id, &u.email, &u.fullName, &u.role, &u.active, &u.weekoffs, &u.createdAt, &u.team, &u.schedule); err != nil {
			return out.rows, fmt.Errorf("export users: %w", err)
		}
		if err := out.write(&u); err != nil {
			return out.rows, err
		}
	}
	if err := rows.Err(); err != nil {
		return out.rows, fmt.Errorf("export users: %w", err)
	}
	return out.rows, out.flush()
}

// statementTimeout is the time left before ctx's deadline as PostgreSQL's
// statement_timeout (milliseconds, at least 1), or "0" (none) without one.
func statementTimeout(ctx context.Context) string {
	deadline, ok := ctx.Deadline()
	if !ok {
		return "0"
	}
	return strconv.FormatInt(max(time.Until(deadline).Milliseconds(), 1), 10)
}

// exportedUser is one row of exportSQL.
type exportedUser struct {
	id                                    int64
	email, fullName, role, weekoffs, team string
	active                                bool
	createdAt                             time.Time
	schedule                              string // the state's source, a space, and its rules' JSON text
}

// userCSV writes users' rows, flushing as ExportUsersCSV says.
type userCSV struct {
	csv       *csv.Writer
	w         io.Writer
	flushed   func(int64) error
	lastFlush time.Time
	rows      int64
	record    []string
	patterns  patternCache
}

func newUserCSV(w io.Writer, flushed func(int64) error) *userCSV {
	c := &userCSV{csv: csv.NewWriter(w), w: w, flushed: flushed, record: make([]string, len(UserCSVColumns())), patterns: patternCache{}}
	c.csv.UseCRLF = true // RFC 4180's line ends, which every spreadsheet reads
	return c
}

// header writes the byte-order mark and the header row, and flushes them.
func (c *userCSV) header() error {
	if _, err := io.WriteString(c.w, csvBOM); err != nil {
		return err
	}
	if err := c.csv.Write(UserCSVColumns()); err != nil {
		return err
	}
	return c.flush()
}

// write writes one user's row, flushing when exportFlushEvery has passed.
func (c *userCSV) write(u *exportedUser) error {
	source, rules, _ := strings.Cut(u.schedule, " ")
	p, err := c.patterns.of(rules)
	if err != nil {
		return fmt.Errorf("export users: user %d: %w", u.id, err)
	}
	r := c.record
	r[0] = strconv.FormatInt(u.id, 10)
	r[1] = CSVCell(u.email)
	r[2] = CSVCell(u.fullName)
	r[3] = u.role
	r[4] = CSVCell(u.team)
	r[5] = strconv.FormatBool(u.active)
	r[6] = u.weekoffs
	r[7] = CSVCell(PatternWords(p.words, schedule.Scope(source)))
	r[8] = p.json
	r[9] = u.createdAt.UTC().Format(time.RFC3339)
	if err := c.csv.Write(r); err != nil {
		return err
	}
	c.rows++
	if time.Since(c.lastFlush) >= exportFlushEvery {
		return c.flush()
	}
	return nil
}

// flush hands what is buffered to the writer and tells flushed.
func (c *userCSV) flush() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	c.lastFlush = time.Now()
	if c.flushed == nil {
		return nil
	}
	return c.flushed(c.rows)
}

// CSVCell neutralises a cell that a spreadsheet would run as a formula: one
// that starts with =, +, -, @, a tab or a carriage return gets a single
// quote in front, which spreadsheets show as text and do not display
// (OWASP, "CSV Injection"). The import takes the quote off again.
func CSVCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// exportPattern is a set of rules as the file writes them.
type exportPattern struct{ words, json string }

// patternCache remembers the words and JSON of rules already seen in this
// export: a company has few distinct patterns and a million users, and the
// rules' parse costs more than the rest of a row. It holds at most
// patternCacheMax entries, so a file of all-different rules still runs in
// constant memory.
type patternCache map[string]exportPattern

const patternCacheMax = 1024

// of reads rules from the stored state's JSON text.
func (pc patternCache) of(text string) (exportPattern, error) {
	if p, ok := pc[text]; ok {
		return p, nil
	}
	var rules schedule.Rules
	if err := json.Unmarshal([]byte(text), &rules); err != nil {
		return exportPattern{}, fmt.Errorf("schedule state rules: %w", err)
	}
	if rules == nil {
		rules = schedule.Rules{} // written as [], as the API writes no rules
	}
	b, err := json.Marshal(rules)
	if err != nil {
		return exportPattern{}, err
	}
	p := exportPattern{words: rules.Words(), json: string(b)}
	if len(pc) < patternCacheMax {
		pc[text] = p
	}
	return p, nil
}
