package models

import "gorm.io/gorm"

// GormDB exposes the Store's GORM handle to the package's external tests,
// so a benchmark can compare GORM with the hand-written pgx queries.
func (s *Store) GormDB() *gorm.DB { return s.db }

// PruneBatch is how many spent-out throttle rows one spend deletes at most.
const PruneBatch = pruneBatch

// SetBeforeUserLock has f run in every update of a user between the locks
// taken before the user's row and the row's own (user_update_locks.go).
func (s *Store) SetBeforeUserLock(f func(id int64)) { s.beforeUserLock = f }
