package models

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// Limits of one import. A file of 100,000 users as the export writes them
// is about 25 MB; the limits leave room for longer names and rules, and
// keep what one request may make the server hold bounded.
const (
	// ImportMaxBytes bounds an uploaded file.
	ImportMaxBytes = 32 << 20
	// ImportMaxRows bounds the users of one import (the header not counted).
	ImportMaxRows = 100_000
)

// ImportRow is one user of an import file: Email always, the other fields
// only when the file gives them (nil: leave as it is, or the default for a
// new user).
//
// Its JSON is the shape an import job keeps its rows in until it runs,
// though made and read in SQL (importItemsSQL, loadJobRowsSQL).
type ImportRow struct {
	// Row is the row's number in the file, the header being row 1.
	Row      int     `json:"row"`
	Email    string  `json:"email"`
	FullName *string `json:"full_name,omitempty"`
	Role     *Role   `json:"role,omitempty"`
	// Team is the team's name; "" for no team.
	Team     *string `json:"team,omitempty"`
	IsActive *bool   `json:"is_active,omitempty"`
	// Rules are the user's days off, from the rules or the weekoffs column.
	Rules         *schedule.Rules `json:"rules,omitempty"`
	EffectiveFrom *schedule.Date  `json:"effective_from,omitempty"`
}

// ImportError is one problem of an import file: its row (1 is the header),
// its column, and what is wrong in plain words.
type ImportError struct {
	Row   int    `json:"row"`
	Field string `json:"field"`
	Msg   string `json:"msg"`
}

// importColumns are the columns an import reads; importIgnored those the
// export writes that an import does not (the id is the database's, the
// pattern is the rules in words, the creation time is history).
var (
	importColumns = []string{"email", "full_name", "role", "team", "is_active", "weekoffs", "rules", "effective_from"}
	importIgnored = []string{"id", "pattern", "created_at"}
)

// ErrImportTooLarge means a file has more rows than ImportMaxRows.
var ErrImportTooLarge = fmt.Errorf("a file may hold at most %d users", ImportMaxRows)

// ParseUsersCSV reads an import file: a header row naming the columns (in
// any order; email required), then one user a row. It takes off a UTF-8
// byte-order mark and the quote that the export puts before a cell a
// spreadsheet would run as a formula, and accepts CRLF line ends and
// quoted fields. Every problem found is returned with its row; rows with a
// problem are left out of its Rows. A file with more than ImportMaxRows
// users is ErrImportTooLarge; a failure of r itself is returned as it is.
func ParseUsersCSV(r io.Reader) (*ImportFile, error) {
	br := newBOMSkipper(r)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // a ragged row is the row's problem, said in words
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &ImportFile{Errors: []ImportError{{Row: 1, Field: "", Msg: "The file is empty; it needs a header row such as email,full_name,role"}}}, nil
	}
	if err != nil {
		if !isCSVProblem(err) {
			return nil, err
		}
		return &ImportFile{Errors: []ImportError{csvProblem(err, 1)}}, nil
	}
	cols, errs := importHeader(slices.Clone(header))
	if errs != nil {
		return &ImportFile{Errors: errs}, nil
	}
	p := newRowParser(cols)
	f := &ImportFile{}
	for line := 2; ; line++ {
		record, err := cr.Read()
		if err == nil {
			// The line the row starts on, as a spreadsheet numbers its rows
			// (encoding/csv skips blank lines).
			line, _ = cr.FieldPos(0)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !isCSVProblem(err) {
				return nil, err // the reader's own failure: a body cut short, too large
			}
			// A broken quote leaves the rest of the file unreadable.
			errs = append(errs, csvProblem(err, line))
			break
		}
		if len(record) == 1 && strings.TrimSpace(record[0]) == "" && cols.width > 1 {
			continue // a blank line, as spreadsheets leave at the end
		}
		if f.Count++; f.Count > ImportMaxRows {
			return nil, ErrImportTooLarge
		}
		row, rowErrs := p.parse(line, record)
		if rowErrs != nil {
			errs = append(errs, rowErrs...)
			continue
		}
		f.Rows = append(f.Rows, row)
	}
	f.Errors = errs
	return f, nil
}

// isCSVProblem reports whether err is the file's fault, not its reader's.
func isCSVProblem(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

// csvProblem says what encoding/csv found wrong, at its line.
func csvProblem(err error, row int) ImportError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		row = pe.StartLine
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			return ImportError{Row: row, Msg: "A quote is not closed or stands inside a cell that is not quoted; the rest of the file could not be read"}
		}
	}
	return ImportError{Row: row, Msg: "The file could not be read as CSV"}
}

// importCols maps each column an import reads to its place in a row.
type importCols struct {
	index map[string]int
	width int
}

// importHeader reads the header row.
func importHeader(header []string) (importCols, []ImportError) {
	cols := importCols{index: map[string]int{}, width: len(header)}
	var errs []ImportError
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			errs = append(errs, ImportError{Row: 1, Field: "", Msg: fmt.Sprintf("Column %d has no name", i+1)})
		case slices.Contains(importIgnored, name):
		case !slices.Contains(importColumns, name):
			errs = append(errs, ImportError{Row: 1, Field: truncateText(name, 40), Msg: fmt.Sprintf("Unknown column %q; the columns are %s", truncateText(h, 40), strings.Join(importColumns, ", "))})
		case cols.has(name):
			errs = append(errs, ImportError{Row: 1, Field: name, Msg: fmt.Sprintf("The column %s appears twice", name)})
		default:
			cols.index[name] = i
		}
	}
	if !cols.has("email") {
		errs = append(errs, ImportError{Row: 1, Field: "email", Msg: "The header row has no email column; it is the one column every file needs"})
	}
	return cols, errs
}

func (c importCols) has(name string) bool { _, ok := c.index[name]; return ok }

// rowParser reads the rows after the header, remembering the emails seen.
type rowParser struct {
	cols importCols
	seen map[string]int
	// rules remembers the rules cells already read: a file has few
	// distinct ones and many rows, and reading rules costs more than the
	// rest of a row. At most rulesCacheMax, so memory stays bounded.
	rules map[string]rulesCell
}

type rulesCell struct {
	rules    schedule.Rules
	problems []schedule.Problem
}

const rulesCacheMax = 1024

func newRowParser(cols importCols) rowParser {
	return rowParser{cols: cols, seen: map[string]int{}, rules: map[string]rulesCell{}}
}

// parseRules reads a rules cell, from the cache when it can.
func (p *rowParser) parseRules(text string) (schedule.Rules, []schedule.Problem) {
	if c, ok := p.rules[text]; ok {
		return slices.Clone(c.rules), c.problems
	}
	rules, problems := schedule.ParseRules(json.RawMessage(text), 7)
	if len(p.rules) < rulesCacheMax {
		p.rules[text] = rulesCell{rules: slices.Clone(rules), problems: problems}
	}
	return rules, problems
}

// parse reads one row.
func (p *rowParser) parse(line int, record []string) (ImportRow, []ImportError) {
	var errs []ImportError
	bad := func(field, msg string) { errs = append(errs, ImportError{Row: line, Field: field, Msg: msg}) }
	if len(record) != p.cols.width {
		bad("", fmt.Sprintf("This row has %d cells and the header %d", len(record), p.cols.width))
		return ImportRow{}, errs
	}
	cell := func(name string) (string, bool) {
		i, ok := p.cols.index[name]
		if !ok {
			return "", false
		}
		return uncell(record[i]), true
	}
	row := ImportRow{Row: line}
	raw, _ := cell("email")
	email, fe := parseEmail(raw)
	switch {
	case strings.TrimSpace(raw) == "":
		bad("email", "Email is empty")
	case fe != nil:
		bad("email", "This is not an email address such as name@example.com")
	default:
		if first, dup := p.seen[email]; dup {
			bad("email", fmt.Sprintf("%s is also on row %d; give each person one row", email, first))
		} else {
			p.seen[email] = line
		}
	}
	row.Email = email
	if v, ok := cell("full_name"); ok && strings.TrimSpace(v) != "" {
		name, fe := parseFullName(v)
		if fe != nil {
			bad("full_name", fe[0].Msg)
		}
		row.FullName = &name
	}
	if v, ok := cell("role"); ok && strings.TrimSpace(v) != "" {
		role, ok := ParseRole(v)
		if !ok {
			bad("role", "Choose admin or employee")
		}
		row.Role = &role
	}
	if v, ok := cell("team"); ok {
		name := strings.TrimSpace(v)
		if !IsText(name) {
			bad("team", "The team's name should be UTF-8 text without NUL characters")
		}
		row.Team = &name
	}
	if v, ok := cell("is_active"); ok && strings.TrimSpace(v) != "" {
		active, ok := parseYesNo(v)
		if !ok {
			bad("is_active", "Write true or false (or yes or no)")
		}
		row.IsActive = &active
	}
	rules, ruleErrs := parseImportRules(cell, p.parseRules)
	for _, e := range ruleErrs {
		bad(e.Field, e.Msg)
	}
	row.Rules = rules
	if v, ok := cell("effective_from"); ok && strings.TrimSpace(v) != "" {
		d, err := schedule.ParseDate(strings.TrimSpace(v))
		if err != nil {
			bad("effective_from", "Write the date as YYYY-MM-DD, such as 2027-01-31")
		}
		row.EffectiveFrom = &d
	}
	return row, errs
}

// parseImportRules reads a row's days off: the rules column's JSON, or the
// weekoffs column's day names (every week, whole days). An empty cell gives
// nothing; when both are given their days must agree.
func parseImportRules(cell func(string) (string, bool), parse func(string) (schedule.Rules, []schedule.Problem)) (*schedule.Rules, []ImportError) {
	var errs []ImportError
	var fromRules, fromDays *schedule.Rules
	if v, _ := cell("rules"); strings.TrimSpace(v) != "" {
		rules, problems := parse(v)
		for _, pr := range problems {
			errs = append(errs, ImportError{Field: "rules", Msg: ruleProblem(pr)})
		}
		if problems == nil {
			fromRules = &rules
		}
	}
	if v, _ := cell("weekoffs"); strings.TrimSpace(v) != "" {
		var days []schedule.Rule
		seen := map[string]bool{}
		for _, name := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
			d, ok := schedule.ParseDay(name)
			switch {
			case !ok:
				errs = append(errs, ImportError{Field: "weekoffs", Msg: fmt.Sprintf("%q is not a day; write days such as saturday sunday", truncateText(name, 20))})
			case seen[schedule.DayName(d)]:
				errs = append(errs, ImportError{Field: "weekoffs", Msg: fmt.Sprintf("%s is given twice", schedule.DayName(d))})
			default:
				seen[schedule.DayName(d)] = true
				days = append(days, schedule.Rule{Day: d, Part: schedule.Full})
			}
		}
		rules := schedule.EveryWeek(schedule.Rules(days).Days())
		fromDays = &rules
	}
	if errs != nil {
		return nil, errs
	}
	if fromRules != nil && fromDays != nil && !slices.Equal(fromRules.Days(), fromDays.Days()) {
		return nil, []ImportError{{Field: "weekoffs", Msg: "The weekoffs and the rules name different days; give one of them, or make them agree"}}
	}
	if fromRules != nil {
		return fromRules, nil
	}
	return fromDays, nil
}

// ruleProblem says a problem of the rules column with the rule it is in.
func ruleProblem(pr schedule.Problem) string {
	if len(pr.Path) > 0 {
		if i, ok := pr.Path[0].(int); ok {
			return fmt.Sprintf("Rule %d: %s", i+1, pr.Msg)
		}
	}
	return pr.Msg
}

// parseYesNo reads a boolean as people and spreadsheets write it.
func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "active":
		return true, true
	case "false", "no", "n", "0", "inactive":
		return false, true
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return b, err == nil
}

// uncell takes off the quote that CSVCell puts before a cell starting with
// a formula's first character, and only then: a name such as O'Brien, or
// a cell a person began with a quote for another reason, stays as it is.
func uncell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// truncateText shortens s to at most n characters, for quoting input back.
func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// bomSkipper reads r without a leading UTF-8 byte-order mark.
type bomSkipper struct {
	r       io.Reader
	started bool
}

func newBOMSkipper(r io.Reader) *bomSkipper { return &bomSkipper{r: r} }

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.started {
		return b.r.Read(p)
	}
	b.started = true
	var head [3]byte
	n, err := io.ReadFull(b.r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	rest := head[:n]
	if bytes.Equal(rest, []byte(csvBOM)) {
		rest = nil
	}
	b.r = io.MultiReader(bytes.NewReader(rest), b.r)
	return b.r.Read(p)
}
