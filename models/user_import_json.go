package models

import (
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ErrImportNotJSON means a JSON import's body is not {"rows": [...]}.
var ErrImportNotJSON = errors.New(`Input should be a JSON object {"rows": [{"email": ...}, ...]}`)

// ParseUsersJSON reads an import sent as JSON, {"rows": [{"email": ...}]},
// each row an object with the CSV file's columns as members (weekoffs a
// list of day names or a text, rules a list of rules, is_active a boolean,
// team null for none). Rows are numbered as a file's would be, the first
// being row 2 (a file's row 1 is its header), so that both say the same.
func ParseUsersJSON(r io.Reader) (*ImportFile, error) {
	var body struct {
		Rows []map[string]json.RawMessage `json:"rows"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&body); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrImportNotJSON
		}
		return nil, err // the body's own failure: too large, cut short
	}
	if body.Rows == nil {
		return nil, ErrImportNotJSON
	}
	if len(body.Rows) > ImportMaxRows {
		return nil, ErrImportTooLarge
	}
	f := &ImportFile{Count: len(body.Rows)}
	p := newRowParser(importCols{})
	for i, members := range body.Rows {
		line := i + 2
		if days, ok := members["weekoffs"]; ok && strings.ReplaceAll(string(days), " ", "") == "[]" {
			// No days off: what a file says with rules [], as its weekoffs cell cannot.
			delete(members, "weekoffs")
			if _, ok := members["rules"]; !ok {
				members["rules"] = json.RawMessage("[]")
			}
		}
		cols := importCols{index: map[string]int{}}
		var record []string
		var errs []ImportError
		for _, name := range slices.Sorted(mapKeys(members)) {
			cell, msg := jsonCell(name, members[name])
			switch {
			case !slices.Contains(importColumns, name) && !slices.Contains(importIgnored, name):
				errs = append(errs, ImportError{Row: line, Field: truncateText(name, 40), Msg: "Unknown member; the members are " + strings.Join(importColumns, ", ")})
			case msg != "":
				errs = append(errs, ImportError{Row: line, Field: name, Msg: msg})
			case cell != nil:
				cols.index[name] = len(record)
				record = append(record, *cell)
			}
		}
		if !cols.has("email") && !slices.ContainsFunc(errs, func(e ImportError) bool { return e.Field == "email" }) {
			errs = append(errs, ImportError{Row: line, Field: "email", Msg: "Email is missing"})
		}
		if errs != nil {
			f.Errors = append(f.Errors, errs...)
			continue
		}
		cols.width = len(record)
		p.cols = cols
		row, rowErrs := p.parse(line, record)
		if rowErrs != nil {
			f.Errors = append(f.Errors, rowErrs...)
			continue
		}
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

func mapKeys(m map[string]json.RawMessage) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// jsonCell turns a JSON row's member into the cell a file would hold; nil
// for a member that gives nothing (null, except team's, which is no team).
func jsonCell(name string, raw json.RawMessage) (*string, string) {
	text := strings.TrimSpace(string(raw))
	if text == "null" {
		if name == "team" {
			empty := ""
			return &empty, ""
		}
		return nil, ""
	}
	switch name {
	case "rules":
		return &text, ""
	case "is_active":
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, "Input should be true or false"
		}
		s := strconv.FormatBool(b)
		return &s, ""
	case "weekoffs":
		var days []string
		if json.Unmarshal(raw, &days) == nil {
			s := strings.Join(days, " ")
			return &s, ""
		}
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, "Input should be text"
	}
	return &s, ""
}
