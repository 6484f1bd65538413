package web

import (
	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/models"
)

// Keys of what the wrappers resolve into the request's gin context.
const (
	userKey    = "weekoffs.user"
	sessionKey = "weekoffs.session"
)

// currentUser is the signed-in user that the api or page wrappers resolved, or nil.
func currentUser(c *gin.Context) *models.User {
	u, _ := c.Get(userKey)
	user, _ := u.(*models.User)
	return user
}

// setUser records the signed-in user for the handlers, and in the request's
// context as the actor of whatever it changes (the user's history).
func setUser(c *gin.Context, u *models.User, via models.Via) {
	c.Set(userKey, u)
	c.Request = c.Request.WithContext(models.WithActor(c.Request.Context(), models.Actor{UserID: u.ID, Via: via}))
}

// currentSession is the browser session that page resolved, or nil.
func currentSession(c *gin.Context) *browserSession {
	v, _ := c.Get(sessionKey)
	b, _ := v.(*browserSession)
	return b
}
