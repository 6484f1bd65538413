package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// importTimeout bounds one import, which outlives REQUEST_TIMEOUT: 100,000
// rows take seconds. The contract runs imports above 5,000 rows as a
// background job (202 with the job); until the job queue lands, every
// import runs here, and this is the seam: runImport is what a job would
// call, with its progress callback.
const importTimeout = 5 * time.Minute

// Answers of an upload that cannot be read as an import.
var (
	errImportTooLarge = errStatus(http.StatusRequestEntityTooLarge,
		"The file is too large: at most "+strconv.Itoa(models.ImportMaxBytes>>20)+" MB and "+strconv.Itoa(models.ImportMaxRows)+" users")
	errImportNoFile = errStatus(http.StatusBadRequest, "Choose a file to upload: the form field file")
	errImportType   = errStatus(http.StatusUnsupportedMediaType,
		"Send the file as text/csv, as a form upload (multipart/form-data, field file), or as JSON {\"rows\": [...]}")
)

// importUsers imports users: POST /admin/users/import[?dry_run=true] with
// a CSV body, a form upload or JSON. It answers the report: 200 for a dry
// run (problems or not) and an applied import, 422 when problems stopped
// the import and nothing was written.
func (s *Server) importUsers(c *gin.Context) error {
	dry, err := dryRunParam(c)
	if err != nil {
		return err
	}
	f, err := readImportFile(c)
	if err != nil {
		return err
	}
	rep, err := s.runImport(c, f, dry)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !dry && len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, rep)
	return nil
}

// runImport runs an import under its own deadline, not the request's.
func (s *Server) runImport(c *gin.Context, f *models.ImportFile, dry bool) (*models.ImportReport, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), importTimeout)
	defer cancel()
	// The server's WriteTimeout counts from the request's start.
	rc := http.NewResponseController(c.Writer)
	if err := rc.SetWriteDeadline(time.Now().Add(importTimeout + 10*time.Second)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, err
	}
	return s.store.ImportUsers(ctx, f, models.ImportOptions{DryRun: dry})
}

// dryRunParam reads the query's dry_run: true or false (default).
func dryRunParam(c *gin.Context) (bool, error) {
	v, ok := c.GetQuery("dry_run")
	if !ok || v == "" {
		return false, nil
	}
	dry, err := strconv.ParseBool(v)
	if err != nil {
		return false, errInvalid("query", models.FieldErrors{{Loc: []any{"dry_run"}, Msg: "Input should be true or false", Type: "bool_parsing"}})
	}
	return dry, nil
}

// readImportFile reads the upload by its Content-Type: a CSV body, a form
// upload's field file, or JSON rows. It is bounded by ImportMaxBytes (413).
func readImportFile(c *gin.Context) (*models.ImportFile, error) {
	mediaType, params, _ := mime.ParseMediaType(c.ContentType())
	body := http.MaxBytesReader(c.Writer, c.Request.Body, models.ImportMaxBytes)
	var f *models.ImportFile
	var err error
	switch mediaType {
	case "text/csv", "application/csv", "text/plain":
		f, err = models.ParseUsersCSV(body)
	case "application/json":
		f, err = models.ParseUsersJSON(body)
	case "multipart/form-data":
		c.Request.Body = body
		if params["boundary"] == "" {
			return nil, errImportNoFile
		}
		var name string
		f, err = readUploadedFileNamed(c, &name)
	default:
		return nil, errImportType
	}
	switch {
	case err == nil:
		return f, nil
	case tooLarge(err) || errors.Is(err, models.ErrImportTooLarge):
		return nil, errImportTooLarge
	case errors.Is(err, errImportNoFile):
		return nil, errImportNoFile
	case errors.Is(err, models.ErrImportNotJSON):
		return nil, errInvalid("body", models.FieldErrors{{Loc: []any{}, Msg: err.Error(), Type: "json_invalid"}})
	}
	if _, ok := errors.AsType[*httpError](err); ok {
		return nil, err
	}
	// Nothing else reads anything here but the body: it stopped short or
	// came too slowly.
	return nil, (&bodyError{err: err}).answer()
}

// readUploadedFileNamed finds the form's part named file and parses it as
// it streams in, so that a large file is never held whole, and notes the
// file's name.
func readUploadedFileNamed(c *gin.Context, name *string) (*models.ImportFile, error) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, errImportNoFile
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errImportNoFile
		}
		if err != nil {
			return nil, err
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			// A form sent without a file chosen has an empty file part.
			return nil, errImportNoFile
		}
		*name = part.FileName()
		return models.ParseUsersCSV(part)
	}
}
