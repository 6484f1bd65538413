package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestRequestLoggedJustBeforeShutdownIsWritten serves with log lines held
// in the buffer for an hour, answers one request, and stops: the request's
// line, held until then, is in the log when serve returns, before
// "stopped".
func TestRequestLoggedJustBeforeShutdownIsWritten(t *testing.T) {
	t.Parallel()
	vars, _ := testEnv(t)
	var stdout, logs modelstest.SyncBuffer
	e := newEnv(func(k string) string { return vars[k] }, strings.NewReader(""), &stdout, &logs)
	e.logFlushEvery = time.Hour
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serveCommand(ctx, e, []string{"--migrate=false"}) }()
	var base string
	if !modelstest.Eventually(t, 30*time.Second, func() bool {
		base = servingURL.FindString(stdout.String())
		return base != ""
	}) {
		t.Fatalf("serve did not report its address\n%s", logs.String())
	}

	res, err := http.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	requestLine := `"msg":"request","method":"GET","path":"/health","status":200`
	if strings.Contains(logs.String(), requestLine) {
		t.Fatalf("the request line was written at once: the log is not buffered, so this test proves nothing\n%s", logs.String())
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	out := logs.String()
	at, stopped := strings.Index(out, requestLine), strings.Index(out, `"msg":"stopped"`)
	if at < 0 || stopped < at {
		t.Errorf("want the request line, then stopped, in the log after shutdown:\n%s", out)
	}
}

// TestLogWarningsWrittenAtOnce: while request lines are buffered, a warning
// (or an error) is written as soon as it is logged, after the lines that
// came before it.
func TestLogWarningsWrittenAtOnce(t *testing.T) {
	t.Parallel()
	var w modelstest.SyncBuffer
	out := newLogOutput(&w)
	log := newLogger(config.Config{Env: config.EnvProduction, LogLevel: "info"}, out)
	stop := out.buffer(time.Hour)
	defer stop()

	log.Info("a request")
	if got := w.String(); got != "" {
		t.Fatalf("an info line was written at once while buffering: %q", got)
	}
	log.With("component", "pool").Warn("the pool is exhausted")
	got := w.String()
	info, warn := strings.Index(got, `"msg":"a request"`), strings.Index(got, `"msg":"the pool is exhausted"`)
	if info < 0 || warn < info {
		t.Errorf("want the info line, then the warning, written at the warning:\n%s", got)
	}
}

// TestLogOutputRecoversFromWriteError: a failed write loses what was
// buffered, but the lines after it are written (bufio.Writer alone would
// refuse every later write).
func TestLogOutputRecoversFromWriteError(t *testing.T) {
	t.Parallel()
	w := &failingOnce{}
	out := newLogOutput(w)
	stop := out.buffer(time.Hour)
	defer stop()
	out.Write([]byte("lost\n"))
	if err := out.Flush(); err == nil {
		t.Fatal("the first flush should have failed")
	}
	out.Write([]byte("kept\n"))
	if err := out.Flush(); err != nil {
		t.Errorf("flush after a failed one: %v", err)
	}
	if got := w.String(); got != "kept\n" {
		t.Errorf("written: %q, want %q", got, "kept\n")
	}
}

// failingOnce fails its first write and keeps the others.
type failingOnce struct {
	failed bool
	strings.Builder
}

func (f *failingOnce) Write(p []byte) (int, error) {
	if !f.failed {
		f.failed = true
		return 0, errors.New("disk full")
	}
	return f.Builder.Write(p)
}

// BenchmarkRequestLog logs request-like lines from many goroutines at once
// into a file, as the server does under load, written through (a write
// per line) and buffered:
//
//	go test -run '^$' -bench RequestLog -cpu 2 ./cmd/weekoffs
func BenchmarkRequestLog(b *testing.B) {
	for _, bc := range []struct {
		name     string
		buffered bool
	}{{"Through", false}, {"Buffered", true}} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "requests.log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			out := newLogOutput(f)
			if bc.buffered {
				defer out.buffer(logFlushEvery)()
			}
			log := newLogger(config.Config{Env: config.EnvProduction, LogLevel: "info"}, out)
			b.ReportAllocs()
			b.SetParallelism(32) // 64 goroutines on 2 cores, as make bench's 64 connections
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.LogAttrs(context.Background(), slog.LevelInfo, "request",
						slog.String("method", "GET"), slog.String("path", "/me"), slog.Int("status", 200),
						slog.Float64("duration_ms", 0.412), slog.Int("bytes", 208))
				}
			})
		})
	}
}
