package models

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// searchNamesMax is how many distinct names may hold a search's words for
// its page in name order to be read name by name: each is one descent of the
// name index (a few µs), and a search that many names hold is one whose
// matches are spread through the order, where the walk finds a page soon.
const searchNamesMax = 1000

// byNames finds a search's page in name order from the names that hold every
// word, when they are few: the matches are then gathered in a few runs of the
// name index, which the walk would reach only after passing every name before
// them (434,723 entries for "Rao Ana" among 10,000,000 seeded users, whose
// 1,200 names repeat 8,333 times each). search_names holds every name borne
// (migration 00019), so the users whose name holds every word are those with
// one of these names, read from the name index in order. A word may be in the
// email instead: every such user's email holds that word's keys (its runs
// rare among the emails, as indexKeys finds them in the emails' sample), so
// search_emails finds them as candidates, tested with the whole filter like
// the rest. ok is false, and the walk is left to find the page, when a word
// has no such keys (it is in so many emails that the walk finds a page at
// once) or there are more names or candidates than searchNamesMax and
// exactCountCap.
// It returns a query of the page's ids, in no order.
func (l *listing) byNames(limit int) (ids *gorm.DB, ok bool, err error) {
	if l.col != "full_name" {
		return nil, false, nil
	}
	var emailKeys []string
	var emailArgs []any
	for _, keys := range l.emailKeys {
		if len(keys) == 0 {
			return nil, false, nil
		}
		emailKeys = append(emailKeys, "("+strings.TrimSuffix(strings.Repeat("folded LIKE ? AND ", len(keys)), " AND ")+")")
		for _, k := range keys {
			emailArgs = append(emailArgs, k)
		}
	}
	names := l.db.Table("search_names")
	for _, p := range l.patterns {
		names = names.Where("folded LIKE ?", p)
	}
	var held []string
	if err := names.Limit(searchNamesMax+1).Pluck("full_name", &held).Error; err != nil {
		return nil, false, fmt.Errorf("list users: names: %w", err)
	}
	if len(held) > searchNamesMax {
		return nil, false, nil
	}
	var candidates []int64
	err = l.db.Table("search_emails").Where(strings.Join(emailKeys, " OR "), emailArgs...).
		Limit(exactCountCap+1).Pluck("user_id", &candidates).Error
	if err != nil {
		return nil, false, fmt.Errorf("list users: emails: %w", err)
	}
	if len(candidates) > exactCountCap {
		return nil, false, nil
	}

	var parts []*gorm.DB
	if len(held) > 0 {
		// Everyone with such a name matches every word, so the words are not
		// tested again: with them, a prepared statement's generic plan (pgx
		// prepares, and PostgreSQL plans the sixth run alike for any values)
		// fetched every match through the trigram index and sorted them,
		// 80–680 ms for "Rao Ana" at 10,000,000 users.
		parts = append(parts, l.ordered(l.keyset(l.where(nil).Where("full_name IN ?", held))).Select("id, full_name").Limit(limit))
	}
	if len(candidates) > 0 {
		parts = append(parts, l.ordered(l.keyset(l.filtered().Where("id IN ?", candidates))).Select("id, full_name").Limit(limit))
	}
	switch len(parts) {
	case 0:
		return l.db.Model(&User{}).Select("id").Where("false"), true, nil
	case 1:
		return parts[0].Select("id"), true, nil
	}
	return l.db.Raw("SELECT id FROM ((?) UNION (?)) AS m ORDER BY full_name "+l.dir+", id "+l.dir+" LIMIT ?",
		parts[0], parts[1], limit), true, nil
}
