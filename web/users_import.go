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
	"github.com/weekoffs/weekoffs/models/jobs"
)

// importTimeout bounds the part of an import done in the request, which
// outlives REQUEST_TIMEOUT: checking 100,000 rows takes seconds, and so
// does applying up to IMPORT_SYNC_MAX of them (a larger file is applied by
// a job).
const importTimeout = 5 * time.Minute

// Answers of an upload that cannot be read as an import.
var (
	errImportTooLarge = errStatus(http.StatusRequestEntityTooLarge,
		"The file is too large: at most "+strconv.Itoa(models.ImportMaxBytes>>20)+" MB and "+strconv.Itoa(models.ImportMaxRows)+" users")
	errImportNoFile = errStatus(http.StatusBadRequest, "Choose a file to upload: the form field file")
	errImportType   = errStatus(http.StatusUnsupportedMediaType,
		"Send the file as text/csv, as a form upload (multipart/form-data, field file), or as JSON {\"rows\": [...]}")
)

// importReportJSON is an import's report as the API writes it: with the
// dates it would leave a team short (the coverage guard), if any.
type importReportJSON struct {
	*models.ImportReport
	Short []shortDayJSON `json:"short"`
}

// importUsers imports users: POST /admin/users/import[?dry_run=true][&force=true]
// with a CSV body, a form upload or JSON. It answers the report: 200 for a
// dry run (problems or not) and an applied import, 422 when problems
// stopped the import and nothing was written, 409 (the coverage guard's
// answer) when it would leave a team short and was not forced; or, for a
// file above IMPORT_SYNC_MAX rows without problems, 202 with the job that
// applies it.
func (s *Server) importUsers(c *gin.Context) error {
	dry, err := boolParam(c, "dry_run")
	if err != nil {
		return err
	}
	force, err := boolParam(c, "force")
	if err != nil {
		return err
	}
	f, up, err := readImportFile(c)
	if err != nil {
		return err
	}
	res, err := s.runImport(c, f, models.ImportOptions{DryRun: dry, Force: force || up.force})
	if err != nil {
		return err
	}
	if res.Job != nil {
		c.Header("Location", jobPath(res.Job.ID))
		c.JSON(http.StatusAccepted, gin.H{"job": toJobJSON(res.Job)})
		return nil
	}
	status := http.StatusOK
	if !dry && len(res.Report.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, importReportJSON{ImportReport: res.Report, Short: toShortDaysJSON(res.Report.Short)})
	return nil
}

// runImport runs an import under its own deadline, not the request's: at
// once, or, if it is large, checked and queued as a job. A *ShortError
// comes with the report.
func (s *Server) runImport(c *gin.Context, f *models.ImportFile, opts models.ImportOptions) (jobs.ImportResult, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), importTimeout)
	defer cancel()
	// The server's WriteTimeout counts from the request's start.
	rc := http.NewResponseController(c.Writer)
	if err := rc.SetWriteDeadline(time.Now().Add(importTimeout + 10*time.Second)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return jobs.ImportResult{}, err
	}
	return s.jobs.ImportUsers(ctx, f, opts)
}

// boolParam reads a boolean of the query: true or false (default).
func boolParam(c *gin.Context, name string) (bool, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errInvalid("query", models.FieldErrors{{Loc: []any{name}, Msg: "Input should be true or false", Type: "bool_parsing"}})
	}
	return b, nil
}

// readImportFile reads the upload by its Content-Type: a CSV body, a form
// upload's field file, or JSON rows. It is bounded by ImportMaxBytes (413).
func readImportFile(c *gin.Context) (*models.ImportFile, upload, error) {
	mediaType, params, _ := mime.ParseMediaType(c.ContentType())
	body := http.MaxBytesReader(c.Writer, c.Request.Body, models.ImportMaxBytes)
	var f *models.ImportFile
	var up upload
	var err error
	switch mediaType {
	case "text/csv", "application/csv", "text/plain":
		f, err = models.ParseUsersCSV(body)
	case "application/json":
		f, err = models.ParseUsersJSON(body)
	case "multipart/form-data":
		c.Request.Body = body
		if params["boundary"] == "" {
			return nil, up, errImportNoFile
		}
		f, up, err = readUploadedFile(c)
	default:
		return nil, up, errImportType
	}
	switch {
	case err == nil:
		return f, up, nil
	case tooLarge(err) || errors.Is(err, models.ErrImportTooLarge):
		return nil, up, errImportTooLarge
	case errors.Is(err, errImportNoFile):
		return nil, up, errImportNoFile
	case errors.Is(err, models.ErrImportNotJSON):
		return nil, up, errInvalid("body", models.FieldErrors{{Loc: []any{}, Msg: err.Error(), Type: "json_invalid"}})
	}
	if _, ok := errors.AsType[*httpError](err); ok {
		return nil, up, err
	}
	// Nothing else reads anything here but the body: it stopped short or
	// came too slowly.
	return nil, up, (&bodyError{err: err}).answer()
}

// upload is what a form upload says beside its file: the file's name, and
// the box that forces the import past the coverage guard.
type upload struct {
	name  string
	force bool
}

// readUploadedFile finds the form's part named file and parses it as it
// streams in, so that a large file is never held whole, and notes the
// file's name and the form's force box (before or after the file).
func readUploadedFile(c *gin.Context) (*models.ImportFile, upload, error) {
	var up upload
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, up, errImportNoFile
	}
	var f *models.ImportFile
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if f == nil {
				return nil, up, errImportNoFile
			}
			return f, up, nil
		}
		if err != nil {
			return nil, up, err
		}
		switch part.FormName() {
		case "force":
			v, err := io.ReadAll(io.LimitReader(part, 16))
			if err != nil {
				return nil, up, err
			}
			up.force = string(v) == "true"
		case "file":
			if part.FileName() == "" {
				// A form sent without a file chosen has an empty file part.
				return nil, up, errImportNoFile
			}
			up.name = part.FileName()
			if f, err = models.ParseUsersCSV(part); err != nil {
				return nil, up, err
			}
		}
	}
}
