package main

import (
	"bytes"
	gz "compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Issue 13's targets for exporting every user (at 1,000,000 of them).
const (
	exportTargetTotal     = 10 * time.Second
	exportTargetFirstByte = 200 * time.Millisecond
	exportTargetRSS       = 100 // MiB
)

// exportRun is one download of GET /admin/users/export.csv.
type exportRun struct {
	encoding            string
	firstByte, total    time.Duration
	rows, bytes         int64
	rssBefore, rssPeak  float64 // the server's VmRSS before and at most during, MiB
	cpu                 time.Duration
	loadBefore, loadEnd string
}

// benchExport downloads every user as CSV once uncompressed and once
// gzipped, one download at a time, as an admin clicking "Export" would,
// and prints the time to the first byte and to the end, the rows, and the
// server's resident memory during it, against issue 13's targets. It runs
// unless -only names something else.
func benchExport(ctx context.Context, o options, srv *server, fx *fixtures, w io.Writer, logf func(string, ...any)) error {
	if o.only != "" && !strings.Contains("GET /admin/users/export.csv", o.only) {
		return nil
	}
	var runs []exportRun
	for _, enc := range []string{identity, gzip} {
		logf("exporting %d users as CSV (%s)", o.users, enc)
		r, err := exportOnce(ctx, srv, fx.adminToken, enc)
		if err != nil {
			return err
		}
		logf("  first byte %s, all %d rows in %s, server RSS %.1f MiB at most", ms(r.firstByte), r.rows, r.total.Round(time.Millisecond), r.rssPeak)
		runs = append(runs, r)
	}
	fmt.Fprintf(w, "\nGET /admin/users/export.csv, every user, one download at a time (targets at 1,000,000 users: all under %s, first byte under %s, server RSS under %d MiB).\n",
		exportTargetTotal, exportTargetFirstByte, exportTargetRSS)
	fmt.Fprintln(w, "| encoding | rows | MiB sent | first byte | all | rows/s | server RSS before → peak | server CPU | load average before → after |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range runs {
		fmt.Fprintf(w, "| %s | %d | %.1f | %s | %.2f s | %.0f | %.1f → %.1f MiB | %.2f s | %s → %s |\n",
			r.encoding, r.rows, float64(r.bytes)/(1<<20), ms(r.firstByte), r.total.Seconds(),
			float64(r.rows)/r.total.Seconds(), r.rssBefore, r.rssPeak, r.cpu.Seconds(), r.loadBefore, r.loadEnd)
		if r.rows != int64(o.users) {
			fmt.Fprintf(w, "note: the %s export held %d rows for %d users\n", r.encoding, r.rows, o.users)
		}
	}
	fmt.Fprintln(w)
	return nil
}

// exportOnce downloads the file, counting its lines as they come.
func exportOnce(ctx context.Context, srv *server, token, encoding string) (exportRun, error) {
	pid := srv.cmd.Process.Pid
	r := exportRun{encoding: encoding, rssBefore: rss(pid), loadBefore: loadAverage()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/admin/users/export.csv", nil)
	if err != nil {
		return r, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", encoding) // set, so Go's client leaves the body as it came

	stop := sampleRSS(pid, &r.rssPeak)
	cpuBefore := cpuTime(pid)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		stop()
		return r, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		stop()
		return r, fmt.Errorf("GET /admin/users/export.csv: %s", res.Status)
	}
	var body io.Reader = res.Body
	if encoding == gzip {
		zr, err := gz.NewReader(&countingReader{r: res.Body, n: &r.bytes})
		if err != nil {
			stop()
			return r, err
		}
		body = zr
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 && r.firstByte == 0 {
			r.firstByte = time.Since(start)
		}
		r.rows += int64(bytes.Count(buf[:n], []byte("\n")))
		if encoding != gzip {
			r.bytes += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			stop()
			return r, fmt.Errorf("GET /admin/users/export.csv after %d rows: %w", r.rows, err)
		}
	}
	r.total = time.Since(start)
	stop()
	r.rows-- // the header
	r.cpu = cpuTime(pid) - cpuBefore
	r.loadEnd = loadAverage()
	return r, nil
}

// sampleRSS records the process's largest VmRSS into peak every 20 ms
// until stop is called: its own peak, which VmHWM (since the process
// started) is not.
func sampleRSS(pid int, peak *float64) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	var once sync.Once
	go func() {
		defer close(finished)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			*peak = max(*peak, rss(pid))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { once.Do(func() { close(done); <-finished }) }
}

// rss is the process's resident memory now (VmRSS) in MiB.
func rss(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// loadAverage is the one-minute load average.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// countingReader counts the bytes read through it into n.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
