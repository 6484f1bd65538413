package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// bulkTargetTotal is issue 13's target for a bulk week-off change of
// 1,000,000 users, with history.
const bulkTargetTotal = 60 * time.Second

// bulkJob is a job as GET /admin/jobs/{id} shows it.
type bulkJob struct {
	ID          int64  `json:"id"`
	State       string `json:"state"`
	Done, Total int64
}

// benchBulkRules are the two changes benchBulk picks from: the one that
// the first employee does not have yet, so that a rerun on the same
// database (-fresh=false) changes everybody again.
var benchBulkRules = [2]struct{ rules, days string }{
	{`[{"day": "wednesday"}, {"day": "thursday", "weeks": "alternate"}]`, "{wednesday,thursday}"},
	{`[{"day": "tuesday"}, {"day": "friday", "weeks": "alternate"}]`, "{tuesday,friday}"},
}

// bulkRules returns the rules of benchBulkRules that the first employee's
// days are not.
func bulkRules(ctx context.Context, dbURL string) (string, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var days string
	err = conn.QueryRow(ctx, "SELECT weekoffs::text FROM users WHERE role = 'employee' ORDER BY id LIMIT 1").Scan(&days)
	if err != nil {
		return "", fmt.Errorf("bulk: the first employee: %w", err)
	}
	if days == benchBulkRules[0].days {
		return benchBulkRules[1].rules, nil
	}
	return benchBulkRules[0].rules, nil
}

// benchBulk changes every employee's week-offs (rules from today, one
// history row each) with one POST /admin/users/bulk, which queues a job,
// then polls GET /admin/jobs/{id} twice a second, printing its progress,
// until it completes. It changes every user, so it runs only when -only
// names it ("bulk"), on a database of its own (-database).
func benchBulk(ctx context.Context, o options, srv *server, fx *fixtures, w io.Writer, logf func(string, ...any)) error {
	if o.only == "" || !strings.Contains("POST /admin/users/bulk", o.only) {
		return nil
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	call := func(method, path string, body []byte, out any) (int, error) {
		req, err := http.NewRequestWithContext(ctx, method, srv.base+path, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+fx.adminToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
	}
	loadBefore := loadAverage()
	// Forced: every employee off on the same day leaves the coverage runs'
	// team (a minimum of 1) with nobody working then, which the guard
	// refuses; the batches then mark their history rows forced as they write them.
	rules, err := bulkRules(ctx, srv.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	body := []byte(`{"filter": {"role": "employee"}, "set": {"rules": ` + rules + `}, "force": true}`)
	start := time.Now()
	var queued struct{ Job bulkJob }
	status, err := call(http.MethodPost, "/admin/users/bulk", body, &queued)
	if err != nil || status != http.StatusAccepted {
		return fmt.Errorf("POST /admin/users/bulk: status %d, %v", status, err)
	}
	answered := time.Since(start)
	logf("bulk change to %s queued as job %d of %d users in %s", rules, queued.Job.ID, queued.Job.Total, answered.Round(time.Millisecond))
	var polls, stale int
	var job bulkJob
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
		if status, err := call(http.MethodGet, "/admin/jobs/"+strconv.FormatInt(queued.Job.ID, 10), nil, &job); err != nil || status != http.StatusOK {
			return fmt.Errorf("GET /admin/jobs/%d: status %d, %v", queued.Job.ID, status, err)
		}
		polls++
		if job.Done == last && job.State == "running" {
			stale++
		}
		last = job.Done
		logf("  %6.1f s  %-9s %8d of %d", time.Since(start).Seconds(), job.State, job.Done, job.Total)
		if job.State == "completed" || job.State == "failed" {
			break
		}
	}
	total := time.Since(start)
	fmt.Fprintf(w, "\nPOST /admin/users/bulk, every employee's week-offs (target at 1,000,000 users: all under %s, progress visible throughout).\n", bulkTargetTotal)
	fmt.Fprintln(w, "| users | answered (202) | done | users/s | polls of GET /admin/jobs/{id} | polls without progress while running | state | load average before → after |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---|---|")
	fmt.Fprintf(w, "| %d | %s | %.1f s | %.0f | %d | %d | %s | %s → %s |\n\n", job.Total, ms(answered), total.Seconds(),
		float64(job.Done)/total.Seconds(), polls, stale, job.State, loadBefore, loadAverage())
	return nil
}
