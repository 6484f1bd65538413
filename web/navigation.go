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
	default: // /admin/users/{id} and /admin/teams/{id} are the pages of their own forms
		if team, ok := teamOfAction(path); ok {
			return team
		}
		return path
	}
}

// teamOfAction is the team page of a path that only takes a form from it
// (/admin/teams/{id}/delete, /admin/teams/{id}/schedule/{sid}/cancel).
func teamOfAction(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/admin/teams/")
	if !ok {
		return "", false
	}
	id, action, ok := strings.Cut(rest, "/")
	if !ok || action != "delete" && !(strings.HasPrefix(action, "schedule/") && strings.HasSuffix(action, "/cancel")) {
		return "", false
	}
	return "/admin/teams/" + id, true
}
