package web_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/weekoffs/weekoffs/models"
)

// focusRing is what the browser draws around the element that has keyboard
// focus, and the colour behind it.
type focusRing struct {
	Element, Outline, Style, Background string
	Width                               float64
}

// TestBrowserFocusRingContrast tabs through the users page and the sign-in
// page with the keyboard: every stop shows a focus ring at least 2 pixels
// wide whose colour has a contrast of at least 3:1 with what is behind it
// (WCAG 1.4.11).
func TestBrowserFocusRingContrast(t *testing.T) {
	a := newApp(t, nil)
	b := newBrowser(t, a)
	if _, err := a.store.Seed(context.Background(), 5, "password1", nil); err != nil {
		t.Fatal(err)
	}
	check := func(page string) {
		for stop := range 12 {
			b.do(chromedp.KeyEvent(kb.Tab))
			ring := run(b, chromedp.Evaluate[focusRing](`(() => {
				const e = document.activeElement, s = getComputedStyle(e);
				let bg = 'rgba(0, 0, 0, 0)';
				for (let p = e.parentElement; p && /rgba\(.*, 0\)|transparent/.test(bg); p = p.parentElement) bg = getComputedStyle(p).backgroundColor;
				return {Element: e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 20),
					Outline: s.outlineColor, Style: s.outlineStyle, Width: parseFloat(s.outlineWidth), Background: bg};
			})()`))
			if strings.HasPrefix(ring.Element, "BODY") {
				continue // past the last stop, focus is in the browser's own controls
			}
			if ring.Style == "none" || ring.Width < 2 {
				t.Errorf("%s, stop %d (%s): no focus ring (%s %vpx)", page, stop, ring.Element, ring.Style, ring.Width)
				continue
			}
			if c := contrast(t, ring.Outline, ring.Background); c < 3 {
				t.Errorf("%s, stop %d (%s): focus ring %s on %s has contrast %.2f:1, want at least 3:1", page, stop, ring.Element, ring.Outline, ring.Background, c)
			}
		}
	}
	b.open("/login")
	check("/login")
	b.signIn(models.SeedAdminEmail, "password1")
	b.open("/admin/users")
	check("/admin/users")
}

// contrast is the WCAG contrast ratio of two CSS colours as getComputedStyle
// writes them ("rgb(31, 95, 191)").
func contrast(t *testing.T, c1, c2 string) float64 {
	t.Helper()
	l1, l2 := luminance(t, c1), luminance(t, c2)
	return (math.Max(l1, l2) + 0.05) / (math.Min(l1, l2) + 0.05)
}

func luminance(t *testing.T, css string) float64 {
	t.Helper()
	var r, g, b float64
	if _, err := fmt.Sscanf(css, "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
		t.Fatalf("colour %q: %v", css, err)
	}
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
