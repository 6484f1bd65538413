// Package templates holds weekoffs' HTML pages as templ components. Every
// component takes typed props: a Page with what the layout needs, and a view
// struct of the page's own. The web package fills them; this package only
// draws, and imports models for its types alone.
package templates

import (
	"strconv"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// Page is what every page's layout shows. The web package builds it in one
// place for each request.
type Page struct {
	Title  string
	User   *models.User // the signed-in user; nil on the sign-in and error pages
	Flash  string       // a one-time message from the previous request
	Path   string       // the request's path, to mark the current navigation link
	CSSURL string       // the versioned address of the stylesheet
}

// LoginView is the sign-in form.
type LoginView struct {
	Email string
	Next  string // a local path to go to after signing in
	Error string
}

// MeView is the profile page: the week-off form and the password form.
type MeView struct {
	Checked       models.Weekdays // the boxes to check: the saved days, or the days just submitted
	WeekoffsError string
	WeekoffsMax   int
	Version       int    // the user's version the form was drawn from
	CurrentError  string // beside the current password
	NewError      string // beside the new password
}

// UsersView is the admin list of users.
type UsersView struct {
	Query, Role, Weekoff string // the filters as given, for the form to show again
	Sort                 string
	Limit                int // the page size
	Errors               models.FieldErrors
	Users                []models.User
	Total                int64
	TotalIsEstimate      bool
	Columns              []SortColumn
	NextURL, PrevURL     string // "" when there is no such page
	Filtered             bool   // whether any filter narrows the list
	Chart                Chart

	PageSizes []int  // the page sizes offered, Limit among them
	FirstURL  string // the first page with the same filters
	// Start is the position of the first row in the whole list, from 1, or
	// 0 when it is not known (a cursor's address without one).
	Start int
	// From is the list's query (filters, order, size and page), carried on
	// the links to each user so that their page can lead back here; "" for
	// the plain list.
	From string
}

// SortColumn is a table heading that sorts by its column when followed.
type SortColumn struct {
	Label string
	URL   string // the list sorted by this column, or reversed if it is sorted by it already
	Order string // "ascending", "descending" or "" (aria-sort)
}

// Chart is the bar chart of active employees off on each weekday.
type Chart struct {
	Counts models.DayCounts
	AsOf   time.Time
}

// UserFormView is the form that creates a user (New) or edits one.
type UserFormView struct {
	History     []models.HistoryEntry // the user's recorded changes, newest first
	New         bool
	ID          int64
	Heading     string // the stored name of the user being edited
	Email       string
	FullName    string
	Role        string
	IsActive    bool
	Checked     models.Weekdays
	WeekoffsMax int
	Errors      models.FieldErrors
	Error       string // a problem with the whole form, such as the last-admin rule
	Version     int    // the user's version the form was drawn from; 0 for a new user
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// BackURL is the list this page was opened from ("/admin/users" and its
	// filters and page), and From its query, which the form keeps across a save.
	BackURL, From string
}

// ErrorView is a page that says a request could not be answered.
type ErrorView struct {
	Status  int
	Heading string
	Message string
}

// count formats a number with thousands separators ("12,345").
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// itoa formats an int for attributes.
func itoa(n int) string { return strconv.Itoa(n) }

// userURL is the address of one user's page.
func userURL(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// dayList joins day names for a table cell ("Saturday, Sunday"), or a dash for none.
func dayList(days models.Weekdays) string {
	if len(days) == 0 {
		return "—"
	}
	return days.Titles()
}
