package models_test

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// planUsers is big enough that the planner prefers an index to reading the
// whole table (on an empty or tiny table a sequential scan wins and proves
// nothing), and small enough to seed in a second or two.
const planUsers = 30000

// seededStore is a fresh store with planUsers users.
func seededStore(t *testing.T) *models.Store {
	t.Helper()
	s := modelstest.Store(t)
	if _, err := s.Seed(context.Background(), planUsers, "plan-password", nil); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s
}

// TestListUsersPlans runs each kind of admin-list page against a seeded table
// and asserts, with EXPLAIN of the very SQL that ListUsers sent, that the
// page is read through its index rather than by scanning and sorting the table.
func TestListUsersPlans(t *testing.T) {
	t.Parallel()
	s := seededStore(t)
	ctx := context.Background()
	captured := captureQueries(t, s.GormDB())

	// A cursor 90% of the way down the name order.
	var deep struct {
		FullName string
		ID       int64
	}
	if err := s.GormDB().Raw("SELECT full_name, id FROM users ORDER BY full_name, id OFFSET ? LIMIT 1", planUsers*9/10).Scan(&deep).Error; err != nil {
		t.Fatal(err)
	}
	deepCursor := models.EncodeCursor(models.Cursor{Sort: "name", Value: deep.FullName, ID: deep.ID})
	// The second page of a broad search (every seeded email holds
	// "example"), which is found without counting.
	first, err := s.ListUsers(ctx, models.UserFilter{Limit: models.ListLimitDefault, Sort: "name", Query: "example"})
	if err != nil || first.Next == "" {
		t.Fatalf("first page of q=example: next %q, err %v", first.Next, err)
	}

	cases := []struct {
		name  string
		query string
		index []string // the plan must use one of these
	}{
		{"FirstPageByName", "", []string{"users_full_name_id_search_idx"}},
		{"FirstPageByNameDesc", "sort=-name", []string{"users_full_name_id_search_idx"}},
		{"FirstPageByEmail", "sort=email", []string{"users_email_key"}},
		{"FirstPageByCreated", "sort=created", []string{"users_created_at_id_idx"}},
		{"FirstPageByCreatedDesc", "sort=-created", []string{"users_created_at_id_idx"}},
		// A search that few users match is probed through the trigram index,
		// which is asked only for the rare part of the word: every seeded
		// email holds "user", so the index looks up "r1234".
		{"SearchEmail", "q=user1234", []string{"users_search_trgm_idx"}},
		{"SearchName", "q=okafor", []string{"users_search_trgm_idx"}},
		{"SearchAccentedName", "q=GARCÍA", []string{"users_search_trgm_idx"}},
		{"SearchTwoWords", "q=" + url.QueryEscape("Rao Ana"), []string{"users_search_trgm_idx"}},
		// A broad search walks the name index and tests each entry's search
		// text there, without reading the table (an index-only scan).
		{"SearchBroad", "q=example", []string{"Index Only Scan using users_full_name_id_search_idx"}},
		{"SearchBroadNextPage", "q=example&cursor=" + url.QueryEscape(first.Next), []string{"Index Only Scan using users_full_name_id_search_idx"}},
		// Every weekday is common in the seed (at least a tenth of the users),
		// so walking the name index and filtering beats the GIN index there.
		{"Weekoff", "weekoff=wednesday", []string{"users_weekoffs_idx", "users_full_name_id_search_idx"}},
		{"WeekoffAndSearch", "weekoff=tuesday&q=user12", []string{"users_weekoffs_idx", "users_search_trgm_idx"}},
		{"DeepCursor", "cursor=" + url.QueryEscape(deepCursor), []string{"users_full_name_id_search_idx"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := filterOf(t, tc.query)
			captured.reset()
			page, err := s.ListUsers(ctx, f)
			if err != nil {
				t.Fatalf("ListUsers: %v", err)
			}
			if len(page.Items) == 0 {
				t.Fatalf("ListUsers(%q) found nobody; the plan of an empty result proves little", tc.query)
			}
			sql, vars := captured.pageQuery(t)
			plan := explain(t, s, sql, vars)
			t.Logf("%s\n%s", sql, plan)
			if strings.Contains(plan, "Seq Scan") {
				t.Errorf("plan reads the whole table:\n%s\n%s", sql, plan)
			}
			if !usesAny(plan, tc.index) {
				t.Errorf("plan uses none of %v:\n%s\n%s", tc.index, sql, plan)
			}
			if tc.name == "DeepCursor" && !strings.Contains(plan, "Index Cond: (ROW(full_name, id) >") {
				t.Errorf("deep cursor does not seek in the index:\n%s", plan)
			}
			wantCond := map[string]string{
				"SearchEmail":        "Index Cond: (search ~~ '%r1234%'::text)",
				"SearchAccentedName": "Index Cond: (search ~~ '%garcia%'::text)",
				"SearchTwoWords":     "Index Cond: ((search ~~ '%rao%'::text) AND (search ~~ '%ana%'::text))",
			}[tc.name]
			if !strings.Contains(plan, wantCond) {
				t.Errorf("the trigram index is not asked for %s:\n%s", wantCond, plan)
			}
		})
	}
}

// TestListUsersTotals checks both ways the list's total is found on a
// seeded table: exactly up to the cap, and from the planner's estimate when
// that is far above it (without counting).
func TestListUsersTotals(t *testing.T) {
	t.Parallel()
	s := seededStore(t)
	ctx := context.Background()
	cases := []struct {
		name     string
		query    string
		where    string // the same condition in SQL, for the true count
		estimate bool
	}{
		{"AllIsEstimated", "", "true", true},
		// 111 matches: more than a page, fewer than the cap.
		{"SearchIsExact", "q=user123", "email LIKE '%user123%'", false},
		// A tenth of the users, far above the cap.
		{"WeekoffIsEstimated", "weekoff=wednesday", "weekoffs @> '{wednesday}'", true},
		{"SmallSearchIsExact", "q=user1234", "email LIKE '%user1234%'", false},
		// About 1,000 Okafors: more than a page, counted by the probe.
		{"NameSearchIsExact", "q=okafor", "full_name LIKE '%Okafor'", false},
		// 11,111 users: the probe finds more than it may count.
		{"LargeSearchIsEstimated", "q=user1", "email LIKE '%user1%'", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want int64
			if err := s.GormDB().Raw("SELECT count(*) FROM users WHERE " + tc.where).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			f := filterOf(t, tc.query)
			page, err := s.ListUsers(ctx, f)
			if err != nil {
				t.Fatalf("ListUsers: %v", err)
			}
			if page.TotalIsEstimate != tc.estimate {
				t.Fatalf("total_is_estimate: got %v, want %v (total %d, true count %d)", page.TotalIsEstimate, tc.estimate, page.Total, want)
			}
			switch {
			case !tc.estimate && page.Total != want:
				t.Errorf("total: got %d, want exactly %d", page.Total, want)
			case tc.estimate && (page.Total < want*9/10 || page.Total > want*11/10):
				t.Errorf("estimated total: got %d, want within 10%% of %d", page.Total, want)
			}
		})
	}
}

// TestListUsersSearchPages pages through searches found each way (the
// probe, and the walk when the probe finds too many) and compares them with
// the same search done by hand in SQL: every match once, in name order, with
// the same total on every page.
func TestListUsersSearchPages(t *testing.T) {
	t.Parallel()
	s := seededStore(t)
	ctx := context.Background()
	for _, tc := range []struct{ query, where string }{
		{"okafor", "search LIKE '%okafor%'"},
		{"GARCÍA ana", "search LIKE '%garcia%' AND search LIKE '%ana%'"},
		{"user1", "search LIKE '%user1%'"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var want []int64
			if err := s.GormDB().Raw("SELECT id FROM users WHERE " + tc.where + " ORDER BY full_name, id LIMIT 600").Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			f := models.UserFilter{Limit: 23, Sort: "name", Query: tc.query}
			var got []int64
			var totals []int64
			var pages []models.UserPage
			for len(got) < len(want) {
				page, err := s.ListUsers(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range page.Items {
					got = append(got, u.ID)
				}
				totals, pages = append(totals, page.Total), append(pages, page)
				if page.Next == "" {
					break
				}
				if f.Cursor, err = models.DecodeCursor(page.Next); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got[:min(len(got), len(want))], want) || len(got) < len(want) {
				t.Errorf("got %d ids, want the first %d in name order", len(got), len(want))
			}
			if slices.Min(totals) != slices.Max(totals) {
				t.Errorf("the total changes from page to page: %v", totals)
			}
			if len(pages) < 2 {
				t.Fatalf("one page only: the search proves nothing about paging")
			}
			// Back from the second page is the first again.
			var err error
			if f.Cursor, err = models.DecodeCursor(pages[1].Prev); err != nil {
				t.Fatal(err)
			}
			back, err := s.ListUsers(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if ids := userIDs(back.Items); !slices.Equal(ids, userIDs(pages[0].Items)) || back.Prev != "" {
				t.Errorf("previous from the second page: got %d ids (prev %q), want the first page", len(ids), back.Prev)
			}
		})
	}
}

func userIDs(users []models.User) []int64 {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

// queries records the SELECTs a GORM handle runs, with their bound values.
type queries struct {
	mu   sync.Mutex
	seen []query
}

type query struct {
	sql  string
	vars []any
}

func captureQueries(t *testing.T, db *gorm.DB) *queries {
	t.Helper()
	q := &queries{}
	capture := func(tx *gorm.DB) {
		if tx.DryRun {
			return // a subquery being rendered into its outer query
		}
		q.mu.Lock()
		defer q.mu.Unlock()
		q.seen = append(q.seen, query{tx.Statement.SQL.String(), append([]any(nil), tx.Statement.Vars...)})
	}
	// Find runs the query callbacks; Raw(…).Scan the row callbacks.
	if err := db.Callback().Query().After("gorm:query").Register("plan_test:capture", capture); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Row().After("gorm:row").Register("plan_test:capture", capture); err != nil {
		t.Fatal(err)
	}
	return q
}

func (q *queries) reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seen = nil
}

// pageQuery is the query that read the page's rows: the one with ORDER BY.
func (q *queries) pageQuery(t *testing.T) (string, []any) {
	t.Helper()
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, s := range q.seen {
		if strings.Contains(s.sql, "ORDER BY") {
			return s.sql, s.vars
		}
	}
	t.Fatalf("no page query among %d captured", len(q.seen))
	return "", nil
}

func explain(t *testing.T, s *models.Store, sql string, vars []any) string {
	t.Helper()
	rows, err := s.Pool().Query(context.Background(), "EXPLAIN "+sql, vars...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", sql, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func usesAny(plan string, indexes []string) bool {
	for _, idx := range indexes {
		if strings.Contains(plan, idx+" ") || strings.Contains(plan, " on "+idx) {
			return true
		}
	}
	return false
}

// filterOf is the list filter of a query string such as "q=okafor&sort=-name",
// as the web layer reads it from a valid address.
func filterOf(t *testing.T, query string) models.UserFilter {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f := models.UserFilter{Limit: models.ListLimitDefault, Sort: cmp.Or(q.Get("sort"), "name"),
		Query: q.Get("q"), Weekoff: models.Weekday(q.Get("weekoff"))}
	if c := q.Get("cursor"); c != "" {
		if f.Cursor, err = models.DecodeCursor(c); err != nil {
			t.Fatalf("cursor of %q: %v", query, err)
		}
	}
	return f
}
