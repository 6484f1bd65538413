package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// browser is a headless Chromium signed in to nothing yet, pointed at a test
// server that runs the app's real handler.
type browser struct {
	t    *testing.T
	ctx  context.Context
	app  *app
	base string // the app's address, such as http://127.0.0.1:41234
}

// newBrowser starts the app on a local port and Chromium beside it. Without
// Chromium the test is skipped, except under CI, where it fails.
func newBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: .ci/run installs it (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("%s is missing: install it (apt-get install chromium) to run the browser tests", chromiumPath)
	}

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // as root, Chromium refuses to start with its sandbox
		chromedp.UserDataDir(t.TempDir()),
		// Keep Chromium off the (closed) network at start.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser; it must not run under a timeout
	// (that would end the browser with it), so it is this empty one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, app: a, base: serveHTTP(t, a).base}
}

// stepTimeout bounds each step, so that a broken page fails the test
// instead of hanging it. It is generous: on a loaded two-core machine under
// -race a heavy page (the /docs one) can take tens of seconds.
const stepTimeout = 45 * time.Second

// do runs steps that return nothing.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fatal("browser step: %v", err)
	}
}

// submit runs steps that load a new page (a click on a submit button) and
// returns the status of the page that loaded.
func (b *browser) submit(steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.fatal("browser navigation: %v", err)
	}
	return res.Status
}

// open loads a path of the app and returns the status of the page.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fatal("open %s: %v", path, err)
	}
	return res.Status
}

// text is the visible text of the first element that matches a CSS selector.
func (b *browser) text(css string) string {
	b.t.Helper()
	return run(b, chromedp.Text(chromedp.CSS(css)))
}

// texts is the text of every element that matches a CSS selector.
func (b *browser) texts(css string) []string {
	b.t.Helper()
	return run(b, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q), e => (e.innerText ?? e.textContent).trim())`, css)))
}

// present reports whether an element matches a CSS selector now.
func (b *browser) present(css string) bool {
	b.t.Helper()
	return run(b, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, css)))
}

// checked lists the values of the checked boxes named name.
func (b *browser) checked(name string) []string {
	b.t.Helper()
	return run(b, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll('input[name=%q]:checked'), e => e.value)`, name)))
}

// path is the path and query of the page the browser shows.
func (b *browser) path() string {
	b.t.Helper()
	loc := run(b, chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.fatal("location %q: %v", loc, err)
	}
	return u.RequestURI()
}

// signIn fills and sends the sign-in form, and returns the status of the
// page it lands on.
func (b *browser) signIn(email, password string) int64 {
	b.t.Helper()
	b.open("/login")
	return b.submit(
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
}

// screenshot saves the whole page as a PNG in the run's screenshot folder
// and prints where.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	png := run(b, chromedp.FullScreenshot(100))
	p := filepath.Join(screenshotDir(b.t), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.fatal("save screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s", p)
	return p
}

// fatal fails the test with a screenshot of what the browser showed.
func (b *browser) fatal(format string, args ...any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		p := filepath.Join(screenshotDir(b.t), strings.ReplaceAll(b.t.Name(), "/", "_")+"-failure.png")
		if os.WriteFile(p, png, 0o644) == nil {
			b.t.Logf("screenshot at failure: %s", p)
		}
	}
	b.t.Fatalf(format, args...)
}

func run[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			b.t.Fatalf("browser step timed out after %s", stepTimeout)
		}
		b.fatal("browser step: %v", err)
	}
	return v
}

// screenshotDir is one temporary folder for the screenshots of a test run,
// kept after the run so that they can be looked at.
var screenshotDir = func() func(t *testing.T) string {
	var once sync.Once
	var dir string
	var err error
	return func(t *testing.T) string {
		once.Do(func() { dir, err = os.MkdirTemp("", "weekoffs-screenshots-") })
		if err != nil {
			t.Fatalf("screenshot folder: %v", err)
		}
		return dir
	}
}()
