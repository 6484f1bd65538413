package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// lockingTx is a transaction of the test's own on the database at url,
// standing for another writer: it takes locks one statement at a time, so
// the test can interleave them with a write of the store's.
func lockingTx(t *testing.T, url string) pgx.Tx {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(context.Background()) })
	return tx
}

// waitForLockWait waits until some session of the database at url waits
// for a lock: the write under test has reached the lock the other holds.
func waitForLockWait(t *testing.T, url string) {
	t.Helper()
	if !modelstest.Eventually(t, 10*time.Second, func() bool {
		return modelstest.CountBackends(t, url, "wait_event_type = 'Lock'") > 0
	}) {
		t.Fatal("the update never waited for the other writer's lock")
	}
}

// interleave has another writer (lockingTx) lock what first selects, runs
// write until it waits for that lock, then has the other writer lock what
// second selects and end. A write that took its locks in another order
// would deadlock with it here: PostgreSQL aborts one of the two (40P01).
// It returns the write's error.
func interleave(t *testing.T, url string, first, second lockStep, write func() error) error {
	t.Helper()
	other := lockingTx(t, url)
	if _, err := other.Exec(t.Context(), first.sql, first.args...); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- write() }()
	waitForLockWait(t, url)
	if _, err := other.Exec(t.Context(), second.sql, second.args...); err != nil {
		t.Fatalf("the other writer's second lock: %v", err)
	}
	if err := other.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	return <-done
}

// lockStep is one locking statement of the other writer.
type lockStep struct {
	sql  string
	args []any
}

// lockUser locks one user's row, as a writer of it does.
func lockUser(id int64) lockStep {
	return lockStep{"SELECT id FROM users WHERE id = $1 FOR UPDATE", []any{id}}
}

// TestDemoteAdminWhileBulkLocksAdmins deactivates admin X while a bulk
// deactivation (GuardLastAdmin) locks the active admins in id order and
// has locked only the first, Y, so far. The update must wait for Y without
// holding X's row: had it locked X first, the bulk change would wait for X
// while the update waits for Y, and PostgreSQL would abort one (40P01).
func TestDemoteAdminWhileBulkLocksAdmins(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	ctx := t.Context()
	var admins []*models.User
	for _, email := range []string{"y@example.com", "x@example.com"} {
		in := newUser(email)
		in.Role = ptr("admin")
		u, err := s.CreateUser(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		admins = append(admins, u)
	}
	y, x := admins[0], admins[1]

	err := interleave(t, cfg.DatabaseURL, lockUser(y.ID), lockUser(x.ID), func() error {
		_, err := s.UpdateUser(ctx, x.ID, models.UserInput{IsActive: ptr(false)}, 0)
		return err
	})
	if err != nil {
		t.Fatalf("deactivating admin x: got %v, want no error", err)
	}
	after, err := s.UserByID(ctx, x.ID)
	if err != nil || after.IsActive {
		t.Errorf("admin x after the update: got %+v (%v), want inactive", after, err)
	}
}

// TestUpdateUserMovedBeforeRowLock moves the user into a team with a
// minimum between the locks an update takes before the user's row and the
// row's own, and has another guarded writer lock that team and then want
// the user's row. The update must not lock the team after the row (the
// two would deadlock): it starts again, locks the team first, and its
// guard then counts the team the user is in now.
func TestUpdateUserMovedBeforeRowLock(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	ctx := t.Context()
	open, err := s.CreateTeam(ctx, models.TeamInput{Name: ptr("Open"), MinOnDuty: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	guarded, err := s.CreateTeam(ctx, models.TeamInput{Name: ptr("Desk"), MinOnDuty: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	in := newUser("mover@example.com")
	in.TeamID = &open.ID
	u, err := s.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}

	other := lockingTx(t, cfg.DatabaseURL)
	moved := false
	s.SetBeforeUserLock(func(id int64) {
		if moved || id != u.ID {
			return
		}
		moved = true
		// Another write, committed: the user is now the desk's only member.
		if err := s.GormDB().Exec("UPDATE users SET team_id = ? WHERE id = ?", guarded.ID, u.ID).Error; err != nil {
			t.Error(err)
		}
		if _, err := other.Exec(ctx, "SELECT id FROM teams WHERE id = $1 FOR NO KEY UPDATE", guarded.ID); err != nil {
			t.Error(err)
		}
	})
	done := make(chan error, 1)
	go func() {
		_, err := s.UpdateUser(ctx, u.ID, models.UserInput{IsActive: ptr(false)}, 0)
		done <- err
	}()
	waitForLockWait(t, cfg.DatabaseURL)
	if _, err := other.Exec(ctx, "SELECT id FROM users WHERE id = $1 FOR UPDATE", u.ID); err != nil {
		t.Fatalf("the other writer locking the user after the team: %v", err)
	}
	if err := other.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if _, short := errors.AsType[*models.ShortError](err); !short {
		t.Fatalf("deactivating the desk's only member: got %v, want a ShortError", err)
	}
	after, err := s.UserByID(ctx, u.ID)
	if err != nil || !after.IsActive {
		t.Errorf("after the refused update: got %+v (%v), want active", after, err)
	}
}

// TestRenameKeepingTeamSkipsGuard saves a user as the admin's form does,
// with every field and the team they are in already, while another writer
// holds their team's lock. Nothing in it can take a working day from the
// team, so it neither locks nor counts the team, and does not wait.
func TestRenameKeepingTeamSkipsGuard(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	desk, err := s.CreateTeam(t.Context(), models.TeamInput{Name: ptr("Desk"), MinOnDuty: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	in := newUser("member@example.com")
	in.TeamID = &desk.ID
	u, err := s.CreateUser(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	modelstest.Lock(t, cfg.DatabaseURL, "SELECT id FROM teams WHERE id = "+strconv.FormatInt(desk.ID, 10)+" FOR NO KEY UPDATE")

	// Bounded so that a save that waits for the team fails rather than hangs.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	form := models.UserInput{FullName: ptr("Renamed"), Role: ptr("employee"), IsActive: ptr(true), TeamID: &desk.ID}
	after, err := s.UpdateUser(ctx, u.ID, form, u.Version)
	if err != nil {
		t.Fatalf("renaming while the team is locked: got %v, want no error", err)
	}
	if after.FullName != "Renamed" || after.TeamID == nil || *after.TeamID != desk.ID {
		t.Errorf("got %+v, want renamed and still in the desk", after)
	}
}

// TestImportLocksAdminsInIDOrder runs an import that demotes admin X
// while another writer locks the active admins in id order and has the
// first, Y, so far. Y was
// renamed after X was made, so a table scan meets X first: an import that
// locked the admins in the scan's order would hold X and wait for Y while
// the other waits for X, and PostgreSQL would abort one (40P01).
func TestImportLocksAdminsInIDOrder(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	ctx := t.Context()
	var admins []*models.User
	for _, email := range []string{"y@example.com", "x@example.com"} {
		in := newUser(email)
		in.Role = ptr("admin")
		u, err := s.CreateUser(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		admins = append(admins, u)
	}
	y, x := admins[0], admins[1]
	if _, err := s.UpdateUser(ctx, y.ID, models.UserInput{FullName: ptr("Renamed")}, 0); err != nil {
		t.Fatal(err)
	}
	f, err := models.ParseUsersCSV(strings.NewReader("email,role\nx@example.com,employee\n"))
	if err != nil {
		t.Fatal(err)
	}

	err = interleave(t, cfg.DatabaseURL, lockUser(y.ID), lockUser(x.ID), func() error {
		_, err := s.ImportUsers(ctx, f, models.ImportOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("import: got %v, want no error", err)
	}
	if after, err := s.UserByID(ctx, x.ID); err != nil || after.Role != models.RoleEmployee {
		t.Errorf("x after the import: got %+v (%v), want an employee", after, err)
	}
}

// TestImportLocksTeamsBeforeAdmins runs an import that demotes admin X
// and renames a member of a team with a minimum, while a bulk
// deactivation holds that team's lock and is about to lock the active
// admins (GuardBulkChange, then GuardLastAdmin). An import that locked the
// admins before the team would hold what the bulk change waits for while
// waiting for its team, and PostgreSQL would abort one (40P01).
func TestImportLocksTeamsBeforeAdmins(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	ctx := t.Context()
	for _, email := range []string{"y@example.com", "x@example.com"} {
		in := newUser(email)
		in.Role = ptr("admin")
		if _, err := s.CreateUser(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	desk, err := s.CreateTeam(ctx, models.TeamInput{Name: ptr("Desk"), MinOnDuty: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	in := newUser("e@example.com")
	in.TeamID = &desk.ID
	if _, err := s.CreateUser(ctx, in); err != nil {
		t.Fatal(err)
	}
	f, err := models.ParseUsersCSV(strings.NewReader("email,role,full_name\nx@example.com,employee,Ex Admin\ne@example.com,employee,Renamed\n"))
	if err != nil {
		t.Fatal(err)
	}

	// The bulk change: its team, then the active admins.
	err = interleave(t, cfg.DatabaseURL,
		lockStep{"SELECT id FROM teams WHERE id = $1 FOR NO KEY UPDATE", []any{desk.ID}},
		lockStep{"SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE", nil},
		func() error {
			_, err := s.ImportUsers(ctx, f, models.ImportOptions{})
			return err
		})
	if err != nil {
		t.Fatalf("import: got %v, want no error", err)
	}
}

// TestCancelMovedBeforeRowLock cancels a person's planned change that gives
// them their Wednesdays back, while another write moves them, between the
// guard's reading of their team and the lock on their row, into a team
// whose only member they become. Cancelled there, every Wednesday from
// that date would leave the desk with nobody: the cancel tries again from
// the new team, and the guard refuses it.
func TestCancelMovedBeforeRowLock(t *testing.T) {
	t.Parallel()
	cfg := modelstest.Config(t)
	s := modelstest.Open(t, cfg, nil)
	ctx := t.Context()
	desk, err := s.CreateTeam(ctx, models.TeamInput{Name: ptr("Desk"), MinOnDuty: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	in := newUser("mover@example.com")
	in.Weekoffs = ptr([]string{"wednesday"})
	u, err := s.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	later := schedule.Today(time.Now(), time.UTC).AddDays(14)
	if _, err := s.SetUserSchedule(ctx, u.ID, models.ScheduleInput{Rules: schedule.Rules{}, EffectiveFrom: later}, 0); err != nil {
		t.Fatal(err)
	}
	view, err := s.UserScheduleView(ctx, u.ID)
	if err != nil || len(view.Upcoming) != 1 {
		t.Fatalf("the planned change: %+v (%v)", view.Upcoming, err)
	}
	planned := view.Upcoming[0].ID

	moved := false
	s.SetBeforeUserLock(func(id int64) {
		if moved || id != u.ID {
			return
		}
		moved = true
		if err := s.GormDB().Exec("UPDATE users SET team_id = ? WHERE id = ?", desk.ID, u.ID).Error; err != nil {
			t.Error(err)
		}
	})
	err = s.CancelUserSchedule(ctx, u.ID, planned, false)
	if _, short := errors.AsType[*models.ShortError](err); !short {
		t.Fatalf("cancelling after the move into the desk: got %v, want a ShortError", err)
	}
	if view, err = s.UserScheduleView(ctx, u.ID); err != nil || len(view.Upcoming) != 1 {
		t.Errorf("after the refused cancel: upcoming %+v (%v), want the planned change kept", view.Upcoming, err)
	}
}
