package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestBulkJobSurvivesKill queues a bulk change of 30,000 users on one
// instance, kills that instance (SIGKILL) in the middle of the job, and
// starts another: River's rescuer hands the job to it, it goes on from the
// last committed batch, and every user ends with the change exactly once:
// one history row and one version more each.
//
// JOBS_RESCUE_AFTER is 3 s here so that the new instance takes the job up
// soon; in production it is 15 minutes (the default): a job is worked in
// slices of a third of it, so a live instance's job is never rescued, and
// a dead instance's waits at most that long, which for a background job is
// worth the certainty that nothing is run twice at once needlessly.
func TestBulkJobSurvivesKill(t *testing.T) {
	t.Parallel()
	dbURL := modelstest.EmptyDatabaseURL(t)
	env := envFor(dbURL)
	env["BULK_BATCH_SIZE"], env["BULK_SYNC_MAX"], env["JOBS_RESCUE_AFTER"] = "250", "100", "3s"
	const users = 30_000
	first, conn := jobWorld(t, env, dbURL, users)

	client := &http.Client{Timeout: 30 * time.Second}
	tok := signInAPI(t, client, first.base, "admin@example.com", "password1")
	body, _ := json.Marshal(map[string]any{"filter": map[string]any{"role": "employee"},
		"set": map[string]any{"rules": []any{map[string]any{"day": "wednesday"}}}})
	req, _ := http.NewRequest(http.MethodPost, first.base+"/admin/users/bulk", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var queued struct {
		Job struct{ ID, Total int64 }
	}
	json.NewDecoder(res.Body).Decode(&queued)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted || queued.Job.Total != users {
		t.Fatalf("got %d, job %+v; want 202 and a job of %d", res.StatusCode, queued.Job, users)
	}

	progress := jobProgress(t, conn, queued.Job.ID)
	before := killMidJob(t, first, progress, users, 60*time.Second)
	t.Logf("killed the instance with %d of %d users done", before, users)

	restartFinishes(t, env, progress, users, 120*time.Second)
	var state string
	if !modelstest.Eventually(t, 30*time.Second, func() bool {
		err := conn.QueryRow(t.Context(), "SELECT state FROM river_job WHERE id = $1", queued.Job.ID).Scan(&state)
		return err == nil && state == "completed"
	}) {
		t.Errorf("River's state of the job is %q, want completed", state)
	}

	var changed, once, bumped, done int64
	err = conn.QueryRow(t.Context(), `SELECT
		(SELECT count(*) FROM users WHERE role = 'employee' AND weekoffs = '{wednesday}'),
		(SELECT count(*) FROM (SELECT user_id FROM user_history WHERE field = 'schedule' GROUP BY user_id HAVING count(*) = 1) AS h),
		(SELECT count(*) FROM users WHERE role = 'employee' AND version = 2),
		(SELECT done FROM job_progress WHERE job_id = $1)`, queued.Job.ID).Scan(&changed, &once, &bumped, &done)
	if err != nil {
		t.Fatal(err)
	}
	var twice int64
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM (SELECT user_id FROM user_history WHERE field = 'schedule' GROUP BY user_id HAVING count(*) > 1) AS h").Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if changed != users || once != users || twice != 0 || bumped != users || done != users {
		t.Errorf("got %d changed, %d with one history row, %d with more, %d at version 2, %d done; want %d, %d, 0, %d, %d",
			changed, once, twice, bumped, done, users, users, users, users)
	}
}
