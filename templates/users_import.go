package templates

import (
	"fmt"

	"github.com/weekoffs/weekoffs/models"
)

// ImportView is the import page: the limits of a file, and the report of
// the file just checked or imported, if any.
type ImportView struct {
	MaxRows, MaxMB int
	// FileName is the name of the file checked, for asking for it again.
	FileName string
	Report   *models.ImportReport
	// Error is why no file could be read (none chosen, too large).
	Error string
}

// importErrorsShown bounds the rows of problems a page lists; the JSON
// report has them all.
const importErrorsShown = 500

func shownImportErrors(v ImportView) []models.ImportError { return firstShown(v.Report.Errors) }

func importErrorsCaption(v ImportView) string {
	return shownCaption("Problems by row", "Problems by row", len(v.Report.Errors))
}

// firstShown is as much of a report's list as a page shows.
func firstShown[T any](all []T) []T { return all[:min(len(all), importErrorsShown)] }

// shownCaption is the caption of a list of n: whole when all of it is
// shown, else what (the first so many of n).
func shownCaption(whole, what string, n int) string {
	if n > importErrorsShown {
		return fmt.Sprintf("%s: the first %s of %s", what, count(importErrorsShown), count(int64(n)))
	}
	return whole
}

func importProblemWords(v ImportView) string {
	what := "The file was checked"
	if !v.Report.DryRun {
		what = "The file was not imported"
	}
	if len(v.Report.Errors) == 1 {
		return what + " and has 1 problem. Nothing was changed; correct it and check the file again."
	}
	return fmt.Sprintf("%s and has %s problems. Nothing was changed; correct them and check the file again.", what, count(int64(len(v.Report.Errors))))
}

// importRefusedShort reports whether the page shows an import that the
// coverage guard refused.
func importRefusedShort(v ImportView) bool {
	return v.Report != nil && !v.Report.DryRun && len(v.Report.Short) > 0
}

func importShortWords(v ImportView) string {
	return fmt.Sprintf("%s was not imported: it would leave a team with fewer people working than its minimum on %s. Nothing was changed; choose the file again and tick the box to import it anyway.",
		v.FileName, countDays(len(v.Report.Short)))
}

func countDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return count(int64(n)) + " days"
}

func shownImportShort(v ImportView) []models.ShortDay { return firstShown(v.Report.Short) }

func importShortCaption(v ImportView) string {
	return shownCaption("Days a team would be short of its minimum on duty", "Days a team would be short", len(v.Report.Short))
}

func importReportHeading(v ImportView) string {
	switch {
	case importRefusedShort(v):
		return v.FileName + " was not imported"
	case !v.Report.DryRun && len(v.Report.Errors) == 0:
		return "Imported"
	case len(v.Report.Errors) > 0:
		return "The check of " + v.FileName + " found problems"
	case v.Report.Create+v.Report.Update == 0:
		return v.FileName + " changes nothing"
	}
	return "What importing " + v.FileName + " would do"
}

func importButtonWords(rows int) string {
	if rows == 1 {
		return "Import 1 row"
	}
	return "Import " + count(int64(rows)) + " rows"
}
