package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

// field is one member a JSON body may hold. dst points to a pointer (such as
// **string), which stays nil when the member is absent.
type field struct {
	name     string
	dst      any
	required bool
	kind     string // what a wrong type is told to be: "string", "list", "boolean"
}

// decodeBody reads a JSON object into the given fields. It answers the
// request itself (413, or 422 in FastAPI's shape, listing every problem) and
// returns false when the body is not acceptable; nothing should be written then.
func (s *Server) decodeBody(c *gin.Context, fields ...field) bool {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	if err != nil {
		if tooLarge(err) {
			s.detail(c, http.StatusRequestEntityTooLarge, "Request body too large")
			return false
		}
		s.fail(c, err)
		return false
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		msg, typ := "Input should be a JSON object", "model_attributes_type"
		if !json.Valid(body) {
			msg, typ = "Body is not valid JSON", "json_invalid"
		}
		s.unprocessable(c, "body", models.FieldErrors{{Loc: []any{}, Msg: msg, Type: typ}})
		return false
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
		case bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || json.Unmarshal(raw, f.dst) != nil:
			errs = append(errs, models.FieldError{Loc: []any{f.name}, Msg: "Input should be a valid " + f.kind, Type: f.kind + "_type"})
		}
	}
	for name := range members {
		if !known[name] {
			errs = append(errs, models.FieldError{Loc: []any{name}, Msg: "Extra inputs are not permitted", Type: "extra_forbidden"})
		}
	}
	if len(errs) > 0 {
		s.unprocessable(c, "body", errs)
		return false
	}
	return true
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

func boolField(name string, dst **bool) field {
	return field{name: name, dst: dst, kind: "boolean"}
}
