package models_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

func TestSpendAttempt(t *testing.T) {
	t.Parallel()
	s := modelstest.Store(t)
	allowance := func(key string, burst int) models.Allowance {
		return models.Allowance{Key: []byte(key), Burst: burst, Refill: time.Minute}
	}
	spend := func(t *testing.T, a ...models.Allowance) []models.Spent {
		t.Helper()
		spent, err := s.SpendAttempt(t.Context(), a...)
		if err != nil {
			t.Fatal(err)
		}
		return spent
	}
	// elapse moves the throttle's clock on by d, as if d had passed.
	elapse := func(t *testing.T, d time.Duration) {
		t.Helper()
		if err := s.GormDB().Exec("UPDATE signin_throttle SET full_at = full_at - ?::interval", d.String()).Error; err != nil {
			t.Fatal(err)
		}
	}

	t.Run("BurstThenRefill", func(t *testing.T) {
		a := allowance("burst", 3)
		for i := range 3 {
			if !spend(t, a)[0].Allowed {
				t.Fatalf("attempt %d of a burst of 3 was refused", i+1)
			}
		}
		first := spend(t, a)[0]
		if first.Allowed || first.Wait <= 0 || first.Wait > time.Minute {
			t.Fatalf("fourth attempt: got %+v, want refused with a wait of up to a minute", first)
		}
		// Refused attempts spend nothing: the wait does not grow.
		if again := spend(t, a)[0]; again.Allowed || again.Wait > first.Wait {
			t.Errorf("fifth attempt: got %+v, want refused, waiting no longer than %s", again, first.Wait)
		}
		elapse(t, time.Minute)
		if !spend(t, a)[0].Allowed {
			t.Error("a refill later, the attempt was refused")
		}
		if spend(t, a)[0].Allowed {
			t.Error("one refill gave more than one attempt")
		}
	})
	t.Run("EachAllowanceInOrder", func(t *testing.T) {
		small, large := allowance("small", 1), allowance("large", 100)
		spend(t, small, large)
		got := spend(t, large, small)
		if !got[0].Allowed || got[1].Allowed {
			t.Errorf("got %+v, want the large allowance allowed and the small one refused", got)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		// Every attempt at once, on a pool of four: exactly the burst gets through.
		a := allowance("concurrent", 5)
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for range 40 {
			wg.Go(func() {
				spent, err := s.SpendAttempt(t.Context(), a)
				if err != nil {
					t.Error(err)
					return
				}
				if spent[0].Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if allowed != 5 {
			t.Errorf("%d of 40 concurrent attempts got through a burst of 5", allowed)
		}
	})
	t.Run("Forgive", func(t *testing.T) {
		account, address := allowance("account", 2), allowance("address", 2)
		spend(t, account, address)
		spend(t, account, address)
		if err := s.ForgiveAttempt(t.Context(), account.Key, address.Key); err != nil {
			t.Fatal(err)
		}
		// The account's failures are forgotten, the address got one back.
		if got := spend(t, account, address); !got[0].Allowed || !got[1].Allowed {
			t.Fatalf("after forgiving: got %+v, want both allowed", got)
		}
		if got := spend(t, account, address); !got[0].Allowed || got[1].Allowed {
			t.Errorf("next: got %+v, want the account allowed (its second) and the address refused", got)
		}
		if err := s.ForgiveAttempt(t.Context(), nil, nil); err != nil {
			t.Errorf("forgiving nothing: %v", err)
		}
	})
	t.Run("Prune", func(t *testing.T) {
		count := func() (n int64) {
			t.Helper()
			if err := s.GormDB().Raw("SELECT count(*) FROM signin_throttle").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := range 30 {
			spend(t, allowance(fmt.Sprint("old", i), 1))
		}
		elapse(t, time.Hour) // every row so far is full again
		before := count()
		spend(t, allowance("new", 1))
		if got := count(); got != before-models.PruneBatch+1 {
			t.Errorf("a spend with %d rows to prune left %d of %d rows, want %d", before, got, before, before-models.PruneBatch+1)
		}
		for range before / models.PruneBatch {
			spend(t, allowance("new", 1))
		}
		if got := count(); got != 1 {
			t.Errorf("after enough spends %d rows remain, want only the live one", got)
		}
	})
}
