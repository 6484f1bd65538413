package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// listing is one ListUsers call: its filter, the search's LIKE patterns
// (one per word, folded as the stored search text is), and the planner's
// estimate of the matches once it has been asked for.
type listing struct {
	store    *Store
	db       *gorm.DB
	f        UserFilter
	patterns []string
	estimate int64 // -1 until estimated
}

// newListing folds the filter's search text into words. The folding is the
// database's own (users_search_fold, migration 00006), so that a word is
// compared with the stored search text folded by the very same rules.
func (s *Store) newListing(ctx context.Context, f UserFilter) (*listing, error) {
	l := &listing{store: s, db: s.db.WithContext(ctx), f: f, estimate: -1}
	if strings.TrimSpace(f.Query) == "" {
		return l, nil
	}
	var folded string
	if err := l.db.Raw("SELECT public.users_search_fold(?)", f.Query).Row().Scan(&folded); err != nil {
		return nil, fmt.Errorf("list users: fold search: %w", err)
	}
	for _, w := range searchWords(folded) {
		l.patterns = append(l.patterns, "%"+escapeLike(w)+"%")
	}
	return l, nil
}

// searchWords splits folded search text into words, leaving out repeats and
// words inside another word ("ana anab" is "anab"): they match no fewer rows
// and would only make the planner's estimate smaller than it is.
func searchWords(folded string) []string {
	words := strings.Fields(folded)
	var out []string
	for i, w := range words {
		redundant := false
		for j, other := range words {
			if j != i && strings.Contains(other, w) && (len(other) > len(w) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, w)
		}
	}
	return out
}

// searching reports whether the listing has search words.
func (l *listing) searching() bool { return len(l.patterns) > 0 }

// filtered applies the filter's conditions (not its position or order).
func (l *listing) filtered() *gorm.DB {
	q := l.db.Model(&User{})
	// Every word must be in the name or the email, in any order: one LIKE
	// per word on the stored search text, each served by its trigram index.
	for _, p := range l.patterns {
		q = q.Where("search LIKE ?", p)
	}
	if l.f.Role != "" {
		q = q.Where("role = ?", l.f.Role)
	}
	if l.f.Weekoff != "" {
		q = q.Where("weekoffs @> ARRAY[?]::text[]", string(l.f.Weekoff))
	}
	switch {
	case l.f.Team == nil:
	case *l.f.Team == 0:
		q = q.Where("team_id IS NULL")
	default:
		q = q.Where("team_id = ?", *l.f.Team)
	}
	return q
}

// searchRows makes a search's page query find the page's ids first: a
// search tests many rows to find a page of matches, and by ids that test can
// run on index entries alone (the name index carries the search text),
// reading only the page's rows from the table. On a first page the planner
// expects to match few users (up to twice the count cap), the id query also
// counts every match (count(*) OVER ()), so the trigram index is read once
// rather than again by count, and that exact total is returned.
func (l *listing) searchRows(page *gorm.DB, col string, ordered func(*gorm.DB) *gorm.DB) (*gorm.DB, *int64, error) {
	few := false
	if l.f.Cursor == nil {
		estimate, err := l.estimated()
		if err != nil {
			return nil, nil, err
		}
		few = estimate <= exactCountCap*estimateMargin
	}
	if !few {
		return ordered(l.db.Model(&User{}).Where("id IN (?)", page.Select("id"))), nil, nil
	}
	// The count sits in a subquery without ORDER BY or LIMIT, so that the
	// planner reads all the matches the cheapest way (the trigram index)
	// instead of walking the sort order as if it could stop after a page.
	matches := l.filtered().Select("id, " + col + ", count(*) OVER () AS total")
	var hits []struct{ ID, Total int64 }
	if err := ordered(l.db.Table("(?) AS matches", matches)).Select("id, total").Limit(l.f.Limit + 1).Find(&hits).Error; err != nil {
		return nil, nil, fmt.Errorf("list users: %w", err)
	}
	ids, total := make([]int64, len(hits)), int64(0)
	for i, h := range hits {
		ids[i], total = h.ID, h.Total
	}
	return ordered(l.db.Model(&User{}).Where("id IN ?", ids)), &total, nil
}

// count counts the filter's matches exactly up to exactCountCap, and above
// that returns the planner's estimate. The estimate comes first: when it is
// far above the cap, counting to the cap would only confirm it, and for a
// broad filter on a million rows that walk costs more than the page itself
// (about 100 ms for a name matching 3% of them).
func (l *listing) count() (int64, bool, error) {
	estimate, err := l.estimated()
	if err != nil {
		return 0, false, err
	}
	if estimate > exactCountCap*estimateMargin {
		return estimate, true, nil
	}
	var n int64
	capped := l.filtered().Select("1").Limit(exactCountCap + 1)
	if err := l.db.Table("(?) AS capped", capped).Count(&n).Error; err != nil {
		return 0, false, fmt.Errorf("count users: %w", err)
	}
	if n <= exactCountCap {
		return n, false, nil
	}
	return max(estimate, exactCountCap+1), true, nil
}

// estimateMargin is how far above exactCountCap the planner's estimate must
// be for the exact count to be skipped, so an estimate that is a little
// high still gets counted.
const estimateMargin = 2

// estimated is the planner's estimate of the filter's matches, asked once.
func (l *listing) estimated() (int64, error) {
	if l.estimate >= 0 {
		return l.estimate, nil
	}
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	var raw string
	if err := l.db.Raw("EXPLAIN (FORMAT JSON) ?", l.filtered().Select("1")).Row().Scan(&raw); err != nil {
		return 0, fmt.Errorf("estimate users: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &plan); err != nil || len(plan) == 0 {
		return 0, fmt.Errorf("estimate users: unexpected plan %w", err)
	}
	l.estimate = int64(plan[0].Plan.Rows)
	return l.estimate, nil
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
