package web

import (
	"strings"
	"testing"
	"time"
)

// A token answered from memory must still stop at its expiry, and a token
// that differs from a remembered one in any byte must be checked afresh.
func TestRememberedTokensStillExpireAndForgeriesFail(t *testing.T) {
	tk, err := newTokens([]byte("a secret of thirty-two bytes....."), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	raw, err := tk.issue("ana@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{now, now.Add(time.Minute)} { // the second answers from memory
		if sub, err := tk.subject(raw, at); err != nil || sub != "ana@example.com" {
			t.Fatalf("check %d: got %q, %v; want ana@example.com", i, sub, err)
		}
	}
	if tk.verified.Len() != 1 {
		t.Fatalf("%d tokens remembered, want 1", tk.verified.Len())
	}

	// The payload of another user under the remembered token's signature.
	other, err := tk.issue("bo@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(raw, ".")
	_, otherPayload, _ := strings.Cut(other, ".")
	otherPayload, _, _ = strings.Cut(otherPayload, ".")
	sig := raw[strings.LastIndex(raw, ".")+1:]
	if sub, err := tk.subject(head+"."+otherPayload+"."+sig, now); err == nil {
		t.Fatalf("a forged token was taken for %q", sub)
	}

	if sub, err := tk.subject(raw, now.Add(time.Hour+tokenLeeway+time.Second)); err == nil {
		t.Fatalf("an expired token was taken for %q", sub)
	}
	if tk.verified.Len() != 0 {
		t.Fatal("an expired token is still remembered")
	}
}
