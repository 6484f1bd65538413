package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
)

// tokenUsers is how many different users GET /me and PUT /me/weekoffs
// spread over, so the load is not one hot row.
const tokenUsers = 2000

// fixtures are what the load runs need: tokens, a deep cursor, a session.
type fixtures struct {
	adminToken string
	userTokens []string // bearer tokens of employees spread over the table
	deepCursor string   // a name-sorted cursor 90% of the way down the list
	session    string   // a browser session cookie, "" when there is no /login
	feeds      []string // calendar feed paths of the first users, who also have a planned change
	coverage   *coverageFixture
	notes      []string
}

func newFixtures(ctx context.Context, o options, srv *server, dbURL string, logf func(string, ...any)) (*fixtures, error) {
	fx := &fixtures{}
	var err error
	// The admin signs in through the real password flow; the employees'
	// tokens are minted with the server's secret, as /auth/token would mint
	// them, which spares thousands of bcrypt comparisons.
	if fx.adminToken, err = signIn(srv.base, models.SeedAdminEmail, benchPassword); err != nil {
		return nil, err
	}
	now := time.Now()
	// The coverage runs' team with a minimum (coverageFixtures) is left out
	// of the spread writers (each guarded member gives way to the next
	// employee): its members' changes take the guard's path, which the
	// coverage runs measure on their own, and a write spread over everyone
	// measures the plain path against the control's.
	guarded := map[string]bool{}
	if o.teams {
		if fx.coverage, err = coverageFixtures(ctx, dbURL, now); err != nil {
			return nil, err
		}
		if guarded, err = guardedMembers(ctx, dbURL, fx.coverage.teamID); err != nil {
			return nil, err
		}
	}
	for i := range tokenUsers {
		n := 1 + i*(o.users-2)/tokenUsers
		for guarded[models.SeedEmployeeEmail(n)] {
			n++
		}
		tok, err := mintToken(models.SeedEmployeeEmail(n), now)
		if err != nil {
			return nil, err
		}
		fx.userTokens = append(fx.userTokens, tok)
	}
	if fx.deepCursor, err = deepCursor(ctx, dbURL); err != nil {
		return nil, err
	}
	fx.session, err = browserSession(srv.base, models.SeedAdminEmail, benchPassword)
	if err != nil {
		fx.notes = append(fx.notes, "HTML /admin/users skipped: "+err.Error())
	}
	if fx.feeds, err = scheduleFixtures(srv.base, fx.userTokens); err != nil {
		return nil, err
	}
	logf("fixtures: admin token, %d user tokens, deep cursor, session=%t, %d calendar feeds", len(fx.userTokens), fx.session != "", len(fx.feeds))
	return fx, nil
}

func mintToken(email string, now time.Time) (string, error) {
	claims := jwt.RegisteredClaims{Subject: email, ExpiresAt: jwt.NewNumericDate(now.Add(2 * time.Hour))}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(benchSecret))
}

func signIn(base, email, password string) (string, error) {
	res, err := http.PostForm(base+"/auth/token", url.Values{"username": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign in as %s: status %d", email, res.StatusCode)
	}
	return out.AccessToken, nil
}

// deepCursor is the list's cursor at the row 90% of the way down in name order.
func deepCursor(ctx context.Context, dbURL string) (string, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var name string
	var id int64
	err = conn.QueryRow(ctx, `SELECT full_name, id FROM users ORDER BY full_name, id
		OFFSET (SELECT count(*) * 9 / 10 FROM users) LIMIT 1`).Scan(&name, &id)
	if err != nil {
		return "", fmt.Errorf("deep cursor: %w", err)
	}
	return models.EncodeCursor(models.Cursor{Sort: "name", Value: name, ID: id}), nil
}

// browserSession signs in through the HTML form and returns the session
// cookie, checking that the HTML users page answers with it.
func browserSession(base, email, password string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	var cookies []string
	for _, c := range res.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	if len(cookies) == 0 {
		return "", fmt.Errorf("POST /login gave status %d and no session cookie (no HTML pages yet?)", res.StatusCode)
	}
	cookie := strings.Join(cookies, "; ")
	req, _ := http.NewRequest(http.MethodGet, base+"/admin/users", nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Cookie", cookie)
	res, err = client.Do(req)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		return "", fmt.Errorf("GET /admin/users as HTML gave status %d, %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(string(body), "user") {
		return "", fmt.Errorf("GET /admin/users as HTML lists no users")
	}
	return cookie, nil
}

// guardedMembers are the emails of the members of the team with a minimum.
func guardedMembers(ctx context.Context, dbURL string, teamID int64) (map[string]bool, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT email FROM users WHERE team_id = $1", teamID)
	if err != nil {
		return nil, err
	}
	emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	members := make(map[string]bool, len(emails))
	for _, e := range emails {
		members[e] = true
	}
	return members, nil
}
