package web

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	gsessions "github.com/gorilla/sessions"

	"github.com/weekoffs/weekoffs/config"
)

// sessionRefresh is how often at most the cookie is rewritten to move a
// session's idle deadline on (config.MinSessionIdle is well above it).
const sessionRefresh = time.Minute

// lifetimes bound a browser session: it ends after idle without a request
// (SESSION_IDLE), or absolute after sign-in however busy it is (SESSION_ABSOLUTE).
type lifetimes struct {
	idle, absolute time.Duration
}

// Keys of the values a session cookie holds.
const (
	keyUserID = "uid"   // int64: the signed-in user; absent when signed out
	keyEpoch  = "epoch" // int: the user's session epoch at sign-in
	keyID     = "sid"   // string: random, names this session for sign-out
	keyBorn   = "born"  // int64: Unix time of sign-in
	keySeen   = "seen"  // int64: Unix time of the last refresh
)

// sessionStore keeps browser sessions in cookies that gorilla/sessions signs
// (HMAC-SHA256) and encrypts (AES-256), with keys derived from SECRET_KEY.
type sessionStore struct {
	cookies *gsessions.CookieStore
	name    string
	life    lifetimes
	now     func() time.Time
}

// newSessionStore derives the cookie keys from the secret with HKDF, one for
// signing and one for encryption, so that every instance with the same
// SECRET_KEY reads the same cookies and a restart signs nobody out.
func newSessionStore(cfg config.Config) *sessionStore {
	hashKey := deriveKey(cfg.SecretKey, "weekoffs session cookie: hmac-sha256", 64)
	blockKey := deriveKey(cfg.SecretKey, "weekoffs session cookie: aes-256", 32)
	cookies := gsessions.NewCookieStore(hashKey, blockKey)
	// NewCookieStore's defaults are SameSite=None, no HttpOnly and 30 days.
	cookies.Options = &gsessions.Options{
		Path:     "/",
		HttpOnly: true,
		Secure:   cfg.CookieSecure,
		SameSite: http.SameSiteLaxMode,
	}
	// MaxAge, not Options.MaxAge, also bounds the age the codec accepts.
	cookies.MaxAge(int(cfg.SessionAbsolute.Seconds()))
	name := "weekoffs_session"
	if cfg.CookieSecure {
		// The __Host- prefix makes browsers refuse the cookie unless it is
		// Secure, host-only and for the whole site.
		name = "__Host-weekoffs_session"
	}
	life := lifetimes{idle: cfg.SessionIdle, absolute: cfg.SessionAbsolute}
	return &sessionStore{cookies: cookies, name: name, life: life, now: time.Now}
}

func deriveKey(secret, purpose string, n int) []byte {
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, purpose, n)
	if err != nil {
		panic(err) // only for lengths beyond 255 hashes, which these are not
	}
	return key
}

// browserSession is one request's session.
type browserSession struct {
	raw  *gsessions.Session
	life lifetimes
}

// load reads the request's session. A missing, tampered, expired or
// undecodable cookie gives an empty session: the visitor is signed out.
func (st *sessionStore) load(r *http.Request) *browserSession {
	raw, err := st.cookies.New(r, st.name)
	if err != nil {
		raw = gsessions.NewSession(st.cookies, st.name)
		opts := *st.cookies.Options
		raw.Options, raw.IsNew = &opts, true
	}
	return &browserSession{raw: raw, life: st.life}
}

// fresh is an empty session that replaces whatever the request carried.
func (st *sessionStore) fresh() *browserSession {
	raw := gsessions.NewSession(st.cookies, st.name)
	opts := *st.cookies.Options
	raw.Options, raw.IsNew = &opts, true
	return &browserSession{raw: raw, life: st.life}
}

// start begins a signed-in session for the user: a new session id, so that
// nothing of an earlier session (or one planted by someone else) carries over.
func (st *sessionStore) start(userID int64, epoch int) *browserSession {
	b := st.fresh()
	now := st.now().Unix()
	b.raw.Values[keyUserID] = userID
	b.raw.Values[keyEpoch] = epoch
	b.raw.Values[keyID] = newSessionID()
	b.raw.Values[keyBorn] = now
	b.raw.Values[keySeen] = now
	return b
}

func newSessionID() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// save writes the session's cookie, replacing one this response set already.
func (st *sessionStore) save(c *gin.Context, b *browserSession) error {
	h := c.Writer.Header()
	kept := h.Values("Set-Cookie")[:0:0]
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, st.name+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	return st.cookies.Save(c.Request, c.Writer, b.raw)
}

// clear deletes the session cookie.
func (st *sessionStore) clear(c *gin.Context) error {
	b := st.fresh()
	b.raw.Options.MaxAge = -1
	return st.save(c, b)
}

func (b *browserSession) userID() int64 { v, _ := b.raw.Values[keyUserID].(int64); return v }
func (b *browserSession) epoch() int    { v, _ := b.raw.Values[keyEpoch].(int); return v }
func (b *browserSession) id() string    { v, _ := b.raw.Values[keyID].(string); return v }
func (b *browserSession) born() time.Time {
	v, _ := b.raw.Values[keyBorn].(int64)
	return time.Unix(v, 0)
}
func (b *browserSession) seen() time.Time {
	v, _ := b.raw.Values[keySeen].(int64)
	return time.Unix(v, 0)
}

// expires is when the session ends at the latest.
func (b *browserSession) expires() time.Time { return b.born().Add(b.life.absolute) }

// live reports whether a signed-in session is within both lifetimes at now.
func (b *browserSession) live(now time.Time) bool {
	return b.userID() > 0 && b.id() != "" &&
		now.Before(b.expires()) && now.Before(b.seen().Add(b.life.idle))
}

// addFlash keeps a message for the next page the browser shows.
func (b *browserSession) addFlash(msg string) { b.raw.AddFlash(msg) }

// popFlash takes the waiting message, if any; the caller saves the session.
func (b *browserSession) popFlash() string {
	for _, f := range b.raw.Flashes() {
		if s, ok := f.(string); ok {
			return s
		}
	}
	return ""
}
