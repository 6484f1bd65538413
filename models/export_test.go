package models

import "gorm.io/gorm"

// GormDB exposes the Store's GORM handle to the package's external tests,
// so a benchmark can compare GORM with the hand-written pgx queries.
func (s *Store) GormDB() *gorm.DB { return s.db }

// PruneBatch is how many spent-out throttle rows one spend deletes at most.
const PruneBatch = pruneBatch
