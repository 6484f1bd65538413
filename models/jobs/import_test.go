package jobs_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/jobs"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// importFile is a CSV file of n new users, with the team named team.
func importFile(t *testing.T, n int, team string) *models.ImportFile {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,full_name,team,weekoffs\r\n")
	for i := range n {
		fmt.Fprintf(&b, "new%d@example.com,New %d,%s,sun\r\n", i, i, team)
	}
	return parseCSV(t, b.String())
}

// parseCSV parses text as an import file.
func parseCSV(t *testing.T, text string) *models.ImportFile {
	t.Helper()
	f, err := models.ParseUsersCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// waitJob waits for the job to finish and returns it.
func waitJob(t *testing.T, store *models.Store, id int64) *models.Job {
	t.Helper()
	var job *models.Job
	var err error
	if !modelstest.Eventually(t, 30*time.Second, func() bool {
		job, err = store.Job(t.Context(), id)
		return err == nil && job.Finished()
	}) {
		t.Fatalf("job not finished: %+v, %v", job, err)
	}
	return job
}

// TestImportUsersJob: an import above ImportSyncMax rows is checked at
// once and queued, its rows kept with the job; the job applies it whole,
// each row once, and leaves no rows behind. One whose file no longer
// applies when it runs (its team deleted meanwhile) fails with the rows'
// problems and applies nothing.
func TestImportUsersJob(t *testing.T) {
	t.Parallel()
	t.Run("Applied", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		c := newClient(t, store, jobs.Options{SyncMax: 10, ImportSyncMax: 10, BatchSize: 7})
		res, err := c.ImportUsers(t.Context(), importFile(t, 25, ""), models.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Job == nil || res.Job.Total != 25 || res.Job.State != models.JobQueued || res.Report.Create != 25 {
			t.Fatalf("got %+v, report %+v; want a queued job of 25 and 25 to create", res.Job, res.Report)
		}
		if n := usersLike(t, store, "new%"); n != 0 {
			t.Fatalf("queueing the import created %d users", n)
		}
		startClient(t, c)
		job := waitJob(t, store, res.Job.ID)
		if job.State != models.JobCompleted || job.Done != 25 || len(job.Errors) != 0 {
			t.Errorf("got %+v, want completed 25 of 25", job)
		}
		if n := usersLike(t, store, "new%"); n != 25 {
			t.Errorf("got %d users created, want 25", n)
		}
		var schedules, sunday int64
		if err := store.Pool().QueryRow(t.Context(), `SELECT (SELECT count(*) FROM schedules WHERE scope = 'user'),
			(SELECT count(*) FROM users WHERE weekoffs = '{sunday}')`).Scan(&schedules, &sunday); err != nil {
			t.Fatal(err)
		}
		if schedules != 25 || sunday != 25 {
			t.Errorf("got %d schedules and %d users off on Sunday, want 25 each", schedules, sunday)
		}
		var left int64
		if err := store.Pool().QueryRow(t.Context(), "SELECT count(*) FROM job_batches WHERE job_id = $1", res.Job.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("got %d rows kept after the job, %v; want none", left, err)
		}
	})
	t.Run("NoLongerApplies", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		name := "Night"
		team, err := store.CreateTeam(t.Context(), models.TeamInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, store, jobs.Options{SyncMax: 10, ImportSyncMax: 10, BatchSize: 7})
		res, err := c.ImportUsers(t.Context(), importFile(t, 12, "Night"), models.ImportOptions{})
		if err != nil || res.Job == nil {
			t.Fatalf("got %+v, %v; want a job", res, err)
		}
		if err := store.DeleteTeam(t.Context(), team.ID); err != nil {
			t.Fatal(err)
		}
		startClient(t, c)
		job := waitJob(t, store, res.Job.ID)
		if job.State != models.JobFailed || job.Done != 0 || len(job.Errors) != 12 {
			t.Fatalf("got %+v, want failed, nothing done, 12 errors", job)
		}
		if e := job.Errors[0]; e.Row != 2 || e.Field != "team" || !strings.Contains(e.Msg, "There is no team named Night") {
			t.Errorf("got first error %+v, want row 2's unknown team", e)
		}
		if n := usersLike(t, store, "new%"); n != 0 {
			t.Errorf("a failed import created %d users", n)
		}
	})
	t.Run("LimitLoweredMeanwhile", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		var b strings.Builder
		b.WriteString("email,full_name,weekoffs\r\n")
		for i := range 12 {
			days := "sun"
			if i%3 == 0 {
				days = "sat sun"
			}
			fmt.Fprintf(&b, "new%d@example.com,New %d,%s\r\n", i, i, days)
		}
		f := parseCSV(t, b.String())
		c := newClient(t, store, jobs.Options{SyncMax: 10, ImportSyncMax: 10, BatchSize: 7})
		res, err := c.ImportUsers(t.Context(), f, models.ImportOptions{})
		if err != nil || res.Job == nil {
			t.Fatalf("got %+v, %v; want a job", res, err)
		}
		one := 1
		if _, err := store.UpdateOrganisation(t.Context(), models.OrganisationInput{WeekoffsMax: &one}); err != nil {
			t.Fatal(err)
		}
		startClient(t, c)
		job := waitJob(t, store, res.Job.ID)
		if job.State != models.JobFailed || job.Done != 0 || len(job.Errors) != 4 {
			t.Fatalf("got %+v, want failed, nothing done, the 4 rows of two days", job)
		}
		for i, e := range job.Errors {
			if e.Row != 2+3*i || e.Field != "rules" || e.Msg != "Choose at most 1 week-off days, not 2" {
				t.Errorf("got error %+v, want row %d's two days of at most one", e, 2+3*i)
			}
		}
		if n := usersLike(t, store, "new%"); n != 0 {
			t.Errorf("a failed import created %d users", n)
		}
	})
	t.Run("DatesKept", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		later := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
		var b strings.Builder
		b.WriteString("email,full_name,weekoffs,effective_from\r\n")
		for i := range 12 {
			from := ""
			if i%2 == 1 {
				from = later
			}
			fmt.Fprintf(&b, "new%d@example.com,New %d,sun,%s\r\n", i, i, from)
		}
		f := parseCSV(t, b.String())
		c := newClient(t, store, jobs.Options{SyncMax: 10, ImportSyncMax: 10, BatchSize: 7})
		res, err := c.ImportUsers(t.Context(), f, models.ImportOptions{})
		if err != nil || res.Job == nil {
			t.Fatalf("got %+v, %v; want a job", res, err)
		}
		startClient(t, c)
		if job := waitJob(t, store, res.Job.ID); job.State != models.JobCompleted {
			t.Fatalf("got %+v, want completed", job)
		}
		var today, dated int64
		if err := store.Pool().QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE effective_from = org_today()),
			count(*) FILTER (WHERE effective_from = $1::date) FROM schedules WHERE scope = 'user'`, later).Scan(&today, &dated); err != nil {
			t.Fatal(err)
		}
		if today != 6 || dated != 6 {
			t.Errorf("got %d schedules from today and %d from %s, want 6 of each", today, dated, later)
		}
	})
	t.Run("ProblemsAtOnce", func(t *testing.T) {
		t.Parallel()
		store := modelstest.Store(t)
		c := newClient(t, store, jobs.Options{SyncMax: 10, ImportSyncMax: 10, BatchSize: 7})
		res, err := c.ImportUsers(t.Context(), importFile(t, 12, "Nowhere"), models.ImportOptions{})
		if err != nil || res.Job != nil || len(res.Report.Errors) != 12 {
			t.Fatalf("got %+v, %v; want the report's 12 problems and no job", res, err)
		}
		var queued int64
		if err := store.Pool().QueryRow(t.Context(), "SELECT count(*) FROM river_job").Scan(&queued); err != nil || queued != 0 {
			t.Errorf("got %d jobs queued, %v; want none", queued, err)
		}
	})
}

// usersLike counts the users whose email is like pattern.
func usersLike(t *testing.T, store *models.Store, pattern string) int64 {
	t.Helper()
	var n int64
	if err := store.Pool().QueryRow(t.Context(), "SELECT count(*) FROM users WHERE email LIKE $1", pattern).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportJobCoverageGuard: a queued import (above ImportSyncMax) that
// would leave a team short is checked by its job, which fails with the
// short dates as its errors and writes nothing; queued with force, the
// job applies it and its history rows say forced.
func TestImportJobCoverageGuard(t *testing.T) {
	t.Parallel()
	const file = "email,weekoffs\r\na1@example.com,wed\r\na2@example.com,wed\r\n"
	for _, force := range []bool{false, true} {
		t.Run(fmt.Sprintf("force=%v", force), func(t *testing.T) {
			t.Parallel()
			store := modelstest.Store(t)
			name, two := "Support", 2
			team, err := store.CreateTeam(t.Context(), models.TeamInput{Name: &name, MinOnDuty: &two})
			if err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{"a1", "a2", "a3"} {
				email, full, role, pw := who+"@example.com", "Person "+who, "employee", "password1"
				if _, err := store.CreateUser(t.Context(), models.UserInput{Email: &email, FullName: &full, Role: &role, Password: &pw, TeamID: &team.ID}); err != nil {
					t.Fatal(err)
				}
			}
			f := parseCSV(t, file)
			c := newClient(t, store, jobs.Options{SyncMax: 1, ImportSyncMax: 1, BatchSize: 1})
			res, err := c.ImportUsers(t.Context(), f, models.ImportOptions{Force: force})
			if err != nil || res.Job == nil {
				t.Fatalf("got %+v, %v; want a queued job", res, err)
			}
			startClient(t, c)
			job := waitJob(t, store, res.Job.ID)
			var wed, history, forced int64
			if err := store.Pool().QueryRow(t.Context(), `SELECT (SELECT count(*) FROM users WHERE weekoffs = '{wednesday}'),
				(SELECT count(*) FROM user_history WHERE via = 'import'),
				(SELECT count(*) FROM user_history WHERE via = 'import' AND forced)`).Scan(&wed, &history, &forced); err != nil {
				t.Fatal(err)
			}
			if force {
				if job.State != models.JobCompleted || wed != 2 || history == 0 || forced != history {
					t.Errorf("got %+v, %d off on Wednesday, %d of %d history rows forced; want completed, 2, all", job, wed, forced, history)
				}
				return
			}
			if job.State != models.JobFailed || job.Done != 0 || len(job.Errors) != 12 {
				t.Fatalf("got %+v, want failed, nothing done, the 12 short Wednesdays as errors", job)
			}
			if e := job.Errors[0]; e.Row != 0 || !strings.HasPrefix(e.Msg, "Team Support would have 1 working on ") {
				t.Errorf("got first error %+v, want a short Wednesday of Support", e)
			}
			if wed != 0 || history != 0 {
				t.Errorf("a refused job wrote %d days off and %d history rows", wed, history)
			}
		})
	}
}
