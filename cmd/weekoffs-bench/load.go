package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// endpoint is one load run: a name, who answers it, and the requests.
type endpoint struct {
	name    string
	conns   int
	pid     int // whose peak memory the row reports
	targets vegeta.Targeter
}

// row is one line of the result table.
type row struct {
	name          string
	conns         int
	requests      uint64
	rate          float64
	p50, p95, p99 time.Duration
	errors        uint64
	firstError    string
	peakRSS       float64       // MiB
	cpuPerReq     time.Duration // the answering process's CPU time per request
}

// loadAll runs every endpoint in turn and returns the table's rows.
func loadAll(ctx context.Context, o options, srv *server, ctl *control, fx *fixtures, logf func(string, ...any)) ([]row, error) {
	pid := srv.cmd.Process.Pid
	get := func(base, path string, header http.Header) vegeta.Targeter {
		return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: base + path, Header: header})
	}
	admin := bearer(fx.adminToken)
	list := func(query string) vegeta.Targeter { return get(srv.base, "/admin/users/"+query, admin) }

	var eps []endpoint
	eps = append(eps, endpoint{"GET /health", o.connections, pid, get(srv.base, "/health", http.Header{"Accept-Encoding": {gzip}})})
	for range o.rounds {
		eps = append(eps,
			endpoint{"control GET /me", o.connections, ctl.cmd.Process.Pid, rotating(http.MethodGet, ctl.base+"/me", fx.userTokens, nil, gzip)},
			endpoint{"floor GET /me", o.connections, ctl.cmd.Process.Pid, rotating(http.MethodGet, ctl.base+"/floor/me", fx.userTokens, nil, gzip)},
			endpoint{"GET /me", o.connections, pid, rotating(http.MethodGet, srv.base+"/me", fx.userTokens, nil, gzip)})
	}
	eps = append(eps, endpoint{"GET /me (identity)", o.connections, pid, rotating(http.MethodGet, srv.base+"/me", fx.userTokens, nil, identity)})
	// Writes, weekoffs and the control's bare UPDATE alternately, spread
	// over the users and on one hot row. Each server's runs on a set of
	// users share one sequence of bodies, so that every write to a user
	// changes their days: weekoffs does less for days that stay the same.
	for _, w := range []struct {
		name   string
		tokens []string
	}{{"PUT /me/weekoffs (2000 users)", fx.userTokens}, {"PUT /me/weekoffs (one user)", fx.userTokens[:1]}} {
		ctlPut := rotating(http.MethodPut, ctl.base+"/me/weekoffs", w.tokens, weekoffBodies, gzip)
		floorPut := rotating(http.MethodPut, ctl.base+"/floor/me/weekoffs", w.tokens, weekoffBodies, gzip)
		put := rotating(http.MethodPut, srv.base+"/me/weekoffs", w.tokens, weekoffBodies, gzip)
		for range o.rounds {
			eps = append(eps,
				endpoint{"control " + w.name, o.connections, ctl.cmd.Process.Pid, ctlPut},
				endpoint{"floor " + w.name, o.connections, ctl.cmd.Process.Pid, floorPut},
				endpoint{w.name, o.connections, pid, put})
		}
	}
	lists := []struct{ name, query string }{
		{"GET /admin/users/ first page", ""},
		{"GET /admin/users/?sort=-created", "?sort=-created"},
		{"GET /admin/users/?q=okafor (name)", "?q=okafor"},
		{"GET /admin/users/?q=user4242 (email)", "?q=user4242"},
		{"GET /admin/users/?q=Rao+Ana (two words)", "?q=Rao+Ana"},
		{"GET /admin/users/?weekoff=wednesday", "?weekoff=wednesday"},
		{"GET /admin/users/?cursor=<90% deep>", "?cursor=" + url.QueryEscape(fx.deepCursor)},
	}
	html := http.Header{"Accept": {"text/html"}, "Cookie": {fx.session}, "Accept-Encoding": {gzip}}
	// Throughput at full concurrency, then each request's own latency with
	// few connections: at 64 connections on 2 cores the latency is mostly
	// queueing (64 / throughput). The first page and the HTML page are also
	// asked uncompressed, to show what compression costs.
	for _, c := range []int{o.connections, o.latencyConns} {
		if c <= 0 {
			continue
		}
		for _, l := range lists {
			eps = append(eps, endpoint{l.name, c, pid, list(l.query)})
		}
		eps = append(eps, endpoint{lists[0].name + " (identity)", c, pid, get(srv.base, "/admin/users/", withEncoding(admin, identity))})
		if fx.session != "" {
			eps = append(eps,
				endpoint{"GET /admin/users (HTML)", c, pid, get(srv.base, "/admin/users", html)},
				endpoint{"GET /admin/users (HTML, identity)", c, pid, get(srv.base, "/admin/users", withEncoding(html, identity))})
		}
	}
	eps = append(eps, scheduleEndpoints(o, srv, fx)...)
	eps = append(eps, coverageEndpoints(o, srv, fx)...)
	if o.stress > 0 {
		eps = append(eps, endpoint{"GET /me", o.stress, pid, rotating(http.MethodGet, srv.base+"/me", fx.userTokens, nil, gzip)})
	}

	var rows []row
	for _, ep := range eps {
		if o.only != "" && !strings.Contains(ep.name, o.only) {
			continue
		}
		logf("loading %s with %d connections for %s", ep.name, ep.conns, o.duration)
		if o.warmup > 0 {
			attack(ctx, ep, o.warmup)
		}
		r := attack(ctx, ep, o.duration)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		logf("  %.0f req/s, p50 %s, p99 %s, %d errors %s", r.rate, r.p50, r.p99, r.errors, r.firstError)
		rows = append(rows, r)
	}
	return rows, nil
}

// weekoffBodies alternate so that every PUT really changes the row.
var weekoffBodies = [][]byte{[]byte(`{"weekoffs":["saturday","sunday"]}`), []byte(`{"weekoffs":["Fri"]}`)}

// Accept-Encoding values. Every request says it takes gzip, as browsers and
// Go's own client do; the "(identity)" rows ask for no compression, to show
// what it costs. (Set explicitly, Go's client leaves the body as it came, so
// the load generator spends no CPU unpacking it.)
const (
	gzip     = "gzip"
	identity = "identity"
)

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}, "Accept-Encoding": {gzip}}
}

// withEncoding is h asking for encoding instead.
func withEncoding(h http.Header, encoding string) http.Header {
	h = h.Clone()
	h.Set("Accept-Encoding", encoding)
	return h
}

// rotating sends each request with the next token (and the next body, if
// any), asking for the given Accept-Encoding.
func rotating(method, u string, tokens []string, bodies [][]byte, encoding string) vegeta.Targeter {
	headers := make([]http.Header, len(tokens))
	for i, t := range tokens {
		headers[i] = withEncoding(bearer(t), encoding)
		if bodies != nil {
			headers[i].Set("Content-Type", "application/json")
		}
	}
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		i := n.Add(1)
		t.Method, t.URL, t.Header, t.Body = method, u, headers[i%uint64(len(headers))], nil
		if bodies != nil {
			t.Body = bodies[(i/uint64(len(headers)))%uint64(len(bodies))]
		}
		return nil
	}
}

// attack loads ep with a fixed number of connections, each sending its next
// request as soon as the previous one is answered (as wrk does), for d.
func attack(ctx context.Context, ep endpoint, d time.Duration) row {
	c := uint64(ep.conns)
	atk := vegeta.NewAttacker(vegeta.Workers(c), vegeta.MaxWorkers(c),
		vegeta.Connections(ep.conns), vegeta.MaxConnections(ep.conns),
		vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second), vegeta.MaxBody(0))
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	r := row{name: ep.name, conns: ep.conns}
	cpuBefore := cpuTime(ep.pid)
	var m vegeta.Metrics
	for res := range atk.Attack(ep.targets, vegeta.Rate{}, d, ep.name) {
		m.Add(res)
		if res.Error != "" {
			r.errors++
			if r.firstError == "" {
				r.firstError = res.Error
			}
		}
	}
	m.Close()
	r.requests, r.rate = m.Requests, m.Rate
	r.p50, r.p95, r.p99 = m.Latencies.P50, m.Latencies.P95, m.Latencies.P99
	r.peakRSS = peakRSS(ep.pid)
	if m.Requests > 0 {
		r.cpuPerReq = (cpuTime(ep.pid) - cpuBefore) / time.Duration(m.Requests)
	}
	return r
}

func printTable(w io.Writer, o options, rows []row) {
	fmt.Fprintf(w, "\n%d users, %s per endpoint after a %s warm-up, closed loop (each connection waits for its answer).\n", o.users, o.duration, o.warmup)
	fmt.Fprintf(w, "peak RSS: VmHWM of the answering process so far; CPU/req: its user+system CPU time per request (PostgreSQL's is not included).\n\n")
	fmt.Fprintln(w, "| endpoint | conns | req/s | p50 | p95 | p99 | errors | peak RSS | CPU/req |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		errs := fmt.Sprint(r.errors)
		if r.errors > 0 {
			errs += " (" + r.firstError + ")"
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %.1f MiB | %d µs |\n",
			r.name, r.conns, r.rate, ms(r.p50), ms(r.p95), ms(r.p99), errs, r.peakRSS, r.cpuPerReq.Microseconds())
	}
	fmt.Fprintln(w)
}

// compared are the rows printed as a ratio of the control's row of the
// same name, with the target for each.
var compared = []struct {
	name   string
	target float64
}{
	{"GET /me", 0.90},
	{"PUT /me/weekoffs (2000 users)", 0.85},
	{"PUT /me/weekoffs (one user)", 0.85},
}

// printRatio compares weekoffs with the control, run for run at the same
// connections, as the ratio of their mean rates; and the floor (the
// control's way of serving over the contract's data, control_floor.go) with
// both: what the data costs, and what is left to win in the server.
func printRatio(w io.Writer, o options, rows []row) {
	for _, c := range compared {
		me := meanRate(rows, c.name, o.connections)
		ctl := meanRate(rows, "control "+c.name, o.connections)
		if me == 0 || ctl == 0 {
			continue
		}
		fmt.Fprintf(w, "%s: weekoffs %.0f req/s, control %.0f req/s: ratio %.2f (target ≥ %.2f)", c.name, me, ctl, me/ctl, c.target)
		if floor := meanRate(rows, "floor "+c.name, o.connections); floor > 0 {
			fmt.Fprintf(w, "; floor %.0f req/s: %.2f of the control, weekoffs %.2f of the floor", floor, floor/ctl, me/floor)
		}
		fmt.Fprintln(w)
	}
}

// meanRate is the mean rate of the rows of that name at conns connections,
// 0 when there are none.
func meanRate(rows []row, name string, conns int) float64 {
	var sum float64
	var n int
	for _, r := range rows {
		if r.name == name && r.conns == conns {
			sum, n = sum+r.rate, n+1
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
