package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors of the model layer; the web layer maps each to one status.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrLastAdmin = errors.New("cannot demote or deactivate the last active admin")
	ErrPassword  = errors.New("incorrect password")
	// ErrInactive means the password was right but the account is deactivated.
	ErrInactive = errors.New("account deactivated")
	// ErrStale means the user changed since the version the caller read.
	ErrStale = errors.New("changed by someone else")
)

// FieldError is one problem with one input field, in the shape of FastAPI's
// validation errors: Loc is the path to the field (names and list indexes).
type FieldError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// FieldErrors is a validation failure: every problem found in one input.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	msgs := make([]string, len(e))
	for i, fe := range e {
		msgs[i] = fe.Msg
	}
	return "invalid input: " + strings.Join(msgs, "; ")
}

// For returns the first message about the named top-level field, for showing
// beside a form input, or "".
func (e FieldErrors) For(field string) string {
	for _, fe := range e {
		if len(fe.Loc) > 0 && fe.Loc[0] == field {
			return fe.Msg
		}
	}
	return ""
}

// invalid builds a one-problem validation error.
func invalid(field, msg, typ string) FieldErrors {
	return FieldErrors{{Loc: []any{field}, Msg: msg, Type: typ}}
}

// ErrUnavailable marks errors where the database could not be reached in time.
var ErrUnavailable = errors.New("database unavailable")

// unavailable wraps a connection or acquire failure so callers can answer 503.
func unavailable(err error) error {
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// IsUnavailable reports whether err means the database was out of reach:
// no connection in time, a connection lost, or a statement cancelled by the
// server's statement timeout.
func IsUnavailable(err error) bool {
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 57014 query_canceled (statement_timeout), 57P01-03 shutdown, 53300 too many connections.
		switch pgErr.Code {
		case "57014", "57P01", "57P02", "57P03", "53300":
			return true
		}
		return false
	}
	// A connection the server closed mid-query reads as a bare EOF.
	lost := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	return lost || pgconn.SafeToRetry(err) || pgconn.Timeout(err) || isNetError(err)
}

// isUniqueViolation reports a unique-constraint violation (23505).
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// isForeignKeyViolation reports a foreign-key violation (23503): a row
// still referred to.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

// isNetError reports a network failure reaching the database.
func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}
