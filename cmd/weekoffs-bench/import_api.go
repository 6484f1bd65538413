package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/models"
)

// benchImportAPI applies a file like importChanges' through the API, as a
// script would: POST /admin/users/import of 100,000 rows as text/csv,
// which above IMPORT_SYNC_MAX answers 202 with a River job, then GET
// /admin/jobs/{id} four times a second until the job is done. The file's
// people are others than the command line's (the seeded users after the
// first 50,000, new users named api...), so that it changes as many. Its
// time runs from the request to the poll that sees the job done.
func benchImportAPI(ctx context.Context, o options, dbURL string, logf func(string, ...any)) (importRun, error) {
	run := importRun{what: "100,000 rows: 50,000 new users, 50,000 changed (others)", mode: "apply through the API"}
	srv, err := startServer(ctx, o, dbURL, logf)
	if err != nil {
		return run, err
	}
	defer srv.stop()
	token, err := signIn(srv.base, models.SeedAdminEmail, benchPassword)
	if err != nil {
		return run, err
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	call := func(method, path, contentType, body string, out any) (int, error) {
		req, err := http.NewRequestWithContext(ctx, method, srv.base+path, strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
	}
	file := importChanges(100_000, o.users, 50_000, "api")
	logf("POST /admin/users/import, %d bytes of CSV", len(file))
	run.loadBefore = loadAverage()
	start := time.Now()
	var queued struct{ Job bulkJob }
	status, err := call(http.MethodPost, "/admin/users/import", "text/csv", file, &queued)
	if err != nil || status != http.StatusAccepted {
		return run, fmt.Errorf("POST /admin/users/import: status %d, %v", status, err)
	}
	answered := time.Since(start)
	logf("  202 with job %d of %d rows after %s", queued.Job.ID, queued.Job.Total, answered.Round(time.Millisecond))
	var job bulkJob
	for job.State != "completed" && job.State != "failed" {
		select {
		case <-ctx.Done():
			return run, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		path := "/admin/jobs/" + strconv.FormatInt(queued.Job.ID, 10)
		if status, err := call(http.MethodGet, path, "", "", &job); err != nil || status != http.StatusOK {
			return run, fmt.Errorf("GET %s: status %d, %v", path, status, err)
		}
		logf("  %6.1f s  %-9s %8d of %d", time.Since(start).Seconds(), job.State, job.Done, job.Total)
	}
	run.took = time.Since(start)
	run.loadEnd = loadAverage()
	run.report = fmt.Sprintf("202 after %.2f s; job %s, %d of %d rows", answered.Seconds(), job.State, job.Done, job.Total)
	if job.State != "completed" {
		return run, fmt.Errorf("import job %d: %s", job.ID, job.State)
	}
	return run, nil
}
