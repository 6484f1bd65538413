package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// listing is one ListUsers call: its filter and order, the search's LIKE
// patterns (one per word, folded as the stored search text is) and the parts
// of them worth looking up in the trigram index, and what it has learnt so
// far: the planner's estimate and whether the probe found too many matches.
type listing struct {
	db *gorm.DB
	f  UserFilter

	col, dir string // the sort column, and ASC or DESC as the page is read
	cursor   []any  // the cursor's (value, id), nil on a first page

	patterns  []string   // every word, as LIKE '%word%'
	keys      []string   // the index's part of the words (see indexKeys)
	emailKeys [][]string // each word's part for the emails' index (byNames)

	estimate  int64 // -1 until estimated
	overflown bool  // the probe found more than exactCountCap matches
	byName    bool  // the page was read name by name (byNames)
}

// newListing reads the filter's order and folds its search text into words.
// The folding is the database's own (users_search_fold, migration 00006), so
// that a word is compared with the stored search text by the very same rules.
func (s *Store) newListing(ctx context.Context, f UserFilter) (*listing, error) {
	l := &listing{db: s.db.WithContext(ctx), f: f, estimate: -1}
	order, desc, _ := UserSortOf(f.Sort)
	l.col = order.Column
	// Reading backwards flips the order; ListUsers reverses the page after.
	asc := desc == (f.Cursor != nil && f.Cursor.Backward)
	l.dir = map[bool]string{true: "ASC", false: "DESC"}[asc]
	if f.Cursor != nil {
		var value any = f.Cursor.Value
		if order.Key == "created" {
			value, _ = time.Parse(time.RFC3339Nano, f.Cursor.Value) // checked by DecodeCursor
		}
		l.cursor = []any{value, f.Cursor.ID}
	}
	if strings.TrimSpace(f.Query) == "" {
		return l, nil
	}
	var folded string
	if err := l.db.Raw("SELECT public.users_search_fold(?)", f.Query).Row().Scan(&folded); err != nil {
		return nil, fmt.Errorf("list users: fold search: %w", err)
	}
	words := searchWords(folded)
	sample, err := s.searchSample(ctx)
	if err != nil {
		return nil, err
	}
	emails, err := s.emailSample(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range words {
		l.patterns = append(l.patterns, likeSubstring(w))
		for _, k := range indexKeys(w, sample) {
			l.keys = append(l.keys, likeSubstring(k))
		}
		var keys []string
		for _, k := range indexKeys(w, emails) {
			keys = append(keys, likeSubstring(k))
		}
		l.emailKeys = append(l.emailKeys, keys)
	}
	if len(l.keys) == 0 {
		l.keys = l.patterns
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

// filtered applies the filter's conditions (not its position or order):
// every word must be in the name or the email, in any order, one LIKE per
// word on the stored search text.
func (l *listing) filtered() *gorm.DB { return l.where(l.patterns) }

// where is the filter with the search's words as the given LIKE patterns.
func (l *listing) where(patterns []string) *gorm.DB {
	q := l.db.Model(&User{})
	for _, p := range patterns {
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

// keyset limits q to the rows beyond the cursor, in the order being read.
func (l *listing) keyset(q *gorm.DB) *gorm.DB {
	if l.cursor == nil {
		return q
	}
	op := map[string]string{"ASC": ">", "DESC": "<"}[l.dir]
	return q.Where(fmt.Sprintf("(%s, id) %s (?, ?)", l.col, op), l.cursor...)
}

// ordered sorts q in the order being read.
func (l *listing) ordered(q *gorm.DB) *gorm.DB {
	return q.Order(l.col + " " + l.dir).Order("id " + l.dir)
}

// searchRows finds a search's page. A search the planner expects to match
// few users is probed first (see probe), which finds the page and, on a
// first page, the exact count at once. Otherwise, or when the probe finds
// more matches than it may count, a page in name order is read name by name
// where few names hold the words (see byNames). Failing that, the page's ids
// come from the page query itself: the planner then walks the sort order's
// index and tests each entry's words there (the name index carries the
// search text, so in name order that is an index-only scan), reading only
// the page's rows from the table.
func (l *listing) searchRows(page *gorm.DB) (*gorm.DB, *int64, error) {
	if probing, err := l.probing(); err != nil {
		return nil, nil, err
	} else if probing {
		ids, matches, complete, err := l.probe(l.f.Limit + 1)
		if err != nil {
			return nil, nil, err
		}
		if complete {
			var total *int64
			if l.f.Cursor == nil {
				total = &matches
			}
			return l.ordered(l.db.Model(&User{}).Where("id IN ?", ids)), total, nil
		}
	}
	ids, byName, err := l.byNames(l.f.Limit + 1)
	if err != nil {
		return nil, nil, err
	}
	if l.byName = byName; byName {
		return l.ordered(l.db.Model(&User{}).Where("id IN (?)", ids)), nil, nil
	}
	return l.ordered(l.db.Model(&User{}).Where("id IN (?)", page.Select("id"))), nil, nil
}

// probeMax is the planner's estimate up to which a search is probed. A
// substring's estimate is coarse (a row count per sampled row that matches:
// 10,000 at 10,000,000 users), so searches estimated well above the count
// cap may still be few; one that is not costs the probe's index lookup and
// up to exactCountCap rows before the page is read another way.
const probeMax = 10 * exactCountCap

// probing reports whether the search is to be probed.
func (l *listing) probing() (bool, error) {
	if l.overflown {
		return false, nil
	}
	estimate, err := l.estimated()
	return estimate <= probeMax, err
}

// probe reads the search's matches beyond the cursor when there are at most
// exactCountCap of them, and returns the first limit ids in order and how
// many match; complete is false when there are more. It looks up only the
// words' index keys in the trigram index: a trigram that most rows have
// (every seeded email holds "use" and "ser") costs a pass over most of the
// index for nothing, which made q=user4242 at 10,000,000 users read 8,362
// index pages instead of 65 (docs/PERFORMANCE.md). The whole words are then
// tested on the rows found. The candidates sit in a MATERIALIZED CTE so that
// the planner cannot fold the words' LIKEs into the index lookup.
func (l *listing) probe(limit int) (ids []int64, matches int64, complete bool, err error) {
	candidates := l.keyset(l.where(l.keys)).Select("id, " + l.col + ", search").Limit(exactCountCap + 1)
	words := strings.TrimSuffix(strings.Repeat("search LIKE ? AND ", len(l.patterns)), " AND ")
	args := []any{candidates}
	for _, p := range l.patterns {
		args = append(args, p)
	}
	args = append(args, limit)
	var rows []struct {
		ID                  *int64
		Candidates, Matches int64
	}
	err = l.db.Raw(`WITH candidates AS MATERIALIZED (?),
		hits AS (SELECT id, `+l.col+` FROM candidates WHERE `+words+`)
		SELECT page.id, counts.candidates, counts.matches
		FROM (SELECT (SELECT count(*) FROM candidates) AS candidates, (SELECT count(*) FROM hits) AS matches) AS counts
		LEFT JOIN LATERAL (SELECT id FROM hits ORDER BY `+l.col+" "+l.dir+", id "+l.dir+` LIMIT ?) AS page ON true`,
		args...).Scan(&rows).Error
	if err != nil {
		return nil, 0, false, fmt.Errorf("list users: probe: %w", err)
	}
	if len(rows) == 0 || rows[0].Candidates > exactCountCap {
		l.overflown = true
		return nil, 0, false, nil
	}
	for _, r := range rows {
		if r.ID != nil {
			ids = append(ids, *r.ID)
		}
	}
	return ids, rows[0].Matches, true, nil
}

// count counts the filter's matches exactly up to exactCountCap, and above
// that returns the planner's estimate. The estimate comes first: when it is
// far above the cap, counting to the cap would only confirm it, and for a
// broad filter on a million rows that walk costs more than the page itself
// (about 100 ms for a name matching 3% of them). A search is counted by its
// probe.
func (l *listing) count() (int64, bool, error) {
	estimate, err := l.estimated()
	if err != nil {
		return 0, false, err
	}
	if l.searching() {
		if probing, err := l.probing(); err != nil || !probing {
			return max(estimate, exactCountCap+1), true, err
		}
		l.cursor = nil // every match, not those beyond the page
		_, matches, complete, err := l.probe(0)
		if err != nil || !complete {
			return max(estimate, exactCountCap+1), true, err
		}
		return matches, false, nil
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

// likeSubstring is the LIKE pattern that matches s anywhere, literally.
func likeSubstring(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}
