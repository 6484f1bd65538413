package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// commonTrigram is the share of rows above which a trigram is left out of a
// search's index lookup: its posting list is most of the index.
const commonTrigram = 0.10

// sampleMaxAge is how long a sample of the search texts is used before it is
// read again; the planner's statistics it comes from change as slowly.
const sampleMaxAge = 10 * time.Minute

// searchSampler keeps a sample of one column's stored search texts: the
// planner's histogram of it, about a thousand rows spread over the table
// (users.search has a larger statistics target, migration 00006), read at
// most every sampleMaxAge.
type searchSampler struct {
	mu    sync.Mutex
	texts []string
	read  time.Time
}

// searchSample returns the sample of users.search.
func (s *Store) searchSample(ctx context.Context) ([]string, error) {
	return s.sample(ctx, &s.sampler, "users", "search")
}

// emailSample returns the sample of search_emails.folded.
func (s *Store) emailSample(ctx context.Context) ([]string, error) {
	return s.sample(ctx, &s.emailSampler, "search_emails", "folded")
}

// sample returns sm's sample of a table's column, reading it again when it
// is old. A table not analysed yet has none: then every trigram counts as rare.
func (s *Store) sample(ctx context.Context, sm *searchSampler, table, column string) ([]string, error) {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if !sm.read.IsZero() && time.Since(sm.read) < sampleMaxAge {
		return sm.texts, nil
	}
	conn, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	var texts []string
	err = conn.QueryRow(ctx, `SELECT histogram_bounds::text::text[] FROM pg_stats
		WHERE schemaname = current_schema() AND tablename = $1 AND attname = $2`, table, column).Scan(&texts)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("list users: sample %s.%s: %w", table, column, err)
	}
	sm.texts, sm.read = texts, time.Now()
	return texts, nil
}

// indexKeys are the parts of a folded search word worth looking up in the
// trigram index: the longest runs of letters and digits in it whose every
// trigram fewer than commonTrigram of the sampled rows hold. Each is a
// substring of the word, so a row holding the word holds each key; the word
// itself is then tested on the rows the keys find. For "user4242" among
// seeded emails, all "user<n>@example.com", that is "r4242". A word with no
// rare trigram has no keys.
func indexKeys(word string, sample []string) []string {
	var keys []string
	for _, run := range strings.FieldsFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(run)
		start := -1 // where the current key's first rare trigram starts
		for i := 0; i+3 <= len(rs); i++ {
			if rareIn(string(rs[i:i+3]), sample) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				keys = append(keys, string(rs[start:i+2]))
				start = -1
			}
		}
		if start >= 0 {
			keys = append(keys, string(rs[start:]))
		}
	}
	return keys
}

// rareIn reports whether fewer than commonTrigram of the sample hold t.
func rareIn(t string, sample []string) bool {
	holding := 0
	for _, s := range sample {
		if strings.Contains(s, t) {
			holding++
		}
	}
	return float64(holding) < commonTrigram*float64(len(sample)) || len(sample) == 0
}
