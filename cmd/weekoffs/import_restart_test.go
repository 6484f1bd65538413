package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestImportJobSurvivesKill sends an import of 20,000 rows to one
// instance, which queues it as a job; kills that instance (SIGKILL) while
// the job's one transaction is half-way, its progress visible to others;
// and starts another: River's rescuer hands the job to it, it applies the
// whole file again from its kept rows, and every user ends with the change
// exactly once: one history row and one version more each.
func TestImportJobSurvivesKill(t *testing.T) {
	t.Parallel()
	dbURL := modelstest.EmptyDatabaseURL(t)
	env := envFor(dbURL)
	// The job is one transaction, which River cancels after half of
	// JOBS_RESCUE_AFTER, and a dead instance's job is taken up after all
	// of it: long enough here for 20,000 rows on a loaded machine.
	env["IMPORT_SYNC_MAX"], env["JOBS_RESCUE_AFTER"] = "100", "120s"
	const users = 20_000
	first, conn := jobWorld(t, env, dbURL, users)
	var file strings.Builder
	file.WriteString("email,weekoffs\r\n")
	for i := 1; i <= users; i++ {
		fmt.Fprintf(&file, "user%d@example.com,wed\r\n", i)
	}

	client := &http.Client{Timeout: 120 * time.Second}
	tok := signInAPI(t, client, first.base, "admin@example.com", "password1")
	req, _ := http.NewRequest(http.MethodPost, first.base+"/admin/users/import", strings.NewReader(file.String()))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "text/csv")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var jobID, total int64
	if err := conn.QueryRow(t.Context(), "SELECT job_id, total FROM job_progress WHERE kind = 'import_users'").Scan(&jobID, &total); err != nil || res.StatusCode != http.StatusAccepted || total != users {
		t.Fatalf("got %d, a job of %d (%v); want 202 and a job of %d", res.StatusCode, total, err, users)
	}

	progress := jobProgress(t, conn, jobID)
	before := killMidJob(t, first, progress, users, 120*time.Second)
	var applied int64
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM users WHERE weekoffs = '{wednesday}'").Scan(&applied); err != nil || applied != 0 {
		t.Fatalf("with %d of %d rows counted done, %d users were changed for others to see (%v); want none before the commit", before, users, applied, err)
	}
	t.Logf("killed the instance with %d of %d rows done", before, users)

	restartFinishes(t, env, progress, users, 300*time.Second)

	var changed, once, twice, bumped, done, kept int64
	err = conn.QueryRow(t.Context(), `SELECT
		(SELECT count(*) FROM users WHERE role = 'employee' AND weekoffs = '{wednesday}'),
		(SELECT count(*) FROM (SELECT user_id FROM user_history WHERE field = 'schedule' GROUP BY user_id HAVING count(*) = 1) AS h),
		(SELECT count(*) FROM (SELECT user_id FROM user_history WHERE field = 'schedule' GROUP BY user_id HAVING count(*) > 1) AS h),
		(SELECT count(*) FROM users WHERE role = 'employee' AND version = 2),
		(SELECT done FROM job_progress WHERE job_id = $1),
		(SELECT count(*) FROM job_batches WHERE job_id = $1)`, jobID).Scan(&changed, &once, &twice, &bumped, &done, &kept)
	if err != nil {
		t.Fatal(err)
	}
	if changed != users || once != users || twice != 0 || bumped != users || done != users || kept != 0 {
		t.Errorf("got %d changed, %d with one history row, %d with more, %d at version 2, %d done, %d batches kept; want %d, %d, 0, %d, %d, 0",
			changed, once, twice, bumped, done, kept, users, users, users, users)
	}
}
