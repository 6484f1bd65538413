package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/weekoffs/weekoffs/models"
)

// FuzzParseUserFilter: models.DecodeCursor never panics; what it accepts
// re-encodes to a cursor that decodes to the same position, with text that
// PostgreSQL accepts; parseUserFilter turns anything it refuses into a
// FieldErrors naming the cursor, never another error.
func FuzzParseUserFilter(f *testing.F) {
	for _, c := range []models.Cursor{
		{Sort: "name", Value: "Asha Rao", ID: 17},
		{Sort: "-email", Value: "a@example.com", ID: 1, Backward: true},
		{Sort: "created", Value: "2026-11-25T10:00:00.123456Z", ID: 9},
		{Sort: "name", Value: "a\x00b", ID: 2},
	} {
		f.Add(models.EncodeCursor(c), c.Sort, "")
	}
	f.Add("not base64!", "name", "")
	f.Add("e30", "name", "x")                                                   // {}
	f.Add("eyJzIjoibmFtZSIsInYiOiJ4IiwiaWQiOi0xfQ", "name", "")                 // id -1
	f.Add("eyJzIjoiY3JlYXRlZCIsInYiOiJ5ZXN0ZXJkYXkiLCJpZCI6MX0", "created", "") // not a time
	f.Add("", "name", "a\x00b")
	f.Add("", "-name", "\xff\xfe")
	f.Fuzz(func(t *testing.T, cursor, sort, q string) {
		c, err := models.DecodeCursor(cursor)
		if err != nil {
			if c != nil {
				t.Fatalf("models.DecodeCursor(%q) returned %+v with error %v", cursor, c, err)
			}
		} else {
			if !pgText(c.Value) {
				t.Fatalf("models.DecodeCursor(%q) accepted value %q, which PostgreSQL refuses", cursor, c.Value)
			}
			again, err := models.DecodeCursor(models.EncodeCursor(*c))
			if err != nil || *again != *c {
				t.Fatalf("cursor %+v re-encoded decodes to %+v, %v", *c, again, err)
			}
		}

		params := url.Values{"cursor": {cursor}, "sort": {sort}, "q": {q}}
		filter, fe := parseUserFilter(params)
		if fe != nil {
			if c == nil && cursor != "" && fe.For("cursor") == "" {
				t.Fatalf("parseUserFilter(%v): %v does not name the cursor", params, fe)
			}
			return
		}
		if !pgText(filter.Query) {
			t.Fatalf("parseUserFilter accepted q=%q, which PostgreSQL refuses", filter.Query)
		}
		if cursor == "" {
			if filter.Cursor != nil {
				t.Fatalf("no cursor given, got %+v", filter.Cursor)
			}
			return
		}
		if c == nil || filter.Cursor == nil || *filter.Cursor != *c || filter.Cursor.Sort != filter.Sort {
			t.Fatalf("parseUserFilter(%v) accepted cursor %+v; decodeCursor gave %+v", params, filter.Cursor, c)
		}
	})
}

// pgText reports whether PostgreSQL takes s as text (it refuses NUL and
// invalid UTF-8 with an error that would be a 500).
func pgText(s string) bool {
	return utf8.ValidString(s) && !strings.Contains(s, "\x00")
}
