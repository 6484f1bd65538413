package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// control is the bare handler's process: this binary, started again as
// `weekoffs-bench control`, so that it runs apart from the load generator
// just as the weekoffs server does.
type control struct {
	cmd  *exec.Cmd
	base string
}

func startControl(ctx context.Context, dbURL string, poolMax int32, logf func(string, ...any)) (*control, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c := &control{base: "http://" + addr}
	c.cmd = exec.Command(self, "control", "-addr", addr, "-database", dbURL, "-pool", strconv.Itoa(int(poolMax)))
	c.cmd.Stdout, c.cmd.Stderr = os.Stderr, os.Stderr
	logf("starting the control handler on %s (pool %d)", addr, poolMax)
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	if err := waitHealthy(ctx, c.base, 10*time.Second); err != nil {
		c.stop()
		return nil, fmt.Errorf("control did not start: %w", err)
	}
	return c, nil
}

func (c *control) stop() {
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		_ = c.cmd.Wait()
	}
}

// controlMain serves GET /me and PUT /me/weekoffs the minimal way: check
// the HS256 bearer token, run one pgx statement by the token's sub, write the
// user as JSON. It is what the Python service's replacement is measured
// against.
func controlMain(args []string) error {
	fs := flag.NewFlagSet("control", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dbURL := fs.String("database", "", "PostgreSQL URL")
	poolMax := fs.Int("pool", 16, "pool size")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pc, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		return err
	}
	pc.MaxConns = int32(*poolMax)
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return err
	}
	defer pool.Close()
	ctl := controlHandlers{pool: pool, key: []byte(benchSecret)}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /me", ctl.getMe)
	mux.HandleFunc("PUT /me/weekoffs", ctl.putMyWeekoffs)
	mux.HandleFunc("GET /floor/me", ctl.floorGetMe)
	mux.HandleFunc("PUT /floor/me/weekoffs", ctl.floorPutMyWeekoffs)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		<-sig
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// controlHandlers are the control's routes, over its pool.
type controlHandlers struct {
	pool *pgxpool.Pool
	key  []byte
}

// controlUserColumns are the user's columns, the password hash included,
// as weekoffs reads them.
const controlUserColumns = "id, email, full_name, role, is_active, password_hash, weekoffs, created_at, updated_at"

func (ctl controlHandlers) getMe(w http.ResponseWriter, r *http.Request) {
	email, ok := ctl.subject(r)
	if !ok {
		http.Error(w, `{"detail":"Not authenticated"}`, http.StatusUnauthorized)
		return
	}
	u, err := scanControlUser(ctl.pool.QueryRow(r.Context(),
		"SELECT "+controlUserColumns+" FROM users WHERE email = $1", email))
	writeControlUser(w, u, err)
}

// putMyWeekoffs is the bare write: one UPDATE … RETURNING of the user's row,
// without a transaction, a version check, a schedule or a history row.
func (ctl controlHandlers) putMyWeekoffs(w http.ResponseWriter, r *http.Request) {
	email, days, ok := ctl.weekoffsPut(w, r)
	if !ok {
		return
	}
	u, err := scanControlUser(ctl.pool.QueryRow(r.Context(),
		"UPDATE users SET weekoffs = $1, updated_at = now(), version = version + 1 WHERE email = $2 AND is_active RETURNING "+controlUserColumns,
		days, email))
	writeControlUser(w, u, err)
}

// weekoffsPut reads a PUT /me/weekoffs: the token's email and the days in
// week order; when ok is false, it has answered the request.
func (ctl controlHandlers) weekoffsPut(w http.ResponseWriter, r *http.Request) (email string, days []string, ok bool) {
	if email, ok = ctl.subject(r); !ok {
		http.Error(w, `{"detail":"Not authenticated"}`, http.StatusUnauthorized)
		return "", nil, false
	}
	var body struct {
		Weekoffs []string `json:"weekoffs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, `{"detail":"Bad request"}`, http.StatusUnprocessableEntity)
		return "", nil, false
	}
	if days, ok = controlWeekdays(body.Weekoffs); !ok {
		http.Error(w, `{"detail":"Bad weekoffs"}`, http.StatusUnprocessableEntity)
		return "", nil, false
	}
	return email, days, true
}

// subject checks the bearer token and returns the email it names.
func (ctl controlHandlers) subject(r *http.Request) (string, bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return ctl.key, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil || claims.Subject == "" {
		return "", false
	}
	return strings.ToLower(claims.Subject), true
}

func scanControlUser(row pgx.Row) (controlUser, error) {
	var u controlUser
	var hash string
	err := row.Scan(&u.ID, &u.Email, &u.FullName, &u.Role, &u.IsActive, &hash, &u.Weekoffs, &u.CreatedAt, &u.UpdatedAt)
	if err == nil && !u.IsActive {
		err = pgx.ErrNoRows
	}
	return u, err
}

func writeControlUser(w http.ResponseWriter, u controlUser, err error) {
	if errors.Is(err, pgx.ErrNoRows) {
		http.Error(w, `{"detail":"Not authenticated"}`, http.StatusUnauthorized)
		return
	}
	if err != nil {
		http.Error(w, `{"detail":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(u)
}

// weekdayNames are the days in week order, as the column stores them.
var weekdayNames = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// controlWeekdays reads day names as weekoffs does (any case, in full or as
// three letters, no repeats, at most two) into week order.
func controlWeekdays(names []string) ([]string, bool) {
	var off [7]bool
	for _, name := range names {
		name = strings.ToLower(strings.TrimSpace(name))
		i := slices.IndexFunc(weekdayNames[:], func(d string) bool {
			return name == d || (len(name) == 3 && strings.HasPrefix(d, name))
		})
		if i < 0 || off[i] {
			return nil, false
		}
		off[i] = true
	}
	days := make([]string, 0, len(names))
	for i, d := range weekdayNames {
		if off[i] {
			days = append(days, d)
		}
	}
	return days, len(days) <= 2
}

// controlUser is the same user object weekoffs returns.
type controlUser struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	FullName  string    `json:"full_name"`
	Role      string    `json:"role"`
	IsActive  bool      `json:"is_active"`
	Weekoffs  []string  `json:"weekoffs"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}
