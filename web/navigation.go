package web

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// safeNext returns next when it is a path on this site, and "" otherwise:
// never another host ("//evil.example", "https://…", "/\evil.example"),
// never a scheme such as javascript:.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return ""
	}
	return next
}

// home is where a signed-in user starts: admins at the user list,
// employees at their own page.
func home(u *models.User) string {
	if u.IsAdmin() {
		return "/admin/users"
	}
	return "/me"
}

// startPage sends the signed-in visitor to their start page.
func (s *Server) startPage(c *gin.Context) error {
	seeOther(c, home(currentUser(c)))
	return nil
}

// formPage is the page a form posted to c was sent from: the Referer when it
// is a page of this site, else the page that holds the form of the path.
func formPage(c *gin.Context) string {
	if ref, err := url.Parse(c.GetHeader("Referer")); err == nil && ref.Host != "" && ref.Host == c.Request.Host {
		if page := safeNext(ref.RequestURI()); page != "" {
			return page
		}
	}
	switch path := c.Request.URL.Path; {
	case strings.HasPrefix(path, "/me/"): // every form of /me: week-offs, schedule, cancel, calendar address, password
		return "/me"
	case path == "/admin/users":
		return "/admin/users/new"
	case strings.HasPrefix(path, "/admin/requests/"): // approve and reject, on the queue
		return "/admin/requests"
	default: // /admin/users/{id}, /admin/teams/{id} and /admin/organisation are the pages of their own forms
		if page, ok := pageOfAction(path); ok {
			return page
		}
		return path
	}
}

// pageOfAction is the page that holds the form of a path that takes only a
// form from it: a team's delete button, and the schedule forms of a user,
// a team and the organisation (…/schedule, …/schedule/{sid}/cancel).
func pageOfAction(path string) (string, bool) {
	if action, ok := strings.CutPrefix(path, "/admin/organisation/"); ok && scheduleAction(action) {
		return "/admin/organisation", true
	}
	for _, list := range []string{"/admin/teams/", "/admin/users/"} {
		rest, ok := strings.CutPrefix(path, list)
		if !ok {
			continue
		}
		id, action, ok := strings.Cut(rest, "/")
		if ok && (scheduleAction(action) || list == "/admin/teams/" && action == "delete") {
			return list + id, true
		}
	}
	return "", false
}

// scheduleAction reports whether the rest of a page's path is one of its
// schedule forms: schedule, or schedule/{sid}/cancel.
func scheduleAction(action string) bool {
	return action == "schedule" || strings.HasPrefix(action, "schedule/") && strings.HasSuffix(action, "/cancel")
}
