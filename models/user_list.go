package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of the admin user list.
const (
	ListLimitDefault = 50
	ListLimitMax     = 200
	// exactCountCap is how many matching rows are counted exactly; above it
	// the total is the planner's estimate, so a page never counts a million
	// rows. Counting costs a pass over the matches: 10,000 cost over 100 ms
	// on the benchmark machine, 1,000 a few (docs/PERFORMANCE.md). It is
	// 2,000 so that an email fragment such as user4242 (1,111 of 10,000,000
	// seeded users) is still found and counted by the search's probe.
	exactCountCap = 2000
)

// UserSort is one order of the admin user list: the key the address names
// (sort=name, or sort=-name for descending), the column with its (column, id)
// index for keyset paging, the table heading, and its name in a sentence.
type UserSort struct {
	Key, Column, Label, Words string
	value                     func(*User) string // the cursor's text of a row's sort value
}

// UserSorts returns the list's orders, in the order of the table's columns.
func UserSorts() []UserSort {
	return []UserSort{
		{Key: "name", Column: "full_name", Label: "Name", Words: "name",
			value: func(u *User) string { return u.FullName }},
		{Key: "email", Column: "email", Label: "Email", Words: "email",
			value: func(u *User) string { return u.Email }},
		{Key: "created", Column: "created_at", Label: "Joined", Words: "date joined",
			value: func(u *User) string { return u.CreatedAt.UTC().Format(time.RFC3339Nano) }},
	}
}

// UserSortOf reads a sort parameter: its order, whether it is descending,
// and whether it names an order at all.
func UserSortOf(sort string) (UserSort, bool, bool) {
	key, desc := strings.CutPrefix(sort, "-")
	for _, o := range UserSorts() {
		if o.Key == key {
			return o, desc, true
		}
	}
	return UserSort{}, false, false
}

// UserFilter selects and orders a page of the admin user list.
type UserFilter struct {
	Limit   int
	Query   string  // words, each a substring of email or name in any case, accents ignored
	Role    Role    // "" for any
	Weekoff Weekday // "" for any
	Team    *int64  // nil for any; 0 for users in no team
	Sort    string  // name, email or created; "-" prefix for descending
	Cursor  *Cursor // nil for the first page
}

// Cursor is a position in the list: the sort value and id of the row next to
// it, and whether the page runs backwards from it.
type Cursor struct {
	Sort     string `json:"s"`
	Value    string `json:"v"`
	ID       int64  `json:"id"`
	Backward bool   `json:"b,omitempty"`
}

// UserPage is one page of users with the cursors around it and the match count.
type UserPage struct {
	Items           []User
	Next, Prev      string // opaque cursors; "" where there is no such page
	Total           int64
	TotalIsEstimate bool
}

// EncodeCursor makes the opaque text form of a cursor.
func EncodeCursor(c Cursor) string {
	b, _ := json.Marshal(c) // a struct of strings and numbers always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor's text form, refusing one whose sort, id or
// value could not have come from EncodeCursor.
func DecodeCursor(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	if _, _, ok := UserSortOf(c.Sort); !ok || c.ID < 1 {
		return nil, fmt.Errorf("cursor: bad sort or id")
	}
	if !IsText(c.Value) {
		return nil, fmt.Errorf("cursor: value is not text")
	}
	if strings.TrimPrefix(c.Sort, "-") == "created" {
		if _, err := time.Parse(time.RFC3339Nano, c.Value); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// ListUsers returns one page of users by keyset: the rows after (or before)
// the cursor's position, never an OFFSET, so a deep page costs what the first does.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) (UserPage, error) {
	l, err := s.newListing(ctx, f)
	if err != nil {
		return UserPage{}, err
	}
	return l.page()
}

// page reads the listing's page, its cursors and its total.
func (l *listing) page() (UserPage, error) {
	f := l.f
	backward := f.Cursor != nil && f.Cursor.Backward
	rows := l.ordered(l.keyset(l.filtered())).Limit(f.Limit + 1)
	var counted *int64 // every match, when the search's probe counted them
	var err error
	if l.searching() {
		if rows, counted, err = l.searchRows(rows); err != nil {
			return UserPage{}, err
		}
	}
	var users []User
	if err := rows.Select(userColumns).Find(&users).Error; err != nil {
		return UserPage{}, fmt.Errorf("list users: %w", err)
	}
	more := len(users) > f.Limit
	if more {
		users = users[:f.Limit]
	}
	if backward {
		slices.Reverse(users)
	}

	page := UserPage{Items: users}
	if len(users) > 0 {
		first, last := users[0], users[len(users)-1]
		if more || backward {
			page.Next = EncodeCursor(cursorAt(f.Sort, &last, false))
		}
		if (backward && more) || (!backward && f.Cursor != nil) {
			page.Prev = EncodeCursor(cursorAt(f.Sort, &first, true))
		}
	}
	switch {
	case counted != nil:
		page.Total = *counted
		return page, nil
	case f.Cursor == nil && !more:
		// The first page holds every match: that is the exact count.
		page.Total = int64(len(users))
		return page, nil
	}
	page.Total, page.TotalIsEstimate, err = l.count()
	return page, err
}

// cursorAt is the position of u in the given sort order.
func cursorAt(sort string, u *User, backward bool) Cursor {
	order, _, _ := UserSortOf(sort)
	return Cursor{Sort: sort, Value: order.value(u), ID: u.ID, Backward: backward}
}

// IsText reports whether PostgreSQL accepts s as text: valid UTF-8 with no
// NUL, which it refuses (22021) and which would otherwise be a 500.
func IsText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
