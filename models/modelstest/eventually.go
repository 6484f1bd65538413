package modelstest

import (
	"testing"
	"time"
)

// Eventually polls cond every 10ms until it holds or within has passed,
// and reports whether it held; the caller says what failed to happen.
func Eventually(t testing.TB, within time.Duration, cond func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
