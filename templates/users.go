package templates

import (
	"fmt"
	"net/url"

	"github.com/a-h/templ"

	"github.com/weekoffs/weekoffs/models"
)

// matchCount says how many users match and which of them the page shows:
// "51–100 of 2,000 users", "of about 2,000" when the total is the planner's
// estimate, or "12 users match" when one page holds them all.
func matchCount(v UsersView) string {
	total := count(v.Total)
	if v.TotalIsEstimate {
		total = "about " + total
	}
	shown := int64(len(v.Users))
	switch {
	case v.PrevURL == "" && v.NextURL == "" && !v.TotalIsEstimate && shown == v.Total:
		if v.Total == 1 {
			return "1 user matches"
		}
		return total + " users match"
	case v.Start > 0 && shown > 0:
		start := int64(v.Start)
		return fmt.Sprintf("%s–%s of %s users", count(start), count(start+shown-1), total)
	default:
		return fmt.Sprintf("%s shown of %s users", count(shown), total)
	}
}

// exportWords is the export link's text: "Export these 12 users", or
// "Export these users (about 2,000)" when the total is the planner's
// estimate; the file holds every match, not only the page.
func exportWords(v UsersView) string {
	switch {
	case v.TotalIsEstimate:
		return "Export these users (about " + count(v.Total) + ")"
	case v.Total == 1:
		return "Export this user"
	}
	return "Export these " + count(v.Total) + " users"
}

// WithFrom is path with the list's query carried as ?from=, so that the
// page at path can lead back to the same place in the list.
func WithFrom(path, from string) string {
	if from == "" {
		return path
	}
	return path + "?" + url.Values{"from": {from}}.Encode()
}

// invalid marks a filter that was refused, tying its message to it.
func invalid(name string, errs models.FieldErrors) templ.Attributes {
	if errs.For(name) == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": name + "-error"}
}

// pagerID is the id of a pager link: "next" below the table, "next-top" above it.
func pagerID(link, where string) string {
	if where == "bottom" {
		return link
	}
	return link + "-" + where
}
