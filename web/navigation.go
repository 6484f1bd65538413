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
	default: // /admin/users/{id} is the page of its own form
		return path
	}
}
