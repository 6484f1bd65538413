// Package templates holds weekoffs' HTML pages as templ components. Every
// component takes typed props: a Page with what the layout needs, and a view
// struct of the page's own. The web package fills them; this package only
// draws, and imports models for its types alone.
package templates

import (
	"strconv"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// Page is what every page's layout shows. The web package builds it in one
// place for each request.
type Page struct {
	Title  string
	User   *models.User // the signed-in user; nil on the sign-in and error pages
	Flash  string       // a one-time message from the previous request
	Path   string       // the request's path, to mark the current navigation link
	CSSURL string       // the versioned address of the stylesheet
	Clock  Clock        // writes times in the organisation's zone
	// Refresh, when not 0, has the browser load the page again after this
	// many seconds (a job's progress), no JavaScript needed.
	Refresh int
}

// LoginView is the sign-in form.
type LoginView struct {
	Email  string
	Next   string // a local path to go to after signing in
	Notice string // why the visitor is asked to sign in, when they came from elsewhere
	Error  string
	// Unsaved marks a sign-in asked for by a form sent after the session
	// ended: the page it returns to says the change was not saved.
	Unsaved bool
}

// MeView is the profile page: the week-off form and the password form.
type MeView struct {
	Checked     models.Weekdays    // the boxes to check: the saved days, or the days just submitted
	Errors      models.FieldErrors // a refused form's problems, in the form's words, by field: weekoffs, current_password, new_password
	WeekoffsMax int
	Version     int // the user's version the form was drawn from
	// Stale says that a save was refused because the week-offs changed
	// elsewhere; Chosen are the days it chose, shown beside the saved ones
	// with a button that saves them on top.
	Stale  bool
	Chosen models.Weekdays

	// Schedule is where the user's days off come from today.
	Schedule models.UserSchedule
	// Upcoming are the changes of schedule planned for the user (their
	// own, their team's, the organisation's), in date order.
	Upcoming []schedule.Schedule
	// Editor is the form that changes the user's schedule, as drawn from
	// the schedule in force or as a refused save sent it.
	Editor ScheduleEditor
	// FeedSince is when the user's calendar address was made; zero if
	// they have none.
	FeedSince time.Time
	// Requests are the user's latest change requests, newest first.
	Requests []models.Request
}

// ScheduleEditor is the form of a schedule's rules (templates/schedule.templ):
// for each weekday whether it is off, in which weeks and which part of it,
// the date the change takes effect and, for a person, the choice to take
// their team's or organisation's days instead. The pages of a person, a
// team and the organisation draw it with their own action.
type ScheduleEditor struct {
	// ID prefixes the ids of the form ("<ID>-form") and of its fields, so
	// that a page may hold more than one.
	ID     string
	Action string // where the form posts
	Submit string // the button's words
	// Version is the person's version the form was drawn from, sent back
	// so that a save over a change made meanwhile is refused; 0 for none.
	Version int
	// InheritLabel, when not "", offers to take the team's or the
	// organisation's days instead of one's own, in these words ("My team's
	// days (Support)").
	InheritLabel string
	MaxDays      int           // the organisation's limit of days off
	Today        schedule.Date // the earliest date a change may take effect
	Choice       ScheduleChoice
	// OwnLabel, with InheritLabel, is the other choice, in the words of
	// whoever the page is about ("My own days, as set below").
	OwnLabel string

	// The problems of a refused save, in the form's words; the days'
	// own are in Choice.Days.
	InheritError, RulesError, EffectiveFromError string
	// Stale says that the save was refused because the person had been
	// changed since the form was drawn; the form shows what was sent.
	Stale bool
	// Short are the dates on which the refused save would have left a
	// team below its minimum on duty, in words; CanForce offers an admin
	// to save it anyway.
	Short    []string
	CanForce bool
}

// ScheduleChoice is what a schedule form shows: the rules as stored, or as
// a refused save sent them.
type ScheduleChoice struct {
	Inherit       bool
	Days          [7]DayChoice // Monday first
	EffectiveFrom string       // as typed; "" for today
}

// DayChoice is one weekday of a schedule form.
type DayChoice struct {
	Day   time.Weekday
	Part  string // "" (not off), "full", "morning" or "afternoon"
	Weeks string // "every", "alternate" or "nth" (the weeks of the month in Nth)
	Nth   []int  // 1 to 5, -1 for the last
	// PartError and WeeksError are a refused save's problems with the
	// day's part and weeks.
	PartError, WeeksError string
	// TeamLoad says how many of the person's team are off that weekday
	// in the coming weeks ("up to 2 of 11 others in Support off"); "" for
	// none shown.
	TeamLoad string
}

// MonthView is a month of one person's days off as a calendar grid.
type MonthView struct {
	First schedule.Date // the first day of the month
	// Weeks are the grid's rows, Monday first; days of the neighbouring
	// months have a zero Date.
	Weeks            [][7]CalendarDay
	PrevURL, NextURL string
	TodayURL         string // the current month, "" when it is the one shown
	Error            string // why the month asked for was not shown
	Off, HalfOff     int    // the month's whole and half days off
}

// CalendarDay is one cell of a month's grid.
type CalendarDay struct {
	Date  schedule.Date
	Part  schedule.Part // "" for a working day
	Today bool
}

// FeedView is the page that shows a new calendar address, once.
type FeedView struct {
	URL string
}

// UsersView is the admin list of users.
type UsersView struct {
	Query, Role, Weekoff string        // the filters as given, for the form to show again
	Team                 string        // the team filter as given: a team's id, "none" or ""
	Teams                []models.Team // the teams the team filter offers, by name
	// Schedules are the listed users' schedules in force today, by user id.
	Schedules        map[int64]models.UserSchedule
	Sort             string
	Limit            int // the page size
	Errors           models.FieldErrors
	Users            []models.User
	Total            int64
	TotalIsEstimate  bool
	Columns          []SortColumn
	NextURL, PrevURL string // "" when there is no such page
	Filtered         bool   // whether any filter narrows the list
	Chart            Chart

	PageSizes []int  // the page sizes offered, Limit among them
	FirstURL  string // the first page with the same filters
	// Start is the position of the first row in the whole list, from 1, or
	// 0 when it is not known (a cursor's address without one).
	Start int
	// From is the list's query (filters, order, size and page), carried on
	// the links to each user so that their page can lead back here; "" for
	// the plain list.
	From string
	// ExportURL is the CSV file of every user the filters select, in the
	// list's order.
	ExportURL string
	// PendingRequests counts the change requests waiting for an admin.
	PendingRequests int
	// ShortSoon is the note of short days in the next four weeks: the
	// users list is the admins' start page.
	ShortSoon ShortSoonView
	// Bulk is the form that changes the checked users, or all matching.
	Bulk BulkFormView
}

// BulkFormView is what the users list's bulk change form needs.
type BulkFormView struct {
	Filters     []HiddenField // the list's filters, for "all matching"
	WeekoffsMax int
	Today       string // the organisation's date, YYYY-MM-DD: the first a change may take effect
}

// HiddenField is a name and value a form carries through unseen.
type HiddenField struct{ Name, Value string }

// BulkConfirmView asks before a bulk change: Count users, changed as Words
// says; Hidden carries the form as sent. Short, when not empty, are the
// dates (in words) the coverage guard refused the confirmed change for:
// the page then asks to make it anyway.
type BulkConfirmView struct {
	Count     int64
	Words     string
	Hidden    []HiddenField
	CancelURL string
	Short     []string
}

// JobView is a job's progress page.
type JobView struct {
	Job *models.Job
	// Refreshing: the page reloads itself (Page.Refresh), and offers to stop.
	Refreshing bool
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
}

// UserFormView is the form that creates a user (New) or edits one.
type UserFormView struct {
	History  []models.HistoryEntry // the user's recorded changes, newest first
	New      bool
	ID       int64
	Heading  string // the stored name of the user being edited
	Email    string
	FullName string
	Role     string
	IsActive bool
	Checked  models.Weekdays
	// DaysShown are the days the boxes showed when the page was first
	// drawn from the stored user: a save whose boxes still say them leaves
	// the schedule alone (it may be the team's, or not every week). Nil on
	// a new user's form, where no day ticked means the team's or the
	// organisation's schedule.
	DaysShown   *models.Weekdays
	WeekoffsMax int
	TeamID      int64         // the team chosen; 0 for none
	Teams       []models.Team // the teams the form offers, by name
	// TeamName and Schedule are the stored user's team and the schedule in
	// force for them today, shown beside the form; empty for a new user.
	TeamName string
	Schedule models.UserSchedule
	// Upcoming are the changes of schedule planned for the user (their
	// own, which the page can cancel, their team's and the
	// organisation's), in date order.
	Upcoming []schedule.Schedule
	// Editor, when not nil, is drawn in the page's Schedule section: the
	// form that changes the user's schedule.
	Editor    *ScheduleEditor
	Errors    models.FieldErrors // the problems beside the fields, in the form's words
	Error     string             // a problem with the whole form, such as the last-admin rule
	Version   int                // the user's version the form was drawn from; 0 for a new user
	CreatedAt time.Time
	UpdatedAt time.Time
	// BackURL is the list this page was opened from ("/admin/users" and its
	// filters and page), and From its query, which the form keeps across a save.
	BackURL, From string
	// Refused is what a save sent that was refused because the user had
	// changed since the form was drawn; the form shows the user as stored now.
	Refused *UserEdit
	// ConfirmSelfDemotion, when not "", is the question asked before an
	// admin removes their own admin rights; the form shows what was sent.
	ConfirmSelfDemotion string
	// PasswordDropped says that a new password was typed into a form that
	// was not saved: pages never send a password back, so it must be typed again.
	PasswordDropped bool
	// Short, when not empty, are the dates (in words) that the coverage
	// guard refused the save for; the page offers to save it anyway. When
	// ForceCancel is not "", they are those of cancelling a planned change,
	// and the page offers to cancel it anyway by posting there.
	Short       []string
	ForceCancel string
}

// UserEdit is what the user form sent, for a page that offers to send it
// again. It never holds the password.
type UserEdit struct {
	FullName string
	Role     string
	IsActive bool
	Weekoffs models.Weekdays
	// DaysChanged says the edit changed the days; when it did not, sending
	// it again leaves the user's schedule as it is.
	DaysChanged         bool
	TeamID              int64 // 0 for no team
	ConfirmSelfDemotion bool  // the admin had confirmed removing their own admin rights
}

// Problem is one line of a refused form's error summary: what is wrong,
// linking to the field it is about.
type Problem struct {
	Target  string // the id of the field's input
	Message string
}

// OrganisationView is the form of the organisation's settings, as stored or
// as sent, and the organisation's default schedule: in force, planned, and
// the form that changes it.
type OrganisationView struct {
	Name, Timezone, SelfService string
	WeekoffsMax                 int
	Errors                      models.FieldErrors
	Error                       string // a refused action, such as cancelling a change in force
	Schedule                    models.ScheduleView
	Editor                      ScheduleEditor
}

// TeamsView is the admins' list of teams with the form that creates one.
type TeamsView struct {
	Teams []models.Team // by name, each with its member count
	// NewName and NewMinOnDuty are the new-team form as sent, shown again
	// with Errors beside its fields when it was refused.
	NewName, NewMinOnDuty string
	Errors                models.FieldErrors
}

// TeamView is one team's page: the form that renames it or changes its
// minimum on duty, its members, its schedule, and how to delete it.
type TeamView struct {
	Team models.Team // as stored, with its member count
	// Name and MinOnDuty are the form's values: as stored, or as sent
	// when the save was refused with Errors.
	Name, MinOnDuty string
	Errors          models.FieldErrors
	Error           string        // a refused action on the whole team, such as deleting one with members
	Members         []models.User // the first members by name
	// Schedules are the members' schedules in force today, by user id.
	Schedules  map[int64]models.UserSchedule
	MembersURL string // the users list filtered by the team: every member
	Schedule   models.ScheduleView
	// Editor, when not nil, is drawn in the Schedule section under the
	// schedules: the form that plans a change of the team's schedule.
	Editor *ScheduleEditor
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
