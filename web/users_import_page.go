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
// that went through goes back to the users list with what it did, and one
// refused for problems shows them (422). The file is chosen again for the
// import rather than kept: the server holds nothing between the steps,
// whatever the file's size, and the import checks every row again anyway.
func (s *Server) importUsersForm(c *gin.Context) error {
	dry, err := dryRunParam(c)
	if err != nil {
		return err
	}
	var name string
	f, err := readImportUpload(c, &name)
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
	rep, err := s.runImport(c, f, dry)
	if err != nil {
		return err
	}
	if !dry && len(rep.Errors) == 0 {
		s.flashAndRedirect(c, fmt.Sprintf("Imported %s: %d new, %d changed, %d unchanged.", name, rep.Create, rep.Update, rep.Unchanged), "/admin/users")
		return nil
	}
	status := http.StatusOK
	if !dry {
		status = http.StatusUnprocessableEntity
	}
	return s.renderImport(c, status, templates.ImportView{Report: rep, FileName: name})
}

// readImportUpload is readImportFile for the page's form, which sends a
// form upload; it notes the file's name.
func readImportUpload(c *gin.Context, name *string) (*models.ImportFile, error) {
	*name = "the file"
	if c.ContentType() != "multipart/form-data" {
		return nil, errImportNoFile
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, models.ImportMaxBytes)
	f, err := readUploadedFileNamed(c, name)
	switch {
	case err == nil:
		return f, nil
	case tooLarge(err) || errors.Is(err, models.ErrImportTooLarge):
		return nil, errImportTooLarge
	}
	return nil, err
}

func (s *Server) renderImport(c *gin.Context, status int, v templates.ImportView) error {
	v.MaxRows, v.MaxMB = models.ImportMaxRows, models.ImportMaxBytes>>20
	p := s.newPage(c, "Import users")
	if v.Error != "" || (v.Report != nil && len(v.Report.Errors) > 0) {
		p.Title = "Error: Import users"
	}
	s.render(c, status, templates.UsersImport(p, v))
	return nil
}
