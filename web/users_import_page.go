package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/templates"
)

// importPage is the import form: GET /admin/users/import.
func (s *Server) importPage(c *gin.Context) error {
	return s.renderImport(c, http.StatusOK, templates.ImportView{})
}

// importUsersForm checks or imports an uploaded file: the browser's POST
// /admin/users/import[?dry_run=true]. A check shows its report; an import
// that went through goes back to the users list with what it did, a large
// one goes to its job's progress page, and one refused shows why: its
// problems (422), or the dates it would leave a team short (409), with a
// box to import it anyway. The file is chosen again for the import rather
// than kept: the server holds nothing between the steps, whatever the
// file's size, and the import checks every row again anyway.
func (s *Server) importUsersForm(c *gin.Context) error {
	dry, err := boolParam(c, "dry_run")
	if err != nil {
		return err
	}
	f, up, err := readImportUpload(c)
	if err != nil {
		var he *httpError
		if errors.As(err, &he) && (he == errImportNoFile || he == errImportTooLarge || he == errImportType) {
			msg := "Choose a CSV file to check."
			if he == errImportTooLarge {
				msg = he.detail + "."
			}
			return s.renderImport(c, he.status, templates.ImportView{Error: msg})
		}
		return err
	}
	res, err := s.runImport(c, f, models.ImportOptions{DryRun: dry, Force: up.force})
	if _, short := errors.AsType[*models.ShortError](err); short {
		return s.renderImport(c, http.StatusConflict, templates.ImportView{Report: res.Report, FileName: up.name})
	}
	if err != nil {
		return err
	}
	rep := res.Report
	switch {
	case res.Job != nil:
		s.flashAndRedirect(c, fmt.Sprintf("Importing %s: %d new, %d changed, %d unchanged, as a background job.", up.name, rep.Create, rep.Update, rep.Unchanged), jobPath(res.Job.ID))
		return nil
	case !dry && len(rep.Errors) == 0:
		s.flashAndRedirect(c, fmt.Sprintf("Imported %s: %d new, %d changed, %d unchanged.", up.name, rep.Create, rep.Update, rep.Unchanged), "/admin/users")
		return nil
	}
	status := http.StatusOK
	if !dry {
		status = http.StatusUnprocessableEntity
	}
	return s.renderImport(c, status, templates.ImportView{Report: rep, FileName: up.name})
}

// readImportUpload is readImportFile for the page's form, which sends a
// form upload.
func readImportUpload(c *gin.Context) (*models.ImportFile, upload, error) {
	if c.ContentType() != "multipart/form-data" {
		return nil, upload{name: "the file"}, errImportNoFile
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, models.ImportMaxBytes)
	f, up, err := readUploadedFile(c)
	switch {
	case err == nil:
		return f, up, nil
	case tooLarge(err) || errors.Is(err, models.ErrImportTooLarge):
		return nil, up, errImportTooLarge
	}
	return nil, up, err
}

func (s *Server) renderImport(c *gin.Context, status int, v templates.ImportView) error {
	v.MaxRows, v.MaxMB = models.ImportMaxRows, models.ImportMaxBytes>>20
	p := s.newPage(c, "Import users")
	if v.Error != "" || (v.Report != nil && (len(v.Report.Errors) > 0 || (!v.Report.DryRun && len(v.Report.Short) > 0))) {
		p.Title = "Error: Import users"
	}
	s.render(c, status, templates.UsersImport(p, v))
	return nil
}
