package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/jobs"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/models/schedule"
)

// seedUsers adds n active employees and returns their ids.
func seedUsers(t *testing.T, store *models.Store, n int) []int64 {
	t.Helper()
	rows, err := store.Pool().Query(t.Context(), `INSERT INTO users (email, full_name, password_hash)
		SELECT 'u' || i || '@example.com', 'User ' || i, 'x' FROM generate_series(1, $1::int) AS i RETURNING id`, n)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func newClient(t *testing.T, store *models.Store, opts jobs.Options) *jobs.Client {
	t.Helper()
	if opts.RescueAfter == 0 {
		opts.RescueAfter = time.Minute
	}
	c, err := jobs.New(store, opts, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startClient starts c's workers, stopped when the test ends.
func startClient(t *testing.T, c *jobs.Client) {
	t.Helper()
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
}

// counts returns how many history rows of field the users have, and the
// sum of their versions.
func counts(t *testing.T, store *models.Store, field string) (history, versions int64) {
	t.Helper()
	err := store.Pool().QueryRow(t.Context(), `SELECT (SELECT count(*) FROM user_history WHERE field = $1),
		(SELECT COALESCE(sum(version), 0) FROM users)`, field).Scan(&history, &versions)
	if err != nil {
		t.Fatal(err)
	}
	return history, versions
}

func TestChangeUsers(t *testing.T) {
	t.Parallel()
	sunday := schedule.EveryWeek([]time.Weekday{time.Sunday})
	t.Run("AtOnce", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		ids := seedUsers(t, store, 30)
		c := newClient(t, store, jobs.Options{SyncMax: 50, BatchSize: 7})
		_, v0 := counts(t, store, "schedule")
		res, err := c.ChangeUsers(t.Context(), models.BulkTarget{IDs: ids[:20]}, models.BulkChange{Rules: &sunday})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 20 || res.Job != nil {
			t.Fatalf("got %+v, want 20 updated at once", res)
		}
		h, v := counts(t, store, "schedule")
		w, _ := counts(t, store, "weekoffs")
		if h != 20 || w != 20 || v-v0 != 20 {
			t.Errorf("got %d schedule and %d weekoffs history rows, versions +%d; want 20 each", h, w, v-v0)
		}
		u, err := store.UserByID(t.Context(), ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Weekoffs.Strings(); len(got) != 1 || got[0] != "sunday" {
			t.Errorf("got week-offs %v, want [sunday]", got)
		}
		// The same rules again change nobody.
		if res, err = c.ChangeUsers(t.Context(), models.BulkTarget{IDs: ids[:20]}, models.BulkChange{Rules: &sunday}); err != nil || res.Updated != 0 {
			t.Errorf("again: got %+v, %v; want 0 updated", res, err)
		}
	})
	t.Run("AsAJob", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		seedUsers(t, store, 45)
		// Three batches at a time, each user still changed once.
		c := newClient(t, store, jobs.Options{SyncMax: 10, BatchSize: 7, Parallel: 3})
		_, v0 := counts(t, store, "schedule")
		res, err := c.ChangeUsers(t.Context(), models.BulkTarget{Filter: &models.UserFilter{Query: "user"}}, models.BulkChange{Rules: &sunday})
		if err != nil {
			t.Fatal(err)
		}
		if res.Job == nil || res.Job.Total != 45 || res.Job.State != models.JobQueued {
			t.Fatalf("got %+v, want a queued job of 45", res.Job)
		}
		startClient(t, c)
		var job *models.Job
		if !modelstest.Eventually(t, 20*time.Second, func() bool {
			job, err = store.Job(t.Context(), res.Job.ID)
			return err == nil && job.Finished()
		}) {
			t.Fatalf("job not finished: %+v, %v", job, err)
		}
		if job.State != models.JobCompleted || job.Done != 45 || job.FinishedAt == nil {
			t.Errorf("got %+v, want completed 45 of 45", job)
		}
		h, v := counts(t, store, "schedule")
		if h != 45 || v-v0 != 45 {
			t.Errorf("got %d history rows, versions +%d; want 45 each", h, v-v0)
		}
	})
	t.Run("StateMatchesResolution", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		ids := seedUsers(t, store, 12)
		var team int64
		if err := store.Pool().QueryRow(t.Context(), "INSERT INTO teams (name) VALUES ('Ops') RETURNING id").Scan(&team); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Pool().Exec(t.Context(), `INSERT INTO schedules (scope, team_id, rules, effective_from)
			VALUES ('team', $1, '[{"day":"monday","weeks":"every","part":"full"}]', org_today() + 3)`, team); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, store, jobs.Options{SyncMax: 50, BatchSize: 5})
		today := schedule.Today(time.Now(), time.UTC)
		saturday := schedule.EveryWeek([]time.Weekday{time.Saturday})
		changes := []models.BulkChange{
			{Rules: &saturday, EffectiveFrom: today.AddDays(5)},
			{Rules: &sunday},
			{TeamID: &team},
			{Rules: &saturday, EffectiveFrom: today},
			{TeamID: new(int64)},
		}
		for i, ch := range changes {
			if _, err := c.ChangeUsers(t.Context(), models.BulkTarget{IDs: ids[:8]}, ch); err != nil {
				t.Fatalf("change %d: %v", i, err)
			}
			var wrong int
			err := store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM users u JOIN user_schedule_state st ON st.user_id = u.id
				WHERE st.state::jsonb <> schedule_state(u.id, u.team_id, org_today())::jsonb OR u.weekoffs <> state_days(st.state)`).Scan(&wrong)
			if err != nil {
				t.Fatal(err)
			}
			if wrong != 0 {
				t.Errorf("after change %d (%+v): %d users' state differs from its resolution", i, ch, wrong)
			}
		}
	})
	t.Run("LastAdmin", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		ids := seedUsers(t, store, 3)
		if _, err := store.Pool().Exec(t.Context(), "UPDATE users SET role = 'admin' WHERE id = $1", ids[0]); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, store, jobs.Options{SyncMax: 50, BatchSize: 7})
		off := false
		_, err := c.ChangeUsers(t.Context(), models.BulkTarget{IDs: ids}, models.BulkChange{IsActive: &off})
		if !errors.Is(err, models.ErrLastAdmin) {
			t.Fatalf("got %v, want ErrLastAdmin", err)
		}
		if _, v := counts(t, store, "is_active"); v != 3 {
			t.Errorf("got versions summing %d, want 3: nothing written", v)
		}
	})
	t.Run("UnknownID", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		ids := seedUsers(t, store, 2)
		c := newClient(t, store, jobs.Options{SyncMax: 50, BatchSize: 7})
		off := false
		_, err := c.ChangeUsers(t.Context(), models.BulkTarget{IDs: []int64{ids[0], 999999}}, models.BulkChange{IsActive: &off})
		var fe models.FieldErrors
		if !errors.As(err, &fe) || fe.For("ids") == "" {
			t.Fatalf("got %v, want a FieldError at ids", err)
		}
	})
}
