package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

var errTooLarge = errStatus(http.StatusRequestEntityTooLarge, "Request body too large")

// field is one member a JSON body may hold. dst points to a pointer (such as
// **string), which stays nil when the member is absent.
type field struct {
	name     string
	dst      any
	required bool
	kind     string // what a wrong type is told to be: "string", "list", "boolean", "integer"
	typ      string // the error's type: FastAPI's "<kind>_type", "int_type" for integers
	null     string // for a member that may be null: the JSON value null stands for
}

// decodeBody reads a JSON object into the given fields. A body that is not
// acceptable is an error (413, or 422 in FastAPI's shape listing every
// problem); nothing should be written then.
func decodeBody(c *gin.Context, fields ...field) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if errs, total := decodeObject(body, fields...); total > 0 {
		return errInvalidOf("body", errs, total)
	}
	return nil
}

// decodeObject reads a JSON object, a body or a member of one, into the
// given fields. It returns the problems (the first maxFieldErrors of
// them, located from the object) and how many there were.
func decodeObject(body []byte, fields ...field) (models.FieldErrors, int) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		msg, typ := "Input should be a JSON object", "model_attributes_type"
		if !json.Valid(body) {
			msg, typ = "Body is not valid JSON", "json_invalid"
		}
		return models.FieldErrors{{Loc: []any{}, Msg: msg, Type: typ}}, 1
	}
	var errs models.FieldErrors
	known := map[string]bool{}
	for _, f := range fields {
		known[f.name] = true
		raw, ok := members[f.name]
		switch {
		case !ok && f.required:
			errs = append(errs, models.FieldError{Loc: []any{f.name}, Msg: "Field required", Type: "missing"})
		case !ok:
		case bytes.Equal(bytes.TrimSpace(raw), []byte("null")) && f.null != "":
			_ = json.Unmarshal([]byte(f.null), f.dst) // a fixed value of the field's own type
		case bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || json.Unmarshal(raw, f.dst) != nil:
			errs = append(errs, models.FieldError{Loc: []any{f.name}, Msg: "Input should be a valid " + f.kind, Type: cmp.Or(f.typ, f.kind+"_type")})
		}
	}
	// Unknown members are listed in name order, as many as a 422 shows:
	// a body may hold a hundred thousand of them.
	var unknown []string
	for name := range members {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	total := len(errs) + len(unknown)
	for _, name := range unknown[:min(len(unknown), max(0, maxFieldErrors-len(errs)))] {
		errs = append(errs, models.FieldError{Loc: []any{name}, Msg: "Extra inputs are not permitted", Type: "extra_forbidden"})
	}
	return errs, total
}

// parseForm reads a posted form, bounded in size: 413 when it is too large,
// 400 when it is not a form. notForm, if not nil, is the error for the latter.
func parseForm(c *gin.Context, notForm error) (url.Values, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	// ParseForm reads the body again: from memory, so that its errors are
	// only about the form.
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.Request.ParseForm(); err != nil {
		if notForm != nil {
			return nil, notForm
		}
		return nil, errStatus(http.StatusBadRequest, "Bad Request")
	}
	return c.Request.PostForm, nil
}

// readBody reads the request's body, at most maxBodyBytes of it (413 past
// that). A body the client cut short or sent too slowly is a bodyError: the
// client's fault, whatever io or net error it arrived as.
func readBody(c *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	switch {
	case err == nil:
		return body, nil
	case tooLarge(err):
		return nil, errTooLarge
	}
	return nil, &bodyError{err: err}
}

// bodyError is a request body that did not arrive whole: cut short (the
// connection closed, a malformed chunked encoding) or too slow for the
// server's read timeout. It is answered 400 or 408 and never taken for the
// database's failure, although it arrives as the same io.ErrUnexpectedEOF
// or network timeout.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "request body: " + e.err.Error() }

// timedOut reports whether the body was too slow rather than cut short.
func (e *bodyError) timedOut() bool {
	var ne net.Error
	return errors.As(e.err, &ne) && ne.Timeout()
}

// answer is what the client is told.
func (e *bodyError) answer() *httpError {
	if e.timedOut() {
		return &httpError{status: http.StatusRequestTimeout, detail: "Request body not received in time",
			heading: "The form took too long", message: "The form did not arrive in time, so nothing was saved. Please send it again."}
	}
	return &httpError{status: http.StatusBadRequest, detail: "Request body incomplete",
		heading: "The form arrived incomplete", message: "The form did not arrive whole, so nothing was saved. Please send it again."}
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// Shorthands for the kinds of fields the API takes.
func stringField(name string, dst **string, required bool) field {
	return field{name: name, dst: dst, required: required, kind: "string"}
}

func listField(name string, dst **[]string, required bool) field {
	return field{name: name, dst: dst, required: required, kind: "list"}
}

// rawField keeps a member as JSON, for a model to validate (rules).
func rawField(name string, dst **json.RawMessage) field {
	return field{name: name, dst: dst, kind: "list"}
}

func boolField(name string, dst **bool) field {
	return field{name: name, dst: dst, kind: "boolean"}
}

// idOrNullField is an id that may be null, which it reads as 0: "none".
func idOrNullField(name string, dst **int64) field {
	return field{name: name, dst: dst, kind: "integer", typ: "int_type", null: "0"}
}

func intField(name string, dst **int) field {
	return field{name: name, dst: dst, kind: "integer", typ: "int_type"}
}
