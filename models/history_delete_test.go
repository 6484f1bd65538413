package models_test

import (
	"context"
	"testing"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// TestDeletingUsersTakesTheirHistory: no route deletes a user, but an
// operator may, in SQL. A deleted user's history goes with them, and the
// changes they made to others stay, by no one, as the foreign keys had it
// before migration 00021 put triggers in their place; a truncate empties
// the history.
func TestDeletingUsersTakesTheirHistory(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	ctx := context.Background()
	if _, err := s.Seed(ctx, 6, "history-password", nil); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := s.GormDB().Raw("SELECT id FROM users ORDER BY id").Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	admin, leaver, stayer, other := ids[0], ids[1], ids[2], ids[3]
	// The leaver changes the stayer's days and their own; the admin the leaver's.
	set := func(actor, id int64, day string) {
		t.Helper()
		ctx := models.WithActor(ctx, models.Actor{UserID: actor, Via: models.ViaAdmin})
		if _, err := s.SetWeekoffs(ctx, id, []string{day}, 0); err != nil {
			t.Fatal(err)
		}
	}
	set(leaver, stayer, "monday")
	set(leaver, leaver, "tuesday")
	set(admin, leaver, "wednesday")
	set(admin, other, "thursday")

	count := func(sql string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := s.GormDB().Raw(sql, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM user_history WHERE user_id = ?", leaver); n == 0 {
		t.Fatal("the leaver has no history to delete: the test proves nothing")
	}
	if n := count("SELECT count(*) FROM user_history WHERE user_id = ? AND actor_id = ?", stayer, leaver); n == 0 {
		t.Fatal("the stayer has no change by the leaver: the test proves nothing")
	}
	stayerRows := count("SELECT count(*) FROM user_history WHERE user_id = ?", stayer)

	// Two users in one statement, one of whom made no change.
	mustExec(t, s, "DELETE FROM users WHERE id IN (?, ?)", leaver, ids[4])

	if n := count("SELECT count(*) FROM user_history WHERE user_id = ?", leaver); n != 0 {
		t.Errorf("%d history rows of the deleted user are left, want none", n)
	}
	if n := count("SELECT count(*) FROM user_history WHERE user_id = ?", stayer); n != stayerRows {
		t.Errorf("the stayer has %d history rows after another user was deleted, want all %d", n, stayerRows)
	}
	if n := count("SELECT count(*) FROM user_history WHERE actor_id = ?", leaver); n != 0 {
		t.Errorf("%d history rows still name the deleted user as who made them, want none", n)
	}
	if n := count("SELECT count(*) FROM schedules WHERE created_by = ?", leaver); n != 0 {
		t.Errorf("%d schedules still name the deleted user as who made them, want none", n)
	}
	entries, err := s.History(ctx, stayer, 50)
	if err != nil {
		t.Fatal(err)
	}
	byNoOne := 0
	for _, e := range entries {
		if e.ActorID == nil && e.ActorEmail == "" {
			byNoOne++
		}
	}
	if byNoOne == 0 {
		t.Errorf("none of the stayer's %d history rows shows a change by no one after its maker was deleted", len(entries))
	}
	if n := count("SELECT count(*) FROM user_history WHERE actor_id = ?", admin); n == 0 {
		t.Error("the admin's changes lost who made them, though the admin was not deleted")
	}

	mustExec(t, s, "TRUNCATE users CASCADE")
	if n := count("SELECT count(*) FROM user_history"); n != 0 {
		t.Errorf("%d history rows are left after every user was truncated, want none", n)
	}
}
